"""`kg synth`: seeded, byte-stable synthetic cases that kg ingests and that conform to the shapes."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from kg import vocab
from kg.build import pipeline
from kg.errors import InputError
from kg.query.validate import validate
from kg.store import KgStore
from kg.synth import world as synth

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
    other, first = _files(tmp_path / "other"), _files(directory)
    case_files = [name for name in first if not name.startswith("articles/")]
    assert case_files == [name for name in other if not name.startswith("articles/")]
    assert all(other[name] != first[name] for name in case_files)
    assert set(other) - set(case_files) != set(first) - set(case_files)  # other articles


def test_a_case_has_json_batches_small_yaml_and_csv_files_and_articles(
        small_case: tuple[Path, synth.Synthesis]) -> None:
    directory, result = small_case
    names = sorted(_files(directory))
    assert [n for n in names if not n.startswith("articles/")] == ["background.yaml", "batches/batch-001.json",
                                                                    "tips.csv"]
    article = [n for n in names if n.startswith("articles/")]
    assert len(article) in (1, 2) and article[0].startswith("articles/00001-")  # a .txt may have a .meta.yaml
    assert [p.relative_to(directory).as_posix() for p in result.files] == [
        "background.yaml", "tips.csv", "batches/batch-001.json", article[0]]
    assert (result.case_files, result.articles) == (3, 1)
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
    batch = json.loads(result.files[result.case_files - 1].read_text(encoding="utf-8"))
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
    # and what extraction finds in the article (estimated at 350 triples)
    assert abs(built - result.triples) / result.triples < 0.03
    assert abs(built - 6_000) / 6_000 < 0.1  # the requested size, give or take a story
    assert validate(store) == []


def test_articles_come_in_three_formats_and_extraction_finds_their_people_and_claims(tmp_path: Path) -> None:
    from kg.extract.source import load_article_source
    from kg.synth.news import Newsroom

    newsroom = Newsroom(synth.World(random.Random(4), 2_000))
    files = dict(item for n in range(1, 13) for item in newsroom.article(n))
    suffixes = {name.rsplit(".", 1)[1] for name in files}
    assert suffixes == {"txt", "md", "html", "yaml"}  # yaml: the sidecars of some plain-text articles
    for name, data in files.items():
        if name.endswith(".meta.yaml"):
            continue
        source = load_article_source(tmp_path / name, data, files.get(name.rsplit('.', 1)[0] + '.meta.yaml'), name)
        described = not name.endswith(".txt") or name[:-4] + ".meta.yaml" in files  # a bare clipping has no meta
        assert not described or (source.article.meta.publisher and source.article.meta.date), name
        kinds = {e.kind for e in source.case.entities.values()}
        assert {"person", "organization"} <= kinds, name
        assert len(source.case.claims) >= 4, name
        assert vocab.DIRECT_QUOTE in {c.kind for c in source.case.claims}, name


def test_articles_and_case_files_meet_on_the_same_entities(small_case: tuple[Path, synth.Synthesis]) -> None:
    directory, _ = small_case
    store = KgStore.in_memory()
    pipeline.build(store, directory)
    rows = store.select("SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { GRAPH ?a { ?s a schema:Organization } "
                        "GRAPH ?c { ?s a schema:Organization } FILTER(CONTAINS(STR(?a), '/articles/') "
                        "&& !CONTAINS(STR(?c), '/articles/')) }")
    assert int(next(iter(rows))["n"].value) > 0


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
    assert " records) and 1 article (about " in result.stdout
    assert result.stdout.endswith(f"triples once ingested) to {tmp_path / 'case'}\n")
    again = run_kg("synth", "--triples", "2000", "-o", str(tmp_path / "case"))
    assert again.returncode == 2
    assert again.stderr == (f"kg: error: {tmp_path / 'case'}: already exists and is not an empty folder; "
                            "choose a new one\n")
