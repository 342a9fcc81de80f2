"""A SPARQL tokenizer that follows the grammar's terminals exactly (SPARQL 1.1/1.2, section 19.8).

It does not parse; it only tells code apart from strings, IRIs and comments, so the safety check can
see every keyword the engine will see. Unknown characters become one-character punctuation tokens,
and anything it cannot read (an unterminated string) is an error: the check fails closed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from kg.errors import QueryError

_HEX = r"[0-9A-Fa-f]"
_UCHAR = rf"\\u{_HEX}{{4}}|\\U{_HEX}{{8}}"
_ECHAR = r"""\\[tbnrf\\"']"""
_PATTERNS: list[tuple[str, str]] = [
    ("ws", r"[ \t\r\n]+"),
    ("comment", r"#[^\r\n]*"),
    ("iri", rf"""<(?:[^<>"{{}}|^`\\\x00-\x20]|{_UCHAR})*>"""),
    ("string", rf'"""(?:(?:"|"")?(?:[^"\\]|{_ECHAR}|{_UCHAR}))*"""'),
    ("string", rf"'''(?:(?:'|'')?(?:[^'\\]|{_ECHAR}|{_UCHAR}))*'''"),
    ("string", rf'"(?:[^"\\\n\r]|{_ECHAR}|{_UCHAR})*"'),
    ("string", rf"'(?:[^'\\\n\r]|{_ECHAR}|{_UCHAR})*'"),
    ("var", r"[?$][0-9A-Za-z_\u00B7\u00C0-\uFFFF\U00010000-\U000EFFFF]+"),
    # words: keywords, prefixed names, blank node labels, numbers; a ':' keeps a name from being a keyword
    ("word", r"(?:[0-9A-Za-z_\u00B7\u00C0-\uFFFF\U00010000-\U000EFFFF:%]|\\[^\s])"
             r"(?:[0-9A-Za-z_\u00B7\u00C0-\uFFFF\U00010000-\U000EFFFF:%.\-]|\\[^\s])*"),
]
_TOKEN = re.compile("|".join(f"(?P<{kind}{i}>{pattern})" for i, (kind, pattern) in enumerate(_PATTERNS)),
                    re.DOTALL)
_CODEPOINT = re.compile(_UCHAR)
_LETTERS = re.compile(r"[A-Za-z]+")
_CACHE_CHARS = 20_000  # longer texts are tokenized every time rather than kept in memory


@dataclass(frozen=True)
class Token:
    kind: str  # iri | string | var | word | punct
    text: str
    start: int

    @property
    def keyword(self) -> str | None:
        """The upper-cased keyword this token spells, or None for names, strings and IRIs."""
        if self.kind != "word" or ":" in self.text:
            return None
        return self.text.rstrip(".").upper()

    def pieces(self) -> set[str]:
        """Every run of letters in a word, upper-cased: a deliberately loose reading, so a keyword
        glued to a name (``a.SERVICE``, ``ex:.SERVICE``) is still seen."""
        if self.kind != "word":
            return set()
        return {piece.upper() for piece in _LETTERS.findall(self.text)}


def tokenize(query: str) -> list[Token]:
    """Every token of ``query`` except whitespace and comments, in order."""
    return list(_tokenize(query) if len(query) <= _CACHE_CHARS else _tokenize.__wrapped__(query))


@lru_cache(maxsize=1024)
def _tokenize(query: str) -> tuple[Token, ...]:
    """Cached: saved questions and repeated endpoint queries are read once."""
    tokens: list[Token] = []
    pos, end = 0, len(query)
    while pos < end:
        match = _TOKEN.match(query, pos)
        if match is None or match.end() == pos:
            char = query[pos]
            if char in "\"'":
                line = query.count("\n", 0, pos) + 1
                raise QueryError(f"unterminated string starting at line {line}, column "
                                 f"{pos - query.rfind(chr(10), 0, pos)}")
            tokens.append(Token("punct", char, pos))
            pos += 1
            continue
        kind = (match.lastgroup or "ws").rstrip("0123456789")
        if kind not in ("ws", "comment"):
            tokens.append(Token(kind, match.group(), pos))
        pos = match.end()
    return tuple(tokens)


def unescape_codepoints(query: str) -> str:
    """SPARQL 1.1 lets ``\\uXXXX`` escapes appear anywhere and expands them before parsing; engines
    that still do so would see keywords this reading hides, so the safety check reads both."""
    return _CODEPOINT.sub(lambda m: chr(int(m.group()[2:], 16)), query)


def keywords(query: str) -> set[str]:
    """Keywords in code position (not in strings, IRIs, comments or prefixed names)."""
    return {kw for token in tokenize(query) if (kw := token.keyword) is not None}


def word_pieces(query: str) -> set[str]:
    """The loose reading of every word in code position (see :meth:`Token.pieces`)."""
    found: set[str] = set()
    for token in tokenize(query):
        found |= token.pieces()
    return found
