"""Counts that tell an investigator what is in the store."""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox

from kg import schema, vocab
from kg.store import KgStore

COUNTED_TYPES: dict[str, str] = {
    **{kind.plural: kind.cls for kind in schema.load().kinds.values()},
    "affiliations": vocab.AFFILIATION_CLASS,
    "evidence spans": vocab.ANNOTATION,
}


@dataclass
class Stats:
    sources: int
    triples: int
    by_type: dict[str, int]


def compute(store: KgStore) -> Stats:
    by_type: dict[str, int] = {}
    for label, cls in COUNTED_TYPES.items():
        rows = store.select("SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?cls }", {"cls": ox.NamedNode(cls)})
        by_type[label] = int(next(iter(rows))["n"].value)
    triples = store.select(  # the log graph IRI is minted by kg from the validated base
        "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } "
        f"FILTER(?g != {store.log_graph}) }} }}")
    return Stats(len(store.source_graphs()), int(next(iter(triples))["n"].value), by_type)


def render(stats: Stats) -> str:
    width = max(len(k) for k in [*stats.by_type, "sources", "triples"])
    lines = [f"{'sources':<{width}}  {stats.sources:>8,}", f"{'triples':<{width}}  {stats.triples:>8,}"]
    lines += [f"{label:<{width}}  {count:>8,}" for label, count in stats.by_type.items()]
    return "\n".join(lines)
