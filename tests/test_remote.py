"""A remote SPARQL 1.1 store (the real Oxigraph server): the commands work unchanged, and failures are safe.

Failures are made by a small proxy in front of the server that answers chosen requests with an
error, or never answers: a write cut short leaves the old source whole (or no source), never half of one.
"""

from __future__ import annotations

import http.client
import os
import shutil
import socket
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg import vocab
from kg.errors import QueryError
from kg.store import KgStore
from kg.store.location import Location, Remote, parse
from kg.store.remote import RemoteBackend

from conftest import SAMPLE, SAMPLE_CASE, OxigraphServer, free_port, run_kg

Rule = Callable[[str, str, bytes], int | None]  # (method, path, body) -> status to answer instead, or None


class Proxy:
    """Forwards to an upstream server; ``rule`` may answer a request with an error status instead."""

    def __init__(self, upstream: str) -> None:
        self.upstream = upstream.removeprefix("http://")
        self.rule: Rule = lambda method, path, body: None
        self.seen: list[tuple[str, str, str | None]] = []
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def _forward(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                proxy.seen.append((self.command, self.path, self.headers.get("Authorization")))
                status = proxy.rule(self.command, self.path, body)
                if status is not None:
                    self.send_response(status)
                    self.send_header("Content-Length", "13")
                    self.end_headers()
                    self.wfile.write(b"proxy refused")
                    return
                conn = http.client.HTTPConnection(proxy.upstream, timeout=30)
                headers = {k: v for k, v in self.headers.items() if k.lower() not in ("host", "connection")}
                conn.request(self.command, self.path, body=body or None, headers=headers)
                answer = conn.getresponse()
                data = answer.read()
                self.send_response(answer.status)
                for key, value in answer.getheaders():
                    if key.lower() not in ("content-length", "transfer-encoding", "connection"):
                        self.send_header(key, value)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
                conn.close()

            do_GET = do_POST = do_PUT = do_DELETE = _forward

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def server(oxigraph: Callable[[], OxigraphServer]) -> OxigraphServer:
    return oxigraph()


@pytest.fixture
def proxy(server: OxigraphServer) -> Iterator[Proxy]:
    opened = Proxy(server.url)
    yield opened
    opened.close()


def graphs(url: str) -> dict[str, int]:
    """Quads per named graph, asked of the server directly."""
    with KgStore.at(Location("remote", remote=_remote(url)), writable=False) as store:
        rows = store.backend.query("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
        return {row["g"].value: int(row["n"].value) for row in rows}  # type: ignore[union-attr]


def _remote(url: str) -> Remote:
    remote = parse(url).remote
    assert remote is not None
    return remote


def ok(result: subprocess.CompletedProcess[str]) -> None:
    assert result.returncode == 0, result.stderr


def test_build_query_export_retract_against_the_oxigraph_server(server: OxigraphServer, tmp_path: Path) -> None:
    disk = run_kg("--store", str(tmp_path / "store"), "build", str(SAMPLE), "-o", str(tmp_path / "disk"))
    ok(disk)
    remote = run_kg("--store", server.url, "build", str(SAMPLE), "-o", str(tmp_path / "remote"))
    ok(remote)
    for name in ("graph.ttl", "graph.trig"):  # the same bytes whichever store held the graph
        assert (tmp_path / "remote" / name).read_bytes() == (tmp_path / "disk" / name).read_bytes()
    assert remote.stdout.splitlines()[-7:] == disk.stdout.splitlines()[-7:]  # the same counts

    again = run_kg("--store", server.url, "build", str(SAMPLE), "-o", str(tmp_path / "remote"))
    assert "unchanged  case.yaml" in again.stdout

    asked = run_kg("--store", server.url, "ask", "claims-by", "--param", "entity=Sophia Bryskine", "--format", "csv")
    local = run_kg("--store", str(tmp_path / "store"), "ask", "claims-by", "--param", "entity=Sophia Bryskine",
                   "--format", "csv")
    ok(asked)
    assert asked.stdout == local.stdout and asked.stdout.count("\n") > 2

    nq = run_kg("--store", server.url, "export", "--format", "nq")
    assert nq.stdout == run_kg("--store", str(tmp_path / "store"), "export", "--format", "nq").stdout

    ok(run_kg("--store", server.url, "view", "-o", str(tmp_path / "view.html")))
    assert "Sophia Bryskine" in (tmp_path / "view.html").read_text(encoding="utf-8")

    retracted = run_kg("--store", server.url, "retract", "case.yaml")
    ok(retracted)
    left = graphs(server.url)  # the log keeps the base IRI and the mark that the default graph is the merge
    assert list(left) == ["https://kg.example/graph/ingest-log"] and left["https://kg.example/graph/ingest-log"] == 2
    with KgStore.at(Location("remote", remote=_remote(server.url)), writable=False) as store:
        assert list(store.backend.query("SELECT * WHERE { ?s ?p ?o }")) == []  # nothing left in the merge


def test_a_plain_sparql_endpoint_from_the_config_file(server: OxigraphServer, tmp_path: Path) -> None:
    """No Graph Store Protocol: writes by SPARQL Update; FROM is answered from the graphs kg fetches by name."""
    config = tmp_path / "kg.toml"
    config.write_text(f'[store]\nquery = "{server.url}/query"\nupdate = "{server.url}/update"\n')
    ok(run_kg("build", str(SAMPLE), "-o", str(tmp_path / "out"), cwd=tmp_path))
    ok(run_kg("--store", str(tmp_path / "store"), "build", str(SAMPLE), "-o", str(tmp_path / "disk")))
    assert (tmp_path / "out" / "graph.ttl").read_bytes() == (tmp_path / "disk" / "graph.ttl").read_bytes()
    asked = run_kg("ask", "claims-about", "--param", "entity=ccp", "--format", "tsv", cwd=tmp_path)
    ok(asked)
    assert asked.stdout == run_kg("--store", str(tmp_path / "store"), "ask", "claims-about", "--param", "entity=ccp",
                                  "--format", "tsv").stdout
    graph = "https://kg.example/source/case.yaml"
    for count in (f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}",
                  f"SELECT (COUNT(*) AS ?n) FROM <{graph}> FROM <{graph}x> WHERE {{ ?s ?p ?o }}"):
        scoped = run_kg("query", count, "--format", "csv", cwd=tmp_path)
        assert scoped.stdout == run_kg("--store", str(tmp_path / "store"), "query", count, "--format", "csv").stdout
        assert int(scoped.stdout.splitlines()[1]) > 100
    config.write_text(config.read_text() + 'union = "graphs"\n')
    stale = run_kg("stats", cwd=tmp_path)
    assert stale.returncode == 2 and "union is no longer needed" in stale.stderr


def test_no_dataset_is_ever_sent_to_a_server(server: OxigraphServer) -> None:
    backend = RemoteBackend(_remote(server.url))
    try:
        for options in ({}, {"default_graph": []}, {"use_default_graph_as_union": True}):
            text = "SELECT * FROM <file:///etc/hostname> WHERE { ?s ?p ?o }" if not options else "ASK {}"
            with pytest.raises(QueryError, match="sends no dataset"):
                backend.query(text, **options)
    finally:
        backend.close()


def test_from_reads_only_stored_graphs_on_the_oxigraph_server(server: OxigraphServer, tmp_path: Path) -> None:
    ok(run_kg("--store", server.url, "ingest", str(SAMPLE_CASE)))
    graph = "https://kg.example/source/case.yaml"
    counted = run_kg("--store", server.url, "query", f"SELECT (COUNT(*) AS ?n) FROM <{graph}> WHERE {{ ?s ?p ?o }}",
                     "--format", "csv")
    assert int(counted.stdout.splitlines()[1]) > 100
    outside = run_kg("--store", server.url, "query", "SELECT * FROM <file:///etc/hostname> WHERE { ?s ?p ?o }",
                     "--format", "csv")
    ok(outside)
    [header] = outside.stdout.splitlines()  # no rows: nothing was read from the file
    assert sorted(header.split(",")) == ["o", "p", "s"]


def test_an_in_memory_store_builds_the_outputs(tmp_path: Path) -> None:
    ok(run_kg("--store", "memory:", "build", str(SAMPLE), "-o", str(tmp_path / "mem")))
    ok(run_kg("--store", str(tmp_path / "store"), "build", str(SAMPLE), "-o", str(tmp_path / "disk")))
    assert (tmp_path / "mem" / "graph.ttl").read_bytes() == (tmp_path / "disk" / "graph.ttl").read_bytes()
    assert not (tmp_path / "memory:").exists()


FAILURES = {  # which request fails: a Graph Store PUT, or (plain SPARQL endpoint) a staging batch or the MOVE
    "put": (True, lambda method, body: method == "PUT"),
    "staging": (False, lambda method, body: b"INSERT DATA" in body and b"/graph/staging/" in body),
    "move": (False, lambda method, body: body.startswith(b"MOVE")),
}


@pytest.mark.parametrize("failing", list(FAILURES))
def test_a_5xx_mid_ingest_leaves_no_half_written_source(failing: str, server: OxigraphServer, proxy: Proxy,
                                                        tmp_path: Path) -> None:
    graph_store, fails = FAILURES[failing]
    (tmp_path / "kg.toml").write_text(f'[store]\nurl = "{proxy.url}"\n' if graph_store else
                                      f'[store]\nquery = "{proxy.url}/query"\nupdate = "{proxy.url}/update"\n')
    data = tmp_path / "data"
    shutil.copytree(SAMPLE, data)
    ok(run_kg("build", str(data), "-o", str(tmp_path / "out"), cwd=tmp_path))
    before = graphs(server.url)
    source = "https://kg.example/source/case.yaml"

    case = data / "case.yaml"
    case.write_text(case.read_text(encoding="utf-8").replace("Sophia Bryskine", "Sofia Bryskina"), encoding="utf-8")
    proxy.rule = lambda method, path, body: 503 if fails(method, body) else None
    result = run_kg("ingest", str(case), "--root", str(data), cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.startswith(f"kg: error: {proxy.url}/") and "HTTP 503" in result.stderr
    assert len(result.stderr.splitlines()) == 1
    assert graphs(server.url)[source] == before[source]  # the old source graph, whole

    proxy.rule = lambda method, path, body: None
    ok(run_kg("stats", cwd=tmp_path))
    ok(run_kg("ingest", str(case), "--root", str(data), cwd=tmp_path))  # the next writer cleans up, then writes
    final = graphs(server.url)
    assert not [g for g in final if "/graph/staging/" in g]  # no staging graph is left behind
    assert final[source] == before[source]  # one name changed: as many triples as before
    names = run_kg("ask", "search", "--param", "text=Bryskin", "--format", "csv", cwd=tmp_path).stdout
    assert "Sofia Bryskina" in names and "Sophia Bryskine" not in names


def test_a_server_that_is_down_or_silent_is_one_clear_line(tmp_path: Path) -> None:
    down = f"http://127.0.0.1:{free_port()}"
    for command in (["stats"], ["ingest", str(SAMPLE_CASE)], ["query", "ASK {}"]):
        result = run_kg("--store", down, *command)
        assert result.returncode == 1, command
        assert len(result.stderr.splitlines()) == 1
        assert "cannot reach the store (Connection refused)" in result.stderr

    silent = ThreadingHTTPServer(("127.0.0.1", 0), _Silent)
    threading.Thread(target=silent.serve_forever, daemon=True).start()
    try:
        (tmp_path / "kg.toml").write_text(f'[store]\nurl = "http://127.0.0.1:{silent.server_address[1]}"\n'
                                          "timeout = 1\n")
        result = run_kg("stats", cwd=tmp_path)
        assert result.returncode == 1
        assert result.stderr.strip().endswith("no answer within 1 s")
    finally:
        _Silent.release.set()
        silent.shutdown()
        silent.server_close()


class _Silent(BaseHTTPRequestHandler):
    release = threading.Event()

    def do_POST(self) -> None:
        self.release.wait(30)

    do_GET = do_POST


def test_credentials_come_from_the_environment_only(server: OxigraphServer, proxy: Proxy, tmp_path: Path) -> None:
    secret = "s3cret-pass"
    refused = run_kg("--store", f"http://reader:{secret}@127.0.0.1:1/", "stats")
    assert refused.returncode == 2 and secret not in refused.stderr
    assert "set KG_STORE_USER and KG_STORE_PASSWORD" in refused.stderr

    (tmp_path / "kg.toml").write_text(f'[store]\nurl = "{proxy.url}"\npassword = "{secret}"\n')
    in_file = run_kg("stats", cwd=tmp_path)
    assert in_file.returncode == 2 and secret not in in_file.stderr and "never read from files" in in_file.stderr

    env = {"KG_STORE_USER": "reader", "KG_STORE_PASSWORD": secret}
    ok(run_kg("--store", proxy.url, "ingest", str(SAMPLE_CASE), env=env))
    import base64

    expected = "Basic " + base64.b64encode(f"reader:{secret}".encode()).decode()
    assert proxy.seen and {auth for _, _, auth in proxy.seen} == {expected}

    proxy.rule = lambda method, path, body: 401
    denied = run_kg("--store", proxy.url, "stats", env=env)
    assert denied.returncode == 1 and secret not in denied.stderr and "HTTP 401" in denied.stderr


def test_one_writer_at_a_time_on_a_server(server: OxigraphServer, tmp_path: Path) -> None:
    location = parse(server.url)
    with KgStore.at(location) as writer:
        second = run_kg("--store", server.url, "ingest", str(SAMPLE_CASE))
        assert second.returncode == 1
        assert second.stderr.startswith(f"kg: error: store {server.url}/query is locked by pid {os.getpid()} on ")
        assert f"kg --store {server.url}/query unlock" in second.stderr
        ok(run_kg("--store", server.url, "stats"))  # readers are not held up
        assert writer.sources() == []
    ok(run_kg("--store", server.url, "ingest", str(SAMPLE_CASE)))  # released on close

    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    log = "https://kg.example/graph/ingest-log"
    stale = f"pid {dead.stdout.strip()} on {socket.gethostname()} (kg ingest) since 2026-01-01T00:00:00+00:00"
    elsewhere = "pid 1 on another-machine (kg ingest) since 2026-01-01T00:00:00+00:00"
    _insert_writer(server.url, log, stale)
    ok(run_kg("--store", server.url, "retract", "case.yaml"))  # a dead local holder is replaced silently

    _insert_writer(server.url, log, elsewhere)
    blocked = run_kg("--store", server.url, "ingest", str(SAMPLE_CASE))
    assert blocked.returncode == 1 and "locked by pid 1 on another-machine" in blocked.stderr
    unlocked = run_kg("--store", server.url, "unlock")
    assert unlocked.stdout == f"removed the lock of {elsewhere}\n"
    ok(run_kg("--store", server.url, "ingest", str(SAMPLE_CASE)))
    assert run_kg("--store", server.url, "unlock").stdout == f"{server.url}/query: not locked\n"
    assert run_kg("--store", str(tmp_path / "folder"), "unlock").stdout.endswith("not locked (a folder's lock "
                                                                                   "ends with its process)\n")


def _insert_writer(url: str, log: str, holder: str) -> None:
    with KgStore.at(parse(url), writable=False) as store:
        writer = ox.Quad(ox.NamedNode(log), ox.NamedNode(vocab.WRITER), ox.Literal(holder), ox.NamedNode(log))
        store.backend.add([writer])


@pytest.mark.parametrize(("store", "command", "message"), [
    ("http://127.0.0.1:9/", ["serve"], "kg serve works on a store folder, not http://127.0.0.1:9/query (a remote "
                                       "store is a SPARQL endpoint already)"),
    ("memory:", ["query", "ASK {}"], "an in-memory store (memory:) is empty in a new command: read a folder or a "
                                     "server"),
    ("ftp://host/store", ["stats"], "--store ftp://...: only http(s):// URLs, memory: or a folder"),
    ("http:///nohost", ["stats"], "--store: expected http(s)://host[:port][/path]"),
])
def test_a_store_a_command_cannot_use_is_one_line(store: str, command: list[str], message: str) -> None:
    result = run_kg("--store", store, *command)
    assert (result.returncode, result.stderr) == (2, f"kg: error: {message}\n")
