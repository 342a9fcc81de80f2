"""A PDF's lines (with their boxes and font sizes) -> the text extraction reads, and its page map.

PDF text is laid out, not written: lines break mid-word, every page repeats its running header,
footer and page number, and paragraphs are only visible as gaps and indents. This module turns
the lines :mod:`kg.ingest.pdfworker` reports into running text:

- lines that repeat at the top or bottom of many pages (digits ignored, so "Page 3" and "Page 4"
  count as one), and bare page numbers there, are dropped;
- a word hyphenated at a line end is joined again (PDFium marks the hyphens it knows are soft;
  a hyphen between two lower-case letters at a line end is taken as one too);
- lines of one paragraph are joined with a space; a paragraph ends at a vertical gap, a change of
  font size, a first-line indent, a jump to a new column, or a short line ending a sentence; a
  paragraph cut by a page break is joined across it;
- the title is the largest-type block on the upper half of the first page, when it stands out.

``page_starts[i]`` is the offset in the text where page ``i + 1`` begins, so any evidence offset
maps back to its page.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from statistics import median
from typing import Any

_PAGE_NUMBER = re.compile(r"^(?:page\s*)?[-\u2013\u2014(\[\s]*(?:\d{1,5}|[ivxlcdm]{1,8})[)\]\s]*(?:(?:of|/)\s*\d{1,5})?"
                          "[-\u2013\u2014\\s]*$", re.IGNORECASE)
_PAGE_WORD = re.compile(r"^page\s+\d{1,5}(?:\s*(?:of|/)\s*\d{1,5})?$", re.IGNORECASE)
_LETTERS = re.compile(r"[^\W\d_]+")
_ROMAN = re.compile(r"^m{0,3}(cm|cd|d?c{0,3})(xc|xl|l?x{0,3})(ix|iv|v?i{0,3})$")
_LIGATURES = str.maketrans({"\ufb00": "ff", "\ufb01": "fi", "\ufb02": "fl", "\ufb03": "ffi", "\ufb04": "ffl",
                            "\u00a0": " ", "\x02": "\ufffe"})
_SENTENCE_END = (".", "!", "?", ":", '"', "\u201d", "'", "\u2019", ")")
MARGIN_LINES = 3  # how many lines at the top and at the bottom of a page may be running heads


@dataclass
class Line:
    text: str
    left: float
    bottom: float
    right: float
    top: float
    size: float

    @property
    def height(self) -> float:
        return max(self.top - self.bottom, self.size, 1.0)


@dataclass
class Layout:
    text: str
    page_starts: list[int]
    title: str | None
    removed: int  # running header/footer/page-number lines dropped


def _key(text: str) -> str:
    """What a running head keeps from page to page: its words, without page numbers (Roman ones too)."""
    words = _LETTERS.findall(text.lower())
    while words and _ROMAN.match(words[-1]):
        words.pop()
    while words and _ROMAN.match(words[0]):
        words.pop(0)
    return " ".join(words)


def _lines(raw_pages: list[list[Any]]) -> list[list[Line]]:
    pages = []
    for _, _, lines in raw_pages:
        pages.append([Line(str(t).translate(_LIGATURES), float(a), float(b), float(c), float(d), float(e))
                      for t, a, b, c, d, e in lines])
    return pages


def _running(pages: list[list[Line]]) -> set[str]:
    """Keys of lines that sit in the margins of many pages, at the same height on the page."""
    if len(pages) < 2:
        return set()
    seen: dict[str, dict[int, float]] = {}
    for number, lines in enumerate(pages):
        for line in lines[:MARGIN_LINES] + lines[-MARGIN_LINES:]:
            key = _key(line.text)
            if len(key) >= 3:
                seen.setdefault(key, {}).setdefault(number, line.top)
    needed = 2 if len(pages) <= 3 else max(3, int(len(pages) * 0.4))
    running = set()
    for key, tops in seen.items():
        middle = median(tops.values())
        if sum(1 for top in tops.values() if abs(top - middle) <= 3.0) >= needed:
            running.add(key)
    return running


def _strip_margins(lines: list[Line], running: set[str], several: bool) -> tuple[list[Line], int]:
    def margin(line: Line) -> bool:
        text = line.text.strip()
        return _key(text) in running or bool((_PAGE_NUMBER if several else _PAGE_WORD).match(text))

    start, end = 0, len(lines)
    while start < min(end, MARGIN_LINES) and margin(lines[start]):
        start += 1
    while end > max(start, len(lines) - MARGIN_LINES) and margin(lines[end - 1]):
        end -= 1
    return lines[start:end], start + len(lines) - end


def _breaks(prev: Line, line: Line, body_right: float) -> bool:
    """Does ``line`` start a new paragraph after ``prev``? Never inside a word hyphenated at the line end."""
    if prev.text.endswith("\ufffe") or (prev.text.endswith("-") and line.text[:1].islower()):
        return False
    height = max(prev.height, line.height)
    if abs(prev.size - line.size) > max(1.0, 0.15 * max(prev.size, line.size)):
        return True
    if line.top > prev.top + 0.5 * height:  # moved up the page: a new column or region
        return True
    if prev.bottom - line.top > 0.8 * height:  # a blank line's worth of space
        return True
    if line.left > prev.left + 1.5 * line.size and line.left - prev.left < 8 * line.size:  # first-line indent
        return True
    short = prev.right < body_right - 4 * prev.size
    return short and prev.text.rstrip().endswith(_SENTENCE_END)


def _join(text: str, nxt: str) -> str:
    """The separator between the end of ``text`` and a following line (and text's new ending)."""
    if text.endswith("\ufffe"):
        return text[:-1]
    if len(text) >= 2 and text[-1] in "-\u00ad\u2010" and text[-2].islower() and nxt[:1].islower():
        return text[:-1]
    return text + " "


def _title(first_page: list[Line], height: float) -> str | None:
    """The block of clearly larger type that comes first in the upper half of page 1, if any."""
    if not first_page:
        return None
    body = median(line.size for line in first_page)
    upper = [i for i, line in enumerate(first_page[:12]) if line.top >= height / 2 and line.size >= body * 1.15]
    if not upper:
        return None
    parts: list[str] = []
    previous: Line | None = None
    for line in first_page[upper[0]:upper[0] + 6]:
        if line.size < body * 1.15 or (previous is not None and previous.bottom - line.top > line.height):
            break
        parts.append(line.text.strip())
        previous = line
    title = " ".join(" ".join(parts).split())
    return title if 3 <= len(title) <= 300 and _LETTERS.search(title) else None


def lay_out(raw_pages: list[list[Any]]) -> Layout:
    pages = _lines(raw_pages)
    running = _running(pages)
    paragraphs: list[str] = []  # finished paragraphs
    current = ""
    page_starts: list[int] = []
    removed = 0
    title = None
    last: Line | None = None
    for number, lines in enumerate(pages):
        kept, dropped = _strip_margins(lines, running, len(pages) > 1)
        removed += dropped
        if number == 0 and kept:
            title = _title(kept, float(raw_pages[0][1]))
        body_right = max((line.right for line in kept), default=0.0)
        for index, line in enumerate(kept):
            text = line.text.strip()
            first_of_page = index == 0
            if last is None:
                new = True
            elif first_of_page:  # across a page break: go on only with a sentence cut in the middle
                new = current.rstrip().endswith(_SENTENCE_END) or not text[:1].islower()
            else:
                new = _breaks(last, line, body_right)
            if new and current:
                paragraphs.append(current)
                current = ""
            if first_of_page:
                offset = sum(len(p) + 2 for p in paragraphs) + len(current)
                page_starts.append(offset + (len(_join(current, text)) - len(current) if current else 0))
            current = _join(current, text) + text if current else text
            last = line
        if not kept:
            page_starts.append(sum(len(p) + 2 for p in paragraphs) + len(current))
    if current:
        paragraphs.append(current)
    text = "\n\n".join(p for p in paragraphs if p)
    return Layout(_drop_soft_hyphens(text, page_starts), page_starts, title, removed)


def _drop_soft_hyphens(text: str, page_starts: list[int]) -> str:
    """PDFium's soft-hyphen marks left inside a line (its line breaking missed them): removed, and
    the page map shifted to match."""
    if "\ufffe" not in text:
        return text
    for i, start in enumerate(page_starts):
        page_starts[i] = start - text.count("\ufffe", 0, start)
    return text.replace("\ufffe", "")
