"""Parameters of saved questions: a name, alias or IRI in, one RDF term out.

Entities are found by :mod:`kg.query.lookup` (the same rules as every other command); claims by
their id or words, sources by their file name. Every lookup runs through the engine with the
user's text bound as a literal, never pasted into the query.
"""

from __future__ import annotations

import re

import pyoxigraph as ox

from kg import vocab
from kg.errors import AmbiguousNameError, QueryError
from kg.iris import check_iri
from kg.query.lookup import Lookup
from kg.query.runner import QueryEngine
from kg.sparql import Term, bind_rows

MAX_VALUE = 2_000
TYPES = ("entity", "person", "organization", "publication", "claim", "source", "text")
_IRI_LIKE = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://\S+$|^urn:\S+$")
_IS_A = "SELECT ?s ?label WHERE { ?s a ?class . OPTIONAL { ?s rdfs:label ?label } } LIMIT 1"
_CLAIMS = """SELECT DISTINCT ?s ?label WHERE {
  ?s a ?class ; schema:text ?t . OPTIONAL { ?s rdfs:label ?label } OPTIONAL { ?s kg:quote ?q }
  FILTER(STRENDS(STR(?s), CONCAT("/", ?id)) || CONTAINS(LCASE(?t), ?wanted)
         || CONTAINS(LCASE(COALESCE(?q, "")), ?wanted))
} LIMIT 20"""
_SOURCES = "SELECT ?g ?name WHERE { GRAPH ?g { ?g a kg:Source ; kg:fileName ?name } } ORDER BY ?name"


def _rows(engine: QueryEngine, query: str, names: list[str], rows: list[tuple[Term, ...]]) -> list[tuple[str, str]]:
    result = engine.query(bind_rows(query, names, rows), max_rows=1_000)
    found: dict[str, str] = {}
    for s, label in result.rows:
        if isinstance(s, ox.NamedNode):
            found.setdefault(s.value, label.value if isinstance(label, ox.Literal) else s.value)
    return sorted(found.items(), key=lambda item: (item[1].casefold(), item[0]))


def _one(kind: str, value: str, param: str, matches: list[tuple[str, str]]) -> ox.NamedNode:
    if len(matches) > 1:
        listed = "; ".join(f"{label} <{iri}>" for iri, label in matches[:12])
        raise AmbiguousNameError(f"{param}={value!r} matches {len(matches)} candidates: {listed}. "
                                 "Pass one of the IRIs instead")
    return ox.NamedNode(matches[0][0])


def _claim(engine: QueryEngine, value: str, param: str) -> ox.NamedNode:
    if _IRI_LIKE.match(value):
        check_iri(value, param)
        if _rows(engine, _IS_A, ["s", "class"], [(ox.NamedNode(value), ox.NamedNode(vocab.CLAIM))]):
            return ox.NamedNode(value)
        raise QueryError(f"{param}: no claim with IRI <{value}> in the store")
    row: tuple[Term, ...] = (ox.NamedNode(vocab.CLAIM), ox.Literal(value), ox.Literal(value.lower()))
    matches = _rows(engine, _CLAIMS, ["class", "id", "wanted"], [row])
    exact = [m for m in matches if m[0].endswith("/" + value)]
    if exact:
        matches = exact
    if not matches:
        raise QueryError(f"{param}: no claim with id or words {value!r}; "
                         "'kg ask claims-about --param entity=…' lists claims")
    return _one("claim", value, param, matches)


def _source(engine: QueryEngine, value: str, param: str) -> ox.NamedNode:
    known = [(g.value, n.value) for g, n in engine.query(_SOURCES, max_rows=100_000).rows
             if isinstance(g, ox.NamedNode) and isinstance(n, ox.Literal)]
    for iri, name in known:
        if value in (iri, name):
            return ox.NamedNode(iri)
    by_file = [(iri, name) for iri, name in known if name.endswith("/" + value)]
    if len(by_file) == 1:
        return ox.NamedNode(by_file[0][0])
    if by_file:
        return _one("source", value, param, by_file)
    names = ", ".join(name for _, name in known[:10]) or "none"
    raise QueryError(f"{param}: no source named {value!r} in the store (sources: {names})")


def resolve(engine: QueryEngine, kind: str, value: str, param: str = "param") -> Term:
    """The term a ``--param`` value stands for, by parameter type."""
    if len(value) > MAX_VALUE:
        raise QueryError(f"{param}: value is {len(value):,} characters; the limit is {MAX_VALUE:,}")
    if kind == "text":
        return ox.Literal(value)
    if not value.strip():
        raise QueryError(f"{param}: empty value")
    if kind in ("entity", "person", "organization", "publication"):
        kinds = None if kind == "entity" else [kind]
        return ox.NamedNode(Lookup.of_engine(engine).find(value, kinds, param).entity.iri)
    if kind == "claim":
        return _claim(engine, value.strip(), param)
    if kind == "source":
        return _source(engine, value.strip(), param)
    raise QueryError(f"{param}: unknown parameter type {kind!r} (types: {', '.join(TYPES)})")
