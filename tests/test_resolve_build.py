"""Resolution inside `kg build`: the sample case plus a second case file that names the same
entities differently ends with one node per entity, every surface form kept as an alias in the
graph of the source that used it, and claims pointing at the resolved nodes."""

from __future__ import annotations

import shutil
from pathlib import Path

from kg import vocab
from kg.build import pipeline
from kg.store import KgStore

from conftest import ROOT

FOLLOWUP = ROOT / "tests" / "data" / "resolve" / "followup.yaml"
BASE = "https://kg.example/"


def count(store: KgStore, cls: str) -> int:
    rows = list(store.select(f"SELECT (COUNT(DISTINCT ?e) AS ?n) WHERE {{ ?e a <{cls}> }}"))
    return int(rows[0]["n"].value)


def counts(store: KgStore) -> tuple[int, int, int]:
    return count(store, vocab.PERSON), count(store, vocab.ORGANIZATION), count(store, vocab.CREATIVE_WORK)


def values(store: KgStore, subject: str, predicate: str) -> set[str]:
    return {r["o"].value for r in store.select(f"SELECT ?o WHERE {{ <{subject}> <{predicate}> ?o }}")}


def with_followup(sample_dir: Path) -> Path:
    shutil.copy(FOLLOWUP, sample_dir / "followup.yaml")
    return sample_dir


def test_sample_alone_is_unchanged_by_resolution(store: KgStore, sample_dir: Path) -> None:
    report = pipeline.build(store, sample_dir)
    assert not report.failed and not report.notes
    assert counts(store) == (2, 5, 2)


def test_two_case_files_meet_on_one_node_per_entity(store: KgStore, sample_dir: Path) -> None:
    report = pipeline.build(store, with_followup(sample_dir))
    assert not report.failed, [str(o.error) for o in report.failed]
    # people: Sophia Bryskine (= Dr. Sophia Bryskine), Jinato Liu, and the follow-up's Mr. Liu (kept apart)
    assert counts(store) == (3, 6, 3)
    ccp = BASE + "org/chinese-communist-party"
    followup = BASE + "source/followup.yaml"
    aliases = {(r["a"].value, r["g"].value) for r in store.select(
        f"SELECT ?a ?g WHERE {{ GRAPH ?g {{ <{ccp}> <{vocab.ALT_LABEL}> ?a }} }}")}
    assert ("the Chinese Communist Party", followup) in aliases  # traceable to the source that used it
    assert ("CCP", BASE + "source/case.yaml") in aliases
    about = {r["c"].value for r in store.select(f"SELECT ?c WHERE {{ ?c <{vocab.ABOUT}> <{ccp}> }}")}
    assert BASE + "claim/follow-up/renewed" in about
    claimant = values(store, BASE + "claim/follow-up/renewed", vocab.WAS_ATTRIBUTED_TO)
    assert claimant == {BASE + "person/sophia-bryskine"}
    labels = values(store, BASE + "org/doctors-against-forced-organ-harvesting", vocab.LABEL)
    assert labels == {"Doctors Against Forced Organ Harvesting"}  # one label, whatever each source called it


def test_unchanged_sources_are_rewritten_when_their_resolution_changes(store: KgStore, sample_dir: Path) -> None:
    pipeline.build(store, sample_dir)
    (sample_dir / "extra.yaml").write_text(
        "organizations:\n  - id: nw\n    name: Northwind Wire\npeople:\n  - id: ws\n    name: Wen Shu\n")
    report = pipeline.build(store, sample_dir)
    assert {o.name: o.status for o in report.outcomes} == {"case.yaml": "unchanged", "extra.yaml": "added"}
    (sample_dir / "extra.yaml").write_text(
        "organizations:\n  - id: ccp\n    name: Communist Party of China\n"
        "    aliases: [CPC, Chinese Communist Party]\n")
    report = pipeline.build(store, sample_dir)
    # the label of the CCP may change with the new source; either way the result is consistent
    assert not report.failed
    again = pipeline.build(store, sample_dir)
    assert {o.status for o in again.outcomes} == {"unchanged"}
    assert count(store, vocab.ORGANIZATION) == 5


def test_ingest_resolves_against_the_store(store: KgStore, sample_dir: Path, tmp_path: Path) -> None:
    pipeline.build(store, sample_dir)
    article = tmp_path / "later.yaml"
    article.write_text("organizations:\n  - id: x\n    name: DAFOH\n  - id: y\n    name: CCP\n")
    report = pipeline.ingest(store, [article])
    assert not report.failed
    assert count(store, vocab.ORGANIZATION) == 5  # DAFOH and CCP found their long forms in the store
