"""Atomic file output: write a temp file beside the target, fsync, then rename over it.

A crash or kill mid-write leaves the previous file intact (never a truncated one). The temp file
is named ``.NAME.PID.RANDOM.tmp``; an exception removes it, but SIGKILL or a power cut cannot, so
the next write of the same target removes leftovers whose writer process is gone (a temp file of
a live process, such as a concurrent export, is left alone).

Files that belong together (a build's graph.ttl, graph.trig and graph.html) are written inside
:func:`together`: each is written and synced as usual, but none replaces its target until all are
done and the block ends without an error; an error (a full disk half-way) leaves every one of
them as it was.
"""

from __future__ import annotations

import contextlib
import contextvars
import errno
import os
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from kg import processes
from kg.errors import DiskFullError, OutputError

_NO_SPACE = (errno.ENOSPC, errno.EFBIG, errno.EDQUOT)
_NO_SPACE_TEXT = tuple(os.strerror(code) for code in _NO_SPACE)  # how RocksDB (through pyoxigraph) says it


def out_of_space(exc: BaseException) -> bool:
    """Did ``exc`` fail for lack of space: a full disk, a quota, a file-size limit (RLIMIT_FSIZE)?"""
    if isinstance(exc, OSError) and exc.errno in _NO_SPACE:
        return True
    return isinstance(exc, OSError | RuntimeError) and any(text in str(exc) for text in _NO_SPACE_TEXT)


@contextlib.contextmanager
def naming(path: Path) -> Iterator[None]:
    """A write error inside names ``path`` (a file object's write does not say which file failed)."""
    try:
        yield
    except OSError as exc:
        if exc.filename or exc.errno is None:
            raise
        raise OSError(exc.errno, exc.strerror, str(path)) from None


def reason(exc: BaseException) -> str:
    """An OS or RocksDB error in a few words ("No space left on device")."""
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return next((text for text in _NO_SPACE_TEXT if text in str(exc)), " ".join(str(exc).split())[:200])


def no_space(exc: BaseException, doing: str) -> DiskFullError:
    """The one line for a write that failed for lack of space while ``doing`` something."""
    where = f" ({exc.filename})" if isinstance(exc, OSError) and exc.filename else ""
    return DiskFullError(f"out of space ({reason(exc)}) while {doing}{where}")


class _Together:
    """Written temp files waiting for their rename, and targets waiting for their removal."""

    def __init__(self) -> None:
        self.renames: list[tuple[str, Path]] = []
        self.removals: list[Path] = []


_TOGETHER: contextvars.ContextVar[_Together | None] = contextvars.ContextVar("kg_outputs_together", default=None)


@contextlib.contextmanager
def together() -> Iterator[None]:
    """Outputs written in this block (by :func:`atomic_output`, :func:`remove_output`, in this thread)
    replace their targets only when the block ends without an error; after an error none does."""
    batch = _Together()
    token = _TOGETHER.set(batch)
    try:
        yield
    except BaseException:
        for tmp, _ in batch.renames:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
        raise
    finally:
        _TOGETHER.reset(token)
    for tmp, target in batch.renames:
        os.replace(tmp, target)  # renames need no space: they do not fail where the writes did not
    for target in batch.removals:
        target.unlink(missing_ok=True)
    for folder in {target.parent for _, target in batch.renames}:
        _sync_folder(folder)


def staged(target: Path) -> Path | None:
    """The file that is (or, inside :func:`together`, will be) ``target``; None if it is to be removed.
    A rename keeps size, modification time and inode, so its ``stat`` is the final file's."""
    batch = _TOGETHER.get()
    if batch is not None:
        if target in batch.removals:
            return None
        for tmp, final in reversed(batch.renames):
            if final == target:
                return Path(tmp)
    return target


def remove_output(target: Path) -> None:
    """Delete an output that is no longer wanted (inside :func:`together`: when the block succeeds)."""
    batch = _TOGETHER.get()
    if batch is None:
        target.unlink(missing_ok=True)
    else:
        for tmp, final in [entry for entry in batch.renames if entry[1] == target]:
            batch.renames.remove((tmp, final))
            os.unlink(tmp)
        batch.removals.append(target)


def _sync_folder(folder: Path) -> None:
    dir_fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


@contextlib.contextmanager
def atomic_output(target: str | Path) -> Iterator[IO[bytes]]:
    """Yield a binary handle; ``-`` means standard output. OS errors become OutputError naming ``target``."""
    if str(target) == "-":
        yield sys.stdout.buffer
        sys.stdout.buffer.flush()
        return
    path = Path(target)
    if path.is_dir():
        raise OutputError(f"{path}: is a directory; give a file name")
    existing = next((parent for parent in path.parents if parent.exists()), None)
    if existing is not None and not existing.is_dir():
        raise OutputError(f"{path}: cannot write ({existing} is a file, not a folder)")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        remove_stale_temp_files(path)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.{os.getpid()}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise OutputError(f"{path}: cannot write ({exc.strerror})") from None
    try:
        umask = os.umask(0)
        os.umask(umask)
        os.fchmod(fd, 0o666 & ~umask)  # mkstemp creates 0600; outputs are ordinary files
        with os.fdopen(fd, "wb") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        batch = _TOGETHER.get()
        if batch is not None:
            batch.renames.append((tmp, path))
            return
        os.replace(tmp, path)
        _sync_folder(path.parent)
    except BaseException as exc:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        if out_of_space(exc):  # (together: the caller says what is kept, which is more than this file)
            kept = "" if _TOGETHER.get() is not None else f"; the previous {path.name} is kept"
            raise DiskFullError(f"{path}: cannot write ({reason(exc)}){kept}") from None
        if isinstance(exc, OSError):  # a vanished folder, no permission: one line naming the target
            raise OutputError(f"{path}: cannot write ({exc.strerror or exc})") from None
        raise


def remove_stale_temp_files(path: Path) -> list[Path]:
    """Delete ``.NAME.PID.*.tmp`` files beside ``path`` left by writers that no longer run."""
    removed: list[Path] = []
    prefix = f".{path.name}."
    try:
        candidates = [p for p in path.parent.iterdir() if p.name.startswith(prefix) and p.name.endswith(".tmp")]
    except OSError:
        return removed
    for candidate in candidates:
        pid_text = candidate.name[len(prefix):].split(".", 1)[0]
        if not pid_text.isdigit() or processes.alive(int(pid_text)):
            continue
        with contextlib.suppress(OSError):
            candidate.unlink()
            removed.append(candidate)
    return removed


def write_bytes_atomic(target: str | Path, data: bytes) -> None:
    with atomic_output(target) as handle:
        handle.write(data)
