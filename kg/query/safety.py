"""What a query may do before it reaches the engine (docs/architecture.md, safety rules S1, S2 and S5).

- ``SERVICE`` is refused: rdflib, pyoxigraph and oxrdflib all make the HTTP request it names (SSRF).
- ``LOAD`` is refused everywhere, updates included: it fetches URLs and files.
- ``FROM``/``FROM NAMED`` only ever select graphs already in the store (pyoxigraph never
  dereferences them, and no FROM is sent to a remote server); :mod:`kg.query.dataset` gives the
  dataset they name merge semantics.
- Parameters are bound by a ``VALUES`` block written from term objects (:func:`kg.sparql.bind`),
  never pasted text.

The check reads the query with :mod:`kg.sparql`, which follows the grammar's terminals, so a
keyword inside a string, IRI or comment is not code and a keyword in code is always seen.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from kg.errors import QueryError, UnsafeQueryError
from kg.sparql import Token, keywords, tokenize, unescape_codepoints, word_pieces

MAX_QUERY_CHARS = 200_000
QUERY_FORMS = ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")
UPDATE_FORMS = ("INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH")
_NEVER = ("LOAD",)


@dataclass(frozen=True)
class CheckedQuery:
    text: str
    form: str  # SELECT | ASK | CONSTRUCT | DESCRIBE | UPDATE
    has_dataset: bool  # a FROM or FROM NAMED clause selects the graphs


def _form(tokens: list[Token]) -> str:
    for token in tokens:
        keyword = token.keyword
        if keyword in QUERY_FORMS:
            return keyword
        if keyword in UPDATE_FORMS:
            return "UPDATE"
    raise QueryError("not a SPARQL query: expected SELECT, ASK, CONSTRUCT or DESCRIBE")


def _refuse(text: str, forbidden: tuple[str, ...]) -> None:
    found = word_pieces(text)
    unescaped = unescape_codepoints(text)
    if unescaped != text:
        try:
            found |= word_pieces(unescaped)
        except QueryError:  # an escaped quote broke a string: read the whole text loosely
            found |= {w.upper() for w in re.findall(r"[A-Za-z]+", unescaped)}
    for keyword in forbidden:
        if keyword in found:
            what = "calls another endpoint (SSRF)" if keyword == "SERVICE" else "reads files or URLs"
            raise UnsafeQueryError(f"{keyword} is not allowed: it {what}. Query the store's own graphs "
                                   f"(GRAPH, FROM) instead; a name spelling {keyword} in code position is "
                                   "refused too, rename it")


@lru_cache(maxsize=2048)
def check_query(text: str, allow_service: bool = False) -> CheckedQuery:
    """Refuse what could reach outside the store; return the query's form and dataset use."""
    if len(text) > MAX_QUERY_CHARS:
        raise UnsafeQueryError(f"query is {len(text):,} characters; the limit is {MAX_QUERY_CHARS:,}")
    tokens = tokenize(text)
    _refuse(text, _NEVER if allow_service else ("SERVICE", *_NEVER))
    form = _form(tokens)
    if form == "UPDATE":
        raise QueryError("this is a SPARQL update, not a query; the store is read-only here")
    return CheckedQuery(text, form, "FROM" in keywords(text))


@lru_cache(maxsize=256)
def check_update(text: str) -> CheckedQuery:
    """Updates (only with ``kg serve --allow-update``): never LOAD, never SERVICE."""
    if len(text) > MAX_QUERY_CHARS:
        raise UnsafeQueryError(f"update is {len(text):,} characters; the limit is {MAX_QUERY_CHARS:,}")
    tokens = tokenize(text)
    _refuse(text, ("SERVICE", *_NEVER))
    if _form(tokens) != "UPDATE":
        raise QueryError("not a SPARQL update: expected INSERT, DELETE, CLEAR, DROP, CREATE, COPY, MOVE or ADD")
    return CheckedQuery(text, "UPDATE", False)


def projected(text: str) -> set[str]:
    """Variables a SELECT query projects by name (``SELECT ?a ?b (... AS ?c)`` gives a, b; c is computed).

    Those can be bound with pyoxigraph's substitutions, which it applies inside the algebra (faster
    than a VALUES join when the variable sits in UNION branches); others get a VALUES block.
    """
    tokens = tokenize(text)
    start = next((i for i, t in enumerate(tokens) if t.keyword == "SELECT"), None)
    if start is None:
        return set()
    names: set[str] = set()
    depth = 0
    for token in tokens[start + 1:]:
        if token.keyword == "WHERE" or (token.text == "{" and depth == 0):
            break
        if token.text == "(":
            depth += 1
        elif token.text == ")":
            depth -= 1
        elif token.kind == "var" and depth == 0:
            names.add(token.text[1:])
    return names
