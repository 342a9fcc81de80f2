"""The endpoint's HTTP/1.1 front end: h11 frames the protocol, one ``selectors`` loop runs it all.

HTTP/1.1 parsing and framing (request lines, headers, Content-Length, chunked bodies, keep-alive,
pipelining, ``Expect: 100-continue``, HEAD) is done by ``h11``, a well-kept sans-I/O library: it
refuses malformed and ambiguous requests (conflicting lengths, bad chunk sizes, header folding) and
hands over one request at a time, so a pipelined second request is never read as the first one's
body. This module only moves bytes: one thread, one ``selectors`` loop over non-blocking client
sockets and the query workers' sockets. Each query goes to an idle worker of its pool (or waits in
line for one), the loop answers it when the worker does, and a query past its time limit gets its
worker killed (503) by the same loop. Threads per connection would fight for the GIL while they wait
on workers, and an asyncio server would not let the loop watch the workers' sockets as directly.

Limits, each answered with a status and the connection closed: a request head over 64 KiB or 100
header lines (431), a body over ``max_body`` (413; a declared body is read up to 16 MB and dropped so
the client sees the answer), an HTTP version other than 1.0/1.1 (505), Content-Length together with
Transfer-Encoding, and folded header lines (400: how long the body is must not be in doubt), a
request that has not arrived whole within 30 s of its first byte (408), more than 512 connections at once (503); an idle
keep-alive connection is closed after 5 minutes. Nothing here decides what a request means: that is
:class:`kg.serve.endpoint.Endpoint`, which answers a :class:`Response` now or a :class:`Job` for a
worker.
"""

from __future__ import annotations

import collections
import contextlib
import os
import re
import selectors
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from email.utils import formatdate
from http import HTTPStatus
from typing import Any, Protocol

import h11

from kg.errors import InputError, KgError, QueryError, QueryTimeoutError
from kg.query.messages import Reply, Request
from kg.query.worker import Worker, WorkerPool

MAX_HEAD = 65_536
MAX_HEADERS = 100
DRAIN_LIMIT = 16_000_000  # bodies over max_body up to this size are read and dropped after the 413
MAX_CLIENTS = 512
HEAD_TIMEOUT = 30.0  # seconds for a request to arrive whole once its first byte has
IDLE_TIMEOUT = 300.0  # seconds a keep-alive connection may wait for its next request
_CHUNK = 262_144
_TICK = 1.0  # how often the loop looks for connections past their time limits
LONG_AFTER = 0.25  # seconds after which a query counts as long (an elastic pool grows for it)
_KNOWN_LONG = 256  # query texts remembered as having run long: they are treated as long from their start
LONG_NICE = 19  # a long query's worker runs at the lowest priority, so cheap lookups keep their latency


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
    grown: bool = False  # its pool grew by one for it when it arrived (a query known to run long)


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
    """One client connection: its h11 state machine, the request being read, bytes still to write."""

    def __init__(self, sock: socket.socket, now: float) -> None:
        self.sock = sock
        self.conn = h11.Connection(h11.SERVER, max_incomplete_event_size=MAX_HEAD)
        self.outbox = b""
        self.open = True
        self.busy = False  # a request of this connection is being answered
        self.closing = False  # close once the outbox is written
        self.drain = 0  # bytes of an oversized body still to read and drop
        self.continued = False  # "100 Continue" already sent for the current request
        self.request: h11.Request | None = None
        self.keep_alive = True
        self.body: list[bytes] = []
        self.size = 0
        self.started: float | None = None  # when the first byte of the request being read arrived
        self.last = now  # when the connection last did anything


@dataclass
class _Running:
    worker: Worker
    job: Job
    client: _Client
    deadline: float
    head_only: bool
    long_at: float  # when it counts as a long query: its worker is reniced and the pool grows by one
    long: bool = False


class HttpServer:
    """Serve ``handler`` on ``host``:``port`` until :meth:`serve_forever` is interrupted."""

    def __init__(self, handler: Handler, host: str, port: int, max_body: int, head_timeout: float = HEAD_TIMEOUT,
                 idle_timeout: float = IDLE_TIMEOUT, max_clients: int = MAX_CLIENTS) -> None:
        self.handler, self.max_body, self.max_clients = handler, max_body, max_clients
        self.head_timeout, self.idle_timeout = head_timeout, idle_timeout
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        self.socket = socket.create_server((host.strip("[]"), port), family=family, backlog=128)
        self.socket.setblocking(False)
        self.server_address: tuple[Any, ...] = self.socket.getsockname()
        self.selector = selectors.DefaultSelector()
        self.selector.register(self.socket, selectors.EVENT_READ, None)
        self._wake, self._waker = socket.socketpair()  # stop() writes here to end serve_forever
        self._wake.setblocking(False)
        self.selector.register(self._wake, selectors.EVENT_READ, self._wake)
        self._started, self._starter = socket.socketpair()  # a pool says here that a worker it started is idle
        self._started.setblocking(False)
        self._starter.setblocking(False)
        self.selector.register(self._started, selectors.EVENT_READ, self._started)
        self._stopping = False
        self.clients: set[_Client] = set()
        self.running: dict[int, _Running] = {}  # by worker socket
        self.watched: dict[int, Worker] = {}
        self.waiting: collections.deque[tuple[Job, _Client, bool]] = collections.deque()
        self.waiting_long: collections.deque[tuple[Job, _Client, bool]] = collections.deque()  # after the others
        self._date = (0, "")
        self._ran_long: collections.OrderedDict[str, None] = collections.OrderedDict()
        self._every = min(_TICK, head_timeout / 4, idle_timeout / 4)
        self._tick = time.monotonic() + self._every

    # -- the loop ---------------------------------------------------------------------------------
    def serve_forever(self) -> None:
        while not self._stopping:
            deadline = min((r.long_at if not r.long and r.job.pool.limit > r.job.pool.base else r.deadline
                            for r in self.running.values()), default=None)
            if self.clients:
                deadline = self._tick if deadline is None else min(deadline, self._tick)
            wait = None if deadline is None else max(0.0, deadline - time.monotonic())
            for key, events in self.selector.select(wait):
                if key.data is None:
                    self._accept()
                elif key.data is self._wake:
                    self._stopping = True
                elif key.data is self._started:
                    with contextlib.suppress(OSError):
                        self._started.recv(4096)
                    self._next_waiting()
                elif isinstance(key.data, Worker):
                    self._finished(key.data)
                else:
                    if events & selectors.EVENT_WRITE:
                        self._write(key.data)
                    if events & selectors.EVENT_READ:
                        self._read(key.data)
            now = time.monotonic()
            for running in [r for r in self.running.values() if not r.long and r.long_at <= now]:
                self._long(running)
            for running in [r for r in self.running.values() if r.deadline <= now]:
                del self.running[running.worker.conn.fileno()]
                self._unwatch(running.worker.conn.fileno())
                expired = running.worker.expire(running.job.timeout, wait=False)
                running.job.pool.give(running.worker)
                self._answer(running.client, error_response(expired), running.head_only)
                self._next_waiting()
            if now >= self._tick:
                self._tick = now + self._every
                self._expire_clients(now)

    def worker_started(self) -> None:
        """Called by a pool's starting thread: a worker is idle, queued queries may go on."""
        with contextlib.suppress(OSError):
            self._starter.send(b"x")

    def _long(self, running: _Running, grow: bool = True) -> None:
        """A query past LONG_AFTER: it yields the CPU to short ones, and its pool grows by one worker
        (started in the background) so the queries behind it do not wait for it to end."""
        running.long = True
        pool = running.job.pool
        if pool.limit <= pool.base:
            return
        self._ran_long[running.job.request.text] = None
        if len(self._ran_long) > _KNOWN_LONG:
            self._ran_long.popitem(last=False)
        if running.worker.pid is not None:
            with contextlib.suppress(OSError):
                os.setpriority(os.PRIO_PROCESS, running.worker.pid, LONG_NICE)
        if grow:
            pool.grow()

    def stop(self) -> None:
        """End :meth:`serve_forever` (from another thread); it returns after its current round."""
        with contextlib.suppress(OSError):
            self._waker.send(b"x")

    def server_close(self) -> None:
        for client in list(self.clients):
            client.sock.close()
        self.clients.clear()
        self.selector.close()
        self.socket.close()
        self._wake.close()
        self._waker.close()
        self._started.close()
        self._starter.close()

    def _accept(self) -> None:
        try:
            sock, _ = self.socket.accept()
        except (BlockingIOError, InterruptedError, ConnectionAbortedError):
            return
        if len(self.clients) >= self.max_clients:
            with contextlib.suppress(OSError):  # best effort: a full server says so in one write and hangs up
                sock.send(b"HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
            sock.close()
            return
        sock.setblocking(False)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        client = _Client(sock, time.monotonic())
        self.clients.add(client)
        self.selector.register(sock, selectors.EVENT_READ, client)

    def _close(self, client: _Client) -> None:
        if client.open:
            client.open = False
            self.clients.discard(client)
            self.selector.unregister(client.sock)
            client.sock.close()

    def _expire_clients(self, now: float) -> None:
        """Requests that arrive too slowly get 408; idle keep-alive connections are closed."""
        for client in list(self.clients):
            if client.busy or client.outbox:
                continue
            if client.started is not None and now - client.started > self.head_timeout and not client.closing:
                self._reject(client, 408, f"the request did not arrive whole within {self.head_timeout:g} s")
            elif client.started is None and now - client.last > self.idle_timeout:
                self._close(client)

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
            if client.started is not None and not client.busy and not client.closing:
                client.conn.receive_data(b"")  # the client stopped midway: h11 says so, and we answer 400
                self._next_request(client)
            self._close(client)  # a running query still finishes; its answer is dropped
            return
        client.last = time.monotonic()
        if client.drain or client.closing:  # the rest of a refused body: read and dropped
            client.drain = max(0, client.drain - len(data))
            if not client.drain and not client.outbox:
                self._close(client)
            return
        if client.started is None and not client.busy:
            client.started = client.last
        client.conn.receive_data(data)
        if client.busy and len(client.conn.trailing_data[0]) > MAX_HEAD + self.max_body:
            self._close(client)  # pipelining far ahead of the answers
            return
        self._next_request(client)

    def _next_request(self, client: _Client) -> None:
        """Read events while there is no answer pending, answering each request that has arrived whole."""
        while client.open and not client.busy and not client.outbox and not client.closing:
            if client.conn.their_state is h11.IDLE and _folded(client.conn.trailing_data[0]):
                self._reject(client, 400, "folded header lines (obs-fold) are refused")
                return
            try:
                event = client.conn.next_event()
            except h11.RemoteProtocolError as exc:
                self._reject(client, exc.error_status_hint, str(exc))
                return
            if event is h11.NEED_DATA:
                if client.conn.they_are_waiting_for_100_continue and not client.continued:
                    client.continued = True
                    self._send(client, client.conn.send(h11.InformationalResponse(status_code=100, headers=[],
                                                                                    reason=b"Continue")))
                return
            if event is h11.PAUSED:  # the next request waits until this one is answered
                return
            if isinstance(event, h11.Request):
                self._begin(client, event)
            elif isinstance(event, h11.Data):
                client.size += len(event.data)
                if client.size > self.max_body:
                    self._too_large(client, DRAIN_LIMIT)  # chunked: how much more is coming is not known
                    return
                client.body.append(bytes(event.data))
            elif isinstance(event, h11.EndOfMessage):
                self._complete(client)
            elif isinstance(event, h11.ConnectionClosed):
                self._close(client)
                return

    def _begin(self, client: _Client, request: h11.Request) -> None:
        """A request head has arrived: check what h11 leaves to the server before its body is read."""
        client.request, client.body, client.size, client.continued = request, [], 0, False
        names = [name for name, _ in request.headers]
        tokens = {t.strip().lower() for n, v in request.headers if n == b"connection" for t in v.split(b",")}
        client.keep_alive = request.http_version == b"1.1" and b"close" not in tokens  # as h11 decides it
        if request.http_version not in (b"1.0", b"1.1"):
            self._reject(client, 505, "only HTTP/1.0 and HTTP/1.1 are spoken here")
        elif len(names) > MAX_HEADERS:
            self._reject(client, 431, f"over {MAX_HEADERS} header lines")
        elif len(request.target) + sum(len(n) + len(v) + 4 for n, v in request.headers) > MAX_HEAD:
            self._reject(client, 431, "request head over 64 KiB")
        elif b"content-length" in names and b"transfer-encoding" in names:
            self._reject(client, 400, "both Content-Length and Transfer-Encoding: send one")
        else:
            length = next((int(v) for n, v in request.headers if n == b"content-length"), 0)
            if length > self.max_body:
                self._too_large(client, length)

    def _too_large(self, client: _Client, declared: int) -> None:
        client.drain = max(0, min(declared, DRAIN_LIMIT) - len(client.conn.trailing_data[0]))
        self._reject(client, 413, f"request body over the {self.max_body:,}-byte limit")

    def _complete(self, client: _Client) -> None:
        """The whole request is in: answer it now, or hand it to a worker."""
        request = client.request
        assert request is not None
        client.request, client.started, client.busy = None, None, True
        body, client.body = b"".join(client.body), []
        head_only = request.method == b"HEAD"
        headers = {name.decode("latin-1"): value.decode("latin-1") for name, value in request.headers}
        try:
            answer = self.handler.handle(request.method.decode("ascii"), request.target.decode("latin-1"),
                                         headers, body)
        except KgError as exc:
            answer = error_response(exc)
        except Exception as exc:  # a bug must cost one request, not the server (every connection shares it)
            answer = _internal(exc)
        if isinstance(answer, Response):
            self._reply(client, answer, head_only)
        else:
            self._dispatch(answer, client, head_only)

    def _reject(self, client: _Client, status: int, message: str) -> None:
        client.closing = True
        client.busy = True
        self._reply(client, Response(status, f"{message}\n".encode(), headers={"Connection": "close"}), False)

    # -- workers ----------------------------------------------------------------------------------
    def _dispatch(self, job: Job, client: _Client, head_only: bool) -> None:
        if job.request.text in self._ran_long and job.pool.limit > job.pool.base:
            # it ran long before (a client retrying a runaway): it waits behind every other query, for a
            # worker the pool starts for it now, so the workers the others use stay free
            self._ran_long.move_to_end(job.request.text)
            job.grown = job.pool.grow()
            self.waiting_long.append((job, client, head_only))
            self._next_waiting()
            return
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
        now = time.monotonic()
        running = _Running(worker, job, client, now + job.timeout, head_only, now + LONG_AFTER)
        self.running[fd] = running
        if job.request.text in self._ran_long and job.pool.limit > job.pool.base:
            self._long(running, grow=not job.grown)  # the pool grew when it arrived, or grows now
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
            if running.long and running.job.pool.limit > running.job.pool.base:
                self._unwatch(fd)  # a reniced worker cannot be made normal again: a new one takes its place
                running.job.pool.retire(worker)
            else:
                running.job.pool.give(worker)
        self._answer(running.client, response, running.head_only)
        self._next_waiting()

    def _next_waiting(self) -> None:
        """Start queued jobs whose pool has a free worker again (in order, queries known to run long
        last; closed clients dropped)."""
        for line in (self.waiting, self.waiting_long):
            for queued in list(line):
                job, client, head_only = queued
                if not client.open:
                    line.remove(queued)
                    continue
                if line is self.waiting_long and (any(j.pool is job.pool for j, _, _ in self.waiting)
                                                  or job.pool.idle() < 2):
                    continue  # the others first, and one idle worker is always left for them
                try:
                    worker = job.pool.take(block=False)
                except KgError as exc:
                    line.remove(queued)
                    self._answer(client, error_response(exc), head_only)
                    continue
                if worker is not None:
                    line.remove(queued)
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
        conn = client.conn
        if conn.their_state is not h11.DONE or not client.keep_alive or "Connection" in response.headers:
            client.closing = True  # a refused request, HTTP/1.0, Connection: close, or a body not read
        else:  # the next request starts on a fresh state machine with the bytes already received
            left, _ = conn.trailing_data
            client.conn = h11.Connection(h11.SERVER, max_incomplete_event_size=MAX_HEAD)
            if left:  # (empty data would tell h11 the client closed)
                client.conn.receive_data(left)
                client.started = time.monotonic()  # a pipelined request is already on its way
        lines = [f"HTTP/1.1 {response.status} {HTTPStatus(response.status).phrase}", "Server: kg-sparql",
                 f"Date: {self._now()}", f"Content-Type: {response.content_type}",
                 f"Content-Length: {len(response.body)}", "X-Content-Type-Options: nosniff"]
        lines += [f"{key}: {value}" for key, value in response.headers.items() if key != "Connection"]
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


_FOLD = re.compile(rb"\n[ \t]")


def _folded(buffered: bytes) -> bool:
    """Whether the request head at the front of ``buffered`` continues a header line on the next (obs-fold).

    RFC 9112 lets a server unfold them (h11 does) or refuse them; kg refuses: a proxy in front that
    reads the header differently would see a different body length, the root of request smuggling.
    """
    end = buffered.find(b"\r\n\r\n")
    head = buffered if end < 0 else buffered[:end]
    return _FOLD.search(head) is not None


def _internal(exc: Exception) -> Response:
    return Response(500, f"internal error ({type(exc).__name__}); the server goes on\n".encode())
