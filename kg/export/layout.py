"""Positions for every view, computed ahead in Python so the page draws at once and reads at a glance.

A force-directed layout (igraph's Fruchterman-Reingold, the grid variant above GRID_ABOVE nodes,
which is linear per iteration) over the whole network, claims included: a claim is a spring between
who said it, what it is about and where it appeared, so a collapsed view (claims hidden) keeps
claimants beside their subjects. igraph's random source (its random start) is seeded for the call,
so the same network always gets the same positions. Components are laid out
separately and packed, biggest first, in rows, so small islands neither fly off nor pile on the
middle. Coordinates are scaled so that a typical edge is EDGE_LENGTH canvas units long.
"""

from __future__ import annotations

import math
import random
import time
from dataclasses import dataclass

import igraph as ig
import numpy as np

from kg.query.network import Network

EDGE_LENGTH = 110.0  # canvas units for the median edge (views too big to make room for every label)
VIEWPORT = (1000.0, 700.0)  # px: the drawing area of the page at 1400 x 900, where the first fit must be legible
SPREAD_UP_TO = 1500  # nodes drawn at first; up to this, nodes are moved apart until their labels fit
CHAR_PX = 7.0  # average width of a label character on screen
LABEL_PX = 22.0  # height of a node's label with its gap
GRID_ABOVE = 1000  # nodes; the grid variant of Fruchterman-Reingold above this (linear per iteration)
ITERATIONS = 500
SEED = 7
COMMUNITY_PULL = 4.0


@dataclass
class Layout:
    positions: dict[str, tuple[float, float]]
    seconds: float  # CPU seconds spent, reported by `kg view` and bench/view.py
    communities: dict[str, int] | None = None  # `kg view --communities`: node -> community, biggest 0


def _component_layout(graph: ig.Graph, weights: list[float] | None) -> list[tuple[float, float]]:
    count = graph.vcount()
    if count == 1:
        return [(0.0, 0.0)]
    if count == 2:
        return [(0.0, 0.0), (1.0, 0.0)]
    coords = graph.layout_fruchterman_reingold(weights=weights, niter=ITERATIONS if count <= 5000 else ITERATIONS // 2,
                                               grid="grid" if count > GRID_ABOVE else "nogrid")
    return [(float(x), float(y)) for x, y in coords]


def _normalised(points: list[tuple[float, float]], edges: list[tuple[int, int]]) -> list[tuple[float, float]]:
    """Scaled so the median edge is 1 long, centred on 0."""
    lengths = sorted(math.dist(points[a], points[b]) for a, b in edges if a != b)
    unit = lengths[len(lengths) // 2] if lengths and lengths[len(lengths) // 2] > 0 else 1.0
    cx = sum(p[0] for p in points) / len(points)
    cy = sum(p[1] for p in points) / len(points)
    return [((x - cx) / unit, (y - cy) / unit) for x, y in points]


def _pack(parts: list[list[tuple[float, float]]]) -> list[tuple[float, float]]:
    """Offsets for components (biggest first): in rows about as wide as the biggest, a gap of 2 between."""
    boxes = []
    for points in parts:
        xs, ys = [p[0] for p in points], [p[1] for p in points]
        boxes.append((min(xs), min(ys), max(xs) - min(xs) + 2.0, max(ys) - min(ys) + 2.0))
    total = sum(w * h for _, _, w, h in boxes)
    width = max(max(w for _, _, w, _ in boxes), math.sqrt(total) * 1.2)
    offsets = []
    x = y = row = 0.0
    for left, top, w, h in boxes:
        if x > 0 and x + w > width:
            x, y, row = 0.0, y + row, 0.0
        offsets.append((x - left, y - top))
        x += w
        row = max(row, h)
    return offsets


def spread(points: np.ndarray, half_w: np.ndarray, half_h: np.ndarray, rounds: int | None = None) -> np.ndarray:
    """Move nodes apart until the label boxes around them overlap as little as they can, keeping the
    picture's shape: each round stretches it over VIEWPORT (pixels at the first fit), then pushes every
    overlapping pair apart along the axis where they overlap least. Pairwise, so only for small views."""
    out = _even(points.astype(float))
    if rounds is None:  # each round is pairwise: ~200 for a hundred nodes, ~20 for a thousand (under 1 s)
        rounds = max(10, min(200, int(3e7 / max(len(points), 1) ** 2)))
    for _ in range(rounds):
        span = np.maximum(out.max(axis=0) - out.min(axis=0), 1e-9)
        out = (out - out.min(axis=0)) * np.array(VIEWPORT) / span
        dx = out[:, None, 0] - out[None, :, 0]
        dy = out[:, None, 1] - out[None, :, 1]
        ox = half_w[:, None] + half_w[None, :] - np.abs(dx)
        oy = half_h[:, None] + half_h[None, :] - np.abs(dy)
        hit = (ox > 0) & (oy > 0)
        np.fill_diagonal(hit, False)
        if not hit.any():
            break
        along_x = hit & (ox * 2.5 < oy)  # labels are wide: moving up or down is cheaper
        along_y = hit & ~along_x
        sign_x = np.where(dx >= 0, 1.0, -1.0)
        sign_y = np.where(dy >= 0, 1.0, -1.0)
        out[:, 0] += np.where(along_x, ox * sign_x, 0.0).sum(axis=1) * 0.25
        out[:, 1] += np.where(along_y, oy * sign_y, 0.0).sum(axis=1) * 0.25
    return out


def _even(points: np.ndarray, weight: float = 0.85) -> np.ndarray:
    """Force layouts pack hubs into a dense core and leave the rim empty: blend each coordinate with
    its rank (a quantile), which evens the density out while keeping who is left of whom."""
    out = points.copy()
    for axis in (0, 1):
        values = points[:, axis]
        span = max(float(values.max() - values.min()), 1e-9)
        ranks = np.argsort(np.argsort(values, kind="stable"), kind="stable") / max(len(values) - 1, 1)
        out[:, axis] = (1 - weight) * (values - values.min()) / span + weight * ranks
    return out


def _make_room(net: Network, positions: dict[str, tuple[float, float]], shown: list[str]) -> None:
    """Spread the nodes drawn at first (``shown``) so their labels fit; others keep their place
    relative to them (moved with the same scale)."""
    from kg.export.payload import CLAIM_LABEL_CHARS, LABEL_CHARS  # the label lengths the page draws

    points = np.array([positions[i] for i in shown])
    chars = np.array([min(len(net.nodes[i].details.get("text", net.nodes[i].label)), CLAIM_LABEL_CHARS)
                      if net.nodes[i].type == "Claim" else min(len(net.nodes[i].label), LABEL_CHARS) for i in shown])
    moved = spread(points, chars * CHAR_PX / 2 + 6, np.full(len(shown), LABEL_PX / 2))
    # everything else: the same affine fit of the original to the spread picture, nearest-shown offset kept
    span = np.maximum(points.max(axis=0) - points.min(axis=0), 1e-9)
    scale = (moved.max(axis=0) - moved.min(axis=0)) / span
    for node, (x, y) in positions.items():
        positions[node] = (round(float((x - points[:, 0].min()) * scale[0] + moved[:, 0].min()), 1),
                           round(float((y - points[:, 1].min()) * scale[1] + moved[:, 1].min()), 1))
    for node, (x, y) in zip(shown, moved, strict=True):
        positions[node] = (round(float(x), 1), round(float(y), 1))


def force_positions(net: Network, seed: int = SEED, shown: set[str] | None = None,
                    communities: dict[str, int] | None = None) -> Layout:
    """x, y for every node of ``net``, deterministic for a given network and seed. ``shown``: the
    nodes the page draws at first (all by default); up to SPREAD_UP_TO of them get room for labels.
    ``communities``: edges inside one pull COMMUNITY_PULL times harder, so communities group."""
    started = time.process_time()
    ids = list(net.nodes)
    if not ids:
        return Layout({}, 0.0)
    index = {node: i for i, node in enumerate(ids)}
    pairs = sorted({(min(index[s], index[t]), max(index[s], index[t])) for s, t, _ in net.edges if s != t})
    graph = ig.Graph(n=len(ids), edges=pairs)
    if communities is not None:
        graph.es["weight"] = [COMMUNITY_PULL if communities.get(ids[a]) == communities.get(ids[b]) else 1.0
                              for a, b in pairs]
    ig.set_random_number_generator(random.Random(seed))  # igraph's random start, the same every time
    try:
        members = sorted(graph.connected_components(), key=lambda c: (-len(c), c[0]))
        parts = []
        for component in members:
            sub = graph.subgraph(component)
            weights = sub.es["weight"] if communities is not None else None
            parts.append(_normalised(_component_layout(sub, weights), sub.get_edgelist()))
    finally:
        ig.set_random_number_generator(random)
    positions: dict[str, tuple[float, float]] = {}
    for component, points, (dx, dy) in zip(members, parts, _pack(parts), strict=True):
        for vertex, (x, y) in zip(component, points, strict=True):
            positions[ids[vertex]] = (round((x + dx) * EDGE_LENGTH, 1), round((y + dy) * EDGE_LENGTH, 1))
    first = [i for i in ids if shown is None or i in shown]
    if 1 < len(first) <= SPREAD_UP_TO:
        _make_room(net, positions, first)
    return Layout(positions, time.process_time() - started, communities)
