"""SPARQL text: a tokenizer that follows the grammar's terminals, and the one way values are bound.

The tokenizer (SPARQL 1.1/1.2, section 19.8) does not parse; it only tells code apart from strings,
IRIs and comments, so the safety check (kg.query.safety) sees every keyword the engine will see.
Unknown characters become one-character punctuation tokens, and anything it cannot read (an
unterminated string) is an error: the check fails closed.

Values never enter a query as pasted text: :func:`values` writes a ``VALUES`` block from term
objects (pyoxigraph validates IRIs when a NamedNode is made and escapes literals), and
:func:`bind` places it in the query. The store, the remote backend, the query runner and the
saved questions all bind through here.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

import pyoxigraph as ox

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


# --- binding values ------------------------------------------------------------------------------
Term = ox.NamedNode | ox.Literal
_VARIABLE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
# In a saved question, a comment "# @bind" marks where parameter values go (each becomes a VALUES block);
# without marks they go at the start of the WHERE group. Oxigraph does not push a VALUES join into
# UNION branches, so questions built of branches mark each one.
BIND_MARK = "# @bind"


def term(name: str, value: Term) -> str:
    """One IRI or literal as SPARQL text (``name`` is the variable it binds, for messages)."""
    if isinstance(value, ox.NamedNode):  # pyoxigraph refuses IRIs with <, >, ", spaces...: always one token
        return str(value)
    if not isinstance(value, ox.Literal):
        raise QueryError(f"parameter {name!r}: only IRIs and literals can be bound")
    text = str(value)  # N-Triples syntax from the term object: escaped by pyoxigraph, valid SPARQL
    tokens = tokenize(text)
    allowed_tail = all(t.kind in ("iri", "word") or t.text in "^@" for t in tokens[1:])
    if not tokens or tokens[0].kind not in ("iri", "string") or not allowed_tail:
        raise QueryError(f"parameter {name!r}: cannot be written as one SPARQL term")
    return text


def values(names: Sequence[str], rows: Iterable[Sequence[Term]]) -> str:
    """``VALUES (?a ?b) { (<x> "y") ... }``: one solution per row."""
    for name in names:
        if not _VARIABLE.match(name):
            raise QueryError(f"parameter name {name!r} is not a SPARQL variable name")
    head = " ".join(f"?{name}" for name in names)
    body = " ".join("(" + " ".join(term(n, t) for n, t in zip(names, row, strict=True)) + ")" for row in rows)
    return f"VALUES ({head}) {{ {body} }}"


def bind(text: str, bindings: Mapping[str, Term]) -> str:
    """Insert ``VALUES (?a ?b) { (<x> "y") }`` at the start of the query's WHERE group."""
    if not bindings:
        return text
    return bind_rows(text, list(bindings), [tuple(bindings.values())])


def bind_rows(text: str, names: list[str], rows: Sequence[tuple[Term, ...]]) -> str:
    """Like :func:`bind`, with several rows of values (one solution each)."""
    block = f" {values(names, rows)} "
    tokens = tokenize(text)
    marks = _marks(text, tokens)
    if marks:  # the query says where: typically the start of every UNION branch, so each starts bound
        out, last = [], 0
        for mark in marks:
            out += [text[last:mark], block]
            last = mark + len(BIND_MARK)
        return "".join(out) + text[last:]
    where = next((i for i, t in enumerate(tokens) if t.keyword == "WHERE"), None)
    brace = None if where is None else next((t for t in tokens[where + 1:] if t.kind == "punct"), None)
    if brace is None or brace.text != "{":
        raise QueryError("a query with parameters needs an explicit WHERE { ... }")
    cut = brace.start + 1
    return text[:cut] + block + text[cut:]


def _marks(text: str, tokens: list[Token]) -> list[int]:
    """Offsets of ``# @bind`` comments (a comment only: never inside a string or IRI token)."""
    found, start = [], text.find(BIND_MARK)
    while start != -1:
        if not any(t.start <= start < t.start + len(t.text) for t in tokens):
            found.append(start)
        start = text.find(BIND_MARK, start + 1)
    return found
