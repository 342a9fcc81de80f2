"""The default graph is the RDF merge of the sources (a set), on every store kind and query path.

pyoxigraph 0.5 concatenates the graphs of a union default graph (oxigraph issue 1919), so these
tests state one triple in three sources and compare COUNT(*) with COUNT(DISTINCT ...), follow the
merge through retract and replace, and run the SPARQL 1.1 dataset cases that apply to a store
(the W3C suite's data-r2/dataset tests, minus those that dereference IRIs or depend on blank node
scope: kg skolemises blank nodes): FROM, FROM NAMED, GRAPH, several FROM graphs at once.
"""

from __future__ import annotations

import json
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from query_support import build_store, engine_on, serving

from kg import vocab
from kg.build import pipeline
from kg.query import stats
from kg.query.runner import QueryEngine
from kg.store import KgStore
from kg.store.lock import WriterLock

from conftest import BACKENDS, OxigraphServer, location_for

EX = "http://example.org/"
SOURCE = "https://kg.example/source/"
G1, G2, G3 = (f"<{SOURCE}g{n}.ttl>" for n in (1, 2, 3))


def _sources(folder: Path) -> list[Path]:
    """Three RDF sources: each states ex:s ex:p "shared"; g1 and g2 share a second triple too."""
    texts = {
        "g1.ttl": 'ex:s ex:p "shared" . ex:a ex:p "1" . ex:a ex:q "both" .',
        "g2.ttl": 'ex:s ex:p "shared" . ex:b ex:p "2" . ex:a ex:q "both" .',
        "g3.ttl": 'ex:s ex:p "shared" . ex:c ex:p "3" . ex:c ex:q ex:a .',
    }
    folder.mkdir(parents=True, exist_ok=True)
    for name, body in texts.items():
        (folder / name).write_text(f"@prefix ex: <{EX}> .\n{body}\n", encoding="utf-8")
    return [folder / name for name in texts]


@pytest.fixture(params=BACKENDS)
def engine(request: pytest.FixtureRequest, tmp_path: Path, oxigraph: Callable[[], OxigraphServer]
           ) -> Iterator[QueryEngine]:
    with engine_on(request.param, tmp_path, _sources(tmp_path / "data"), oxigraph) as running:
        yield running


def _values(engine: QueryEngine, query: str) -> list[tuple[str | None, ...]]:
    rows = engine.query(f"PREFIX ex: <{EX}> {query}").rows
    return sorted(tuple(None if t is None else str(t.value) if not isinstance(t, ox.Triple) else str(t)
                        for t in row) for row in rows)


def test_one_triple_in_three_sources_is_counted_once(engine: QueryEngine) -> None:
    counts = _values(engine, "SELECT (COUNT(*) AS ?all) (COUNT(DISTINCT ?o) AS ?distinct) WHERE { ex:s ex:p ?o }")
    assert counts == [("1", "1")]
    every = _values(engine, "SELECT (COUNT(*) AS ?all) WHERE { ?s ?p ?o }")
    distinct = _values(engine, "SELECT (COUNT(*) AS ?all) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o } }")
    assert every == distinct
    assert _values(engine, "SELECT ?o WHERE { ?x ex:p ?o }") == [("1",), ("2",), ("3",), ("shared",)]
    assert _values(engine, 'SELECT ?x WHERE { ?x ex:q "both" }') == [(EX + "a",)]  # stated twice, one row
    in_graphs = _values(engine, 'SELECT ?g WHERE { GRAPH ?g { ex:s ex:p "shared" } }')
    assert in_graphs == [(f"{SOURCE}g{n}.ttl",) for n in (1, 2, 3)]  # GRAPH still says according to whom
    assert _values(engine, "SELECT ?b WHERE { ?log kg:baseIri ?b }") == []  # the ingest log is not a source


@pytest.mark.parametrize(("query", "expected"), [
    # dataset-01: one FROM graph is the default graph
    (f"SELECT ?o FROM {G1} WHERE {{ ?x ex:p ?o }}", [("1",), ("shared",)]),
    # dataset-02/04: FROM NAMED alone leaves the default graph empty
    (f"SELECT ?o FROM NAMED {G1} WHERE {{ ?x ex:p ?o }}", []),
    # dataset-03: FROM NAMED graphs are reached with GRAPH
    (f"SELECT ?g ?o FROM NAMED {G1} WHERE {{ GRAPH ?g {{ ?x ex:p ?o }} }}",
     [(f"{SOURCE}g1.ttl", "1"), (f"{SOURCE}g1.ttl", "shared")]),
    # dataset-05: FROM and FROM NAMED: the default graph is the FROM graph only
    (f"SELECT ?o FROM {G1} FROM NAMED {G2} WHERE {{ ?x ex:p ?o }}", [("1",), ("shared",)]),
    # dataset-06: ... and GRAPH sees only the FROM NAMED graph
    (f"SELECT ?g ?o FROM {G1} FROM NAMED {G2} WHERE {{ GRAPH ?g {{ ?x ex:p ?o }} }}",
     [(f"{SOURCE}g2.ttl", "2"), (f"{SOURCE}g2.ttl", "shared")]),
    # dataset-07: all data by UNION
    (f"SELECT ?o FROM {G1} FROM NAMED {G2} WHERE {{ {{ ?x ex:p ?o }} UNION {{ GRAPH ?g {{ ?x ex:p ?o }} }} }}",
     [("1",), ("2",), ("shared",), ("shared",)]),
    # dataset-08: subjects common to the default graph and a named graph
    (f"SELECT ?x FROM {G1} FROM NAMED {G2} WHERE {{ ?x ex:q ?v GRAPH ?g {{ ?x ex:q ?w }} }}", [(EX + "a",)]),
    # dataset-11: several FROM graphs are merged: the shared triples once
    (f"SELECT ?x ?o FROM {G1} FROM {G2} FROM {G3} WHERE {{ ?x ex:p ?o }}",
     [(EX + "a", "1"), (EX + "b", "2"), (EX + "c", "3"), (EX + "s", "shared")]),
    (f"SELECT (COUNT(*) AS ?n) FROM {G1} FROM {G2} WHERE {{ ?x ex:q ?o }}", [("1",)]),
    # dataset-12b: several default and named graphs, everything by UNION
    (f"SELECT ?o FROM {G1} FROM {G2} FROM NAMED {G1} FROM NAMED {G2} WHERE "
     f"{{ {{ ?x ex:p ?o }} UNION {{ GRAPH ?g {{ ?x ex:p ?o }} }} }}",
     [("1",), ("1",), ("2",), ("2",), ("shared",), ("shared",), ("shared",)]),
    # a path through triples of different FROM graphs (the merge is one graph, not one per source)
    (f"SELECT ?y FROM {G1} FROM {G3} WHERE {{ ex:c ex:q/ex:q ?y }}", [("both",)]),
])
def test_sparql_dataset_cases(engine: QueryEngine, query: str, expected: list[tuple[str, ...]]) -> None:
    assert _values(engine, query) == expected


def test_the_protocol_dataset_wins_over_from(engine: QueryEngine) -> None:
    query = f"PREFIX ex: <{EX}> SELECT (COUNT(*) AS ?n) FROM {G3} WHERE {{ ?x ex:p ?o }}"
    graphs = [f"{SOURCE}g1.ttl", f"{SOURCE}g2.ttl"]
    [[count]] = engine.query(query, default_graph=graphs).rows
    assert isinstance(count, ox.Literal) and count.value == "3"  # "1", "2" and "shared" once
    [[named]] = engine.query(query, named_graphs=graphs).rows
    assert isinstance(named, ox.Literal) and named.value == "0"


@pytest.mark.parametrize("backend", BACKENDS)
def test_retract_and_replace_keep_the_merge(backend: str, tmp_path: Path,
                                            oxigraph: Callable[[], OxigraphServer]) -> None:
    files = _sources(tmp_path / "data")
    shared = ox.Triple(ox.NamedNode(EX + "s"), ox.NamedNode(EX + "p"), ox.Literal("shared"))

    def merged(store: KgStore) -> set[str]:
        rows = store.select(f"SELECT ?s ?p ?o WHERE {{ ?s ?p ?o FILTER(STRSTARTS(STR(?s), {ox.Literal(EX)})) }}")
        return {str(ox.Triple(r["s"], r["p"], r["o"])) for r in rows}  # type: ignore[arg-type]

    with KgStore.at(location_for(backend, tmp_path / "store", oxigraph)) as store:
        pipeline.ingest(store, files, None)
        assert str(shared) in merged(store) and len(merged(store)) == 6
        store.retract("g1.ttl")
        assert str(shared) in merged(store) and f'<{EX}a> <{EX}q> "both"' in merged(store)  # g2 states it
        assert f'<{EX}a> <{EX}p> "1"' not in merged(store)
        files[1].write_text(f'<{EX}b> <{EX}p> "2" .\n', encoding="utf-8")  # g2 no longer states "shared"
        assert [o.status for o in pipeline.ingest(store, [files[1]], None).outcomes] == ["replaced"]
        assert str(shared) in merged(store) and f'<{EX}a> <{EX}q> "both"' not in merged(store)  # g3 still has it
        store.retract("g3.ttl")
        assert merged(store) == {f'<{EX}b> <{EX}p> "2"'}
        assert stats.compute(store).triples == sum(1 for _ in store.select("SELECT * WHERE { ?s ?p ?o }"))


def _default_graph(path: Path) -> list[str]:
    opened = ox.Store.read_only(str(path))
    try:
        return sorted(str(q) for q in opened.quads_for_pattern(None, None, None, ox.DefaultGraph()))
    finally:
        del opened


def _built(folder: Path) -> Path:
    with KgStore.open(folder / "store") as store:  # in a function: the store is gone (RocksDB unlocked) after it
        pipeline.ingest(store, _sources(folder / "data"), None)
    return folder / "store"


def _tamper(path: Path, mark: bool) -> None:
    """Empty the default graph, and add the mark a dying writer leaves or remove the mark of the merge."""
    with KgStore.open(path) as store:
        assert store.ox is not None
        store.ox.clear_graph(ox.DefaultGraph())
        log = store.log_graph
        if mark:
            store.backend.add([ox.Quad(log, ox.NamedNode(vocab.MERGE_PENDING), ox.Literal(True), log)])
        else:
            store.backend.remove(list(store.backend.quads(None, ox.NamedNode(vocab.DEFAULT_GRAPH_HOLDS), None, log)))


def test_a_writer_that_died_before_loading_the_merge_is_repaired(tmp_path: Path) -> None:
    path = _built(tmp_path)
    good = _default_graph(path)
    _tamper(path, mark=True)  # what a killed writer leaves: the mark, and sources not merged yet
    assert _default_graph(path) == []
    KgStore.open(path).close()
    assert _default_graph(path) == good


def test_a_store_written_before_the_merge_gets_it_from_its_first_reader(tmp_path: Path) -> None:
    path = _built(tmp_path)
    good = _default_graph(path)
    _tamper(path, mark=False)  # as kg left stores before it kept the merge
    lock = WriterLock(path)  # while another process holds the store, a reader sees the old union
    lock.acquire()
    try:
        with KgStore.open_read_only(path) as reader:
            assert not reader.merged
            [[count]] = [tuple(r) for r in reader.select('SELECT (COUNT(*) AS ?n) WHERE { ?s ?p "shared" }')]
            assert isinstance(count, ox.Literal) and count.value == "3"
    finally:
        lock.release()
    with KgStore.open_read_only(path) as reader:  # the lock is free: the reader has a writer add the merge
        assert reader.merged
    assert _default_graph(path) == good


@pytest.mark.parametrize("where", ["disk", "memory:"])
def test_the_python_api_counts_on_the_merge(where: str, tmp_path: Path) -> None:
    """kg.open: a case that ingests and then queries in the same process reads the merge its writer
    published so far (KgStore.publish settles the queued sources first)."""
    import kg

    with kg.open(tmp_path / "store" if where == "disk" else where, write=True) as case:
        case.ingest(*_sources(tmp_path / "data"))
        rows = case.query(f"PREFIX ex: <{EX}> SELECT (COUNT(*) AS ?all) WHERE {{ ?s ?p ?o FILTER(?p = ex:p) }}").rows
        assert rows == [{"all": 4}]  # "shared" once, "1", "2", "3"


def test_the_endpoint_merges_the_graphs_a_request_names(tmp_path: Path) -> None:
    """kg serve: default-graph-uri twice is the merge of both graphs; named-graph-uri alone, no default graph."""
    store = build_store(tmp_path / "store", _sources(tmp_path / "data"))
    query = f"PREFIX ex: <{EX}> SELECT (COUNT(*) AS ?n) WHERE {{ ?x ex:p ?o }}"
    with serving(store) as served:
        for dataset, expected in (([("default-graph-uri", G1[1:-1]), ("default-graph-uri", G2[1:-1])], "3"),
                                  ([("named-graph-uri", G1[1:-1])], "0"), ([], "4")):
            url = f"{served.url}?{urllib.parse.urlencode([('query', query), *dataset])}"
            with urllib.request.urlopen(url, timeout=30) as response:
                assert json.loads(response.read())["results"]["bindings"][0]["n"]["value"] == expected
