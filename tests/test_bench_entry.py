"""``python -m bench``: rows from every script become one markdown table, failures included.

Fake benchmark scripts stand in for the real ones (which take minutes to hours).
"""

from __future__ import annotations

import importlib.util
import sys
import textwrap
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _load() -> ModuleType:
    spec = importlib.util.spec_from_file_location("kg_bench_main", ROOT / "bench" / "__main__.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


bench = _load()
common = sys.modules["common"]
ABOUT = {"date": "2026-01-02 03:04 UTC", "cores": "2", "cpu": "Test CPU", "ram": "24 GiB", "system": "Linux 6",
         "python": "3.11.7", "pyoxigraph": "0.5.13", "rdflib": "7.6.0"}


def fake_rows() -> list[dict[str, object]]:
    return [
        common.row("export", "ttl", "1M", triples=999_357, kg_s=15.91, anchor="pyoxigraph Store.dump", anchor_s=14.27,
                   target="<= 2x", peak_rss_mb=206.4, notes="byte-identical | yes"),
        common.row("ingest", "build", "1M", triples=999_299, kg_s=30.0, anchor="raw pyoxigraph", anchor_s=9.0,
                   target="<= 3x", peak_rss_mb=800.0),
        common.row("resolve", "suggest", "10k mentions", kg_s=0.5, notes="first size: no growth to measure"),
        common.row("remote", "failed", "", met=False, notes="exit 2: remote.py: error: unrecognized arguments"),
    ]


def test_rows_default_their_ratio_and_whether_the_target_is_met() -> None:
    export, ingest, resolve, failed = fake_rows()
    assert export["ratio"] == pytest.approx(15.91 / 14.27) and export["met"] is True
    assert ingest["ratio"] == pytest.approx(30 / 9) and ingest["met"] is False
    assert resolve["met"] is True and resolve["ratio"] != resolve["ratio"]  # NaN: nothing to compare with
    assert failed["met"] is False
    assert common.row("x", "y", "z", kg_s=1.0, anchor_s=1.0, ratio=0.9, target=">= 0.8x")["met"] is True
    assert set(export) == set(common.ROW_KEYS)


def test_the_table_shows_machine_load_ratios_and_failures() -> None:
    text = bench.render(fake_rows(), ABOUT, (0.5, 0.6, 0.7), (1.5, 1.25, 1.0), 125.0)
    lines = text.splitlines()
    assert lines[0] == "# kg benchmarks"
    assert ("Run 2026-01-02 03:04 UTC (2.1 min) on 2 cores (Test CPU), 24 GiB RAM, Linux 6; Python 3.11.7, "
            "pyoxigraph 0.5.13, rdflib 7.6.0. Load average (1/5/15 min) before: 0.50 / 0.60 / 0.70; "
            "after: 1.50 / 1.25 / 1.00.") in lines
    table = [line for line in lines if line.startswith("| ") and not line.startswith("| benchmark")]
    assert table[0] == ("| export | ttl | 1M | 999,357 | 15.91 | pyoxigraph Store.dump | 14.27 | 1.11x | <= 2x | yes "
                        "| 206 | byte-identical \\| yes |")
    assert table[1].startswith("| ingest | build | 1M | 999,299 | 30.00 | raw pyoxigraph | 9.00 | 3.33x | <= 3x "
                               "| **no** | 800 |")
    assert table[2] == ("| resolve | suggest | 10k mentions | — | 0.50 | — | — | — | — | yes | — "
                        "| first size: no growth to measure |")
    assert table[3].endswith("| **no** | — | exit 2: remote.py: error: unrecognized arguments |")
    assert all(line.count(" | ") == 11 for line in table)
    assert lines[-1] == "2 of 4 rows meet their target."


def _script(folder: Path, name: str, body: str) -> Path:
    path = folder / name
    path.write_text(textwrap.dedent(body), encoding="utf-8")
    return path


def test_missing_failing_and_working_scripts(tmp_path: Path) -> None:
    [missing] = bench.run_script("remote", tmp_path / "remote.py", [], 30)
    assert missing["case"] == "failed" and missing["notes"] == "remote.py not found" and not missing["met"]
    broken = _script(tmp_path, "broken.py", """\
        import sys
        print("working on it")
        print("Traceback (most recent call last):\\nValueError: the store is gone", file=sys.stderr)
        sys.exit(3)
        """)
    [failed] = bench.run_script("query", broken, [], 30)
    assert failed["notes"] == "exit 3: ValueError: the store is gone" and failed["benchmark"] == "query"
    good = _script(tmp_path, "good.py", """\
        import json, sys
        rows = [{"benchmark": "view", "case": "first draw", "size": sys.argv[2], "triples": 0, "kg_s": 1.0,
                  "anchor": "pyvis", "anchor_s": 4.0, "ratio": 0.25, "target": "<= 1x", "met": True,
                  "peak_rss_mb": None, "notes": ""}]
        open(sys.argv[-1], "w").write(json.dumps(rows))
        """)
    [ok] = bench.run_script("view", good, ["--sizes", "200"], 30)
    assert ok["size"] == "200" and ok["ratio"] == 0.25
    slow = _script(tmp_path, "slow.py", "import time\ntime.sleep(30)\n")
    [late] = bench.run_script("extraction", slow, [], 0.5)
    assert late["notes"] == "no result in 0.5 s"


def test_main_writes_the_table_even_when_scripts_fail(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    _script(tmp_path, "export.py", f"""\
        import json, sys
        sys.path.insert(0, {str(ROOT / "bench")!r})
        from common import row, write_json
        assert sys.argv[1:3] == ["--sizes", "10000"], sys.argv
        write_json(sys.argv[-1], [row("export", "ttl", "10k", kg_s=0.2, anchor_s=0.1, target="<= 2x")])
        """)
    _script(tmp_path, "query.py", "raise SystemExit('query.py: error: unrecognized arguments: --json')\n")
    monkeypatch.setattr(bench, "BENCH", tmp_path)
    out = tmp_path / "out" / "bench.md"
    assert bench.main(["--quick", "--only", "export,query,remote", "--out", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    assert "| export | ttl | 10k | — | 0.20 | — | 0.10 | 2.00x | <= 2x | yes |" in text
    assert "| query | failed |" in text and "unrecognized arguments: --json |" in text
    assert "| remote | failed |" in text and "remote.py not found |" in text
    assert text.index("| remote |") < text.index("| query |") < text.index("| export |")  # in SCRIPTS' order
    assert "wrote" in capsys.readouterr().out
    with pytest.raises(SystemExit):
        bench.main(["--only", "nonsense"])
