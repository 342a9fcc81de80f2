"""Every error kg reports on purpose is a KgError; the CLI prints it as one line.

``exit_code`` 2 means bad input (the user can fix the file or the arguments), 1 means the
environment stopped us (a locked store, an unwritable path).
"""

from __future__ import annotations

import reprlib

# C0 and C1 controls, DEL, and the marks that reorder text on screen (bidi embeddings, overrides, isolates)
_VISIBLE = {code: f"\\x{code:02x}" for code in [*range(0x20), *range(0x7F, 0xA0)]}
_VISIBLE.update({code: f"\\u{code:04x}" for code in [0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F),
                                                      *range(0x2066, 0x206A)]})
_SHOWN = reprlib.Repr()
_SHOWN.maxlevel, _SHOWN.maxlist, _SHOWN.maxdict, _SHOWN.maxother = 2, 3, 3, 60


class KgError(Exception):
    """Base class: a message meant for the user, and an exit code."""

    exit_code = 1

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class InputError(KgError):
    """A source file or an argument is wrong: names the file, record, field and problem."""

    exit_code = 2


class StoreError(KgError):
    """The store cannot be opened, is locked by another writer, or holds something unexpected."""

    exit_code = 1


class NoStoreError(StoreError):
    """There is no store to read where the user pointed (kg.store.location.require_store): build
    one first or point --store elsewhere."""

    exit_code = 2


class StoreLockedError(StoreError):
    """A second writer tried to open a store that another process is writing."""


class ClusterError(KgError):
    """The cluster preparing the sources failed as a whole (unreachable, lost, or its workers run
    other versions): the build stops before anything is written."""

    exit_code = 1


class OutputError(KgError):
    """An output file could not be written."""

    exit_code = 1


class DiskFullError(OutputError):
    """A write failed for lack of space (a full disk, a quota, a file-size limit): the command stops
    there, and what it had not finished is left as it was (outputs not replaced, nothing published)."""


class ViewTooLarge(InputError):
    """The network view would exceed the node limit; narrow it (--around, --types) or --force."""


class QueryError(KgError):
    """A SPARQL query is malformed, refused for safety, or names a parameter that cannot be resolved."""

    exit_code = 2


class UnsafeQueryError(QueryError):
    """A query uses a feature that would reach outside the store (SERVICE, LOAD) or is too large."""


class UnknownEntityError(InputError):
    """No entity in the store is called what the user typed (kg.query.lookup); the message says
    which forms were tried and the closest names."""


class AmbiguousNameError(InputError):
    """A name or alias matches several entities; the message lists the candidates (kg.query.lookup)."""


class QueryTimeoutError(KgError):
    """A query ran past its wall-clock limit; its worker process was killed."""

    exit_code = 1


class ServeError(KgError):
    """The SPARQL endpoint cannot start (bad address, missing update token)."""

    exit_code = 2


def shown(value: object, limit: int = 60) -> str:
    """A value quoted in a message: its ``repr``, cut to about ``limit`` characters with the full
    length said, so a megabyte of hostile text is named in a message, never echoed whole."""
    if isinstance(value, str):
        if len(value) <= limit:
            return repr(value)
        return f"{value[:limit]!r}... ({len(value):,} characters)"
    try:
        return _SHOWN.repr(value)
    except ValueError:  # an integer of more digits than Python turns into text
        return f"a {type(value).__name__} too long to show"


def visible(text: str) -> str:
    """``text`` safe to print on a terminal: control characters (an escape sequence could retitle the
    window, write the clipboard or hide text) and bidi marks come out as ``\\x1b``/``\\u202e``."""
    return text.translate(_VISIBLE)
