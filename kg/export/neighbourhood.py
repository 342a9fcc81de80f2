"""`kg view --around NAME --hops N` and `--source FILE` without loading the whole network.

The name is looked up with store queries, the neighbourhood is walked one hop at a time (one query
per hop and chunk of the frontier), and only the nodes found are loaded, plus what makes their
publications the same as in the whole network: the publications of the claims on the border. The
result equals narrowing the whole network (kg.export.subgraph.around), which a test checks; a
neighbourhood over the node limit is refused while it is being walked.
"""

from __future__ import annotations

import pyoxigraph as ox

from kg import schema, sparql, vocab
from kg.errors import InputError
from kg.export import subgraph
from kg.query.lookup import Lookup
from kg.query.network import NODE_TYPES, RELATIONS, Network, load_network, oriented
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
                        "GRAPH ?g { ?s a ?any } }", {"g": ox.NamedNode(graph)})
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
    for values in _chunks(seen, "s"):
        for row in store.select(f"SELECT ?s ?type WHERE {{ {values} VALUES ?type {{ {_TYPES} }} "
                                "?s a ?type }"):
            kind = NODE_TYPES[row["type"].value]
            counts[kind] = counts.get(kind, 0) + 1
        for row in store.select(f"SELECT DISTINCT ?s ?p ?o WHERE {{ {values} "
                                f"VALUES ?p {{ {_RELATIONS} }} ?s ?p ?o }}"):
            drawn = oriented(row["s"].value, row["p"].value, row["o"].value)
            if drawn is not None and row["o"].value in seen:
                src, dst, label = drawn
                if label == "disputes":  # disputes in both directions are one edge
                    src, dst = sorted((src, dst))
                edges.add((src, dst, label))
    return subgraph.too_large(counts, len(edges), limit)


def _chunks(nodes: set[str], variable: str) -> list[str]:
    """VALUES blocks binding ``variable`` to the nodes, a chunk at a time (kg.sparql writes them)."""
    ordered = [(ox.NamedNode(i),) for i in sorted(nodes)]
    return [sparql.values([variable], ordered[at:at + _CHUNK]) for at in range(0, len(ordered), _CHUNK)]


def find(store: KgStore, name: str) -> str:
    """The IRI of the one node called ``name`` (any kind), by kg.query.lookup's rules."""
    return Lookup.of_store(store).find(name, list(schema.load().kinds), "--around").entity.iri


def _neighbours(store: KgStore, nodes: set[str]) -> set[str]:
    """Nodes one relation away from any of ``nodes``, in either direction."""
    found: set[str] = set()
    for values in _chunks(nodes, "x"):
        query = f"""SELECT DISTINCT ?y WHERE {{ {values} VALUES ?p {{ {_RELATIONS} }}
            VALUES ?type {{ {_TYPES} }} {{ ?x ?p ?y }} UNION {{ ?y ?p ?x }} ?y a ?type FILTER(?y != ?x) }}"""
        found.update(row["y"].value for row in store.select(query))
    return found


def _publications_of_claims(store: KgStore, nodes: set[str]) -> dict[str, set[str]]:
    """For the claims among ``nodes``: the publications they appeared in (as the network's edges say)."""
    out: dict[str, set[str]] = {}
    for values in _chunks(nodes, "c"):
        query = f"""SELECT DISTINCT ?c ?pub WHERE {{ {values} ?c a <{vocab.CLAIM}> .
            ?c <{vocab.APPEARANCE}>|<{vocab.FIRST_APPEARANCE}> ?pub . ?pub a <{vocab.CREATIVE_WORK}> }}"""
        for row in store.select(query):
            out.setdefault(row["c"].value, set()).add(row["pub"].value)
    return out
