"""Query workers read the published read snapshot, never the live store, and follow newer snapshots;
results come back from the worker as TSV bytes and must equal what pyoxigraph itself returns."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from query_support import SAMPLE_FILES, build_store

from kg.query.messages import StoreSpec
from kg.query.runner import QueryEngine
from kg.store import KgStore
from kg.store.snapshot import snapshot_dir

COUNT = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
NOTES = "https://kg.example/graph/notes"


@pytest.fixture
def store_dir(tmp_path: Path) -> Path:
    return build_store(tmp_path / "store", SAMPLE_FILES)


@pytest.fixture
def engine(store_dir: Path) -> Iterator[QueryEngine]:
    with QueryEngine(StoreSpec(path=store_dir), timeout=30) as opened:
        yield opened


def _count(engine: QueryEngine) -> int:
    value = engine.query(COUNT).rows[0][0]
    assert isinstance(value, ox.Literal)
    return int(value.value)


def _write_note(store_dir: Path, text: str, close: bool = True) -> KgStore:
    store = KgStore.open(store_dir)
    assert store.ox is not None
    store.ox.update(f'INSERT DATA {{ GRAPH <{NOTES}> {{ <https://kg.example/x> rdfs:label "{text}" }} }}',
                    prefixes={"rdfs": "http://www.w3.org/2000/01/rdf-schema#"})
    if close:
        store.close()  # publishes a new read snapshot
    return store


def _open_store_files(pid: int) -> list[Path]:
    folder = Path(f"/proc/{pid}/fd")
    return [Path(os.readlink(folder / fd)) for fd in os.listdir(folder)
            if os.readlink(folder / fd).endswith((".sst", ".log", "MANIFEST", ".lock"))]


def test_a_worker_opens_the_snapshot_never_the_live_store(engine: QueryEngine, store_dir: Path) -> None:
    assert _count(engine) > 100
    [pid] = engine.worker_pids()
    # files of this test's folder only: the worker also inherits pytest's stdout, which may be a *.log file
    files = [f for f in _open_store_files(pid) if f.is_relative_to(store_dir.parent)]
    assert files and all(f.is_relative_to(snapshot_dir(store_dir)) for f in files), files


def test_a_worker_sees_data_written_after_it_started(engine: QueryEngine, store_dir: Path) -> None:
    before = _count(engine)
    [pid] = engine.worker_pids()
    _write_note(store_dir, "first")
    assert _count(engine) == before + 1
    _write_note(store_dir, "second")
    labels = engine.query(f"SELECT ?l WHERE {{ GRAPH <{NOTES}> {{ ?x rdfs:label ?l }} }} ORDER BY ?l").column("l")
    assert labels == ["first", "second"]
    assert engine.worker_pids() == [pid]  # the same worker, reopened on the new snapshot: nothing restarted


def test_snapshots_a_worker_left_are_pruned(engine: QueryEngine, store_dir: Path) -> None:
    for text in ("a", "b", "c"):
        _write_note(store_dir, text)
        _count(engine)  # the worker moves to the newest snapshot and lets go of the one before
    held = [p for p in snapshot_dir(store_dir).iterdir() if p.is_dir() and not p.is_symlink()]
    assert len(held) <= 2, held  # the current one, and at most the one the last writer could not prune


def test_readers_work_while_a_writer_holds_the_store_and_see_only_what_it_published(
        engine: QueryEngine, store_dir: Path) -> None:
    before = _count(engine)
    writer = _write_note(store_dir, "pending", close=False)
    try:
        assert _count(engine) == before  # not blocked by the lock, and not reading a write in progress
    finally:
        writer.close()
    assert _count(engine) == before + 1


def test_rows_come_back_exactly_as_pyoxigraph_returns_them(engine: QueryEngine, store_dir: Path) -> None:
    query = ("SELECT ?s ?p ?o ?missing WHERE { ?s ?p ?o OPTIONAL { ?s <https://kg.example/none> ?missing } } "
             "ORDER BY ?s ?p ?o")
    result = engine.query(query)
    with KgStore.open_read_only(store_dir) as reader:
        assert reader.ox is not None
        solutions = reader.ox.query(query)  # its default graph is the merge kg keeps
        assert isinstance(solutions, ox.QuerySolutions)
        expected = [tuple(solution) for solution in solutions]
    assert result.rows == expected and not result.truncated
    kinds = {type(term) for row in result.rows for term in row}
    assert {ox.NamedNode, ox.Literal, type(None)} <= kinds


def test_the_row_cap_cuts_while_the_worker_writes(engine: QueryEngine) -> None:
    every = engine.query("SELECT ?s ?p ?o WHERE { ?s ?p ?o } ORDER BY ?s ?p ?o")
    cut = engine.query("SELECT ?s ?p ?o WHERE { ?s ?p ?o } ORDER BY ?s ?p ?o", max_rows=7)
    assert cut.truncated and cut.rows == every.rows[:7]
    exact = engine.query("SELECT ?s ?p ?o WHERE { ?s ?p ?o } ORDER BY ?s ?p ?o", max_rows=len(every.rows))
    assert not exact.truncated and exact.rows == every.rows


def test_literals_with_tabs_newlines_and_languages_survive(engine: QueryEngine) -> None:
    query = ('SELECT ?a ?b ?c ?d WHERE { VALUES (?a ?b ?c ?d) { ("x\\ty\\nz \\"q\\"" "chat"@fr 42 UNDEF) } }')
    [row] = engine.query(query).rows
    assert row == (ox.Literal('x\ty\nz "q"'), ox.Literal("chat", language="fr"),
                   ox.Literal("42", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")), None)
    assert len(engine.query("SELECT * WHERE { }").rows) == 1  # one solution with no variables
