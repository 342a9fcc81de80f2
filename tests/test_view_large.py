"""A 20,000-node view opens without hanging the browser (a hang check with a generous bound).

The network is built in memory with the shape of a real investigation (claims said by people,
about organizations, in publications) so the test measures the page, not ingestion.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
from test_view_support import browser as browser  # the fixture
from test_view_support import open_view, page_data, rendered, synthetic_network

from kg.export.collapse import collapse_claims
from kg.export.html import write_view
from kg.export.style import is_large
from kg.query.network import Network

HANG_BOUND_S = 120.0


@pytest.fixture(scope="module")
def big(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Network]:
    net = synthetic_network(people=3000, orgs=1000, pubs=2000, claims=14000)
    assert len(net.nodes) == 20_000
    path = tmp_path_factory.mktemp("large") / "big.html"
    started = time.process_time()  # CPU seconds: a hang bound that a busy shared machine does not trip
    write_view(net, path, "20k nodes")
    assert time.process_time() - started < 30, "generating the page took too long"
    return path, net


def test_large_graph_settings(big: tuple[Path, Network]) -> None:
    path, net = big
    data = page_data(path.read_text(encoding="utf-8"))
    options = data["options"]
    assert is_large(len(net.nodes)) and data["large"] is True
    assert options["layout"]["improvedLayout"] is False
    assert options["interaction"]["hideEdgesOnDrag"] is True and options["interaction"]["hideEdgesOnZoom"] is True
    assert options["physics"]["enabled"] is False  # drawn from kg.export.layout positions
    assert data["collapsed"] is True  # 14,000 claims: the page opens with claimant -> subject edges


def test_twenty_thousand_nodes_load_without_hanging(browser: Any, big: tuple[Path, Network]) -> None:
    path, net = big
    started = time.perf_counter()
    page, log = open_view(browser, path, timeout_ms=int(HANG_BOUND_S * 1000))
    elapsed = time.perf_counter() - started
    assert elapsed < HANG_BOUND_S
    collapsed = collapse_claims(net)
    entity_edges = [e for e in net.edges.values()
                    if "Claim" not in (net.nodes[e.source].type, net.nodes[e.target].type)]
    assert rendered(page) == {"nodes": 6000, "edges": len(entity_edges) + len(collapsed)}
    assert page.evaluate("kgView.labels().drawn") >= 30
    # the page stays responsive and adds no per-node DOM
    assert page.evaluate("document.getElementsByTagName('*').length") < 400
    started = time.perf_counter()
    page.fill("#search", "person 1")
    assert page.locator("#search-list li").count() == 12
    page.press("#search", "Enter")
    assert time.perf_counter() - started < 10
    assert page.evaluate("kgView.network.getSelectedNodes()") == ["https://kg.example/person/1"]
    page.uncheck("#types input[data-type=Person]")
    assert rendered(page)["nodes"] == 3000
    log.assert_clean()
