"""The streaming export writes exactly the bytes the earlier all-in-memory export wrote.

``reference`` below is that earlier export (every statement loaded, sorted by term text, one
``ox.serialize`` call); the streaming one must match it byte for byte in every format, with runs
forced tiny so that many sorted runs are spilled and merged.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import TypeAlias, cast

import pyoxigraph as ox
import pytest

from kg import vocab
from kg.build import pipeline
from kg.errors import OutputError, StoreError
from kg.export import rdf
from kg.store import KgStore
from kg.synth import world as synth

Quad: TypeAlias = ox.Quad  # the RemoteLike class below has an attribute named ox
Store: TypeAlias = ox.Store
SAMPLE_CASE = Path(__file__).resolve().parent.parent / "data" / "case.yaml"
FORMATS = sorted(rdf.FORMATS)


def reference(store: KgStore, fmt: str, include_log: bool = False) -> bytes:
    """The export as it was before streaming: the order the streaming export must keep."""
    def key(term: object) -> str:
        return str(term)

    quads = list(store.quads(include_log))
    data: list[ox.Quad] | list[ox.Triple]
    if fmt in rdf.QUAD_FORMATS:
        data = [q for _, q in sorted(((key(q.graph_name), key(q.subject), "" if q.predicate.value == vocab.TYPE
                                       else key(q.predicate), key(q.object)), q) for q in quads)]
    else:
        seen = {(key(q.subject), "" if q.predicate.value == vocab.TYPE else key(q.predicate), key(q.object)): q.triple
                for q in reversed(quads)}
        data = [seen[k] for k in sorted(seen)]
    fixed = rdf.prefixes(store) if fmt in ("ttl", "trig") else None
    payload = ox.serialize(data, format=rdf.FORMATS[fmt], prefixes=fixed) or b""
    if not fixed:
        return payload
    lines = payload.split(b"\n")
    count = next((i for i, line in enumerate(lines) if not line.startswith(b"@prefix ")), len(lines))
    return b"\n".join(sorted(lines[:count]) + lines[count:])


def streamed(store: KgStore, fmt: str, run_bytes: int, include_log: bool = False) -> bytes:
    buffer = io.BytesIO()
    written = rdf.write(store, fmt, buffer, include_log, run_bytes=run_bytes)
    assert written == len(buffer.getvalue())
    return buffer.getvalue()


def tricky_store(quoting: bool = True) -> KgStore:
    """Several graphs (one triple in two of them), blank nodes, awkward literals,
    IRIs that are prefixes of one another, rdf:type, and (unless not ``quoting``: JSON-LD cannot
    write them) quoted triples as objects."""
    store = KgStore.in_memory()
    nn, base = ox.NamedNode, store.minter.base
    kind, label, says = nn(vocab.TYPE), nn(vocab.LABEL), nn(f"{base}says")
    people = [nn(f"{base}person/a"), nn(f"{base}person/ab"), nn(f"{base}person/a-b"), nn(f"{base}person/é")]
    literals = [ox.Literal("plain"), ox.Literal('two\nlines "quoted" \\ back\tslash'), ox.Literal("été", language="fr"),
                ox.Literal("colour", language="en-GB"), ox.Literal("42", datatype=nn(vocab.XSD_DECIMAL)),
                ox.Literal("plain "), ox.Literal(""), ox.Literal(f" <{vocab.TYPE}> inside a literal")]
    blank = ox.BlankNode("b0")
    said = ox.Triple(people[0], says, ox.Literal("it was \"fine\""))
    quoted: ox.Triple | ox.Literal = said if quoting else ox.Literal(str(said))
    graphs = [nn(f"{base}source/{name}") for name in ("one", "two", "three", "three-b")]
    quads = [ox.Quad(people[0], label, ox.Literal("same in two graphs"), g) for g in graphs[:2]]
    for i, person in enumerate(people):
        graph = graphs[i % len(graphs)]
        quads += [ox.Quad(person, kind, nn(vocab.PERSON), graph), ox.Quad(person, kind, nn(vocab.ORGANIZATION), graph),
                  ox.Quad(person, says, blank, graph), ox.Quad(blank, label, literals[i], graph),
                  ox.Quad(person, says, quoted, graph), ox.Quad(person, says, people[(i + 1) % len(people)], graph)]
        quads += [ox.Quad(person, label, literal, graphs[(i + j) % 3]) for j, literal in enumerate(literals)]
    if quoting:
        quads.append(ox.Quad(people[1], says, ox.Triple(people[2], says, said), graphs[0]))
    quads.append(ox.Quad(people[1], says, ox.Literal(str(said)), graphs[0]))
    quads.append(ox.Quad(people[1], says, people[1], store.log_graph))
    embedded = store.ox
    assert isinstance(embedded, ox.Store)
    embedded.extend(quads)
    return store


@pytest.fixture(scope="module")
def sample_store() -> Iterator[KgStore]:
    store = KgStore.in_memory()
    pipeline.ingest(store, [SAMPLE_CASE], SAMPLE_CASE.parent)
    yield store
    store.close()


@pytest.fixture(scope="module")
def synthetic_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[KgStore]:
    folder = tmp_path_factory.mktemp("synth") / "case"
    synth.generate(3000, 5, folder)
    store = KgStore.in_memory()
    report = pipeline.build(store, folder)
    assert not report.failed and len(report.outcomes) > 2
    yield store
    store.close()


@pytest.mark.parametrize("fmt", FORMATS)
def test_sample_export_matches_the_in_memory_export(sample_store: KgStore, fmt: str) -> None:
    expected = reference(sample_store, fmt)
    assert streamed(sample_store, fmt, rdf.RUN_BYTES) == expected
    assert streamed(sample_store, fmt, 300) == expected
    assert rdf.serialize(sample_store, fmt, include_log=True) == reference(sample_store, fmt, include_log=True)


@pytest.mark.parametrize("fmt", FORMATS)
def test_synthetic_multi_graph_export_matches_across_run_sizes(synthetic_store: KgStore, fmt: str) -> None:
    expected = reference(synthetic_store, fmt)
    for run_bytes in (rdf.RUN_BYTES, 50_000, 2_000):
        assert streamed(synthetic_store, fmt, run_bytes) == expected


@pytest.mark.parametrize("run_bytes", [rdf.RUN_BYTES, 4_000])
def test_several_formats_from_one_read_match_one_export_each(synthetic_store: KgStore, run_bytes: int,
                                                               tmp_path: Path) -> None:
    targets = {fmt: tmp_path / f"graph.{fmt}" for fmt in ("ttl", "trig", "nq")}
    sizes = rdf.export_many(synthetic_store, targets, run_bytes=run_bytes)
    for fmt, path in targets.items():
        assert path.read_bytes() == reference(synthetic_store, fmt)
        assert sizes[fmt] == path.stat().st_size > 10_000


@pytest.mark.parametrize("fmt", FORMATS)
def test_awkward_terms_keep_the_order(fmt: str) -> None:
    store = tricky_store(quoting=fmt != "jsonld")
    expected = reference(store, fmt)
    for run_bytes in (rdf.RUN_BYTES, 200, 1):
        assert streamed(store, fmt, run_bytes) == expected
        assert streamed(store, fmt, run_bytes, include_log=True) == reference(store, fmt, include_log=True)


def test_triple_formats_state_a_triple_once_and_type_first() -> None:
    store = tricky_store()
    lines = streamed(store, "nt", 1).decode().splitlines()
    assert sum('"same in two graphs"' in line for line in lines) == 1
    first = [line for line in lines if line.startswith(f"<{store.minter.base}person/a> ")]
    assert first[0].split(" ")[1] == f"<{vocab.TYPE}>" and first[1].split(" ")[1] == f"<{vocab.TYPE}>"
    turtle = streamed(store, "ttl", 1)
    prefix_lines = [line for line in turtle.split(b"\n") if line.startswith(b"@prefix ")]
    assert prefix_lines == sorted(prefix_lines) and turtle.startswith(b"@prefix ")


class RemoteLike:
    """What a non-embedded backend offers the export: quads, the minter and the log graph."""

    ox = None  # as KgStore has it for a remote backend

    def __init__(self, store: KgStore, fail_after: int | None = None) -> None:
        self._store, self._fail_after = store, fail_after
        self.minter, self.log_graph = store.minter, store.log_graph

    def quads(self, include_log: bool = False) -> Iterator[Quad]:
        for count, quad in enumerate(self._store.quads(include_log)):
            if count == self._fail_after:
                raise StoreError("remote: connection lost")
            yield quad


@pytest.mark.parametrize("fmt", FORMATS)
def test_stores_without_an_embedded_pyoxigraph_export_the_same_bytes(fmt: str) -> None:
    store = tricky_store(quoting=fmt != "jsonld")
    remote = cast(KgStore, RemoteLike(store))
    assert streamed(remote, fmt, 500) == reference(store, fmt)


def test_a_failed_export_leaves_no_file(tmp_path: Path) -> None:
    target = tmp_path / "graph.ttl"
    with pytest.raises(StoreError):
        rdf.export(cast(KgStore, RemoteLike(tricky_store(), fail_after=10)), "ttl", target)
    assert list(tmp_path.iterdir()) == []
    (tmp_path / "file").write_text("x")
    with pytest.raises(OutputError, match="is a file, not a folder"):
        rdf.export(tricky_store(), "ttl", tmp_path / "file" / "graph.ttl")
    assert rdf.export(tricky_store(), "nq", target) == target.stat().st_size
