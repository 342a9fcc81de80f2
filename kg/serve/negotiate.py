"""Which result format a client asked for: by ``format=``/``output=`` name or by Accept header.

Clients name formats in many ways. SPARQLWrapper sends ``format=json|xml|turtle|n3|rdf+xml|json-ld|
csv|tsv`` with a matching Accept header, for every query form ("xml" means RDF/XML for a CONSTRUCT,
results XML for a SELECT); rdflib's SPARQLStore sends only Accept; curl users type a file extension or
a media type. pyoxigraph's own tables (``RdfFormat`` and ``QueryResultsFormat``: media types and file
extensions) are read first, then the names those tables do not know. A SELECT or ASK gets a results
format (JSON, XML, CSV, TSV), a CONSTRUCT or DESCRIBE an RDF syntax (Turtle, N-Triples, N3, JSON-LD,
RDF/XML); ``format=`` wins over Accept. An Accept header that names nothing kg can write for this
form gets the form's default (JSON, Turtle) rather than a 406: rdflib's SPARQLStore asks for results
JSON even for a CONSTRUCT, and reads whatever Content-Type comes back.
"""

from __future__ import annotations

from functools import lru_cache

import pyoxigraph as ox

from kg.errors import QueryError
from kg.query import formats

GRAPH_FORMS = ("CONSTRUCT", "DESCRIBE")
_RESULTS = {ox.QueryResultsFormat.JSON: "json", ox.QueryResultsFormat.XML: "xml",
            ox.QueryResultsFormat.CSV: "csv", ox.QueryResultsFormat.TSV: "tsv"}
_GRAPHS = {fmt: name for name, fmt in formats.GRAPH_FORMATS.items()}
# names and media types clients send that pyoxigraph's tables do not know, by kind of result
_RESULT_NAMES = {"application/json": "json", "text/json": "json", "text/javascript": "json",
                 "application/javascript": "json", "sparql-results+json": "json", "application/xml": "xml",
                 "text/xml": "xml", "sparql-results+xml": "xml"}
_GRAPH_NAMES = {"turtle": "ttl", "application/x-turtle": "ttl", "application/turtle": "ttl", "text/rdf+n3": "n3",
                "ntriples": "nt", "n-triples": "nt", "text/plain": "nt", "json-ld": "jsonld", "json": "jsonld",
                "application/json": "jsonld", "application/x-json+ld": "jsonld", "rdf+xml": "rdfxml",
                "rdfxml": "rdfxml", "xml": "rdfxml", "application/xml": "rdfxml", "text/xml": "rdfxml"}


def media_type(fmt: str) -> str:
    """The Content-Type for a short format name (with a charset for the text formats)."""
    media = formats.MEDIA_TYPES[fmt]
    return media if fmt in ("json", "jsonld") else media + "; charset=utf-8"


@lru_cache(maxsize=512)
def lookup(name: str, graph: bool) -> str | None:
    """The short format name a format name, extension or media type stands for, for this kind of result."""
    key = name.strip().lower().replace(" ", "+")  # an unencoded '+' in a URL arrives as a space
    if graph:
        rdf = ox.RdfFormat.from_media_type(key) or ox.RdfFormat.from_extension(key)
        found = _GRAPHS.get(rdf) if rdf is not None else None
        return found or _GRAPH_NAMES.get(key) or (key if key in formats.GRAPH_FORMATS else None)
    results = ox.QueryResultsFormat.from_media_type(key) or ox.QueryResultsFormat.from_extension(key)
    found = _RESULTS.get(results) if results is not None else None
    return found or _RESULT_NAMES.get(key) or (key if key in formats.RESULT_FORMATS else None)


@lru_cache(maxsize=256)
def accepted(accept: str) -> tuple[str, ...]:
    """Media types from an Accept header, best first (q-values honoured, q=0 dropped)."""
    ranked = []
    for index, part in enumerate(accept.split(",")):
        media, *params = [p.strip() for p in part.split(";")]
        q = 1.0
        for param in params:
            if param.startswith("q="):
                try:
                    q = float(param[2:])
                except ValueError:
                    q = 0.0
        if media and q > 0:
            ranked.append((-q, index, media.lower()))
    return tuple(media for _, _, media in sorted(ranked))


def negotiate(form: str, accept: str, override: str | None) -> str:
    """The short format name for a ``form`` query's result: ``format=`` wins, then Accept, then the default."""
    graph = form in GRAPH_FORMS
    allowed = list(formats.GRAPH_FORMATS if graph else formats.RESULT_FORMATS)
    if override:
        name = lookup(override, graph)
        if name is None:
            raise QueryError(f"format {override!r} does not fit a {form} result (use {', '.join(allowed)})")
        return name
    for media in accepted(accept):
        if media == "*/*":
            return allowed[0]
        if media.endswith("/*"):  # text/*, application/*: the first format of that family
            family = next((f for f in allowed if formats.MEDIA_TYPES[f].startswith(media[:-1])), None)
            if family is not None:
                return family
            continue
        found = lookup(media, graph)
        if found is not None:
            return found
    return allowed[0]
