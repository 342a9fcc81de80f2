"""Web pages through trafilatura: the main text and metadata, a class name on <html> no longer drops
the page, nothing is ever fetched, and DTD entities in a page are never expanded."""

from __future__ import annotations

import time
from pathlib import Path

from documents_support import Listener, real_texts

from kg.ingest.article import read_article

TEXT = {t.name: t for t in real_texts()}["voa_zimbabwe_mdc_threat"]
BODY = "".join(f"<p>{p}</p>\n" for p in TEXT.paragraphs)


def test_a_page_whose_html_element_has_an_ad_class_keeps_its_article(tmp_path: Path) -> None:
    # a major newspaper's page: <html class="... has-big-ad ..."> matched the old boilerplate filter
    page = (f'<!DOCTYPE html><html lang="en" class="no-js has-big-ad page-article"><head><title>{TEXT.title} - '
            f'Voice of America</title><meta property="og:title" content="{TEXT.title}">'
            '<meta property="og:site_name" content="Voice of America">'
            '<meta name="author" content="Peter Clottey">'
            '<meta property="article:published_time" content="2006-03-14T12:00:00Z">'
            '<link rel="canonical" href="https://www.voanews.com/a/a-13-2006-03-14-voa37/319716.html"></head>'
            '<body><header><nav><a href="/">Home</a> <a href="/africa">Africa</a></nav></header>'
            '<div class="ad-slot">Advertisement</div>'
            f"<main><article><h1>{TEXT.title}</h1>{BODY}</article></main>"
            '<aside class="related"><a href="/x">More from Africa</a></aside>'
            "<footer>Share this article | Subscribe</footer></body></html>")
    path = tmp_path / "page.html"
    path.write_text(page, encoding="utf-8")
    article = read_article(path)
    assert article.text.split("\n\n") == [TEXT.title, *TEXT.paragraphs]
    meta = article.meta
    assert (meta.title, meta.author, meta.publisher, meta.date, meta.url, meta.language) == (
        TEXT.title, ["Peter Clottey"], "Voice of America", "2006-03-14",
        "https://www.voanews.com/a/a-13-2006-03-14-voa37/319716.html", "en")


def test_nothing_a_page_points_at_is_fetched(tmp_path: Path) -> None:
    listener = Listener()
    try:
        url = listener.url
        page = (f'<html><head><meta http-equiv="refresh" content="0; url={url}/refresh">'
                f'<link rel="canonical" href="{url}/canonical"><link rel="stylesheet" href="{url}/style.css">'
                f'<meta property="og:image" content="{url}/og.png"><script src="{url}/app.js"></script>'
                f'<style>@import url("{url}/import.css");</style></head><body>'
                f'<img src="{url}/pixel.gif"><iframe src="{url}/frame"></iframe><object data="{url}/obj"></object>'
                f'<article>{BODY}<p><a href="{url}/link">Read more</a></p></article></body></html>')
        path = tmp_path / "page.html"
        path.write_text(page, encoding="utf-8")
        article = read_article(path)
        time.sleep(0.3)
        assert TEXT.paragraphs[0] in article.text
        assert listener.connections == 0
    finally:
        listener.close()


def test_dtd_entities_in_a_page_are_never_expanded_or_resolved(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP SECRET 42")
    listener = Listener()
    try:
        laughs = "".join(f'<!ENTITY lol{i} "{(f"&lol{i - 1};" if i > 1 else "lol") * 10}">' for i in range(1, 10))
        page = (f'<!DOCTYPE html [{laughs}<!ENTITY f SYSTEM "file://{secret}"><!ENTITY u SYSTEM "{listener.url}/x">]>'
                f"<html><body><article>{BODY}<p>&lol9; &f; &u;</p></article></body></html>")
        path = tmp_path / "trap.html"
        path.write_text(page, encoding="utf-8")
        article = read_article(path)
        time.sleep(0.2)
        assert TEXT.paragraphs[0] in article.text
        assert "TOP SECRET" not in article.text and "lollol" not in article.text
        assert listener.connections == 0
    finally:
        listener.close()
