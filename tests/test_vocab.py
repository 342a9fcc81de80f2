"""Every RDF term kg's code uses is declared in ontology/kg.ttl, and only vocab.py spells IRIs."""

from __future__ import annotations

import re
from pathlib import Path

import rdflib

from kg import vocab
from kg.ontology import load, ontology_dir

ROOT = Path(__file__).resolve().parent.parent


def _declared() -> set[str]:
    graph = rdflib.Graph()
    graph.parse(data=(ontology_dir() / "kg.ttl").read_text(encoding="utf-8"), format="turtle")
    return {str(s) for s in graph.subjects() if isinstance(s, rdflib.URIRef)}


def test_every_term_used_by_the_code_is_declared_in_the_ontology() -> None:

    missing = sorted(vocab.ALL_TERMS - _declared())
    assert missing == []


def test_the_check_would_notice_an_undeclared_term() -> None:
    bogus = vocab.KG.term("notInTheOntology")
    try:
        assert bogus in vocab.ALL_TERMS and bogus not in _declared()
    finally:
        vocab.ALL_TERMS.discard(bogus)


def test_no_module_outside_vocab_spells_a_vocabulary_namespace() -> None:
    namespaces = [ns.iri for ns in vocab.NAMESPACES]
    offenders = []
    for path in sorted((ROOT / "kg").rglob("*.py")):
        if path.name == "vocab.py":
            continue
        text = path.read_text(encoding="utf-8")
        offenders += [f"{path.name}: {ns}" for ns in namespaces if ns in text]
    assert offenders == []


def test_ontology_tables_come_from_kg_ttl() -> None:
    onto = load()
    assert set(onto.reliability) == set("ABCDEF")
    assert set(onto.credibility) == set("123456")
    assert set(onto.claim_kinds) == {"direct-quote", "reported-speech", "unattributed"}
    assert onto.publication_types["NewsArticle"] == vocab.SCHEMA.iri + "NewsArticle"
    assert "NGO" in onto.organization_kinds


def test_shapes_file_parses_and_targets_the_core_classes() -> None:
    graph = rdflib.Graph()
    graph.parse(data=(ontology_dir() / "shapes.ttl").read_text(encoding="utf-8"), format="turtle")
    targets = {str(o) for o in graph.objects(None, rdflib.URIRef("http://www.w3.org/ns/shacl#targetClass"))}
    assert {vocab.PERSON, vocab.ORGANIZATION, vocab.CREATIVE_WORK, vocab.CLAIM, vocab.AFFILIATION_CLASS} <= targets
    assert not re.search(r"https?://(?!www\.w3\.org|schema\.org|purl\.org|w3id\.org)", graph.serialize(format="nt"))
