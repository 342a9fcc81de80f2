"""Sorted runs: one source's statements as the export's sort elements, and the census of the union.

An element is the export's sort key of one N-Triples line (:func:`kg.export.rdf.sort_key`), so a
source's run, sorted, is exactly the order that source's statements take in ``graph.trig``, and a
merge of all runs (repeats dropped) is the order of ``graph.ttl``. Lines are first put in the form
pyoxigraph writes them (the store's own N-Triples), so a run built from the lines kg wrote equals
one read back from the store.

The census counts what ``kg stats`` and the view's size check ask the store for (distinct nodes of
each type, distinct relation edges, distinct triples), kept up to date from the elements that enter
and leave the union: a rebuild can print stats and decide about the view without a query.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from kg import vocab
from kg.export.rdf import sort_key, sort_row
from kg.fsutil import naming
from kg.query.network import NODE_TYPES, RELATIONS
from kg.query.stats import COUNTED_TYPES
from kg.store.nt import SpilledSink, TripleSink

# Lines the store would give back in another form: kg's literal writer escapes the four characters
# N-Triples must, pyoxigraph also the other control characters; and the store keeps XSD values by
# value ("173"^^xsd:nonNegativeInteger comes back as 173, an xsd:integer). Such lines go through an
# in-memory pyoxigraph store, so a run holds exactly what the store does.
_CONTROL = re.compile(rb"[\x00-\x09\x0b-\x1f\x7f]")
_XSD = f'"^^<{vocab.XSD.iri}'.encode()
_TYPE = f" <{vocab.TYPE}> ".encode()
_TYPE_GAP = b"  <"  # an rdf:type element: subject, two spaces, class
_DISPUTES = f"<{vocab.DISPUTES}>".encode()
_RELATIONS = frozenset(f"<{p}>".encode() for p in RELATIONS)
_COUNTED = {f"<{cls}>".encode(): label for label, cls in COUNTED_TYPES.items()}
_NODES = {f"<{cls}>".encode(): name for cls, name in NODE_TYPES.items()}


def elements(data: bytes) -> list[bytes]:
    """The sorted, distinct elements of N-Triples text (one statement a line, as kg's sinks write)."""
    lines = data.split(b"\n")
    if lines and not lines[-1]:
        lines.pop()
    control = _CONTROL.search(data) is not None
    if control or _XSD in data:
        odd = [line for line in lines if _XSD in line or (control and _CONTROL.search(line))]
        if odd:
            strange = set(odd)
            lines = [line for line in lines if line not in strange]
            lines.extend(_as_stored(odd))
    out = [sort_key(line) if _TYPE in line or b"<<(" in line else line for line in lines]
    out.sort()
    return [e for i, e in enumerate(out) if i == 0 or e != out[i - 1]]


def sink_bytes(sink: TripleSink | SpilledSink) -> bytes:
    """A source's N-Triples as bytes, from its spill file or from memory."""
    if isinstance(sink, SpilledSink):
        return sink.path.read_bytes()
    return "".join(sink.lines()).encode("utf-8")


def _as_stored(lines: list[bytes]) -> list[bytes]:
    store = ox.Store()
    store.load(b"\n".join(lines) + b"\n", ox.RdfFormat.N_TRIPLES)
    return [f"{quad.triple} .".encode() for quad in store]


def subject(element: bytes) -> bytes:
    return element[:element.index(b" ")]


def rows(run: Iterable[bytes]) -> Iterator[bytes]:
    """The N-Triples lines (with newlines) of sorted elements."""
    return (sort_row(e, False) for e in run)


def write_run(path: Path, run: list[bytes]) -> None:
    with naming(path), path.open("wb") as out:
        out.writelines(e + b"\n" for e in run)


def read_run(path: Path) -> Iterator[bytes]:
    with path.open("rb", buffering=2**20) as handle:
        for line in handle:
            yield line[:-1]


def distinct(merged: Iterable[bytes]) -> Iterator[bytes]:
    previous = None
    for element in merged:
        if element != previous:
            yield element
            previous = element


@dataclass
class Census:
    """Counts over the union of all source graphs (the log graph is not a source)."""

    triples: int = 0
    types: dict[str, int] = field(default_factory=dict)  # kg stats' labels -> distinct subjects
    nodes: dict[str, int] = field(default_factory=dict)  # the view's node types -> distinct nodes
    edges: int = 0  # distinct relation edges between IRIs, a dispute counted once

    def count(self, run: Iterable[bytes], sign: int = 1) -> None:
        for element in run:
            self.triples += sign
            cut = element.index(b" ")
            if element.startswith(_TYPE_GAP, cut):
                cls = element[cut + 2:-2]
                label = _COUNTED.get(cls)
                if label is not None:
                    self.types[label] = self.types.get(label, 0) + sign
                node = _NODES.get(cls)
                if node is not None:
                    self.nodes[node] = self.nodes.get(node, 0) + sign
                continue
            end = element.index(b" ", cut + 1)
            predicate = element[cut + 1:end]
            if predicate in _RELATIONS and element[end + 1:end + 2] == b"<":
                if predicate == _DISPUTES and not element[1:cut - 1] < element[end + 2:-3]:
                    continue  # a dispute is one edge, written both ways
                self.edges += sign

    def to_json(self) -> dict[str, object]:
        return {"triples": self.triples, "types": self.types, "nodes": self.nodes, "edges": self.edges}

    @classmethod
    def from_json(cls, data: dict[str, object]) -> Census:
        types, nodes, edges, triples = data["types"], data["nodes"], data["edges"], data["triples"]
        assert isinstance(types, dict) and isinstance(nodes, dict) and isinstance(edges, int)
        assert isinstance(triples, int)
        return cls(triples, dict(types), dict(nodes), edges)
