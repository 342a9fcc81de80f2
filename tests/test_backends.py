"""The store contract, once per backend (disk, memory, Oxigraph server): the same sources give the same
graph, bytes, counts, network and conformance, and retracting or re-ingesting behaves the same."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from query_support import HARBOR, HARBOR_FILES

from kg.build import pipeline
from kg.build.sources import prepare
from kg.errors import InputError, StoreError
from kg.export.rdf import serialize
from kg.query import stats
from kg.query.network import load_network
from kg.query.validate import validate
from kg.store import KgStore

from conftest import OxigraphServer, location_for

FORMATS = ("ttl", "trig", "nq", "nt", "jsonld")


def _observe(store: KgStore) -> dict[str, object]:
    net = load_network(store)
    return {
        "exports": {fmt: serialize(store, fmt) for fmt in FORMATS},
        "stats": stats.compute(store),
        "sources": [(s.name, s.iri, s.content_hash, s.triples) for s in store.sources()],
        "graphs": [g.value for g in store.source_graphs()],
        "nodes": sorted((n.id, n.type, n.label, sorted(n.aliases), sorted(n.sources)) for n in net.nodes.values()),
        "edges": sorted((e.source, e.target, e.relation, sorted(e.sources)) for e in net.edges.values()),
        "violations": [v.render() for v in validate(store)],
    }


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, object]]:
    """What an on-disk store holds after the harbour files: every backend must match it."""
    with KgStore.open(tmp_path_factory.mktemp("reference") / "store") as store:
        report = pipeline.ingest(store, HARBOR_FILES, None)
        assert not report.failed
        yield _observe(store)


def test_the_same_sources_give_the_same_everything(store: KgStore, reference: dict[str, object]) -> None:
    report = pipeline.ingest(store, HARBOR_FILES, None)
    assert [o.status for o in report.outcomes] == ["added"] * 3
    seen = _observe(store)
    for key, expected in reference.items():
        assert seen[key] == expected, key
    assert len(seen["nodes"]) > 10 and len(seen["edges"]) > 10  # type: ignore[arg-type]


def test_unchanged_replaced_and_retracted_sources(store: KgStore, tmp_path: Path) -> None:
    pipeline.ingest(store, HARBOR_FILES, None)
    again = pipeline.ingest(store, HARBOR_FILES, None)
    assert [o.status for o in again.outcomes] == ["unchanged"] * 3

    changed = tmp_path / "harbor-b.yaml"
    changed.write_text((HARBOR / "harbor-b.yaml").read_text(encoding="utf-8") + "\n# a note\n", encoding="utf-8")
    replaced = pipeline.ingest(store, [changed], None)
    assert [o.status for o in replaced.outcomes] == ["replaced"]
    assert len(store.sources()) == 3

    before = sum(1 for _ in store.quads())
    info = store.retract("harbor-a.yaml")
    assert info.triples > 0
    assert [s.name for s in store.sources()] == ["case.yaml", "harbor-b.yaml"]
    assert info.iri not in [g.value for g in store.source_graphs()]
    assert sum(1 for _ in store.quads()) < before
    assert not [q for q in store.quads(include_log=True) if info.iri in (str(q.subject), str(q.graph_name))]
    with pytest.raises(InputError, match=r"no source named 'harbor-a\.yaml'"):
        store.retract("harbor-a.yaml")


def test_bad_input_leaves_every_backend_as_it_was(store: KgStore, tmp_path: Path) -> None:
    pipeline.ingest(store, HARBOR_FILES, None)
    before = sorted(str(q) for q in store.quads(include_log=True))
    bad = tmp_path / "harbor-a.yaml"
    bad.write_text("people:\n  - name: [unclosed\n", encoding="utf-8")
    report = pipeline.ingest(store, [bad], None)
    assert [o.status for o in report.outcomes] == ["failed"]
    assert sorted(str(q) for q in store.quads(include_log=True)) == before


@pytest.mark.parametrize("backend", ["disk", "remote"])  # memory: a new, empty store in every process
def test_a_read_only_store_refuses_writes(backend: str, store_path: Path,
                                          oxigraph: Callable[[], OxigraphServer]) -> None:
    location = location_for(backend, store_path, oxigraph)
    with KgStore.at(location) as writer:  # on disk, readers see what the writer published when it closed
        pipeline.ingest(writer, HARBOR_FILES[:1], None)
    with KgStore.at(location, writable=False) as reader:
        with pytest.raises(StoreError, match="read-only"):
            reader.retract("case.yaml")
        with pytest.raises(StoreError, match="read-only"):
            reader.write_source(prepare(HARBOR_FILES[1], "harbor-a.yaml", reader.minter))
        assert [s.name for s in reader.sources()] == ["case.yaml"]
