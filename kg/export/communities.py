"""Communities for `kg view --communities`: who clusters with whom, found by networkx's Louvain method.

Seeded, so the same network gets the same communities. Communities are numbered by size, biggest
first; the seven biggest get an Okabe-Ito colour each (kg.export.palette), the rest one grey, and
the layout pulls members of one community together (kg.export.layout).
"""

from __future__ import annotations

import networkx as nx

from kg.export import palette
from kg.query.network import Network

COLOURS = (palette.BLUE, palette.ORANGE, palette.BLUISH_GREEN, palette.VERMILLION, palette.SKY_BLUE,
           palette.REDDISH_PURPLE, "#f0e442")
OTHER = "#bdbdbd"


def communities(net: Network, seed: int = 7) -> dict[str, int]:
    """Node id -> community number (0 the biggest)."""
    graph = nx.Graph()
    graph.add_nodes_from(net.nodes)
    graph.add_edges_from((s, t) for s, t, _ in net.edges if s != t)
    found = nx.community.louvain_communities(graph, seed=seed)
    ordered = sorted(found, key=lambda c: (-len(c), min(c)))
    return {node: number for number, members in enumerate(ordered) for node in members}


def colour(number: int) -> str:
    return COLOURS[number] if number < len(COLOURS) else OTHER
