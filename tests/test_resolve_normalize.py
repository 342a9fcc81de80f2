"""Name normalisation, table-driven: what two spellings of a name have in common."""

from __future__ import annotations

import pytest

from kg.resolve.normalize import acronyms, has_honorific, is_acronym, normalize, split_definition


@pytest.mark.parametrize(("name", "person", "key"), [
    ("Chinese Communist Party", False, "chinese communist party"),
    ("  chinese   COMMUNIST party ", False, "chinese communist party"),
    ("The Guardian", False, "guardian"),
    ("the  Guardian", False, "guardian"),
    ("The", False, "the"),  # never normalised to nothing
    ("China's Communist Party", False, "china communist party"),
    ("China\u2019s Communist Party", False, "china communist party"),
    ("Reporters' Committee", False, "reporters committee"),
    ("José Martí", True, "jose marti"),
    ("Lech Wałęsa", True, "lech walesa"),
    ("Søren Kierkegaard", True, "soren kierkegaard"),
    ("Straße Verlag", False, "strasse verlag"),
    ("Mr. Liu", True, "liu"),
    ("Mr Jinato Liu", True, "jinato liu"),
    ("Dr. Jane Smith", True, "jane smith"),
    ("Prof. Dr. Jane Smith", True, "jane smith"),
    ("Ms. Smith", True, "smith"),
    ("Mrs. Smith", True, "smith"),
    ("Dr. Martens", False, "dr martens"),  # honorifics are only stripped from people's names
    ("Mr.", True, "mr"),
    ("O'Brien", True, "obrien"),
    ("Smith & Wesson", False, "smith and wesson"),
    ("U.S. Department of State", False, "u s department of state"),
    ("Jean-Luc Picard", True, "jean luc picard"),
])
def test_normalize(name: str, person: bool, key: str) -> None:
    assert normalize(name, person) == key


@pytest.mark.parametrize(("name", "expected"), [
    ("Doctors Against Forced Organ Harvesting", {"dafoh"}),
    ("Chinese Communist Party", {"ccp"}),
    ("American Journal of Transplantation", {"ajt", "ajot"}),
    ("Communist Party of China", {"cpc", "cpoc"}),
    ("The World Health Organization", {"who"}),
    ("Reuters", set()),
])
def test_acronyms(name: str, expected: set[str]) -> None:
    assert acronyms(name) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("CCP", True), ("C.C.P.", True), ("DAFOH", True), ("UNESCO", True), ("NGOs", True),
    ("Liu", False), ("A", False), ("ccp", False), ("Chinese Communist Party", False), ("NewsCorp", False),
])
def test_is_acronym(text: str, expected: bool) -> None:
    assert is_acronym(text) is expected


@pytest.mark.parametrize(("text", "expected"), [
    ("Doctors Against Forced Organ Harvesting (DAFOH)", ("Doctors Against Forced Organ Harvesting", "DAFOH")),
    ("Communist Party of China (CPC)", ("Communist Party of China", "CPC")),
    ("John Smith (journalist)", ("John Smith (journalist)", None)),
    ("Plain Name", ("Plain Name", None)),
])
def test_split_definition(text: str, expected: tuple[str, str | None]) -> None:
    assert split_definition(text) == expected


def test_has_honorific() -> None:
    assert has_honorific("Dr. Jane Smith") and has_honorific("Mr Liu")
    assert not has_honorific("Jane Smith") and not has_honorific("Mr")
