"""Narrowing the network for `kg view`: around a node, by type, by source, and the size limit.

Names are matched the way people type them: an IRI, or a label or alias regardless of case; a
unique partial match is accepted; anything else is an InputError that lists the candidates.
"""

from __future__ import annotations

import difflib
from collections import deque

from kg import defaults, vocab
from kg.errors import InputError, ViewTooLarge
from kg.export.collapse import without_claims
from kg.query.network import NODE_TYPES, RELATIONS, Network, Node
from kg.store import KgStore

DEFAULT_NODE_LIMIT = defaults.DEFAULT_NODE_LIMIT
_TYPE_NAMES = {name.lower(): name for name in NODE_TYPES.values()} | {
    "people": "Person", "persons": "Person", "organizations": "Organization", "orgs": "Organization",
    "org": "Organization", "publications": "Publication", "claims": "Claim"}


def _describe(node: Node) -> str:
    return f"{node.label!r} ({node.type}, {node.id})"


def find_node(net: Network, name: str) -> Node:
    """The one node called ``name`` (IRI, label or alias, any case; or a unique partial match)."""
    if name in net.nodes:
        return net.nodes[name]
    wanted = name.strip().casefold()
    exact = [n for n in net.nodes.values() if wanted in {x.casefold() for x in [n.label, *n.aliases]}]
    if not exact:
        exact = [n for n in net.nodes.values() if any(wanted in x.casefold() for x in [n.label, *n.aliases])]
    if len(exact) == 1:
        return exact[0]
    if exact:
        shown = "; ".join(_describe(n) for n in exact[:10])
        more = f" and {len(exact) - 10} more" if len(exact) > 10 else ""
        raise InputError(f"{name!r} matches {len(exact)} nodes: {shown}{more}; use a fuller name or the IRI")
    labels = sorted({n.label for n in net.nodes.values()})
    close = difflib.get_close_matches(name, labels, n=5, cutoff=0.5)
    hint = f" (did you mean {', '.join(repr(c) for c in close)}?)" if close else ""
    raise InputError(f"no node named {name!r} in the graph{hint}")


def around(net: Network, name: str, hops: int) -> Network:
    """Everything within ``hops`` edges of the named node, ignoring edge direction."""
    if hops < 0:
        raise InputError(f"--hops must be 0 or more, not {hops}")
    start = find_node(net, name).id
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
        key = part.strip().lower()
        if not key:
            continue
        if key not in _TYPE_NAMES:
            raise InputError(f"--types: unknown type {part.strip()!r} (expected {', '.join(NODE_TYPES.values())})")
        wanted.add(_TYPE_NAMES[key])
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
            pub = find_node(pubs, name).id
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
