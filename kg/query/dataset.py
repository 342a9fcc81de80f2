"""The RDF dataset a query runs on, with the merge semantics SPARQL gives it.

Without ``FROM`` (and without the protocol's ``default-graph-uri``/``named-graph-uri``) a query runs
on the store's default graph, which kg keeps as the merge of the source graphs (kg.store.merge), and
``GRAPH`` sees every named graph. A query that names its dataset gets exactly that: the protocol's
graphs win over the query's own ``FROM`` clauses (SPARQL 1.1 Protocol, 2.1.4), and ``FROM NAMED``
without ``FROM`` leaves the default graph empty.

A default graph of one graph is a set already: the engine gets it as its ``default_graph`` option.
Two or more must be merged, which pyoxigraph 0.5 does not do (it concatenates: oxigraph issue 1919),
so the worker copies those graphs into a scratch in-memory store (their merge in its default graph,
the named graphs as they are) and runs the query there; the cost grows with the graphs named, and the
worker's time limit covers it. A remote store's graphs are fetched the same way, by graph name only:
no ``FROM`` is ever sent to a server, which might dereference it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pyoxigraph as ox

from kg import vocab
from kg.query.messages import Dataset
from kg.sparql import Token, tokenize, unescape_codepoints

if TYPE_CHECKING:
    from kg.store.remote import RemoteBackend


def chosen(text: str, default_graph: list[str] | None, named_graphs: list[str] | None) -> Dataset | None:
    """The dataset a query names (protocol parameters first, then its FROM clauses), or None."""
    if default_graph or named_graphs:
        return Dataset(tuple(default_graph or ()), tuple(named_graphs or ()))
    return from_clauses(text)


def from_clauses(text: str) -> Dataset | None:
    """The graphs of the query's ``FROM`` and ``FROM NAMED`` clauses (None without any).

    Dataset clauses stand between the query form and its WHERE group, outside every brace, so they
    are read from the tokens at brace depth 0; prefixed names are expanded with the query's PREFIX
    declarations over kg's predeclared ones, relative IRIs against its BASE.
    """
    tokens = tokenize(text)
    prefixes = dict(vocab.PREFIXES)
    base: str | None = None
    default: list[str] = []
    named: list[str] = []
    depth = 0
    for index, token in enumerate(tokens):
        if token.text == "{":
            depth += 1
        elif token.text == "}":
            depth -= 1
        keyword = token.keyword
        if depth or keyword not in ("PREFIX", "BASE", "FROM"):
            continue
        following = tokens[index + 1:index + 4]
        if keyword == "BASE" and following:
            base = _iri(following[0], prefixes, base) or base
        elif keyword == "PREFIX" and len(following) >= 2 and following[0].text.endswith(":"):
            prefixes[following[0].text[:-1]] = _iri(following[1], prefixes, base) or ""
        elif keyword == "FROM" and following:
            is_named = following[0].keyword == "NAMED"
            target = following[1] if is_named and len(following) > 1 else following[0]
            iri = _iri(target, prefixes, base)
            if iri is not None:
                (named if is_named else default).append(iri)
    if not default and not named:
        return None
    return Dataset(tuple(dict.fromkeys(default)), tuple(dict.fromkeys(named)))


def _iri(token: Token, prefixes: dict[str, str], base: str | None) -> str | None:
    if token.kind == "iri":
        iri = unescape_codepoints(token.text[1:-1])
        return _resolved(iri, base) if base else iri
    if token.kind == "word" and ":" in token.text:
        prefix, _, local = token.text.partition(":")
        if prefix in prefixes:
            return prefixes[prefix] + local.replace("\\", "")
    return None


def _resolved(iri: str, base: str) -> str | None:
    """``iri`` resolved against ``base`` as the engine does it (RFC 3986, by the same IRI library)."""
    try:
        [quad] = ox.parse(f"<{iri}> <urn:kg:p> <urn:kg:o> .", format=ox.RdfFormat.TURTLE, base_iri=base)
    except (SyntaxError, ValueError):
        return None
    subject = quad.subject
    return subject.value if isinstance(subject, ox.NamedNode) else None


def run(store: ox.Store | RemoteBackend, text: str, dataset: Dataset | None, **options: Any) -> Any:
    """``store.query`` on ``dataset`` with merge semantics (the store's default graph when None)."""
    if dataset is None:
        return store.query(text, **options)
    named: list[ox.NamedNode | ox.BlankNode] = [ox.NamedNode(g) for g in dataset.named]
    if isinstance(store, ox.Store) and len(dataset.default) <= 1:
        return store.query(text, default_graph=[ox.NamedNode(g) for g in dataset.default], named_graphs=named,
                           **options)
    scratch = ox.Store()
    for graph in dataset.default:
        scratch.load(_graph_text(store, graph), ox.RdfFormat.N_TRIPLES, to_graph=ox.DefaultGraph())
    for graph in dataset.named:
        scratch.load(_graph_text(store, graph), ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(graph))
    return scratch.query(text, default_graph=ox.DefaultGraph(), named_graphs=named, **options)


def _graph_text(store: ox.Store | RemoteBackend, graph: str) -> bytes:
    if isinstance(store, ox.Store):
        return store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.NamedNode(graph)) or b""
    return store.graph_text(ox.NamedNode(graph))
