"""Killable query workers (docs/architecture.md, safety rule S4).

Neither engine can be interrupted in-process (pyoxigraph ignores signals, rdflib has no timeout), so
every query runs in a worker process that the parent kills when its wall-clock limit passes. A worker
lives across queries (start-up is paid once) and is replaced after a kill. A pool hands one idle
worker to each caller, so no two queries ever share one.

What a worker does with a request (snapshots, results as bytes) is :mod:`kg.query.execute`.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import pickle
import queue
import socket
import struct
import subprocess
import sys
import threading
from collections.abc import Callable
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any, NoReturn

import pyoxigraph as ox

from kg import processes
from kg.errors import KgError, QueryError, QueryTimeoutError, StoreError
from kg.query import syntax
from kg.query.execute import execute, open_store
from kg.query.messages import Failed, Ready, Reply, Request, StoreSpec, decode, encode
from kg.query.zygote import Forked, Zygote

__all__ = ["Worker", "WorkerPool"]

_READ = 1 << 16
_HEADER = struct.Struct("!i")  # multiprocessing.connection's framing
_LONG = struct.Struct("!Q")


def receive(conn: Connection) -> Any:
    """``conn.recv()`` in one ``read`` for a small message (Connection reads its length header apart)."""
    fd = conn.fileno()
    data = os.read(fd, _READ)
    if not data:
        raise EOFError
    while len(data) < 4:
        data += _more(fd, 4 - len(data))
    size, start = _HEADER.unpack_from(data)[0], 4
    if size == -1:  # a message over 2 GiB: an 8-byte length follows
        while len(data) < 12:
            data += _more(fd, 12 - len(data))
        size, start = _LONG.unpack_from(data, 4)[0], 12
    if len(data) - start < size:
        parts = [data]
        missing = size - (len(data) - start)
        while missing:
            parts.append(_more(fd, min(missing, 1 << 22)))
            missing -= len(parts[-1])
        data = b"".join(parts)
    return pickle.loads(memoryview(data)[start:start + size])


def _more(fd: int, size: int) -> bytes:
    chunk = os.read(fd, size)
    if not chunk:
        raise EOFError
    return chunk


def serve(conn: Connection, spec: StoreSpec, inherited: int | None = None) -> None:
    if inherited is not None:  # a forked child holds the parent's end too: close it, or EOF never comes
        os.close(inherited)
    try:
        opened = open_store(spec)
    except Exception as exc:  # report why the store cannot be opened, then stop
        conn.send(encode(Failed(False, str(exc).splitlines()[0] if str(exc) else type(exc).__name__)))
        os._exit(1)
    conn.send(encode(Ready()))
    while True:
        try:
            req = receive(conn)
        except (EOFError, OSError):
            break
        try:
            reply: Reply | Failed = execute(opened, req)
        except SyntaxError as exc:
            reply = Failed(True, syntax.readable(str(exc), req.text))
        except QueryError as exc:  # a remote server refused the query
            reply = Failed(True, " ".join(str(exc).split()))
        except Exception as exc:
            reply = Failed(False, " ".join(str(exc).split()) or type(exc).__name__)
        conn.send_bytes(pickle.dumps(encode(reply), pickle.HIGHEST_PROTOCOL))  # plain pickle: no ForkingPickler set-up
    if not isinstance(opened, ox.Store):
        opened.close()
    os._exit(0)  # skip finalizers of anything inherited from the parent


_DYING: list[subprocess.Popen[bytes]] = []  # killed without waiting; reaped by a later kill


class Worker:
    """One worker process and the socket to it.

    ``fork`` (the CLI and the library on Linux) starts instantly; ``spawn`` (macOS) starts a fresh
    interpreter that is handed the socket, and an in-memory store as a copy of its quads;
    ``subprocess`` runs ``python -m kg.query.worker`` instead, for processes with threads (the
    endpoint), where forking could copy a lock some other thread holds.
    """

    def __init__(self, spec: StoreSpec, method: str, zygote: Zygote | None = None) -> None:
        ours, theirs = socket.socketpair()
        self.conn = Connection(ours.detach())
        self.process: subprocess.Popen[bytes] | Any
        if zygote is not None:  # forked by the zygote (kg.query.zygote): milliseconds, not an interpreter start
            try:
                self.process = Forked(zygote.fork(theirs.fileno()))
            finally:
                theirs.close()
        elif method == "subprocess":
            assert spec.path is not None
            fd = theirs.fileno()
            command = [sys.executable, "-m", "kg.query.worker", str(fd), str(spec.path), str(os.getpid())]
            if spec.writable:
                command.append("--writable")
            self.process = subprocess.Popen(command, pass_fds=[fd], stdin=subprocess.DEVNULL)
            theirs.close()
        else:
            child = Connection(theirs.detach())
            if method == "spawn":
                if spec.memory is not None:  # a spawned worker cannot inherit it: it gets a copy
                    spec = StoreSpec(quads=spec.memory.dump(format=ox.RdfFormat.N_QUADS))
                self.process = mp.get_context("spawn").Process(target=serve, args=(child, spec, None), daemon=True)
                with processes.plain_main():
                    self.process.start()
            else:
                self.process = mp.get_context("fork").Process(target=serve, args=(child, spec, self.conn.fileno()),
                                                              daemon=True)
                self.process.start()
            child.close()
        try:
            first = decode(self.conn.recv()) if self.conn.poll(60) else Failed(False, "did not start in 60 s")
        except (EOFError, OSError):
            first = Failed(False, "exited while starting")
        if not isinstance(first, Ready):
            self.kill()
            raise StoreError(f"query worker: {first.message if isinstance(first, Failed) else first!r}")

    @property
    def pid(self) -> int | None:
        pid: int | None = self.process.pid
        return pid

    def send(self, req: Request) -> None:
        """Hand ``req`` to the worker; collect the answer with :meth:`receive` once ``conn`` is readable."""
        try:
            self.conn.send_bytes(pickle.dumps(req, pickle.HIGHEST_PROTOCOL))
        except OSError:
            self._died()

    def receive(self) -> Reply:
        """The worker's answer to the request sent last (blocks until it comes); errors become KgErrors."""
        try:
            reply = decode(receive(self.conn))
        except (EOFError, OSError):
            self._died()
        if isinstance(reply, Failed):
            if reply.query:
                raise QueryError(f"bad query: {reply.message}")
            raise StoreError(f"query failed: {reply.message}")
        if isinstance(reply, Ready):
            raise StoreError("query worker: answered 'ready' to a request")
        return reply

    def expire(self, timeout: float, wait: bool = True) -> QueryTimeoutError:
        """Kill the worker whose query ran past ``timeout``; the error to report."""
        self.kill(wait)
        return QueryTimeoutError(f"query stopped after the {timeout:g} s time limit (its worker was killed); "
                                 "narrow it or raise the limit with --timeout")

    def _died(self) -> NoReturn:
        self.kill()
        raise StoreError("query worker died (out of memory?); the query was not answered") from None

    def run(self, req: Request, timeout: float) -> Reply:
        self.send(req)
        try:
            ready = self.conn.poll(timeout)
        except (EOFError, OSError):
            self._died()
        if not ready:
            raise self.expire(timeout)
        return self.receive()

    @property
    def alive(self) -> bool:
        if isinstance(self.process, subprocess.Popen):
            return self.process.poll() is None
        return bool(self.process.is_alive())

    def kill(self, wait: bool = True) -> None:
        """Kill the process; ``wait=False`` does not wait for it to be gone (a reniced worker on a busy
        machine can take seconds to be scheduled for its exit: the endpoint's loop must not wait)."""
        _DYING[:] = [p for p in _DYING if p.poll() is None]
        if self.alive:
            self.process.kill()
        if not wait:
            if isinstance(self.process, subprocess.Popen):
                _DYING.append(self.process)  # reaped on a later kill
            self.conn.close()
            return
        if isinstance(self.process, subprocess.Popen):
            self.process.wait(5)
        else:
            self.process.join(5)
        self.conn.close()


class WorkerPool:
    """Up to ``size`` workers, started on demand; a killed worker is replaced on next use."""

    def __init__(self, spec: StoreSpec, size: int = 1, start_method: str | None = None) -> None:
        if spec.memory is not None and start_method == "subprocess":
            raise ValueError("an in-memory store reaches its workers by fork or spawn, not as a subprocess")
        if start_method not in (None, "fork", "spawn", "subprocess"):
            raise ValueError(f"unknown start method {start_method!r}")
        self.spec = spec
        self.method = start_method or processes.START_METHOD
        self.size = size
        self._idle: queue.LifoQueue[Worker | None] = queue.LifoQueue()
        for _ in range(size):
            self._idle.put(None)  # a slot; the worker starts when first used
        self._all: set[Worker] = set()
        self._lock = threading.Lock()
        self.base = size
        self.limit = size  # :meth:`elastic` raises it: the pool grows while queries run long
        self._notify: Callable[[], None] | None = None
        self._closed = False
        self._starts: queue.Queue[bool] = queue.Queue()
        self._zygote: Zygote | None = None
        self._starter: threading.Thread | None = None

    def elastic(self, limit: int, notify: Callable[[], None]) -> None:
        """Let the pool grow to ``limit`` workers while queries run long (:meth:`grow`), and start
        replacements for killed workers in the background; ``notify`` is called (from another
        thread) each time a worker started that way is idle, so a caller's loop never waits on a start.
        Read-only workers of a store on disk are forked by a zygote (kg.query.zygote) from then on."""
        self.limit, self._notify = max(limit, self.size), notify
        if self.method == "subprocess" and self.spec.path is not None and not self.spec.writable:
            self._zygote = Zygote(self.spec.path)

    def grow(self) -> bool:
        """One more worker, started in the background (a query holds one for long); False at the limit."""
        if self._notify is None or self.size >= self.limit:
            return False
        self.size += 1
        self._start_later()
        return True

    def _start_later(self) -> None:
        if self._starter is None:
            # one thread starts them all and lives as long as the pool: Linux kills a worker when the
            # thread that started it ends (PR_SET_PDEATHSIG follows the thread, not the process)
            self._starter = threading.Thread(target=self._start_loop, name="kg-worker-start", daemon=True)
            self._starter.start()
        self._starts.put(True)

    def _start_loop(self) -> None:
        while self._starts.get() and not self._closed:
            try:
                worker: Worker | None = Worker(self.spec, self.method, self._zygote)
            except KgError:
                worker = None  # an empty slot: the next take() starts one itself and says why it cannot
            with self._lock:
                if worker is not None and self._closed:
                    worker.kill()
                    return
                if worker is not None:
                    self._all.add(worker)
            self._idle.put(worker)
            if self._notify is not None:
                self._notify()

    def idle(self) -> int:
        """How many workers (or empty slots) are free now."""
        return self._idle.qsize()

    def retire(self, worker: Worker) -> None:
        """Kill a worker taken with :meth:`take` and free its slot (after a long query: it was reniced)."""
        worker.kill(wait=False)
        self.give(worker)

    def take(self, block: bool = True) -> Worker | None:
        """An idle worker (started now if its slot is empty), or None when all are busy and not ``block``."""
        try:
            worker = self._idle.get(block)
        except queue.Empty:
            return None
        # A blocking caller asks the process (a wait() call); the endpoint's loop (not blocking) watches idle
        # workers' sockets instead and kills a worker whose socket closes, so there a closed socket suffices.
        if worker is None or worker.conn.closed or (block and not worker.alive):
            if worker is not None:
                worker.kill()  # reap it
            try:
                worker = Worker(self.spec, self.method, self._zygote)
            except BaseException:
                self._idle.put(None)
                raise
            with self._lock:
                self._all.add(worker)
        return worker

    def give(self, worker: Worker) -> None:
        """Return a worker taken with :meth:`take` (a killed one frees its slot for a new one)."""
        if worker.conn.closed:
            with self._lock:
                self._all.discard(worker)
            if self.size > self.base:  # the pool grew for a long query: it shrinks back
                self.size -= 1
            elif self._notify is not None:
                self._start_later()  # the replacement starts now, off the caller's thread
            else:
                self._idle.put(None)
        else:
            self._idle.put(worker)

    def start_all(self) -> None:
        """Start every worker now, so a store that cannot be opened is reported at once."""
        started = [self.take() for _ in range(self.size)]
        for worker in started:
            assert worker is not None
            self.give(worker)

    def run(self, req: Request, timeout: float) -> Reply:
        worker = self.take()
        assert worker is not None
        try:
            return worker.run(req, timeout)
        finally:
            self.give(worker)

    def pids(self) -> list[int]:
        with self._lock:
            return [w.pid for w in self._all if w.alive and w.pid is not None]

    def close(self) -> None:
        with self._lock:
            self._closed = True
            workers = list(self._all)
            self._all.clear()
        self._starts.put(False)
        for worker in workers:
            worker.kill()
        if self._zygote is not None:
            self._zygote.close()


def die_with_parent(parent: int) -> None:
    """Ask Linux to kill this worker when its parent dies, even mid-query (a killed parent cannot stop it)."""
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, 9)  # PR_SET_PDEATHSIG, SIGKILL
    except (OSError, AttributeError):  # not Linux: an idle worker still exits when its socket closes
        return
    if os.getppid() != parent:  # the parent died before the request took effect
        os._exit(1)


def main(argv: list[str]) -> None:
    """``python -m kg.query.worker FD STORE PARENT_PID [--writable]``: serve queries on the inherited socket FD."""
    die_with_parent(int(argv[2]))
    serve(Connection(int(argv[0])), StoreSpec(path=Path(argv[1]), writable="--writable" in argv[3:]))


if __name__ == "__main__":
    main(sys.argv[1:])
