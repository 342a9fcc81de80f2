"""What keeping the merged default graph costs (kg.store.merge), side by side in one run.

    python bench/merge.py [--sizes 100000,1000000] [--seed 1] [--repeat 3] [--json PATH]

For each size, ``kg.synth`` writes a seeded case and ``kg.build.pipeline.build`` stores it on disk,
with the merge steps timed where they run (``KgStore.settle``: the queued sources loaded into the
default graph; ``KgStore._unmerge``: a source's own triples taken out before it is replaced or
retracted). Then:

  fixed cost   the build's merge seconds against the whole build; a raw pyoxigraph bulk load of the
               store's source quads alone against the same quads plus the merged default graph
               (what the merge adds to storing the data), and the store's size on disk with and
               without it;
  retract      retracting the largest source: the whole retract, and its unmerge step;
  per query    every saved question on bare pyoxigraph, on the store's merged default graph (what kg
               runs now, deduplicated answers) against a union default graph of the same store
               without the merge (what kg ran before: each triple once per source that states it);
               rows of both, and how many of the union's rows were duplicates.

Medians of --repeat runs after one warm-up, interleaved. With ``--json PATH`` the rows
(bench/common.py's schema) are written there too.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pyoxigraph as ox

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from common import cpu_seconds, row, size_label, write_json  # noqa: E402
from query import parameters  # noqa: E402

from kg import vocab  # noqa: E402
from kg.build import pipeline  # noqa: E402
from kg.query import saved  # noqa: E402
from kg.query.messages import StoreSpec  # noqa: E402
from kg.query.runner import QueryEngine  # noqa: E402
from kg.store import KgStore  # noqa: E402


@contextmanager
def timed(name: str, spent: dict[str, float]) -> Iterator[None]:
    """Add the wall seconds of every call of ``KgStore.<name>`` to ``spent[name]`` while active."""
    original = getattr(KgStore, name)

    def wrapper(self: KgStore, *args: Any) -> Any:
        start = time.perf_counter()
        try:
            return original(self, *args)
        finally:
            spent[name] = spent.get(name, 0.0) + time.perf_counter() - start

    setattr(KgStore, name, wrapper)
    try:
        yield
    finally:
        setattr(KgStore, name, original)


def _du(path: Path) -> float:
    du = subprocess.run(["du", "-sb", str(path)], capture_output=True, text=True, check=True)
    return int(du.stdout.split()[0]) / 1e6


def _load(data: bytes, folder: Path) -> tuple[float, float]:
    """(wall, CPU) seconds of one on-disk bulk load of N-Quads ``data`` into a new store."""
    shutil.rmtree(folder, ignore_errors=True)
    store = ox.Store(str(folder))
    start, cpu = time.perf_counter(), cpu_seconds()
    store.bulk_load(data, ox.RdfFormat.N_QUADS)
    store.flush()
    wall, used = time.perf_counter() - start, cpu_seconds() - cpu
    del store
    return wall, used


def _median(fns: dict[str, Callable[[], Any]], repeat: int) -> tuple[dict[str, float], dict[str, Any]]:
    outputs = {name: fn() for name, fn in fns.items()}
    times: dict[str, list[float]] = {name: [] for name in fns}
    for _ in range(repeat):
        for name, fn in fns.items():
            start = time.perf_counter()
            outputs[name] = fn()
            times[name].append(time.perf_counter() - start)
    return {name: statistics.median(t) for name, t in times.items()}, outputs


def run_size(size: int, seed: int, repeat: int, work: Path, rows: list[dict[str, Any]]) -> list[str]:
    from kg.synth import world as synth

    case, store_dir = work / f"case-{size}", work / f"store-{size}"
    synth.generate(size, seed, case)
    spent: dict[str, float] = {}
    start, cpu = time.perf_counter(), cpu_seconds()
    with timed("settle", spent), timed("_unmerge", spent), KgStore.open(store_dir) as store:
        pipeline.build(store, case)
        sources = len(store.source_graphs())
    del store  # the RocksDB handle goes with the object
    build_s, build_cpu = time.perf_counter() - start, cpu_seconds() - cpu
    live = ox.Store(str(store_dir))
    log = next(g for g in live.named_graphs() if isinstance(g, ox.NamedNode) and g.value.endswith("ingest-log"))
    named = b"".join(live.dump(format=ox.RdfFormat.N_QUADS, from_graph=g) or b""
                     for g in live.named_graphs() if g != log)
    merged = live.dump(format=ox.RdfFormat.N_QUADS, from_graph=ox.DefaultGraph()) or b""
    quads, triples = named.count(b"\n"), merged.count(b"\n")
    del live
    raw_s, raw_cpu = _load(named, work / "raw-named")
    both_s, both_cpu = _load(named + merged, work / "raw-both")
    disk_named, disk_both = _du(work / "raw-named"), _du(work / "raw-both")
    merge_s = spent.get("settle", 0.0)
    lines = [f"### {size_label(size)}: {quads:,} source quads, {triples:,} distinct triples in the merge "
             f"({quads - triples:,} stated by more than one source), {sources} sources", "",
             f"- kg build {build_s:.1f} s ({build_cpu:.1f} s CPU); loading the merge {merge_s:.1f} s of it "
             f"({merge_s / build_s:.1%})",
             f"- raw bulk load: source quads {raw_s:.1f} s ({raw_cpu:.1f} s CPU), with the merged default graph "
             f"{both_s:.1f} s ({both_cpu:.1f} s CPU): {both_cpu / raw_cpu:.2f}x CPU",
             f"- on disk: {disk_named:.0f} MB without, {disk_both:.0f} MB with the merge "
             f"({disk_both / disk_named:.2f}x)"]
    label = size_label(size)
    rows.append(row("merge", "build: loading the merge", label, triples=quads, kg_s=merge_s, anchor="kg build",
                    anchor_s=build_s, notes=f"{triples:,} merged triples from {sources} sources"))
    rows.append(row("merge", "raw load with the merge", label, triples=quads, kg_s=both_cpu, anchor="raw load (CPU)",
                    anchor_s=raw_cpu, notes=f"disk {disk_named:.0f} -> {disk_both:.0f} MB"))

    with KgStore.open(store_dir) as store:  # the largest source out and back in
        largest = max(store.sources(), key=lambda s: s.triples)
        spent.clear()
        with timed("_unmerge", spent):
            start = time.perf_counter()
            store.retract(largest.name)
            retract_s = time.perf_counter() - start
    del store
    lines.append(f"- retract of the largest source ({largest.triples:,} triples): {retract_s:.2f} s, "
                 f"of which taking its own triples out of the merge {spent['_unmerge']:.2f} s")
    rows.append(row("merge", "retract: unmerge", label, triples=largest.triples, kg_s=spent["_unmerge"],
                    anchor="whole retract", anchor_s=retract_s))
    with KgStore.open(store_dir) as store:
        pipeline.build(store, case)  # back to the whole case
    del store

    old = work / f"union-{size}"  # the same store as kg kept it before: no default graph
    shutil.copytree(store_dir, old)
    unmerged = ox.Store(str(old))
    unmerged.clear_graph(ox.DefaultGraph())
    unmerged.flush()
    del unmerged
    disk, union = ox.Store.read_only(str(store_dir)), ox.Store.read_only(str(old))
    given = parameters(disk)
    lines += ["", "| question | rows (merge) | rows (union) | duplicates | merge ms | union ms | merge/union |",
              "|---|---:|---:|---:|---:|---:|---:|"]
    with QueryEngine(StoreSpec(path=store_dir), timeout=300, max_rows=10_000_000) as engine:
        for name, params in given.items():
            question = saved.get(name)
            _, request = engine.prepare(question.text, saved.bindings_for(engine, question, params))
            subs = {ox.Variable(k): v for k, v in request.substitutions.items()} or None

            def bare(store: ox.Store, union: bool, text: str = request.text, s: Any = subs) -> list[Any]:
                return [tuple(x) for x in store.query(text, prefixes=vocab.PREFIXES, substitutions=s,
                                                      use_default_graph_as_union=union)]

            medians, out = _median({"merge": lambda: bare(disk, False), "union": lambda: bare(union, True)}, repeat)
            new, was = len(out["merge"]), len(out["union"])
            dupes = was - len(set(map(str, out["union"])))
            ratio = medians["merge"] / medians["union"]
            lines.append(f"| {name} | {new:,} | {was:,} | {dupes:,} | {medians['merge'] * 1000:.1f} | "
                         f"{medians['union'] * 1000:.1f} | {ratio:.2f} |")
            rows.append(row("merge", f"per query: {name}", label, triples=quads, kg_s=medians["merge"],
                            anchor="union default graph", anchor_s=medians["union"],
                            notes=f"{new:,} rows (union {was:,}, {dupes:,} duplicate rows)"))
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="100000,1000000")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--json", help="also write the result rows here (JSON list)")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="kg-bench-merge-"))
    rows: list[dict[str, Any]] = []
    print(f"## merged default graph (Python {sys.version.split()[0]}, {os.cpu_count()} cores)\n", flush=True)
    try:
        for size in (int(s) for s in args.sizes.split(",")):
            print("\n".join(run_size(size, args.seed, args.repeat, work, rows)) + "\n", flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    write_json(args.json, rows)


if __name__ == "__main__":
    main()
