"""The entity network: people, organizations, publications and claims, and how they connect.

Read from the store with a few SPARQL queries; each edge remembers the sources that support it.
Used by the HTML view and by path finding.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from kg import ontology, vocab
from kg.store import KgStore

NODE_TYPES: dict[str, str] = {
    vocab.PERSON: "Person",
    vocab.ORGANIZATION: "Organization",
    vocab.CREATIVE_WORK: "Publication",
    vocab.CLAIM: "Claim",
}
# predicate -> (label, reversed?) ; reversed edges point from object to subject
RELATIONS: dict[str, tuple[str, bool]] = {
    vocab.WAS_ATTRIBUTED_TO: ("said", True),
    vocab.APPEARANCE: ("appeared in", False),
    vocab.FIRST_APPEARANCE: ("first appeared in", False),
    vocab.ABOUT: ("about", False),
    vocab.RELAYED_BY: ("relayed", True),
    vocab.AFFILIATION: ("member of", False),
    vocab.PUBLISHER: ("published by", False),
    vocab.AUTHOR: ("written by", False),
    vocab.DISPUTES: ("disputes", False),
}


@dataclass
class Node:
    id: str
    type: str
    label: str
    aliases: list[str] = field(default_factory=list)
    details: dict[str, str] = field(default_factory=dict)
    sources: set[str] = field(default_factory=set)


@dataclass
class Edge:
    source: str
    target: str
    relation: str
    roles: set[str] = field(default_factory=set)
    sources: set[str] = field(default_factory=set)


@dataclass
class Network:
    nodes: dict[str, Node] = field(default_factory=dict)
    edges: dict[tuple[str, str, str], Edge] = field(default_factory=dict)


def _source_names(store: KgStore) -> dict[str, str]:
    return {info.iri: info.name for info in store.sources()}


def load_network(store: KgStore) -> Network:
    onto = ontology.load()
    names = _source_names(store)
    net = Network()
    type_values = " ".join(f"<{t}>" for t in NODE_TYPES)
    for row in store.select(f"""
            SELECT ?s ?type (MIN(?l) AS ?label) WHERE {{
              VALUES ?type {{ {type_values} }} ?s a ?type ; rdfs:label ?l }} GROUP BY ?s ?type ORDER BY ?s"""):
        iri = row["s"].value
        if iri not in net.nodes:
            net.nodes[iri] = Node(iri, NODE_TYPES[row["type"].value], str(row["label"].value))
    for row in store.select("SELECT DISTINCT ?s ?g WHERE { GRAPH ?g { ?s a ?t } }"):
        node = net.nodes.get(row["s"].value)
        if node is not None and row["g"].value in names:
            node.sources.add(names[row["g"].value])
    for row in store.select("SELECT DISTINCT ?s ?a WHERE { ?s skos:altLabel ?a } ORDER BY ?s ?a"):
        node = net.nodes.get(row["s"].value)
        if node is not None:
            node.aliases.append(str(row["a"].value))
    detail_props = {vocab.TEXT: "text", vocab.QUOTE: "quote", vocab.CLAIM_KIND: "kind",
                    vocab.RELIABILITY: "reliability", vocab.CREDIBILITY: "credibility",
                    vocab.KIND: "organization kind", vocab.DATE_PUBLISHED: "date"}
    values = " ".join(f"<{p}>" for p in detail_props)
    query = f"SELECT DISTINCT ?s ?p ?o WHERE {{ VALUES ?p {{ {values} }} ?s ?p ?o }} ORDER BY ?s ?p ?o"
    for row in store.select(query):
        node = net.nodes.get(row["s"].value)
        if node is None:
            continue
        value = row["o"].value
        shown = onto.labels.get(value, value)
        if row["p"].value in (vocab.RELIABILITY, vocab.CREDIBILITY):
            grade = value.rsplit("#", 1)[-1].removeprefix("Reliability").removeprefix("Credibility")
            shown = f"{grade} ({shown})"
        node.details[detail_props[row["p"].value]] = str(shown)
    rel_values = " ".join(f"<{p}>" for p in RELATIONS)
    query = f"SELECT DISTINCT ?s ?p ?o ?g WHERE {{ VALUES ?p {{ {rel_values} }} GRAPH ?g {{ ?s ?p ?o }} }}"
    for row in store.select(query):
        s, o = row["s"].value, row["o"].value
        if s not in net.nodes or o not in net.nodes:
            continue
        label, flip = RELATIONS[row["p"].value]
        src, dst = (o, s) if flip else (s, o)
        if label == "disputes" and (dst, src, label) in net.edges:
            src, dst = dst, src
        edge = net.edges.setdefault((src, dst, label), Edge(src, dst, label))
        if row["g"].value in names:
            edge.sources.add(names[row["g"].value])
    for row in store.select("""SELECT DISTINCT ?p ?o ?role WHERE {
            ?a a kg:Affiliation ; kg:person ?p ; kg:organization ?o ; schema:roleName ?role }"""):
        member = net.edges.get((row["p"].value, row["o"].value, "member of"))
        if member is not None:
            member.roles.add(str(row["role"].value))
    return net
