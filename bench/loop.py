"""The edit-build loop at real size: first build, a build with nothing to do, one small edit, one new
article, and what progress bars cost -- each `kg build` a fresh process, side by side in one run.

    python bench/loop.py [--sizes 300000,1000000] [--json PATH]

Per size, on a case from ``kg synth --triples N --seed 7``:

- first build with its outputs vs a raw pyoxigraph ``bulk_load`` of the same quads (dumped as
  N-Quads) into a new on-disk store (targets <= 3x at 300k, <= 2x from 1M);
- no-op rebuild (nothing changed), start-up included (target <= 1.5 s);
- one person added to one case file (target <= 0.30x the first build at 300k, <= 0.15x from 1M);
- one article added, vs ``kg extract`` of that article alone (target <= its time + 3 s);
- the first build again with ``--progress`` vs without (target <= 1.02x).

Times are wall-clock seconds of each process; CPU seconds (user + system) are in the notes, since
the machine is shared; peak RSS is the kg process's (its largest preparing worker included).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import ROOT, Row, row, size_label, write_json

KG = [sys.executable, "-m", "kg"]
_RAW = ("import sys, pyoxigraph as ox\n"
        "s = ox.Store(sys.argv[2]); s.bulk_load(path=sys.argv[1], format=ox.RdfFormat.N_QUADS); s.flush()\n")


class _Runner:
    """Runs commands in a child that reports its own and its children's usage (getrusage per run)."""

    def __call__(self, argv: list[str], cwd: Path) -> tuple[float, float, float, str]:
        probe = ("import json, resource, subprocess, sys, time\n"
                 "t = time.perf_counter(); p = subprocess.run(sys.argv[1:], capture_output=True)\n"
                 "w = time.perf_counter() - t; u = resource.getrusage(resource.RUSAGE_CHILDREN)\n"
                 "sys.stderr.buffer.write(p.stderr); sys.stdout.buffer.write(p.stdout)\n"
                 "print(json.dumps([p.returncode, w, u.ru_utime + u.ru_stime, u.ru_maxrss / 1024]))\n")
        result = subprocess.run([sys.executable, "-c", probe, *argv], cwd=cwd, capture_output=True, text=True)
        *lines, last = result.stdout.rstrip("\n").split("\n")
        import json

        code, wall, cpu, rss = json.loads(last)
        if code != 0:
            raise RuntimeError(f"{' '.join(argv[2:6])}: exit {code}: {result.stderr[-300:]}")
        return wall, cpu, rss, "\n".join(lines)


RUN = _Runner()


def _add_person(case: Path) -> None:
    target = sorted(case.glob("*.yaml"))[0]
    text = target.read_text(encoding="utf-8")
    target.write_text(text.replace("people:\n", "people:\n- id: bench-added\n  name: Zorya Benchfield\n", 1),
                      encoding="utf-8")


def _new_article(work: Path, seed: int) -> Path:
    from kg.synth import world

    other = work / "other"
    world.generate(20_000, seed + 1, other)
    found = sorted(p for p in (other / "articles").iterdir() if p.suffix in (".txt", ".md", ".html"))
    return found[0]


def measure(size: int, work: Path) -> list[Row]:
    from kg.synth import world

    label = size_label(size)
    case = work / "case"
    world.generate(size, 7, case)
    build = [*KG, "--store", "store", "build", "case", "-o", "out", "--no-progress"]
    first = RUN(build, work)
    triples = _triples(first[3])
    nq = work / "all.nq"
    RUN([*KG, "--store", "store", "export", "--format", "nq", "--include-log", "-o", str(nq)], work)
    raw = RUN([sys.executable, "-c", _RAW, str(nq), str(work / "raw-store")], work)
    noop = RUN(build, work)
    assert noop[3].startswith("nothing changed"), noop[3][:200]
    _add_person(case)
    edit = RUN(build, work)
    article = _new_article(work, 7)
    alone = RUN([*KG, "extract", str(article)], work)
    shutil.copy(article, case / "articles" / f"zz-bench-{article.name}")
    added = RUN(build, work)
    with_bars = RUN([*KG, "--store", "store-bars", "build", "case", "-o", "out-bars", "--progress"], work)
    without = RUN([*KG, "--store", "store-plain", "build", "case", "-o", "out-plain", "--no-progress"], work)
    first_target = "<= 3x" if size < 1_000_000 else "<= 2x"
    edit_target = "<= 0.30x" if size < 1_000_000 else "<= 0.15x"

    def cpu(*runs: tuple[float, float, float, str]) -> str:
        return "CPU s: " + " vs ".join(f"{r[1]:.2f}" for r in runs)

    return [
        row("loop", "first build + outputs", label, triples=triples, kg_s=first[0], anchor="pyoxigraph bulk_load",
            anchor_s=raw[0], target=first_target, peak_rss_mb=first[2], notes=cpu(first, raw)),
        row("loop", "no-op rebuild", label, triples=triples, kg_s=noop[0], anchor="1.5 s", anchor_s=1.5,
            target="<= 1x", peak_rss_mb=noop[2], notes=cpu(noop) + "; start-up included"),
        row("loop", "one case-file edit", label, triples=triples, kg_s=edit[0], anchor="first build",
            anchor_s=first[0], target=edit_target, peak_rss_mb=edit[2], notes=cpu(edit, first)),
        row("loop", "one article added", label, triples=triples, kg_s=added[0], anchor="kg extract + 3 s",
            anchor_s=alone[0] + 3, target="<= 1x", peak_rss_mb=added[2],
            notes=cpu(added, alone) + f"; kg extract alone {alone[0]:.2f} s"),
        row("loop", "progress bars", label, triples=triples, kg_s=with_bars[0], anchor="--no-progress",
            anchor_s=without[0], target="<= 1.02x", peak_rss_mb=with_bars[2], notes=cpu(with_bars, without)),
    ]


def _triples(stdout: str) -> int:
    for line in stdout.splitlines():
        if line.startswith("triples"):
            return int(line.split()[-1].replace(",", ""))
    return 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="300000,1000000")
    parser.add_argument("--json", metavar="PATH", help="also write the rows as JSON (for python -m bench)")
    args = parser.parse_args()
    rows: list[Row] = []
    for size in (int(s) for s in args.sizes.split(",")):
        with tempfile.TemporaryDirectory(prefix="kg-bench-loop-") as work:
            rows += measure(size, Path(work))
    for r in rows:
        print(f"{r['size']:>5}  {r['case']:<22} kg {r['kg_s']:7.2f} s  {r['anchor']:<22} {r['anchor_s']:7.2f} s  "
              f"{r['ratio']:6.2f}x  {r['target']:<8} {'met' if r['met'] else 'NOT met'}  "
              f"{r['peak_rss_mb']:6.0f} MB  {r['notes']}")
    write_json(args.json, rows)


if __name__ == "__main__":
    os.chdir(ROOT)
    main()
