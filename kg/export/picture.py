"""Pictures of a view for a memo or a report: an SVG written in Python from the computed layout, and
a PNG of that SVG drawn by headless Chromium when it is installed.

The picture shows what the page shows when it opens: the same positions (kg.export.layout), the same
nodes (claims folded into claimant -> subject edges above style.COLLAPSE_ABOVE claims), the same
colours and line styles, and labels placed the way view-labels.js places them (most important
first, each where it overlaps none already placed), under a title and above a legend. All text is
escaped for XML; nothing from the graph becomes markup.
"""

from __future__ import annotations

import math
import re
import shutil
import subprocess
import tempfile
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from kg.errors import OutputError
from kg.export import communities, search, style
from kg.export.collapse import collapse_claims
from kg.export.layout import CHAR_PX, Layout
from kg.export.payload import CLAIM_LABEL_CHARS, LABEL_CHARS, first_shown, short
from kg.fsutil import write_bytes_atomic
from kg.query.network import TYPE_NAMES, Edge, Network

_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
WIDTH = 1600
MARGIN = 60
TOP = 70  # title
LEGEND = 70
CHROMIUM = ("chromium", "chromium-browser", "google-chrome")
PNG_TIMEOUT_S = 120


def _text(text: str) -> str:
    """Graph text as XML character data: escaped, and characters XML cannot hold (NUL, most control
    characters, lone surrogates) shown as U+FFFD."""
    return escape(_NOT_XML.sub("\ufffd", text))


def _drawn(net: Network) -> tuple[set[str], list[Edge]]:
    shown = first_shown(net)
    edges = [e for e in net.edges.values() if e.source in shown and e.target in shown]
    if len(shown) < len(net.nodes):  # claims folded away, as the page opens
        edges += [e for e in collapse_claims(net) if e.source in shown and e.target in shown]
    return shown, edges


def _shape(kind: str, x: float, y: float, r: float, fill: str, border: str) -> str:
    paint = f'fill={quoteattr(fill)} stroke={quoteattr(border)} stroke-width="1.5"'
    shape = style.NODE_STYLE.get(kind, style.NODE_STYLE["Other"])[2]
    if shape == "dot":
        return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{r:.1f}" {paint}/>'
    if shape == "square":
        return f'<rect x="{x - r:.1f}" y="{y - r:.1f}" width="{2 * r:.1f}" height="{2 * r:.1f}" {paint}/>'
    corners = {"triangle": [(0, -1.15), (1.0, 0.6), (-1.0, 0.6)],
               "diamond": [(0, -1.3), (1.3, 0), (0, 1.3), (-1.3, 0)],
               "hexagon": [(math.cos(a * math.pi / 3), math.sin(a * math.pi / 3)) for a in range(6)]}[shape]
    points = " ".join(f"{x + dx * r:.1f},{y + dy * r:.1f}" for dx, dy in corners)
    return f'<polygon points="{points}" {paint}/>'


def _edge(edge: Edge, a: tuple[float, float], b: tuple[float, float], gap: float, scale: float) -> str:
    look = style.relation_style(edge.relation)
    width = look.width + (min(len(edge.claims), 8) * 0.6 if edge.claims else 0.0)
    dashes = f' stroke-dasharray="{" ".join(str(d) for d in look.dashes)}"' if look.dashes else ""
    length = math.dist(a, b)
    if length < 1e-6:
        return ""
    ux, uy = (b[0] - a[0]) / length, (b[1] - a[1]) / length
    tip = (b[0] - ux * gap, b[1] - uy * gap)
    size = 4 + width * 1.5
    left = (tip[0] - ux * size - uy * size * 0.5, tip[1] - uy * size + ux * size * 0.5)
    right = (tip[0] - ux * size + uy * size * 0.5, tip[1] - uy * size - ux * size * 0.5)
    line = (f'<line x1="{a[0]:.1f}" y1="{a[1]:.1f}" x2="{tip[0]:.1f}" y2="{tip[1]:.1f}" '
            f'stroke={quoteattr(look.color)} stroke-width="{width:.1f}"{dashes} stroke-opacity="0.75"/>')
    head = (f'<polygon points="{tip[0]:.1f},{tip[1]:.1f} {left[0]:.1f},{left[1]:.1f} {right[0]:.1f},{right[1]:.1f}" '
            f'fill={quoteattr(look.color)}/>')
    return line + head


def _spots(x: float, y: float, r: float, w: float, h: float) -> list[tuple[float, float]]:
    """Where a label may go, in order of preference (view-labels.js tries the same ones)."""
    d = r * 0.7
    return [(x - w / 2, y + r), (x - w / 2, y - r - h), (x + r + 2, y - h / 2), (x - r - 2 - w, y - h / 2),
            (x + d, y + d), (x - w - d, y + d), (x + d, y - d - h), (x - w - d, y - d - h),
            (x - w / 2, y + r + h), (x - w / 2, y - r - 2 * h)]


def place_labels(boxes: list[tuple[str, float, float, float, float, float]],
                 width: float, height: float) -> list[tuple[str, float, float]]:
    """(id, x, y, radius, text width, text height) in rank order -> (id, left, baseline) of the labels
    that fit, as view-labels.js places them."""
    placed: list[tuple[float, float, float, float]] = []
    out = []
    for node, x, y, r, w, h in boxes:
        for left, top in _spots(x, y, r, w, h):
            box = (left - 1, top, left + w + 1, top + h)
            if box[0] < 0 or box[1] < TOP or box[2] > width or box[3] > height - LEGEND:
                continue
            if any(b[0] < box[2] and box[0] < b[2] and b[1] < box[3] and box[1] < b[3] for b in placed):
                continue
            placed.append(box)
            out.append((node, left, top + h - 4))
            break
    return out


def render_svg(net: Network, layout: Layout, title: str, subtitle: str = "") -> str:
    shown, edges = _drawn(net)
    degree = net.degree()
    ranks = search.importance(net, degree)
    points = [layout.positions[i] for i in shown] or [(0.0, 0.0)]
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    span_x, span_y = max(max(xs) - min(xs), 1.0), max(max(ys) - min(ys), 1.0)
    scale = (WIDTH - 2 * MARGIN) / span_x
    height = int(min(max(span_y * scale, 500), 1400)) + TOP + LEGEND + 2 * MARGIN
    scale = min(scale, (height - TOP - LEGEND - 2 * MARGIN) / span_y)

    def at(node: str) -> tuple[float, float]:
        x, y = layout.positions[node]
        return MARGIN + (x - min(xs)) * scale, TOP + MARGIN + (y - min(ys)) * scale

    radius = {i: max(2.5, (style.node_size(degree.get(i, 0), len(shown)) if net.nodes[i].type != "Claim" else 9)
                      * min(scale, 1.2)) for i in shown}
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" '
             f'viewBox="0 0 {WIDTH} {height}" font-family="DejaVu Sans, Arial, sans-serif">',
             f'<rect width="{WIDTH}" height="{height}" fill="#ffffff"/>',
             f'<text x="{MARGIN / 2}" y="32" font-size="22" font-weight="600" fill="#1f2328">{_text(title)}</text>',
             f'<text x="{MARGIN / 2}" y="56" font-size="14" fill="#57606a">{_text(subtitle)}</text>']
    parts += [_edge(e, at(e.source), at(e.target), radius[e.target] + 1, scale) for e in edges]
    order = sorted(shown, key=lambda i: ranks[i])
    for node in reversed(order):  # important nodes drawn last, on top
        kind = net.nodes[node].type
        fill, border, _ = style.NODE_STYLE.get(kind, style.NODE_STYLE["Other"])
        if layout.communities is not None:
            fill = communities.colour(layout.communities[node])
        parts.append(_shape(kind, *at(node), radius[node], fill, border))
    texts: dict[str, str] = {}
    boxes = []
    for rank, node in enumerate(order):
        item = net.nodes[node]
        text = short(item.details.get("text", item.label), CLAIM_LABEL_CHARS) if item.type == "Claim" \
            else short(item.label, LABEL_CHARS)
        texts[node] = text
        size = 11.0 if item.type == "Claim" else 13.5 if rank < 8 else 12.0
        boxes.append((node, *at(node), radius[node] + 2, len(text) * CHAR_PX * size / 12.0, size + 3))
    for node, left, baseline in place_labels(boxes, WIDTH, height):
        item = net.nodes[node]
        weight = ' font-weight="600"' if ranks[node] < 8 else ""
        size = 11 if item.type == "Claim" else 13.5 if ranks[node] < 8 else 12
        parts.append(f'<text x="{left:.1f}" y="{baseline:.1f}" font-size="{size}"{weight} fill="#1b1f24" '
                     f'stroke="#ffffff" stroke-width="3" paint-order="stroke" stroke-linejoin="round">'
                     f"{_text(texts[node])}</text>")
    parts.append(_legend(net, shown, edges, height))
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def _legend(net: Network, shown: set[str], edges: list[Edge], height: int) -> str:
    counts = {t: sum(1 for i in shown if net.nodes[i].type == t) for t in TYPE_NAMES}
    y = height - LEGEND / 2
    x = float(MARGIN / 2)
    out = []
    for kind, count in counts.items():
        if not count:
            continue
        fill, border, _ = style.NODE_STYLE[kind]
        out.append(_shape(kind, x + 6, y - 4, 6, fill, border))
        label = f"{kind} ({count:,})"
        out.append(f'<text x="{x + 16:.1f}" y="{y:.1f}" font-size="13" fill="#1f2328">{_text(label)}</text>')
        x += 30 + len(label) * 7.5
    x += 20
    for relation in sorted({e.relation for e in edges}):
        look = style.relation_style(relation)
        dashes = f' stroke-dasharray="{" ".join(str(d) for d in look.dashes)}"' if look.dashes else ""
        out.append(f'<line x1="{x:.1f}" y1="{y - 4:.1f}" x2="{x + 26:.1f}" y2="{y - 4:.1f}" '
                   f'stroke={quoteattr(look.color)} stroke-width="{look.width}"{dashes}/>')
        out.append(f'<text x="{x + 32:.1f}" y="{y:.1f}" font-size="13" fill="#1f2328">{_text(relation)}</text>')
        x += 50 + len(relation) * 7.5
    return "\n".join(out)


def write_svg(net: Network, layout: Layout, target: Path, title: str, subtitle: str = "") -> int:
    data = render_svg(net, layout, title, subtitle).encode("utf-8")
    write_bytes_atomic(target, data)
    return len(data)


def chromium() -> str | None:
    for name in CHROMIUM:
        found = shutil.which(name)
        if found:
            return found
    return None


def write_png(net: Network, layout: Layout, target: Path, title: str, subtitle: str = "") -> int:
    """The SVG, drawn by headless Chromium (offline: a local file, no network, a fresh profile)."""
    browser = chromium()
    if browser is None:
        raise OutputError("--png needs Chromium to draw the picture (apt-get install chromium); "
                          "--svg FILE writes it without")
    svg = render_svg(net, layout, title, subtitle)
    height = int(svg.split('height="', 1)[1].split('"', 1)[0])
    with tempfile.TemporaryDirectory(prefix="kg-png-") as tmp:
        page, shot = Path(tmp) / "view.svg", Path(tmp) / "view.png"
        page.write_text(svg, encoding="utf-8")
        command = [browser, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--no-first-run",
                   "--disable-background-networking", "--disable-component-update", "--disable-sync",
                   f"--user-data-dir={tmp}/profile", f"--window-size={WIDTH},{height}",
                   f"--screenshot={shot}", page.as_uri()]
        try:
            subprocess.run(command, capture_output=True, timeout=PNG_TIMEOUT_S, check=False)
        except subprocess.TimeoutExpired:
            raise OutputError(f"--png: Chromium did not finish drawing in {PNG_TIMEOUT_S} s") from None
        if not shot.exists() or shot.stat().st_size == 0:
            raise OutputError("--png: Chromium wrote no picture; --svg FILE writes it without Chromium")
        data = shot.read_bytes()
    write_bytes_atomic(target, data)
    return len(data)
