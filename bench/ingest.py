"""Ingest benchmark: kg's build of a synthetic case vs raw pyoxigraph and rdflib on the same triples.

    python bench/ingest.py [--sizes 10000,100000,1000000] [--seed 1] [--out outputs/bench-ingest.md]

For each size, ``kg.synth`` writes a seeded case (JSON/YAML/CSV case files); then, each in a fresh
subprocess so its peak RSS is its own:

  kg      ``kg.pipeline.build`` of the case folder into a new on-disk store (open, build, close);
  raw     pyoxigraph ``Store.bulk_load`` of exactly the quads kg stored (exported once as N-Quads,
          named graphs included) into a new on-disk store, then flush;
  rdflib  ``rdflib.Graph().parse(format="nt")`` of the same triples as N-Triples, in memory.

Times exclude interpreter start-up and imports. Peak RSS is ``ru_maxrss`` of the measured process
plus, for kg, that of its largest worker process (the workers run at the same time as the writer).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SIZES = (10_000, 100_000, 1_000_000)


def _peak_mb() -> tuple[float, float]:
    """Peak RSS in MB of this process and of its largest waited-for child (Linux reports KiB)."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return own, children


def _cpu_seconds() -> float:
    """CPU time (user + system) of this process and its waited-for children (kg's workers)."""
    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def child(kind: str, source: str, target: str) -> None:
    """Run one measurement in this (fresh) process and print its result as JSON."""
    if kind == "kg":
        from kg import pipeline
        from kg.store import KgStore

        start, cpu = time.perf_counter(), _cpu_seconds()
        with KgStore.open(Path(target)) as store:
            report = pipeline.build(store, Path(source))
        seconds = time.perf_counter() - start
        failed = [str(o.error) for o in report.failed]
        if failed:
            raise SystemExit(f"kg build failed: {failed[0]}")
        count = sum(o.triples for o in report.outcomes)
    elif kind == "raw":
        import pyoxigraph as ox

        start, cpu = time.perf_counter(), _cpu_seconds()
        raw_store = ox.Store(target)
        raw_store.bulk_load(path=source, format=ox.RdfFormat.N_QUADS)
        raw_store.flush()
        seconds = time.perf_counter() - start
        count = len(raw_store)
    else:
        import rdflib

        start, cpu = time.perf_counter(), _cpu_seconds()
        graph = rdflib.Graph()
        graph.parse(source, format="nt")
        seconds = time.perf_counter() - start
        count = len(graph)
    own, children = _peak_mb()
    print(json.dumps({"seconds": seconds, "cpu": _cpu_seconds() - cpu, "rss_mb": own + children, "triples": count}))


def measure(kind: str, source: Path, target: Path) -> dict[str, float]:
    result = subprocess.run([sys.executable, __file__, "--child", kind, str(source), str(target)],
                            capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise SystemExit(f"{kind} run failed:\n{result.stderr}")
    values: dict[str, float] = json.loads(result.stdout.strip().splitlines()[-1])
    return values


def export(store_dir: Path, nquads: Path, ntriples: Path) -> int:
    """Write the quads kg stored as N-Quads, and the same triples (graphs dropped) as N-Triples."""
    import pyoxigraph as ox

    store = ox.Store.read_only(str(store_dir))
    store.dump(str(nquads), ox.RdfFormat.N_QUADS)
    with ntriples.open("wb") as out:
        for line in nquads.read_bytes().splitlines(keepends=True):
            out.write(line[: line.rindex(b"<")].rstrip() + b" .\n")
    return len(store)


def machine() -> str:
    import pyoxigraph
    import rdflib

    model = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return (f"{os.cpu_count()} cores, {model}, {memory:.0f} GiB RAM; Python {platform.python_version()}, "
            f"pyoxigraph {pyoxigraph.__version__}, rdflib {rdflib.__version__}, {platform.system()}")


def run(sizes: list[int], seed: int, work: Path) -> list[dict[str, float]]:
    from kg import synth

    rows = []
    for size in sizes:
        base = work / f"size-{size}"
        case = base / "case"
        generated = synth.generate(size, seed, case)
        kg = measure("kg", case, base / "kg-store")
        quads = export(base / "kg-store", base / "kg.nq", base / "kg.nt")
        raw = measure("raw", base / "kg.nq", base / "raw-store")
        rdf = measure("rdflib", base / "kg.nt", base / "unused")
        row = {"size": size, "files": len(generated.files), "kg_triples": kg["triples"], "quads": quads,
               "rdflib_triples": rdf["triples"], "kg_s": kg["seconds"], "raw_s": raw["seconds"],
               "rdflib_s": rdf["seconds"], "kg_mb": kg["rss_mb"], "raw_mb": raw["rss_mb"],
               "rdflib_mb": rdf["rss_mb"], "kg_cpu": kg["cpu"], "raw_cpu": raw["cpu"], "rdflib_cpu": rdf["cpu"],
               "load": os.getloadavg()[1]}
        rows.append(row)
        print(render_row(row), flush=True)
        shutil.rmtree(base, ignore_errors=True)
    return rows


HEADER = ("| size | triples (kg) | kg s | raw s | rdflib s | kg/raw | kg/rdflib | kg peak MB | raw peak MB "
          "| rdflib peak MB | CPU s kg / raw / rdflib | load |\n" + "|---:" * 12 + "|")


def render_row(row: dict[str, float]) -> str:
    return (f"| {row['size']:,} | {row['kg_triples']:,} | {row['kg_s']:.2f} | {row['raw_s']:.2f} | "
            f"{row['rdflib_s']:.2f} | {row['kg_s'] / row['raw_s']:.2f}x | {row['kg_s'] / row['rdflib_s']:.2f}x | "
            f"{row['kg_mb']:,.0f} | {row['raw_mb']:,.0f} | {row['rdflib_mb']:,.0f} | "
            f"{row['kg_cpu']:.1f} / {row['raw_cpu']:.1f} / {row['rdflib_cpu']:.1f} | {row['load']:.1f} |")


def report(rows: list[dict[str, float]], about: str) -> str:
    lines = ["# kg ingest benchmark", "", f"Machine: {about}", "", HEADER, *map(render_row, rows), "",
             "kg = `kg.pipeline.build` of the generated case folder (`kg synth`, seeded) into a new on-disk "
             "store; raw = pyoxigraph `bulk_load` of the same quads as one N-Quads file into a new on-disk "
             "store; rdflib = in-memory `Graph().parse(format=\"nt\")` of the same triples. Each runs in a "
             "fresh process; times (wall clock) exclude imports; CPU s is user + system time of the process and "
             "its workers (a check on wall times when the machine is shared; load is the 5-minute load average "
             "after the row); peak RSS is the process's (kg: plus "
             "its largest worker)."]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default=",".join(map(str, DEFAULT_SIZES)),
                        help="comma-separated triple counts (default: 10000,100000,1000000)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", default=str(ROOT / "outputs" / "bench-ingest.md"))
    parser.add_argument("--work", help="scratch folder (default: a temporary one)")
    parser.add_argument("--child", nargs=3, metavar=("KIND", "SOURCE", "TARGET"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return
    about = machine()
    print(f"machine: {about}\n{HEADER}", flush=True)
    work = Path(args.work) if args.work else Path(tempfile.mkdtemp(prefix="kg-bench-"))
    try:
        rows = run([int(s) for s in args.sizes.split(",")], args.seed, work)
    finally:
        if not args.work:
            shutil.rmtree(work, ignore_errors=True)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(report(rows, about), encoding="utf-8")
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
