"""Take the README's screenshots of the network view with headless Chromium.

    python scripts/screenshot.py [-o docs/screenshot.png] [--data data]
    python scripts/screenshot.py --synth 20000 --size 1400x900 -o docs/view-1100.jpg

Builds the sample (or, with ``--synth N``, a generated case of about N triples, seed 7) into a
temporary store, writes the whole view, opens it in Debian's chromium through Playwright with every
request except the page itself blocked, selects one node (a claim of the sample; the most connected
person of a generated case) so the side panel shows who said what, and saves a PNG.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path
from typing import Any

from kg.build import pipeline
from kg.export.html import write_view
from kg.export.subgraph import find_node
from kg.query.network import load_network
from kg.store import KgStore

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run", "--hide-scrollbars"]


def build_page(data: Path, tmp: Path, synth: int | None) -> tuple[Path, str]:
    if synth is not None:
        from kg.synth import world

        data = tmp / "case"
        world.generate(synth, 7, data)
    with KgStore.open(tmp / "store") as store:
        report = pipeline.build(store, data)
        if report.failed:
            raise SystemExit(f"screenshot: the case did not build: {report.failed[0].error}")
        net = load_network(store)
    page = tmp / "graph.html"
    case = f"generated case ({synth:,} triples, seed 7)" if synth else "the sample case (data/case.yaml)"
    write_view(net, page, "Whole network", f"{case} · {len(net.nodes):,} nodes, {len(net.edges):,} edges")
    if synth is None:
        return page, find_node(net, "1984 rule").id
    degree = net.degree()
    return page, max((i for i, n in net.nodes.items() if n.type == "Person"), key=lambda i: (degree[i], i))


def shoot(page_path: Path, selected: str, target: Path, width: int, height: int) -> None:
    from playwright.sync_api import sync_playwright

    blocked: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport={"width": width, "height": height}, device_scale_factor=1)
        own = page_path.resolve().as_uri()

        def route(r: Any) -> None:
            if r.request.url == own:
                r.continue_()
            else:
                blocked.append(r.request.url)
                r.abort()

        page.route("**/*", route)
        page.goto(own)
        page.wait_for_selector("body[data-stabilized]", state="attached", timeout=60_000)
        select = "id => { kgView.network.selectNodes([id]); kgView.network.emit('click', {nodes: [id], edges: []}); }"
        page.evaluate(select, selected)
        target.parent.mkdir(parents=True, exist_ok=True)
        if target.suffix.lower() in (".jpg", ".jpeg"):  # smaller, for the large views in the docs
            page.screenshot(path=str(target), type="jpeg", quality=72)
        else:
            page.screenshot(path=str(target))
        browser.close()
    if blocked:
        raise SystemExit(f"screenshot: the page tried to load {blocked}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-o", "--output", default=str(ROOT / "docs" / "screenshot.png"), metavar="PNG")
    parser.add_argument("--data", default=str(ROOT / "data"), metavar="DIR")
    parser.add_argument("--synth", type=int, metavar="N", help="a generated case of about N triples instead")
    parser.add_argument("--size", default="1600x900", metavar="WxH")
    args = parser.parse_args(argv)
    width, height = (int(v) for v in args.size.lower().split("x"))
    with tempfile.TemporaryDirectory(prefix="kg-shot-") as tmp:
        page, selected = build_page(Path(args.data), Path(tmp), args.synth)
        shoot(page, selected, Path(args.output), width, height)
    print(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
