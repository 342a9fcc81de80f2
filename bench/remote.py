"""Remote-store benchmark: kg's ingest into an Oxigraph server vs the server's own HTTP bulk load.

    python bench/remote.py [--sizes 100000,1000000] [--repeat 1] [--seed 1] [--json outputs/bench-remote.json]

For each size, ``kg synth`` writes a seeded case (case files and articles). Then, interleaved
(kg, anchor, kg, anchor ... with ``--repeat``; the best of each is kept), each against a new
``oxigraph serve`` (PyPI package ``oxigraph``) on a free loopback port with an on-disk store:

  kg      ``kg --store http://127.0.0.1:PORT ingest`` of every file in the case (validation,
          extraction of the articles, entity resolution, one Graph Store PUT per source and one
          SPARQL Update for its log entries), in a fresh process;
  anchor  one ``POST /store`` of the same quads as N-Quads (what kg wrote, dumped once from the
          first kg run), with ``curl`` - the server's own way to load a file over HTTP.

Wall time from process start to exit, peak RSS of the kg process (``wait4``), and the server's
CPU seconds for each run are printed; the ratio is kg / anchor wall time (target <= 2x at 1M).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import CACHE, ROOT, Row, free_port, process_cpu_seconds, row, running, size_label, write_json

OXIGRAPH = shutil.which("oxigraph") or str(Path(sys.executable).with_name("oxigraph"))


@contextlib.contextmanager
def _server(folder: Path) -> Iterator[tuple[str, int]]:
    """A new Oxigraph server storing into ``folder`` (removed afterwards): its URL and pid."""
    port = free_port()
    try:
        with running([OXIGRAPH, "serve", "--location", str(folder), "--bind", f"127.0.0.1:{port}"], port) as proc:
            yield f"http://127.0.0.1:{port}", proc.pid
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _timed(argv: list[str]) -> tuple[float, float]:
    """Run a command; its wall seconds and peak RSS in MB (wait4 of that very process)."""
    started = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    assert proc.stderr is not None
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - started
    err = proc.stderr.read().decode("utf-8", "replace")
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(argv[:5])}: exit {proc.returncode}: {err.strip().splitlines()[-1:]}")
    return seconds, usage.ru_maxrss / 1024


def case_folder(triples: int, seed: int) -> Path:
    folder = CACHE / f"case-{triples}-{seed}"
    if not (folder / ".done").exists():
        shutil.rmtree(folder, ignore_errors=True)
        subprocess.run([sys.executable, "-m", "kg.cli", "synth", "--triples", str(triples), "--seed", str(seed),
                        "-o", str(folder)], check=True, stdout=subprocess.DEVNULL)
        (folder / ".done").write_text("ok\n")
    return folder


def measure(triples: int, seed: int, repeat: int, work: Path) -> Row:
    case = case_folder(triples, seed)
    from kg.build.sources import discover

    files = [str(p) for p in discover(case)]  # what `kg build` would read (article sidecars are not sources)
    dump = work / "kg.nq"
    kg_runs: list[tuple[float, float, float]] = []
    anchor_runs: list[tuple[float, float]] = []
    for attempt in range(repeat):
        with _server(work / f"kg-{attempt}") as (url, pid):
            cpu = process_cpu_seconds([pid])
            seconds, peak = _timed([sys.executable, "-m", "kg.cli", "--store", url, "ingest", "--root", str(case),
                                    *files])
            kg_runs.append((seconds, peak, process_cpu_seconds([pid]) - cpu))
            if not dump.exists():
                request = urllib.request.Request(f"{url}/store", headers={"Accept": "application/n-quads"})
                with urllib.request.urlopen(request) as answer, dump.open("wb") as out:
                    shutil.copyfileobj(answer, out)
        with _server(work / f"raw-{attempt}") as (url, pid):
            cpu = process_cpu_seconds([pid])
            seconds, _ = _timed(["curl", "-sf", "-X", "POST", "-H", "Content-Type: application/n-quads",
                                 "--data-binary", f"@{dump}", f"{url}/store"])
            anchor_runs.append((seconds, process_cpu_seconds([pid]) - cpu))
    quads = sum(1 for line in dump.open("rb") if line.strip())
    kg_s, peak, kg_server_cpu = min(kg_runs)
    anchor_s, anchor_server_cpu = min(anchor_runs)
    print(f"{size_label(triples):>5}  {quads:,} quads  kg {kg_s:.2f} s (server CPU {kg_server_cpu:.1f} s, kg peak "
          f"{peak:.0f} MB)  oxigraph POST /store {anchor_s:.2f} s (server CPU {anchor_server_cpu:.1f} s)  "
          f"ratio {kg_s / anchor_s:.2f}x", flush=True)
    return row("remote", "ingest into Oxigraph server", size_label(triples), triples=quads, kg_s=kg_s,
               anchor="Oxigraph server POST /store (N-Quads)", anchor_s=anchor_s, target="<= 2x", peak_rss_mb=peak,
               notes=f"server CPU s: kg {kg_server_cpu:.1f}, anchor {anchor_server_cpu:.1f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100000,1000000")
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", metavar="PATH")
    args = parser.parse_args()
    os.chdir(ROOT)
    rows = []
    with tempfile.TemporaryDirectory(prefix="kg-bench-remote-") as tmp:
        for size in (int(s) for s in args.sizes.split(",")):
            work = Path(tmp) / str(size)
            work.mkdir()
            rows.append(measure(size, args.seed, args.repeat, work))
    write_json(args.json, rows)


if __name__ == "__main__":
    main()
