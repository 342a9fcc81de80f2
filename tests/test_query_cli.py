"""``kg query`` and ``kg ask`` on the command line: inputs, every output format, the table, errors."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
import rdflib
from query_support import SAMPLE_FILES, build_store

from kg.query import saved

from conftest import run_kg

PEOPLE = "SELECT ?person ?name WHERE { ?person a schema:Person ; rdfs:label ?name } ORDER BY ?name"


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> str:
    return str(build_store(tmp_path_factory.mktemp("cli") / "store", SAMPLE_FILES))


def kg(store: str, *args: str, stdin: str | None = None) -> str:
    result = run_kg("--store", store, *args, stdin=stdin)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_query_from_argument_file_and_stdin_agree(store: str, tmp_path: Path) -> None:
    rq = tmp_path / "people.rq"
    rq.write_text(PEOPLE, encoding="utf-8")
    outputs = [kg(store, "query", PEOPLE, "--format", "csv"), kg(store, "query", str(rq), "--format", "csv"),
               kg(store, "query", "-", "--format", "csv", stdin=PEOPLE)]
    assert outputs[0] == outputs[1] == outputs[2]
    assert outputs[0].splitlines() == ["person,name", "https://kg.example/person/jinato-liu,Jinato Liu",
                                       "https://kg.example/person/sophia-bryskine,Sophia Bryskine"]


def test_the_table_is_aligned_with_labels_next_to_iris(store: str) -> None:
    out = kg(store, "query", "SELECT ?claim ?claimant ?kind WHERE { ?claim prov:wasAttributedTo ?claimant ; "
             "kg:claimKind ?kind ; kg:credibility ?c }", "--width", "200")
    lines = out.splitlines()
    assert lines[0].split() == ["claim", "claimant", "kind"]
    assert set(lines[1].replace(" ", "")) == {"─"}
    assert "Jinato Liu (person/jinato-liu)" in lines[2] and "kg:DirectQuote" in lines[2]
    assert lines[2].startswith("While fellow inmates beat him in detention")
    assert lines[-1] == "1 row"
    assert lines[2].index("Jinato Liu") == lines[0].index("claimant")


def test_long_values_are_cut_to_the_width(store: str) -> None:
    out = kg(store, "query", "SELECT ?text WHERE { ?c schema:text ?text }", "--width", "40")
    rows = out.splitlines()[2:-1]
    assert rows and all(len(r) <= 40 for r in rows) and all(r.endswith("…") for r in rows)


@pytest.mark.parametrize(("fmt", "parser"), [("json", "json"), ("xml", "xml"), ("csv", "csv"), ("tsv", "tsv")])
def test_result_formats_are_the_w3c_ones(store: str, fmt: str, parser: str) -> None:
    out = run_kg("--store", store, "query", PEOPLE, "--format", fmt)
    parsed = rdflib.query.Result.parse(source=io.BytesIO(out.stdout.encode()), format=parser)
    assert sorted(str(row[1]) for row in parsed) == ["Jinato Liu", "Sophia Bryskine"]  # type: ignore[index]


def test_json_marks_language_and_datatype(store: str) -> None:
    out = kg(store, "query", 'SELECT ?a ?b ?c ?d WHERE { BIND("x"@en AS ?a) BIND(3 AS ?b) BIND(<http://e.x/> AS ?c) '
             'BIND("plain" AS ?d) }', "--format", "json")
    row = json.loads(out)["results"]["bindings"][0]
    assert row == {"a": {"type": "literal", "value": "x", "xml:lang": "en"},
                   "b": {"type": "literal", "value": "3", "datatype": "http://www.w3.org/2001/XMLSchema#integer"},
                   "c": {"type": "uri", "value": "http://e.x/"}, "d": {"type": "literal", "value": "plain"}}


def test_ask_answers(store: str) -> None:
    assert kg(store, "query", "ASK { ?p a schema:Person }") == "yes\n"
    assert json.loads(kg(store, "query", "ASK { ?p a kg:Nothing }", "--format", "json")) == {"head": {},
                                                                                              "boolean": False}


@pytest.mark.parametrize(("fmt", "parser"), [("ttl", "turtle"), ("nt", "nt"), ("jsonld", "json-ld")])
def test_graph_formats(store: str, fmt: str, parser: str, tmp_path: Path) -> None:
    target = tmp_path / f"out.{fmt}"
    kg(store, "query", "CONSTRUCT WHERE { ?p a schema:Person ; rdfs:label ?n }", "--format", fmt, "-o", str(target))
    graph = rdflib.Graph().parse(data=target.read_text(encoding="utf-8"), format=parser)
    assert len(graph) == 4


def test_describe_defaults_to_turtle(store: str) -> None:
    out = kg(store, "query", "DESCRIBE <https://kg.example/person/jinato-liu>")
    assert "Jinato Liu" in out and "@prefix schema:" in out


def test_ask_list_shows_every_question_with_parameters() -> None:
    out = run_kg("ask", "--list").stdout
    for question in saved.registry().values():
        assert f"{question.name:<16} {question.description}" in out
    assert "--param entity=…  (entity, required)" in out and "--param organization=…  (organization, optional)" in out


def test_ask_show_prints_the_sparql() -> None:
    assert run_kg("ask", "claims-about", "--show").stdout == saved.get("claims-about").text


def test_ask_with_a_parameter(store: str) -> None:
    out = kg(store, "ask", "people-by-org", "-p", "organization=Doctors Against Forced Organ Harvesting",
             "--format", "csv")
    assert out.splitlines()[1].startswith("https://kg.example/org/doctors-against-forced-organ-harvesting,"
                                          "https://kg.example/person/sophia-bryskine,spokesperson,,,")


@pytest.mark.parametrize(("args", "code", "message"), [
    (("query", "SELECT * WHERE { ?s ?p }"), 2, "kg: error: bad query: line 1, column 25: expected a complete "
     "triple pattern (subject, predicate and object) or a keyword such as OPTIONAL or FILTER, here: "),
    (("query", "SELECT ?s WHERE {\n  ?s a schema:Person\n  FILTER(CONTAINS(?s, 'x')\n}"), 2,
     "kg: error: bad query: line 4, column 1: this '}' does not close the '(' at line 3, column 9"),
    (("query", "SELECT * WHERE { ?s ex:p ?o }"), 2, "kg: error: bad query: line 1, column 21: the prefix 'ex:' is "
     "not declared (add PREFIX ex: <...>; predeclared: dcterms, kg, oa, owl, prov, rdf, rdfs, schema, skos, xsd)"),
    (("query", "SELECT * WHERE { ?s ?p " + "?o " * 100 + "}"), 2, "kg: error: bad query: line 1"),  # > 255 chars
    (("query", "CONSTRUCT WHERE { ?s ?p ?o }", "--format", "csv"), 2,
     "kg: error: a CONSTRUCT result is a graph: use --format ttl, nt, jsonld, rdfxml, n3\n"),
    (("query", "SELECT * WHERE { ?s ?p ?o }", "--format", "ttl"), 2,
     "kg: error: a SELECT result is a table: use --format table, json, xml, csv, tsv\n"),
    (("query", "missing.rq"), 2, "kg: error: missing.rq: cannot read query file (No such file or directory)\n"),
    (("query", "ASK {}", "--param", "novalue"), 2, "kg: error: --param 'novalue': expected KEY=VALUE\n"),
    (("query", "ASK {}", "--param", "x=<not an iri>"), 2,
     "kg: error: --param x: 'not an iri' is not an absolute IRI\n"),
    (("ask", "claims-about", "-p", "entity=nobody"), 2,
     "kg: error: entity: no person, organization or publication named 'nobody' in the store; "
     "'kg entities' lists them\n"),
    (("ask", "claims-about", "-p", "entity=Jinato Lui"), 2,
     "kg: error: entity: no person, organization or publication named 'Jinato Lui' in the store "
     "(did you mean 'Jinato Liu'?); 'kg entities' lists them\n"),
])
def test_errors_are_one_line(store: str, args: tuple[str, ...], code: int, message: str) -> None:
    result = run_kg("--store", store, *args)
    assert result.returncode == code
    assert result.stderr.startswith(message) and result.stderr.count("\n") == 1


def test_a_missing_store_is_one_clear_line(tmp_path: Path) -> None:
    result = run_kg("--store", str(tmp_path / "none"), "query", "ASK {}")
    assert result.returncode == 2
    assert result.stderr == f"kg: error: {tmp_path / 'none'}: no store here yet (run 'kg build' or 'kg ingest' first)\n"


def test_every_command_defaults_to_the_same_store(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from kg import defaults
    from kg.cli import common as cli_common
    from kg.cli import query as cli_query
    from kg.store import location

    monkeypatch.delenv("KG_STORE", raising=False)
    monkeypatch.delenv("KG_CONFIG", raising=False)
    monkeypatch.chdir(tmp_path)  # no kg.toml here
    assert location.locate(None) == location.Location("disk", defaults.DEFAULT_STORE)
    assert cli_query.store_location is cli_common.store_location  # the query side asks the same function
