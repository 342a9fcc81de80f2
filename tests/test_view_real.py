"""The view at real sizes, in headless Chromium: generated cases of ~1,100 and ~5,400 nodes.

Search: each of the 20 most-quoted people and the 10 most-quoted organizations is selected by typing
its exact name and pressing Enter. Labels: counted as drawn at the first fit (kgView.labels(), what
the last frame labelled). Time: a range set on the timeline changes what is drawn.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from test_view_support import browser as browser  # the fixture
from test_view_support import build_sample, open_view, rendered

from kg.export.html import write_view
from kg.export.subgraph import only_types
from kg.export.timeline import node_dates
from kg.query.network import Network
from kg.resolve.normalize import normalize
from kg.synth import world

SIZES = {"1k": 20_000, "5k": 100_000}  # triples -> ~1,150 and ~5,400 nodes


@pytest.fixture(scope="module", params=list(SIZES), ids=list(SIZES))
def case(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Network]:
    tmp = tmp_path_factory.mktemp(f"real-{request.param}")
    world.generate(SIZES[request.param], 7, tmp / "case")
    _, net = build_sample(tmp / "store", tmp / "case")
    page = tmp / "view.html"
    write_view(net, page, "Whole network")
    return page, net


def _most_quoted(net: Network, kind: str, count: int) -> list[str]:
    """Entities of ``kind`` with the most claims said by or about them, among those whose name is
    theirs alone (an exact name two entities share is listed as ambiguous, not selected)."""
    keys = Counter(normalize(n.label) for n in net.nodes.values() if n.type != "Claim")
    quoted = Counter(e.source if e.relation == "said" else e.target for e in net.edges.values()
                     if e.relation in ("said", "about"))
    pool = [i for i, n in net.nodes.items() if n.type == kind and keys[normalize(n.label)] == 1]
    return sorted(pool, key=lambda i: (-quoted[i], i))[:count]


def test_exact_names_select_the_entity(browser: Any, case: tuple[Path, Network]) -> None:
    path, net = case
    page, log = open_view(browser, path, timeout_ms=120_000)
    wanted = _most_quoted(net, "Person", 20) + _most_quoted(net, "Organization", 10)
    assert len(wanted) == 30
    missed = []
    for node in wanted:
        label = net.nodes[node].label
        page.fill("#search", label)
        first = page.locator("#search-list li").first.text_content() or ""
        page.press("#search", "Enter")
        if page.evaluate("kgView.network.getSelectedNodes()") != [node] or \
                page.text_content("#panel h2") != label or not first.startswith(label):
            missed.append(label)
    assert missed == []
    log.assert_clean()


def test_the_page_folds_names_as_kg_does(browser: Any, case: tuple[Path, Network]) -> None:
    path, net = case
    page, log = open_view(browser, path, timeout_ms=120_000)
    names = sorted({x for n in net.nodes.values() if n.type != "Claim" for x in [n.label, *n.aliases]})
    names += ["Dr. José  Martí", "ØRSTED A/S", "the Straße's", "\u00c6r\u00f8\u2019s ferry", "Zoë O'Brien-Łukasz",
              "\ufb01nance ΣΊΣΥΦΟΣ"]
    assert page.evaluate("names => names.map(kgView.nameKey)", names) == [normalize(x) for x in names]
    log.assert_clean()


@pytest.mark.parametrize("kind", ["entities", "whole"])
def test_labels_at_the_first_fit(browser: Any, case: tuple[Path, Network], tmp_path: Path, kind: str) -> None:
    path, net = case
    if kind == "entities":  # `kg view --types Person,Organization`: 141 / 691 nodes
        net = only_types(net, {"Person", "Organization"})
        path = tmp_path / "entities.html"
        write_view(net, path, "only Organization, Person")
    page, log = open_view(browser, path, timeout_ms=120_000)
    labels = page.evaluate("kgView.labels()")
    drawn = page.evaluate("kgView.network.body.nodeIndices.slice()")
    ranks = page.evaluate("[...kgView.nodes.values()].filter(n => kgView.network.body.nodes[n.id] && "
                          "kgView.network.body.nodeIndices.includes(n.id)).sort((a, b) => (a.kgRank || 0) - "
                          "(b.kgRank || 0)).slice(0, 10).map(n => n.id)")
    print(f"{kind}: {labels['drawn']} labels for {len(drawn)} drawn nodes ({labels['byType']})")
    assert set(ranks) <= set(labels["ids"])  # the ten most important are always labelled
    if kind == "entities" and len(net.nodes) < 300:
        assert labels["drawn"] >= 0.93 * len(drawn)  # nearly every name readable at once
    else:
        assert labels["drawn"] >= 50
    log.assert_clean()


def test_the_timeline_filters_what_is_drawn(browser: Any, case: tuple[Path, Network]) -> None:
    path, net = case
    page, log = open_view(browser, path, timeout_ms=120_000)
    before = rendered(page)
    dates = sorted(node_dates(net).values())
    start, end = dates[len(dates) // 3], dates[2 * len(dates) // 3]
    page.evaluate(f"kgView.setRange({start!r}, {end!r})")
    inside = rendered(page)
    assert inside["nodes"] < before["nodes"] and inside["edges"] < before["edges"]
    assert f"{start} \u2013 {end}" in (page.text_content("#timeline-range") or "")
    page.click("#timeline-clear")
    assert rendered(page) == before
    box = page.locator("#timeline-canvas").bounding_box()  # brushing with the mouse
    page.mouse.move(box["x"] + box["width"] * 0.4, box["y"] + 20)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] * 0.6, box["y"] + 20)
    page.mouse.up()
    assert rendered(page)["edges"] < before["edges"]
    assert page.evaluate("kgView.state.range") is not None
    log.assert_clean()


def test_panel_follows_filters_and_edge_labels_stay_on_their_edges(browser: Any, case: tuple[Path, Network]) -> None:
    path, net = case
    page, log = open_view(browser, path, timeout_ms=120_000)
    person = _most_quoted(net, "Person", 1)[0]
    page.evaluate("id => kgView.focusNode(id)", person)
    assert page.text_content("#panel h2") == net.nodes[person].label
    page.uncheck("#types input[data-type=Person]")  # the panel must not keep showing a hidden node
    assert "hidden by the filters" in (page.text_content("#panel") or "")
    page.check("#types input[data-type=Person]")
    # a selected edge's label is drawn on the middle of its line, wherever the view is moved to
    edge = page.evaluate("kgView.network.body.edgeIndices[0]")
    for move in ("kgView.network.fit({animation: false})", "kgView.network.moveTo({scale: 2.5, animation: false})"):
        page.evaluate(move)
        page.evaluate(f"kgView.network.focus(kgView.edges.get({edge!r}).from, {{animation: false}})")
        page.evaluate(f"kgView.network.selectEdges([{edge!r}]); kgView.network.redraw()")
        drawn = page.evaluate("kgView.labels().edge")
        ends = page.evaluate(f"""(() => {{ const e = kgView.edges.get({edge!r});
            const a = kgView.network.canvasToDOM(kgView.network.getPosition(e.from));
            const b = kgView.network.canvasToDOM(kgView.network.getPosition(e.to));
            return [(a.x + b.x) / 2, (a.y + b.y) / 2]; }})()""")
        assert drawn["id"] == edge and abs(drawn["x"] - ends[0]) < 1 and abs(drawn["y"] - ends[1]) < 1
    log.assert_clean()
