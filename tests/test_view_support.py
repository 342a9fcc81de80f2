"""Shared helpers for the network-view tests: a real headless Chromium that records every problem.

A page opened with :func:`open_view` fails the test on any console error, uncaught exception,
dialog (alert/confirm/prompt) or request to anything but the page file itself: every other
request is aborted and recorded, so "zero network requests" is checked, not assumed.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from kg.query.network import Edge, Network, Node

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage"]


def test_chromium_is_installed() -> None:
    """CI installs Debian's chromium (scripts/test.sh); without it the browser tests cannot run."""
    if not CHROMIUM.exists() and not shutil.which("chromium"):
        pytest.skip("chromium is not installed (apt-get install chromium)")


@dataclass
class PageLog:
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)

    def assert_clean(self) -> None:
        assert self.console_errors == [], self.console_errors
        assert self.page_errors == [], self.page_errors
        assert self.dialogs == [], self.dialogs
        assert self.blocked == [], f"the page tried to load: {self.blocked}"


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """One Chromium per test module (each module imports this fixture; a session-wide one would be made
    once per importing module anyway, and two sync Playwright instances cannot be alive at once)."""
    if not CHROMIUM.exists():
        pytest.skip("chromium is not installed (apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def open_view(browser: Any, path: Path, timeout_ms: int = 60_000,
              viewport: tuple[int, int] = (1400, 900)) -> tuple[Any, PageLog]:
    """Open a generated page, wait until vis-network has stabilised; return the page and its log."""
    log = PageLog()
    context = browser.new_context(viewport={"width": viewport[0], "height": viewport[1]}, service_workers="block")
    page = context.new_page()
    own = path.resolve().as_uri()

    def route(request_route: Any) -> None:
        url = request_route.request.url
        if url == own:
            request_route.continue_()
        else:
            log.blocked.append(url)
            request_route.abort()

    page.route("**/*", route)
    page.on("console", lambda msg: log.console_errors.append(msg.text) if msg.type in ("error", "warning") else None)
    page.on("pageerror", lambda exc: log.page_errors.append(str(exc)))

    def dialog(d: Any) -> None:
        log.dialogs.append(f"{d.type}: {d.message}")
        d.dismiss()

    page.on("dialog", dialog)
    page.goto(own)
    page.wait_for_selector("body[data-stabilized]", timeout=timeout_ms, state="attached")
    return page, log


def rendered(page: Any) -> dict[str, int]:
    counts: dict[str, int] = page.evaluate("kgView.rendered()")
    return counts


def synthetic_network(people: int, orgs: int, pubs: int, claims: int, seed: int = 3) -> Network:
    """A network shaped like a real case: claims said by people, about organizations, in publications."""
    import random

    rng = random.Random(seed)
    net = Network()

    def add(kind: str, prefix: str, count: int) -> list[str]:
        ids = []
        for i in range(count):
            iri = f"https://kg.example/{prefix}/{i}"
            net.nodes[iri] = Node(iri, kind, f"{kind} {i}", sources={f"case{i % 7}.yaml"})
            ids.append(iri)
        return ids

    person_ids, org_ids = add("Person", "person", people), add("Organization", "org", orgs)
    pub_ids = add("Publication", "pub", pubs)
    claim_ids = add("Claim", "claim", claims)
    for pub in pub_ids:
        net.add_edge(Edge(pub, rng.choice(org_ids), "published by", sources={"case0.yaml"}))
    for person in person_ids:
        if rng.random() < 0.5:
            net.add_edge(Edge(person, rng.choice(org_ids), "member of", roles={"member"}, sources={"case1.yaml"}))
    for claim in claim_ids:
        net.nodes[claim].details = {"text": f"text of {claim}", "kind": "Direct quote"}
        net.add_edge(Edge(rng.choice(person_ids), claim, "said", sources={"case2.yaml"}))
        net.add_edge(Edge(claim, rng.choice(org_ids + person_ids), "about", sources={"case2.yaml"}))
        net.add_edge(Edge(claim, rng.choice(pub_ids), "appeared in", sources={"case2.yaml"}))
    return net


def build_sample(target: Path, data: Path) -> tuple[Path, Network]:
    """Ingest a data folder into a fresh store at ``target``; return the store path and its network."""
    from kg.build import pipeline
    from kg.query.network import load_network
    from kg.store import KgStore

    with KgStore.open(target) as store:
        report = pipeline.build(store, data)
        assert not report.failed, [str(o.error) for o in report.failed]
        return target, load_network(store)


def page_data(html: str) -> dict[str, Any]:
    """The JSON data block of a generated page."""
    import json
    import re

    match = re.search(r'<script type="application/json" id="kg-data">(.*?)</script>', html, re.S)
    assert match is not None
    data: dict[str, Any] = json.loads(match.group(1))
    return data


def screen_point(page: Any, node_id: str) -> tuple[float, float]:
    """Where a node is drawn, in page coordinates (for mouse moves)."""
    point = page.evaluate("""id => { const d = kgView.network.canvasToDOM(kgView.network.getPosition(id));
        const r = document.getElementById('network').getBoundingClientRect(); return [r.left + d.x, r.top + d.y]; }""",
                          node_id)
    return point[0], point[1]
