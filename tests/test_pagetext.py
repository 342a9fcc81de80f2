"""Plain text saved from a web page: title, byline, publisher and date found past the chrome lines."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.ingest.article import read_article
from kg.ingest.pagetext import find_date, is_chrome, read_head

PAGE = """Skip to main content
Harbour Gazette Logo
Accessibility links

Breaking News

Share this article

Port Authority Denies Dredging Contract Was Rigged

By Mara Lind and Tom Weir
FRIDAY, MARCH 6, 2026

The Calder Port Authority denied on Friday that its dredging contract had been awarded unfairly.

About the author
"""


def test_title_byline_and_date_skip_the_chrome() -> None:
    head = read_head(PAGE)
    assert head.title == "Port Authority Denies Dredging Contract Was Rigged"
    assert head.author == ["Mara Lind", "Tom Weir"]
    assert head.publisher == "Harbour Gazette"
    assert head.date == "2026-03-06"
    chrome = [PAGE[a:b] for a, b in head.chrome]
    assert {"Skip to main content", "Accessibility links", "Breaking News", "Share this article",
            "About the author"} <= set(chrome)


@pytest.mark.parametrize(("line", "chrome"), [
    ("Skip to main content", True), ("Navigation path", True), ("Other available languages: none", True),
    ("An official website of the United States government", True), ("Here's how you know", True),
    ("Minister Denies Report of Secret Talks", False), ("Breaking the News Monopoly in Calder", False),
    ("The ministry said the site was safe.", False),
])
def test_chrome_lines(line: str, chrome: bool) -> None:
    assert is_chrome(line) is chrome


@pytest.mark.parametrize(("text", "iso"), [
    ("Brussels, 14 May 2019", "2019-05-14"), ("WEDNESDAY, MARCH 6, 2002", "2002-03-06"),
    ("Daily News 01 / 07 / 2015", "2015-07-01"), ("date 2018-02-28 Eurostat", "2018-02-28"),
    ("31 February 2020", None), ("no date here", None),
])
def test_dates(text: str, iso: str | None) -> None:
    found = find_date(text)
    assert (found[0] if found else None) == iso


def test_a_saved_page_reads_with_its_head_and_blanked_chrome(tmp_path: Path) -> None:
    path = tmp_path / "page.txt"
    path.write_text(PAGE, encoding="utf-8")
    article = read_article(path)
    assert article.meta.title == "Port Authority Denies Dredging Contract Was Rigged"
    assert article.meta.publisher == "Harbour Gazette" and article.meta.date == "2026-03-06"
    assert len(article.analysis) == len(article.text) and "Skip to main content" not in article.analysis
    assert article.text == PAGE  # the stored text is the file as it was
    (tmp_path / "page.meta.yaml").write_text("title: From the sidecar\n")
    assert read_article(path).meta.title == "From the sidecar"


def test_an_image_credit_is_not_a_byline() -> None:
    head = read_head("Floods Close Coastal Road\n\nImage by Ana Ruiz.\n\nThe road was closed on Monday after heavy "
                     "rain flooded it in two places, the council said in a short statement to residents.\n")
    assert head.title == "Floods Close Coastal Road" and head.author == []
