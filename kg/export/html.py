"""The HTML network view: pyvis builds the network, our own page renders it offline and safely.

pyvis's own templates load vis-network and Bootstrap from CDNs and switch to innerHTML tooltips
when a title contains "href"; we only use pyvis to hold nodes, edges and options, and write a
page with every script and style inlined, graph data as JSON read with JSON.parse, text shown
with textContent only, and a Content-Security-Policy that allows nothing else.
"""

from __future__ import annotations

import base64
import hashlib
import json
from importlib.resources import files
from pathlib import Path
from typing import Any

from pyvis.network import Network as PyvisNetwork

from kg.export.network import Network
from kg.fsutil import write_bytes_atomic

STYLE: dict[str, dict[str, Any]] = {
    "Person": {"color": "#4e79a7", "shape": "dot"},
    "Organization": {"color": "#f28e2b", "shape": "square"},
    "Publication": {"color": "#59a14f", "shape": "triangle"},
    "Claim": {"color": "#b07aa1", "shape": "diamond"},
}
OPTIONS: dict[str, Any] = {
    "physics": {"solver": "forceAtlas2Based", "stabilization": {"iterations": 300, "fit": True},
                "forceAtlas2Based": {"gravitationalConstant": -60, "springLength": 120}},
    "interaction": {"hover": True, "tooltipDelay": 150, "hideEdgesOnDrag": True, "navigationButtons": False},
    "edges": {"arrows": {"to": {"enabled": True, "scaleFactor": 0.5}}, "smooth": False,
              "font": {"size": 10, "align": "middle", "color": "#555"}, "color": {"color": "#9aa"}},
    "nodes": {"font": {"size": 13}, "borderWidth": 1},
}


def _vis_assets() -> tuple[str, str]:
    lib = Path(str(files("pyvis"))) / "lib" / "vis-9.1.2"
    script = (lib / "vis-network.min.js").read_text(encoding="utf-8")
    return script, (lib / "vis-network.css").read_text(encoding="utf-8")


def _tooltip(node_type: str, label: str, aliases: list[str], details: dict[str, str], sources: set[str]) -> str:
    lines = [f"{label} ({node_type})"]
    if aliases:
        lines.append("also: " + ", ".join(aliases))
    lines += [f"{k}: {v}" for k, v in details.items()]
    if sources:
        lines.append("sources: " + ", ".join(sorted(sources)))
    return "\n".join(lines)


def to_pyvis(net: Network) -> PyvisNetwork:
    """Fill a pyvis Network directly (its add_node is quadratic on large graphs)."""
    view = PyvisNetwork(directed=True, cdn_resources="in_line")
    degree: dict[str, int] = {}
    for edge in net.edges.values():
        degree[edge.source] = degree.get(edge.source, 0) + 1
        degree[edge.target] = degree.get(edge.target, 0) + 1
    for node in net.nodes.values():
        style = STYLE[node.type]
        view.nodes.append({
            "id": node.id, "label": node.label if node.type != "Claim" else _short(node.label, 40),
            "title": _tooltip(node.type, node.label, node.aliases, node.details, node.sources),
            "group": node.type, "color": style["color"], "shape": style["shape"],
            "size": 10 + 4 * min(degree.get(node.id, 0), 10), "kgType": node.type,
            "kgAliases": node.aliases, "kgSources": sorted(node.sources), "kgDetails": node.details,
        })
        view.node_ids.append(node.id)
    for edge in net.edges.values():
        label = edge.relation + (f" ({', '.join(sorted(edge.roles))})" if edge.roles else "")
        view.edges.append({
            "from": edge.source, "to": edge.target, "label": label,
            "title": label + ("\nsources: " + ", ".join(sorted(edge.sources)) if edge.sources else ""),
            "kgSources": sorted(edge.sources),
        })
    return view


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _json_for_script(data: Any) -> str:
    """JSON safe inside <script type=application/json>: no '<', '>' or '&' can close the element."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _csp_hash(code: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(code.encode("utf-8")).digest()).decode() + "'"


def render(net: Network, title: str = "kg network") -> str:
    view = to_pyvis(net)
    vis_js, vis_css = _vis_assets()
    here = files("kg.export")
    app_js = (here / "view.js").read_text(encoding="utf-8")
    app_css = (here / "view.css").read_text(encoding="utf-8")
    payload = {"nodes": view.nodes, "edges": view.edges, "options": OPTIONS,
               "legend": {k: v["color"] for k, v in STYLE.items()}}
    csp = ("default-src 'none'; img-src data:; "
           f"style-src {_csp_hash(vis_css)} {_csp_hash(app_css)}; "
           f"script-src {_csp_hash(vis_js)} {_csp_hash(app_js)}")
    page = (here / "view.html").read_text(encoding="utf-8")
    for marker, value in (("@CSP@", csp), ("@VIS_CSS@", vis_css), ("@APP_CSS@", app_css), ("@VIS_JS@", vis_js),
                          ("@APP_JS@", app_js), ("@DATA@", _json_for_script(payload)),
                          ("@TITLE@", _escape_text(title))):
        page = page.replace(marker, value, 1)
    return page


def _escape_text(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def write_view(net: Network, target: Path, title: str = "kg network") -> None:
    write_bytes_atomic(target, render(net, title).encode("utf-8"))
