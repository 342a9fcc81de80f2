"""`kg view --query FILE.rq`: draw what a SPARQL CONSTRUCT or SELECT returns.

The query runs through kg.query (SERVICE and LOAD refused, a killable worker with a wall-clock
limit and a row cap), read-only. A CONSTRUCT draws its triples: known people, organizations,
publications and claims keep everything the network knows about them, kg relations keep their
names ("said", "about" ...), any other predicate is drawn with its compact name, other resources
become "Other" nodes, and literal values are listed in the node's side panel. A SELECT draws every
known node bound in its rows and the network's edges between them.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox

from kg import vocab
from kg.errors import InputError
from kg.query.network import RELATIONS, Edge, Network, Node
from kg.store import KgStore

if TYPE_CHECKING:
    from kg.query.runner import Result

MAX_ROWS = 100_000
DEFAULT_TIMEOUT = 30.0


def read_query(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(f"{path}: no such query file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: cannot read the query ({exc})") from None


def run_query(store: KgStore, text: str, timeout: float = DEFAULT_TIMEOUT) -> Result:
    from kg.query.runner import QueryEngine  # the safe runner: SERVICE/LOAD refused, killable worker

    with QueryEngine.for_store(store, timeout=timeout, max_rows=MAX_ROWS) as engine:
        result = engine.query(text)
    if result.form not in ("CONSTRUCT", "DESCRIBE", "SELECT"):
        raise InputError(f"--query needs a CONSTRUCT or SELECT query to draw, not {result.form}")
    return result


def _other(net: Network, sub: Network, term: ox.NamedNode | ox.BlankNode) -> Node:
    iri = term.value if isinstance(term, ox.NamedNode) else "_:" + term.value
    found = sub.nodes.get(iri)
    if found is None:
        known = net.nodes.get(iri)
        found = known if known is not None else Node(iri, "Other", vocab.compact(iri))
        sub.nodes[iri] = found
    return found


def from_triples(net: Network, triples: list[ox.Triple]) -> Network:
    sub = Network()
    literals: dict[str, dict[str, list[str]]] = {}
    for triple in triples:
        s, p, o = triple.subject, triple.predicate, triple.object
        if isinstance(s, ox.Triple) or isinstance(o, ox.Triple):
            continue
        if p.value == vocab.TYPE:
            _other(net, sub, s)
            continue
        start = _other(net, sub, s)
        if isinstance(o, ox.Literal):
            literals.setdefault(start.id, {}).setdefault(vocab.compact(p.value), []).append(o.value)
            continue
        end = _other(net, sub, o)
        relation, flip = RELATIONS.get(p.value, (vocab.compact(p.value), False))
        src, dst = (end.id, start.id) if flip else (start.id, end.id)
        known = net.edges.get((src, dst, relation))
        sub.add_edge(known if known is not None else Edge(src, dst, relation))
    for iri, values in literals.items():
        node = sub.nodes[iri]
        if node.type == "Other":
            node.details.update({k: "; ".join(v) for k, v in values.items()})
            if vocab.compact(vocab.LABEL) in values:
                node.label = values[vocab.compact(vocab.LABEL)][0]
    return sub


def from_rows(net: Network, result: Result) -> Network:
    keep: set[str] = set()
    for row in result.rows:
        for cell in row:
            if isinstance(cell, ox.NamedNode) and cell.value in net.nodes:
                keep.add(cell.value)
    return net.restrict(keep)


def query_network(store: KgStore, net: Network, text: str, timeout: float = DEFAULT_TIMEOUT) -> Network:
    """The network a query describes; InputError if it names nothing that can be drawn."""
    result = run_query(store, text, timeout)
    sub = from_rows(net, result) if result.form == "SELECT" else from_triples(net, result.triples)
    if not sub.nodes:
        what = "rows" if result.form == "SELECT" else "triples"
        raise InputError(f"the query returned {len(result.rows or result.triples):,} {what} but no people, "
                         "organizations, publications or claims to draw")
    return sub
