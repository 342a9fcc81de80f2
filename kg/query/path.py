"""``kg path``: the shortest connections between two entities, and what supports each hop.

The entity network (:mod:`kg.query.network`: people, organizations, publications, claims and the
relations between them, each with the source files and publications behind it) becomes an
undirected networkx graph; paths are found in order of length (Yen's algorithm via
``shortest_simple_paths``), and every hop is reported in its real direction with its relation and
sources. A person reaches a subject through the claims they made about it: claims are nodes too.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import islice, pairwise

import networkx as nx

from kg.errors import QueryError
from kg.query.network import Edge, Network, load_network
from kg.store import KgStore
from kg.store.location import Location

_MAX_LABEL = 70


@dataclass(frozen=True)
class Link:
    relation: str
    forward: bool  # the relation reads start -> end ("said"), else end -> start
    roles: tuple[str, ...]
    sources: tuple[str, ...]  # source files
    publications: tuple[str, ...]  # publication IRIs supporting the relation


@dataclass(frozen=True)
class Hop:
    start: str  # node IRIs, in walking order
    end: str
    links: tuple[Link, ...]  # every relation between the two (a claim can be said by and appear in one publication)

    @property
    def sources(self) -> tuple[str, ...]:
        return tuple(sorted({s for link in self.links for s in link.sources}))

    @property
    def publications(self) -> tuple[str, ...]:
        return tuple(sorted({p for link in self.links for p in link.publications}))


@dataclass(frozen=True)
class Connection:
    nodes: tuple[str, ...]
    hops: tuple[Hop, ...]


def load(location: Location) -> Network:
    with KgStore.at(location, writable=False) as store:
        return load_network(store)


def to_graph(net: Network) -> nx.Graph:
    """Undirected graph; each pair of nodes keeps every relation between them (either direction)."""
    graph = nx.Graph()
    graph.add_nodes_from(sorted(net.nodes))
    for key in sorted(net.edges):
        edge = net.edges[key]
        if edge.source == edge.target:
            continue
        if graph.has_edge(edge.source, edge.target):
            graph.edges[edge.source, edge.target]["relations"].append(edge)
        else:
            graph.add_edge(edge.source, edge.target, relations=[edge])
    return graph


def _hops(graph: nx.Graph, nodes: list[str]) -> tuple[Hop, ...]:
    out = []
    for start, end in pairwise(nodes):
        edges: list[Edge] = graph.edges[start, end]["relations"]
        links = [Link(e.relation, e.source == start, tuple(sorted(e.roles)), tuple(sorted(e.sources)),
                      tuple(sorted(e.publications))) for e in edges]
        out.append(Hop(start, end, tuple(sorted(links, key=lambda link: (not link.forward, link.relation)))))
    return tuple(out)


def find_paths(net: Network, start: str, end: str, max_hops: int = 4, limit: int = 5) -> list[Connection]:
    """Up to ``limit`` shortest simple paths of at most ``max_hops`` hops, shortest first."""
    if max_hops < 1 or limit < 1:
        raise QueryError("--max-hops and --limit must be at least 1")
    for iri in (start, end):
        if iri not in net.nodes:
            raise QueryError(f"<{iri}> is not a person, organization, publication or claim in the network")
    if start == end:
        raise QueryError("A and B are the same entity")
    graph = to_graph(net)
    found = []
    try:
        for nodes in islice(nx.shortest_simple_paths(graph, start, end), limit):
            if len(nodes) - 1 > max_hops:
                break
            found.append(Connection(tuple(nodes), _hops(graph, nodes)))
    except nx.NetworkXNoPath:
        pass
    return found


def _name(net: Network, iri: str) -> str:
    node = net.nodes.get(iri)
    if node is None:
        return iri
    label = " ".join(node.label.split())
    label = label if len(label) <= _MAX_LABEL else label[: _MAX_LABEL - 1] + "…"
    return f'"{label}" [Claim]' if node.type == "Claim" else f"{label} [{node.type}]"


def render(net: Network, found: list[Connection], a: str, b: str, max_hops: int) -> str:
    """Readable paths: one line per hop with its direction, relation, roles and support."""
    if not found:
        return f"no connection between {a} and {b} within {max_hops} hop{'s' if max_hops != 1 else ''}"
    lines = [f"{len(found)} shortest connection{'s' if len(found) != 1 else ''} between {a} and {b} "
             f"(at most {max_hops} hops):"]
    for number, conn in enumerate(found, 1):
        hops = len(conn.nodes) - 1
        lines.append("")
        lines.append(f"{number}. {hops} hop{'s' if hops != 1 else ''}")
        lines.append(f"   {_name(net, conn.nodes[0])}")
        for hop in conn.hops:
            arrows = " & ".join(_arrow(link) for link in hop.links)
            lines.append(f"     {arrows} {_name(net, hop.end)}")
            support = [f"sources: {', '.join(hop.sources) or 'none recorded'}"]
            pubs = [net.nodes[p].label for p in hop.publications if p in net.nodes]
            if pubs:
                support.append("per: " + "; ".join(_clip(p) for p in pubs))
            lines.append(f"         {' | '.join(support)}")
    return "\n".join(lines)


def _arrow(link: Link) -> str:
    relation = link.relation + (f" ({', '.join(link.roles)})" if link.roles else "")
    return f"--{relation}-->" if link.forward else f"<--{relation}--"


def _clip(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= 50 else text[:49] + "…"
