"""The view's data: a pyvis Network filled directly from the kg network, plus what the page needs.

pyvis holds the nodes, edges and options (its ``add_node`` is quadratic on large graphs, so the
lists are filled directly). Every node and edge also carries plain-text fields for the side panel
and filters (``kg*``). Nothing here is markup: the page shows all of it with ``textContent``, and
vis-network shows ``title`` strings with ``innerText``.
"""

from __future__ import annotations

from typing import Any

from pyvis.network import Network as PyvisNetwork

from kg.export import communities, search, style
from kg.export.collapse import COLLAPSED, claim_lines, collapse_claims, collapsed_label
from kg.export.layout import Layout, force_positions
from kg.export.timeline import node_dates
from kg.query.network import TYPE_NAMES, Edge, Network, Node

CLAIM_LABEL_CHARS = 34  # a claim's label on the drawing; its text is in the tooltip and the panel
LABEL_CHARS = 42


def short(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def admiralty(node: Node, net: Network) -> str | None:
    """A claim's Admiralty code: reliability of where it appeared, credibility of the claim ("C6")."""
    if node.type != "Claim":
        return node.reliability
    letters = sorted({p.reliability for i in node.publications if (p := net.nodes.get(i)) and p.reliability})
    letter = letters[0] if len(letters) == 1 else "/".join(letters) if letters else None
    if letter is None and node.credibility is None:
        return None
    return f"{letter or '?'}{node.credibility or '?'}"


def admiralty_text(node: Node, net: Network, grade: str | None) -> str | None:
    """The grade spelled out: where the reliability comes from and what each half means."""
    if grade is None:
        return None
    if node.type != "Claim":
        return f"{node.details.get('reliability', grade)}: reliability of this source"
    graded = [p for i in sorted(node.publications) if (p := net.nodes.get(i)) and p.reliability]
    source = "; ".join(f"{p.details.get('reliability', p.reliability)} for {short(p.label, 60)}" for p in graded)
    parts = [f"source reliability {source}" if source else "source reliability not graded",
             f"credibility {node.details['credibility']}" if "credibility" in node.details
             else "credibility not graded"]
    return f"{grade}: " + "; ".join(parts)


def _labels(ids: set[str] | list[str], net: Network) -> list[str]:
    return sorted(net.nodes[i].label for i in ids if i in net.nodes)


def _node_title(node: Node, net: Network, grade: str | None) -> str:
    kind = node.type + (f" · {node.subtype}" if node.subtype else "")
    lines = [short(node.label, 300), kind]
    if node.aliases:
        lines.append("also known as: " + ", ".join(node.aliases))
    if grade:
        lines.append(f"Admiralty grade: {grade}")
    for key in ("exact quote", "kind", "organization kind"):
        if key in node.details:
            lines.append(f"{key}: {short(node.details[key], 300)}")
    if node.type == "Claim" and "text" in node.details and len(node.details["text"]) > len(lines[0]):
        lines.insert(1, short(node.details["text"], 600))
    pubs = _labels(node.publications - {node.id}, net)
    if pubs:
        lines.append("publications: " + "; ".join(short(p, 80) for p in pubs[:5]) + (" …" if len(pubs) > 5 else ""))
    if node.sources:
        lines.append("sources: " + ", ".join(sorted(node.sources)))
    return "\n".join(lines)


def _node(node: Node, net: Network, degree: int, rank: int, date: str | None, shown: int) -> dict[str, Any]:
    """Colour and shape come from the node's group (one options object per type, not per node); the
    label is drawn by the page (view-labels.js), most important nodes first, never overlapping."""
    grade = admiralty(node, net)
    item: dict[str, Any] = {
        "id": node.id, "title": _node_title(node, net, grade), "group": node.type,
        "kgType": node.type, "kgLabel": node.label, "kgSubtype": node.subtype, "kgAliases": node.aliases,
        "kgDetails": [[k, v] for k, v in node.details.items()], "kgSources": sorted(node.sources),
        "kgPubs": sorted(node.publications), "kgGrade": grade,
        "kgGradeText": admiralty_text(node, net, grade), "kgDegree": degree, "kgRank": rank,
        "kgKeys": search.keys(node), "kgDate": date,
    }
    if node.type == "Claim":
        item["kgShort"] = short(node.details.get("text", node.label), CLAIM_LABEL_CHARS)
    else:
        item.update(kgShort=short(node.label, LABEL_CHARS), size=style.node_size(degree, shown))
    return item


def _edge(ident: str, edge: Edge, net: Network, collapsed: bool, dashed: bool) -> dict[str, Any]:
    """``dashed``: lines keep their dash patterns (few edges); with many, they are also see-through."""
    if collapsed:
        label = collapsed_label(len(edge.claims))
    else:
        label = edge.relation + (f" ({', '.join(sorted(edge.roles))})" if edge.roles else "")
    ends = f"{short(net.nodes[edge.source].label, 60)} → {short(net.nodes[edge.target].label, 60)}"
    lines = [label, ends, *(claim_lines(edge, net) if collapsed else [])]
    pubs = _labels(edge.publications, net)
    if pubs:
        lines.append("publications: " + "; ".join(short(p, 80) for p in pubs[:5]) + (" …" if len(pubs) > 5 else ""))
    if edge.sources:
        lines.append("sources: " + ", ".join(sorted(edge.sources)))
    look = style.relation_style(edge.relation)
    item: dict[str, Any] = {
        "id": ident, "from": edge.source, "to": edge.target,
        "label": label, "title": "\n".join(lines), "width": look.width,
        "color": style.line_color(look.color, len(net.edges)),
        "kgRelation": edge.relation, "kgRoles": sorted(edge.roles), "kgSources": sorted(edge.sources),
        "kgPubs": sorted(edge.publications), "kgCollapsed": collapsed,
    }
    if collapsed:
        item["kgClaims"] = edge.claims
        item["width"] = round(look.width + min(len(edge.claims), 8) * 0.6, 2)
    if look.dashes and dashed:
        item["dashes"] = list(look.dashes)
    if look.arrow != "arrow":
        item["arrows"] = {"to": {"enabled": True, "type": look.arrow}}
    return item


def _lean(item: dict[str, Any]) -> dict[str, Any]:
    """Leave out empty kg* fields (the page reads a missing field as empty): 10-20% of a large page."""
    return {k: v for k, v in item.items()
            if not (k.startswith("kg") and k not in ("kgType", "kgLabel") and v in (None, [], False, ""))}


def first_shown(net: Network) -> set[str]:
    """The nodes the page draws when it opens: all, or without claims when it opens collapsed."""
    claims = sum(1 for n in net.nodes.values() if n.type == "Claim")
    if claims <= style.COLLAPSE_ABOVE:
        return set(net.nodes)
    return {i for i, n in net.nodes.items() if n.type != "Claim"}


def to_pyvis(net: Network, layout: Layout | None = None) -> PyvisNetwork:
    """Fill a pyvis Network directly: kg nodes, kg edges, then the collapsed claimant -> subject edges."""
    view = PyvisNetwork(directed=True, cdn_resources="remote")
    degree = net.degree()
    ranks = search.importance(net, degree)
    dates = node_dates(net)
    shown = first_shown(net)
    layout = layout or force_positions(net, shown=shown)
    positions, groups = layout.positions, layout.communities
    for node in net.nodes.values():
        item = _node(node, net, degree.get(node.id, 0), ranks[node.id], dates.get(node.id), len(shown))
        if groups is not None:  # coloured by community, shaped and outlined by type
            border = style.NODE_STYLE.get(node.type, style.NODE_STYLE["Other"])[1]
            fill = communities.colour(groups[node.id])
            item["color"] = {"background": fill, "border": border,
                             "highlight": {"background": fill, "border": "#111111"}}
            item["kgCommunity"] = groups[node.id] + 1
        item["x"], item["y"] = positions[node.id]
        view.nodes.append(_lean(item))
        view.node_ids.append(node.id)
    dashed = len(net.edges) <= style.DASHES_UP_TO
    for index, edge in enumerate(net.edges.values()):
        view.edges.append(_lean(_edge(f"e{index}", edge, net, edge.relation == COLLAPSED, dashed)))
    has_claims = any(n.type == "Claim" for n in net.nodes.values())
    if has_claims:
        for index, edge in enumerate(collapse_claims(net)):
            view.edges.append(_lean(_edge(f"c{index}", edge, net, True, dashed)))
    view.options = style.options(len(net.nodes), len(net.edges))
    return view


def _relation_legend(relation: str, dashed: bool) -> dict[str, Any]:
    look = style.relation_style(relation)
    return {"name": relation, "color": look.color, "width": look.width, "dashes": list(look.dashes) if dashed else [],
            "arrow": look.arrow}


def payload(net: Network, title: str, subtitle: str = "", layout: Layout | None = None) -> dict[str, Any]:
    """Everything the page reads from its JSON data block."""
    view = to_pyvis(net, layout)
    counts = dict.fromkeys(TYPE_NAMES, 0)
    for node in net.nodes.values():
        counts[node.type] += 1
    groups = view.options["groups"]
    types = [{"name": t, "fill": groups[t]["color"]["background"], "border": groups[t]["color"]["border"],
              "shape": groups[t]["shape"], "count": counts[t]} for t in TYPE_NAMES]
    relations = sorted({e.relation for e in net.edges.values()})
    publications = sorted(([n.id, n.label] for n in net.nodes.values() if n.type == "Publication"),
                          key=lambda p: p[1].casefold())
    return {
        "title": title, "subtitle": subtitle, "nodes": view.nodes, "edges": view.edges, "options": view.options,
        "types": types, "relations": [_relation_legend(r, len(net.edges) <= style.DASHES_UP_TO) for r in relations],
        "sources": net.source_names(), "publications": publications, "large": style.is_large(len(net.nodes)),
        "claims": counts["Claim"] > 0, "collapsed": counts["Claim"] > style.COLLAPSE_ABOVE,
        "edgeLabels": len(net.nodes) <= style.EDGE_LABELS_UP_TO,
        "communities": len(set(layout.communities.values())) if layout and layout.communities else 0,
    }
