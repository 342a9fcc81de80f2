"""Export benchmark: kg's byte-stable export against pyoxigraph's own serializer on the same store.

    python bench/export.py [--sizes 100000,1000000] [--10m] [--formats ttl] [--seed 1] [--json PATH]

For each size, a store built by kg from ``kg synth --triples N --seed S`` (cached under
/tmp/kg-bench-cache, keyed by size and seed) is exported, each run in a fresh process so peak RSS
is its own, interleaved (kg, pyoxigraph, kg, pyoxigraph; best of each kept):

  kg         ``kg.export.rdf.export``: sorted, deduplicated, fixed sorted prefixes, atomic file;
  pyoxigraph ``Store.dump`` of each source graph in turn (Turtle, N-Triples) or of the whole
             dataset (TriG, N-Quads), same prefixes: unsorted, as the store holds it;
  rdflib     ``Graph.serialize(format="turtle")`` of the same triples, loaded beforehand (not
             timed), at sizes up to --rdflib-max only.

kg's two outputs must be byte-identical and parse back (pyoxigraph) to the store's number of
distinct triples (quads for TriG/N-Quads). Times exclude interpreter start-up and imports.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from common import cached_store, cpu_seconds, peak_mb, row, run_child, size_label, write_json  # noqa: E402

DEFAULT_SIZES = (100_000, 1_000_000)
OX_FORMATS = {"ttl": "TURTLE", "trig": "TRIG", "nt": "N_TRIPLES", "nq": "N_QUADS"}
RSS_LIMIT_MB = {1_000_000: 1024, 10_000_000: 4096}  # the targets: 1 GB at 1M, 4 GB at 10M


def child(kind: str, store_path: str, fmt: str, target: str) -> None:
    """One measured export in this (fresh) process; prints a JSON line."""
    import json

    import pyoxigraph as ox

    from kg.export import rdf
    from kg.store import KgStore

    store = KgStore.open_read_only(Path(store_path))
    start, cpu = time.perf_counter(), cpu_seconds()
    if kind == "kg":
        rdf.export(store, fmt, target)
    elif kind == "pyoxigraph":
        raw, fixed = store.ox, rdf.prefixes(store) if fmt in ("ttl", "trig") else None
        with open(target, "wb") as out:
            if fmt in rdf.QUAD_FORMATS:
                raw.dump(out, format=getattr(ox.RdfFormat, OX_FORMATS[fmt]), prefixes=fixed)
            else:
                for graph in raw.named_graphs():
                    if graph != store.log_graph:
                        raw.dump(out, format=getattr(ox.RdfFormat, OX_FORMATS[fmt]), from_graph=graph,
                                 prefixes=fixed)
    else:
        import rdflib

        graph = rdflib.Graph()
        graph.parse(data=rdf.serialize(store, "nt").decode(), format="nt")
        for name, iri in rdf.prefixes(store).items():
            graph.bind(name, iri)
        start, cpu = time.perf_counter(), cpu_seconds()
        graph.serialize(destination=target, format="turtle")
    seconds, used = time.perf_counter() - start, cpu_seconds() - cpu
    store.close()
    print(json.dumps({"seconds": seconds, "cpu": used, "rss_mb": peak_mb(), "bytes": Path(target).stat().st_size}))


def measure(kind: str, store: Path, fmt: str, target: Path, timeout: float | None = None) -> dict[str, float]:
    return run_child([__file__, "--child", kind, str(store), fmt, str(target)], timeout=timeout)


def _digest(path: Path) -> str:
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def _expected(store: Path, quads: bool) -> int:
    """Statements the store holds outside its log: quads, or distinct triples for triple formats."""
    from kg.store import KgStore

    with KgStore.open_read_only(store) as opened:
        log = opened.log_graph
        if quads:
            return len(opened.ox) - sum(1 for _ in opened.ox.quads_for_pattern(None, None, None, log))
        answer = opened.select("SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { "
                               f"GRAPH ?g {{ ?s ?p ?o }} FILTER(?g != {log}) }} }}")
        return int(next(iter(answer))["n"].value)


def run_size(size: int, seed: int, fmt: str, repeat: int, rdflib_max: int, work: Path) -> list[dict[str, object]]:
    store = cached_store(size, seed)
    ours, theirs = work / f"kg.{fmt}", work / f"ox.{fmt}"
    kg_runs, ox_runs, digests = [], [], set()
    for _ in range(repeat):  # interleaved against load drift on a shared machine
        kg_runs.append(measure("kg", store, fmt, ours))
        digests.add(_digest(ours))
        ox_runs.append(measure("pyoxigraph", store, fmt, theirs))
    theirs.unlink()
    quads = fmt in ("trig", "nq")
    expected = _expected(store, quads)
    import pyoxigraph as ox

    parsed = sum(1 for _ in ox.parse(path=str(ours), format=getattr(ox.RdfFormat, OX_FORMATS[fmt])))
    ours.unlink()
    kg, anchor = min(kg_runs, key=lambda r: r["seconds"]), min(ox_runs, key=lambda r: r["seconds"])
    kg_cpu, ox_cpu = min(r["cpu"] for r in kg_runs), min(r["cpu"] for r in ox_runs)
    stable, complete = len(digests) == 1, parsed == expected
    limit = RSS_LIMIT_MB.get(size)
    rss = max(r["rss_mb"] for r in kg_runs)
    statements = "quads" if quads else "distinct triples"
    notes = (f"CPU s {kg_cpu:.1f} / {ox_cpu:.1f} (ratio {kg_cpu / ox_cpu:.2f}); pyoxigraph peak "
             f"{anchor['rss_mb']:.0f} MB; {kg['bytes']:,} vs {anchor['bytes']:,} bytes; byte-identical across "
             f"{repeat} runs: {'yes' if stable else 'NO'}; parsed back {parsed:,} of {expected:,} {statements}")
    target = "<= 2x" + (f", <= {limit // 1024} GB" if limit else "")
    ratio = kg["seconds"] / anchor["seconds"]
    met = ratio <= 2 and stable and complete and (limit is None or rss <= limit)
    rows = [row("export", fmt, size_label(size), triples=expected, kg_s=kg["seconds"], anchor="pyoxigraph Store.dump",
                anchor_s=anchor["seconds"], target=target, met=met, peak_rss_mb=rss, notes=notes)]
    if fmt == "ttl" and size <= rdflib_max:
        try:
            slow = measure("rdflib", store, fmt, work / "rdflib.ttl", timeout=900)
            rows.append(row("export", "ttl vs rdflib", size_label(size), triples=expected, kg_s=kg["seconds"],
                            anchor="rdflib Graph.serialize turtle", anchor_s=slow["seconds"], target="<= 1x",
                            peak_rss_mb=rss, notes=f"CPU s {kg_cpu:.1f} / {slow['cpu']:.1f}; rdflib peak "
                            f"{slow['rss_mb']:.0f} MB (parse not timed)"))
        except Exception as exc:  # rdflib may take too long: say so, keep the rest
            rows.append(row("export", "ttl vs rdflib", size_label(size), triples=expected, kg_s=kg["seconds"],
                            anchor="rdflib Graph.serialize turtle", target="<= 1x", met=False, notes=str(exc)))
        (work / "rdflib.ttl").unlink(missing_ok=True)
    return rows


def render(rows: list[dict[str, object]]) -> str:
    lines = ["| size | format | triples | kg s | anchor s | ratio | target | met | kg peak MB | notes |",
             "|---|---|---:|---:|---:|---:|---|---|---:|---|"]
    for r in rows:
        anchor_s = f"{r['anchor_s']:.2f}" if isinstance(r["anchor_s"], float) else "—"
        rss = f"{r['peak_rss_mb']:.0f}" if isinstance(r["peak_rss_mb"], float) else "—"
        lines.append(f"| {r['size']} | {r['case']} | {r['triples']:,} | {r['kg_s']:.2f} | {anchor_s} | "
                     f"{r['ratio']:.2f}x | {r['target']} | {'yes' if r['met'] else 'NO'} | {rss} | {r['notes']} |")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default=",".join(map(str, DEFAULT_SIZES)), help="triples, comma-separated")
    parser.add_argument("--10m", dest="ten_million", action="store_true", help="add 10,000,000 triples")
    parser.add_argument("--formats", default="ttl", help="comma-separated: ttl, trig, nt, nq (default: ttl)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=2, help="runs of each, interleaved, best kept (default: 2)")
    parser.add_argument("--rdflib-max", type=int, default=100_000, help="rdflib's Turtle only up to this size")
    parser.add_argument("--json", help="also write the result rows here (JSON list)")
    parser.add_argument("--child", nargs=4, metavar=("KIND", "STORE", "FORMAT", "TARGET"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return 0
    if not set(args.formats.split(",")) <= set(OX_FORMATS):
        parser.error(f"--formats: choose from {', '.join(OX_FORMATS)}")
    sizes = [int(s) for s in args.sizes.split(",")] + ([10_000_000] if args.ten_million else [])
    rows: list[dict[str, object]] = []
    with tempfile.TemporaryDirectory(prefix="kg-bench-export-") as work:
        for size in sizes:
            for fmt in args.formats.split(","):
                new = run_size(size, args.seed, fmt, args.repeat, args.rdflib_max, Path(work))
                rows += new
                print("\n".join(render(new).splitlines()[2:]), flush=True)
    print(render(rows))
    write_json(args.json, rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
