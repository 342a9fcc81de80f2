"""The messages between the query front end (kg.query.runner, kg.serve) and its worker processes.

The front end sends a :class:`Request`; a worker answers :class:`Ready` once after opening its store,
then one :data:`Reply` per request, or :class:`Failed`. Each is a frozen dataclass, so mypy checks
every reader of every field (a position in a tuple used to mean "truncated" in one module and "TSV"
in another); on the wire a reply is its tag and field values (:func:`encode`, :func:`decode`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from kg.store.location import Remote


@dataclass(frozen=True)
class StoreSpec:
    """Where a worker finds the store: a path it opens itself, an in-memory store it inherits by fork,
    or a remote SPARQL 1.1 server it queries over HTTP."""

    path: Path | None = None
    memory: ox.Store | None = None
    writable: bool = False
    remote: Remote | None = None
    quads: bytes | None = None  # an in-memory store's content, for a worker that cannot inherit it (spawn)


@dataclass(frozen=True)
class Dataset:
    """The dataset a query names (FROM, FROM NAMED, the protocol's default-graph-uri/named-graph-uri):
    its default graph is the merge of ``default``, its named graphs are ``named`` (kg.query.dataset)."""

    default: tuple[str, ...] = ()
    named: tuple[str, ...] = ()


@dataclass
class Request:
    text: str
    update: bool = False
    dataset: Dataset | None = None  # None: the store's default graph (the merge of its sources)
    max_rows: int = 10_000
    substitutions: dict[str, ox.NamedNode | ox.Literal] = field(default_factory=dict)
    fmt: str | None = None  # a result format name (kg.query.formats): reply with the finished document

    def __reduce__(self) -> tuple[type[Request], tuple[Any, ...]]:
        return Request, (self.text, self.update, self.dataset, self.max_rows, self.substitutions, self.fmt)


@dataclass(frozen=True)
class Ready:
    """The worker opened its store and waits for requests."""


@dataclass(frozen=True)
class Failed:
    """The request (or opening the store) failed; ``query`` says the query was at fault, not the store."""

    query: bool
    message: str



@dataclass(frozen=True)
class Boolean:
    """An ASK query's answer."""

    value: bool



@dataclass(frozen=True)
class Rows:
    """A SELECT query's solutions as SPARQL TSV (written by pyoxigraph), cut at the row cap."""

    variables: list[str]
    tsv: bytes
    truncated: bool



@dataclass(frozen=True)
class Triples:
    """A CONSTRUCT or DESCRIBE query's triples, cut at the row cap."""

    triples: list[ox.Triple]
    truncated: bool



@dataclass(frozen=True)
class Document:
    """The finished result document in the format the request named (``Request.fmt``)."""

    data: bytes
    truncated: bool



@dataclass(frozen=True)
class Updated:
    """An update was applied (and a read snapshot published)."""


Answer = Boolean | Rows | Triples  # what a query gives before it is rendered
Reply = Answer | Document | Updated

_KINDS: tuple[type[Ready | Failed | Reply], ...] = (Ready, Failed, Boolean, Rows, Triples, Document, Updated)
_TAGS = {kind: tag for tag, kind in enumerate(_KINDS)}


def encode(message: Ready | Failed | Reply) -> tuple[int, tuple[Any, ...]]:
    """What travels for a worker's message: a tag and the field values (pickling the class itself
    would look it up by name on every reply)."""
    return _TAGS[type(message)], tuple(message.__dict__.values())


def decode(wire: tuple[int, tuple[Any, ...]]) -> Ready | Failed | Reply:
    tag, fields = wire
    return _KINDS[tag](*fields)
