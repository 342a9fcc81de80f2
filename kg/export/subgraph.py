"""Narrowing the network for `kg view`: around a node, by type, by source, and the size limit.

Names are matched the way people type them: an IRI, or a label or alias regardless of case; a
unique partial match is accepted; anything else is an InputError that lists the candidates.
"""

from __future__ import annotations

from collections import deque

from kg import defaults, schema, vocab
from kg.errors import InputError, ViewTooLarge
from kg.export.collapse import without_claims
from kg.query.lookup import Lookup
from kg.query.network import NODE_TYPES, RELATIONS, Network, Node
from kg.store import KgStore

DEFAULT_NODE_LIMIT = defaults.DEFAULT_NODE_LIMIT


def find_node(net: Network, name: str, base: str = "", label: str = "--around") -> Node:
    """The one node called ``name`` in a network in memory, by kg.query.lookup's rules (any kind)."""
    return net.nodes[Lookup.of_network(net, base).find(name, list(schema.load().kinds), label).entity.iri]


def around(net: Network, name: str, hops: int, base: str = "") -> Network:
    """Everything within ``hops`` edges of the named node, ignoring edge direction."""
    if hops < 0:
        raise InputError(f"--hops must be 0 or more, not {hops}")
    start = find_node(net, name, base).id
    neighbours: dict[str, set[str]] = {}
    for s, t, _ in net.edges:
        neighbours.setdefault(s, set()).add(t)
        neighbours.setdefault(t, set()).add(s)
    seen = {start: 0}
    queue = deque([start])
    while queue:
        current = queue.popleft()
        if seen[current] == hops:
            continue
        for other in neighbours.get(current, ()):
            if other not in seen:
                seen[other] = seen[current] + 1
                queue.append(other)
    return net.restrict(set(seen))


def parse_types(text: str) -> set[str]:
    wanted = set()
    for part in text.split(","):
        if not part.strip():
            continue
        kind = schema.load().kind(part)
        if kind is None:
            raise InputError(f"--types: unknown type {part.strip()!r} (expected {', '.join(NODE_TYPES.values())})")
        wanted.add(kind.label)
    if not wanted:
        raise InputError(f"--types: give at least one of {', '.join(NODE_TYPES.values())}")
    return wanted


def only_types(net: Network, types: set[str]) -> Network:
    """Only nodes of these types. Without claims, claimant -> subject edges carry the claim counts."""
    base = net if "Claim" in types else without_claims(net)
    return base.restrict({i for i, n in base.nodes.items() if n.type in types})


def only_source(net: Network, store: KgStore, name: str) -> Network:
    """What one source file contributed, or what one publication supports (its claims and their ends)."""
    try:
        file_name = store.find_source(name).name
    except InputError as file_error:
        pubs = Network({i: n for i, n in net.nodes.items() if n.type == "Publication"})
        try:
            pub = find_node(pubs, name, store.minter.base, "--source").id
        except InputError:
            raise InputError(f"--source: {file_error} and no publication is called {name!r}") from None
        sub = net.restrict({i for i, n in net.nodes.items() if pub in n.publications})
        sub.edges = {k: e for k, e in sub.edges.items() if pub in e.publications}
        return sub
    sub = net.restrict({i for i, n in net.nodes.items() if file_name in n.sources})
    sub.edges = {k: e for k, e in sub.edges.items() if file_name in e.sources}
    return sub


def check_size(net: Network, limit: int, force: bool) -> None:
    """Refuse a page nobody could use, saying how big it is and how to narrow it."""
    if force or len(net.nodes) <= limit:
        return
    counts: dict[str, int] = {}
    for node in net.nodes.values():
        counts[node.type] = counts.get(node.type, 0) + 1
    raise too_large(counts, len(net.edges), limit)


def check_store_size(store: KgStore, limit: int, force: bool) -> None:
    """The same refusal for the whole network, from counts the store computes: a graph of millions
    of triples is refused before any of it is loaded into Python."""
    if force:
        return
    values = " ".join(f"<{t}>" for t in NODE_TYPES)
    rows = store.select(f"SELECT ?type (COUNT(DISTINCT ?s) AS ?n) WHERE {{ VALUES ?type {{ {values} }} "
                        "?s a ?type } GROUP BY ?type")
    counts = {NODE_TYPES[row["type"].value]: int(row["n"].value) for row in rows}
    if sum(counts.values()) <= limit:
        return
    relations = " ".join(f"<{p}>" for p in RELATIONS)
    rows = store.select(f"SELECT (COUNT(*) AS ?n) WHERE {{ SELECT DISTINCT ?s ?p ?o WHERE {{ "
                        f"VALUES ?p {{ {relations} }} ?s ?p ?o "  # a dispute is one edge, written both ways
                        f"FILTER(isIRI(?o) && (?p != <{vocab.DISPUTES}> || STR(?s) < STR(?o))) }} }}")
    raise too_large(counts, int(next(iter(rows))["n"].value), limit)


def too_large(counts: dict[str, int], edges: int, limit: int) -> ViewTooLarge:
    by_type = ", ".join(f"{counts[t]:,} {t}" for t in NODE_TYPES.values() if counts.get(t))
    return ViewTooLarge(
        f"the view would have {sum(counts.values()):,} nodes and {edges:,} edges ({by_type}), more than the "
        f"limit of {limit:,}; narrow it with --around NAME --hops 2, --types Person,Organization or --source "
        "SOURCE, raise --max-nodes, or pass --force to write it anyway")
