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

from kg.query.network import Network

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


def story_levels(net: Network) -> dict[str, int]:
    """Columns that read left to right as "who -> said -> what -> about -> whom -> where".

    0: organizations people belong to (and nothing else), 1: claimants, 2: claims, 3: what the
    claims are about, 4: publications they appeared in, 5: publishers and authors. A node that
    plays several parts takes the first that applies in the order claimant, claim, subject,
    publication.
    """
    roles: dict[str, set[str]] = {n: set() for n in net.nodes}
    for edge in net.edges.values():
        roles[edge.source].add("out:" + edge.relation)
        roles[edge.target].add("in:" + edge.relation)
    levels: dict[str, int] = {}
    for node_id, node in net.nodes.items():
        mine = roles[node_id]
        if "out:said" in mine or "out:claims" in mine:
            levels[node_id] = 1
        elif node.type == "Claim":
            levels[node_id] = 2
        elif "in:about" in mine or "in:claims" in mine:
            levels[node_id] = 3
        elif node.type == "Publication":
            levels[node_id] = 4
        elif mine and mine <= {"in:member of"}:
            levels[node_id] = 0
        elif mine & {"in:published by", "in:written by"}:
            levels[node_id] = 5
        else:
            levels[node_id] = 3
    return levels


COLUMN_GAP = 240.0
CLAIM_GAP = 105.0
NODE_GAP = 85.0


def _spread(wanted: dict[str, float], gap: float) -> dict[str, float]:
    """Keep each node near its wanted height, at least ``gap`` apart, the block centred as wished."""
    order = sorted(wanted, key=lambda n: (wanted[n], n))
    placed: dict[str, float] = {}
    last = -math.inf
    for node in order:
        placed[node] = max(wanted[node], last + gap)
        last = placed[node]
    if placed:
        shift = sum(wanted.values()) / len(wanted) - sum(placed.values()) / len(placed)
        placed = {n: y + shift for n, y in placed.items()}
    return placed


def _mean(y: dict[str, float], nodes: list[str]) -> float:
    values = [y[n] for n in nodes if n in y]
    return sum(values) / len(values) if values else 0.0


def story_positions(net: Network) -> dict[str, tuple[float, float]]:
    """x, y for a small graph: claims in one column, each claimant level with its claims, each
    subject level with the claims about it, publications and organizations next to theirs."""
    levels = story_levels(net)
    neighbours: dict[str, list[str]] = {n: [] for n in net.nodes}
    said: dict[str, list[str]] = {}
    for edge in net.edges.values():
        neighbours[edge.source].append(edge.target)
        neighbours[edge.target].append(edge.source)
        if edge.relation == "said":
            said.setdefault(edge.target, []).append(edge.source)
    column = {lv: sorted(n for n, v in levels.items() if v == lv) for lv in range(6)}
    claimants = sorted(column[1], key=lambda n: (-len(neighbours[n]), net.nodes[n].label))
    rank = {n: i for i, n in enumerate(claimants)}
    claims = sorted(column[2], key=lambda c: (min((rank.get(s, 99) for s in said.get(c, [])), default=99),
                                              sorted(neighbours[c]), c))
    y: dict[str, float] = {c: i * CLAIM_GAP for i, c in enumerate(claims)}

    def near(nodes: list[str], gap: float) -> None:
        wanted = {}
        for node in nodes:
            ys = [y[m] for m in neighbours[node] if m in y]
            wanted[node] = sum(ys) / len(ys) if ys else (max(y.values(), default=0.0) + gap)
        y.update(_spread(wanted, gap))

    if not claims:
        y.update({n: i * NODE_GAP for i, n in enumerate(claimants)})
    for level in (1, 3, 4, 0, 5):
        near([n for n in column[level] if n not in y], NODE_GAP)
    for _ in range(2):  # barycentre sweeps: claims follow their claimants and subjects, the rest follow claims
        order = sorted(claims, key=lambda c: (_mean(y, said.get(c, [])), _mean(y, neighbours[c]), c))
        y.update({c: i * CLAIM_GAP for i, c in enumerate(order)})
        for level in (1, 3, 4, 0, 5):
            for node in column[level]:
                y.pop(node, None)
            near(column[level], NODE_GAP)
    return {n: (round((levels[n] - 2) * COLUMN_GAP, 1), round(y[n], 1)) for n in net.nodes}
