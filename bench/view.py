"""Network view: layout and generation time, page size per node, and time to first draw in headless Chromium.

    python bench/view.py [--sizes 1000,5000,20000] [--timeout 240] [--json PATH]

For each size the same synthetic investigation-shaped network (claims said by people, about
organizations and people, appearing in publications) is written twice: by kg's view and by plain
pyvis with its defaults (``Network(directed=True)``, nodes and edges appended to its lists, then
its own ``write_html``). Both pages are opened in Debian's chromium; kg's page is fully offline,
pyvis's page asks cdnjs/jsdelivr for vis-network, Bootstrap and tom-select: those requests are
answered locally (vis-network from the copy inside the pyvis package, everything else empty) and
counted. Times are milliseconds since navigation started, read from vis-network's own events.
kg's force-directed layout (kg.export.layout, computed in Python) is timed on its own, in CPU seconds,
and is part of kg's generation time.
"""

from __future__ import annotations

import argparse
import contextlib
import random
import re
import sys
import tempfile
import time
from importlib.resources import files
from pathlib import Path
from typing import Any

from pyvis.network import Network as PyvisNetwork

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import peak_mb, row, size_label, write_json

from kg.export.html import write_view
from kg.export.layout import force_positions
from kg.export.payload import first_shown
from kg.query.network import Edge, Network, Node

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
PYVIS_LIB = Path(str(files("pyvis"))) / "lib"
VIS_DIR = PYVIS_LIB / "vis-9.1.2"
# vis-network may finish its first layout inside the constructor, before any listener could be added:
# wrap vis.Network's emitter as the library defines it (its UMD wrapper assigns window.vis, then
# exports.Network), and note the first events
PYVIS_HOOK = """
function kgWrap(Network) {
  const emit = Network.prototype.emit;
  Network.prototype.emit = function (name) {
    if (name === "afterDrawing" && window.__firstDraw === undefined) window.__firstDraw = performance.now();
    if ((name === "stabilizationIterationsDone" || name === "stabilized") && window.__stabilized === undefined)
      window.__stabilized = performance.now();
    return emit.apply(this, arguments);
  };
}
Object.defineProperty(window, "vis", { configurable: true, get() { return this.__vis; }, set(exports) {
  this.__vis = exports;
  let network;
  Object.defineProperty(exports, "Network", { configurable: true, enumerable: true, get() { return network; },
                                              set(value) { network = value; kgWrap(value); } });
}});
"""


def synthetic(nodes: int, seed: int = 11) -> Network:
    """About 15% people, 5% organizations, 10% publications, 70% claims; 2.3 edges per node."""
    rng = random.Random(seed)
    net = Network()
    counts = {"Person": nodes * 15 // 100, "Organization": nodes * 5 // 100, "Publication": nodes * 10 // 100}
    counts["Claim"] = nodes - sum(counts.values())
    ids: dict[str, list[str]] = {}
    for kind, count in counts.items():
        ids[kind] = [f"https://kg.example/{kind.lower()}/{i}" for i in range(count)]
        for i, iri in enumerate(ids[kind]):
            net.nodes[iri] = Node(iri, kind, f"{kind} {i}", sources={f"case{i % 9}.yaml"})
    for pub in ids["Publication"]:
        net.add_edge(Edge(pub, rng.choice(ids["Organization"]), "published by", sources={"case0.yaml"}))
    for person in ids["Person"][::2]:
        net.add_edge(Edge(person, rng.choice(ids["Organization"]), "member of", roles={"member"}))
    for claim in ids["Claim"]:
        net.nodes[claim].details = {"text": f"claim text {claim}", "kind": "Direct quote"}
        net.add_edge(Edge(rng.choice(ids["Person"] + ids["Organization"]), claim, "said"))
        net.add_edge(Edge(claim, rng.choice(ids["Organization"] + ids["Person"]), "about"))
        net.add_edge(Edge(claim, rng.choice(ids["Publication"]), "appeared in"))
    return net


def write_pyvis_default(net: Network, target: Path) -> None:
    """Plain pyvis: default options and template; lists filled directly (add_node is quadratic)."""
    view = PyvisNetwork(directed=True)
    for node in net.nodes.values():
        view.nodes.append({"id": node.id, "label": node.label, "title": node.label, "shape": "dot", "size": 10})
        view.node_ids.append(node.id)
    for edge in net.edges.values():
        view.edges.append({"from": edge.source, "to": edge.target, "title": edge.relation, "arrows": "to"})
    with contextlib.chdir(target.parent):  # pyvis copies its lib/ folder into the working directory
        view.write_html(str(target), notebook=False)
    # the CDN's bytes are not here, so the page gets the vis-network copy shipped inside pyvis;
    # its Subresource Integrity hashes (of the CDN builds) would refuse that copy, so they go
    html = target.read_text(encoding="utf-8")
    target.write_text(re.sub(r'\s(integrity|crossorigin)="[^"]*"', "", html), encoding="utf-8")


def open_page(browser: Any, path: Path, pyvis: bool, timeout_s: float) -> dict[str, Any]:
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    outside: list[str] = []

    def route(r: Any) -> None:
        url = r.request.url
        if url.startswith("file:"):
            if "/lib/" in url and not Path(url.removeprefix("file://")).exists():  # pyvis's "local" mode
                r.fulfill(status=200, path=str(PYVIS_LIB / url.split("/lib/", 1)[1]))
            else:
                r.continue_()
            return
        outside.append(url)
        name = url.rsplit("/", 1)[-1]
        local = {"vis-network.min.js": "vis-network.min.js", "vis-network.min.css": "vis-network.css"}.get(name)
        body = (VIS_DIR / local).read_bytes() if local else b""
        r.fulfill(status=200, body=body, headers={"Access-Control-Allow-Origin": "*"},
                  content_type="text/css" if name.endswith(".css") else "application/javascript")

    page.route("**/*", route)
    if pyvis:
        page.add_init_script(PYVIS_HOOK)
    started = time.perf_counter()
    ready = "body[data-stabilized]" if not pyvis else None
    result: dict[str, Any] = {}
    try:
        page.goto(path.resolve().as_uri(), timeout=timeout_s * 1000)
        if ready:
            page.wait_for_selector(ready, state="attached", timeout=timeout_s * 1000)
            timing = page.evaluate("kgView.timing")
            result.update(first_draw=timing["firstDraw"], stabilized=timing["stabilized"])
        else:
            page.wait_for_function("window.__firstDraw !== undefined", timeout=timeout_s * 1000, polling=200)
            result.update(first_draw=page.evaluate("window.__firstDraw"),
                          stabilized=page.evaluate("window.__stabilized || null"))
    except Exception as exc:  # a timeout: report how far the layout got, keep benchmarking
        result.update(first_draw=None, stabilized=None, error=type(exc).__name__)
        result["error"] += f" after {timeout_s:.0f} s"
        if pyvis:
            try:  # evaluate() would wait for a busy main thread forever; this gives up after 5 s
                done = page.wait_for_function("() => String(window.network ? network.physics.stabilizationIterations"
                                              " : 'no network yet')", timeout=5000).json_value()
                result["error"] += f", {done} of 1000 layout iterations done"
            except Exception:
                result["error"] += ", page still busy (main thread blocked)"
    result["requests"] = len(outside)
    result["wall"] = time.perf_counter() - started
    page.close()
    return result


def _ms(value: float | None) -> str:
    return "—" if value is None else f"{value / 1000:.1f} s"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1000,5000,20000")
    parser.add_argument("--timeout", type=float, default=240.0, help="seconds to wait for one page (default: 240)")
    parser.add_argument("--json", help="also write the result rows here (JSON list)")
    args = parser.parse_args(argv)
    from playwright.sync_api import sync_playwright

    rows = []
    with tempfile.TemporaryDirectory(prefix="kg-bench-view-") as tmp, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        for size in (int(s) for s in args.sizes.split(",")):
            net = synthetic(size)
            ours, theirs = Path(tmp) / f"kg-{size}.html", Path(tmp) / f"pyvis-{size}.html"
            started = time.perf_counter()
            layout = force_positions(net, shown=first_shown(net))
            write_view(net, ours, f"bench {size}", layout=layout)
            ours_gen = time.perf_counter() - started
            started = time.perf_counter()
            write_pyvis_default(net, theirs)
            theirs_gen = time.perf_counter() - started
            ours_page = open_page(browser, ours, False, args.timeout)
            theirs_page = open_page(browser, theirs, True, args.timeout)
            ours_page["layout_cpu"] = layout.seconds
            rows.append((size, len(net.edges), ours_gen, ours.stat().st_size, ours_page,
                         theirs_gen, theirs.stat().st_size, theirs_page))
            failed = f" ({theirs_page['error']})" if "error" in theirs_page else ""
            print(f"{size:>6} nodes {len(net.edges):>6} edges | kg: layout {layout.seconds:.2f} s CPU, gen "
                  f"{ours_gen:.2f} s, {ours.stat().st_size / 1e6:.2f} MB ({ours.stat().st_size / size:,.0f} B/node), "
                  f"first draw {_ms(ours_page['first_draw'])}, "
                  f"stabilised {_ms(ours_page['stabilized'])}, {ours_page['requests']} requests | "
                  f"pyvis defaults: gen {theirs_gen:.2f} s, {theirs.stat().st_size / 1e6:.2f} MB + CDN, "
                  f"first draw {_ms(theirs_page['first_draw'])}, stabilised {_ms(theirs_page['stabilized'])}, "
                  f"{theirs_page['requests']} requests{failed}", flush=True)
        browser.close()
    print("\n| nodes | edges | kg layout (CPU) | kg gen | kg size | kg bytes/node | kg first draw | pyvis gen "
          "| pyvis size | pyvis first draw | pyvis stabilised | pyvis CDN requests |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for size, edges, og, osize, op, tg, tsize, tp in rows:
        print(f"| {size:,} | {edges:,} | {op['layout_cpu']:.2f} s | {og:.2f} s | {osize / 1e6:.2f} MB | "
              f"{osize / size:,.0f} | {_ms(op['first_draw'])} | {tg:.2f} s | "
              f"{tsize / 1e6:.2f} MB | {_ms(tp['first_draw'])} | {_ms(tp['stabilized'])} | {tp['requests']} |")
    write_json(args.json, [_row(*r, timeout=args.timeout) for r in rows])
    return 0


def _row(size: int, edges: int, ours_gen: float, ours_size: int, ours: dict[str, Any], theirs_gen: float,
         theirs_size: int, theirs: dict[str, Any], timeout: float) -> dict[str, Any]:
    """First draw in headless Chromium (generation included), kg's page against pyvis's defaults."""
    kg_s = ours_gen + ours["first_draw"] / 1000 if ours["first_draw"] is not None else None
    pyvis_s = theirs_gen + theirs["first_draw"] / 1000 if theirs["first_draw"] is not None else None
    notes = (f"{edges:,} edges; kg layout {ours['layout_cpu']:.2f} s CPU; "
             f"generate {ours_gen:.2f} / {theirs_gen:.2f} s; "
             f"{ours_size / 1e6:.2f} / {theirs_size / 1e6:.2f} MB ({ours_size / size:,.0f} B/node); "
             f"page requests {ours['requests']} / {theirs['requests']}")
    ratio = None
    if kg_s is not None and pyvis_s is None:  # pyvis never drew: kg's time against the wait is an upper bound
        ratio = kg_s / (theirs_gen + timeout)
        notes += f"; pyvis not drawn in {timeout:.0f} s ({theirs.get('error', 'timeout')}): ratio is an upper bound"
    return row("view", "first draw", f"{size_label(size)} nodes", kg_s=kg_s, anchor="pyvis defaults write_html",
               anchor_s=pyvis_s, ratio=ratio, target="<= 1x", peak_rss_mb=peak_mb(), notes=notes)


if __name__ == "__main__":
    sys.exit(main())
