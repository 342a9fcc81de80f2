"""Interop export benchmark: kg's GraphML, GEXF, FtM, CSV and Neo4j exports against the bare libraries.

    python bench/interop.py [--sizes 100000,1000000] [--formats gexf,graphml,ftm,csv,neo4j] [--seed 1] [--json PATH]

For each size, the store kg builds from ``kg synth --triples N --seed S`` (cached, as bench/export.py)
is exported by kg and the same output is written by the bare library, each in a fresh process so
its peak RSS is its own:

  gexf, graphml  kg: read the network from the store, then ``kg.export.graphfile.write_graph``;
                 anchor: networkx's ``write_gexf`` / ``write_graphml`` of the same graph, already in
                 memory (built untimed). The ratio compares the writing; kg's reading is in the notes.
  ftm            kg: read the store's records, build and check the FtM entities, write JSON lines;
                 anchor: followthemoney's own path for the same entities (``model.get_proxy`` of each
                 entity dict, ``to_dict``, ``json.dumps``), the dicts in memory beforehand (untimed).
  csv, neo4j     kg: read the records and links, write the tables; anchor: Python's ``csv`` writer
                 of the same rows, in memory beforehand.

Times exclude interpreter start-up and imports; CPU seconds are printed too.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from common import cached_store, cpu_seconds, peak_mb, row, run_child, size_label, write_json  # noqa: E402

DEFAULT_SIZES = (100_000, 1_000_000)
FORMATS = ("gexf", "graphml", "ftm", "csv", "neo4j")
TARGET = "<= 1.5x"


def child(kind: str, store_path: str, fmt: str, target: str) -> None:
    """One measured export in this (fresh) process; prints a JSON line."""
    from kg.store import KgStore

    store = KgStore.open_read_only(Path(store_path))
    out = Path(target)
    result: dict[str, float] = {}
    if fmt in ("gexf", "graphml"):
        from kg.export import graphfile
        from kg.query.network import load_network

        start, cpu = time.perf_counter(), cpu_seconds()
        net = load_network(store)
        result["read_s"], result["read_cpu"] = time.perf_counter() - start, cpu_seconds() - cpu
        if kind == "kg":
            start, cpu = time.perf_counter(), cpu_seconds()  # the ratio compares the writing
            with out.open("wb") as handle:
                graph = graphfile.write_graph(net, fmt, handle)
            result["nodes"], result["edges"] = graph.nodes, graph.edges
        else:
            import networkx as nx

            built = graphfile.to_networkx(net, viz=fmt == "gexf")
            start, cpu = time.perf_counter(), cpu_seconds()
            if fmt == "gexf":
                nx.write_gexf(built, out, version="1.3")
            else:
                nx.write_graphml(built, out)
    elif fmt == "ftm":
        from kg.export import ftm

        start, cpu = time.perf_counter(), cpu_seconds()
        if kind == "kg":
            with out.open("wb") as handle:
                done = ftm.write(store, handle)
            result["entities"] = done.entities
        else:
            from followthemoney import model

            from kg.query.records import read_records

            dicts = [p.to_dict() for p in ftm.build(read_records(store), store.minter.base).values()]
            start, cpu = time.perf_counter(), cpu_seconds()
            with out.open("w", encoding="utf-8") as handle:
                for data in dicts:
                    handle.write(json.dumps(model.get_proxy(data).to_dict(), ensure_ascii=False, sort_keys=True)
                                 + "\n")
    else:
        from kg.export import neo4j, tables

        start, cpu = time.perf_counter(), cpu_seconds()
        if kind == "kg":
            (tables.write_tables if fmt == "csv" else neo4j.write_neo4j)(store, out)
        else:
            import csv

            files = tables.table_rows(store) if fmt == "csv" else neo4j.table_rows(store)
            start, cpu = time.perf_counter(), cpu_seconds()
            out.mkdir(parents=True, exist_ok=True)
            for name, (columns, rows) in files.items():
                with (out / name).open("w", encoding="utf-8", newline="") as handle:
                    writer = csv.DictWriter(handle, fieldnames=columns, lineterminator="\r\n")
                    writer.writeheader()
                    writer.writerows(rows)
    result["seconds"], result["cpu"] = time.perf_counter() - start, cpu_seconds() - cpu
    store.close()
    size = sum(p.stat().st_size for p in out.iterdir()) if out.is_dir() else out.stat().st_size
    print(json.dumps({**result, "rss_mb": peak_mb(), "bytes": size}))


def measure(kind: str, store: Path, fmt: str, target: Path) -> dict[str, float]:
    return run_child([__file__, "--child", kind, str(store), fmt, str(target)])


ANCHORS = {"gexf": "networkx write_gexf (graph in memory)", "graphml": "networkx write_graphml (graph in memory)",
           "ftm": "followthemoney get_proxy + to_dict + json", "csv": "Python csv writer (rows in memory)",
           "neo4j": "Python csv writer (rows in memory)"}


def run_size(size: int, seed: int, fmt: str, repeat: int, work: Path) -> dict[str, object]:
    store = cached_store(size, seed)
    ours, theirs = work / f"kg-{fmt}", work / f"anchor-{fmt}"
    kg_runs, anchor_runs = [], []
    for _ in range(repeat):  # interleaved against load drift on a shared machine
        kg_runs.append(measure("kg", store, fmt, ours))
        anchor_runs.append(measure("anchor", store, fmt, theirs))
    kg, anchor = min(kg_runs, key=lambda r: r["seconds"]), min(anchor_runs, key=lambda r: r["seconds"])
    notes = [f"CPU s kg {kg['cpu']:.1f} / anchor {anchor['cpu']:.1f}", f"anchor peak {anchor['rss_mb']:.0f} MB",
             f"{kg['bytes']:,} vs {anchor['bytes']:,} bytes"]
    kg_s = kg["seconds"]
    if "read_s" in kg:
        notes.insert(0, f"{kg['nodes']:,.0f} nodes, {kg['edges']:,.0f} edges; kg's time builds the graph (layout, "
                        f"grades) and writes it; reading the network from the store is {kg['read_s']:.2f} s "
                        f"(CPU {kg['read_cpu']:.1f} s) more")
    if "entities" in kg:
        notes.insert(0, f"{kg['entities']:,.0f} entities; kg's time includes reading the store and checking "
                        "every entity")
    return row("interop", fmt, size_label(size), triples=size, kg_s=kg_s, anchor=ANCHORS[fmt],
               anchor_s=anchor["seconds"], target=TARGET, peak_rss_mb=max(r["rss_mb"] for r in kg_runs),
               notes="; ".join(notes))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default=",".join(map(str, DEFAULT_SIZES)), help="triples, comma-separated")
    parser.add_argument("--formats", default=",".join(FORMATS), help=f"comma-separated: {', '.join(FORMATS)}")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=2, help="runs of each, interleaved, best kept (default: 2)")
    parser.add_argument("--json", help="also write the result rows here (JSON list)")
    parser.add_argument("--child", nargs=4, metavar=("KIND", "STORE", "FORMAT", "TARGET"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return 0
    formats = args.formats.split(",")
    if not set(formats) <= set(FORMATS):
        parser.error(f"--formats: choose from {', '.join(FORMATS)}")
    rows = []
    with tempfile.TemporaryDirectory(prefix="kg-bench-interop-") as work:
        for size in (int(s) for s in args.sizes.split(",")):
            for fmt in formats:
                found = run_size(size, args.seed, fmt, args.repeat, Path(work))
                rows.append(found)
                print(f"| {found['size']} | {fmt} | {found['kg_s']:.2f} s | {found['anchor_s']:.2f} s | "
                      f"{found['ratio']:.2f}x | {found['peak_rss_mb']:.0f} MB | {found['notes']} |", flush=True)
    write_json(args.json, rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
