"""The sample case's network view in real headless Chromium: counts, search, filters, collapse, panel.

Every page is opened with all requests intercepted (see test_view_support): a single request to
anything but the page file, a console error, an exception or a dialog fails the test.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from test_view_support import browser as browser  # the fixture
from test_view_support import build_sample, open_view, rendered, screen_point

from kg.export.collapse import collapse_claims
from kg.export.html import write_view
from kg.export.subgraph import find_node
from kg.query.network import Network

from conftest import SAMPLE


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Network]:
    tmp = tmp_path_factory.mktemp("view")
    _, net = build_sample(tmp / "store", SAMPLE)
    page = tmp / "graph.html"
    write_view(net, page, "kg: sample")
    return page, net


def _visible_ids(page: Any) -> list[str]:
    ids: list[str] = page.evaluate("kgView.network.body.nodeIndices.slice()")
    return ids


def test_counts_match_the_graph_and_page_is_clean(browser: Any, sample: tuple[Path, Network]) -> None:
    path, net = sample
    page, log = open_view(browser, path)
    assert rendered(page) == {"nodes": len(net.nodes), "edges": len(net.edges)} == {"nodes": 15, "edges": 25}
    assert sorted(_visible_ids(page)) == sorted(net.nodes)
    assert page.text_content("#counts") == "15 of 15 nodes · 25 of 25 edges"
    legend = page.text_content("#types") or ""
    for item in ("Person (2)", "Organization (5)", "Publication (2)", "Claim (6)"):
        assert item in legend
    for relation in ("said", "about", "appeared in", "member of", "published by"):
        assert relation in (page.text_content("#relations") or "")
    log.assert_clean()


def test_edges_are_labelled_with_their_relation(browser: Any, sample: tuple[Path, Network]) -> None:
    path, _ = sample
    page, log = open_view(browser, path)
    labels = page.evaluate("kgView.network.body.edgeIndices.map(id => kgView.network.body.edges[id].options.label)")
    assert labels.count("said") == 6 and labels.count("appeared in") == 6 and labels.count("about") == 7
    assert "member of (spokesperson)" in labels and "published by" in labels
    log.assert_clean()


def test_search_by_alias_focuses_the_node(browser: Any, sample: tuple[Path, Network]) -> None:
    path, net = sample
    page, log = open_view(browser, path)
    dafoh = find_node(net, "DAFOH")
    page.fill("#search", "dafo")
    assert page.is_visible("#search-list")
    options = page.locator("#search-list li")
    assert options.count() >= 1 and "DAFOH" in options.first.text_content()
    page.press("#search", "Enter")
    assert page.evaluate("kgView.network.getSelectedNodes()") == [dafoh.id]
    assert page.text_content("#panel h2") == "Doctors Against Forced Organ Harvesting"
    # the view is centred on the node
    centre = page.evaluate(f"""(() => {{ const p = kgView.network.getPosition({dafoh.id!r});
        const d = kgView.network.canvasToDOM(p); const r = document.getElementById('network').getBoundingClientRect();
        return [d.x - r.width / 2, d.y - r.height / 2]; }})()""")
    assert abs(centre[0]) < 2 and abs(centre[1]) < 2
    # a second search by part of a label, picked with the mouse
    page.fill("#search", "bryskine")
    page.locator("#search-list li").first.dispatch_event("mousedown")
    assert page.evaluate("kgView.network.getSelectedNodes()") == [find_node(net, "Sophia Bryskine").id]
    assert page.is_hidden("#search-list")
    log.assert_clean()


def test_search_list_is_capped_and_says_no_match(browser: Any, sample: tuple[Path, Network]) -> None:
    path, _ = sample
    page, log = open_view(browser, path)
    page.fill("#search", "a")
    assert 1 <= page.locator("#search-list li").count() <= 12
    page.fill("#search", "zzzz-nothing")
    assert page.text_content("#search-list") == "no match"
    log.assert_clean()


@pytest.mark.parametrize("kind", ["Person", "Organization", "Publication", "Claim"])
def test_type_filter_hides_exactly_that_type(browser: Any, sample: tuple[Path, Network], kind: str) -> None:
    path, net = sample
    page, log = open_view(browser, path)
    page.uncheck(f"#types input[data-type={kind}]")
    expected = {i for i, n in net.nodes.items() if n.type != kind}
    assert set(_visible_ids(page)) == expected
    edges = [e for e in net.edges.values() if e.source in expected and e.target in expected]
    assert rendered(page) == {"nodes": len(expected), "edges": len(edges)}
    page.check(f"#types input[data-type={kind}]")
    assert rendered(page) == {"nodes": 15, "edges": 25}
    log.assert_clean()


def test_collapse_turns_claims_into_counted_edges(browser: Any, sample: tuple[Path, Network]) -> None:
    path, net = sample
    page, log = open_view(browser, path)
    page.check("#collapse")
    collapsed = collapse_claims(net)
    plain = [e for e in net.edges.values() if "Claim" not in (net.nodes[e.source].type, net.nodes[e.target].type)]
    assert rendered(page) == {"nodes": 9, "edges": len(plain) + len(collapsed)}
    assert not any(net.nodes[i].type == "Claim" for i in _visible_ids(page))
    labels = page.evaluate("kgView.network.body.edgeIndices.map(id => kgView.network.body.edges[id].options.label)")
    assert labels.count("2 claims") == 1  # Sophia Bryskine -> Chinese Communist Party
    assert sum(int(m.group(1)) for label in labels if (m := re.fullmatch(r"(\d+) claims?", label))) == 7
    # the collapsed edge lists its claims in the side panel
    bryskine, ccp = find_node(net, "Sophia Bryskine").id, find_node(net, "CCP").id
    edge_id = page.evaluate(f"[...kgView.edges.values()].find(e => e.kgCollapsed && e.from === {bryskine!r} && "
                            f"e.to === {ccp!r}).id")
    page.evaluate(f"kgView.network.selectEdges([{edge_id!r}])")
    page.evaluate(f"kgView.network.emit('click', {{nodes: [], edges: [{edge_id!r}]}})")
    panel = page.text_content("#panel") or ""
    assert "2 claims" in panel and "1984 Provision" in panel and "systematic forced organ harvesting" in panel
    page.uncheck("#collapse")
    assert rendered(page) == {"nodes": 15, "edges": 25}
    log.assert_clean()


def test_focusing_a_hidden_claim_expands_the_view(browser: Any, sample: tuple[Path, Network]) -> None:
    path, net = sample
    page, log = open_view(browser, path)
    page.check("#collapse")
    claim = next(n for n in net.nodes.values() if n.type == "Claim" and "1984" in n.label)
    page.fill("#search", "1984 rule")
    page.press("#search", "Enter")
    assert page.evaluate("kgView.network.getSelectedNodes()") == [claim.id]
    assert not page.is_checked("#collapse")
    log.assert_clean()


def test_source_filter_by_publication_and_by_file(browser: Any, sample: tuple[Path, Network]) -> None:
    path, net = sample
    page, log = open_view(browser, path)
    report = find_node(net, "Report in the American Journal")
    page.fill("#source", "report in the american")
    page.press("#source", "Enter")
    expected = {i for i, n in net.nodes.items() if report.id in n.publications}
    assert set(_visible_ids(page)) == expected and len(expected) < len(net.nodes)
    assert "publication: Report in the American Journal" in (page.text_content("#source-active") or "")
    page.click("#source-clear")
    assert rendered(page)["nodes"] == 15
    page.fill("#source", "case.yaml")
    page.press("#source", "Enter")
    assert rendered(page) == {"nodes": 15, "edges": 25}
    log.assert_clean()


def test_physics_toggle(browser: Any, sample: tuple[Path, Network]) -> None:
    path, _ = sample
    page, log = open_view(browser, path)
    assert not page.is_checked("#physics")
    assert page.evaluate("kgView.network.physics.physicsEnabled") is False
    page.check("#physics")
    assert page.evaluate("kgView.network.physics.physicsEnabled") is True
    page.uncheck("#physics")
    assert page.evaluate("kgView.network.physics.physicsEnabled") is False
    page.click("#fit")
    log.assert_clean()


def test_panel_shows_claim_text_quote_kind_grade_and_publications(browser: Any, sample: tuple[Path, Network]) -> None:
    path, net = sample
    page, log = open_view(browser, path)
    claim = next(n for n in net.nodes.values() if n.type == "Claim" and "older inmate" in n.label)
    page.evaluate(f"kgView.focusNode({claim.id!r})")
    panel = page.text_content("#panel") or ""
    assert "While fellow inmates beat him" in panel
    assert "Admiralty grade" in panel and "C6" in panel  # article graded C, claim credibility 6
    assert "Claim by Jinato Liu" in (page.text_content("#panel h2") or "")
    assert "direct quote" in panel.lower()
    assert "China's Secret Organ Harvesting Industry" in panel  # supporting publication
    assert "said \u2192" not in panel and "\u2190 said" in panel  # who said it
    quote = next(n for n in net.nodes.values() if n.type == "Claim" and "1984" in n.label)
    page.evaluate(f"kgView.focusNode({quote.id!r})")
    assert "\u201c1984 Provision\u201d" in (page.text_content("#panel blockquote") or "")
    person = find_node(net, "Jinato Liu")
    page.evaluate(f"kgView.focusNode({person.id!r})")
    panel = page.text_content("#panel") or ""
    assert "Mr. Liu" in panel and "member of (practitioner) \u2192" in panel and "Falun Gong" in panel
    # the panel's links navigate
    page.locator("#panel button.link", has_text="Falun Gong").first.click()
    assert page.text_content("#panel h2") == "Falun Gong"
    log.assert_clean()


def test_tooltip_is_plain_text(browser: Any, sample: tuple[Path, Network]) -> None:
    path, net = sample
    page, log = open_view(browser, path)
    ccp = find_node(net, "CCP").id
    point = screen_point(page, ccp)
    page.mouse.move(point[0] - 30, point[1] - 30)
    page.mouse.move(point[0], point[1])
    page.wait_for_selector("div.vis-tooltip", state="visible", timeout=5000)
    tip = page.locator("div.vis-tooltip")
    assert "Chinese Communist Party" in tip.inner_text() and "also known as: CCP" in tip.inner_text()
    # innerText turns line breaks into <br>; nothing else may appear
    tags = page.evaluate("[...document.querySelector('div.vis-tooltip').querySelectorAll('*')].map(e => e.tagName)")
    assert set(tags) <= {"BR"}
    log.assert_clean()


def test_page_is_self_contained_with_a_strict_csp(sample: tuple[Path, Network]) -> None:
    html = sample[0].read_text(encoding="utf-8")
    csp = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]+)">', html)
    assert csp is not None
    policy = csp.group(1)
    assert "default-src 'none'" in policy and "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert re.findall(r"script-src ('sha256-[^']+' ?){2};", policy)
    assert not re.search(r"<script[^>]+src=|<link[^>]+href=|<iframe|<img", html, re.I)
    assert len(re.findall(r"^<script", html, re.M)) == 3
    from kg.export.html import app_script, vis_script

    # nothing inlined can end its own script element early
    assert "</script" not in vis_script().lower() and "</script" not in app_script().lower()
    assert "innerHTML" not in app_script() and "insertAdjacentHTML" not in app_script()
    assert "innerHTML" not in vis_script()


def test_an_empty_view_opens_and_says_so(browser: Any, tmp_path: Path) -> None:
    path = tmp_path / "empty.html"
    write_view(Network(), path, "nothing here")
    page, log = open_view(browser, path)
    assert rendered(page) == {"nodes": 0, "edges": 0}
    assert "empty" in (page.text_content("#panel") or "")
    assert page.is_disabled("#collapse")
    log.assert_clean()
