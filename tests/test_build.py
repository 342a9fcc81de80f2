"""The spine end to end: sample case in, provenance-aware, deterministic graph out."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pyoxigraph as ox
import pytest
import yaml

from kg import __version__, vocab
from kg.build import pipeline
from kg.build.sources import prepare
from kg.export.rdf import serialize
from kg.iris import Minter
from kg.store import KgStore

from conftest import SAMPLE_CASE, run_kg

BASE = "https://kg.example/"


def _triples(store: KgStore) -> set[tuple[str, str, str]]:
    return {(str(q.subject), str(q.predicate), str(q.object)) for q in store.quads()}


def _build(tmp: Path, data: Path, name: str) -> tuple[bytes, bytes]:
    out = tmp / f"out-{name}"
    result = run_kg("--store", str(tmp / f"store-{name}"), "build", str(data), "-o", str(out))
    assert result.returncode == 0, result.stderr
    return (out / "graph.ttl").read_bytes(), (out / "graph.trig").read_bytes()


def test_build_writes_outputs_and_prints_counts(tmp_path: Path, sample_dir: Path) -> None:
    result = run_kg("--store", str(tmp_path / "s"), "build", str(sample_dir), "-o", str(tmp_path / "out"))
    assert result.returncode == 0, result.stderr
    assert "added  case.yaml" in result.stdout
    for line in ("people                 2", "organizations          5", "publications           2",
                 "claims                 6", "affiliations           2"):
        assert line in result.stdout
    for name in ("graph.ttl", "graph.trig", "graph.html"):
        assert (tmp_path / "out" / name).stat().st_size > 0
    turtle = ox.Dataset(ox.parse((tmp_path / "out" / "graph.trig").read_bytes(), ox.RdfFormat.TRIG))
    graphs = {q.graph_name.value for q in turtle if isinstance(q.graph_name, ox.NamedNode)}
    assert graphs == {BASE + "source/case.yaml"}


def test_two_builds_give_byte_identical_turtle_and_trig(tmp_path: Path, sample_dir: Path) -> None:
    first = _build(tmp_path, sample_dir, "a")
    second = _build(tmp_path, sample_dir, "b")
    assert first == second
    assert first[0].startswith(b"@prefix dcterms: <http://purl.org/dc/terms/> .\n")


def test_iris_are_minted_from_stable_keys(store: KgStore) -> None:
    pipeline.ingest(store, [SAMPLE_CASE], SAMPLE_CASE.parent)
    subjects = {q.subject.value for q in store.quads() if isinstance(q.subject, ox.NamedNode)}
    assert {BASE + "person/sophia-bryskine", BASE + "person/jinato-liu", BASE + "org/falun-gong",
            BASE + "org/doctors-against-forced-organ-harvesting",
            BASE + "publication/china-s-secret-organ-harvesting-industry",
            BASE + "claim/organ-harvesting-coverage/unique-to-china"} <= subjects


def test_base_iri_is_configurable_and_fixed_per_store(tmp_path: Path, sample_dir: Path) -> None:
    store = str(tmp_path / "s")
    ok = run_kg("--store", store, "--base", "https://inv.example.org/case-7/", "build", str(sample_dir), "-o",
                str(tmp_path / "o"))
    assert ok.returncode == 0, ok.stderr
    assert "<https://inv.example.org/case-7/person/sophia-bryskine>" in (tmp_path / "o" / "graph.ttl").read_text() \
        or "person: <https://inv.example.org/case-7/person/>" in (tmp_path / "o" / "graph.ttl").read_text()
    clash = run_kg("--store", store, "--base", "https://other.example/", "stats")
    stats = run_kg("--store", store, "stats")
    assert stats.returncode == 0
    assert clash.returncode == 0  # readers use the store's own base
    mismatch = run_kg("--store", store, "--base", "https://other.example/", "ingest", str(sample_dir / "case.yaml"))
    assert mismatch.returncode == 2
    assert mismatch.stderr.strip() == ("kg: error: base IRI 'https://other.example/' differs from the store's "
                                       "'https://inv.example.org/case-7/'; use a new store for a different base")
    bad = run_kg("--store", str(tmp_path / "t"), "--base", "not a base", "build", str(sample_dir))
    assert bad.returncode == 2 and bad.stderr.strip() == "kg: error: base IRI: 'not a base' is not an absolute IRI"


def test_source_provenance_is_recorded(store: KgStore) -> None:
    pipeline.ingest(store, [SAMPLE_CASE], SAMPLE_CASE.parent)
    src = ox.NamedNode(BASE + "source/case.yaml")

    def objects(subject: ox.NamedNode, predicate: str, graph: ox.NamedNode = src) -> list[str]:
        found = store.backend.quads(subject, ox.NamedNode(predicate), None, graph)
        return sorted(str(q.object.value) for q in found if not isinstance(q.object, ox.Triple))

    data = SAMPLE_CASE.read_bytes()
    assert objects(src, vocab.FILE_NAME) == ["case.yaml"]
    assert objects(src, vocab.CONTENT_HASH) == ["sha256:" + hashlib.sha256(data).hexdigest()]
    assert objects(src, vocab.BYTE_SIZE) == [str(len(data))]
    assert objects(src, vocab.TYPE) == sorted([vocab.SOURCE, vocab.ENTITY])
    [activity] = objects(src, vocab.WAS_GENERATED_BY)
    assert objects(ox.NamedNode(activity), vocab.TYPE) == sorted([vocab.INGEST, vocab.ACTIVITY])
    [agent] = objects(ox.NamedNode(activity), vocab.WAS_ASSOCIATED_WITH)
    assert objects(ox.NamedNode(agent), vocab.TOOL_VERSION) == [__version__]
    [started] = objects(src, vocab.STARTED_AT, store.log_graph)
    assert started.startswith("20") and started.endswith("Z")
    [info] = store.sources()
    assert (info.name, info.content_hash, info.ingested) == ("case.yaml", "sha256:" + hashlib.sha256(data).hexdigest(),
                                                             started)


def test_claims_never_become_triples_about_their_subject(tmp_path: Path) -> None:
    """Dropping the claims from the case removes only triples whose subject is a claim or its evidence."""
    case = yaml.safe_load(SAMPLE_CASE.read_text())
    without = {**case, "claims": []}
    (tmp_path / "with").mkdir()
    (tmp_path / "without").mkdir()
    (tmp_path / "with" / "case.yaml").write_text(yaml.safe_dump(case))
    (tmp_path / "without" / "case.yaml").write_text(yaml.safe_dump(without))
    graphs = {}
    for name in ("with", "without"):
        with KgStore.open(tmp_path / f"store-{name}") as store:
            pipeline.ingest(store, [tmp_path / name / "case.yaml"], tmp_path / name)
            graphs[name] = _triples(store)
    source = f"<{BASE}source/case.yaml>"
    added = {t for t in graphs["with"] - graphs["without"] if t[0] != source and "/ingest/" not in t[0]}
    claim_prefix = f"<{BASE}claim/"
    assert added and all(t[0].startswith(claim_prefix) for t in added)
    # and nothing about an entity was lost or changed by adding claims
    entity_triples = {t for t in graphs["without"] if t[0] != source and "/ingest/" not in t[0]}
    assert entity_triples <= graphs["with"]
    # a claim's content is only ever the object of text-bearing properties of the claim itself
    texts = {c["text"] for c in case["claims"]}
    text_props = {f"<{p}>" for p in (vocab.TEXT, vocab.LABEL)}
    for s, p, o in graphs["with"]:
        if o.strip('"') in texts:
            assert s.startswith(claim_prefix) and p in text_props


def test_yaml_json_and_csv_case_files_give_the_same_graph(tmp_path: Path) -> None:
    case = yaml.safe_load(SAMPLE_CASE.read_text())
    (tmp_path / "case.json").write_text(json.dumps(case))
    minter = Minter()
    from_yaml = prepare(SAMPLE_CASE, "case", minter)
    from_json = prepare(tmp_path / "case.json", "case", minter)
    content = {line for line in from_yaml.sink.ntriples().splitlines() if "/source/case" not in line.split(" ")[0]
               and "/ingest/" not in line.split(" ")[0]}
    content_json = {line for line in from_json.sink.ntriples().splitlines() if "/source/case" not in line.split(" ")[0]
                    and "/ingest/" not in line.split(" ")[0]}
    assert content == content_json

    csv_text = "\n".join([
        "record,id,name,title,type,publisher,aliases,kind,person,organization,role,source,claimant,appears_in,about,text,quote",
        "publication,pub1,,An Article,NewsArticle,outlet,,,,,,,,,,,",
        "organization,outlet,Daily Example,,,,DE|The Daily,NewsOutlet,,,,,,,,,",
        "person,p1,Ana Example,,,,Ms. Example,,,,,,,,,,",
        "affiliation,,,,,,,,p1,outlet,editor,pub1,,,,,",
        'claim,c1,,,,,,direct-quote,,,,,p1,pub1,outlet,"The outlet, she said, is ""independent"".",independent',
    ])
    (tmp_path / "small.csv").write_text(csv_text)
    yaml_twin = {
        "case": {"id": "small"},
        "publications": [{"id": "pub1", "title": "An Article", "type": "NewsArticle", "publisher": "outlet"}],
        "organizations": [{"id": "outlet", "name": "Daily Example", "aliases": ["DE", "The Daily"],
                           "kind": "NewsOutlet"}],
        "people": [{"id": "p1", "name": "Ana Example", "aliases": ["Ms. Example"],
                    "affiliations": [{"organization": "outlet", "role": "editor", "source": "pub1"}]}],
        "claims": [{"id": "c1", "claimant": "p1", "appears_in": "pub1", "about": ["outlet"], "kind": "direct-quote",
                    "text": 'The outlet, she said, is "independent".', "quote": "independent"}],
    }
    (tmp_path / "small.yaml").write_text(yaml.safe_dump(yaml_twin))
    from_csv = prepare(tmp_path / "small.csv", "x", minter).sink.ntriples().splitlines()
    from_yaml_twin = prepare(tmp_path / "small.yaml", "x", minter).sink.ntriples().splitlines()
    strip = [line for line in from_csv if "/source/x" not in line and "/ingest/" not in line]
    strip_twin = [line for line in from_yaml_twin if "/source/x" not in line and "/ingest/" not in line]
    assert sorted(strip) == sorted(strip_twin)
    assert any('"The outlet, she said, is \\"independent\\"."' in line for line in strip)


@pytest.mark.parametrize("suffix,fmt", [(".ttl", "turtle"), (".nt", "nt"), (".jsonld", "json-ld"), (".trig", "trig")])
def test_rdf_sources_are_ingested_into_their_own_graph(tmp_path: Path, suffix: str, fmt: str) -> None:
    import rdflib

    graph = rdflib.Dataset() if fmt == "trig" else rdflib.Graph()
    ex = rdflib.Namespace("http://example.org/")
    target = graph.get_context(ex.g1) if fmt == "trig" else graph
    target.add((ex.alice, rdflib.RDF.type, rdflib.URIRef(vocab.PERSON)))
    target.add((ex.alice, rdflib.URIRef(vocab.LABEL), rdflib.Literal("Alice Example")))
    blank = rdflib.BNode()
    target.add((ex.alice, ex.address, blank))
    target.add((blank, ex.city, rdflib.Literal("Springfield")))
    path = tmp_path / f"extra{suffix}"
    path.write_text(graph.serialize(format=fmt))
    exports = []
    for run in ("a", "b"):
        with KgStore.open(tmp_path / f"store-{run}") as store:
            report = pipeline.ingest(store, [path], tmp_path)
            assert [o.status for o in report.outcomes] == ["added"]
            graphs = {q.graph_name.value for q in store.quads() if isinstance(q.graph_name, ox.NamedNode)}
            assert graphs == {f"{BASE}source/extra{suffix}"}
            exports.append(serialize(store, "trig"))
    assert exports[0] == exports[1]  # blank nodes get content-derived labels
    assert b"Alice Example" in exports[0] and b"Springfield" in exports[0]


def test_export_formats_round_trip(tmp_path: Path, sample_dir: Path) -> None:
    store_dir = str(tmp_path / "s")
    assert run_kg("--store", store_dir, "build", str(sample_dir), "-o", str(tmp_path / "o")).returncode == 0
    counts = {}
    for fmt, ox_fmt in (("ttl", ox.RdfFormat.TURTLE), ("nt", ox.RdfFormat.N_TRIPLES), ("nq", ox.RdfFormat.N_QUADS),
                        ("trig", ox.RdfFormat.TRIG), ("jsonld", ox.RdfFormat.JSON_LD)):
        result = run_kg("--store", store_dir, "export", "--format", fmt, "-o", str(tmp_path / f"g.{fmt}"))
        assert result.returncode == 0, result.stderr
        counts[fmt] = len(list(ox.parse((tmp_path / f"g.{fmt}").read_bytes(), ox_fmt)))
    assert counts["ttl"] == counts["nt"] == counts["jsonld"] == 162
    assert counts["nq"] == counts["trig"] == 162
    to_stdout = run_kg("--store", store_dir, "export", "--format", "nt")
    assert len(to_stdout.stdout.splitlines()) == 162
    with_log = run_kg("--store", store_dir, "export", "--format", "nq", "--include-log")
    assert len(with_log.stdout.splitlines()) > 162 and "startedAtTime" in with_log.stdout


def test_validate_reports_conformance_and_violations(tmp_path: Path, sample_dir: Path) -> None:
    store_dir = str(tmp_path / "s")
    assert run_kg("--store", store_dir, "build", str(sample_dir), "-o", str(tmp_path / "o")).returncode == 0
    ok = run_kg("--store", store_dir, "validate")
    assert ok.returncode == 0 and ok.stdout.strip() == "conforms to ontology/shapes.ttl"
    bad = tmp_path / "bad.ttl"
    bad.write_text("""@prefix schema: <http://schema.org/> . @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
        <http://example.org/c1> a schema:Claim ; rdfs:label "orphan claim" ; schema:text "x" .""")
    assert run_kg("--store", store_dir, "ingest", "--root", str(tmp_path), str(bad)).returncode == 0
    result = run_kg("--store", store_dir, "validate")
    assert result.returncode == 1
    lines = result.stdout.strip().splitlines()
    assert "Violation: http://example.org/c1 (orphan claim): prov:wasAttributedTo: a claim needs a claimant " \
           "(prov:wasAttributedTo): a person, organization or publication" in lines
    assert "Violation: http://example.org/c1 (orphan claim): schema:appearance: a claim needs the publication it " \
           "appeared in (schema:appearance)" in lines
    assert result.stderr.strip() == f"kg: {len(lines)} violation(s) of ontology/shapes.ttl"
