"""Nothing depends on fork: query workers (a store on disk and one in memory) and extraction with
several processes work the same when started by spawn, the only way on macOS."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from test_query_safety import CARTESIAN

from kg import processes
from kg.build import pipeline
from kg.errors import QueryTimeoutError
from kg.extract.run import extract_many
from kg.ingest.article import read_article
from kg.query.messages import StoreSpec
from kg.query.runner import QueryEngine
from kg.store import KgStore

from conftest import SAMPLE

ARTICLES = Path(__file__).resolve().parent / "data" / "articles"
PEOPLE = "SELECT ?n WHERE { ?p a schema:Person ; rdfs:label ?n } ORDER BY ?n"


@pytest.fixture(scope="module")
def on_disk(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("spawn") / "store"
    with KgStore.open(path) as store:
        pipeline.build(store, SAMPLE)
    return path


@pytest.fixture
def in_memory() -> Iterator[KgStore]:
    with KgStore.in_memory() as store:
        pipeline.build(store, SAMPLE)
        yield store


def test_spawned_workers_answer_like_forked_ones(on_disk: Path, in_memory: KgStore) -> None:
    for spec in (StoreSpec(path=on_disk), StoreSpec(memory=in_memory.ox)):
        answers = []
        for method in ("fork", "spawn"):
            with QueryEngine(spec, start_method=method) as engine:
                answers.append(engine.query(PEOPLE).rows)
        assert answers[0] == answers[1] and len(answers[0]) == 2


def test_a_spawned_worker_is_killed_at_the_time_limit(on_disk: Path) -> None:
    with QueryEngine(StoreSpec(path=on_disk), start_method="spawn", timeout=1) as engine:
        engine.query("ASK {}")
        started = time.monotonic()
        with pytest.raises(QueryTimeoutError, match="1 s time limit"):
            engine.query(CARTESIAN)
        assert time.monotonic() - started < 3
        assert engine.query("ASK { ?s ?p ?o }").boolean is True  # a new spawned worker took over


def test_extraction_in_spawned_processes_matches_one_process(monkeypatch: pytest.MonkeyPatch) -> None:
    articles = [read_article(p) for p in sorted(ARTICLES.glob("*.txt"))[:3]]
    items = [(a.text, a.meta, a.analysis) for a in articles]
    one = list(extract_many(items))
    monkeypatch.setattr(processes, "START_METHOD", "spawn")
    two = list(extract_many(items, n_process=2, batch_size=1))
    assert [(len(r.entities), len(r.claims)) for r in two] == [(len(r.entities), len(r.claims)) for r in one]
    assert [r.claims for r in two] == [r.claims for r in one]
