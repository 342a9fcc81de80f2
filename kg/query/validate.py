"""`kg validate`: the store's graph checked against ontology/shapes.ttl with pyshacl."""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox
import rdflib
from pyshacl import validate as shacl_validate

from kg import vocab
from kg.ontology import ontology_dir
from kg.store import KgStore

SH = rdflib.Namespace("http://www.w3.org/ns/shacl#")


@dataclass(frozen=True)
class Violation:
    focus: str
    label: str | None
    path: str | None
    value: str | None
    message: str
    severity: str

    def render(self) -> str:
        who = vocab.compact(self.focus) + (f" ({self.label})" if self.label else "")
        where = f" {vocab.compact(self.path)}:" if self.path else ""
        value = f" [value: {self.value}]" if self.value else ""
        return f"{self.severity}: {who}:{where} {self.message}{value}"


def union_graph(store: KgStore) -> rdflib.Graph:
    """The union of all source graphs as an rdflib graph (via N-Triples, pyoxigraph's fast writer)."""
    triples = {quad.triple for quad in store.quads()}
    data = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""
    graph = rdflib.Graph()
    graph.parse(data=data.decode("utf-8"), format="nt")
    return graph


def validate(store: KgStore) -> list[Violation]:
    data = union_graph(store)
    shapes = rdflib.Graph()
    shapes.parse(data=(ontology_dir() / "shapes.ttl").read_text(encoding="utf-8"), format="turtle")
    # the grades and kinds the data points at are individuals of the ontology: check against both
    checked = rdflib.Graph()
    checked += data
    checked.parse(data=(ontology_dir() / "kg.ttl").read_text(encoding="utf-8"), format="turtle")
    conforms, report, _ = shacl_validate(checked, shacl_graph=shapes, inference="none", allow_warnings=True)
    if conforms:
        return []
    assert isinstance(report, rdflib.Graph)
    out = []
    for result in report.subjects(rdflib.RDF.type, SH.ValidationResult):
        focus = report.value(result, SH.focusNode)
        path = report.value(result, SH.resultPath)
        value = report.value(result, SH.value)
        message = report.value(result, SH.resultMessage)
        severity = report.value(result, SH.resultSeverity)
        label = data.value(focus, rdflib.RDFS.label) if focus is not None else None
        out.append(Violation(
            focus=str(focus), label=str(label) if label is not None else None,
            path=str(path) if isinstance(path, rdflib.URIRef) else None,
            value=str(value) if value is not None else None,
            message=str(message) if message is not None else "violates a shape",
            severity=str(severity).rsplit("#", 1)[-1] if severity is not None else "Violation",
        ))
    return sorted(out, key=lambda v: (v.focus, v.path or "", v.message))
