"""A saved web page -> its article text and metadata, with trafilatura (dates through htmldate).

The page is parsed once, by lxml's HTML parser set to use no network and keep no comments or
processing instructions (libxml2's HTML parser never expands a DTD's entities), and the tree is
handed to trafilatura, which finds the main text and the metadata (title, author, site name,
date, canonical URL). Nothing is ever fetched: trafilatura is given a tree, never a URL, and no
link or ``<meta>`` in the page is followed. Paragraphs are separated by blank lines.
"""

from __future__ import annotations

from typing import Any

import lxml.html
from lxml import etree

_FIELDS = {"title": "title", "author": "author", "sitename": "publisher", "date": "date", "url": "url"}


def _parser() -> lxml.html.HTMLParser:
    return lxml.html.HTMLParser(no_network=True, remove_comments=True, remove_pis=True, huge_tree=False,
                                default_doctype=False, collect_ids=False, encoding="utf-8")  # already decoded


def _config() -> Any:
    from trafilatura.settings import use_config

    config = use_config()
    # Short pages (a statement, a brief) are articles too: keep what trafilatura finds, however short.
    for key in ("MIN_EXTRACTED_SIZE", "MIN_OUTPUT_SIZE", "MIN_OUTPUT_COMM_SIZE", "MIN_EXTRACTED_COMM_SIZE"):
        config.set("DEFAULT", key, "1")
    config.set("DEFAULT", "EXTRACTION_TIMEOUT", "0")  # no signal.alarm from a library: the build owns time
    return config


def reduce_html(source: str) -> tuple[str, dict[str, str]]:
    """The readable article text of an HTML page and its metadata (title, author, publisher, date,
    url, language, description)."""
    import trafilatura

    try:
        tree = lxml.html.document_fromstring(source.encode("utf-8"), parser=_parser())
    except (etree.ParserError, ValueError):
        return "", {}
    language = tree.get("lang")
    found = trafilatura.bare_extraction(tree, with_metadata=True, include_comments=False, include_tables=True,
                                        include_images=False, deduplicate=False, favor_recall=True,
                                        config=_config())
    if found is None:
        return "", {"language": language} if language else {}
    values = found if isinstance(found, dict) else found.as_dict()
    text = "\n\n".join(" ".join(line.split()) for line in (values.get("text") or "").splitlines() if line.strip())
    meta = {ours: " ".join(str(values[theirs]).split()) for theirs, ours in _FIELDS.items() if values.get(theirs)}
    if meta.get("title") and not text.startswith(meta["title"]) and meta["title"] in source:
        text = f"{meta['title']}\n\n{text}"  # trafilatura keeps the headline apart: it is the page's text too
    if values.get("description"):
        meta["description"] = " ".join(str(values["description"]).split())
    if language:
        meta["language"] = language.strip()
    if "date" in meta:
        meta["date"] = meta["date"][:10]
    return text, meta
