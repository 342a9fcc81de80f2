"""The ontology as data: kinds, publication types, claim kinds and grades read from kg.ttl.

Case files name these by their ``kg:caseFileName`` (or ``skos:notation`` for grades); the code
never lists them itself, so extending the vocabulary is an edit to ``ontology/kg.ttl``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from kg import vocab

if TYPE_CHECKING:
    import rdflib


def ontology_dir() -> Path:
    """Where kg.ttl and shapes.ttl live: inside the installed wheel, or the source tree."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "_ontology", here.parent / "ontology"):
        if (candidate / "kg.ttl").is_file():
            return candidate
    raise FileNotFoundError("ontology/kg.ttl not found next to the kg package")


@dataclass(frozen=True)
class Ontology:
    """Lookup tables from case-file spellings to IRIs, and labels for display."""

    publication_types: dict[str, str]
    organization_kinds: dict[str, str]
    claim_kinds: dict[str, str]
    reliability: dict[str, str]
    credibility: dict[str, str]
    labels: dict[str, str]


def _by_name(graph: rdflib.Graph, cls: str, key: str) -> dict[str, str]:
    import rdflib

    out: dict[str, str] = {}
    for member in graph.subjects(rdflib.RDF.type, rdflib.URIRef(cls)):
        for name in graph.objects(member, rdflib.URIRef(key)):
            out[str(name)] = str(member)
    return dict(sorted(out.items()))


@cache
def load() -> Ontology:
    import rdflib  # only here: kg.schema finds its file through ontology_dir without loading rdflib

    graph = rdflib.Graph()
    graph.parse(data=(ontology_dir() / "kg.ttl").read_text(encoding="utf-8"), format="turtle")
    labels: dict[str, str] = {}
    for prop in (vocab.PREF_LABEL, vocab.LABEL):
        for subject, label in graph.subject_objects(rdflib.URIRef(prop)):
            labels.setdefault(str(subject), str(label))
    return Ontology(
        publication_types=_by_name(graph, vocab.PUBLICATION_TYPE, vocab.CASE_FILE_NAME),
        organization_kinds=_by_name(graph, vocab.ORGANIZATION_KIND, vocab.CASE_FILE_NAME),
        claim_kinds=_by_name(graph, vocab.CLAIM_KIND_CLASS, vocab.CASE_FILE_NAME),
        reliability=_by_name(graph, vocab.RELIABILITY_GRADE, vocab.NOTATION),
        credibility=_by_name(graph, vocab.CREDIBILITY_GRADE, vocab.NOTATION),
        labels=labels,
    )
