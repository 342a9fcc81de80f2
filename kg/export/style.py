"""How the view looks: colour and shape per node type, a style per relation, and vis-network options.

Colours and line styles come from ontology/schema.yaml (Okabe-Ito colours, kg.export.palette checks
them) and relations differ in more than hue:
each has its own combination of dash pattern, width and arrow head, and "disputes" is the one thick
vermillion line. Positions are computed ahead (kg.export.layout), so the page opens with physics off;
the physics toggle starts vis-network's solver from there. Above SMALL nodes the page hides edges
while dragging and zooming and skips vis-network's quadratic "improvedLayout" pass.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from kg import schema

_SCHEMA = schema.load()
# type -> (fill colour, border colour, vis-network shape), from ontology/schema.yaml's view table
NODE_STYLE: dict[str, tuple[str, str, str]] = {t: (n.fill, n.border, n.shape) for t, n in _SCHEMA.node_styles.items()}


@dataclass(frozen=True)
class RelationStyle:
    color: str
    width: float
    dashes: tuple[int, ...] = ()  # empty: a solid line
    arrow: str = "arrow"  # vis-network arrow type at the target end

    def signature(self, dashed: bool = True) -> tuple[tuple[int, ...], float, str]:
        """What tells the relation apart without colour (``dashed=False``: in views drawn without dashes)."""
        return self.dashes if dashed else (), self.width, self.arrow


# relation label -> style, from ontology/schema.yaml (the relations and the collapsed "claims" edge)
RELATION_STYLE: dict[str, RelationStyle] = {
    r.label: RelationStyle(r.color, r.width, r.dashes, r.arrow)
    for r in (*_SCHEMA.relations.values(), _SCHEMA.collapsed)}
DEFAULT_RELATION = RelationStyle(_SCHEMA.edge_color, 1.2, (6, 2, 1, 2), "inv_triangle")  # --query predicates
SMALL = 300  # nodes; above this the graph is drawn with the large-graph settings
COLLAPSE_ABOVE = 300  # claims; above this the page opens with claims collapsed into claimant -> subject edges
EDGE_LABELS_UP_TO = 60  # nodes; up to this vis-network writes every edge's relation on it
DASHES_UP_TO = 2000  # edges; above this lines are solid (each dashed line costs the canvas a save/restore)


SEE_THROUGH_ABOVE = 600  # edges; above this lines are drawn half see-through, nodes and labels in front


def relation_style(relation: str) -> RelationStyle:
    return RELATION_STYLE.get(relation, DEFAULT_RELATION)


def line_color(color: str, edge_count: int) -> str:
    """The colour a line is drawn in: as is, or half see-through when there are many lines."""
    if edge_count <= SEE_THROUGH_ABOVE:
        return color
    red, green, blue = (int(color[i:i + 2], 16) for i in (1, 3, 5))
    return f"rgba({red},{green},{blue},0.5)"


def node_size(degree: int, shown: int = 1) -> float:
    """Radius by degree; smaller when many nodes share the first fit (``shown`` of them), so that
    nodes keep to their own room (kg.export.layout spreads the first fit over the same area)."""
    crowd = min(1.0, math.sqrt(300 / max(shown, 1)))
    return round(max(3.0, min(6.0 + 2.5 * math.sqrt(degree), 26.0) * crowd), 1)


def is_large(node_count: int) -> bool:
    return node_count > SMALL


def groups() -> dict[str, Any]:
    """vis-network groups: one style object per node type (per-node style objects are slow at 20k)."""
    out: dict[str, Any] = {}
    for name, (fill, border, shape) in NODE_STYLE.items():
        color = {"background": fill, "border": border, "highlight": {"background": fill, "border": "#111111"},
                 "hover": {"background": fill, "border": "#111111"}}
        out[name] = {"shape": shape, "color": color}
    out["Claim"]["size"] = 9
    return out


def options(node_count: int, edge_count: int) -> dict[str, Any]:
    large = is_large(node_count)
    if large:
        physics: dict[str, Any] = {
            "solver": "barnesHut",
            "barnesHut": {"gravitationalConstant": -4000, "springLength": 95, "springConstant": 0.04,
                          "damping": 0.3, "avoidOverlap": 0, "theta": 0.8},
        }
    else:
        physics = {
            "solver": "forceAtlas2Based",
            "forceAtlas2Based": {"gravitationalConstant": -120, "centralGravity": 0.012, "springLength": 170,
                                 "springConstant": 0.06, "damping": 0.5, "avoidOverlap": 0.8},
        }
    # positions come from kg.export.layout: the page opens with physics off and the toggle starts it
    physics.update(enabled=False, stabilization={"enabled": False}, adaptiveTimestep=True, minVelocity=1.0)
    return {
        "autoResize": True,
        "groups": groups(),
        "layout": {"randomSeed": 7, "improvedLayout": False},
        "physics": physics,
        "interaction": {"hover": not large, "tooltipDelay": 200, "hideEdgesOnDrag": True,
                        "hideEdgesOnZoom": large or edge_count > 2000, "navigationButtons": False,
                        "keyboard": {"enabled": True, "bindToWindow": False}, "multiselect": False},
        "edges": {
            "arrows": {"to": {"enabled": True, "scaleFactor": 0.6}},
            "smooth": False,
            "width": 1.4,
            "selectionWidth": 2,
            "font": {"size": 11, "align": "horizontal", "color": "#222", "strokeWidth": 4,
                     "strokeColor": "#ffffff"},
            "color": {"color": DEFAULT_RELATION.color, "inherit": False},
        },
        "nodes": {"borderWidth": 1.5, "font": {"size": 0}},  # labels: drawn by view-labels.js
    }
