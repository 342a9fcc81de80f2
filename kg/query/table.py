"""The terminal table: aligned columns, long values cut with an ellipsis, labels next to IRIs.

``CBN News (org/cbn-news)`` reads better than a bare IRI, and the short form still says which node
it is; vocabulary terms are shown compact (``kg:DirectQuote``).
"""

from __future__ import annotations

import shutil

import pyoxigraph as ox

from kg import vocab
from kg.errors import visible
from kg.query.runner import Cell, QueryEngine, Result
from kg.sparql import bind_rows

_LABELS = """SELECT ?s (SAMPLE(?l) AS ?label) WHERE { ?s rdfs:label|schema:name ?l } GROUP BY ?s"""
_BASE = f"SELECT ?b WHERE {{ GRAPH ?g {{ ?g <{vocab.BASE_IRI}> ?b }} }} LIMIT 1"
_MIN_WIDTH = 8


def lookup_labels(engine: QueryEngine, result: Result) -> tuple[dict[str, str], str | None]:
    """Labels of the IRIs in ``result`` and the store's base IRI, read through the engine."""
    iris = sorted({t.value for row in result.rows for t in row if isinstance(t, ox.NamedNode)})
    labels: dict[str, str] = {}
    for start in range(0, len(iris), 500):
        chunk = [(ox.NamedNode(iri),) for iri in iris[start:start + 500]]
        for s, label in engine.query(bind_rows(_LABELS, ["s"], chunk), max_rows=len(chunk) + 1).rows:
            if isinstance(s, ox.NamedNode) and isinstance(label, ox.Literal):
                labels[s.value] = label.value
    base_rows = engine.query(_BASE).rows
    base = base_rows[0][0].value if base_rows and isinstance(base_rows[0][0], ox.Literal) else None
    return labels, base


def short_iri(iri: str, base: str | None) -> str:
    if base and iri.startswith(base) and iri != base:
        return iri[len(base):]
    return vocab.compact(iri)


def cell_text(term: Cell, labels: dict[str, str], base: str | None) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        short = short_iri(term.value, base)
        label = labels.get(term.value)
        return f"{label} ({short})" if label else short
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, ox.Triple):
        return str(term)
    if term.language:
        return f"{term.value} @{term.language}"
    return str(term.value)


def _clip(text: str, width: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: max(width - 1, 1)] + "…"


def _widths(header: list[str], body: list[list[str]], total: int) -> list[int]:
    natural = [max([len(h)] + [len(" ".join(r[i].split())) for r in body]) for i, h in enumerate(header)]
    budget = max(total - 2 * (len(header) - 1), _MIN_WIDTH * len(header))
    widths = list(natural)
    while sum(widths) > budget:
        widest = max(range(len(widths)), key=lambda i: widths[i])
        if widths[widest] <= _MIN_WIDTH:
            break
        widths[widest] -= 1
    return widths


def render(result: Result, labels: dict[str, str] | None = None, base: str | None = None,
           width: int | None = None, max_cell: int = 60) -> str:
    """A plain-text table of ``result`` (SELECT or ASK), ending in a row count."""
    if result.boolean is not None:
        return "yes" if result.boolean else "no"
    labels = labels or {}
    header = list(result.variables)
    body = [[_clip(visible(cell_text(t, labels, base)), max_cell) for t in row] for row in result.rows]
    total = width or shutil.get_terminal_size((160, 24)).columns
    widths = _widths(header, body, total)
    lines = ["  ".join(_clip(h, w).ljust(w) for h, w in zip(header, widths, strict=True)).rstrip(),
             "  ".join("─" * w for w in widths)]
    lines += ["  ".join(_clip(c, w).ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in body]
    count = len(result.rows)
    more = f" (stopped at the row cap of {result.max_rows:,})" if result.truncated else ""
    lines.append(f"{count:,} row{'s' if count != 1 else ''}{more}")
    return "\n".join(lines)
