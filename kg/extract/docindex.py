"""A parsed article's structure, computed once: sentences, headings, tokens by offset.

spaCy recomputes ``doc.sents``, ``token.sent`` and ``doc.text`` on every access (a scan of the
document each time); the rules ask those questions hundreds of times per article, so they ask
this index instead.
"""

from __future__ import annotations

import bisect
import re
from typing import Any

from kg.extract.textnorm import PARAGRAPH_BREAK

_TERMINAL = (".", "!", "?", '"', "'", "\u201d", "\u2019", ":", ";", ")")
# A quotation closed by a short "he said" that lost its full stop is still a sentence, not a heading.
_QUOTE_TAIL = re.compile(r"[,!?][\"\u201d]\s+(?:\S+\s+){0,3}\S+$")


class DocIndex:
    def __init__(self, doc: Any) -> None:
        self.doc = doc
        self.sents: list[Any] = list(doc.sents)
        self.sent_no = [0] * len(doc)
        for number, sent in enumerate(self.sents):
            for i in range(sent.start, sent.end):
                self.sent_no[i] = number
        self.toks: list[Any] = list(doc)  # made once: every ``for token in doc`` builds new Token objects
        self.starts = [token.idx for token in self.toks]

    def headings(self, text: str) -> set[int]:
        """Sentences that are headlines, bylines or labels: they end a paragraph without closing
        punctuation, or are all capitals. ``text`` is the document's text."""
        out = set()
        end_of_text = len(text.rstrip())
        for number, sent in enumerate(self.sents):
            own = text[sent.start_char:sent.end_char]  # sent.text would rebuild the string token by token
            stripped = own.strip()
            with_ws = sent.end_char + len(self.toks[sent.end - 1].whitespace_)
            ends_paragraph = text.startswith(PARAGRAPH_BREAK, sent.end_char) or sent.end_char >= end_of_text \
                or "\n" in text[sent.start_char + len(own.rstrip()):with_ws]
            if stripped and ((ends_paragraph and not stripped.endswith(_TERMINAL) and not _QUOTE_TAIL.search(stripped))
                             or stripped.isupper()):
                out.add(number)
        return out

    def sent(self, token: Any) -> Any:
        return self.sents[self.sent_no[token.i]]

    def token_at(self, offset: int) -> int:
        """Index of the token containing character ``offset`` (or the one before it)."""
        return max(0, bisect.bisect_right(self.starts, offset) - 1)

    def tokens(self, start: int, end: int) -> range:
        """Indices of the tokens overlapping the character span ``[start, end)``."""
        if start >= end or not self.starts:
            return range(0)
        return range(self.token_at(start), bisect.bisect_left(self.starts, end))


def index(doc: Any) -> DocIndex:
    cached = doc.user_data.get("kg_index")
    if not isinstance(cached, DocIndex):
        cached = DocIndex(doc)
        doc.user_data["kg_index"] = cached
    return cached
