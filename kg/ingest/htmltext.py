"""HTML -> article text and metadata, with the standard library's tolerant ``html.parser``.

Scripts, styles, navigation, headers/footers, forms, share/cookie/newsletter/related blocks are
dropped; if the page marks its content with ``<article>`` or ``<main>``, only that is kept.
Block elements become paragraph breaks. Metadata comes from the usual tags: ``og:title``/
``<title>``, ``author``/``article:author``, ``og:site_name``/``publisher``,
``article:published_time``/``date``/``pubdate``, ``<link rel=canonical>``/``og:url``,
``<html lang>``.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

_SKIP_TAGS = {"script", "style", "noscript", "nav", "header", "footer", "aside", "form", "button", "svg",
              "iframe", "template", "select", "figure", "figcaption", "menu", "object", "embed", "canvas"}
_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track",
         "wbr"}
_BLOCK = {"p", "div", "section", "article", "main", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol",
          "blockquote", "pre", "table", "tr", "td", "th", "dd", "dt", "dl", "br", "hr", "body"}
_BOILERPLATE = re.compile(r"(^|[\s_-])(nav|menu|cookie|consent|share|sharing|social|newsletter|subscribe|related|"
                          r"promo|advert|ads?|sponsor|breadcrumbs?|comments?|footer|header|sidebar|popup|modal|"
                          r"banner|byline|signup|paywall|recommended|trending|toolbar)($|[\s_-])", re.IGNORECASE)
_META_KEYS = {
    "title": ("og:title", "twitter:title", "dc.title", "headline"),
    "author": ("author", "article:author", "dc.creator", "byl", "parsely-author", "sailthru.author"),
    "publisher": ("og:site_name", "publisher", "application-name", "dc.publisher"),
    "date": ("article:published_time", "date", "pubdate", "publishdate", "dc.date", "datepublished",
             "parsely-pub-date", "og:published_time", "dc.date.issued"),
    "url": ("og:url",),
    "description": ("description", "og:description"),
}


class _Reducer(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, bool, bool]] = []  # tag, skipped, content root
        self.skip_depth = 0
        self.content_depth = 0
        self.all_parts: list[str] = []
        self.content_parts: list[str] = []
        self.meta: dict[str, str] = {}
        self.title_parts: list[str] = []
        self.in_title = False
        self.canonical: str | None = None
        self.lang: str | None = None
        self.saw_content_root = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k.lower(): (v or "") for k, v in attrs}
        if tag == "html" and values.get("lang"):
            self.lang = values["lang"]
        if tag == "meta":
            key = (values.get("property") or values.get("name") or values.get("itemprop") or "").lower()
            if key and values.get("content"):
                self.meta.setdefault(key, values["content"].strip())
        elif tag == "link" and "canonical" in values.get("rel", "").lower().split() and values.get("href"):
            self.canonical = values["href"].strip()
        elif tag == "title":
            self.in_title = True
        if tag in _BLOCK:
            self._text("\n\n")
        if tag in _VOID:
            return
        marker = f"{values.get('class', '')} {values.get('id', '')} {values.get('role', '')}"
        skipped = tag in _SKIP_TAGS or bool(_BOILERPLATE.search(marker)) or values.get("aria-hidden") == "true" \
            or "hidden" in values
        root = tag in ("article", "main") or values.get("role") == "main"
        self.stack.append((tag, skipped, root))
        self.skip_depth += skipped
        self.content_depth += root
        self.saw_content_root |= root

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self.in_title = False
        if tag in _BLOCK:
            self._text("\n\n")
        if not any(open_tag == tag for open_tag, _, _ in self.stack):
            return
        while self.stack:
            open_tag, skipped, root = self.stack.pop()
            self.skip_depth -= skipped
            self.content_depth -= root
            if open_tag == tag:
                break

    def handle_data(self, data: str) -> None:
        if self.in_title:
            self.title_parts.append(data)
            return
        if self.skip_depth == 0 and not (self.stack and self.stack[-1][0] in ("head", "title")):
            self._text(data)

    def _text(self, data: str) -> None:
        if self.skip_depth:
            return
        self.all_parts.append(data)
        if self.content_depth:
            self.content_parts.append(data)


def _tidy(parts: list[str]) -> str:
    text = "".join(parts)
    paragraphs = [" ".join(p.split()) for p in re.split(r"\n\s*\n", text)]
    return "\n\n".join(p for p in paragraphs if p)


def reduce_html(source: str) -> tuple[str, dict[str, str]]:
    """The readable article text of an HTML page and its metadata (title, author, publisher,
    date, url, language, description)."""
    parser = _Reducer()
    parser.feed(source)
    parser.close()
    text = _tidy(parser.content_parts if parser.saw_content_root else parser.all_parts)
    found: dict[str, str] = {}
    for field, keys in _META_KEYS.items():
        for key in keys:
            if parser.meta.get(key):
                found[field] = html.unescape(parser.meta[key])
                break
    if "title" not in found and parser.title_parts:
        found["title"] = " ".join("".join(parser.title_parts).split())
    if parser.canonical:
        found["url"] = parser.canonical
    if parser.lang:
        found["language"] = parser.lang
    if "date" in found:
        found["date"] = found["date"][:10]
    return text, found
