"""How the view looks: colour and shape per node type, colour per relation, and vis-network options.

Options depend on the graph's size: small graphs get a patient force layout that spreads labels
out; large ones start from precomputed positions (kg.export.layout) with a short, bounded
stabilisation (none above PHYSICS_LIMIT), no initial clustering pass (vis-network's
"improvedLayout" is quadratic), edges hidden while dragging and zooming, and labels drawn only
once the user zooms in far enough to read them.
"""

from __future__ import annotations

import math
from typing import Any

from kg import schema
from kg.query.network import Network

_SCHEMA = schema.load()
# type -> (fill colour, border colour, vis-network shape)
NODE_STYLE: dict[str, tuple[str, str, str]] = {t: (n.fill, n.border, n.shape) for t, n in _SCHEMA.node_styles.items()}
CLAIM_SHAPE_LARGE = "diamond"
CLAIM_FILL_LARGE = "#b07aa1"
# spring lengths for small graphs (ontology/schema.yaml): claims sit close to who said them and what they
# are about, while publications (hubs that every claim appears in) stay at a distance
RELATION_LENGTH: dict[str, int] = {r.label: r.length for r in (*_SCHEMA.relations.values(), _SCHEMA.collapsed)}
RELATION_COLOR: dict[str, str] = {r.label: r.color for r in (*_SCHEMA.relations.values(), _SCHEMA.collapsed)}
DEFAULT_EDGE_COLOR = _SCHEMA.edge_color
SMALL = 300  # nodes; above this the graph is drawn with the large-graph settings
PHYSICS_LIMIT = 8000  # nodes; above this the page opens with physics off
STORY_LIMIT = 60  # nodes; up to this, graphs with claims are drawn in story columns


def node_size(degree: int) -> float:
    return round(min(10.0 + 6.0 * math.sqrt(degree), 48.0), 1)


def is_large(node_count: int) -> bool:
    return node_count > SMALL


def groups(large: bool) -> dict[str, Any]:
    """vis-network groups: one style object per node type (per-node style objects are slow at 20k)."""
    out: dict[str, Any] = {}
    for name, (fill, border, shape) in NODE_STYLE.items():
        color = {"background": fill, "border": border, "highlight": {"background": fill, "border": "#111111"},
                 "hover": {"background": fill, "border": "#111111"}}
        out[name] = {"shape": shape, "color": color}
    if large:
        out["Claim"] = {"shape": CLAIM_SHAPE_LARGE, "size": 8,
                        "color": {"background": CLAIM_FILL_LARGE, "border": NODE_STYLE["Claim"][1]}}
    else:
        out["Claim"].update(widthConstraint={"maximum": 190}, margin=8,
                            font={"size": 12, "color": "#3b2438", "strokeWidth": 0})
    return out


def is_story(net: Network) -> bool:
    """Small graphs with claims are laid out in columns that read as a story (kg.export.layout)."""
    return len(net.nodes) <= STORY_LIMIT and any(n.type == "Claim" for n in net.nodes.values())


def options(node_count: int, edge_count: int, story: bool = False) -> dict[str, Any]:
    large = is_large(node_count)
    if large:
        # vis-network runs stabilisation in chunks of `updateInterval` iterations between frames,
        # so the page stays responsive; the total is bounded so a 20k graph settles in seconds.
        # nodes start from kg.export.layout's positions, so a short polish is enough; above
        # PHYSICS_LIMIT the layout is drawn as computed and physics waits for the toggle
        iterations = 100 if node_count <= 2000 else 25
        physics: dict[str, Any] = {
            "enabled": node_count <= PHYSICS_LIMIT,
            "solver": "barnesHut",
            "barnesHut": {"gravitationalConstant": -4000, "springLength": 95, "springConstant": 0.04,
                          "damping": 0.3, "avoidOverlap": 0, "theta": 0.8},
            "stabilization": {"enabled": True, "iterations": iterations, "updateInterval": 10, "fit": True},
            "adaptiveTimestep": True, "minVelocity": 1.5,
        }
    else:
        physics = {
            "solver": "forceAtlas2Based",
            "forceAtlas2Based": {"gravitationalConstant": -120, "centralGravity": 0.012, "springLength": 170,
                                 "springConstant": 0.06, "damping": 0.5, "avoidOverlap": 0.8},
            "stabilization": {"enabled": True, "iterations": 600, "updateInterval": 50, "fit": True},
            "minVelocity": 0.75,
        }
    layout: dict[str, Any] = {"randomSeed": 7, "improvedLayout": not large}
    if story:  # positions come from kg.export.layout.story_positions; physics waits for the toggle
        physics["enabled"] = False
    return {
        "autoResize": True,
        "groups": groups(large),
        "layout": layout,
        "physics": physics,
        "interaction": {"hover": not large, "tooltipDelay": 200, "hideEdgesOnDrag": True,
                        "hideEdgesOnZoom": large or edge_count > 2000, "navigationButtons": False,
                        "keyboard": {"enabled": True, "bindToWindow": False}, "multiselect": False},
        "edges": {
            "arrows": {"to": {"enabled": True, "scaleFactor": 0.55}},
            "smooth": False,
            "width": 1.4,
            "selectionWidth": 2,
            "font": {"size": 11, "align": "middle", "color": "#333",
                     "strokeWidth": 3, "strokeColor": "#ffffff"},
            "color": {"color": DEFAULT_EDGE_COLOR, "inherit": False},
        },
        "nodes": {
            "borderWidth": 1.5,
            "font": {"size": 14, "face": "system-ui, sans-serif", "color": "#1d1d1d",
                     "strokeWidth": 3, "strokeColor": "#ffffff"},
            "scaling": {"label": {"drawThreshold": 6}},
        },
    }
