"""One writer at a time: a lock file next to the store, naming its holder.

The lock is ``filelock``'s (flock on Linux and macOS, a Windows lock elsewhere), released when the
writer closes or its process dies. filelock opens the file with ``O_NOFOLLOW`` and never truncates
it on open, so a symbolic link planted at ``<store>.lock`` is refused rather than followed (nothing
outside the store's folder is ever written through it), and the holder's line stays readable for
the writer that is turned away.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import sys
from pathlib import Path

import filelock

from kg.errors import StoreError, StoreLockedError


class WriterLock:
    """The writer lock on ``<store>.lock``; the holder writes ``pid N (command) since T`` into it."""

    def __init__(self, store_path: Path) -> None:
        self.store_path = store_path
        self.path = store_path.with_name(store_path.name + ".lock")
        self._lock: filelock.FileLock | None = None
        self._fd: int | None = None

    def _record_holder(self, fd: int) -> None:
        command = " ".join(Path(a).name if i == 0 else a for i, a in enumerate(sys.argv))
        since = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        self._fd = fd
        try:  # unbuffered: a full disk must not leave text waiting in a buffer for the next flush
            os.ftruncate(fd, 0)
            os.pwrite(fd, f"pid {os.getpid()} ({command}) since {since}\n".encode(), 0)
        except OSError:  # the lock is held all the same; only the holder's name is missing
            with contextlib.suppress(OSError):
                os.ftruncate(fd, 0)

    def acquire(self) -> None:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(f"{self.path}: cannot create lock file ({exc.strerror})") from None
        lock = filelock.FileLock(self.path, blocking=False, thread_local=False, on_acquired=self._record_holder)
        try:
            lock.acquire()
        except filelock.Timeout:
            raise StoreLockedError(f"store {self.store_path} is locked by {self._holder()} "
                                   f"(lock file {self.path}); wait for it to finish") from None
        except OSError as exc:  # a symbolic link in its place (ELOOP), a read-only folder
            raise StoreError(f"{self.path}: cannot create lock file ({exc.strerror or exc})") from None
        self._lock = lock

    def _holder(self) -> str:
        try:
            fd = os.open(self.path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
        except OSError:
            return "another process"
        try:
            return os.read(fd, 4096).decode("utf-8", "replace").strip() or "another process"
        finally:
            os.close(fd)

    def release(self) -> None:
        if self._lock is not None:
            if self._fd is not None:
                with contextlib.suppress(OSError):  # no stale holder line for the next writer turned away
                    os.ftruncate(self._fd, 0)
                self._fd = None
            self._lock.release()
            self._lock = None
