"""Byte-stable RDF export: sorted statements, fixed prefixes, pyoxigraph's fast writers.

The same graph always serializes to the same bytes, so a case's Turtle can live in git and
diffs show real changes only.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from kg import vocab
from kg.errors import InputError
from kg.fsutil import atomic_output
from kg.store import KgStore

FORMATS: dict[str, ox.RdfFormat] = {
    "ttl": ox.RdfFormat.TURTLE,
    "trig": ox.RdfFormat.TRIG,
    "nt": ox.RdfFormat.N_TRIPLES,
    "nq": ox.RdfFormat.N_QUADS,
    "jsonld": ox.RdfFormat.JSON_LD,
}
QUAD_FORMATS = {"trig", "nq"}
_TYPE = vocab.TYPE


def prefixes(store: KgStore) -> dict[str, str]:
    base = store.minter.base
    own = {"person": f"{base}person/", "org": f"{base}org/", "pub": f"{base}publication/",
           "src": f"{base}source/"}
    return {**vocab.PREFIXES, **own}


def _key(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple | ox.DefaultGraph) -> str:
    return str(term)


def sorted_triples(store: KgStore, include_log: bool = False) -> list[ox.Triple]:
    """Distinct triples of the union graph; subjects sorted, rdf:type first within a subject."""
    seen: dict[tuple[str, str, str], ox.Triple] = {}
    for quad in store.quads(include_log):
        key = (_key(quad.subject), "" if quad.predicate.value == _TYPE else _key(quad.predicate), _key(quad.object))
        if key not in seen:
            seen[key] = quad.triple
    return [seen[k] for k in sorted(seen)]


def sorted_quads(store: KgStore, include_log: bool = False) -> list[ox.Quad]:
    keyed = [((_key(q.graph_name), _key(q.subject), "" if q.predicate.value == _TYPE else _key(q.predicate),
               _key(q.object)), q) for q in store.quads(include_log)]
    keyed.sort(key=lambda item: item[0])
    return [q for _, q in keyed]


def serialize(store: KgStore, fmt: str, include_log: bool = False) -> bytes:
    if fmt not in FORMATS:
        raise InputError(f"unknown export format {fmt!r} (expected {', '.join(FORMATS)})")
    data: list[ox.Quad] | list[ox.Triple]
    data = sorted_quads(store, include_log) if fmt in QUAD_FORMATS else sorted_triples(store, include_log)
    fixed = prefixes(store) if fmt in ("ttl", "trig") else None
    payload = ox.serialize(data, format=FORMATS[fmt], prefixes=fixed) or b""
    return _sort_prefix_block(payload) if fixed else payload


def _sort_prefix_block(payload: bytes) -> bytes:
    """pyoxigraph writes @prefix lines in hash order; sort them so output is byte-stable."""
    lines = payload.split(b"\n")
    count = 0
    while count < len(lines) and lines[count].startswith(b"@prefix "):
        count += 1
    return b"\n".join(sorted(lines[:count]) + lines[count:])


def export(store: KgStore, fmt: str, target: str | Path, include_log: bool = False) -> int:
    """Write the export atomically (or to stdout for '-'); returns the number of bytes."""
    payload = serialize(store, fmt, include_log)
    with atomic_output(target) as handle:
        handle.write(payload)
    return len(payload)
