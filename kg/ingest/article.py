"""Articles as sources: .txt, .md (YAML front matter), .html, and documents (.pdf, .docx, .odt, .eml),
plus an optional sidecar.

``read_article`` returns the text kg stores (evidence offsets count characters in it), the text
the language model reads (same length: Markdown markup and front matter blanked out), and the
article's metadata. Documents are read by their own modules (:mod:`kg.ingest.pdf`,
:mod:`kg.ingest.office`, :mod:`kg.ingest.mail`, web pages by :mod:`kg.ingest.web`); a PDF's page
map and an e-mail's attachments travel with the article. A sidecar ``NAME.meta.yaml`` next to
``NAME.txt`` overrides what the file itself says; it may also name the file's ``encoding`` when
it is not UTF-8.
"""

from __future__ import annotations

import codecs
import datetime as dt
import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kg.errors import InputError, shown
from kg.ingest.casefile import plain_yaml
from kg.ingest.document import Attachment, Document
from kg.ingest.folder import Admitted
from kg.ingest.guard import read_source_bytes
from kg.ingest.pagetext import read_head
from kg.ingest.web import reduce_html

DOCUMENT_SUFFIXES = (".pdf", ".docx", ".odt", ".eml")
ARTICLE_SUFFIXES = (".txt", ".md", ".html", ".htm", *DOCUMENT_SUFFIXES)
SIDECAR_SUFFIX = ".meta.yaml"
MAX_ARTICLE_BYTES = 50 * 1024 * 1024
MAX_TEXT_CHARS = 1_000_000  # spaCy's limit for one document (its parser needs ~1 GB per 100,000 words)
MEDIA_TYPES = {".txt": "text/plain", ".md": "text/markdown", ".html": "text/html", ".htm": "text/html",
               ".pdf": "application/pdf", ".eml": "message/rfc822", ".odt": "application/vnd.oasis.opendocument.text",
               ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}
_META_FIELDS = ("title", "author", "publisher", "date", "url", "type", "language", "encoding")
_FRONT = re.compile(r"\A---[ \t]*\r?\n(.*?\r?\n)?---[ \t]*(\r?\n|\Z)", re.DOTALL)
_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_-]+)""", re.IGNORECASE)
_DATE = re.compile(r"^(\d{4}-\d{2}-\d{2}|\d{4}-\d{2}|\d{4})")
_MARKUP = [re.compile(p, re.MULTILINE) for p in (
    r"(?s)^```.*?^```", r"!\[[^\]\n]*\]\([^)\n]*\)", r"^\s{0,3}#{1,6}[ \t]+", r"^\s{0,3}>[ \t]?",
    r"^\s{0,3}(?:[-*+]|\d{1,3}[.)])[ \t]+", r"\]\([^)\n]*\)", r"(?<!\w)\[",
    r"\*\*|__|(?<![\w*])\*(?=\S)|(?<=\S)\*(?![\w*])", r"`+", r"<[^>\n]{1,200}>",
    r"^[ \t]*(?:-{3,}|\*{3,}|_{3,})[ \t]*$")]


@dataclass
class ArticleMeta:
    """What an article says about itself (front matter, HTML head, sidecar)."""

    title: str | None = None
    author: list[str] = field(default_factory=list)
    publisher: str | None = None
    date: str | None = None
    url: str | None = None
    type: str | None = None
    language: str | None = None


@dataclass
class Article:
    path: Path
    text: str  # stored text; evidence offsets index into it
    analysis: str  # what the model reads, same length as text
    meta: ArticleMeta
    media_type: str
    warnings: list[str] = field(default_factory=list)
    page_starts: list[int] | None = None  # where each page begins in text (PDF)
    attachments: list[Attachment] = field(default_factory=list)  # files inside it (e-mail), sources of their own


def sidecar_of(path: Path) -> Path:
    return path.with_name(path.stem + SIDECAR_SUFFIX)


def is_sidecar(path: Path) -> bool:
    return path.name.lower().endswith(SIDECAR_SUFFIX)


def articles_of(sidecar: Path) -> list[Path]:
    """The article files next to a sidecar that it belongs to (normally one)."""
    stem = sidecar.name[: -len(SIDECAR_SUFFIX)]
    return [p for p in (sidecar.with_name(stem + suffix) for suffix in ARTICLE_SUFFIXES) if p.is_file()]


def _blank(text: str, start: int, end: int) -> str:
    return text[:start] + "".join(ch if ch == "\n" else " " for ch in text[start:end]) + text[end:]


def _meta_fields(path: Path, what: str, data: Any) -> dict[str, Any]:
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise InputError(f"{path}: {what} must be a mapping of {', '.join(_META_FIELDS)}")
    unknown = sorted(str(k) for k in data if k not in _META_FIELDS)
    if unknown:
        raise InputError(f"{path}: {what}: unknown field {shown(unknown[0])} "
                         f"(expected one of: {', '.join(_META_FIELDS)})")
    for name, value in data.items():
        text = isinstance(value, str | int | float | dt.date) and not isinstance(value, bool) and \
            not (isinstance(value, float) and not math.isfinite(value))
        names = name == "author" and isinstance(value, list) and all(isinstance(v, str) for v in value)
        if value is not None and not text and not names:
            expected = "a name or a list of names" if name == "author" else "text"
            raise InputError(f"{path}: {what}: field {name!r} must be {expected}, not {type(value).__name__}")
    return dict(data)


def _load_yaml(path: Path, text: str, what: str) -> dict[str, Any]:
    return _meta_fields(path, what, plain_yaml(path, text, f"{what}s" if what == "sidecar" else what))


def _decode(path: Path, data: bytes, encoding: str | None) -> str:
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16")
    if b"\x00" in data[:65536]:
        raise InputError(f"{path}: binary file (contains NUL bytes), expected text")
    declared = encoding
    if declared is None and path.suffix.lower() in (".html", ".htm"):
        match = _CHARSET.search(data[:4096])
        declared = match.group(1).decode("ascii") if match else None
    try:
        text = data.decode(declared or "utf-8-sig")
        text.encode("utf-8")  # 'unicode_escape' and its kind can make half surrogate pairs, which are no text
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InputError(f"{path}:{line}: not valid {declared or 'UTF-8'} (byte 0x{data[exc.start]:02x} at offset "
                         f"{exc.start}); save it as UTF-8 or give its encoding in {sidecar_of(path).name}") from None
    except LookupError:
        raise InputError(f"{path}: unknown text encoding {shown(declared)}") from None
    except ValueError:  # a name with a NUL in it, a codec's own complaint, or text that is not Unicode
        raise InputError(f"{path}: cannot be read as {shown(declared)} text") from None
    return text


def _markdown(path: Path, text: str) -> tuple[str, dict[str, Any]]:
    analysis, meta = text, {}
    match = _FRONT.match(text)
    if match:
        meta = _load_yaml(path, match.group(1) or "", "front matter")
        analysis = _blank(analysis, 0, match.end())
    for pattern in _MARKUP:
        for found in list(pattern.finditer(analysis)):
            analysis = _blank(analysis, found.start(), found.end())
    return analysis, meta


def _date(path: Path, value: Any, warnings: list[str]) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.date):
        return value.isoformat()[:10]
    match = _DATE.match(str(value).strip())
    if match is None or not _calendar(match.group(1)):
        warnings.append(f"date {shown(value)} is not YYYY-MM-DD; left out")
        return None
    return match.group(1)


def _calendar(text: str) -> bool:
    """Is ``text`` (YYYY, YYYY-MM or YYYY-MM-DD) a date that exists?"""
    try:
        dt.date.fromisoformat((text + "-01-01")[:10] if len(text) < 10 else text)
    except ValueError:
        return False
    return True


def _meta(path: Path, fields: dict[str, Any], text: str, warnings: list[str]) -> ArticleMeta:
    authors = fields.get("author") or []
    if isinstance(authors, str):
        authors = [a.strip() for a in re.split(r"\s*(?:,|\band\b|;)\s*", authors) if a.strip()]
    if not isinstance(authors, list) or not all(isinstance(a, str) for a in authors):
        raise InputError(f"{path}: field 'author' must be a name or a list of names")
    title = fields.get("title")
    if not title:
        first = next((line.strip(" #\t") for line in text.splitlines() if line.strip(" #\t")), None)
        title = first[:200] if first else path.stem
    return ArticleMeta(title=str(title).strip(), author=[str(a) for a in authors],
                       publisher=str(fields["publisher"]).strip() if fields.get("publisher") else None,
                       date=_date(path, fields.get("date"), warnings),
                       url=str(fields["url"]).strip() if fields.get("url") else None,
                       type=str(fields["type"]).strip() if fields.get("type") else None,
                       language=str(fields["language"]).strip() if fields.get("language") else None)


def read_sidecar(path: Path, admitted: Admitted | None = None) -> bytes | None:
    """The bytes of the article's ``NAME.meta.yaml``, or None when it has none. ``admitted`` is what the
    folder rule saw of the article: its sidecar is held to the same folder (a sidecar that is a link
    leading out of the folder is refused, as the article would be)."""
    sidecar = sidecar_of(path)
    if not sidecar.is_file():
        return None
    return read_source_bytes(sidecar, admitted.beside() if admitted is not None else None)


def _checked(path: Path, size: int) -> str:
    suffix = path.suffix.lower()
    if suffix not in ARTICLE_SUFFIXES:
        raise InputError(f"{path}: not an article (expected {', '.join(ARTICLE_SUFFIXES)})")
    if size > MAX_ARTICLE_BYTES:
        raise InputError(f"{path}: file is {size:,} bytes, over the {MAX_ARTICLE_BYTES:,}-byte cap for articles")
    return suffix


def article_bytes(path: Path, admitted: Admitted | None = None) -> tuple[bytes, bytes | None]:
    """The article's bytes and its sidecar's (or None), with the errors :func:`read_article` gives
    for a file it cannot read; ``admitted``: what the folder rule saw of it."""
    try:
        size = path.stat().st_size
    except OSError:
        size = 0
    _checked(path, size)
    return read_source_bytes(path, admitted), read_sidecar(path, admitted)


def read_article(path: Path, data: bytes | None = None, sidecar: bytes | None = None,
                 admitted: Admitted | None = None) -> Article:
    """Read one article and its sidecar (from the folder, held to ``admitted``, what the folder rule saw
    of it; or ``data`` and ``sidecar``: their bytes, when given, and then no file is opened). Raises
    InputError naming the file and the problem."""
    if data is None:
        data, sidecar = article_bytes(path, admitted)
    suffix = _checked(path, len(data))
    side: dict[str, Any] = {}
    if sidecar is not None:
        side = _load_yaml(sidecar_of(path), _decode(sidecar_of(path), sidecar, None), "sidecar")
    warnings: list[str] = []
    fields: dict[str, Any] = {}
    if suffix in DOCUMENT_SUFFIXES:
        return _from_document(path, _read_document(path, suffix, data), side)
    encoding = side.get("encoding")
    raw = _decode(path, data, str(encoding) if encoding else None)
    if suffix in (".html", ".htm"):
        text, found = reduce_html(raw)
        analysis = text
        fields.update({k: v for k, v in found.items() if k in _META_FIELDS})
        if not any(ch.isalpha() for ch in text):
            raise InputError(f"{path}: no article text left after removing scripts, styles and navigation")
    elif suffix == ".md":
        text = raw.removeprefix("\ufeff")
        analysis, fields = _markdown(path, text)
    else:
        text = analysis = raw.removeprefix("\ufeff")
        page = read_head(text)  # plain text saved from a web page: title, byline, date past the chrome
        fields.update({k: v for k, v in (("title", page.title), ("author", page.author),
                                          ("publisher", page.publisher), ("date", page.date)) if v})
        for start, end in page.chrome:
            analysis = _blank(analysis, start, end)
    if not analysis.strip():
        raise InputError(f"{path}: no article text (only front matter)" if suffix == ".md" else
                         f"{path}: file is empty")
    if not any(ch.isalpha() for ch in analysis):
        raise InputError(f"{path}: no sentences: the text has no words")
    if len(analysis) > MAX_TEXT_CHARS:
        raise InputError(f"{path}: article text is {len(analysis):,} characters, over the {MAX_TEXT_CHARS:,}-character "
                         "limit of one extraction; split it into several files")
    fields.update({k: v for k, v in side.items() if k != "encoding" and v not in (None, "")})
    return Article(path, text, analysis, _meta(path, fields, analysis, warnings), MEDIA_TYPES[suffix], warnings)


def _read_document(path: Path, suffix: str, data: bytes) -> Document:
    if suffix == ".pdf":
        from kg.ingest.pdf import read_pdf

        return read_pdf(path, data, MAX_TEXT_CHARS)
    if suffix == ".eml":
        from kg.ingest.mail import read_eml

        return read_eml(path, data)
    from kg.ingest.office import read_docx, read_odt

    return read_docx(path, data) if suffix == ".docx" else read_odt(path, data)


def _from_document(path: Path, document: Document, side: dict[str, Any]) -> Article:
    text = document.text
    if not any(ch.isalpha() for ch in text) and document.attachments:
        text = str(document.meta.get("title") or path.name)  # a message that is only its attachments
    if not any(ch.isalpha() for ch in text):
        raise InputError(f"{path}: no text in this document")
    if len(text) > MAX_TEXT_CHARS:
        raise InputError(f"{path}: document text is {len(text):,} characters, over the {MAX_TEXT_CHARS:,}-character "
                         "limit of one extraction; split it into several files")
    warnings = list(document.warnings)
    fields = {k: v for k, v in document.meta.items() if k in _META_FIELDS}
    if isinstance(fields.get("author"), str) and document.media_type == "message/rfc822":
        fields["author"] = [fields["author"]]  # one sender: a display name "Last, First" is not two people
    fields.update({k: v for k, v in side.items() if k != "encoding" and v not in (None, "")})
    return Article(path, text, text, _meta(path, fields, text, warnings), document.media_type, warnings,
                   document.page_starts, document.attachments)
