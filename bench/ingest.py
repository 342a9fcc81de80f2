"""Ingest benchmark: kg's build of a synthetic case vs raw pyoxigraph and rdflib on the same triples.

    python bench/ingest.py [--sizes 100000,1000000] [--10m] [--repeat 1] [--seed 1]
                           [--out outputs/bench-ingest.md] [--json outputs/bench-ingest.json]

For each size, ``kg.synth`` writes a seeded case (JSON/YAML/CSV case files and about 2% of the
triples as articles, which go through extraction); then, each in a fresh subprocess so its peak RSS
and CPU time are its own:

  kg       ``kg.build.pipeline.build`` of the case folder into a new on-disk store (open, build, close);
  outputs  what ``kg build`` does after that, on the built store: graph.ttl and graph.trig
           (``kg.export.rdf``), graph.html (``kg.export.viewspec``: the whole-graph view, refused
           above the node limit from counts the store computes), then the stats it prints;
  raw      pyoxigraph ``Store.bulk_load`` of exactly the quads kg stored (dumped once as N-Quads,
           named graphs included) into a new on-disk store, then flush;
  rdflib   ``rdflib.Graph().parse(format="nt")`` of the same triples as N-Triples, in memory (not
           at 10M: it would need about 10 GB).

kg and raw run interleaved (kg, raw, kg, raw ... with ``--repeat``; the best of each is kept) so
load from other jobs on the machine hits both. Times exclude interpreter start-up and imports.
Peak RSS is ``ru_maxrss`` of the measured process plus that of its largest worker process (kg's
workers run at the same time as its writer). ``--10m`` adds a 10M-triple case (about 20 minutes).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import ROOT, cpu_seconds, peak_mb

DEFAULT_SIZES = (100_000, 1_000_000)
BIG = 10_000_000
RAW = "pyoxigraph bulk_load"


def _kg(source: Path, target: Path) -> tuple[int, dict[str, Any]]:
    from kg.build import pipeline
    from kg.store import KgStore

    with KgStore.open(target) as store:
        report = pipeline.build(store, source)
    failed = [str(o.error) for o in report.failed]  # reported with the row: raw loads what kg stored
    return sum(o.triples for o in report.outcomes), {"failed": len(failed), "first failure": failed[:1]}


def _outputs(source: Path, target: Path) -> tuple[int, dict[str, Any]]:
    """What cmd_build writes after the build, on the store ``target``; ``source`` is the output folder."""
    from kg.errors import ViewTooLarge
    from kg.export import rdf
    from kg.export.viewspec import ViewSpec, make_view
    from kg.query import stats
    from kg.store import KgStore

    parts: dict[str, Any] = {}
    with KgStore.open(target) as store:
        start = time.perf_counter()  # one read of the store for both files, as cmd_build does
        rdf.export_many(store, {fmt: source / f"graph.{fmt}" for fmt in ("ttl", "trig")})
        parts["ttl+trig"] = time.perf_counter() - start
        start = time.perf_counter()
        try:
            parts["html nodes"] = make_view(store, ViewSpec(), source / "graph.html", "bench").nodes
        except ViewTooLarge:
            parts["html nodes"] = -1  # refused, as kg build does above the limit
        parts["html"] = time.perf_counter() - start
        start = time.perf_counter()
        triples = stats.compute(store).triples
        parts["stats"] = time.perf_counter() - start
    return triples, parts


def _raw(source: Path, target: Path) -> tuple[int, dict[str, Any]]:
    import pyoxigraph as ox

    store = ox.Store(str(target))
    store.bulk_load(path=str(source), format=ox.RdfFormat.N_QUADS)
    store.flush()
    return len(store), {}


def _rdflib(source: Path, target: Path) -> tuple[int, dict[str, Any]]:
    import rdflib

    graph = rdflib.Graph()
    graph.parse(str(source), format="nt")
    return len(graph), {}


KINDS = {"kg": _kg, "outputs": _outputs, "raw": _raw, "rdflib": _rdflib}


def child(kind: str, source: str, target: str) -> None:
    """Run one measurement in this (fresh) process and print its result as JSON."""
    start, cpu = time.perf_counter(), cpu_seconds()
    count, parts = KINDS[kind](Path(source), Path(target))
    seconds = time.perf_counter() - start
    print(json.dumps({"seconds": seconds, "cpu": cpu_seconds() - cpu, "rss_mb": peak_mb(children=True),
                      "triples": count, "parts": parts}))


def _rss_mb(pid: int) -> float:
    """Resident memory of ``pid`` and its children (kg's workers), in MB, from /proc."""
    total = 0.0
    for task in [pid, *_children(pid)]:
        try:
            for line in Path(f"/proc/{task}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1]) / 1024
        except (OSError, ValueError):
            pass
    return total


def _children(pid: int) -> list[int]:
    try:
        found = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return []
    return [int(c) for c in found] + [g for c in found for g in _children(int(c))]


def measure(kind: str, source: Path, target: Path, timeout: float | None = None,
            max_rss_mb: float = 12_000) -> dict[str, Any] | None:
    """One fresh-process run; None when it failed, ran out of time or grew past ``max_rss_mb`` (the
    machine is shared: a run is stopped before it takes every other job's memory)."""
    started = time.monotonic()
    # stderr goes to a file, not a pipe: nobody reads it while the child runs
    with tempfile.TemporaryFile("w+") as errors, subprocess.Popen(
            [sys.executable, __file__, "--child", kind, str(source), str(target)],
            stdout=subprocess.PIPE, stderr=errors, text=True) as proc:
        stop = None
        while proc.poll() is None and stop is None:
            time.sleep(0.5)
            if timeout is not None and time.monotonic() - started > timeout:
                stop = f"did not finish in {timeout:.0f} s"
            elif _rss_mb(proc.pid) > max_rss_mb:
                stop = f"stopped above {max_rss_mb:,.0f} MB"
        if stop is not None:
            for task in [*_children(proc.pid), proc.pid]:
                os.kill(task, 9)
            proc.communicate()
            print(f"  {kind}: {stop}", flush=True)
            return None
        out, _ = proc.communicate()
        errors.seek(0)
        err = errors.read()
    if proc.returncode != 0:
        print(f"  {kind} failed: {err.strip().splitlines()[-1:]}", flush=True)
        return None
    values: dict[str, Any] = json.loads(out.strip().splitlines()[-1])
    print(f"  {kind}: {values['seconds']:.2f} s, CPU {values['cpu']:.1f} s, peak {values['rss_mb']:,.0f} MB",
          flush=True)
    if values["parts"].get("failed"):
        print(f"  {kind}: {values['parts']['failed']} source(s) failed, first: {values['parts']['first failure']}",
              flush=True)
    return values


def export(store_dir: Path, nquads: Path, ntriples: Path | None) -> int:
    """Write the quads kg stored as N-Quads and (unless None) the same triples as N-Triples."""
    import pyoxigraph as ox

    store = ox.Store.read_only(str(store_dir))
    store.dump(str(nquads), ox.RdfFormat.N_QUADS)
    if ntriples is not None:
        with nquads.open("rb") as lines, ntriples.open("wb") as out:
            for line in lines:
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


def _best(runs: list[dict[str, Any] | None]) -> dict[str, Any] | None:
    done = [r for r in runs if r is not None]
    return min(done, key=lambda r: float(r["seconds"])) if done else None


def run_size(size: int, seed: int, work: Path, repeat: int) -> dict[str, Any]:
    from kg.synth import world as synth

    base = work / f"size-{size}"
    case = base / "case"
    generated = synth.generate(size, seed, case)
    print(f"{size:,}: {generated.case_files} case files, {generated.articles} article(s)", flush=True)
    big = size >= BIG
    kg_runs: list[dict[str, Any] | None] = []
    raw_runs: list[dict[str, Any] | None] = []
    quads = 0
    for n in range(repeat):
        shutil.rmtree(base / "kg-store", ignore_errors=True)
        kg_runs.append(measure("kg", case, base / "kg-store"))
        if n == 0:
            if kg_runs[0] is None:
                raise SystemExit(f"kg build of {size:,} triples failed")
            quads = export(base / "kg-store", base / "kg.nq", None if big else base / "kg.nt")
        shutil.rmtree(base / "raw-store", ignore_errors=True)
        raw_runs.append(measure("raw", base / "kg.nq", base / "raw-store"))
    (base / "out").mkdir()
    outputs = measure("outputs", base / "out", base / "kg-store", timeout=1500 if big else 600)
    rdf = None if big else measure("rdflib", base / "kg.nt", base / "unused")
    row = {"size": size, "files": generated.case_files, "articles": generated.articles, "quads": quads,
           "kg": _best(kg_runs), "raw": _best(raw_runs), "outputs": outputs, "rdflib": rdf,
           "load": os.getloadavg()[1]}
    shutil.rmtree(base, ignore_errors=True)
    return row


def size_name(size: int) -> str:
    return f"{size // 1_000_000}M" if size % 1_000_000 == 0 else f"{size // 1000}k"


def _ratio(a: float | None, b: float | None) -> float:
    return a / b if a and b else float("nan")


def json_rows(row: dict[str, Any]) -> list[dict[str, Any]]:
    """The rows ``python -m bench`` collects: kg against each anchor, outputs with and without."""
    kg, raw, out, rdf = row["kg"], row["raw"], row["outputs"], row["rdflib"]
    size, big = row["size"], row["size"] >= BIG
    kg_s, raw_s = kg["seconds"], raw["seconds"] if raw else None
    cpu = f"CPU s kg {kg['cpu']:.1f} / raw {raw['cpu']:.1f}" if raw else f"CPU s kg {kg['cpu']:.1f}"
    common = {"benchmark": "ingest", "size": size_name(size), "triples": row["quads"]}
    memory_cap = 4096.0 if big else 1024.0
    target = "completes, peak RSS <= 4 GB" if big else "<= 3x raw, peak RSS <= 1 GB"
    met = kg["rss_mb"] <= memory_cap and (big or _ratio(kg_s, raw_s) <= 3)
    notes = (f"{row['files']} case files + {row['articles']} article(s); {cpu}; raw peak "
             f"{raw['rss_mb']:,.0f} MB" if raw else "raw failed") + f"; load {row['load']:.1f}"
    if kg["parts"]["failed"]:
        notes += f"; {kg['parts']['failed']} source(s) failed in kg: {kg['parts']['first failure'][0]}"
    rows = [{**common, "case": "build (sources into the store)", "kg_s": kg_s, "anchor": RAW, "anchor_s": raw_s,
             "ratio": _ratio(kg_s, raw_s), "target": target, "met": met, "peak_rss_mb": kg["rss_mb"],
             "notes": notes}]
    if out is not None:
        parts = out["parts"]
        html = "refused above the node limit" if parts["html nodes"] < 0 else f"{parts['html nodes']:,.0f} nodes"
        total = kg_s + out["seconds"]
        peak = max(kg["rss_mb"], out["rss_mb"])
        rows.append({**common, "case": "build + outputs (graph.ttl, graph.trig, graph.html, stats)", "kg_s": total,
                     "anchor": RAW, "anchor_s": raw_s, "ratio": _ratio(total, raw_s), "target": target,
                     "met": peak <= memory_cap and (big or _ratio(total, raw_s) <= 3), "peak_rss_mb": peak,
                     "notes": f"outputs {out['seconds']:.2f} s (CPU {out['cpu']:.1f} s, peak {out['rss_mb']:,.0f} MB): "
                              f"ttl+trig (one read of the store) {parts['ttl+trig']:.2f} s, html {parts['html']:.2f} s "
                              f"({html}), stats {parts['stats']:.2f} s"})
    else:
        rows.append({**common, "case": "build + outputs (graph.ttl, graph.trig, graph.html, stats)", "kg_s": None,
                     "anchor": RAW, "anchor_s": raw_s, "ratio": float("nan"), "target": target, "met": False,
                     "peak_rss_mb": None, "notes": "outputs failed or did not finish (see the log)"})
    if rdf is not None:
        rows.append({**common, "case": "build (sources into the store)", "kg_s": kg_s,
                     "anchor": "rdflib Graph.parse (in memory)", "anchor_s": rdf["seconds"],
                     "ratio": _ratio(kg_s, rdf["seconds"]), "target": "<= 1x rdflib",
                     "met": _ratio(kg_s, rdf["seconds"]) <= 1, "peak_rss_mb": kg["rss_mb"],
                     "notes": f"CPU s kg {kg['cpu']:.1f} / rdflib {rdf['cpu']:.1f}; rdflib peak "
                              f"{rdf['rss_mb']:,.0f} MB"})
    return rows


HEADER = ("| size | triples | kg build s | + outputs s | raw s | rdflib s | kg/raw | (kg+outputs)/raw | kg/rdflib "
          "| peak MB kg / outputs / raw / rdflib | CPU s kg / outputs / raw / rdflib | load |\n" + "|---:" * 12 + "|")


def _s(run: dict[str, Any] | None, key: str = "seconds", fmt: str = "{:.2f}") -> str:
    return fmt.format(run[key]) if run is not None else "-"


def render_row(row: dict[str, Any]) -> str:
    kg, raw, out, rdf = row["kg"], row["raw"], row["outputs"], row["rdflib"]
    total = kg["seconds"] + out["seconds"] if out else None
    ratio = _ratio(kg["seconds"], raw["seconds"] if raw else None)
    whole = f"{_ratio(total, raw['seconds'] if raw else None):.2f}x" if total else "-"
    vs_rdflib = f"{_ratio(kg['seconds'], rdf['seconds']):.2f}x" if rdf else "-"
    peaks = " / ".join(_s(r, "rss_mb", "{:,.0f}") for r in (kg, out, raw, rdf))
    cpus = " / ".join(_s(r, "cpu", "{:.1f}") for r in (kg, out, raw, rdf))
    return (f"| {size_name(row['size'])} | {row['quads']:,} | {kg['seconds']:.2f} | {_s(out)} | {_s(raw)} | "
            f"{_s(rdf)} | {ratio:.2f}x | {whole} | {vs_rdflib} | {peaks} | {cpus} | {row['load']:.1f} |")


def report(rows: list[dict[str, Any]], about: str) -> str:
    details = [f"- {size_name(r['size'])}: {r['files']} case files + {r['articles']} article(s); "
               + next((j["notes"] for j in json_rows(r) if j["case"].startswith("build +") and r["outputs"]), "")
               for r in rows]
    lines = ["# kg ingest benchmark", "", f"Machine: {about}", "", HEADER, *map(render_row, rows), "", *details, "",
             "kg = `kg.build.pipeline.build` of the generated case folder (`kg synth`, seeded) into a new on-disk "
             "store; outputs = what `kg build` writes next (graph.ttl, graph.trig, graph.html, stats) on that "
             "store; raw = pyoxigraph `bulk_load` of the same quads as one N-Quads file into a new on-disk "
             "store; rdflib = in-memory `Graph().parse(format=\"nt\")` of the same triples. Each runs in a "
             "fresh process; times (wall clock) exclude imports; CPU s is user + system time of the process and "
             "its workers; load is the 5-minute load average after the row; peak RSS is the process's plus "
             "its largest worker's."]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default=",".join(map(str, DEFAULT_SIZES)),
                        help="comma-separated triple counts (default: 100000,1000000)")
    parser.add_argument("--10m", dest="big", action="store_true", help="also a 10M-triple case (about 20 min)")
    parser.add_argument("--repeat", type=int, default=1, help="kg and raw runs per size, interleaved (best kept)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", default=str(ROOT / "outputs" / "bench-ingest.md"))
    parser.add_argument("--json", metavar="PATH", help="also write the rows as JSON (for python -m bench)")
    parser.add_argument("--work", help="scratch folder (default: a temporary one; 10M needs about 8 GB)")
    parser.add_argument("--child", nargs=3, metavar=("KIND", "SOURCE", "TARGET"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return
    sizes = [int(s) for s in args.sizes.split(",") if s] + ([BIG] if args.big else [])
    about = machine()
    print(f"machine: {about}", flush=True)
    work = Path(args.work) if args.work else Path(tempfile.mkdtemp(prefix="kg-bench-"))
    rows: list[dict[str, Any]] = []
    try:
        for size in sizes:
            rows.append(run_size(size, args.seed, work, max(1, args.repeat)))
            print(HEADER + "\n" + render_row(rows[-1]), flush=True)
    finally:
        if not args.work:
            shutil.rmtree(work, ignore_errors=True)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(report(rows, about), encoding="utf-8")
    print(f"wrote {out}")
    if args.json:
        found = [j for r in rows for j in json_rows(r)]
        for item in found:  # a run that failed has no ratio: null, not NaN (which is not JSON)
            item["ratio"] = None if item["ratio"] != item["ratio"] else item["ratio"]
        Path(args.json).write_text(json.dumps(found, indent=1, allow_nan=False) + "\n", encoding="utf-8")
        print(f"wrote {args.json}")


if __name__ == "__main__":
    main()
