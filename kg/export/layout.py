"""Starting positions for large views, computed in linear time so the browser has little left to do.

vis-network starts from random positions and needs hundreds of force iterations to untangle a
graph; at 20,000 nodes each iteration is a Barnes-Hut pass over every node. Here every node joins
the cluster of its best-connected neighbour (following the chain up to a local hub), clusters are
laid out on a sunflower spiral, biggest first, and members on a smaller spiral around their hub.
The result is deterministic, readable at a glance (hubs with their satellites), and a few physics
iterations at most polish it.
"""

from __future__ import annotations

import math

from kg.export.network import Network

GOLDEN_ANGLE = math.pi * (3.0 - math.sqrt(5.0))
MEMBER_SPACING = 28.0
CLUSTER_GAP = 1.15


def _roots(net: Network) -> dict[str, str]:
    degree = net.degree()
    best: dict[str, str] = {}
    for source, target, _ in net.edges:
        for a, b in ((source, target), (target, source)):
            current = best.get(a)
            if (degree[b], b) > (degree[a], a) and (current is None or (degree[b], b) > (degree[current], current)):
                best[a] = b
    root: dict[str, str] = {}
    for node in net.nodes:
        chain = [node]
        while chain[-1] in best and chain[-1] not in root and len(chain) < 64:
            chain.append(best[chain[-1]])
        top = root.get(chain[-1], chain[-1])
        for member in chain:
            root[member] = top
    return root


def seed_positions(net: Network) -> dict[str, tuple[float, float]]:
    """x, y for every node: hubs spread on a spiral, each with its members spiralling around it."""
    root = _roots(net)
    clusters: dict[str, list[str]] = {}
    for node in net.nodes:
        clusters.setdefault(root[node], []).append(node)
    order = sorted(clusters, key=lambda r: (-len(clusters[r]), r))
    positions: dict[str, tuple[float, float]] = {}
    area = 0.0
    for index, hub in enumerate(order):
        members = sorted(m for m in clusters[hub] if m != hub)
        radius = MEMBER_SPACING * math.sqrt(len(members) + 1)
        if index == 0:
            cx = cy = 0.0
        else:
            distance = math.sqrt(area) * CLUSTER_GAP + radius
            cx, cy = distance * math.cos(index * GOLDEN_ANGLE), distance * math.sin(index * GOLDEN_ANGLE)
        area += (2.0 * radius + MEMBER_SPACING) ** 2
        positions[hub] = (round(cx, 1), round(cy, 1))
        for j, member in enumerate(members, start=1):
            r = MEMBER_SPACING * math.sqrt(j)
            positions[member] = (round(cx + r * math.cos(j * GOLDEN_ANGLE), 1),
                                 round(cy + r * math.sin(j * GOLDEN_ANGLE), 1))
    return positions
