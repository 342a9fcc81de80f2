"""The curation file: decisions survive rebuilds, stale ones are reported, and the commands that
write it check what they are given."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from kg import vocab
from kg.build import pipeline
from kg.errors import InputError
from kg.resolve import curation
from kg.store import KgStore

from conftest import ROOT, run_kg

FOLLOWUP = ROOT / "tests" / "data" / "resolve" / "followup.yaml"
BASE = "https://kg.example/"


def people(store: KgStore) -> set[str]:
    return {r["p"].value for r in store.select(f"SELECT ?p WHERE {{ ?p a <{vocab.PERSON}> }}")}


def decide(data: Path, action: str, entities: list[str], reason: str = "because", **extra: str) -> None:
    curation.append(data / curation.CURATION_FILE, curation.new_decision(action, entities, reason, author="t", **extra))


@pytest.fixture
def data(sample_dir: Path) -> Path:
    shutil.copy(FOLLOWUP, sample_dir / "followup.yaml")
    return sample_dir


def test_merge_then_rebuild_stays_merged(store: KgStore, data: Path) -> None:
    pipeline.build(store, data)
    assert BASE + "person/mr-liu-followup-yaml" in people(store)
    decide(data, "merge", ["person/jinato-liu", "followup.yaml#liu"])
    report = pipeline.build(store, data)
    assert not report.notes and not report.failed
    statuses = {o.name: o.status for o in report.outcomes}
    assert statuses == {"case.yaml": "unchanged", "followup.yaml": "replaced"}
    assert people(store) == {BASE + "person/jinato-liu", BASE + "person/sophia-bryskine"}
    assert {o.status for o in pipeline.build(store, data).outcomes} == {"unchanged"}
    assert people(store) == {BASE + "person/jinato-liu", BASE + "person/sophia-bryskine"}


def test_split_then_rebuild_stays_apart(store: KgStore, data: Path) -> None:
    decide(data, "split", ["case.yaml#sophia-bryskine", "followup.yaml#bryskine"])
    pipeline.build(store, data)
    bryskines = {p for p in people(store) if "bryskine" in p}
    assert len(bryskines) == 2  # same normalised name, kept apart; each IRI tells which record it came from
    pipeline.build(store, data)
    assert {p for p in people(store) if "bryskine" in p} == bryskines


def test_stale_decision_is_reported(store: KgStore, data: Path) -> None:
    decide(data, "reject", ["person:Nobody Here"])
    decide(data, "merge", ["person:Jinato Liu", "person:Someone Else"])
    report = pipeline.build(store, data)
    assert len(report.notes) == 2
    assert "decision 1 (reject person:Nobody Here; t, " in report.notes[0]
    assert "'person:Nobody Here' matches no entity any more" in report.notes[0]
    assert "'person:Someone Else' matches no entity any more" in report.notes[1]


def test_reject_drops_the_entity_and_its_references(store: KgStore, data: Path) -> None:
    decide(data, "reject", ["organization:Falun Gong"])
    report = pipeline.build(store, data)
    assert not report.failed and not report.notes
    assert not list(store.select(f"SELECT ?p WHERE {{ ?s ?p <{BASE}org/falun-gong> }}"))


def test_rejecting_a_claimant_asks_the_investigator_to_fix_the_claim(store: KgStore, data: Path) -> None:
    decide(data, "reject", ["followup.yaml#liu"], "not a person")
    report = pipeline.build(store, data)
    assert [o.name for o in report.failed] == ["followup.yaml"]
    message = str(report.failed[0].error)
    assert "field 'claimant': 'liu' was rejected" in message and "not a person" in message
    assert "give the claim another claimant or withdraw the reject decision" in message


def test_rename_and_retype(store: KgStore, data: Path) -> None:
    decide(data, "rename", ["org/chinese-communist-party"], "", name="Communist Party of China")
    decide(data, "retype", ["organization:Falun Gong"], "", kind="person")
    pipeline.build(store, data)
    labels = {r["l"].value for r in store.select(
        f"SELECT ?l WHERE {{ <{BASE}org/chinese-communist-party> <{vocab.LABEL}> ?l }}")}
    assert labels == {"Communist Party of China"}  # the IRI is kept
    assert BASE + "person/falun-gong" in people(store)


@pytest.mark.parametrize(("text", "message"), [
    ("decisions: [{action: merge, entities: [a]}]", "decisions[1]: field 'entities' must list two entities"),
    ("decisions: [{action: merge, entities: [a, b]}]", "decisions[1]: field 'reason' is required for merge"),
    ("decisions: [{action: zap, entity: a}]", "decisions[1]: field 'action': 'zap' is not one of merge"),
    ("decisions: [{action: retype, entity: a, type: ship}]", "field 'type': 'ship' is not an entity type"),
    ("decisions: [{action: reject, entity: a, reason: x, colour: red}]", "unknown field 'colour'"),
    ("- just a list", "expected a mapping with one key, 'decisions'"),
])
def test_bad_curation_files_are_one_clear_error(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "curation.yaml"
    path.write_text(text)
    with pytest.raises(InputError, match=r"curation\.yaml: .*") as info:
        curation.load(path)
    assert message in str(info.value)


def test_appending_keeps_comments(tmp_path: Path) -> None:
    path = tmp_path / "curation.yaml"
    path.write_text("# my notes\ndecisions:\n  - action: reject  # pronoun\n    entity: 'person:He'\n    reason: x\n")
    curation.append(path, curation.new_decision("merge", ["a", "b"], "same", author="ann"))
    text = path.read_text()
    assert text.startswith("# my notes\n") and "# pronoun" in text
    loaded = curation.load(path)
    assert [(d.action, d.entities, d.author) for d in loaded] == [("reject", ["person:He"], ""),
                                                                  ("merge", ["a", "b"], "ann")]


def test_the_commands_write_the_curation_file(tmp_path: Path, data: Path) -> None:
    store = str(tmp_path / "store")
    assert run_kg("--store", store, "build", str(data), "-o", str(tmp_path / "out")).returncode == 0
    file = str(data / "curation.yaml")
    listed = run_kg("--store", store, "entities", "--type", "person")
    assert "Jinato Liu  [person/jinato-liu]  sources: 1  claims: 1" in listed.stdout, listed.stdout
    suggested = run_kg("--store", store, "entities", "--suggest")
    assert "person/jinato-liu  <->  person/mr-liu-followup-yaml" in suggested.stdout, suggested.stdout
    missing = run_kg("--store", store, "merge", "person:Nobody", "person/jinato-liu", "--reason", "x",
                     "--curation", file)
    assert missing.returncode == 2 and "A: no person named 'Nobody' in the store" in missing.stderr
    env = {"KG_AUTHOR": "inspector"}
    merged = run_kg("--store", store, "merge", f"{BASE}person/jinato-liu", "person/mr-liu-followup-yaml",
                    "--reason", "same detainee", "--curation", file, env=env)
    assert merged.returncode == 0, merged.stderr
    assert "recorded decision 1" in merged.stdout
    decision = curation.load(data / "curation.yaml")[0]
    assert (decision.entities, decision.reason, decision.author) == (
        ["person/jinato-liu", "person/mr-liu-followup-yaml"], "same detainee", "inspector")
    assert run_kg("--store", store, "build", str(data), "-o", str(tmp_path / "out")).returncode == 0
    listed = run_kg("--store", store, "entities", "--type", "person")
    assert "Jinato Liu  [person/jinato-liu]  sources: 2  claims: 2" in listed.stdout, listed.stdout
    no_reason = run_kg("--store", store, "reject", "person:Jinato Liu", "--curation", file)
    assert no_reason.returncode == 2 and "--reason" in no_reason.stderr


def test_a_renamed_entity_can_be_named_by_its_new_name(tmp_path: Path) -> None:
    from kg.resolve.mention import Mention
    from kg.resolve.resolver import resolve

    mentions = [Mention("a.yaml", "x", "organization", "Acme Holdings"),
                Mention("b.yaml", "y", "organization", "AH Ltd")]
    decisions = [curation.new_decision("rename", ["organization:Acme Holdings"], name="Acme Group", author="t"),
                 curation.new_decision("merge", ["organization:Acme Group", "b.yaml#y"], "same firm", author="t")]
    for number, decision in enumerate(decisions, 1):
        decision.number = number
    plan = curation.plan(decisions, mentions, tmp_path / "curation.yaml")
    assert plan.notes == []
    resolution = resolve(mentions, plan)
    assert resolution.by_ref["a.yaml#x"] is resolution.by_ref["b.yaml#y"]
    assert resolution.by_ref["a.yaml#x"].label == "Acme Group"
