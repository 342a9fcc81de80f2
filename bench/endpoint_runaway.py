"""The endpoint under load with runaway queries (issue 16 item 5), on loopback.

    python bench/endpoint_runaway.py [--size 100000] [--clients 32] [--runaway 0.33] [--seconds 30]
                                     [--timeout 2] [--workers 2] [--json PATH]

``kg serve --timeout T --workers W`` on a cached synthetic store. ``--clients`` threads of this
process each hold one HTTP/1.1 keep-alive connection for ``--seconds``: a share ``--runaway`` of
them send a query that would run for hours (a three-way cross product of every triple, counted), the
others a cheap lookup (one entity's label, JSON). Reported:

  lookups    how many were answered, their latency p50 / p95 / p99 / max (target: p99 < 100 ms);
  runaways   how many were stopped, each with 503 and how long after it was sent (target: every one
             at its timeout, none answered 200, none later than T + 1 s);
  leaks      the server's worker processes and open file descriptors before the load, at most during
             it and 2 T after it ends (target: back to where they started);
  memory     the RSS of the server and its workers, sampled every second (target: flat: the last
             sample within 1.25x of the first after warm-up).

Every request's status is checked: anything but 200 for a lookup or 503 for a runaway fails the run.
"""

from __future__ import annotations

import argparse
import http.client
import os
import statistics
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import cached_store, free_port, process_cpu_seconds, row, running, size_label, write_json
from endpoint_load import process_tree, status_mb

from kg import vocab
from kg.store.snapshot import snapshot_dir

RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
P99_TARGET_MS = 100.0


@dataclass
class Samples:
    lookups: list[float] = field(default_factory=list)  # seconds each
    runaways: list[float] = field(default_factory=list)
    wrong: list[str] = field(default_factory=list)  # unexpected statuses
    workers: list[int] = field(default_factory=list)
    fds: list[int] = field(default_factory=list)
    rss_mb: list[float] = field(default_factory=list)


def _fds(pid: int) -> int:
    try:
        return len(os.listdir(f"/proc/{pid}/fd"))
    except OSError:
        return -1


def _client(port: int, path: str, expect: int, stop: float, out: list[float], wrong: list[str]) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    while time.monotonic() < stop:
        start = time.perf_counter()
        try:
            conn.request("GET", path, headers={"Accept": "application/sparql-results+json"})
            response = conn.getresponse()
            response.read()
        except (OSError, http.client.HTTPException) as exc:
            wrong.append(f"{type(exc).__name__}: {exc}")
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
            continue
        elapsed = time.perf_counter() - start
        if response.status != expect:
            wrong.append(f"{response.status} where {expect} was expected")
        out.append(elapsed)
        if response.getheader("Connection", "").lower() == "close":
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    conn.close()


def measure(store: Path, entity: str, clients: int, share: float, seconds: float, timeout: float,
            workers: int) -> tuple[Samples, dict[str, float]]:
    port = free_port()
    command = [sys.executable, "-m", "kg.cli", "--store", str(store), "serve", "--port", str(port),
               "--workers", str(workers), "--timeout", f"{timeout:g}"]
    lookup = "/sparql?" + urlencode({"query": f"SELECT ?name WHERE {{ <{entity}> <{vocab.LABEL}> ?name }}"})
    runaway = "/sparql?" + urlencode({"query": RUNAWAY})
    samples = Samples()
    with running(command, port) as server:
        warm: list[float] = []
        _client(port, lookup, 200, time.monotonic() + 1.0, warm, samples.wrong)
        before = {"workers": len(process_tree(server.pid)) - 1, "fds": _fds(server.pid)}
        cpu = process_cpu_seconds(process_tree(server.pid))
        stop = time.monotonic() + seconds
        slow = max(1, round(clients * share))
        threads = [threading.Thread(target=_client, args=(port, runaway, 503, stop, samples.runaways, samples.wrong))
                   for _ in range(slow)]
        threads += [threading.Thread(target=_client, args=(port, lookup, 200, stop, samples.lookups, samples.wrong))
                    for _ in range(clients - slow)]
        for thread in threads:
            thread.start()
        while any(t.is_alive() for t in threads):
            tree = process_tree(server.pid)
            samples.workers.append(len(tree) - 1)
            samples.fds.append(_fds(server.pid))
            samples.rss_mb.append(status_mb(tree, "VmRSS:"))
            time.sleep(1.0)
        for thread in threads:
            thread.join()
        used = process_cpu_seconds(process_tree(server.pid)) - cpu
        time.sleep(2 * timeout)  # replacement workers have started; nothing is running
        after = {"workers": len(process_tree(server.pid)) - 1, "fds": _fds(server.pid)}
    figures = {"workers_before": before["workers"], "workers_after": after["workers"],
               "workers_max": max(samples.workers, default=0), "fds_before": before["fds"],
               "fds_after": after["fds"], "fds_max": max(samples.fds, default=0), "cpu_s": used,
               "runaway_clients": slow}
    return samples, figures


def _quantile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--runaway", type=float, default=1 / 3, help="share of the clients sending runaways")
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--timeout", type=float, default=2.0, help="kg serve --timeout")
    parser.add_argument("--workers", type=int, default=2, help="kg serve --workers")
    parser.add_argument("--json", help="also write the result rows here (JSON list)")
    args = parser.parse_args()
    import pyoxigraph as ox

    store = cached_store(args.size, args.seed)
    snapshot = ox.Store.read_only(str(snapshot_dir(store) / os.readlink(snapshot_dir(store) / "current")))
    entity = next(iter(snapshot.query(  # type: ignore[arg-type]
        "SELECT ?x WHERE { ?c schema:about ?x } ORDER BY ?x LIMIT 1", prefixes=vocab.PREFIXES)))[0].value
    triples = len(snapshot)
    del snapshot
    samples, figures = measure(store, entity, args.clients, args.runaway, args.seconds, args.timeout, args.workers)
    ms = [s * 1000 for s in samples.lookups]
    p50, p95, p99 = (_quantile(ms, q) for q in (0.5, 0.95, 0.99))
    late = [s for s in samples.runaways if s > args.timeout + 1.0]
    steady = samples.rss_mb[2:] or samples.rss_mb
    flat = bool(steady) and steady[-1] <= 1.25 * steady[0]
    leak_free = figures["workers_after"] <= max(figures["workers_before"], args.workers) and \
        figures["fds_after"] <= figures["fds_before"]
    label = size_label(args.size)
    print(f"## kg serve under load: {label} ({triples:,} quads), {args.clients} clients for {args.seconds:g} s, "
          f"{figures['runaway_clients']:.0f} of them sending runaways; --timeout {args.timeout:g} "
          f"--workers {args.workers}\n")
    print(f"- lookups: {len(ms):,} answered ({len(ms) / args.seconds:,.0f}/s), latency p50 {p50:.1f} ms, "
          f"p95 {p95:.1f} ms, p99 {p99:.1f} ms, max {max(ms, default=float('nan')):.1f} ms "
          f"(target p99 < {P99_TARGET_MS:g} ms: {'met' if p99 < P99_TARGET_MS else 'NOT met'})")
    runs = samples.runaways
    middle = statistics.median(runs) if runs else float("nan")
    print(f"- runaways: {len(runs)} stopped with 503 after {min(runs, default=float('nan')):.2f} to "
          f"{max(runs, default=float('nan')):.2f} s (median {middle:.2f} s); {len(late)} later than the timeout + 1 s")
    print(f"- unexpected answers: {len(samples.wrong)}" + (f" (first: {samples.wrong[0]})" if samples.wrong else ""))
    print(f"- worker processes: {figures['workers_before']:.0f} before, at most {figures['workers_max']:.0f} during, "
          f"{figures['workers_after']:.0f} after; server file descriptors {figures['fds_before']:.0f} before, "
          f"at most {figures['fds_max']:.0f}, {figures['fds_after']:.0f} after ({'no leak' if leak_free else 'LEAK'})")
    print(f"- RSS of server + workers: {', '.join(f'{m:.0f}' for m in samples.rss_mb)} MB "
          f"({'flat' if flat else 'NOT flat'}); CPU {figures['cpu_s']:.1f} s over the run")
    rows = [row("endpoint_runaway", "cheap lookup p99 under runaways", label, triples=triples, kg_s=p99 / 1000,
                target=f"p99 < {P99_TARGET_MS:g} ms", met=p99 < P99_TARGET_MS and not samples.wrong,
                peak_rss_mb=round(max(samples.rss_mb, default=0.0), 1),
                notes=f"{args.clients} clients, {figures['runaway_clients']:.0f} runaway; p50 {p50:.1f} ms; "
                      f"{len(runs)} runaways stopped, {len(late)} late; workers {figures['workers_before']:.0f}->"
                      f"{figures['workers_after']:.0f}, fds {figures['fds_before']:.0f}->{figures['fds_after']:.0f}")]
    write_json(args.json, rows)


if __name__ == "__main__":
    main()
