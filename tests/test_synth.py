"""`kg synth`: seeded, byte-stable synthetic cases that kg ingests and that conform to the shapes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kg import pipeline, synth
from kg.errors import InputError
from kg.store import KgStore
from kg.validate import validate

from conftest import run_kg


def _files(directory: Path) -> dict[str, bytes]:
    return {p.relative_to(directory).as_posix(): p.read_bytes() for p in sorted(directory.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def small_case(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, synth.Synthesis]:
    directory = tmp_path_factory.mktemp("synth") / "case"
    return directory, synth.generate(6_000, 11, directory)


def test_the_same_seed_gives_the_same_bytes(tmp_path: Path, small_case: tuple[Path, synth.Synthesis]) -> None:
    directory, _ = small_case
    synth.generate(6_000, 11, tmp_path / "again")
    assert _files(tmp_path / "again") == _files(directory)


def test_another_seed_gives_another_case(tmp_path: Path, small_case: tuple[Path, synth.Synthesis]) -> None:
    directory, _ = small_case
    synth.generate(6_000, 12, tmp_path / "other")
    other = _files(tmp_path / "other")
    assert other.keys() == _files(directory).keys()
    assert all(other[name] != data for name, data in _files(directory).items())


def test_a_case_has_json_batches_and_small_yaml_and_csv_files(small_case: tuple[Path, synth.Synthesis]) -> None:
    directory, result = small_case
    assert sorted(_files(directory)) == ["background.yaml", "batches/batch-001.json", "tips.csv"]
    assert [p.relative_to(directory).as_posix() for p in result.files] == [
        "background.yaml", "tips.csv", "batches/batch-001.json"]
    batch = json.loads((directory / "batches" / "batch-001.json").read_text(encoding="utf-8"))
    claims = batch["claims"]
    assert len(claims) > 5 * len(batch["publications"]) / 2  # many claims per publication
    assert {c["kind"] for c in claims} == {"direct-quote", "reported-speech", "unattributed"}
    assert any("originally_in" in c and "relayed_by" in c for c in claims)
    quoted = [c for c in claims if "quote" in c]
    assert quoted and all(c["quote"] in c["text"] and c["evidence"]["exact"] == c["quote"] for c in quoted)
    assert all(e["end"] - e["start"] == len(e["exact"]) for c in claims if "start" in (e := c.get("evidence", {})))
    assert any(p.get("affiliations") for p in batch["people"])


def test_a_large_world_has_aliases_and_near_duplicate_names(tmp_path: Path) -> None:
    result = synth.generate(60_000, 3, tmp_path / "case")
    batch = json.loads(result.files[-1].read_text(encoding="utf-8"))
    names = {r["name"] for r in batch["organizations"] + batch["people"]}
    assert any(r.get("aliases") for r in batch["organizations"]) and any(r.get("aliases") for r in batch["people"])
    twins = [n for n in names if n.startswith(("the ", "Dr. ")) and n.split(" ", 1)[1] in names]
    assert twins, "expected a record like 'the Ministry of X' next to 'Ministry of X'"


def test_the_case_builds_exactly_as_counted_and_conforms_to_the_shapes(
        small_case: tuple[Path, synth.Synthesis]) -> None:
    directory, result = small_case
    store = KgStore.in_memory()
    report = pipeline.build(store, directory)
    assert report.failed == []
    built = sum(o.triples for o in report.outcomes)
    # as counted, give or take what entity resolution merges (the case has near-duplicate names on purpose)
    assert abs(built - result.triples) / result.triples < 0.01
    assert abs(built - 6_000) / 6_000 < 0.1  # the requested size, give or take a story
    assert validate(store) == []


def test_files_that_meet_on_the_same_entities_share_one_node(small_case: tuple[Path, synth.Synthesis]) -> None:
    directory, _ = small_case
    store = KgStore.in_memory()
    pipeline.build(store, directory)
    rows = store.select("SELECT ?s (COUNT(DISTINCT ?g) AS ?n) WHERE { GRAPH ?g { ?s a schema:Organization } } "
                        "GROUP BY ?s HAVING (COUNT(DISTINCT ?g) > 1)")
    assert len(list(rows)) > 0


@pytest.mark.parametrize("triples, existing, message", [
    (10, False, "--triples: 10 is too small (at least 1,000)"),
    (5_000, True, "{dir}: already exists and is not an empty folder; choose a new one"),
])
def test_bad_requests_are_refused(tmp_path: Path, triples: int, existing: bool, message: str) -> None:
    target = tmp_path / "out"
    if existing:
        target.mkdir()
        (target / "keep.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        synth.generate(triples, 1, target)
    assert str(caught.value) == message.format(dir=target)
    assert not existing or _files(target) == {"keep.txt": b"mine"}


def test_the_command_line_writes_a_case(tmp_path: Path) -> None:
    result = run_kg("synth", "--triples", "2000", "--seed", "5", "-o", str(tmp_path / "case"))
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("wrote 3 case files (")
    assert result.stdout.endswith(f"triples once ingested) to {tmp_path / 'case'}\n")
    again = run_kg("synth", "--triples", "2000", "-o", str(tmp_path / "case"))
    assert again.returncode == 2
    assert again.stderr == (f"kg: error: {tmp_path / 'case'}: already exists and is not an empty folder; "
                            "choose a new one\n")
