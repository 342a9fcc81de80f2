"""The one entity lookup (kg.query.lookup): every form it accepts and the exact message for every
refusal, on the sample case and the harbor files (shared aliases, a name with accents added)."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from query_support import HARBOR

from kg.build import pipeline
from kg.errors import AmbiguousNameError, InputError, UnknownEntityError
from kg.query.lookup import Lookup, fold
from kg.query.network import load_network
from kg.store import KgStore

from conftest import SAMPLE_CASE

BASE = "https://kg.example/"
ALL = ["person", "organization", "publication", "claim"]


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("lookup") / "data"
    folder.mkdir()
    shutil.copy(SAMPLE_CASE, folder / "case.yaml")
    for name in ("harbor-a.yaml", "harbor-b.yaml"):
        shutil.copy(HARBOR / name, folder / name)
    (folder / "accents.yaml").write_text(
        "people:\n  - id: zoe\n    name: Zoë Ångström\n", encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def store(data: Path) -> Iterator[KgStore]:
    with KgStore.in_memory(BASE) as opened:
        report = pipeline.build(opened, data)
        assert not report.failed
        yield opened


@pytest.fixture(scope="module")
def lookup(store: KgStore, data: Path) -> Lookup:
    return Lookup.of_store(store, root=data)


@pytest.mark.parametrize(("text", "kinds", "iri", "how"), [
    (f"{BASE}person/jinato-liu", None, "person/jinato-liu", "iri"),
    ("person/jinato-liu", None, "person/jinato-liu", "short"),
    ("person/mr-liu", None, "person/jinato-liu", "short"),  # the slug of one of its names
    ("org/ccp", None, "org/chinese-communist-party", "short"),
    ("case.yaml#jinato-liu", None, "person/jinato-liu", "record"),
    ("harbor-a.yaml#tomas-brandt", None, "person/tomas-brandt", "record"),
    ("case.yaml#mass-killings", ALL, "claim/organ-harvesting-coverage/mass-killings", "record"),
    ("Jinato Liu", None, "person/jinato-liu", "name"),
    ("CCP", None, "org/chinese-communist-party", "name"),
    ("person:Jinato Liu", None, "person/jinato-liu", "name"),
    ("  jinato   LIU ", None, "person/jinato-liu", "folded"),
    ("zoe angstrom", None, "person/zoe-angstrom", "folded"),
    ("Dr. Zoë Ångström", None, "person/zoe-angstrom", "resolver"),
    ("the Chinese Communist Party", None, "org/chinese-communist-party", "resolver"),
    ("Bryskine", None, "person/sophia-bryskine", "partial"),
    ("Ministry of Ports", ["organization"], "org/ministry-of-ports", "name"),
])
def test_each_form_finds_its_entity(lookup: Lookup, text: str, kinds: list[str] | None, iri: str, how: str) -> None:
    match = lookup.find(text, kinds)
    assert (match.entity.short, match.how) == (iri, how)
    assert match.entity.iri == BASE + iri


@pytest.mark.parametrize(("text", "kinds", "error", "message"), [
    ("Mr. Brandt", None, AmbiguousNameError,
     "A: 'Mr. Brandt' matches 2 entities: 'Ivo Brandt' (person person/ivo-brandt), 'Tomas Brandt' "
     "(person person/tomas-brandt); use a fuller name or one of the short forms"),
    ("Nobody At All", None, UnknownEntityError,
     "A: no person, organization or publication named 'Nobody At All' in the store; 'kg entities' lists them"),
    ("Jinato Lui", None, UnknownEntityError,
     "A: no person, organization or publication named 'Jinato Lui' in the store (did you mean 'Jinato Liu'?); "
     "'kg entities' lists them"),
    ("person:CCP", None, UnknownEntityError, "A: no person named 'CCP' in the store; 'kg entities' lists them"),
    (f"{BASE}person/nobody", None, UnknownEntityError,
     f"A: no person, organization or publication with IRI <{BASE}person/nobody> in the store"),
    (f"{BASE}org/chinese-communist-party", ["person"], UnknownEntityError,
     f"A: no person with IRI <{BASE}org/chinese-communist-party> in the store"),
    ("person/nobody", None, UnknownEntityError,
     f"A: no person person/nobody in the store (no IRI {BASE}person/nobody, and no person has a name with "
     "that slug); 'kg entities' lists them"),
    ("case.yaml#nobody", None, UnknownEntityError,
     "A: case.yaml has no person, organization or publication record 'nobody'"),
    ("case.yaml#mass-killings", None, UnknownEntityError,
     "A: case.yaml has no person, organization or publication record 'mass-killings'"),
    ("   ", None, InputError, "A: empty name"),
    ("https://kg.example/a<b", None, InputError, "A: 'https://kg.example/a<b' is not an absolute IRI"),
])
def test_each_refusal_says_why(lookup: Lookup, text: str, kinds: list[str] | None, error: type[Exception],
                               message: str) -> None:
    with pytest.raises(error, match=f"^{re.escape(message)}$"):
        lookup.find(text, kinds, "A")


def test_a_record_in_a_file_that_is_gone_is_explained(store: KgStore, tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"^A: cannot read .*case\.yaml to find record 'ccp' \("):
        Lookup.of_store(store, root=tmp_path).find("case.yaml#ccp", label="A")


def test_a_name_matching_several_records_gives_all_of_them_to_curation(lookup: Lookup) -> None:
    found = lookup.candidates("Mr. Brandt")
    assert [(m.entity.short, m.how) for m in found] == [("person/ivo-brandt", "name"), ("person/tomas-brandt", "name")]
    assert lookup.candidates("Nobody At All") == []


def test_the_network_in_memory_is_searched_by_the_same_rules(store: KgStore, lookup: Lookup) -> None:
    in_memory = Lookup.of_network(load_network(store), BASE)
    for text in ("person/mr-liu", "jinato liu", "Bryskine", "CCP", f"{BASE}org/falun-gong"):
        assert in_memory.find(text, ALL).entity == lookup.find(text, ALL).entity
    with pytest.raises(UnknownEntityError, match=r"^A: no person named 'CCP' in this view; "):
        in_memory.find("person:CCP", label="A")


def test_folding() -> None:
    assert fold("  Zoë\tÅngström ") == "zoe angstrom"
    assert fold("ØRSTED") == "orsted"
