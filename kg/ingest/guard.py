"""First line of defence for every source file: size caps, binary and encoding checks, XML DTDs.

Runs before any parser sees the bytes, so a hostile file is refused with a one-line message
instead of hanging rdflib or aborting pyoxigraph.
"""

from __future__ import annotations

import errno
import io
import os
import re
import stat
from collections.abc import Callable
from pathlib import Path

from kg.errors import InputError
from kg.ingest.folder import Admitted, inside

DEFAULT_MAX_SOURCE_BYTES = 512 * 1024 * 1024
DEFAULT_MAX_LITERAL_CHARS = 1_000_000
_DOCTYPE = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)


def max_source_bytes() -> int:
    """The per-file size cap; ``KG_MAX_SOURCE_BYTES`` overrides the default (512 MiB)."""
    raw = os.environ.get("KG_MAX_SOURCE_BYTES")
    if raw is None:
        return DEFAULT_MAX_SOURCE_BYTES
    try:
        value = int(raw)
    except ValueError:
        raise InputError(f"KG_MAX_SOURCE_BYTES: {raw!r} is not a whole number of bytes") from None
    if value <= 0:
        raise InputError(f"KG_MAX_SOURCE_BYTES: {raw!r} must be positive")
    return value


def read_source_bytes(path: Path, admitted: Admitted | None = None) -> bytes:
    """Read ``path`` after checking it exists, is a regular file, is not empty and fits the cap.

    The checks are made on the file as opened, not on its name, so nothing can be swapped in
    between: a FIFO is never waited on, and a file the folder rule admitted (``admitted``) must still
    be the file discovery saw, inside its folder, and not a link that appeared since (the last part
    of the name is opened without following links when discovery saw a plain file). At most cap + 1
    bytes are read, so a file that grows after the check is still refused.
    """
    flags = os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC
    if admitted is not None and not admitted.link:
        flags |= os.O_NOFOLLOW
    try:
        fd = os.open(path, flags)
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except OSError as exc:
        if exc.errno == errno.ELOOP and admitted is not None and not admitted.link:
            raise InputError(f"{path}: became a symbolic link after the folder was read; not read") from None
        if exc.errno == errno.EISDIR:
            raise InputError(f"{path}: is a directory, expected a file (use 'kg build DIR' for a folder)") from None
        raise InputError(f"{path}: cannot read ({exc.strerror})") from None
    with os.fdopen(fd, "rb", buffering=0) as handle:
        info = os.fstat(fd)
        _check_opened(path, fd, info, admitted)
        cap = max_source_bytes()
        if info.st_size > cap:
            raise InputError(f"{path}: file is {info.st_size:,} bytes, over the {cap:,}-byte cap (KG_MAX_SOURCE_BYTES)")
        try:
            data = _read_up_to(handle, cap + 1)
        except OSError as exc:
            raise InputError(f"{path}: cannot read ({exc.strerror})") from None
    if len(data) > cap:
        raise InputError(f"{path}: file grew over the {cap:,}-byte cap (KG_MAX_SOURCE_BYTES) while being read")
    if not data:
        raise InputError(f"{path}: file is empty")
    if not data.strip():
        raise InputError(f"{path}: file holds only whitespace")
    return data


def _check_opened(path: Path, fd: int, info: os.stat_result, admitted: Admitted | None) -> None:
    if stat.S_ISDIR(info.st_mode):
        raise InputError(f"{path}: is a directory, expected a file (use 'kg build DIR' for a folder)")
    if not stat.S_ISREG(info.st_mode):
        raise InputError(f"{path}: not a regular file")
    if admitted is None:
        return
    if admitted.inode is not None and (info.st_dev, info.st_ino) != (admitted.device, admitted.inode):
        raise InputError(f"{path}: replaced by another file after the folder was read; not read (build again)")
    if not admitted.follow:
        real = opened_path(fd, path)
        if not inside(real, admitted.root):
            raise InputError(f"{path}: leads out of {admitted.root} ({real}); not read")


def opened_path(fd: int, path: Path) -> str:
    """Where the file open as ``fd`` really is (Linux: /proc/self/fd; elsewhere the resolved name)."""
    try:
        return os.readlink(f"/proc/self/fd/{fd}")
    except OSError:
        return os.path.realpath(path)


def _read_up_to(handle: io.RawIOBase, limit: int) -> bytes:
    chunks: list[bytes] = []
    size = 0
    while size < limit:
        chunk = handle.read(min(limit - size, 1 << 20))
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    return b"".join(chunks)


def decode_text(path: Path, data: bytes) -> str:
    """UTF-8 text (a BOM is dropped); binary content or another encoding is refused."""
    if b"\x00" in data[:65536]:
        raise InputError(f"{path}: binary file (contains NUL bytes), expected UTF-8 text")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        byte = data[exc.start]
        raise InputError(f"{path}:{line}: not valid UTF-8 (byte 0x{byte:02x} at offset {exc.start})") from None
    return text


def json_reason(exc: BaseException) -> str:
    """One line for a JSON failure that is not a syntax error (deep nesting, huge numbers, repeated keys)."""
    if isinstance(exc, RecursionError):
        return "nested too deeply"
    return " ".join(str(exc).split()).split("; use sys.set_int_max_str_digits()")[0]


def refuse_dtd(path: Path, data: bytes) -> None:
    """XML with a DOCTYPE or ENTITY declaration is refused before parsing (entity bombs)."""
    match = _DOCTYPE.search(data)
    if match:
        line = data[: match.start()].count(b"\n") + 1
        raise InputError(f"{path}:{line}: XML with a <!{match.group(1).decode().upper()}> declaration is refused "
                         "(entity expansion attacks); remove the DTD")


def check_literal(where: Callable[[], str], value: str) -> str:
    """``value`` unless it is over the literal cap; ``where()`` names the file, record and field (called
    only for the message: a case file has hundreds of thousands of fields, nearly all well within it)."""
    if len(value) > DEFAULT_MAX_LITERAL_CHARS:
        raise InputError(f"{where()}: text of {len(value):,} characters is over the "
                         f"{DEFAULT_MAX_LITERAL_CHARS:,}-character cap")
    return value
