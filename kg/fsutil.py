"""Atomic file output: write a temp file beside the target, fsync, then rename over it.

A crash or kill mid-write leaves the previous file intact (never a truncated one). The temp file
is named ``.NAME.PID.RANDOM.tmp``; an exception removes it, but SIGKILL or a power cut cannot, so
the next write of the same target removes leftovers whose writer process is gone (a temp file of
a live process, such as a concurrent export, is left alone).
"""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from kg.errors import OutputError


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
        os.replace(tmp, path)
        dir_fd = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
    except BaseException as exc:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        if isinstance(exc, OSError):  # a full disk, a vanished folder: one line naming the target
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
        if not pid_text.isdigit() or _process_alive(int(pid_text)):
            continue
        with contextlib.suppress(OSError):
            candidate.unlink()
            removed.append(candidate)
    return removed


def _process_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError):
        return True  # someone else's process (or an absurd number): not ours to judge
    return True


def write_bytes_atomic(target: str | Path, data: bytes) -> None:
    with atomic_output(target) as handle:
        handle.write(data)
