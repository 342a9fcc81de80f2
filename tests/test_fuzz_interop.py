"""Fuzzing the FollowTheMoney and CSV-mapping importers with hypothesis.

Whatever the bytes, preparing the source either gives a valid source or raises InputError (one
line naming the file): never another exception, never a hang. Examples are bounded for CI;
``KG_FUZZ_EXAMPLES=2000`` runs more.
"""

from __future__ import annotations

import json
import os
import string
import tempfile
from pathlib import Path
from typing import Any

from followthemoney import model
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kg.build.sources import prepare
from kg.errors import InputError
from kg.iris import Minter

EXAMPLES = int(os.environ.get("KG_FUZZ_EXAMPLES", "60"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow],
                derandomize=os.environ.get("KG_FUZZ_EXAMPLES") is None)  # CI: the same examples every run
SCHEMAS = sorted(model.schemata)
MINTER = Minter()
TEXT = st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=40)
IDS = st.sampled_from(["p1", "o1", "d1", "e1", "kg.person.ana", "kg.claim.case.c1", "x"]) | TEXT


def _prepare(folder: str, name: str, data: bytes) -> None:
    """Prepare one file: a source, or an InputError that names it (any other exception fails)."""
    path = Path(folder) / name
    path.write_bytes(data)
    try:
        prepare(path, name, MINTER)
    except InputError as exc:
        assert folder in str(exc), str(exc)


@st.composite
def ftm_entity(draw: st.DrawFn) -> dict[str, Any]:
    """Mostly well-formed FtM entities (real schemas, their properties, links among a few ids), with
    unknown schemas and properties and wrong shapes mixed in."""
    schema = draw(st.sampled_from(SCHEMAS) | TEXT)
    known = sorted(model.schemata[schema].properties) if schema in model.schemata else []
    names = st.sampled_from(known) | TEXT if known else TEXT
    values = st.lists(IDS | TEXT | st.sampled_from(["2020-01-02", "2019", "kg:direct-quote", "said", "about",
                                                    "published by", "kg:credibility=6", "kg:type=Report"]),
                      max_size=3)
    props = draw(st.dictionaries(names, values | st.just("not a list") | st.just([1, None]), max_size=6))
    entity: dict[str, Any] = {"id": draw(IDS), "schema": schema, "properties": props}
    shape = draw(st.sampled_from(["entity", "entity", "entity", "id", "schema", "properties", "list"]))
    if shape == "list":
        return {"wrapped": [entity]}
    return entity if shape == "entity" else {k: v for k, v in entity.items() if k != shape}


@FUZZ
@given(st.lists(ftm_entity(), min_size=1, max_size=8), st.booleans())
def test_ftm_files_give_a_source_or_one_input_error(entities: list[dict[str, Any]], garble: bool) -> None:
    text = "\n".join(json.dumps(e) for e in entities)
    data = text.encode("utf-8")
    if garble:
        data = data[: len(data) // 2]
    with tempfile.TemporaryDirectory(prefix="kg-fuzz-") as folder:
        _prepare(folder, "fuzz.ftm.jsonl", data)


@FUZZ
@given(st.binary(max_size=300))
def test_ftm_files_of_random_bytes(data: bytes) -> None:
    with tempfile.TemporaryDirectory(prefix="kg-fuzz-") as folder:
        _prepare(folder, "noise.ftm.json", data)


FIELDS = ["name", "aliases", "kind", "title", "publisher", "person", "organization", "role", "claimant",
          "appears_in", "text", "about", "date", "reliability", "credibility", "start", "id", "bogus"]
COLUMNS = ["id", "name", "Name", "org", "role", "date", "x y", "ü", ""]
CELLS = st.text(alphabet=string.ascii_letters + string.digits + ' ,;"\n\r|-é', max_size=12)


@st.composite
def mapping_case(draw: st.DrawFn) -> tuple[str, dict[str, str]]:
    tables, files = [], {}
    for index in range(draw(st.integers(1, 3))):
        name = f"t{index}.csv"
        header = draw(st.lists(st.sampled_from(COLUMNS), min_size=1, max_size=4))
        rows = draw(st.lists(st.lists(CELLS, min_size=0, max_size=5), max_size=4))
        lines = [",".join(header)] + [",".join(f'"{c}"' if draw(st.booleans()) else c for c in row) for row in rows]
        files[name] = "\r\n".join(lines)
        spec: dict[str, Any] = {"file": draw(st.sampled_from([name, "missing.csv", "../up.csv"])),
                                "kind": draw(st.sampled_from(["person", "organization", "publication", "affiliation",
                                                              "claim", "thing"]))}
        if draw(st.booleans()):
            spec["id"] = draw(st.sampled_from(COLUMNS))
        fields = {}
        for field in draw(st.lists(st.sampled_from(FIELDS), max_size=4)):
            fields[field] = draw(st.sampled_from(COLUMNS) | st.fixed_dictionaries(
                {"value": CELLS}) | st.fixed_dictionaries({"template": st.sampled_from(["{name} {id}", "{nope}", "x"])})
                | st.fixed_dictionaries({"column": st.sampled_from(COLUMNS), "split": st.sampled_from([";", "|"])}))
        spec["fields"] = fields
        tables.append(spec)
    return json.dumps({"tables": tables}), files  # JSON is YAML


@FUZZ
@given(mapping_case(), st.booleans())
def test_csv_mappings_give_a_source_or_one_input_error(case: tuple[str, dict[str, str]], bom: bool) -> None:
    mapping, files = case
    with tempfile.TemporaryDirectory(prefix="kg-fuzz-") as folder:
        for name, text in files.items():
            (Path(folder) / name).write_bytes(("\ufeff" if bom else "").encode() + text.encode("utf-8"))
        _prepare(folder, "fuzz.mapping.yaml", mapping.encode("utf-8"))


@FUZZ
@given(st.text(max_size=200))
def test_mapping_files_of_random_text(text: str) -> None:
    with tempfile.TemporaryDirectory(prefix="kg-fuzz-") as folder:
        _prepare(folder, "noise.mapping.yaml", text.encode("utf-8"))
