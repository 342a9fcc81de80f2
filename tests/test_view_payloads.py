"""Hostile text in the graph renders as text and runs nothing (docs/architecture.md, safety rule S6).

The payloads go through the real path: a case file and a Turtle file (whose file names are
payloads too) are ingested into a temporary store and the page is generated from it. Every
payload that could run sets ``window.__pwned`` or opens a dialog; requests (``<img src=x>``) are
intercepted and recorded. The test searches for, focuses, clicks and hovers every node, so labels,
aliases, quotes, ids (IRIs) and source names all pass through the search list, the side panel,
the tooltips and the canvas.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from test_view_support import browser as browser  # the fixture
from test_view_support import build_sample, open_view, page_data, screen_point

from kg.export.html import render, write_view
from kg.query.network import Network

FLAG = "window.__pwned"
PAYLOADS = [
    f"<script>{FLAG}=1;alert(1)</script>",
    f"</script><script>{FLAG}=2;alert(2)</script>",
    f"<img src=x onerror=\"{FLAG}=3;alert(3)\">",
    f"javascript:{FLAG}=4;alert(4)",
    f"<a href=\"javascript:{FLAG}=5\">click href here</a>",
    f"\" onmouseover=\"{FLAG}=6\" data-x=\"",
    f"' onfocus='{FLAG}=7' autofocus x='",
    f"`${{{FLAG}=8}}` {{{{constructor.constructor('{FLAG}=9')()}}}}",
    f"<svg onload={FLAG}=10><iframe srcdoc='<script>parent.__pwned=11</script>'>",
    "<!-- ]]> --><style>body{display:none}</style>&amp;&lt;&#x3C;script&#x3E;",
    "quotes: \" ' ` \u2018single\u2019 \u201cdouble\u201d \u00abguillemets\u00bb \u201elow\u201c \u2039x\u203a",
    "\u202eright-to-left override \u05e9\u05dc\u05d5\u05dd \u0645\u0631\u062d\u0628\u0627 \u202c end",
    "line\u2028separator\u2029paragraph\u0000nul?",
]
LONG = "very long name " + "x" * 5000 + f"<script>{FLAG}=12</script>"


def _case(tag: str) -> dict[str, Any]:
    def named(i: int, what: str) -> str:
        return f"{what} {i} {PAYLOADS[i % len(PAYLOADS)]}"

    people = [{"id": f"p{i}", "name": named(i, "person"), "aliases": [named(i + 1, "alias"), f"href alias {i}"],
               "affiliations": [{"organization": f"o{i}", "role": named(i + 2, "role"), "source": "pub0"}]}
              for i in range(len(PAYLOADS))]
    people.append({"id": "long", "name": LONG})
    orgs = [{"id": f"o{i}", "name": named(i, "org"), "note": named(i + 3, "note"), "url": f"https://x.example/{i}"}
            for i in range(len(PAYLOADS))]
    pubs = [{"id": "pub0", "title": named(4, "publication"), "publisher": "o0", "reliability": "B",
             "url": "https://x.example/article"}]
    claims = [{"id": f"c{i}", "claimant": f"p{i}", "appears_in": "pub0", "about": [f"o{(i + 1) % len(PAYLOADS)}"],
               "text": named(i, "claim text"), "quote": named(i + 5, "quote"), "kind": "direct-quote",
               "credibility": 2} for i in range(len(PAYLOADS))]
    return {"case": {"id": f"payload-{tag}", "title": f"payloads {tag} {PAYLOADS[1]}"}, "publications": pubs,
            "organizations": orgs, "people": people, "claims": claims}


TURTLE = """@prefix schema: <http://schema.org/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
<javascript:window.__pwned=20;alert(20)//'onmouseover=alert(21)> a schema:Person ;
    rdfs:label "\\u003cimg src=x onerror=window.__pwned=22\\u003e id payload" .
<https://x.example/'onerror='window.__pwned=23'(href)> a schema:Organization ;
    rdfs:label "org with a hostile IRI" .
<urn:x:%3Cscript%3Ewindow.__pwned=24%3C/script%3E> a schema:Claim ;
    rdfs:label "claim with an encoded script IRI" ;
    schema:text "\\u003c/script\\u003e\\u003cscript\\u003ewindow.__pwned=25\\u003c/script\\u003e" ;
    prov:wasAttributedTo <javascript:window.__pwned=20;alert(20)//'onmouseover=alert(21)> ;
    schema:about <https://x.example/'onerror='window.__pwned=23'(href)> .
"""
CASE_NAME = "<img src=x onerror=window.__pwned=30> case 'q' \"dq\".yaml"
RDF_NAME = "<script>window.__pwned=31<\u2044script> \u202eevil.ttl"


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Network]:
    tmp = tmp_path_factory.mktemp("payloads")
    data = tmp / "data"
    data.mkdir()
    (data / CASE_NAME).write_text(yaml.safe_dump(_case("a"), allow_unicode=True), encoding="utf-8")
    (data / RDF_NAME).write_text(TURTLE, encoding="utf-8")
    _, net = build_sample(tmp / "store", data)
    page = tmp / "hostile.html"
    write_view(net, page, f"title {PAYLOADS[0]} {PAYLOADS[1]}")
    return page, net


def test_payloads_reach_the_network(hostile: tuple[Path, Network]) -> None:
    _, net = hostile
    labels = {n.label for n in net.nodes.values()}
    assert any(PAYLOADS[1] in label for label in labels) and LONG in labels
    assert any(i.startswith("javascript:") for i in net.nodes)
    assert {CASE_NAME, RDF_NAME} <= set(net.source_names())


def test_page_source_has_no_live_markup(hostile: tuple[Path, Network]) -> None:
    html = hostile[0].read_text(encoding="utf-8")
    data_start = html.index('id="kg-data">')
    data_block = html[data_start: html.index("</script>", data_start)]
    for needle in ("<script", "</script", "<img", "<svg", "<iframe", "<!--", "<a "):
        assert needle not in data_block.lower()
    assert "<title>title &lt;script&gt;window.__pwned=1;alert(1)&lt;/script&gt;" in html
    data = page_data(html)
    assert any(PAYLOADS[0] in n["kgLabel"] for n in data["nodes"])  # the text survives, as text


def test_payloads_run_nothing_in_the_browser(browser: Any, hostile: tuple[Path, Network]) -> None:
    path, net = hostile
    page, log = open_view(browser, path)
    assert page.evaluate("kgView.rendered().nodes") == len(net.nodes)
    for node in net.nodes.values():
        page.evaluate("id => kgView.focusNode(id)", node.id)
        panel = page.text_content("#panel") or ""
        assert node.id in panel  # the IRI, shown as text
        if node.type != "Claim":
            assert page.text_content("#panel h2") == node.label
        point = screen_point(page, node.id)
        page.mouse.move(point[0], point[1])
    page.wait_for_timeout(300)
    for text in [*PAYLOADS, "person 3", "javascript:", "href", "\u05e9\u05dc\u05d5\u05dd"]:
        page.fill("#search", text[:40])
        assert page.evaluate("[...document.querySelectorAll('#search-list li *')].every(e => e.tagName === 'SPAN' "
                             "&& e.children.length === 0)")  # names and snippets are text in plain spans
        page.locator("#search-list li").first.dispatch_event("mousedown")
    page.evaluate("kgView.setRange('1900-01-01', '2100-01-01')")
    page.evaluate("kgView.setRange(null)")
    for name in (CASE_NAME, RDF_NAME, "publication 4"):
        page.fill("#source", name[:30])
        page.press("#source", "Enter")
        assert page.is_visible("#source-active")
        page.click("#source-clear")
    page.check("#collapse")
    edge_ids = page.evaluate("kgView.network.body.edgeIndices.slice()")
    for edge_id in edge_ids:
        page.evaluate("id => kgView.network.emit('click', {nodes: [], edges: [id]})", edge_id)
        assert page.text_content("#panel h2")
    page.uncheck("#collapse")
    assert page.evaluate(f"typeof {FLAG}") == "undefined"
    injected = page.evaluate("""[...document.querySelectorAll('img, svg, iframe, a, object, embed, style, script')]
        .filter(e => !e.closest('#relations')).map(e => e.tagName)""")
    assert sorted(injected) == ["SCRIPT", "SCRIPT", "SCRIPT", "STYLE"]
    # the legend's line samples are the page's own SVG, one per relation, holding only lines and paths
    assert page.evaluate("[...document.querySelectorAll('#relations svg *')].every(e => "
                         "['line', 'path'].includes(e.tagName))")
    assert page.title().startswith("title <script>")
    log.assert_clean()


def test_render_is_deterministic_and_escapes_separators(hostile: tuple[Path, Network]) -> None:
    _, net = hostile
    html = render(net, "t")
    assert html == render(net, "t")
    data_start = html.index('id="kg-data">')
    assert "\u2028" not in html[data_start:] and "\u2029" not in html[data_start:]


def test_svg_picture_keeps_hostile_text_as_text(hostile: tuple[Path, Network], tmp_path: Path) -> None:
    from xml.etree import ElementTree

    from kg.export.layout import force_positions
    from kg.export.picture import write_svg

    _, net = hostile
    target = tmp_path / "view.svg"
    write_svg(net, force_positions(net), target, f"title {PAYLOADS[0]}", f"sub {PAYLOADS[1]}")
    root = ElementTree.parse(target).getroot()  # well-formed: nothing broke out of its element
    tags = {element.tag.split("}", 1)[1] for element in root.iter()}
    assert tags <= {"svg", "rect", "text", "line", "polygon", "circle"}
    texts = [element.text or "" for element in root.iter() if element.tag.endswith("text")]
    assert f"title {PAYLOADS[0]}" in texts and f"sub {PAYLOADS[1]}" in texts
    assert any("<script>" in t or "<img src" in t for t in texts[2:])  # node labels (shortened), as text
    assert not any(key.startswith("on") for element in root.iter() for key in element.attrib)
