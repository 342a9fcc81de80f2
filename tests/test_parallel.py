"""Preparing sources in worker processes changes nothing but speed: same report, same graph, same errors."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from kg.build import parallel, pipeline
from kg.build.sources import discover
from kg.iris import Minter
from kg.store import KgStore
from kg.synth import world as synth


@pytest.fixture(scope="module")
def case_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("parallel") / "case"
    synth.generate(130_000, 2, directory, articles=0)  # three JSON batches besides the YAML and CSV files
    (directory / "broken.json").write_text('{"people": [{"id": "x"}]}', encoding="utf-8")
    return directory


def _build(directory: Path) -> tuple[list[tuple[str, str, int, str]], list[str]]:
    store = KgStore.in_memory()
    report = pipeline.build(store, directory)
    outcomes = [(o.name, o.status, o.triples, str(o.error)) for o in report.outcomes]
    quads = sorted(str(q) for q in store.quads())  # the log graph (ingest times) left out
    return outcomes, quads


def test_worker_count_follows_size_cores_and_override(monkeypatch: pytest.MonkeyPatch, case_dir: Path) -> None:
    jobs = [(p, p.name) for p in sorted(case_dir.rglob("*.*"))]
    monkeypatch.delenv("KG_WORKERS", raising=False)
    assert parallel.worker_count(jobs[:1]) == 0
    monkeypatch.setenv("KG_WORKERS", "1")
    assert parallel.worker_count(jobs) == 0
    monkeypatch.setenv("KG_WORKERS", "3")
    assert parallel.worker_count(jobs) == 3


def test_a_parallel_build_equals_a_sequential_one(monkeypatch: pytest.MonkeyPatch, case_dir: Path) -> None:
    monkeypatch.setenv("KG_WORKERS", "0")
    sequential = _build(case_dir)
    monkeypatch.setenv("KG_WORKERS", "2")
    assert _build(case_dir) == sequential
    outcomes = sequential[0]
    assert [o[1] for o in outcomes] == ["added"] * 4 + ["failed"] + ["added"]
    assert outcomes[4][3] == f"{case_dir / 'broken.json'}: people[0] 'x': field 'name' is required"


def test_prepared_sources_come_back_in_order(monkeypatch: pytest.MonkeyPatch, case_dir: Path) -> None:
    monkeypatch.setenv("KG_WORKERS", "2")
    paths = sorted(case_dir.rglob("batch-*.json"))
    names = [name for _, name, ready in parallel.prepare_in_order(paths, case_dir, Minter()) if ready()]
    assert names == [p.relative_to(case_dir).as_posix() for p in paths]


def test_workers_do_not_rerun_a_callers_unguarded_script(tmp_path: Path, case_dir: Path) -> None:
    script = tmp_path / "plain.py"  # no `if __name__ == "__main__":` guard, as library users write them
    script.write_text(
        "import pathlib, sys\n"
        "from kg.build import pipeline\nfrom kg.store import KgStore\n"
        "print('script ran', flush=True)\n"
        "with KgStore.open(pathlib.Path(sys.argv[2])) as store:\n"
        "    report = pipeline.build(store, pathlib.Path(sys.argv[1]))\n"
        "print(report.summary())\n", encoding="utf-8")
    result = subprocess.run([sys.executable, str(script), str(case_dir), str(tmp_path / "store")],
                            capture_output=True, text=True, timeout=600, env={**os.environ, "KG_WORKERS": "2"})
    assert result.stderr.count("Traceback") == 0, result.stderr
    assert result.stdout == "script ran\n5 added, 1 failed\n"


def test_articles_get_a_worker_of_their_own_and_change_nothing(monkeypatch: pytest.MonkeyPatch,
                                                                tmp_path: Path) -> None:
    directory = tmp_path / "case"
    synth.generate(6_000, 4, directory, articles=3)
    jobs = [(p, p.name) for p in discover(directory)]
    articles = [i for i, (p, _) in enumerate(jobs) if p.parent.name == "articles"]
    assert 0 < len(articles) < len(jobs)
    assert parallel.lanes(jobs, 2) == [(articles, 1), ([i for i in range(len(jobs)) if i not in articles], 1)]
    assert parallel.lanes([jobs[i] for i in articles], 2) == [(list(range(len(articles))), 2)]  # all articles
    monkeypatch.setenv("KG_WORKERS", "0")
    sequential = _build(directory)
    monkeypatch.setenv("KG_WORKERS", "2")
    assert _build(directory) == sequential
    assert sum(1 for o in sequential[0] if o[1] == "added") == len(jobs)

