"""Endpoint load: requests/s of ``kg serve`` and the Oxigraph server on the same store, on loopback.

    python bench/endpoint_load.py [--sizes 100000] [--seed 1] [--rounds 5] [--seconds 2] [--clients 4]
                                  [--json PATH]

Both servers run at the same time over the same on-disk store (``kg serve --workers 2``, and
``oxigraph serve-read-only`` from the PyPI package ``oxigraph`` on kg's current read snapshot, whose
default graph holds the merge of the sources, as kg's does). Clients are threads of this process,
each holding one HTTP/1.1 keep-alive connection and sending the same simple lookup (GET, JSON
results) for a fixed time. Rounds alternate between the two servers, so load from other processes
hits both alike; the rate is the median over rounds. The servers' CPU seconds per request (kg: the
server and its workers) are summed over all rounds, which is steadier than the rate on a shared
machine. Peak RSS is kg's server plus its workers.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import os
import shutil
import statistics
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import cached_store, free_port, process_cpu_seconds, row, running, size_label, write_json

from kg import vocab
from kg.store.snapshot import snapshot_dir

ROOT = Path(__file__).resolve().parent.parent
TARGET = 0.5


@dataclass
class Rates:
    kg_rps: float
    ox_rps: float
    kg_cpu_ms: float  # CPU milliseconds per request, server and workers
    ox_cpu_ms: float
    kg_peak_mb: float

    @property
    def ratio(self) -> float:
        return self.kg_rps / self.ox_rps

    def summary(self, clients: int) -> str:
        return (f"kg serve {self.kg_rps:,.0f} req/s, oxigraph server {self.ox_rps:,.0f} req/s "
                f"(ratio {self.ratio:.2f}); CPU ms per request kg {self.kg_cpu_ms:.3f} / oxigraph "
                f"{self.ox_cpu_ms:.3f}; {clients} keep-alive clients")


def process_tree(pid: int) -> list[int]:
    """``pid`` and its live descendants."""
    parents: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError, IndexError):
                parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
                parents.setdefault(parent, []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        todo += parents.get(current, [])
    return found


def status_mb(pids: list[int], key: str = "VmHWM:") -> float:
    """The sum of one /proc/PID/status memory line over ``pids``, in MB (peak RSS by default)."""
    total = 0.0
    for pid in pids:
        with contextlib.suppress(OSError, StopIteration):
            lines = Path(f"/proc/{pid}/status").read_text().splitlines()
            total += int(next(line for line in lines if line.startswith(key)).split()[1]) / 1024
    return total


def _load(port: int, path: str, seconds: float, clients: int) -> tuple[int, float]:
    """(requests answered, wall seconds) with ``clients`` keep-alive connections for ``seconds``."""
    counts = [0] * clients
    stop = time.monotonic() + seconds

    def client(index: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        while time.monotonic() < stop:
            conn.request("GET", path, headers={"Accept": "application/sparql-results+json"})
            response = conn.getresponse()
            body = response.read()
            if response.status != 200 or b"bindings" not in body:
                raise RuntimeError(f"endpoint answered {response.status}: {body[:200]!r}")
            counts[index] += 1
        conn.close()

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(counts), time.monotonic() - started


def endpoint_rates(store: Path, entity: str, rounds: int = 5, seconds: float = 2.0, clients: int = 4) -> Rates:
    """Both servers on ``store``, a one-triple-pattern lookup of ``entity``'s label, rounds interleaved."""
    query = f"SELECT ?name WHERE {{ <{entity}> <{vocab.LABEL}> ?name }}"
    kg_port, ox_port = free_port(), free_port()
    kg = [sys.executable, "-m", "kg.cli", "--store", str(store), "serve", "--port", str(kg_port), "--workers", "2"]
    oxigraph = shutil.which("oxigraph") or str(Path(sys.executable).with_name("oxigraph"))
    snapshot = snapshot_dir(store) / os.readlink(snapshot_dir(store) / "current")
    ox = [oxigraph, "serve-read-only", "--location", str(snapshot), "--bind", f"127.0.0.1:{ox_port}"]
    with running(kg, kg_port) as kg_process, running(ox, ox_port) as ox_process:
        sides = {"kg": (kg_port, "/sparql?", kg_process.pid), "ox": (ox_port, "/query?", ox_process.pid)}
        rates: dict[str, list[float]] = {"kg": [], "ox": []}
        cpu = dict.fromkeys(sides, 0.0)
        answered = dict.fromkeys(sides, 0)
        for port, prefix, _ in sides.values():
            _load(port, prefix + urlencode({"query": query}), 0.5, 1)  # warm-up
        for _ in range(rounds):
            for name, (port, prefix, pid) in sides.items():
                pids = process_tree(pid)
                before = process_cpu_seconds(pids)
                count, wall = _load(port, prefix + urlencode({"query": query}), seconds, clients)
                cpu[name] += process_cpu_seconds(pids) - before
                answered[name] += count
                rates[name].append(count / wall)
        peak = status_mb(process_tree(kg_process.pid))
    return Rates(statistics.median(rates["kg"]), statistics.median(rates["ox"]),
                 cpu["kg"] / answered["kg"] * 1000, cpu["ox"] / answered["ox"] * 1000, peak)


def endpoint_row(rates: Rates, size: str, triples: int, clients: int) -> dict[str, object]:
    return row("query", "endpoint lookup", size, triples=triples, anchor="oxigraph server", ratio=rates.ratio,
               target=f">= {TARGET}x", met=rates.ratio >= TARGET, peak_rss_mb=round(rates.kg_peak_mb, 1),
               notes=rates.summary(clients))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="100000")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--seconds", type=float, default=2.0, help="length of one round")
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--json", help="also write the result rows here (JSON list)")
    args = parser.parse_args()
    import pyoxigraph as ox

    rows = []
    for size in (int(s) for s in args.sizes.split(",")):
        store = cached_store(size, args.seed)
        snapshot = ox.Store.read_only(str(snapshot_dir(store) / os.readlink(snapshot_dir(store) / "current")))
        entity = next(iter(snapshot.query(  # type: ignore[arg-type]
            "SELECT ?x WHERE { ?c schema:about ?x } ORDER BY ?x LIMIT 1", prefixes=vocab.PREFIXES)))[0].value
        triples = len(snapshot)
        del snapshot
        rates = endpoint_rates(store, entity, args.rounds, args.seconds, args.clients)
        print(f"{size_label(size)} ({triples:,} quads): {rates.summary(args.clients)}; "
              f"kg peak RSS {rates.kg_peak_mb:.0f} MB", flush=True)
        rows.append(endpoint_row(rates, size_label(size), triples, args.clients))
    write_json(args.json, rows)


if __name__ == "__main__":
    main()
