"""RDF files as sources: Turtle, TriG, N-Triples, N-Quads, JSON-LD, RDF/XML.

Parsed by pyoxigraph from bytes (never from a location), after the guard's checks. Quads from
the file's own named graphs are flattened into the source's graph. Blank nodes are replaced by
skolem IRIs (RDF 1.1 section 3.5) that depend only on the file's content and their order in it:
the store would otherwise relabel them at random, and exports would not be byte-stable.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from kg.errors import InputError
from kg.ingest.guard import DEFAULT_MAX_LITERAL_CHARS, decode_text, json_reason, refuse_dtd
from kg.store.nt import TripleSink

RDF_FORMATS: dict[str, ox.RdfFormat] = {
    ".ttl": ox.RdfFormat.TURTLE,
    ".trig": ox.RdfFormat.TRIG,
    ".nt": ox.RdfFormat.N_TRIPLES,
    ".nq": ox.RdfFormat.N_QUADS,
    ".jsonld": ox.RdfFormat.JSON_LD,
    ".rdf": ox.RdfFormat.RDF_XML,
    ".owl": ox.RdfFormat.RDF_XML,
}
MEDIA_TYPES = {suffix: fmt.media_type for suffix, fmt in RDF_FORMATS.items()}


def _remote_context(node: Any) -> str | None:
    """The first remote @context/@import reference in a JSON-LD document, if any."""
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            for key, value in item.items():
                if key in ("@context", "@import"):
                    refs = value if isinstance(value, list) else [value]
                    for ref in refs:
                        if isinstance(ref, str):
                            return ref
                stack.append(value)
        elif isinstance(item, list):
            stack.extend(item)
    return None


def _check_jsonld(path: Path, data: bytes) -> None:
    text = decode_text(path, data)
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"{path}:{exc.lineno}: malformed JSON-LD: {exc.msg} (column {exc.colno})") from None
    except (ValueError, RecursionError) as exc:  # huge integers, deep nesting
        raise InputError(f"{path}: malformed JSON-LD: {json_reason(exc)}") from None
    remote = _remote_context(document)
    if remote is not None:
        raise InputError(f"{path}: JSON-LD with a remote @context {remote!r} is refused (kg never fetches "
                         "URLs); inline the context")


def _quads(path: Path, data: bytes, fmt: ox.RdfFormat, base_iri: str) -> Iterator[ox.Quad | ox.Triple]:
    try:
        yield from ox.parse(data, fmt, base_iri=base_iri)
    except SyntaxError as exc:
        line = f":{exc.lineno}" if exc.lineno else ""
        message = exc.msg.replace("Parser error at ", "").split("\n")[0]
        raise InputError(f"{path}{line}: malformed {fmt.name}: {message}") from None
    except (ValueError, OSError) as exc:
        raise InputError(f"{path}: malformed {fmt.name}: {str(exc).splitlines()[0]}") from None


def rdf_triples(path: Path, data: bytes, source_iri: str, skolem_prefix: str, sink: TripleSink) -> None:
    """Parse ``data`` and add its triples to ``sink``; raises InputError with the line on bad syntax."""
    fmt = RDF_FORMATS[path.suffix.lower()]
    if fmt == ox.RdfFormat.RDF_XML:
        decode_text(path, data)  # UTF-8 only: a UTF-16 DOCTYPE would slip past the byte scan
        refuse_dtd(path, data)
    elif fmt == ox.RdfFormat.JSON_LD:
        _check_jsonld(path, data)
    else:
        decode_text(path, data)
    blanks: dict[str, str] = {}
    lines: list[str] = []

    def term(node: Any) -> str:
        if isinstance(node, ox.BlankNode):
            label = blanks.get(node.value)
            if label is None:
                label = blanks[node.value] = f"<{skolem_prefix}{len(blanks)}>"
            return label
        if isinstance(node, ox.Literal) and len(node.value) > DEFAULT_MAX_LITERAL_CHARS:
            raise InputError(f"{path}: a literal of {len(node.value):,} characters is over the "
                             f"{DEFAULT_MAX_LITERAL_CHARS:,}-character cap")
        if isinstance(node, ox.Triple):
            raise InputError(f"{path}: RDF-star quoted triples are not supported")
        return str(node)

    for quad in _quads(path, data, fmt, source_iri):
        lines.append(f"{term(quad.subject)} {term(quad.predicate)} {term(quad.object)} .\n")
    if not lines:
        raise InputError(f"{path}: no triples in {fmt.name} file")
    sink.extend_lines(lines)
