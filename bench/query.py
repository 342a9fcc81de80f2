"""Query benchmark: the saved questions through kg vs the same SPARQL on bare pyoxigraph and rdflib.

    python bench/query.py [--sizes 100000,1000000] [--seed 1] [--repeat 5] [--rdflib-max 100000]
                          [--out outputs/bench-query.md] [--json PATH]

For each size, ``kg.synth`` writes a seeded case and ``kg.build.pipeline.build`` stores it on disk. Each
saved question gets parameters picked from the data (the busiest entity, claimant, organization,
relayed claim, largest source), resolved once; then, side by side in one run:

  kg lib     ``QueryEngine.query`` (safety check, VALUES binding, killable worker, row cap, results
             back to the caller), on the on-disk store;
  ox disk    the same bound SPARQL on ``pyoxigraph.Store.read_only`` of the same store (its default
             graph, which holds the merge of the sources kg keeps), in-process, solutions consumed
             into tuples;
  ox mem     the same on an in-memory pyoxigraph store holding the same quads;
  rdflib     the same on rdflib's in-memory Dataset (default graph = union, a set), in a child process
             killed after --rdflib-timeout seconds; only up to --rdflib-max triples (it is slow);
             "error" where rdflib's engine rejects or fails on the query;
  kg ask     ``saved.ask`` including the name/alias lookups of its parameters;
  kg CLI     ``kg ask NAME --param ... --format csv`` as a subprocess, end to end.

Medians of --repeat runs after one warm-up. CPU milliseconds per run are averaged over the same runs
(kg: this process and its worker, read from /proc in 10 ms ticks, so only rough for fast questions).
The CLI's fixed start-up cost (``kg query 'ASK {}'``) is reported separately, and the endpoint's
requests/s for a simple lookup against the Oxigraph server (PyPI package ``oxigraph``,
``serve-read-only`` on the same data) on loopback, interleaved (``bench/endpoint_load.py``).
With ``--json PATH`` the rows (bench/common.py's schema) are written there too.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyoxigraph as ox

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from common import row, size_label, write_json  # noqa: E402
from endpoint_load import endpoint_rates, endpoint_row  # noqa: E402

from kg import vocab  # noqa: E402
from kg.build import pipeline  # noqa: E402
from kg.query import saved  # noqa: E402
from kg.query.messages import StoreSpec  # noqa: E402
from kg.query.runner import QueryEngine  # noqa: E402
from kg.sparql import bind  # noqa: E402
from kg.store import KgStore  # noqa: E402

PICKS = {
    "entity": "SELECT ?x (COUNT(*) AS ?n) WHERE { ?c schema:about ?x } GROUP BY ?x ORDER BY DESC(?n) ?x LIMIT 1",
    "claimant": "SELECT ?x (COUNT(*) AS ?n) WHERE { ?c prov:wasAttributedTo ?x ; a schema:Claim . ?x a schema:Person }"
                " GROUP BY ?x ORDER BY DESC(?n) ?x LIMIT 1",
    "organization": "SELECT ?x (COUNT(*) AS ?n) WHERE { ?a kg:organization ?x } GROUP BY ?x "
                    "ORDER BY DESC(?n) ?x LIMIT 1",
    "claim": "SELECT ?x WHERE { ?x schema:firstAppearance ?p } ORDER BY ?x LIMIT 1",
    "source": "SELECT ?x (MAX(?n) AS ?m) WHERE { GRAPH ?x { ?x kg:tripleCount ?n } } GROUP BY ?x "
              "ORDER BY DESC(?m) LIMIT 1",
}


def _interleaved(fns: dict[str, Callable[[], Any]], repeat: int, cpu: Callable[[], float]
                 ) -> tuple[dict[str, float], dict[str, float], dict[str, Any]]:
    """Median seconds and mean CPU seconds (by the ``cpu`` clock) of each function, runs interleaved so
    load from other processes hits all alike."""
    outputs = {name: fn() for name, fn in fns.items()}  # warm-up
    times: dict[str, list[float]] = {name: [] for name in fns}
    used = dict.fromkeys(fns, 0.0)
    for _ in range(repeat):
        for name, fn in fns.items():
            before = cpu()
            start = time.perf_counter()
            outputs[name] = fn()
            times[name].append(time.perf_counter() - start)
            used[name] += cpu() - before
    medians = {name: statistics.median(t) for name, t in times.items()}
    return medians, {name: total / repeat for name, total in used.items()}, outputs


def _worker_cpu(pids: list[int]) -> float:
    total = 0.0
    for pid in pids:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def _median(fn: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    out = fn()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), out


def _pick(store: ox.Store, kind: str) -> str:
    rows = list(store.query(PICKS[kind], prefixes=vocab.PREFIXES))
    value = rows[0][0]
    assert isinstance(value, ox.NamedNode)
    return value.value


def parameters(store: ox.Store) -> dict[str, dict[str, str]]:
    """Parameters per question, as a user would type them (IRIs, so every value is unambiguous)."""
    entity, claimant = _pick(store, "entity"), _pick(store, "claimant")
    organization, claim, source = _pick(store, "organization"), _pick(store, "claim"), _pick(store, "source")
    labels = list(store.query("SELECT ?e ?l WHERE { ?e rdfs:label ?l } LIMIT 1", prefixes=vocab.PREFIXES,
                              substitutions={ox.Variable("e"): ox.NamedNode(entity)}))
    word = str(labels[0][1].value).split()[0] if labels else "a"  # type: ignore[union-attr]
    by_type = {"entity": entity, "person": claimant, "organization": organization, "publication": entity,
               "claim": claim, "source": source, "text": word}
    out = {}
    for question in saved.registry().values():
        given = {}
        for param in question.params:
            if param.name == "entity" and question.name == "claims-by":
                given[param.name] = claimant
            else:
                given[param.name] = by_type[param.type]
        out[question.name] = given
    return out


def _rdflib_child(nquads: str, text: str, conn: Any) -> None:
    import rdflib

    start = time.perf_counter()
    dataset = rdflib.Dataset(default_union=True)
    dataset.parse(nquads, format="nquads")
    conn.send(("load", time.perf_counter() - start))
    start = time.perf_counter()
    try:
        len(list(dataset.query(text, initNs=dict(vocab.PREFIXES))))
    except Exception:  # rdflib's engine fails on some valid SPARQL (e.g. unbound values in aggregates)
        conn.send(("error", -1.0))
        return
    conn.send(("query", time.perf_counter() - start))


def rdflib_times(nquads: Path, queries: dict[str, str], timeout: float) -> dict[str, float | None]:
    """Seconds per question on rdflib's memory store, each in a fresh child (it cannot be interrupted):
    None when it did not finish within ``timeout``, -1 when rdflib failed; "load" is the load time."""
    out: dict[str, float | None] = {}
    for name, text in queries.items():
        parent, child = mp.Pipe()
        process = mp.get_context("spawn").Process(target=_rdflib_child, args=(str(nquads), text, child))
        process.start()
        out[name] = None
        if parent.poll(600):
            out["load"] = parent.recv()[1]
            if parent.poll(timeout):
                out[name] = parent.recv()[1]
        process.kill()
        process.join()
    return out


def cli_seconds(args: list[str], repeat: int) -> float:
    command = [sys.executable, "-m", "kg.cli", *args]
    seconds, _ = _median(lambda: subprocess.run(command, capture_output=True, check=True, cwd=ROOT), repeat)
    return seconds


def run_size(size: int, seed: int, repeat: int, work: Path, rdflib_max: int, rdflib_timeout: float,
             rows_out: list[dict[str, Any]]) -> list[str]:
    from kg.synth import world as synth

    case_dir, store_dir = work / f"case-{size}", work / f"store-{size}"
    synth.generate(size, seed, case_dir)
    start = time.perf_counter()
    with KgStore.open(store_dir) as store:
        pipeline.build(store, case_dir)
        triples = sum(1 for _ in store.quads(include_log=True))
    build_seconds = time.perf_counter() - start
    disk = ox.Store.read_only(str(store_dir))
    nquads = work / f"dump-{size}.nq"
    disk.dump(str(nquads), ox.RdfFormat.N_QUADS)
    memory = ox.Store()
    memory.bulk_load(path=str(nquads), format=ox.RdfFormat.N_QUADS)
    given = parameters(disk)
    lines = [f"### {triples:,} quads (kg.synth {size:,}, seed {seed}; kg build {build_seconds:.1f} s)", "",
             "| question | rows | kg lib ms | ox disk ms | kg/ox | CPU ms kg / ox | ox mem ms | rdflib ms | kg ask ms "
             "| kg CLI s |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    bound: dict[str, str] = {}
    results: dict[str, tuple[int, float, float, float, float]] = {}
    cpus: dict[str, tuple[float, float]] = {}
    with QueryEngine(StoreSpec(path=store_dir), timeout=300, max_rows=10_000_000) as engine:
        for name, params in given.items():
            question = saved.get(name)
            bindings = saved.bindings_for(engine, question, params)
            bound[name] = bind(question.text, bindings)  # for rdflib, which has no substitutions
            _, request = engine.prepare(question.text, bindings)  # exactly what kg's worker runs
            substitutions = {ox.Variable(k): v for k, v in request.substitutions.items()}

            def bare(store: ox.Store, text: str = request.text, subs: dict[Any, Any] = substitutions) -> list[Any]:
                return [tuple(s) for s in store.query(text, prefixes=vocab.PREFIXES, substitutions=subs or None)]

            medians, cpu, outputs = _interleaved({
                "kg": lambda q=question, b=bindings: engine.query(q.text, b),
                "disk": lambda: bare(disk),
                "memory": lambda: bare(memory),
                "ask": lambda n=name, p=params: saved.ask(engine, n, p),
            }, repeat, lambda: time.process_time() + _worker_cpu(engine.worker_pids()))
            rows = len(outputs["disk"])
            assert rows == len(outputs["kg"].rows), (name, rows, len(outputs["kg"].rows))
            results[name] = (rows, medians["kg"], medians["disk"], medians["memory"], medians["ask"])
            cpus[name] = (cpu["kg"], cpu["disk"])
    rdf = rdflib_times(nquads, bound, rdflib_timeout) if triples <= rdflib_max else {}
    for name, (rows, kg_s, ox_s, mem_s, ask_s) in results.items():
        params = [arg for k, v in given[name].items() for arg in ("-p", f"{k}={v}")]
        cli = cli_seconds(["--store", str(store_dir), "ask", name, *params, "--format", "csv"], 3)
        r = rdf.get(name, -2.0) if rdf else -2.0
        shown = ("timeout" if r is None else "-" if r == -2.0 else "error" if r < 0 else f"{r * 1000:.1f}")
        kg_cpu, ox_cpu = (c * 1000 for c in cpus[name])
        lines.append(f"| {name} | {rows:,} | {kg_s * 1000:.1f} | {ox_s * 1000:.1f} | {kg_s / ox_s:.2f} | "
                     f"{kg_cpu:.1f} / {ox_cpu:.1f} | {mem_s * 1000:.1f} | {shown} | {ask_s * 1000:.1f} | {cli:.2f} |")
        rows_out.append(row("query", name, size_label(size), triples=triples, kg_s=kg_s, anchor="bare pyoxigraph",
                            anchor_s=ox_s, target="<= 1.5x", met=kg_s / ox_s <= 1.5,
                            notes=f"{rows:,} rows; CPU ms kg {kg_cpu:.1f} / pyoxigraph {ox_cpu:.1f}; in-memory "
                                  f"pyoxigraph {mem_s * 1000:.1f} ms; rdflib {shown} ms; kg CLI {cli:.2f} s"))
    startup = cli_seconds(["--store", str(store_dir), "query", "ASK {}"], 5)
    version_only = cli_seconds(["--version"], 5)
    lines += ["", f"CLI fixed start-up (`kg query 'ASK {{}}'`, median of 5): {startup:.2f} s "
              f"(`kg --version`: {version_only:.2f} s)"]
    if rdf:
        lines.append(f"rdflib Dataset load of the same quads: {rdf.get('load') or 0:.1f} s")
    rows_out.append(row("query", "CLI start-up", size_label(size), triples=triples, kg_s=startup, anchor="budget",
                        anchor_s=0.5, target="<= 1.0x", met=startup < 0.5,
                        notes=f"kg query 'ASK {{}}', median of 5 (under 0.5 s); kg --version {version_only:.2f} s"))
    rates = endpoint_rates(store_dir, given["profile"]["entity"])
    lines += [f"endpoint, simple lookup: {rates.summary(4)}", ""]
    rows_out.append(endpoint_row(rates, size_label(size), triples, 4))
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="100000,1000000")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--rdflib-max", type=int, default=150_000, help="skip rdflib above this many quads")
    parser.add_argument("--rdflib-timeout", type=float, default=60.0)
    parser.add_argument("--out", help="also write the report (markdown) here")
    parser.add_argument("--json", help="also write the result rows here (JSON list)")
    args = parser.parse_args()
    header = [f"## kg query benchmark (Python {platform.python_version()}, {os.cpu_count()} cores)", ""]
    report = list(header)
    work = Path(tempfile.mkdtemp(prefix="kg-bench-query-"))
    rows: list[dict[str, Any]] = []
    try:
        for size in (int(s) for s in args.sizes.split(",")):
            lines = run_size(size, args.seed, args.repeat, work, args.rdflib_max, args.rdflib_timeout, rows)
            print("\n".join(lines), flush=True)
            report += lines
    finally:
        shutil.rmtree(work, ignore_errors=True)
    if args.out:
        Path(args.out).parent.mkdir(parents=True, exist_ok=True)
        Path(args.out).write_text("\n".join(report) + "\n", encoding="utf-8")
    write_json(args.json, rows)


if __name__ == "__main__":
    main()
