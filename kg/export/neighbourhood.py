"""`kg view --around NAME --hops N` and `--source FILE` without loading the whole network.

The name is looked up with store queries, the neighbourhood is walked one hop at a time (one query
per hop and chunk of the frontier), and only the nodes found are loaded, plus what makes their
publications the same as in the whole network: the publications of the claims on the border. The
result equals narrowing the whole network (kg.export.subgraph.around), which a test checks; a
neighbourhood over the node limit is refused while it is being walked.
"""

from __future__ import annotations

from kg import vocab
from kg.errors import InputError
from kg.export import subgraph
from kg.query.network import NODE_TYPES, RELATIONS, Network, Node, load_network, oriented
from kg.store import KgStore

_CHUNK = 1000
_TYPES = " ".join(f"<{t}>" for t in NODE_TYPES)
_RELATIONS = " ".join(f"<{p}>" for p in RELATIONS)


def around(store: KgStore, name: str, hops: int, limit: int, force: bool) -> Network:
    if hops < 0:
        raise InputError(f"--hops must be 0 or more, not {hops}")
    start = find(store, name)
    seen = {start}
    frontier = {start}
    for _ in range(hops):
        frontier = _neighbours(store, frontier) - seen
        if not frontier:
            break
        seen |= frontier
    if not force and len(seen) > limit:  # refused from IRIs and counts, before any node is loaded
        raise _refusal(store, seen, limit)
    return _with_border(store, seen)


def of_source(store: KgStore, file_name: str, graph: str) -> Network:
    """What one source file contributed (kg.export.subgraph.only_source's file case), read from the store:
    the nodes typed in its graph and the edges it states, loaded with their border as in :func:`around`."""
    rows = store.select(f"SELECT DISTINCT ?s WHERE {{ VALUES ?type {{ {_TYPES} }} ?s a ?type . "
                        f"GRAPH <{graph}> {{ ?s a ?any }} }}")
    nodes = {row["s"].value for row in rows}
    sub = _with_border(store, nodes)
    sub.edges = {k: e for k, e in sub.edges.items() if file_name in e.sources}
    return sub


def _with_border(store: KgStore, nodes: set[str]) -> Network:
    """The nodes and the edges among them, with sources and publications as in the whole network: the
    border is loaded too (publications of people, organizations and claims come from it), then dropped."""
    wider = nodes | (_neighbours(store, nodes) - nodes)
    return load_network(store, only=wider, claim_pubs=_publications_of_claims(store, wider)).restrict(nodes)


def _refusal(store: KgStore, seen: set[str], limit: int) -> InputError:
    counts: dict[str, int] = {}
    edges: set[tuple[str, str, str]] = set()
    for values in _chunks(seen):
        for row in store.select(f"SELECT ?s ?type WHERE {{ VALUES ?s {{ {values} }} VALUES ?type {{ {_TYPES} }} "
                                "?s a ?type }"):
            kind = NODE_TYPES[row["type"].value]
            counts[kind] = counts.get(kind, 0) + 1
        for row in store.select(f"SELECT DISTINCT ?s ?p ?o WHERE {{ VALUES ?s {{ {values} }} "
                                f"VALUES ?p {{ {_RELATIONS} }} ?s ?p ?o }}"):
            drawn = oriented(row["s"].value, row["p"].value, row["o"].value)
            if drawn is not None and row["o"].value in seen:
                src, dst, label = drawn
                if label == "disputes":  # disputes in both directions are one edge
                    src, dst = sorted((src, dst))
                edges.add((src, dst, label))
    return subgraph.too_large(counts, len(edges), limit)


def _chunks(nodes: set[str]) -> list[str]:
    ordered = sorted(nodes)
    return [" ".join(f"<{i}>" for i in ordered[at:at + _CHUNK]) for at in range(0, len(ordered), _CHUNK)]


def find(store: KgStore, name: str) -> str:
    """The IRI of the one node called ``name``, with kg.export.subgraph.find_node's rules and messages."""
    if name.startswith(("http://", "https://")) and _candidates_by_iri(store, name).nodes:
        return name
    exact = _candidates(store, name, "LCASE(STR(?l)) = ?wanted")
    if exact.nodes:
        return subgraph.find_node(exact, name).id
    partial = _candidates(store, name, "CONTAINS(LCASE(STR(?l)), ?wanted)")
    if partial.nodes:
        return subgraph.find_node(partial, name).id
    return subgraph.find_node(_all_labels(store), name).id  # raises, with close matches as hints


def _candidates(store: KgStore, name: str, test: str) -> Network:
    import pyoxigraph as ox

    query = f"""SELECT ?s ?type ?label ?alias WHERE {{
        VALUES ?type {{ {_TYPES} }} ?s a ?type .
        {{ ?s rdfs:label ?l }} UNION {{ ?s skos:altLabel ?l }} FILTER({test})
        OPTIONAL {{ ?s rdfs:label ?label }} OPTIONAL {{ ?s skos:altLabel ?alias }} }} ORDER BY ?s ?label ?alias"""
    return _nodes(store.select(query, {"wanted": ox.Literal(name.strip().casefold())}))


def _candidates_by_iri(store: KgStore, iri: str) -> Network:
    import pyoxigraph as ox

    query = f"""SELECT ?s ?type ?label ?alias WHERE {{ VALUES ?type {{ {_TYPES} }} ?s a ?type .
        OPTIONAL {{ ?s rdfs:label ?label }} OPTIONAL {{ ?s skos:altLabel ?alias }} }}"""
    return _nodes(store.select(query, {"s": ox.NamedNode(iri)}))


def _all_labels(store: KgStore) -> Network:
    return _nodes(store.select(f"SELECT ?s ?type ?label ?alias WHERE {{ VALUES ?type {{ {_TYPES} }} ?s a ?type . "
                               "OPTIONAL { ?s rdfs:label ?label } } ORDER BY ?s ?label"))


def _nodes(rows: object) -> Network:
    net = Network()
    for row in rows:  # type: ignore[attr-defined]
        iri = row["s"].value
        node = net.nodes.get(iri)
        if node is None:
            label = row["label"]
            node = Node(iri, NODE_TYPES[row["type"].value], str(label.value) if label else vocab.compact(iri))
            net.nodes[iri] = node
        alias = row["alias"]
        if alias is not None and str(alias.value) not in node.aliases:
            node.aliases.append(str(alias.value))
    return net


def _neighbours(store: KgStore, nodes: set[str]) -> set[str]:
    """Nodes one relation away from any of ``nodes``, in either direction."""
    found: set[str] = set()
    for values in _chunks(nodes):
        query = f"""SELECT DISTINCT ?y WHERE {{ VALUES ?x {{ {values} }} VALUES ?p {{ {_RELATIONS} }}
            VALUES ?type {{ {_TYPES} }} {{ ?x ?p ?y }} UNION {{ ?y ?p ?x }} ?y a ?type FILTER(?y != ?x) }}"""
        found.update(row["y"].value for row in store.select(query))
    return found


def _publications_of_claims(store: KgStore, nodes: set[str]) -> dict[str, set[str]]:
    """For the claims among ``nodes``: the publications they appeared in (as the network's edges say)."""
    out: dict[str, set[str]] = {}
    for values in _chunks(nodes):
        query = f"""SELECT DISTINCT ?c ?pub WHERE {{ VALUES ?c {{ {values} }} ?c a <{vocab.CLAIM}> .
            ?c <{vocab.APPEARANCE}>|<{vocab.FIRST_APPEARANCE}> ?pub . ?pub a <{vocab.CREATIVE_WORK}> }}"""
        for row in store.select(query):
            out.setdefault(row["c"].value, set()).add(row["pub"].value)
    return out
