"""The entities already in a store, read back for ``kg entities``, suggestions and ``kg ingest``.

Each entity node is listed with its type, label, the names each source graph gives it (so every
alias is traced to the sources that used it), its claims and its neighbours (who it makes claims
about, is affiliated with, publishes or authors).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from kg import schema
from kg.resolve.mention import Mention
from kg.store import KgStore

KIND_OF_CLASS = {kind.cls: kind.name for kind in schema.load().entity_kinds}
_ENTITIES = f"""
SELECT ?g ?name ?e ?type ?label ?okind WHERE {{
  GRAPH ?g {{ ?g kg:fileName ?name . ?e a ?type . OPTIONAL {{ ?e rdfs:label ?label }}
             OPTIONAL {{ ?e kg:organizationKind ?okind }} }}
  FILTER(?type IN ({", ".join(f"<{cls}>" for cls in KIND_OF_CLASS)}))
}}"""
_ALIASES = """
SELECT ?g ?e ?alias WHERE { GRAPH ?g { ?e skos:altLabel ?alias } }"""
_CLAIMS = """
SELECT ?c ?by ?about WHERE { ?c a schema:Claim ; prov:wasAttributedTo ?by . OPTIONAL { ?c schema:about ?about } }"""
_LINKS = """
SELECT ?a ?b WHERE { { ?a schema:affiliation ?b } UNION { ?a schema:publisher ?b } UNION { ?a schema:author ?b } }"""


@dataclass
class StoredEntity:
    iri: str
    kind: str
    label: str = ""
    subkind: str | None = None
    names: dict[str, set[str]] = field(default_factory=dict)  # source name -> names it uses
    claims: int = 0
    neighbours: set[str] = field(default_factory=set)

    @property
    def sources(self) -> list[str]:
        return sorted(self.names)

    @property
    def aliases(self) -> list[str]:
        return sorted({n for names in self.names.values() for n in names} - {self.label})


def stored_entities(store: KgStore, skip_sources: set[str] | None = None) -> list[StoredEntity]:
    """Every person, organization and publication node, sorted by type, label and IRI."""
    skip = skip_sources or set()
    found: dict[str, StoredEntity] = {}
    graph_names: dict[str, str] = {}
    for row in store.select(_ENTITIES):
        source = str(row["name"].value)
        if source in skip:
            continue
        graph_names[row["g"].value] = source
        iri = row["e"].value
        entity = found.setdefault(iri, StoredEntity(iri, KIND_OF_CLASS[row["type"].value]))
        label = row["label"]
        if label is not None:
            entity.label = min(entity.label or label.value, label.value)
            entity.names.setdefault(source, set()).add(label.value)
        else:
            entity.names.setdefault(source, set())
        if row["okind"] is not None:
            entity.subkind = row["okind"].value
    for row in store.select(_ALIASES):
        named = found.get(row["e"].value)
        in_source = graph_names.get(row["g"].value)
        if named is not None and in_source is not None:
            named.names.setdefault(in_source, set()).add(row["alias"].value)
    claims: dict[str, set[str]] = defaultdict(set)
    for row in store.select(_CLAIMS):
        by, about = row["by"].value, row["about"]
        claims[by].add(row["c"].value)
        if about is not None:
            claims[about.value].add(row["c"].value)
            _link(found, by, about.value)
    for row in store.select(_LINKS):
        _link(found, row["a"].value, row["b"].value)
    for iri, entity in found.items():
        entity.claims = len(claims.get(iri, ()))
    return sorted(found.values(), key=lambda e: (e.kind, e.label.casefold(), e.iri))


def _link(found: dict[str, StoredEntity], a: str, b: str) -> None:
    if a != b and a in found and b in found:
        found[a].neighbours.add(b)
        found[b].neighbours.add(a)


def context_mentions(entities: list[StoredEntity]) -> list[Mention]:
    """Stored entities as mentions, one per source that names them, keyed by their IRI (so that
    resolving new sources against them reuses their IRIs)."""
    out = []
    for entity in entities:
        tail = entity.iri.rstrip("/").rsplit("/", 1)[-1]
        for source in entity.sources:
            names = sorted(entity.names[source])
            name = entity.label if entity.label in names or not names else names[0]
            out.append(Mention(source, f"{entity.kind}/{tail}", entity.kind, name,
                               tuple(n for n in names if n != name), key=tail, subkind=entity.subkind))
    return out
