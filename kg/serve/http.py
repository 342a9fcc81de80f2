"""The endpoint's HTTP/1.1 front end: one thread, one ``selectors`` loop, workers answered as they finish.

Why not ``http.server``: its thread per connection and line-by-line header parsing cost more than
the query itself on a simple lookup (threads fight for the GIL while they wait on workers). Here the
loop reads whole requests from non-blocking sockets, hands each query to an idle worker of its pool
(or queues it until one is free), watches the workers' sockets next to the clients', and writes every
response with one ``send``. A query past its time limit gets its worker killed (503) by the same loop.

Keeps what the protocol needs: keep-alive (HTTP/1.1 default, HTTP/1.0 closes), ``Expect:
100-continue``, HEAD, and caps on the request head (64 KiB, 100 header lines) and body (``max_body``:
a larger one is answered 413 and read up to 16 MB so the client sees the answer, then dropped).
Chunked bodies are refused (411). Nothing here decides what a request means: that is
:class:`kg.serve.endpoint.Endpoint`, which answers a :class:`Response` now or a :class:`Job` for a worker.
"""

from __future__ import annotations

import collections
import selectors
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from email.utils import formatdate
from http import HTTPStatus
from typing import Any, Protocol

from kg.errors import InputError, KgError, QueryError, QueryTimeoutError
from kg.query.messages import Reply, Request
from kg.query.worker import Worker, WorkerPool

MAX_HEAD = 65_536
MAX_HEADERS = 100
DRAIN_LIMIT = 16_000_000  # bodies over max_body up to this size are read and dropped after the 413
_CHUNK = 262_144


@dataclass
class Response:
    status: int
    body: bytes = b""
    content_type: str = "text/plain; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Job:
    """Work for a worker of ``pool``; ``finish`` turns its reply into the response."""

    pool: WorkerPool
    request: Request
    timeout: float
    finish: Callable[[Reply], Response]


class Handler(Protocol):
    def handle(self, method: str, target: str, headers: dict[str, str], body: bytes) -> Response | Job: ...


def error_response(exc: KgError) -> Response:
    """The status for an error: 503 for a timeout, 400 for the client's mistakes, 500 for the rest."""
    if isinstance(exc, QueryTimeoutError):
        return Response(503, f"{exc}\n".encode())
    if isinstance(exc, QueryError | InputError):
        return Response(400, f"{exc}\n".encode())
    return Response(500, f"{exc}\n".encode())


class _Client:
    """One client connection: bytes read but not yet used, bytes still to write, and its state."""

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self.inbox = bytearray()
        self.outbox = b""
        self.busy = False  # a request of this connection is being answered
        self.closing = False  # close once the outbox is written
        self.drain = 0  # bytes of an oversized body still to read and drop
        self.head_only = False
        self.continued = False  # "100 Continue" already sent for the request in the inbox
        self.open = True


@dataclass
class _Running:
    worker: Worker
    job: Job
    client: _Client
    deadline: float
    head_only: bool


class HttpServer:
    """Serve ``handler`` on ``host``:``port`` until :meth:`serve_forever` is interrupted."""

    def __init__(self, handler: Handler, host: str, port: int, max_body: int) -> None:
        self.handler, self.max_body = handler, max_body
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        self.socket = socket.create_server((host.strip("[]"), port), family=family, backlog=128)
        self.socket.setblocking(False)
        self.server_address: tuple[Any, ...] = self.socket.getsockname()
        self.selector = selectors.DefaultSelector()
        self.selector.register(self.socket, selectors.EVENT_READ, None)
        self.running: dict[int, _Running] = {}  # by worker socket
        self.watched: dict[int, Worker] = {}
        self.waiting: collections.deque[tuple[Job, _Client, bool]] = collections.deque()
        self._date = (0, "")

    # -- the loop ---------------------------------------------------------------------------------
    def serve_forever(self) -> None:
        while True:
            deadline = min((r.deadline for r in self.running.values()), default=None)
            wait = None if deadline is None else max(0.0, deadline - time.monotonic())
            for key, events in self.selector.select(wait):
                if key.data is None:
                    self._accept()
                elif isinstance(key.data, Worker):
                    self._finished(key.data)
                else:
                    if events & selectors.EVENT_WRITE:
                        self._write(key.data)
                    if events & selectors.EVENT_READ:
                        self._read(key.data)
            now = time.monotonic()
            for running in [r for r in self.running.values() if r.deadline <= now]:
                del self.running[running.worker.conn.fileno()]
                self._unwatch(running.worker.conn.fileno())
                expired = running.worker.expire(running.job.timeout)
                running.job.pool.give(running.worker)
                self._answer(running.client, error_response(expired), running.head_only)
                self._next_waiting()

    def server_close(self) -> None:
        for key in list(self.selector.get_map().values()):
            if isinstance(key.data, _Client):
                key.data.sock.close()
        self.selector.close()
        self.socket.close()

    def _accept(self) -> None:
        try:
            sock, _ = self.socket.accept()
        except (BlockingIOError, InterruptedError, ConnectionAbortedError):
            return
        sock.setblocking(False)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.selector.register(sock, selectors.EVENT_READ, _Client(sock))

    def _close(self, client: _Client) -> None:
        if client.open:
            client.open = False
            self.selector.unregister(client.sock)
            client.sock.close()

    # -- reading requests -------------------------------------------------------------------------
    def _read(self, client: _Client) -> None:
        if not client.open:
            return
        try:
            data = client.sock.recv(_CHUNK)
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            data = b""
        if not data:
            self._close(client)  # a running query still finishes; its answer is dropped
            return
        if client.drain:
            client.drain = max(0, client.drain - len(data))
            if not client.drain and not client.outbox:
                self._close(client)
            return
        client.inbox += data
        if client.busy and len(client.inbox) > MAX_HEAD + self.max_body:
            self._close(client)  # pipelining far ahead of the answers
            return
        self._next_request(client)

    def _next_request(self, client: _Client) -> None:
        """Answer the requests waiting in the inbox, one at a time, while each is answered at once."""
        while self._one_request(client) and client.open and not client.outbox:
            pass

    def _one_request(self, client: _Client) -> bool:
        """Answer the request at the front of the inbox if it has all arrived; True if it was answered now."""
        if client.busy or client.outbox or client.closing or not client.open:
            return False
        end = client.inbox.find(b"\r\n\r\n")
        if end < 0 or end > MAX_HEAD:
            return len(client.inbox) > MAX_HEAD and self._reject(client, 431, "request head over 64 KiB")
        parsed = _parse_head(bytes(client.inbox[:end]).decode("latin-1"))
        if isinstance(parsed, str):
            return self._reject(client, 431 if "header lines" in parsed else 400, parsed)
        method, target, version, headers = parsed
        if headers.get("transfer-encoding"):
            return self._reject(client, 411, "send a Content-Length")
        try:
            length = int(headers.get("content-length") or "0")
        except ValueError:
            length = -1
        if length < 0:
            return self._reject(client, 400, "bad Content-Length")
        start = end + 4
        if length > self.max_body:
            client.drain = max(0, min(length, DRAIN_LIMIT) - (len(client.inbox) - start))
            return self._reject(client, 413, f"request body over the {self.max_body:,}-byte limit")
        if len(client.inbox) < start + length:
            if headers.get("expect", "").lower() == "100-continue" and not client.continued:
                client.continued = True
                self._send(client, b"HTTP/1.1 100 Continue\r\n\r\n")
            return False
        body = bytes(client.inbox[start:start + length])
        del client.inbox[:start + length]
        client.continued = False
        keep = version == "HTTP/1.1" and "close" not in headers.get("connection", "").lower()
        client.closing = not keep
        client.busy = True
        head_only = method == "HEAD"
        try:
            answer = self.handler.handle(method, target, headers, body)
        except KgError as exc:
            answer = error_response(exc)
        except Exception as exc:  # a bug must cost one request, not the server (every connection shares it)
            answer = _internal(exc)
        if isinstance(answer, Response):
            self._reply(client, answer, head_only)
            return True
        self._dispatch(answer, client, head_only)
        return False

    def _reject(self, client: _Client, status: int, message: str) -> bool:
        client.inbox.clear()
        client.busy = client.closing = True
        self._reply(client, Response(status, f"{message}\n".encode()), False)
        return True

    # -- workers ----------------------------------------------------------------------------------
    def _dispatch(self, job: Job, client: _Client, head_only: bool) -> None:
        try:
            worker = job.pool.take(block=False)
        except KgError as exc:  # a replacement worker could not start
            self._answer(client, error_response(exc), head_only)
            return
        if worker is None:
            self.waiting.append((job, client, head_only))
        else:
            self._start(job, client, head_only, worker)

    def _start(self, job: Job, client: _Client, head_only: bool, worker: Worker) -> None:
        try:
            worker.send(job.request)
        except KgError as exc:
            job.pool.give(worker)
            self._answer(client, error_response(exc), head_only)
            return
        fd = worker.conn.fileno()
        self.running[fd] = _Running(worker, job, client, time.monotonic() + job.timeout, head_only)
        if fd not in self.watched:  # a worker's socket stays registered while it lives: two syscalls less a query
            self.watched[fd] = worker
            self.selector.register(fd, selectors.EVENT_READ, worker)

    def _unwatch(self, fd: int) -> None:
        if self.watched.pop(fd, None) is not None:
            self.selector.unregister(fd)

    def _finished(self, worker: Worker) -> None:
        fd = worker.conn.fileno()
        running = self.running.pop(fd, None)
        if running is None:  # an idle worker's socket closed: it died; the pool replaces it on next use
            self._unwatch(fd)
            worker.kill()
            return
        try:
            response = running.job.finish(worker.receive())
        except KgError as exc:
            if worker.conn.closed:
                self._unwatch(fd)
            response = error_response(exc)
        except Exception as exc:  # as above: one request fails, the server goes on (with a fresh worker)
            self._unwatch(fd)
            worker.kill()
            response = _internal(exc)
        finally:
            running.job.pool.give(worker)
        self._answer(running.client, response, running.head_only)
        self._next_waiting()

    def _next_waiting(self) -> None:
        """Start queued jobs whose pool has a free worker again (in order; closed clients dropped)."""
        for queued in list(self.waiting):
            job, client, head_only = queued
            if not client.open:
                self.waiting.remove(queued)
                continue
            try:
                worker = job.pool.take(block=False)
            except KgError as exc:
                self.waiting.remove(queued)
                self._answer(client, error_response(exc), head_only)
                continue
            if worker is not None:
                self.waiting.remove(queued)
                self._start(job, client, head_only, worker)

    def _answer(self, client: _Client, response: Response, head_only: bool) -> None:
        """Send a response that finished outside the request loop, then go on with the connection."""
        self._reply(client, response, head_only)
        if client.open and not client.outbox:
            self._next_request(client)

    # -- writing responses ------------------------------------------------------------------------
    def _reply(self, client: _Client, response: Response, head_only: bool) -> None:
        if not client.open:
            return
        lines = [f"HTTP/1.1 {response.status} {HTTPStatus(response.status).phrase}", "Server: kg-sparql",
                 f"Date: {self._now()}", f"Content-Type: {response.content_type}",
                 f"Content-Length: {len(response.body)}", "X-Content-Type-Options: nosniff"]
        lines += [f"{key}: {value}" for key, value in response.headers.items()]
        if client.closing:
            lines.append("Connection: close")
        head = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
        client.busy = False
        self._send(client, head if head_only else head + response.body)
        if client.open and not client.outbox and client.closing:
            self._hang_up(client)

    def _now(self) -> str:
        second = int(time.time())
        if self._date[0] != second:
            self._date = (second, formatdate(second, usegmt=True))
        return self._date[1]

    def _send(self, client: _Client, data: bytes) -> None:
        try:
            sent = client.sock.send(data) if not client.outbox else 0
        except (BlockingIOError, InterruptedError):
            sent = 0
        except OSError:
            self._close(client)
            return
        if sent < len(data):
            client.outbox += data[sent:]
            self.selector.modify(client.sock, selectors.EVENT_READ | selectors.EVENT_WRITE, client)

    def _write(self, client: _Client) -> None:
        if not client.open:
            return
        try:
            sent = client.sock.send(client.outbox)
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            self._close(client)
            return
        client.outbox = client.outbox[sent:]
        if not client.outbox:
            self.selector.modify(client.sock, selectors.EVENT_READ, client)
            if client.busy:
                return  # only an interim "100 Continue" went out
            if client.closing:
                self._hang_up(client)
            else:
                self._next_request(client)

    def _hang_up(self, client: _Client) -> None:
        """After the last response: close, or first read (and drop) the rest of an oversized body."""
        if client.drain:
            client.sock.shutdown(socket.SHUT_WR)
        else:
            self._close(client)


def _internal(exc: Exception) -> Response:
    return Response(500, f"internal error ({type(exc).__name__}); the server goes on\n".encode())


def _parse_head(head: str) -> tuple[str, str, str, dict[str, str]] | str:
    """(method, target, version, headers with lower-case names) or what is wrong with the head."""
    lines = head.split("\r\n")
    parts = lines[0].split(" ")
    if len(parts) != 3 or not parts[2].startswith("HTTP/1.") or not parts[0].isalpha():
        return f"bad request line {lines[0][:100]!r}"
    if len(lines) > MAX_HEADERS + 1:
        return f"over {MAX_HEADERS} header lines"
    headers: dict[str, str] = {}
    for line in lines[1:]:
        name, colon, value = line.partition(":")
        if not colon or not name or name != name.strip():
            return f"bad header line {line[:100]!r}"
        key = name.lower()
        value = value.strip()
        if key == "content-length" and headers.get(key, value) != value:
            return "conflicting Content-Length headers"
        headers.setdefault(key, value)
    return parts[0], parts[1], parts[2], headers
