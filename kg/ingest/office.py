"""Word (.docx, through python-docx) and OpenDocument text (.odt) -> text and metadata.

Both are zip containers: :func:`kg.ingest.zipsafe.open_zip` checks sizes, ratios and DTDs before
anything else reads them. The body's paragraphs and table rows become paragraphs of the stored
text (running headers and footers, comments and tracked deletions are not part of it); title,
author and date come from the document properties, else the title from the first paragraph
styled as a title or top heading.
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

from lxml import etree

from kg.errors import InputError
from kg.ingest.document import Document
from kg.ingest.zipsafe import open_zip, parse_xml

_TITLE_STYLES = ("title", "heading 1")
_ODF_TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
_ODF_OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
_DC = "http://purl.org/dc/elements/1.1/"
_ODF_META = "urn:oasis:names:tc:opendocument:xmlns:meta:1.0"
_SKIP_ODF = {f"{{{_ODF_TEXT}}}{name}" for name in ("note", "tracked-changes", "bookmark-ref", "sequence-decls")}


def _date(value: object) -> str | None:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()[:10]
    text = str(value or "").strip()
    return text[:10] if len(text) >= 10 and text[:4].isdigit() else None


def read_docx(path: Path, data: bytes) -> Document:
    import docx  # python-docx
    from docx.table import Table

    parts = open_zip(path, data, "Word document")
    if "word/document.xml" not in parts:
        raise InputError(f"{path}: not a Word document (no word/document.xml inside)")
    try:
        document = docx.Document(io.BytesIO(data))
    except (ValueError, KeyError, etree.LxmlError) as exc:
        raise InputError(f"{path}: not a readable Word document ({' '.join(str(exc).split())[:120]})") from None
    paragraphs: list[str] = []
    title = None
    for block in document.iter_inner_content():
        if isinstance(block, Table):
            for row in block.rows:
                cells: list[str] = []
                for cell in row.cells:
                    text = " ".join(cell.text.split())
                    if text and (not cells or cells[-1] != text):  # a merged cell repeats in each column
                        cells.append(text)
                if cells:
                    paragraphs.append(" | ".join(cells))
            continue
        text = " ".join(block.text.split())
        if not text:
            continue
        style = (block.style.name if block.style is not None else "") or ""
        if title is None and style.lower() in _TITLE_STYLES:
            title = text
        paragraphs.append(text)
    props = document.core_properties
    meta: dict[str, Any] = {"title": " ".join((props.title or "").split()) or title,
                            "author": " ".join((props.author or "").split()) or None,
                            "date": _date(props.created)}
    return Document("\n\n".join(paragraphs), {k: v for k, v in meta.items() if v},
                    "application/vnd.openxmlformats-officedocument.wordprocessingml.document")


def _odf_text(element: etree._Element) -> str:
    """The text of one ODF paragraph or heading: spans, spaces (text:s), tabs and line breaks."""
    out: list[str] = [element.text or ""]
    for child in element:
        tag = child.tag if isinstance(child.tag, str) else ""
        if tag in _SKIP_ODF:
            pass
        elif tag == f"{{{_ODF_TEXT}}}s":
            count = str(child.get(f"{{{_ODF_TEXT}}}c", "1"))
            out.append(" " * (min(int(count), 100) if count.isdigit() else 1))
        elif tag in (f"{{{_ODF_TEXT}}}tab", f"{{{_ODF_TEXT}}}line-break"):
            out.append(" ")
        else:
            out.append(_odf_text(child))
        out.append(child.tail or "")
    return "".join(out)


def read_odt(path: Path, data: bytes) -> Document:
    parts = open_zip(path, data, "OpenDocument text")
    if "content.xml" not in parts:
        raise InputError(f"{path}: not an OpenDocument text (no content.xml inside)")
    root = parse_xml(path, parts["content.xml"], "content.xml")
    body = root.find(f"{{{_ODF_OFFICE}}}body/{{{_ODF_OFFICE}}}text")
    paragraphs: list[str] = []
    title = None
    if body is not None:
        for element in body.iter(f"{{{_ODF_TEXT}}}p", f"{{{_ODF_TEXT}}}h"):
            if any(a.tag in _SKIP_ODF for a in element.iterancestors()):
                continue
            text = " ".join(_odf_text(element).split())
            if not text:
                continue
            if title is None and element.tag == f"{{{_ODF_TEXT}}}h" and \
                    element.get(f"{{{_ODF_TEXT}}}outline-level", "1") == "1":
                title = text
            paragraphs.append(text)
    meta: dict[str, Any] = {}
    if "meta.xml" in parts:
        info = parse_xml(path, parts["meta.xml"], "meta.xml")
        found = {name: " ".join("".join(node.itertext()).split()) for name, node in (
            ("title", info.find(f".//{{{_DC}}}title")), ("author", info.find(f".//{{{_DC}}}creator")),
            ("initial", info.find(f".//{{{_ODF_META}}}initial-creator")),
            ("date", info.find(f".//{{{_ODF_META}}}creation-date"))) if node is not None}
        meta = {"title": found.get("title"), "author": found.get("author") or found.get("initial"),
                "date": _date(found.get("date"))}
    meta["title"] = meta.get("title") or title
    return Document("\n\n".join(paragraphs), {k: v for k, v in meta.items() if v},
                    "application/vnd.oasis.opendocument.text")
