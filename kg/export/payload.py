"""The view's data: a pyvis Network filled directly from the kg network, plus what the page needs.

pyvis holds the nodes, edges and options (its ``add_node`` is quadratic on large graphs, so the
lists are filled directly). Every node and edge also carries plain-text fields for the side panel
and filters (``kg*``). Nothing here is markup: the page shows all of it with ``textContent``, and
vis-network shows ``title`` strings with ``innerText``.
"""

from __future__ import annotations

from typing import Any

from pyvis.network import Network as PyvisNetwork

from kg.export import style
from kg.export.collapse import COLLAPSED, claim_lines, collapse_claims, collapsed_label
from kg.export.layout import seed_positions, story_positions
from kg.query.network import TYPE_NAMES, Edge, Network, Node

CLAIM_LABEL_CHARS = 90
LARGE_LABEL_CHARS = 40


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


def _node(node: Node, net: Network, degree: int, large: bool) -> dict[str, Any]:
    """Colour and shape come from the node's group (one options object per type, not per node)."""
    grade = admiralty(node, net)
    item: dict[str, Any] = {
        "id": node.id, "title": _node_title(node, net, grade), "group": node.type,
        "kgType": node.type, "kgLabel": node.label, "kgSubtype": node.subtype, "kgAliases": node.aliases,
        "kgDetails": [[k, v] for k, v in node.details.items()], "kgSources": sorted(node.sources),
        "kgPubs": sorted(node.publications), "kgGrade": grade,
        "kgGradeText": admiralty_text(node, net, grade), "kgDegree": degree,
    }
    if node.type == "Claim":
        text = node.details.get("text", node.label)
        item["label"] = short(text, LARGE_LABEL_CHARS if large else CLAIM_LABEL_CHARS)
    else:
        item.update(label=short(node.label, LARGE_LABEL_CHARS if large else 60), size=style.node_size(degree))
    return item


def _edge(ident: str, edge: Edge, net: Network, collapsed: bool, large: bool) -> dict[str, Any]:
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
    color = style.RELATION_COLOR.get(edge.relation, style.DEFAULT_EDGE_COLOR)
    item: dict[str, Any] = {
        "id": ident, "from": edge.source, "to": edge.target,
        "label": label, "title": "\n".join(lines), "color": color,
        "kgRelation": edge.relation, "kgRoles": sorted(edge.roles), "kgSources": sorted(edge.sources),
        "kgPubs": sorted(edge.publications), "kgCollapsed": collapsed,
    }
    if collapsed:
        item["kgClaims"] = edge.claims
        item["width"] = round(1.5 + min(len(edge.claims), 8) * 0.75, 2)
    elif edge.relation == "about" and not large:  # dashed lines cost a canvas save/restore each
        item["dashes"] = [6, 4]
    if not large and edge.relation in style.RELATION_LENGTH:
        item["length"] = style.RELATION_LENGTH[edge.relation]
    return item


def _curve(item: dict[str, Any], positions: dict[str, tuple[float, float]], pairs: dict[frozenset[str], int]) -> None:
    """In story columns, bend edges that run backwards or share their two ends, so none hides another."""
    pair = frozenset((item["from"], item["to"]))
    seen = pairs[pair] = pairs.get(pair, 0) + 1
    backwards = positions[item["to"]][0] < positions[item["from"]][0]
    if seen > 1 or backwards or len(pair) == 1:
        item["smooth"] = {"enabled": True, "type": "curvedCW" if seen % 2 else "curvedCCW",
                          "roundness": 0.18 + 0.12 * (seen // 2) + (0.1 if backwards else 0.0)}


def _lean(item: dict[str, Any]) -> dict[str, Any]:
    """Leave out empty kg* fields (the page reads a missing field as empty): 10-20% of a large page."""
    return {k: v for k, v in item.items()
            if not (k.startswith("kg") and k not in ("kgType", "kgLabel") and v in (None, [], False, ""))}


def to_pyvis(net: Network) -> PyvisNetwork:
    """Fill a pyvis Network directly: kg nodes, kg edges, then the collapsed claimant -> subject edges."""
    large = style.is_large(len(net.nodes))
    view = PyvisNetwork(directed=True, cdn_resources="remote")
    degree = net.degree()
    story = style.is_story(net)
    positions = seed_positions(net) if large else story_positions(net) if story else {}
    for node in net.nodes.values():
        item = _node(node, net, degree.get(node.id, 0), large)
        if node.id in positions:
            item["x"], item["y"] = positions[node.id]
        view.nodes.append(_lean(item))
        view.node_ids.append(node.id)
    pairs: dict[frozenset[str], int] = {}
    for index, edge in enumerate(net.edges.values()):
        item = _edge(f"e{index}", edge, net, edge.relation == COLLAPSED, large)
        if story:
            _curve(item, positions, pairs)
        view.edges.append(_lean(item))
    has_claims = any(n.type == "Claim" for n in net.nodes.values())
    if has_claims:
        for index, edge in enumerate(collapse_claims(net)):
            view.edges.append(_lean(_edge(f"c{index}", edge, net, True, large)))
    view.options = style.options(len(net.nodes), len(net.edges), story)
    return view


def payload(net: Network, title: str) -> dict[str, Any]:
    """Everything the page reads from its JSON data block."""
    view = to_pyvis(net)
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
        "title": title, "nodes": view.nodes, "edges": view.edges, "options": view.options,
        "types": types, "relations": [[r, style.RELATION_COLOR.get(r, style.DEFAULT_EDGE_COLOR)] for r in relations],
        "sources": net.source_names(), "publications": publications, "large": style.is_large(len(net.nodes)),
        "claims": counts["Claim"] > 0,
    }
