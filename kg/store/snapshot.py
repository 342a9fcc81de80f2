"""Read snapshots: readers never open the store a writer may be changing.

pyoxigraph documents opening a RocksDB store read-only while another process writes it as
undefined behaviour, and in practice a reader that races a writer's compaction fails with
"Corruption: ... No such file". So a writer, when it closes, publishes a checkpoint of the store
(hard links to its immutable files: cheap, same file system) as ``<store>.snapshots/<id>/`` and
points the symlink ``<store>.snapshots/current`` at it (replaced atomically). Readers open the
current snapshot read-only: they see the store as of the last writer that finished, never a write
in progress, and they work while a writer holds the lock.

A reader holds a shared ``flock`` on ``<id>.lock`` while it reads; a writer deletes an old
snapshot only when it can take that lock exclusively, so nothing is removed under a reader.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import time
from pathlib import Path

import pyoxigraph as ox

from kg.errors import DiskFullError, StoreError
from kg.fsutil import out_of_space, remove_stale_temp_files

CURRENT = "current"


def snapshot_dir(store_path: Path) -> Path:
    return store_path.with_name(store_path.name + ".snapshots")


def publish(store: ox.Store, store_path: Path) -> Path:
    """Checkpoint ``store`` (open for writing, flushed) as the new current snapshot; prune unused old ones."""
    folder = snapshot_dir(store_path)
    ident = f"{time.time_ns()}-{os.getpid()}"
    target = folder / ident
    try:
        folder.mkdir(exist_ok=True)
        (folder / f"{ident}.lock").touch()
        store.backup(str(target))
        remove_stale_temp_files(folder / CURRENT)  # links left by writers that were killed here
        link = folder / f".{CURRENT}.{os.getpid()}.tmp"
        with contextlib.suppress(FileNotFoundError):
            link.unlink()
        link.symlink_to(ident)
        os.replace(link, folder / CURRENT)
    except (OSError, RuntimeError) as exc:  # RocksDB reports its own failures as RuntimeError
        shutil.rmtree(target, ignore_errors=True)  # a checkpoint cut short is no snapshot
        error = DiskFullError if out_of_space(exc) else StoreError
        raise error(f"{store_path}: written, but the read snapshot could not be published "
                    f"({' '.join(str(exc).split())}); readers see the previous state") from None
    prune(folder, keep=ident)
    return target


def prune(folder: Path, keep: str) -> None:
    """Delete snapshots other than ``keep`` that no reader holds (and stray leftovers of crashed writers)."""
    for lock_path in folder.glob("*.lock"):
        ident = lock_path.name[: -len(".lock")]
        if ident == keep:
            continue
        try:
            handle = os.open(lock_path, os.O_RDWR)
        except OSError:
            continue
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(handle)
            continue  # a reader is using it; a later writer will remove it
        try:
            shutil.rmtree(folder / ident, ignore_errors=True)
            lock_path.unlink(missing_ok=True)
        finally:
            os.close(handle)  # closing drops the lock


class Snapshot:
    """The current snapshot, held (shared lock) until :meth:`release`."""

    def __init__(self, path: Path, handle: int) -> None:
        self.path = path
        self._handle: int | None = handle

    def release(self) -> None:
        if self._handle is not None:
            os.close(self._handle)
            self._handle = None


def acquire_current(store_path: Path) -> Snapshot | None:
    """Lock and return the current snapshot, or None if no writer has published one yet."""
    folder = snapshot_dir(store_path)
    for _ in range(100):  # each retry means a writer replaced the snapshot meanwhile
        try:
            ident = os.readlink(folder / CURRENT)
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise StoreError(f"{folder / CURRENT}: unreadable snapshot link ({exc.strerror})") from None
        lock_path = folder / f"{ident}.lock"
        try:
            handle = os.open(lock_path, os.O_RDONLY)
        except FileNotFoundError:
            continue
        fcntl.flock(handle, fcntl.LOCK_SH)
        try:
            same = os.fstat(handle).st_ino == os.stat(lock_path).st_ino and (folder / ident / "CURRENT").exists()
        except FileNotFoundError:
            same = False
        if same:
            return Snapshot(folder / ident, handle)
        os.close(handle)
    raise StoreError(f"{folder}: the read snapshot kept changing; try again")
