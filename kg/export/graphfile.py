"""The network as a graph file for Gephi and other graph tools: GraphML and GEXF 1.3, via networkx.

The nodes and edges are the ones the view draws (kg.query.network). Nodes carry their label,
type, subtype, aliases, Admiralty grade, claim text and quote, source files and supporting
publications as attributes, plus (GEXF) Gephi's colour, size and a starting position; edges carry
their relation, roles and source files. Several values of one attribute are joined with "; "
(neither format has lists that Gephi reads). Written in IRI order, so the same store gives the
same bytes: networkx stamps a GEXF file with today's date and its own version, which kg replaces
with a fixed creator and no date.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO, Any
from xml.etree.ElementTree import Element

import networkx as nx
from networkx.readwrite.gexf import GEXFWriter

from kg.export import style
from kg.export.layout import force_positions
from kg.export.payload import admiralty
from kg.query.network import Network

GRAPH_FORMATS = ("graphml", "gexf")
# Gephi's own guidance: comfortable up to about 100,000 nodes and 1,000,000 edges on a laptop
GEPHI_NODES = 100_000
GEPHI_EDGES = 1_000_000
_XSI = "http://www.w3.org/2001/XMLSchema-instance"  # networkx writes a misspelt one for GEXF 1.3
_SHAPES = {"dot": "disc", "square": "square", "triangle": "triangle", "box": "square", "ellipse": "disc"}


@dataclass
class GraphResult:
    nodes: int
    edges: int
    bytes: int
    warning: str | None = None


def _joined(values: Iterator[str] | list[str] | set[str]) -> str:
    return "; ".join(sorted(values))


def _rgb(colour: str) -> dict[str, int]:
    return {"r": int(colour[1:3], 16), "g": int(colour[3:5], 16), "b": int(colour[5:7], 16)}


def to_networkx(net: Network, viz: bool = False) -> nx.MultiDiGraph:
    """A MultiDiGraph keyed by relation; ``viz`` adds GEXF's colour, size, shape and position."""
    graph = nx.MultiDiGraph()
    degree = net.degree()
    positions: dict[str, tuple[float, float]] = force_positions(net).positions if viz else {}
    for iri in sorted(net.nodes):
        node = net.nodes[iri]
        attrs: dict[str, Any] = {
            "label": node.label, "type": node.type, "subtype": node.subtype or "",
            "aliases": _joined(node.aliases), "grade": admiralty(node, net) or "",
            "sources": _joined(node.sources),
            "publications": _joined(net.nodes[p].label for p in node.publications - {iri} if p in net.nodes),
            "text": node.details.get("text", ""), "quote": node.details.get("exact quote", ""),
            "kind": node.details.get("kind", node.details.get("organization kind", "")),
            "iri": iri,
        }
        if viz:
            fill, _, shape = style.NODE_STYLE.get(node.type, style.NODE_STYLE["Other"])
            x, y = positions.get(iri, (0.0, 0.0))
            attrs["viz"] = {"color": {**_rgb(fill), "a": 1.0}, "size": style.node_size(degree.get(iri, 0)),
                            "shape": _SHAPES.get(shape, "disc"), "position": {"x": x, "y": -y, "z": 0.0}}
        graph.add_node(iri, **attrs)
    for key in sorted(net.edges):
        edge = net.edges[key]
        attrs = {"relation": edge.relation, "roles": _joined(edge.roles), "sources": _joined(edge.sources),
                 "label": edge.relation}
        if viz:
            attrs["viz"] = {"color": {**_rgb(style.relation_style(edge.relation).color), "a": 1.0}}
        graph.add_edge(edge.source, edge.target, key=edge.relation, **attrs)
    return graph


def write_graph(net: Network, fmt: str, handle: IO[bytes]) -> GraphResult:
    graph = to_networkx(net, viz=fmt == "gexf")
    buffer = io.BytesIO()
    if fmt == "graphml":
        nx.write_graphml(graph, buffer, encoding="utf-8", prettyprint=True, named_key_ids=True)
    else:
        writer = GEXFWriter(encoding="utf-8", prettyprint=True, version="1.3")
        root: Element = writer.xml
        root.set("xmlns:xsi", _XSI)
        meta = root.find("meta")
        if meta is not None:
            meta.attrib.pop("lastmodifieddate", None)
            creator = meta.find("creator")
            if creator is not None:
                creator.text = "kg"
        writer.add_graph(graph)
        for element in root.iter("graph"):  # not a GEXF attribute: networkx's graph name
            element.attrib.pop("name", None)
        writer.write(buffer)
    data = buffer.getvalue()
    handle.write(data)
    return GraphResult(graph.number_of_nodes(), graph.number_of_edges(), len(data), gephi_warning(graph))


def gephi_warning(graph: nx.MultiDiGraph) -> str | None:
    nodes, edges = GEPHI_NODES, GEPHI_EDGES
    if graph.number_of_nodes() <= nodes and graph.number_of_edges() <= edges:
        return None
    return (f"the graph has {graph.number_of_nodes():,} nodes and {graph.number_of_edges():,} edges, more than "
            f"Gephi handles comfortably (about {nodes:,} nodes and {edges:,} edges): give Gephi more memory, "
            "or export a part with --around NAME, --types or --source")
