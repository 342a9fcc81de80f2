"""Killable query workers (DESIGN.md section 7, rule 4).

Neither engine can be interrupted in-process (pyoxigraph ignores signals, rdflib has no timeout), so
every query runs in a worker process that the parent kills when its wall-clock limit passes. A worker
lives across queries (start-up is paid once), holds its own read-only handle on the store, and is
replaced after a kill. A pool hands one idle worker to each caller, so the endpoint's threads never
share one.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import queue
import socket
import subprocess
import sys
import threading
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from kg import vocab
from kg.errors import QueryError, QueryTimeoutError, StoreError


@dataclass(frozen=True)
class StoreSpec:
    """Where a worker finds the store: a path it opens itself, or an in-memory store it inherits by fork."""

    path: Path | None = None
    memory: ox.Store | None = None
    writable: bool = False


@dataclass
class Request:
    text: str
    update: bool = False
    union: bool = True
    default_graph: list[str] = field(default_factory=list)
    named_graphs: list[str] | None = None
    max_rows: int = 10_000
    substitutions: dict[str, ox.NamedNode | ox.Literal] = field(default_factory=dict)


def _open(spec: StoreSpec) -> Any:
    if spec.memory is not None:
        return spec.memory
    assert spec.path is not None
    if spec.writable:
        from kg.store import KgStore  # the writer takes the store's lock in this process

        return KgStore.open(spec.path)
    return ox.Store.read_only(str(spec.path))


def _execute(store: ox.Store, req: Request) -> tuple[Any, ...]:
    if req.update:
        store.update(req.text, prefixes=vocab.PREFIXES)
        return ("updated",)
    options: dict[str, Any] = {"prefixes": vocab.PREFIXES}
    if req.substitutions:
        options["substitutions"] = {ox.Variable(name): term for name, term in req.substitutions.items()}
    if req.default_graph or req.named_graphs is not None:
        options["default_graph"] = [ox.NamedNode(g) for g in req.default_graph] or ox.DefaultGraph()
        options["named_graphs"] = [ox.NamedNode(g) for g in (req.named_graphs or [])]
    else:
        options["use_default_graph_as_union"] = req.union
    result = store.query(req.text, **options)
    if isinstance(result, ox.QueryBoolean):
        return ("ask", bool(result))
    rows: list[Any] = []
    if isinstance(result, ox.QuerySolutions):
        names = [v.value for v in result.variables]
        for solution in result:
            if len(rows) == req.max_rows:
                return ("select", names, rows, True)
            rows.append(tuple(solution))
        return ("select", names, rows, False)
    for triple in result:
        if len(rows) == req.max_rows:
            return ("graph", rows, True)
        rows.append(triple)
    return ("graph", rows, False)


def _serve(conn: Connection, spec: StoreSpec, inherited: int | None = None) -> None:
    if inherited is not None:  # a forked child holds the parent's end too: close it, or EOF never comes
        os.close(inherited)
    try:
        opened = _open(spec)
    except Exception as exc:  # report why the store cannot be opened, then stop
        conn.send(("error", "StoreError", str(exc).splitlines()[0] if str(exc) else type(exc).__name__))
        os._exit(1)
    store = opened.ox if hasattr(opened, "ox") else opened
    conn.send(("ready",))
    while True:
        try:
            req = conn.recv()
        except (EOFError, OSError):
            break
        try:
            reply: tuple[Any, ...] = _execute(store, req)
        except SyntaxError as exc:
            reply = ("error", "QueryError", " ".join(str(exc).split()))
        except Exception as exc:
            reply = ("error", "StoreError", " ".join(str(exc).split()) or type(exc).__name__)
        conn.send(reply)
    if hasattr(opened, "close"):
        opened.close()
    os._exit(0)  # skip finalizers of anything inherited from the parent


class Worker:
    """One worker process and the socket to it.

    ``fork`` (the CLI, the library, in-memory stores) starts instantly; ``subprocess`` runs
    ``python -m kg.query.worker`` instead, for processes with threads (the endpoint), where forking
    could copy a lock some other thread holds.
    """

    def __init__(self, spec: StoreSpec, method: str) -> None:
        ours, theirs = socket.socketpair()
        self.conn = Connection(ours.detach())
        self.process: subprocess.Popen[bytes] | Any
        if method == "subprocess":
            assert spec.path is not None
            fd = theirs.fileno()
            command = [sys.executable, "-m", "kg.query.worker", str(fd), str(spec.path)]
            if spec.writable:
                command.append("--writable")
            self.process = subprocess.Popen(command, pass_fds=[fd], stdin=subprocess.DEVNULL)
            theirs.close()
        else:
            child = Connection(theirs.detach())
            self.process = mp.get_context("fork").Process(target=_serve, args=(child, spec, self.conn.fileno()),
                                                          daemon=True)
            self.process.start()
            child.close()
        try:
            first = self.conn.recv() if self.conn.poll(60) else ("error", "StoreError", "did not start in 60 s")
        except (EOFError, OSError):
            first = ("error", "StoreError", "exited while starting")
        if first[0] != "ready":
            self.kill()
            raise StoreError(f"query worker: {first[2]}")

    @property
    def pid(self) -> int | None:
        pid: int | None = self.process.pid
        return pid

    def run(self, req: Request, timeout: float) -> tuple[Any, ...]:
        try:
            self.conn.send(req)
            ready = self.conn.poll(timeout)
            reply: tuple[Any, ...] = self.conn.recv() if ready else ()
        except (EOFError, OSError):
            self.kill()
            raise StoreError("query worker died (out of memory?); the query was not answered") from None
        if not ready:
            self.kill()
            raise QueryTimeoutError(f"query stopped after the {timeout:g} s time limit (its worker was killed); "
                                    "narrow it or raise the limit with --timeout")
        if reply[0] == "error":
            if reply[1] == "QueryError":
                raise QueryError(f"bad query: {reply[2]}")
            raise StoreError(f"query failed: {reply[2]}")
        return reply

    @property
    def alive(self) -> bool:
        if isinstance(self.process, subprocess.Popen):
            return self.process.poll() is None
        return bool(self.process.is_alive())

    def kill(self) -> None:
        if self.alive:
            self.process.kill()
        if isinstance(self.process, subprocess.Popen):
            self.process.wait(5)
        else:
            self.process.join(5)
        self.conn.close()


class WorkerPool:
    """Up to ``size`` workers, started on demand; a killed worker is replaced on next use."""

    def __init__(self, spec: StoreSpec, size: int = 1, start_method: str | None = None) -> None:
        if spec.memory is not None and start_method not in (None, "fork"):
            raise ValueError("an in-memory store reaches its workers only by fork")
        if start_method not in (None, "fork", "subprocess"):
            raise ValueError(f"unknown start method {start_method!r}")
        self.spec = spec
        self.method = start_method or "fork"
        self.size = size
        self._idle: queue.LifoQueue[Worker | None] = queue.LifoQueue()
        for _ in range(size):
            self._idle.put(None)  # a slot; the worker starts when first used
        self._all: set[Worker] = set()
        self._lock = threading.Lock()

    def run(self, req: Request, timeout: float) -> tuple[Any, ...]:
        worker = self._idle.get()
        try:
            if worker is None or not worker.alive:
                worker = Worker(self.spec, self.method)
                with self._lock:
                    self._all.add(worker)
            return worker.run(req, timeout)
        finally:
            if worker is not None and not worker.alive:
                with self._lock:
                    self._all.discard(worker)
                worker = None
            self._idle.put(worker)

    def pids(self) -> list[int]:
        with self._lock:
            return [w.pid for w in self._all if w.alive and w.pid is not None]

    def restart(self) -> None:
        """Stop idle workers so the next query opens a fresh view of the store (after an update)."""
        stopped = []
        for _ in range(self.size):
            worker = self._idle.get()
            if worker is not None:
                worker.kill()
                stopped.append(worker)
            self._idle.put(None)
        with self._lock:
            self._all.difference_update(stopped)

    def close(self) -> None:
        with self._lock:
            workers = list(self._all)
            self._all.clear()
        for worker in workers:
            worker.kill()


def main(argv: list[str]) -> None:
    """``python -m kg.query.worker FD STORE [--writable]``: serve queries on the inherited socket FD."""
    _serve(Connection(int(argv[0])), StoreSpec(path=Path(argv[1]), writable="--writable" in argv[2:]))


if __name__ == "__main__":
    main(sys.argv[1:])
