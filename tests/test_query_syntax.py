"""Parser errors as one readable line (kg.query.syntax): where, and what was expected in words.

The messages are pyoxigraph's own, read for real: each case runs the query through the engine and
checks what a person is shown instead of the grammar dump.
"""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from kg import vocab
from kg.query.syntax import readable


def _shown(query: str) -> str:
    with pytest.raises(SyntaxError) as caught:
        ox.Store().query(query, prefixes=vocab.PREFIXES)
    return readable(str(caught.value), query)


@pytest.mark.parametrize(("query", "start"), [
    ("SELECT * WHERE { ?s ?p }", "line 1, column 25: expected a complete triple pattern (subject, predicate and "
     "object) or a keyword such as OPTIONAL or FILTER"),
    ("SELECT * WHERE { ?s ?p ?o ?o }", "line 1, column 31: expected a complete triple pattern"),
    ("SELECT ?x WHERE { ?s ?p ?o", "line 1, column 17: this '{' is never closed"),
    ("SELECT * WHERE { ?s ?p ?o } }", "line 1, column 29: this '}' closes nothing"),
    ("SELECT * WHERE {\n ?s ?p ?o FILTER(?o > 1\n}", "line 3, column 1: this '}' does not close the '(' at line 2, "
     "column 17"),
    ("SELECT * WHERE { ?s ex:p ?o }", "line 1, column 21: the prefix 'ex:' is not declared (add PREFIX ex: <...>; "
     "predeclared: dcterms, kg, oa, owl, prov, rdf, rdfs, schema, skos, xsd)"),
    ("ASK { ?s <bad iri> ?o }", "line 1, column 19: not a valid IRI"),
    ("SELECT * WHERE { ?s ?p ?o FILTER(?o > ) }", "line 1, column 42: expected an expression"),
    ("SELECT ?x WHERE { ?s ?p ?o } GROUP BY", "line 1, column 38: expected a term (a variable, an IRI, a prefixed "
     "name or a literal) or '('"),
    ("SELECT * FROM WHERE {}", "line 1, column 20: expected a name or NAMED"),
    ("SELECT * WHERE { ?s ?p ?o } ORDER ?s", "line 1, column 37: expected BY"),
    ('SELECT * WHERE { ?s ?p "abc }', "unterminated string starting at line 1, column 24"),
])
def test_a_parser_error_reads_as_one_line(query: str, start: str) -> None:
    shown = _shown(query)
    assert shown.startswith(start), shown
    assert "\n" not in shown and "\\u{" not in shown and "[_]" not in shown and len(shown) < 300


def test_the_line_shows_where_in_the_text() -> None:
    shown = _shown("SELECT ?name WHERE {\n  ?p a schema:Person ;\n     rdfs:label ?name ?extra\n}")
    assert shown.startswith("line 4, column 2: expected a complete triple pattern") and "?name ?extra" in shown


def test_a_message_that_is_not_a_parser_position_passes_through() -> None:
    assert readable("the server refused:\n  bad   thing", "ASK {}") == "the server refused: bad thing"
