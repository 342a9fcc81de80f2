"""One writer at a time on a remote store: a lock statement in the store's log graph.

A server offers no file to lock, so the writer adds ``<log> kg:writer "pid N on HOST (command) since T"``
to the log graph, with an update that only inserts when no writer is there, then reads the writers
back: it holds the lock only if its own statement is the only one (two writers racing both see two,
and both step back, so at most one ever proceeds). Closing removes the statement. A statement left by
a process that died on this machine is removed by the next writer; one from another machine is
removed with ``kg unlock``.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import socket
import sys
from pathlib import Path

import pyoxigraph as ox

from kg import processes, vocab
from kg.errors import StoreLockedError
from kg.iris import DEFAULT_BASE, Minter
from kg.store.backend import Backend, stored_base
from kg.store.location import Location
from kg.store.lock import WriterLock

_HOLDER = re.compile(r"^pid (\d+) on (\S+) ")


def holder_text() -> str:
    command = " ".join(Path(a).name if i == 0 else a for i, a in enumerate(sys.argv))
    since = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    return f"pid {os.getpid()} on {socket.gethostname()} ({command}) since {since}"


class RemoteLock:
    def __init__(self, backend: Backend, log_graph: ox.NamedNode, label: str) -> None:
        self.backend = backend
        self.log = log_graph
        self.mine = holder_text()
        self.label = label
        self._held = False

    def _quad(self, holder: str) -> ox.Quad:
        return ox.Quad(self.log, ox.NamedNode(vocab.WRITER), ox.Literal(holder), self.log)

    def holders(self) -> list[str]:
        return _holders(self.backend, self.log)

    def acquire(self) -> None:
        mine, log, writer = self._quad(self.mine).object, self.log, ox.NamedNode(vocab.WRITER)
        for _ in range(2):
            self.backend.update(f"INSERT {{ GRAPH {log} {{ {log} {writer} {mine} }} }} WHERE {{ "
                                f"FILTER NOT EXISTS {{ GRAPH {log} {{ {log} {writer} ?any }} }} }}")
            holders = self.holders()
            if holders == [self.mine]:
                self._held = True
                return
            if self.mine in holders:  # raced another writer: both step back
                self.backend.remove([self._quad(self.mine)])
            others = [h for h in holders if h != self.mine]
            stale = [h for h in others if _dead_here(h)]
            if not stale:
                raise StoreLockedError(f"store {self.label} is locked by {'; '.join(others) or 'another writer'}; "
                                       f"wait for it to finish (if that writer is gone: kg --store {self.label} "
                                       "unlock)")
            self.backend.remove([self._quad(h) for h in stale])
        raise StoreLockedError(f"store {self.label}: another writer took the lock at the same time; try again")

    def release(self) -> None:
        if self._held:
            self._held = False
            self.backend.remove([self._quad(self.mine)])


def break_lock(backend: Backend, log_graph: ox.NamedNode) -> list[str]:
    """Remove every writer statement (``kg unlock``); the holders that were there."""
    found = _holders(backend, log_graph)
    backend.remove([ox.Quad(log_graph, ox.NamedNode(vocab.WRITER), ox.Literal(h), log_graph) for h in found])
    return found


def _holders(backend: Backend, log_graph: ox.NamedNode) -> list[str]:
    quads = backend.quads(log_graph, ox.NamedNode(vocab.WRITER), None, log_graph)
    return sorted(q.object.value for q in quads if isinstance(q.object, ox.Literal))


def _dead_here(holder: str) -> bool:
    """A holder on this machine whose process no longer runs."""
    match = _HOLDER.match(holder)
    if match is None or match.group(2) != socket.gethostname():
        return False
    return not processes.alive(int(match.group(1)))


def unlock(location: Location, base: str | None = None) -> str:
    """Remove a remote store's writer lock (its holder is gone); what was removed, as one line.

    A folder's lock is released by the operating system when its process ends: nothing to remove.
    """
    if location.remote is None:
        if location.path is None:
            return "an in-memory store has no lock"
        lock = WriterLock(location.path)
        lock.acquire()  # raises StoreLockedError naming a live holder
        lock.release()
        return f"{location.path}: not locked (a folder's lock ends with its process)"
    from kg.store.remote import RemoteBackend

    backend = RemoteBackend(location.remote)
    try:
        minter = Minter(stored_base(backend) or base or DEFAULT_BASE)
        removed = break_lock(backend, ox.NamedNode(minter.log_graph()))
    finally:
        backend.close()
    return f"removed the lock of {'; '.join(removed)}" if removed else f"{location}: not locked"
