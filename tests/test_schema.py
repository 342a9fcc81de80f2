"""ontology/schema.yaml, the schema kept as data: it agrees with kg.ttl and the case-file docs, its
reader refuses what it should not hold, and every command accepts the same words for a kind."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import rdflib
import yaml

from kg import schema, vocab
from kg.errors import InputError
from kg.ontology import ontology_dir

ROOT = Path(__file__).resolve().parent.parent
OWL = rdflib.OWL


@pytest.fixture(scope="module")
def ttl() -> rdflib.Graph:
    graph = rdflib.Graph()
    graph.parse(data=(ontology_dir() / "kg.ttl").read_text(encoding="utf-8"), format="turtle")
    return graph


def _is(graph: rdflib.Graph, iri: str, cls: rdflib.URIRef) -> bool:
    return (rdflib.URIRef(iri), rdflib.RDF.type, cls) in graph


def test_kinds_are_the_classes_kg_ttl_declares_with_their_labels(ttl: rdflib.Graph) -> None:
    table = schema.load()
    for kind in table.kinds.values():
        assert all(_is(ttl, cls, OWL.Class) for cls in kind.types), kind.name
        assert str(ttl.value(rdflib.URIRef(kind.cls), rdflib.RDFS.label)) == kind.label
    assert [k.name for k in table.entity_kinds] == ["person", "organization", "publication"]


def test_relations_and_details_are_properties_kg_ttl_declares(ttl: rdflib.Graph) -> None:
    table = schema.load()
    assert all(_is(ttl, p, OWL.ObjectProperty) for p in table.relations), "a relation is not an object property"
    declared = {str(s) for s in ttl.subjects()} | {vocab.COMMENT}  # rdfs:comment is RDFS's own
    assert sorted(set(table.details) - declared) == []


def test_no_word_names_two_kinds() -> None:
    words = [w for kind in schema.load().kinds.values() for w in kind.words]
    assert len(words) == len(set(words))


@pytest.mark.parametrize("word", [w for kind in schema.load().kinds.values() for w in kind.words])
def test_every_command_reads_a_kind_word_the_same_way(word: str) -> None:
    from kg.export.subgraph import parse_types
    from kg.resolve.refs import kind_named

    kind = schema.load().kind(word.upper())
    assert kind is not None and word in kind.words
    assert parse_types(word) == {kind.label}  # kg view --types (refused 'pub' before the table)
    assert kind_named(word) == (kind.name if kind.entity else None)  # curation references, kg entities --type


def _docs_part(docs: str, heading: str) -> str:
    match = re.search(rf"^### {re.escape(heading)}\b.*?$(.*?)(?=^##)", docs, re.M | re.S)
    assert match, f"docs/case-files.md has no section '### {heading}'"
    return match.group(1)


def test_the_case_file_docs_list_every_field_of_every_section() -> None:
    docs = (ROOT / "docs" / "case-files.md").read_text(encoding="utf-8")
    common = _docs_part(docs, "Common fields")
    for name, section in schema.load().sections.items():
        part = _docs_part(docs, name)
        # a top-level affiliation is "a person's affiliations entry plus person": its fields are in that row
        text = part + common + (_docs_part(docs, "people") if name == "affiliations" else "")
        for field, required in section.fields.items():
            assert f"`{field}`" in text, f"{name}.{field} is not in docs/case-files.md"
            if required and "|" in part:
                rows = [row for row in part.splitlines() if row.startswith("|") and f"`{field}`" in row.split("|")[1]]
                assert [row.split("|")[2].strip() for row in rows] == ["yes"], f"{name}.{field} is required"


def _broken(tmp_path: Path, edit: str, replacement: str) -> Path:
    text = (ontology_dir() / schema.SCHEMA_FILE).read_text(encoding="utf-8")
    assert edit in text
    folder = tmp_path / "ontology"
    folder.mkdir()
    (folder / schema.SCHEMA_FILE).write_text(text.replace(edit, replacement, 1), encoding="utf-8")
    return folder / schema.SCHEMA_FILE


@pytest.mark.parametrize(("edit", "replacement", "message"), [
    ("    plural: people ", "    plurals: people ",
     "kinds: person: unknown key 'plurals' (expected label, plural, class, also, iri, synonyms, entity)"),
    ("    class: schema:Person ", "    class: Person ",
     "kinds: person: class: 'Person' is not a term with one of the prefixes "
     "kg, schema, prov, skos, oa, rdf, rdfs, owl, xsd, dcterms"),
    ("    Claim: {fill", "    Claims: {fill", "view: nodes: no style for Claim"),
    ("appears_in: required", "appears_in: needed", "case_file: sections: claims: fields: appears_in: "
     "expected required or optional, not 'needed'"),
    ("      kind: claim\n", "      kind: claims\n", "case_file: sections: claims: kind 'claims' is not one of "
     "person, organization, publication, claim"),
])
def test_a_broken_table_is_one_clear_error(tmp_path: Path, edit: str, replacement: str, message: str) -> None:
    path = _broken(tmp_path, edit, replacement)
    with pytest.raises(InputError) as caught:
        schema._Reader(str(path)).schema(yaml.safe_load(path.read_text(encoding="utf-8")))
    assert str(caught.value) == f"{path}: {message}"


@pytest.mark.parametrize(("text", "among", "message"), [
    ("robot", None, "type 'robot': expected person, organization, publication or claim"),
    ("claim", ["person", "organization", "publication"], "type 'claim': expected person, organization or publication"),
])
def test_parse_kind_says_what_it_accepts(text: str, among: list[str] | None, message: str) -> None:
    with pytest.raises(InputError, match=f"^{re.escape(message)}$"):
        schema.parse_kind(text, among)
