"""Whitespace normalisation that remembers where every character came from.

The language model sees tidy text (runs of spaces and single line breaks collapsed to one space,
paragraph breaks kept as a blank line); evidence offsets must point into the stored source text.
:class:`NormalText` keeps, for each normalised character, its offset in the original, so any span
found in the normalised text maps back exactly.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

_RUN = re.compile(r"\s+")
PARAGRAPH_BREAK = "\n\n"


@dataclass(frozen=True)
class NormalText:
    """Normalised text plus ``origin[i]``: the original offset of normalised character ``i``."""

    text: str
    origin: tuple[int, ...]
    original_length: int

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Map a normalised ``[start, end)`` span to the original text (end exclusive)."""
        if start >= end:
            point = self.origin[start] if start < len(self.origin) else self.original_length
            return point, point
        return self.origin[start], self.origin[end - 1] + 1


_LINE_END = re.compile(r"[.!?:)\"\u201d\u2019]\s*$")


def lines_are_paragraphs(original: str) -> bool:
    """Text saved from a web page often has one paragraph per line: most lines followed by another
    line end a sentence. Text wrapped at a fixed width rarely does (a fifth of its lines at most)."""
    lines = [line.strip() for line in original.split("\n")]
    pairs = [a for a, b in itertools.pairwise(lines) if a and b]
    return len(pairs) >= 3 and sum(1 for a in pairs if _LINE_END.search(a)) >= 0.6 * len(pairs)


def normalise(original: str) -> NormalText:
    """Collapse whitespace: a run holding two or more line breaks becomes a paragraph break (one
    line break too, when lines are paragraphs), any other run a single space; leading and trailing
    whitespace is dropped."""
    per_line = lines_are_paragraphs(original)
    pieces: list[str] = []
    origin: list[int] = []
    position = 0
    for match in _RUN.finditer(original):
        chunk_start, chunk_end = match.span()
        if chunk_start > position:
            pieces.append(original[position:chunk_start])
            origin.extend(range(position, chunk_start))
        if origin and chunk_end < len(original):  # no leading or trailing whitespace
            breaks = match.group().count("\n")
            gap = PARAGRAPH_BREAK if breaks >= 2 or (per_line and breaks == 1) else " "
            pieces.append(gap)
            origin.extend([chunk_start] * len(gap))
        position = chunk_end
    if position < len(original):
        pieces.append(original[position:])
        origin.extend(range(position, len(original)))
    return NormalText("".join(pieces), tuple(origin), len(original))
