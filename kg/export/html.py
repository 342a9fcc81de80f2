"""The HTML network view: one self-contained, offline page that treats all graph text as data.

pyvis's own templates load vis-network and Bootstrap from CDNs (even in "local"/"in_line" mode),
write ``heading`` and ``select_menu`` as raw HTML, and switch to innerHTML tooltips when a title
contains "href". We use pyvis only to hold nodes, edges and options (kg.export.payload) and write
our own page: vis-network's script from the pyvis package and our script and style inlined, the
graph as JSON in a ``<script type="application/json">`` block read with JSON.parse, text shown
with textContent only, and a Content-Security-Policy that allows exactly those two scripts and
one style (by hash) and nothing else: no network, no images, no frames, no forms, no base URL.
"""

from __future__ import annotations

import base64
import hashlib
import json
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Any

from kg.export.layout import Layout
from kg.export.payload import payload
from kg.fsutil import write_bytes_atomic
from kg.query.network import Network

VIS_VERSION = "vis-9.1.2"
# concatenated in this order
SCRIPTS = ("view-panel.js", "view-search.js", "view-controls.js", "view-labels.js", "view-timeline.js", "view.js")


@cache
def vis_script() -> str:
    """vis-network's standalone build, as shipped inside the pyvis package (no CDN)."""
    return (Path(str(files("pyvis"))) / "lib" / VIS_VERSION / "vis-network.min.js").read_text(encoding="utf-8")


def _asset(name: str) -> str:
    return (files("kg.export") / name).read_text(encoding="utf-8")


def app_script() -> str:
    """Our scripts, in one strict-mode function scope (no globals but window.kgView)."""
    body = "\n".join(_asset(name) for name in SCRIPTS)
    return f'"use strict";\n(function () {{\n{body}\n}})();\n'



def json_for_script(data: Any) -> str:
    """JSON that cannot end its <script> element: '<', '>' and '&' are written as \\u escapes.

    U+2028/U+2029 are escaped too, so the text stays valid if anyone ever pastes it into JS.
    """
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    for raw, escaped in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"),
                         ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(raw, escaped)
    return text


def csp_hash(code: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(code.encode("utf-8")).digest()).decode() + "'"


def escape_text(text: str) -> str:
    """For the page <title> only (element text); everything else is set from script with textContent."""
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;").replace("'", "&#39;"))


def content_security_policy(scripts: list[str], styles: list[str]) -> str:
    return ("default-src 'none'; "
            f"script-src {' '.join(csp_hash(s) for s in scripts)}; "
            f"style-src {' '.join(csp_hash(s) for s in styles)}; "
            "img-src 'none'; font-src 'none'; connect-src 'none'; media-src 'none'; object-src 'none'; "
            "frame-src 'none'; worker-src 'none'; manifest-src 'none'; base-uri 'none'; form-action 'none'")


def render(net: Network, title: str = "kg network", subtitle: str = "", layout: Layout | None = None) -> str:
    data = payload(net, title, subtitle, layout)
    vis_js, app_js, app_css = vis_script(), app_script(), _asset("view.css")
    page = _asset("view.html")
    replacements = {
        "@CSP@": content_security_policy([vis_js, app_js], [app_css]),
        "@TITLE@": escape_text(title),
        "@APP_CSS@": app_css,
        "@DATA@": json_for_script(data),
        "@VIS_JS@": vis_js,
        "@APP_JS@": app_js,
    }
    # one pass over the template, so nothing inserted is ever scanned for markers again
    out: list[str] = []
    rest = page
    while "@" in rest:
        before, _, after = rest.partition("@")
        marker = "@" + after.split("@", 1)[0] + "@"
        if marker in replacements:
            out += [before, replacements[marker]]
            rest = after[len(marker) - 1:]
        else:
            out.append(before + "@")
            rest = after
    out.append(rest)
    return "".join(out)


def write_view(net: Network, target: Path, title: str = "kg network", subtitle: str = "",
               layout: Layout | None = None) -> int:
    """Write the page atomically; returns its size in bytes."""
    data = render(net, title, subtitle, layout).encode("utf-8")
    write_bytes_atomic(target, data)
    return len(data)
