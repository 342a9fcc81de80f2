"""What every document reader returns: the text kg stores, its metadata, its page map, its attachments.

The readers (:mod:`kg.ingest.pdf`, :mod:`kg.ingest.office`, :mod:`kg.ingest.mail`,
:mod:`kg.ingest.web`) each turn one format into a :class:`Document`; :mod:`kg.ingest.article`
treats it like any other article from there on (sidecar, size limits, extraction).
"""

from __future__ import annotations

import bisect
import os
from dataclasses import dataclass, field
from typing import Any

from kg.errors import InputError


@dataclass
class Attachment:
    """A file carried inside another (an e-mail's attachment): read as a source of its own."""

    name: str  # the file name the sender gave it (made safe), with its suffix
    data: bytes


@dataclass
class Document:
    text: str  # the stored text: evidence offsets index into it
    meta: dict[str, Any]  # title, author, publisher, date, url, language (what the file says)
    media_type: str
    page_starts: list[int] | None = None  # offset where each page begins (PDF), for evidence page numbers
    attachments: list[Attachment] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def page_of(page_starts: list[int], offset: int) -> int:
    """The 1-based page holding character ``offset`` of a paged document's text."""
    return max(1, bisect.bisect_right(page_starts, offset))


def env_limit(name: str, default: int) -> int:
    """A positive whole-number limit from the environment variable ``name``, else ``default``."""
    raw = os.environ.get(name)
    if raw is None or not raw.strip():
        return default
    try:
        value = int(raw)
    except ValueError:
        raise InputError(f"{name}: {raw!r} is not a whole number") from None
    if value <= 0:
        raise InputError(f"{name}: {raw!r} must be positive")
    return value
