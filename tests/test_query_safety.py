"""Safety rules S1, S2, S4 and S5 (docs/architecture.md) for every query path: no SERVICE,
FROM/LOAD read nothing, bound parameters, a timeout that kills, a row cap."""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from query_support import SAMPLE_FILES, Listener, build_store, pids_with

from kg.errors import KgError, QueryError, QueryTimeoutError, UnsafeQueryError
from kg.query import saved
from kg.query.messages import StoreSpec
from kg.query.runner import QueryEngine
from kg.query.safety import check_query, check_update
from kg.sparql import bind

from conftest import run_kg

CARTESIAN = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n2 ?o }"
PAYLOADS = [
    "x> || true) } #",
    'x" || true) } #',
    "x' || true) } #",
    '"""x',
    "CCP\n} UNION { ?s ?p ?o } #",
    "} DELETE WHERE {?s ?p ?o}",
    '") } } DELETE WHERE { ?s ?p ?o } #',
    "\\u0022) } #",
    "<http://evil.example/> } SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } #",
]


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_store(tmp_path_factory.mktemp("safety") / "store", SAMPLE_FILES)


@pytest.fixture(scope="module")
def engine(store_dir: Path) -> Iterator[QueryEngine]:
    with QueryEngine(StoreSpec(path=store_dir), timeout=30) as opened:
        yield opened


def _quad_count(engine: QueryEngine) -> int:
    rows = engine.query("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }").rows
    assert isinstance(rows[0][0], ox.Literal)
    return int(rows[0][0].value)


@pytest.mark.parametrize("query", [
    "SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }",
    "select * where { service silent <http://x/> { ?s ?p ?o } }",
    "SELECT * WHERE { ?s ?p ?o .SERVICE <http://x/> { } }",
    "SELECT * WHERE { ?s a.SERVICE <http://x/> { } }",
    "SELECT * WHERE { FILTER(?a<?b)SERVICE<http://x/>{} }",
    "SELECT * WHERE { ?s ?p ?o \\u0053ERVICE <http://x/> { } }",
    "SELECT * WHERE { ?s ?p ?o } #\nSERVICE <http://x/> {}",
    'SELECT * WHERE { ?s ?p "a\\"" SERVICE <http://x/> {} }',
])
def test_service_is_refused_however_it_is_spelled(query: str) -> None:
    with pytest.raises(UnsafeQueryError, match="SERVICE is not allowed"):
        check_query(query)


@pytest.mark.parametrize("query", [
    'SELECT * WHERE { ?s ?p "SERVICE <http://x/>" }',
    "SELECT * WHERE { ?s ?p ?o } # SERVICE <http://x/> in a comment",
    "SELECT * WHERE { ?s <http://example.org/SERVICE> ?o }",
    "SELECT ?service WHERE { ?service ?p ?o }",
    'SELECT * WHERE { ?s ?p """a " SERVICE \\" """ }',
])
def test_service_in_strings_iris_comments_and_variables_is_fine(query: str) -> None:
    assert check_query(query).form == "SELECT"


def test_load_and_service_are_refused_in_updates_too() -> None:
    with pytest.raises(UnsafeQueryError, match="LOAD is not allowed"):
        check_update("LOAD <file:///etc/hostname>")
    with pytest.raises(UnsafeQueryError, match="SERVICE"):
        check_update("INSERT { ?s ?p ?o } WHERE { SERVICE <http://x/> { ?s ?p ?o } }")
    with pytest.raises(QueryError, match="read-only"):
        check_query("DELETE WHERE { ?s ?p ?o }")


def test_pyoxigraph_itself_would_call_the_service(store_dir: Path) -> None:
    """Why the check exists: the bare engine makes the request (if this ever stops, the rule can relax)."""
    with Listener() as listener:
        with contextlib.suppress(OSError, SyntaxError, RuntimeError):
            list(ox.Store().query(f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{listener.port}/> {{ ?s ?p ?o }} }}"))
        assert listener.requests


def test_service_to_a_local_listener_never_reaches_it(engine: QueryEngine, store_dir: Path) -> None:
    with Listener() as listener:
        query = f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{listener.port}/> {{ ?s ?p ?o }} }}"
        with pytest.raises(UnsafeQueryError):
            engine.query(query)
        result = run_kg("--store", str(store_dir), "query", query)
        assert result.returncode == 2 and "SERVICE is not allowed" in result.stderr and "LEAK" not in result.stdout
        time.sleep(0.2)
        assert listener.requests == []


def test_from_a_file_reads_nothing(engine: QueryEngine, tmp_path: Path) -> None:
    secret = tmp_path / "secret.ttl"
    secret.write_text('<http://x.example/s> <http://x.example/p> "SECRET-MARKER" .\n', encoding="utf-8")
    for clause in (f"FROM <{secret.as_uri()}>", "FROM <file:///etc/hostname>", f"FROM NAMED <{secret.as_uri()}>"):
        result = engine.query(f"SELECT * {clause} WHERE {{ {{ ?s ?p ?o }} UNION {{ GRAPH ?g {{ ?s ?p ?o }} }} }}")
        assert result.rows == []
    hostname = Path("/etc/hostname").read_text(encoding="utf-8").strip() if Path("/etc/hostname").exists() else ""
    rows = engine.query("CONSTRUCT { ?s ?p ?o } FROM <file:///etc/hostname> WHERE { ?s ?p ?o }").triples
    assert rows == [] and (not hostname or all(hostname not in str(t) for t in rows))


def test_from_selects_a_source_graph_of_the_store(engine: QueryEngine) -> None:
    everything = engine.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }").rows[0][0]
    source = "https://kg.example/source/case.yaml"
    one = engine.query(f"SELECT (COUNT(*) AS ?n) FROM <{source}> WHERE {{ ?s ?p ?o }}").rows[0][0]
    assert isinstance(one, ox.Literal) and isinstance(everything, ox.Literal)
    assert 0 < int(one.value) == int(everything.value)  # one source: the default graph is its graph
    named_only = engine.query(f"SELECT (COUNT(*) AS ?n) FROM NAMED <{source}> WHERE {{ ?s ?p ?o }}").rows[0][0]
    assert isinstance(named_only, ox.Literal) and named_only.value == "0"  # FROM NAMED alone: empty default graph


@pytest.mark.parametrize("payload", PAYLOADS)
def test_injection_payloads_as_parameters_add_no_rows_and_change_nothing(engine: QueryEngine, payload: str) -> None:
    before = _quad_count(engine)
    assert saved.ask(engine, "search", {"text": payload}).rows == []
    with pytest.raises(KgError) as refused:  # no entity has that name: an ordinary "not found", exit 2
        saved.ask(engine, "claims-about", {"entity": payload})
    assert refused.value.exit_code == 2
    bound = bind("SELECT ?s WHERE { ?s rdfs:label ?name }", {"name": ox.Literal(payload)})
    assert engine.query(bound).rows == []
    assert _quad_count(engine) == before


def test_a_parameter_value_over_the_limit_is_one_line_and_runs_nothing(store_dir: Path) -> None:
    from kg.query.params import MAX_VALUE

    result = run_kg("--store", str(store_dir), "ask", "search", "--param", "text=" + "a" * (MAX_VALUE + 1))
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr == f"kg: error: text: value is {MAX_VALUE + 1:,} characters; the limit is {MAX_VALUE:,}\n"


def test_injection_through_the_command_line(store_dir: Path) -> None:
    for payload in PAYLOADS[:3] + PAYLOADS[5:6]:
        result = run_kg("--store", str(store_dir), "query", "--format", "csv", "--param", f"name={payload}",
                        "SELECT ?s WHERE { ?s rdfs:label ?name }")
        assert result.returncode == 0, result.stderr
        assert result.stdout.splitlines() == ["s"]  # the header only
        result = run_kg("--store", str(store_dir), "ask", "search", "--format", "csv", "--param", f"text={payload}")
        assert result.stdout.splitlines() == ["entity,type,matched"]


def test_a_runaway_query_is_killed_and_leaves_no_worker(engine: QueryEngine) -> None:
    with QueryEngine(engine.readers.spec, timeout=1) as short:
        short.query("ASK {}")
        worker = short.worker_pids()[0]
        started = time.monotonic()
        with pytest.raises(QueryTimeoutError, match="1 s time limit"):
            short.query(CARTESIAN)
        assert time.monotonic() - started < 3
        assert not Path(f"/proc/{worker}").exists()
        assert short.query("ASK { ?s ?p ?o }").boolean is True  # a fresh worker took over


def test_a_runaway_cli_query_stops_and_leaves_no_process(store_dir: Path) -> None:
    marker = f"marker-{os.getpid()}-{time.monotonic_ns()}"
    started = time.monotonic()  # the command's own start-up (slow on a busy machine) is not the query's
    assert run_kg("--store", str(store_dir), "query", "ASK {}", process=True).returncode == 0
    start_up = time.monotonic() - started
    started = time.monotonic()  # a real process: its forked worker carries the marker in its command line
    result = run_kg("--store", str(store_dir), "query", "--timeout", "1", f"{CARTESIAN} # {marker}", process=True)
    assert time.monotonic() - started < start_up + 1 + 2  # stopped within the timeout + 2 s
    assert result.returncode == 1 and "time limit" in result.stderr
    assert pids_with(marker) == []


def test_the_row_cap_is_reported(engine: QueryEngine, store_dir: Path) -> None:
    result = engine.query("SELECT ?s ?p ?o WHERE { ?s ?p ?o }", max_rows=3)
    assert len(result.rows) == 3 and result.truncated
    cli = run_kg("--store", str(store_dir), "query", "--max-rows", "2", "--format", "csv",
                 "SELECT ?s WHERE { ?s ?p ?o }")
    assert cli.returncode == 0 and len(cli.stdout.splitlines()) == 3
    assert "stopped at the row cap of 2 rows" in cli.stderr


def test_queries_that_are_too_large_are_refused(engine: QueryEngine) -> None:
    with pytest.raises(UnsafeQueryError, match="characters; the limit is"):
        engine.query("ASK { }" + " " * 300_000)


def test_bind_marks_put_the_values_in_every_branch_but_never_in_a_string() -> None:
    text = ('SELECT * WHERE {\n  {\n    # @bind\n    ?s ?p ?x\n  } UNION {\n    # @bind\n'
            '    ?x ?p ?o FILTER(?o != "# @bind")\n  }\n}')
    out = bind(text, {"x": ox.NamedNode("http://e.x/a")})
    assert out.count("VALUES (?x) { (<http://e.x/a>) }") == 2 and '"# @bind"' in out
    assert check_query(out).form == "SELECT"
