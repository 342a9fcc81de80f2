"""The endpoint's HTTP/1.1 front end (kg.serve.http), spoken to over raw sockets: keep-alive and
pipelining, HEAD, Expect: 100-continue, the caps on what a request may be, and a slow query that
never holds up the others."""

from __future__ import annotations

import re
import signal
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote, urlsplit

import pytest
from query_support import SAMPLE_FILES, Served, build_store, serving

CARTESIAN = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n2 ?o }"


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_store(tmp_path_factory.mktemp("serve-http") / "store", SAMPLE_FILES)


@pytest.fixture(scope="module")
def served(store: Path) -> Iterator[Served]:
    with serving(store, "--workers", "2", "--timeout", "3") as running:
        yield running


def _connect(served: Served) -> socket.socket:
    url = urlsplit(served.url)
    assert url.hostname and url.port
    return socket.create_connection((url.hostname, url.port), timeout=30)


def _until_closed(sock: socket.socket) -> bytes:
    chunks = []
    while chunk := sock.recv(65536):
        chunks.append(chunk)
    return b"".join(chunks)


def _request(query: str, *extra: str, method: str = "GET", version: str = "HTTP/1.1") -> bytes:
    lines = [f"{method} /sparql?query={quote(query)} {version}", "Host: 127.0.0.1", *extra]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def _statuses(raw: bytes) -> list[str]:
    """Status lines (a response may follow the previous body without a line break)."""
    return [line.decode() for line in re.findall(rb"HTTP/1\.1 \d{3} [^\r]*", raw)]


def test_keep_alive_and_pipelined_requests_on_one_connection(served: Served) -> None:
    with _connect(served) as sock:
        sock.sendall(_request("ASK { ?s ?p ?o }") + b"HEAD / HTTP/1.1\r\nHost: localhost\r\n\r\n"
                     + _request("SELECT ?s WHERE { ?s ?p ?o } LIMIT 1", "Connection: close"))
        raw = _until_closed(sock)
    assert _statuses(raw) == ["HTTP/1.1 200 OK"] * 3
    responses = raw.split(b"HTTP/1.1 200 OK")[1:]
    assert b'"boolean": true' in responses[0]
    assert b"text/html" in responses[1] and responses[1].endswith(b"\r\n\r\n")  # HEAD: headers only
    assert b"Connection: close" in responses[2] and b'"bindings":[{"s"' in responses[2]


def test_http_1_0_gets_one_answer_and_the_connection_closes(served: Served) -> None:
    with _connect(served) as sock:
        sock.sendall(_request("ASK { }", version="HTTP/1.0"))
        raw = _until_closed(sock)
    assert _statuses(raw) == ["HTTP/1.1 200 OK"] and b"Connection: close" in raw


def test_expect_100_continue_is_answered_before_the_body(served: Served) -> None:
    body = b"ASK { ?s ?p ?o }"
    head = ("POST /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/sparql-query\r\n"
            f"Content-Length: {len(body)}\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n").encode()
    with _connect(served) as sock:
        sock.sendall(head)
        assert sock.recv(65536) == b"HTTP/1.1 100 Continue\r\n\r\n"
        sock.sendall(body)
        raw = _until_closed(sock)
    assert _statuses(raw) == ["HTTP/1.1 200 OK"] and b'"boolean": true' in raw


@pytest.mark.parametrize(("raw", "status"), [
    (b"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: " + b"a" * 70_000 + b"\r\n\r\n", 431),
    (b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n" + b"".join(b"X-%d: 1\r\n" % i for i in range(101)) + b"\r\n", 431),
    (b"POST /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n"
     b"0\r\n\r\n", 400),
    (b"POST /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: gzip\r\n\r\n", 501),
    (b"POST /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", 400),
    (b"GET /sparql HTTP/2.0\r\nHost: 127.0.0.1\r\n\r\n", 505),
    (b"GET /sparql HTTP/1.1\r\n\r\n", 400),
    (b"POST /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: -5\r\n\r\n", 400),
    (b"POST /sparql HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab", 400),
    (b"GET /sparql\r\n\r\n", 400),
    (b"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\nno colon here\r\n\r\n", 400),
])
def test_malformed_or_oversized_requests_are_refused_and_closed(served: Served, raw: bytes, status: int) -> None:
    with _connect(served) as sock:
        sock.sendall(raw)
        answer = _until_closed(sock)  # the server closes the connection after refusing
    assert _statuses(answer)[0].startswith(f"HTTP/1.1 {status} ") and b"Connection: close" in answer


def test_a_chunked_body_is_read_like_any_other(served: Served) -> None:
    body = b"ASK { ?s ?p ?o }"
    chunks = b"".join(b"%x\r\n%s\r\n" % (len(part), part) for part in (body[:5], body[5:])) + b"0\r\n\r\n"
    head = (b"POST /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/sparql-query\r\n"
            b"Transfer-Encoding: chunked\r\n\r\n")
    with _connect(served) as sock:
        sock.sendall(head + chunks + _request("ASK { }", "Connection: close"))  # and a second request after it
        raw = _until_closed(sock)
    assert _statuses(raw) == ["HTTP/1.1 200 OK"] * 2 and raw.count(b'"boolean": true') == 2


def test_a_slow_query_does_not_hold_up_the_others(served: Served) -> None:
    slow: list[bytes] = []
    with _connect(served) as first:
        first.sendall(_request(CARTESIAN, "Connection: close"))
        reader = threading.Thread(target=lambda: slow.append(_until_closed(first)))
        reader.start()
        with _connect(served) as second:
            for _ in range(5):
                second.sendall(_request("ASK { ?s ?p ?o }"))
                assert b'"boolean": true' in second.recv(65536)
                assert not slow  # answered on the other worker while the slow query still runs
        reader.join(30)
    assert _statuses(slow[0]) == ["HTTP/1.1 503 Service Unavailable"] and b"time limit" in slow[0]


def test_runaways_do_not_hold_up_lookups(store: Path) -> None:
    """More runaways than workers: each gets a worker of its own once it runs long, so lookups are
    answered while all of them still run; a retried runaway waits behind the lookups; and the pool
    shrinks back once they are stopped."""
    with serving(store, "--workers", "1", "--timeout", "3") as running:
        for _round in range(2):  # the second time the runaway's text is known to run long
            slow: list[bytes] = []
            sockets = [_connect(running) for _ in range(3)]
            readers = []
            for sock in sockets:
                sock.sendall(_request(CARTESIAN, "Connection: close"))
                readers.append(threading.Thread(target=lambda s=sock, out=slow: out.append(_until_closed(s))))
                readers[-1].start()
            with _connect(running) as quick:
                for _ in range(5):
                    quick.sendall(_request("ASK { ?s ?p ?o }"))
                    assert b'"boolean": true' in quick.recv(65536)
                    assert not slow  # answered while every runaway still runs or waits
            for reader in readers:
                reader.join(60)
            for sock in sockets:
                sock.close()
            assert sorted(_statuses(b"".join(slow))) == ["HTTP/1.1 503 Service Unavailable"] * 3
        for _ in range(100):  # killed workers are gone, the grown ones retired
            if len(running.workers()) <= 1:
                break
            time.sleep(0.1)
        assert len(running.workers()) <= 1


def test_a_client_that_leaves_mid_query_changes_nothing_for_the_next(served: Served) -> None:
    with _connect(served) as gone:
        gone.sendall(_request("SELECT ?s ?p ?o WHERE { ?s ?p ?o }"))
    with _connect(served) as sock:
        sock.sendall(_request("ASK { }", "Connection: close"))
        assert _statuses(_until_closed(sock)) == ["HTTP/1.1 200 OK"]


def _gone(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] in ("Z", "X")
    except OSError:
        return True


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGKILL])
def test_a_stopped_server_leaves_no_worker_even_mid_query(store: Path, stop: signal.Signals) -> None:
    with serving(store, "--workers", "1", "--timeout", "120") as running:
        [worker] = running.workers()
        with _connect(running) as sock:
            sock.sendall(_request(CARTESIAN))
            time.sleep(0.5)  # the worker is now busy with the query and not reading its socket
            running.process.send_signal(stop)
            running.process.wait(30)
            for _ in range(100):
                if _gone(worker):
                    break
                time.sleep(0.1)
            assert _gone(worker)
