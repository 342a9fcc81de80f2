"""Quotation spans in normalised text: straight and curly double quotes, paired per paragraph.

A quotation left open at the end of a paragraph continues when the next paragraph opens with a
quotation mark (the English convention for quotes over several paragraphs) and ends with its
paragraph; so does one that opens the last paragraph of a text cut short. Any other open or stray
mark is reported as unbalanced and ignored: a guess at where it ends would attribute the wrong words.
"""

from __future__ import annotations

from dataclasses import dataclass

from kg.extract.textnorm import PARAGRAPH_BREAK

OPENING = "\u201c"
CLOSING = "\u201d"
STRAIGHT = '"'


@dataclass(frozen=True)
class Quote:
    start: int  # offset of the opening mark
    end: int  # offset just after the closing mark

    @property
    def inner(self) -> tuple[int, int]:
        return self.start + 1, self.end - 1


def find_quotes(text: str) -> tuple[list[Quote], list[int]]:
    """Quotes found, and the offsets of quote marks left unbalanced."""
    quotes: list[Quote] = []
    unbalanced: list[int] = []
    position = 0
    paragraphs = text.split(PARAGRAPH_BREAK)
    for number, paragraph in enumerate(paragraphs):
        open_at: int | None = None
        for index, char in enumerate(paragraph):
            offset = position + index
            if char == OPENING or (char == STRAIGHT and open_at is None):
                if open_at is not None:
                    unbalanced.append(open_at)
                open_at = offset
            elif char in (CLOSING, STRAIGHT) and open_at is not None:
                if offset - open_at > 1:
                    quotes.append(Quote(open_at, offset + 1))
                open_at = None
            elif char == CLOSING:
                unbalanced.append(offset)
        following = paragraphs[number + 1].lstrip() if number + 1 < len(paragraphs) else ""
        opens_paragraph = open_at is not None and not paragraph[:open_at - position].strip()
        if open_at is not None and (following[:1] in (OPENING, STRAIGHT) or (opens_paragraph and not following)):
            quotes.append(Quote(open_at, position + len(paragraph) + 1))  # runs on into the next paragraph
        elif open_at is not None:
            unbalanced.append(open_at)
        position += len(paragraph) + len(PARAGRAPH_BREAK)
    return quotes, unbalanced


def line_of(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1
