"""Endpoint load: requests/s of ``kg serve`` and the Oxigraph server on the same store, on loopback.

Both read the same on-disk store (Oxigraph: ``oxigraph serve-read-only --union-default-graph``, from
the PyPI package ``oxigraph``). Clients are threads holding one HTTP/1.1 keep-alive connection each,
sending the same simple lookup (GET, JSON results) for a fixed time.
"""

from __future__ import annotations

import contextlib
import http.client
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode

from kg import vocab

ROOT = Path(__file__).resolve().parent.parent


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextlib.contextmanager
def _running(command: list[str], port: int) -> Iterator[None]:
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
                break
            time.sleep(0.1)
        yield
    finally:
        process.terminate()
        process.wait(10)


def _load(port: int, path: str, seconds: float, clients: int) -> float:
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
    return sum(counts) / (time.monotonic() - started)


def endpoint_rates(store: Path, entity: str, seconds: float = 4.0, clients: int = 4) -> tuple[float, float]:
    """(kg serve req/s, Oxigraph server req/s) for a one-triple-pattern lookup of ``entity``'s label."""
    query = f"SELECT ?name WHERE {{ <{entity}> <{vocab.LABEL}> ?name }}"
    path = "/sparql?" + urlencode({"query": query})
    port = _free_port()
    kg = [sys.executable, "-m", "kg.cli", "--store", str(store), "serve", "--port", str(port), "--workers", "2"]
    with _running(kg, port):
        _load(port, path, 0.5, 1)
        kg_rate = _load(port, path, seconds, clients)
    oxigraph = shutil.which("oxigraph") or str(Path(sys.executable).with_name("oxigraph"))
    port = _free_port()
    command = [oxigraph, "serve-read-only", "--location", str(store), "--bind", f"127.0.0.1:{port}",
               "--union-default-graph"]
    with _running(command, port):
        _load(port, "/query?" + urlencode({"query": query}), 0.5, 1)
        ox_rate = _load(port, "/query?" + urlencode({"query": query}), seconds, clients)
    return kg_rate, ox_rate
