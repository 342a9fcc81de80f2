"""The entity network: people, organizations, publications and claims, and how they connect.

Read from the store with a few SPARQL queries. Every node and edge remembers the source files
(named graphs) that state it and the publications that support it: a claim is supported by the
publications it appeared in, an affiliation by the publication that stated it, and a person or
organization by everything said by, about or with them. Used by the HTML view and its subgraphs.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pyoxigraph as ox

from kg import ontology, schema, sparql, vocab
from kg.store import KgStore

_SCHEMA = schema.load()
NODE_TYPES: dict[str, str] = {k.cls: k.label for k in _SCHEMA.kinds.values()}  # class IRI -> node type
TYPE_NAMES: tuple[str, ...] = (*NODE_TYPES.values(), "Other")  # "Other": resources a --query CONSTRUCT drew
# predicate -> (label, reversed?) ; reversed edges point from object to subject
RELATIONS: dict[str, tuple[str, bool]] = {p: (r.label, r.reversed) for p, r in _SCHEMA.relations.items()}
DETAILS: dict[str, str] = _SCHEMA.details  # literal or concept-valued properties for the side panel, in order
_APPEARANCES = ("appeared in", "first appeared in")


@dataclass
class Node:
    id: str
    type: str
    label: str
    aliases: list[str] = field(default_factory=list)
    details: dict[str, str] = field(default_factory=dict)
    sources: set[str] = field(default_factory=set)
    publications: set[str] = field(default_factory=set)
    subtype: str | None = None
    reliability: str | None = None  # Admiralty letter A-F
    credibility: str | None = None  # Admiralty digit 1-6


@dataclass
class Edge:
    source: str
    target: str
    relation: str
    roles: set[str] = field(default_factory=set)
    sources: set[str] = field(default_factory=set)
    publications: set[str] = field(default_factory=set)
    claims: list[str] = field(default_factory=list)  # for claimant -> subject edges of a collapsed view

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.source, self.target, self.relation)


@dataclass
class Network:
    nodes: dict[str, Node] = field(default_factory=dict)
    edges: dict[tuple[str, str, str], Edge] = field(default_factory=dict)

    def add_edge(self, edge: Edge) -> Edge:
        return self.edges.setdefault(edge.key, edge)

    def degree(self) -> dict[str, int]:
        out = dict.fromkeys(self.nodes, 0)
        for s, t, _ in self.edges:
            out[s] = out.get(s, 0) + 1
            out[t] = out.get(t, 0) + 1
        return out

    def restrict(self, keep: set[str]) -> Network:
        """The subnetwork induced by the node ids in ``keep``."""
        sub = Network({i: n for i, n in self.nodes.items() if i in keep})
        sub.edges = {k: e for k, e in self.edges.items() if e.source in sub.nodes and e.target in sub.nodes}
        return sub

    def source_names(self) -> list[str]:
        return sorted({s for n in self.nodes.values() for s in n.sources})


def load_network(store: KgStore, only: set[str] | None = None,
                 claim_pubs: dict[str, set[str]] | None = None) -> Network:
    """The network, or (``only``) just the nodes with these IRIs and the edges among them.

    ``claim_pubs`` adds publications of claims outside ``only`` that border it, so a part carries
    the same publications as in the whole network (kg.export.neighbourhood).
    """
    names = {info.iri: info.name for info in store.sources()}
    net = Network()
    chunks = _values(only)
    _load_nodes(store, net, names, chunks)
    _load_details(store, net, chunks)
    _load_edges(store, net, names, chunks)
    _attach_publications(net, claim_pubs or {})
    return net


def _values(only: set[str] | None, size: int = 1000) -> list[str]:
    """VALUES blocks binding ?s to the wanted IRIs, a chunk at a time; one empty block for all."""
    if only is None:
        return [""]
    ordered = [(ox.NamedNode(i),) for i in sorted(only)]
    return [sparql.values(["s"], ordered[at:at + size]) for at in range(0, len(ordered), size)]


def _load_nodes(store: KgStore, net: Network, names: dict[str, str], chunks: list[str]) -> None:
    for chunk in chunks:
        _load_node_chunk(store, net, names, chunk)


def _load_node_chunk(store: KgStore, net: Network, names: dict[str, str], chunk: str) -> None:
    onto = ontology.load()
    type_values = " ".join(f"<{t}>" for t in NODE_TYPES)
    query = f"""SELECT ?s ?type (MIN(?l) AS ?label) (MIN(?n) AS ?name) (MIN(?sub) AS ?subtype) WHERE {{
        {chunk} VALUES ?type {{ {type_values} }} ?s a ?type .
        OPTIONAL {{ ?s rdfs:label ?l }} OPTIONAL {{ ?s schema:name ?n }}
        OPTIONAL {{ ?s a ?sub FILTER(?sub != ?type && ?sub IN ({", ".join(f"<{t}>" for t in
                                                            onto.publication_types.values()) or "<urn:x>"})) }}
    }} GROUP BY ?s ?type ORDER BY ?s"""
    for row in store.select(query):
        iri = row["s"].value
        if iri in net.nodes:
            continue
        label = row["label"] or row["name"]
        node = Node(iri, NODE_TYPES[row["type"].value], str(label.value) if label is not None else vocab.compact(iri))
        if row["subtype"] is not None:
            node.subtype = onto.labels.get(row["subtype"].value)
        net.nodes[iri] = node
    for row in store.select(f"SELECT DISTINCT ?s ?g WHERE {{ {chunk} GRAPH ?g {{ ?s a ?t }} }}"):
        found = net.nodes.get(row["s"].value)
        if found is not None and row["g"].value in names:
            found.sources.add(names[row["g"].value])
    for row in store.select(f"SELECT DISTINCT ?s ?a WHERE {{ {chunk} ?s skos:altLabel ?a }} ORDER BY ?s ?a"):
        found = net.nodes.get(row["s"].value)
        if found is not None:
            found.aliases.append(str(row["a"].value))


def _load_details(store: KgStore, net: Network, chunks: list[str]) -> None:
    onto = ontology.load()
    letters = {iri: notation for notation, iri in onto.reliability.items()}
    digits = {iri: notation for notation, iri in onto.credibility.items()}
    values = " ".join(f"<{p}>" for p in DETAILS)
    found: dict[str, dict[str, list[str]]] = {}
    rows = (row for chunk in chunks for row in store.select(
        f"SELECT DISTINCT ?s ?p ?o WHERE {{ {chunk} VALUES ?p {{ {values} }} ?s ?p ?o }} ORDER BY ?s ?p ?o"))
    for row in rows:
        node = net.nodes.get(row["s"].value)
        if node is None:
            continue
        prop, value = row["p"].value, str(row["o"].value)
        shown = onto.labels.get(value, value)
        if prop == vocab.RELIABILITY and value in letters:
            node.reliability = letters[value]
            shown = f"{letters[value]} ({shown})"
        elif prop == vocab.CREDIBILITY and value in digits:
            node.credibility = digits[value]
            shown = f"{digits[value]} ({shown})"
        found.setdefault(node.id, {}).setdefault(DETAILS[prop], []).append(shown)
    order = list(DETAILS.values())
    for iri, details in found.items():
        node = net.nodes[iri]
        for key in sorted(details, key=order.index):
            node.details[key] = "; ".join(details[key])


def oriented(s: str, p: str, o: str) -> tuple[str, str, str] | None:
    """The edge (source, target, label) a relation statement draws; None for a claim disputing itself."""
    if s == o and p == vocab.DISPUTES:
        return None
    label, flip = RELATIONS[p]
    return (o, s, label) if flip else (s, o, label)


def _load_edges(store: KgStore, net: Network, names: dict[str, str], chunks: list[str]) -> None:
    rel_values = " ".join(f"<{p}>" for p in RELATIONS)
    rows = (row for chunk in chunks for row in store.select(
        f"SELECT DISTINCT ?s ?p ?o ?g WHERE {{ {chunk} VALUES ?p {{ {rel_values} }} GRAPH ?g {{ ?s ?p ?o }} }}"))
    for row in rows:
        s, o = row["s"].value, row["o"].value
        drawn = oriented(s, row["p"].value, o)
        if drawn is None or s not in net.nodes or o not in net.nodes:
            continue
        src, dst, label = drawn
        if label == "disputes" and (dst, src, label) in net.edges:
            # disputing each other: one edge, pointing the same way whichever row the store returns first
            src, dst = sorted((src, dst))
            if (src, dst, label) not in net.edges:
                mutual = net.edges.pop((dst, src, label))
                mutual.source, mutual.target = src, dst
                net.edges[mutual.key] = mutual
        edge = net.add_edge(Edge(src, dst, label))
        if row["g"].value in names:
            edge.sources.add(names[row["g"].value])
    node_types = ", ".join(f"<{t}>" for t in NODE_TYPES)
    affiliations = (row for chunk in chunks for row in store.select(f"""SELECT DISTINCT ?p ?o ?role ?pub WHERE {{
            {chunk.replace("?s", "?p", 1)} ?a a kg:Affiliation ; kg:person ?p ; kg:organization ?o .
            OPTIONAL {{ ?a schema:roleName ?role }}
            OPTIONAL {{ ?a kg:statedIn ?pub . ?pub a ?node FILTER(?node IN ({node_types})) }} }}"""))
    for row in affiliations:
        member = net.edges.get((row["p"].value, row["o"].value, "member of"))
        if member is None:
            continue
        if row["role"] is not None:
            member.roles.add(str(row["role"].value))
        if row["pub"] is not None:  # a node of the graph, whether or not this part holds it
            member.publications.add(row["pub"].value)


def _attach_publications(net: Network, known: dict[str, set[str]]) -> None:
    """Which publications support each node and edge (see the module docstring); ``known``: the
    publications of claims that are not in ``net``."""
    claim_pubs: dict[str, set[str]] = {claim: set(pubs) for claim, pubs in known.items()}
    for edge in net.edges.values():
        if edge.relation in _APPEARANCES:
            claim_pubs.setdefault(edge.source, set()).add(edge.target)
            edge.publications.add(edge.target)
        elif edge.relation in ("published by", "written by"):
            edge.publications.add(edge.source)
    for node in net.nodes.values():
        if node.type == "Publication":
            node.publications.add(node.id)
        elif node.type == "Claim":
            node.publications |= claim_pubs.get(node.id, set())
    for edge in net.edges.values():
        for end in (edge.source, edge.target):
            edge.publications |= claim_pubs.get(end, set())
    for edge in net.edges.values():
        for end in (edge.source, edge.target):
            node = net.nodes[end]
            if node.type in ("Person", "Organization"):
                node.publications |= edge.publications
