"""Helpers for the query, endpoint and path tests: stores built from the sample case and fixtures."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pyoxigraph as ox

from kg import vocab
from kg.build import pipeline
from kg.query.runner import QueryEngine, Result
from kg.store import KgStore

from conftest import ROOT, SAMPLE_CASE, OxigraphServer, location_for

BASE = "https://kg.example/"
HARBOR = ROOT / "tests" / "data" / "harbor"
CBN = "publication/china-s-secret-organ-harvesting-industry"
AJT_REPORT_PREFIX = "publication/report-in-the-american-journal-of-transplantation"


@contextlib.contextmanager
def engine_on(backend: str, folder: Path, files: list[Path],
              start_server: Callable[[], OxigraphServer]) -> Iterator[QueryEngine]:
    """A query engine over ``files`` ingested into a new store of the given backend (conftest.BACKENDS)."""
    store = KgStore.at(location_for(backend, folder / "store", start_server))
    try:
        report = pipeline.ingest(store, files, None)
        assert not report.failed, [str(o.error) for o in report.failed]
        if backend == "disk":  # readers see what the writer published when it closed
            store.close()
        with QueryEngine.for_store(store, timeout=30) as engine:
            yield engine
    finally:
        store.close()


def build_store(path: Path, files: list[Path]) -> Path:
    """A store on disk holding ``files`` (named by file name), closed again."""
    with KgStore.open(path) as store:
        report = pipeline.ingest(store, files, None)
        assert not report.failed, [str(o.error) for o in report.failed]
    return path


def short(term: object) -> str | None:
    """IRIs under the base without it, vocabulary IRIs compact, literals as their text."""
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        value = term.value
        return value[len(BASE):] if value.startswith(BASE) else vocab.compact(value)
    assert isinstance(term, ox.Literal)
    return str(term.value)


def plain(result: Result) -> list[tuple[str | None, ...]]:
    return [tuple(short(t) for t in row) for row in result.rows]


def column(result: Result, name: str) -> list[str | None]:
    index = result.variables.index(name)
    return [short(row[index]) for row in result.rows]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class Listener:
    """A local HTTP server that records every request it gets (to prove none was made)."""

    def __init__(self) -> None:
        self.requests: list[str] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                outer.requests.append(self.path)
                self.send_response(200)
                self.send_header("Content-Type", "application/sparql-results+json")
                self.end_headers()
                self.wfile.write(b'{"head":{"vars":["x"]},"results":{"bindings":[{"x":{"type":"literal","value":"LEAK"}}]}}')

            do_POST = do_GET

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> Listener:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


class Served:
    def __init__(self, url: str, process: subprocess.Popen[str]) -> None:
        self.url = url
        self.process = process

    def workers(self) -> list[int]:
        """Live query worker processes of the server: ``python -m kg.query.worker`` children, and the
        workers its zygote forked (kg.query.zygote: their parent is the zygote, not the server)."""
        children = _children(self.process.pid)
        zygotes = [pid for pid in children if b"kg.query.zygote" in _cmdline(pid)]
        forked = [pid for zygote in zygotes for pid in _children(zygote)]
        return sorted([pid for pid in children if b"kg.query.worker" in _cmdline(pid)] + forked)


def _cmdline(pid: int) -> bytes:
    try:
        return (Path("/proc") / str(pid) / "cmdline").read_bytes()
    except OSError:
        return b""


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid and fields[0] != "Z":
                found.append(int(entry.name))
    return found


@contextlib.contextmanager
def serving(store: Path, *extra: str, env: dict[str, str] | None = None, host: str = "127.0.0.1") -> Iterator[Served]:
    """Run the real ``kg serve`` on a free port; yields its URL and process."""
    port = free_port()
    command = [sys.executable, "-m", "kg.cli", "--store", str(store), "serve", "--host", host, "--port", str(port),
               *extra]
    process = subprocess.Popen(command, cwd=ROOT, env={**os.environ, **(env or {})}, stderr=subprocess.PIPE,
                               stdout=subprocess.DEVNULL, text=True)
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                raise AssertionError(f"kg serve exited: {process.stderr.read() if process.stderr else ''}")
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
                break
            if time.monotonic() > deadline:
                raise AssertionError("kg serve did not start")
            time.sleep(0.1)
        yield Served(f"http://127.0.0.1:{port}/sparql", process)
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def pids_with(marker: str) -> list[int]:
    """Processes whose command line contains ``marker`` (workers inherit their parent's)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().decode("utf-8", "replace")
            state = (entry / "stat").read_text().split()[2]
        except OSError:
            continue
        if marker in cmdline and state != "Z" and int(entry.name) != os.getpid():
            found.append(int(entry.name))
    return found


SAMPLE_FILES = [SAMPLE_CASE]
HARBOR_FILES = [SAMPLE_CASE, HARBOR / "harbor-a.yaml", HARBOR / "harbor-b.yaml"]
