"""kg export to the investigator's toolbox: GraphML and GEXF (Gephi), CSV tables, Neo4j import files.

Each is read back by a real consumer: networkx for GraphML/GEXF, lxml with the GEXF 1.3 schema,
Python's csv module and pandas for the tables; and compared with what the store holds.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import networkx as nx
import pandas as pd
import pytest
from lxml import etree

from kg.build import pipeline
from kg.cli import main
from kg.export import graphfile
from kg.query.network import load_network
from kg.store import KgStore
from kg.synth.world import generate

from conftest import SAMPLE, run_kg

SCHEMA = Path(__file__).parent / "data" / "gexf-1.3" / "gexf.xsd"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store of the sample plus a generated case (disputes, relays, affiliations, aliases)."""
    root = tmp_path_factory.mktemp("interop")
    generate(3000, 5, root / "data", articles=False)
    for path in SAMPLE.iterdir():
        if path.is_file() and path.suffix == ".yaml":
            (root / "data" / path.name).write_bytes(path.read_bytes())
    with KgStore.open(root / "store") as store:
        report = pipeline.build(store, root / "data")
    assert not report.failed
    return root / "store"


def _export(store: Path, fmt: str, target: Path | str) -> None:
    assert main(["--store", str(store), "export", "--format", fmt, "-o", str(target)]) == 0


def test_graphml_and_gexf_read_back_as_the_network(built: Path, tmp_path: Path) -> None:
    with KgStore.open_read_only(built) as store:
        net = load_network(store)
    for fmt in ("graphml", "gexf"):
        _export(built, fmt, tmp_path / f"case.{fmt}")
        graph = (nx.read_graphml(tmp_path / "case.graphml") if fmt == "graphml"
                 else nx.read_gexf(tmp_path / "case.gexf", version="1.3"))
        assert graph.number_of_nodes() == len(net.nodes) and graph.number_of_edges() == len(net.edges)
        edges = {(s, t, d["relation"]) for s, t, d in graph.edges(data=True)}
        assert edges == set(net.edges)
        for iri, node in net.nodes.items():
            data = graph.nodes[iri]
            assert (data["label"], data["type"]) == (node.label, node.type)
            assert data["aliases"] == "; ".join(sorted(node.aliases))
            assert data["sources"] == "; ".join(sorted(node.sources))
        said = next(e for e in net.edges.values() if e.relation == "member of")
        assert graph.edges[said.source, said.target, "member of"]["sources"] == "; ".join(sorted(said.sources))


def test_gexf_is_valid_gexf_1_3_and_byte_stable(built: Path, tmp_path: Path) -> None:
    schema = etree.XMLSchema(etree.parse(str(SCHEMA)))
    _export(built, "gexf", tmp_path / "a.gexf")
    _export(built, "gexf", tmp_path / "b.gexf")
    document = etree.parse(str(tmp_path / "a.gexf"))
    assert schema.validate(document), schema.error_log
    assert (tmp_path / "a.gexf").read_bytes() == (tmp_path / "b.gexf").read_bytes()
    # the schema is not a rubber stamp: networkx's default (1.2draft) and a broken attribute type fail it
    with KgStore.open_read_only(built) as store:
        graph = graphfile.to_networkx(load_network(store))
    older = etree.fromstring("\n".join(nx.generate_gexf(graph)).encode())
    assert not schema.validate(older)
    broken = etree.parse(str(tmp_path / "a.gexf"))
    broken.getroot().find(".//{http://gexf.net/1.3}attribute").set("type", "text")
    assert not schema.validate(broken)


def test_too_large_for_gephi_is_a_warning_with_the_size(built: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(graphfile, "GEPHI_NODES", 10)
    _export(built, "gexf", tmp_path / "big.gexf")
    err = capsys.readouterr().err
    assert "kg: warning: the graph has" in err and "nodes" in err and "Gephi" in err
    assert nx.read_gexf(tmp_path / "big.gexf", version="1.3").number_of_nodes() > 10  # written all the same


def test_csv_tables_open_in_csv_and_pandas(built: Path, tmp_path: Path) -> None:
    _export(built, "csv", tmp_path / "tables")
    with KgStore.open_read_only(built) as store:
        counts = {row["t"].value.rsplit("/", 1)[1]: int(row["n"].value) for row in store.select(
            "SELECT ?t (COUNT(DISTINCT ?s) AS ?n) WHERE { VALUES ?t { schema:Person schema:Organization "
            "schema:CreativeWork schema:Claim } ?s a ?t } GROUP BY ?t")}
    raw = {name: (tmp_path / "tables" / name).read_bytes() for name in ("entities.csv", "claims.csv", "relations.csv")}
    for data in raw.values():
        assert not data.startswith(b"\xef\xbb\xbf") and b"\r\n" in data  # UTF-8 without BOM, CRLF (RFC 4180)
        data.decode("utf-8")
    rows = {name: list(csv.DictReader(io.StringIO(data.decode("utf-8"), newline=""))) for name, data in raw.items()}
    frames = {name: pd.read_csv(tmp_path / "tables" / name, keep_default_na=False, dtype=str) for name in raw}
    for name in raw:
        assert len(frames[name]) == len(rows[name])
    entities = frames["entities.csv"]
    assert (entities["type"] == "Person").sum() == counts["Person"]
    assert (entities["type"] == "Organization").sum() == counts["Organization"]
    assert len(frames["claims.csv"]) == counts["Claim"]
    labels = dict(zip(entities["entity"], entities["label"], strict=True))
    for claim in rows["claims.csv"]:
        assert claim["text"] and claim["kind"] and claim["sources"]
        for iri, name in zip(claim["claimant"].split("|"), claim["claimant_name"].split("|"), strict=True):
            assert labels[iri] == name  # the claimant's name next to its IRI
        assert claim["publication_title"].split("|") == [labels[i] for i in claim["publication"].split("|")]
    assert {"said", "about", "appeared in", "member of"} <= set(frames["relations.csv"]["relation"])
    assert any(r["role"] for r in rows["relations.csv"] if r["relation"] == "member of")


def test_neo4j_import_files_follow_the_admin_import_headers(built: Path, tmp_path: Path) -> None:
    _export(built, "neo4j", tmp_path / "neo4j")
    nodes = list(csv.DictReader(io.StringIO((tmp_path / "neo4j" / "nodes.csv").read_text("utf-8"), newline="")))
    rels = list(csv.DictReader(io.StringIO((tmp_path / "neo4j" / "relationships.csv").read_text("utf-8"),
                                           newline="")))
    assert list(nodes[0])[:3] == ["iri:ID", "name", ":LABEL"]
    assert list(rels[0])[:3] == [":START_ID", ":END_ID", ":TYPE"]
    ids = [n["iri:ID"] for n in nodes]
    assert len(ids) == len(set(ids))  # neo4j-admin refuses duplicate ids
    assert {n[":LABEL"] for n in nodes} == {"Person", "Organization", "Publication", "Claim"}
    known = set(ids)
    assert all(r[":START_ID"] in known and r[":END_ID"] in known for r in rels)
    assert all(r[":TYPE"].replace("_", "").isalpha() and r[":TYPE"].isupper() for r in rels)
    with KgStore.open_read_only(built) as store:
        assert len(rels) == len(load_network(store).edges)


def test_one_file_formats_go_to_stdout(tmp_path: Path, capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    store = str(tmp_path / "store")
    assert main(["--store", store, "ingest", str(SAMPLE / "case.yaml")]) == 0
    outputs = []
    for args in (["--format", "ttl", "-"], ["--format", "ttl"], ["--format", "ttl", "-o", "-"],
                 ["--format", "gexf", "-o", "-"], ["-f", "ftm"], ["-f", "graphml", "--types", "Person,Organization"]):
        capsysbinary.readouterr()
        assert main(["--store", store, "export", *args]) == 0
        out, err = capsysbinary.readouterr()
        assert out.strip() and b"wrote" not in err
        outputs.append(out)
    assert outputs[0] == outputs[1] == outputs[2]
    assert b"Claim" not in outputs[5] and b"Person" in outputs[5]
    # the --help example, as a user types it
    assert run_kg("--store", store, "export", "--format", "ttl", "-").stdout.encode() == outputs[0]
    for args, message in ((["--format", "csv"], b"-o DIR"),
                          (["--format", "ttl", "a.ttl", "-o", "b.ttl"], b"two outputs"),
                          (["--format", "csv", "--around", "CCP", "-o", str(tmp_path / "x")],
                           b"graphml and gexf networks only")):
        capsysbinary.readouterr()
        assert main(["--store", store, "export", *args]) == 2
        assert message in capsysbinary.readouterr().err


def test_export_to_a_file_where_a_folder_is_needed_is_one_line(tmp_path: Path,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "tables").write_text("not a folder", encoding="utf-8")
    with KgStore.open(tmp_path / "store") as store:
        pipeline.ingest(store, [SAMPLE / "case.yaml"])
    assert main(["--store", str(tmp_path / "store"), "export", "--format", "csv", "-o", str(tmp_path / "tables")]) == 2
    err = capsys.readouterr().err
    assert "not a folder" in err and err.count("\n") == 1


def test_query_csv_with_labels_puts_names_next_to_iris(tmp_path: Path,
                                                      capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    store = str(tmp_path / "store")
    assert main(["--store", store, "ingest", str(SAMPLE / "case.yaml")]) == 0
    query = "SELECT ?person ?name WHERE { ?person a schema:Person ; rdfs:label ?name } ORDER BY ?name"
    capsysbinary.readouterr()
    assert main(["--store", store, "query", query, "--format", "csv", "--labels"]) == 0
    rows = list(csv.reader(io.StringIO(capsysbinary.readouterr().out.decode("utf-8"), newline="")))
    assert rows[0] == ["person", "person_label", "name"]
    assert rows[1:] and all(row[0].startswith("https://") and row[1] == row[2] for row in rows[1:])
    assert main(["--store", store, "ask", "claims-about", "--param", "entity=CCP", "--format", "csv",
                 "--labels", "-o", str(tmp_path / "ccp.csv")]) == 0
    frame = pd.read_csv(tmp_path / "ccp.csv", keep_default_na=False, dtype=str)
    labelled = [c for c in frame.columns if c.endswith("_label")]
    assert labelled and all(frame[c].str.len().gt(0).all() for c in labelled)
    assert main(["--store", store, "query", query, "--format", "json", "--labels"]) == 2
