"""kg as a library (kg.api): the same store over every backend, answers as Python values, and the
examples in docs/api.md run exactly as written."""

from __future__ import annotations

import datetime as dt
import re
import sys
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pyoxigraph as ox
import pytest

import kg
from kg.api import python_value
from kg.errors import InputError, KgError, StoreError, UnknownEntityError

from conftest import BACKENDS, ROOT, SAMPLE, OxigraphServer

XSD = "http://www.w3.org/2001/XMLSchema#"


def test_the_examples_in_docs_api_md_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import shutil

    shutil.copytree(SAMPLE, tmp_path / "data")
    monkeypatch.chdir(tmp_path)
    blocks = re.findall(r"```python\n(.*?)```", (ROOT / "docs" / "api.md").read_text(encoding="utf-8"), re.S)
    assert len(blocks) >= 6
    namespace: dict[str, object] = {}
    for block in blocks:
        exec(compile(block, "docs/api.md", "exec"), namespace)
    assert (tmp_path / "graph.ttl").stat().st_size > 0 and (tmp_path / "graph.html").exists()
    assert sorted(p.name for p in (tmp_path / "tables").iterdir())  # the csv export wrote its folder


@pytest.mark.parametrize("backend", BACKENDS)
def test_every_backend_builds_and_answers_alike(backend: str, tmp_path: Path,
                                                oxigraph: Callable[[], OxigraphServer]) -> None:
    where = {"disk": tmp_path / "store", "memory": "memory:"}.get(backend) or oxigraph().url
    with kg.open(where, write=True) as case:
        assert not case.build(SAMPLE).failed
        people = case.query("SELECT ?n WHERE { ?p a schema:Person ; rdfs:label ?n } ORDER BY ?n").rows
        assert people == [{"n": "Jinato Liu"}, {"n": "Sophia Bryskine"}]
        assert len(case.ask("claims-about", entity="Chinese Communist Party")) == 5
        assert case.network().number_of_nodes() == 15
        case.retract("case.yaml")
        assert case.query("ASK { ?p a schema:Person }").boolean is False  # the writer's own queries see it


def test_a_reader_cannot_write(tmp_path: Path) -> None:
    with kg.open(tmp_path / "store", write=True) as case:
        case.build(SAMPLE)
    with kg.open(tmp_path / "store") as reader, pytest.raises(StoreError, match="read-only"):
        reader.build(SAMPLE)


def test_export_needs_a_format_it_knows(tmp_path: Path) -> None:
    with kg.open("memory:") as case:
        case.build(SAMPLE)
        with pytest.raises(InputError, match=r"graph\.dat: say which format"):
            case.export(tmp_path / "graph.dat")
        written = case.export(tmp_path / "graph.dat", fmt="nt")
        assert written.files == [(str(tmp_path / "graph.dat"), len((tmp_path / "graph.dat").read_bytes()))]
        case.export(tmp_path / "graph.ftm.json")
        assert (tmp_path / "graph.ftm.json").read_text(encoding="utf-8").startswith('{"id"')


def test_claims_carry_their_sources_and_evidence_as_the_store_holds_them() -> None:
    with kg.open("memory:") as case:
        case.build(SAMPLE)
        claims = case.claims()
        stored = case.query("SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE { ?c a schema:Claim }").rows[0]["n"]
        assert len(claims) == stored > 0 and all(c.sources == ["case.yaml"] for c in claims)
        quoted = case.query("SELECT DISTINCT ?c ?exact WHERE { ?c kg:hasEvidence/oa:hasTarget/oa:hasSelector/"
                            "oa:exact ?exact }").rows
        assert sorted((r["c"], r["exact"]) for r in quoted) == sorted(
            (c.iri, e.exact) for c in claims for e in c.evidence)
        said = case.query("SELECT ?c WHERE { ?c prov:wasAttributedTo ?who }", {"who": ox.NamedNode(
            case.find("Sophia Bryskine").iri)}).rows
        assert sorted(c.iri for c in case.claims(by="Sophia Bryskine")) == sorted(r["c"] for r in said)
        with pytest.raises(UnknownEntityError, match="no person, organization or publication named 'Nobody'"):
            case.claims(about="Nobody")


def test_df_without_pandas_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    with kg.open("memory:") as case:
        answer = case.query("SELECT ?x WHERE { VALUES ?x { 1 } }")
        monkeypatch.setitem(sys.modules, "pandas", None)
        with pytest.raises(KgError, match=r"needs pandas: pip install pandas"):
            answer.df()


@pytest.mark.parametrize(("term", "value"), [
    (ox.NamedNode("http://e.x/a"), "http://e.x/a"),
    (ox.Literal("12", datatype=ox.NamedNode(XSD + "integer")), 12),
    (ox.Literal("1.5", datatype=ox.NamedNode(XSD + "double")), 1.5),
    (ox.Literal("1.50", datatype=ox.NamedNode(XSD + "decimal")), Decimal("1.50")),
    (ox.Literal("true", datatype=ox.NamedNode(XSD + "boolean")), True),
    (ox.Literal("2024-02-29", datatype=ox.NamedNode(XSD + "date")), dt.date(2024, 2, 29)),
    (ox.Literal("2024", datatype=ox.NamedNode(XSD + "gYear")), "2024"),
    (ox.Literal("twelve", datatype=ox.NamedNode(XSD + "integer")), "twelve"),  # ill-typed: its text
    (ox.Literal("Grüße", language="de"), "Grüße"),
    (None, None),
])
def test_terms_become_python_values(term: ox.NamedNode | ox.Literal | None, value: object) -> None:
    assert python_value(term) == value


def test_importing_kg_loads_no_api_until_it_is_used() -> None:
    import subprocess

    probe = "import sys, kg, kg.store; print('kg.api' in sys.modules); kg.open; print('kg.api' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert result.stdout.split() == ["False", "True"]
