"""The endpoint's query page in real headless Chromium: works offline under its CSP, runs saved
questions, and shows hostile text from the graph as text (no script runs)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from query_support import Served, build_store, serving
from test_view_support import browser as browser  # the shared Chromium fixture

HOSTILE = """# FICTIONAL test fixture: names and texts carrying HTML/script payloads.
case:
  id: hostile-page
publications:
  - id: pub
    title: "<img src=x onerror=alert('title')>"
people:
  - id: p
    name: "<script>alert('name')</script> Eve"
claims:
  - id: c
    claimant: p
    appears_in: pub
    about: [p]
    text: "</td><img src=x onerror=alert('text')><script>alert('script')</script>"
    kind: direct-quote
"""


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    tmp = tmp_path_factory.mktemp("page")
    case = tmp / "hostile.yaml"
    case.write_text(HOSTILE, encoding="utf-8")
    store = build_store(tmp / "store", [Path(__file__).resolve().parent.parent / "data" / "case.yaml", case])
    with serving(store, "--workers", "1") as served:
        yield served


def _open(browser: Any, served: Served) -> tuple[Any, dict[str, list[str]]]:
    log: dict[str, list[str]] = {"console": [], "errors": [], "dialogs": [], "foreign": []}
    page = browser.new_page()
    origin = served.url.removesuffix("/sparql")

    def route(request_route: Any) -> None:
        url = request_route.request.url
        if url.startswith(origin + "/"):
            request_route.continue_()
        else:
            log["foreign"].append(url)
            request_route.abort()

    page.route("**/*", route)
    page.on("console", lambda msg: log["console"].append(msg.text) if msg.type in ("error", "warning") else None)
    page.on("pageerror", lambda exc: log["errors"].append(str(exc)))
    page.on("dialog", lambda d: (log["dialogs"].append(d.message), d.dismiss()))
    page.goto(origin + "/")
    return page, log


def _run(page: Any) -> str:
    page.click("#run")
    page.wait_for_function("() => !document.getElementById('status').textContent.includes('running')")
    status: str = page.text_content("#status") or ""
    return status


def test_a_saved_question_runs_and_renders_a_table(browser: Any, server: Served) -> None:
    page, log = _open(browser, server)
    page.select_option("#saved", "people-by-org")
    assert "SELECT ?organization ?person" in page.input_value("#query")
    assert _run(page).startswith("2 rows")
    assert page.locator("#result table tr").count() == 3
    assert "spokesperson" in (page.text_content("#result") or "")
    assert log == {"console": [], "errors": [], "dialogs": [], "foreign": []}


def test_errors_show_the_parser_message(browser: Any, server: Served) -> None:
    page, log = _open(browser, server)
    page.fill("#query", "SELECT * WHERE { ?s ?p }")
    shown = _run(page)  # one readable line: where, and what was expected in words (no grammar dump)
    assert shown.startswith("400 bad query: line 1, column 25: expected a complete triple pattern")
    assert "\n" not in shown.strip() and "\\u{" not in shown and len(shown) < 300
    page.fill("#query", "SELECT * WHERE { ?s foo:bar ?o }")
    assert "the prefix 'foo:' is not declared" in _run(page)
    page.fill("#query", "CONSTRUCT WHERE { ?s a schema:Person }")
    assert _run(page).endswith(" s") and "@prefix" in (page.text_content("#raw") or "")
    assert log["errors"] == [] and log["dialogs"] == [] and log["foreign"] == []


def test_hostile_text_from_the_graph_stays_text(browser: Any, server: Served) -> None:
    page, log = _open(browser, server)
    page.fill("#query", "SELECT ?s ?text WHERE { { ?s schema:text ?text } UNION { ?s rdfs:label ?text } }")
    _run(page)
    shown = page.text_content("#result") or ""
    assert "<img src=x onerror=alert('text')>" in shown and "<script>alert('name')</script> Eve" in shown
    assert page.locator("#result img").count() == 0 and page.locator("#result script").count() == 0
    assert log["dialogs"] == [] and log["errors"] == [] and log["foreign"] == []
