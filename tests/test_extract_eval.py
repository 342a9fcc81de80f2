"""Extraction quality on the hand-written articles and on real ones, and evidence that re-reads exactly.

The written articles and their gold live in tests/data/articles (fictional people and
organizations); real, openly licensed articles with gold written blind live in tests/data/real.
A drop below the targets fails here, and so in CI.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from kg.errors import InputError
from kg.extract.casewriter import case_document, case_id_for
from kg.extract.evaluate import TARGETS, evaluate_dir, render, targets_for, unmet
from kg.extract.run import extract_many
from kg.extract.source import raw_case
from kg.extract.textnorm import normalise
from kg.ingest.article import ARTICLE_SUFFIXES, read_article
from kg.ingest.casemodel import read_case

ARTICLES = Path(__file__).parent / "data" / "articles"
REAL = Path(__file__).parent / "data" / "real"
# What the real set scores at this commit, raised as rules land, until targets.yaml's targets are met.
REAL_FLOORS = {"recall": {"entities": 0.86, "claims": 0.81, "roles": 0.70}, "precision": {"claims": 0.89}}
PATHS = sorted(p for p in ARTICLES.iterdir() if p.suffix in ARTICLE_SUFFIXES and p.name != "README.md")


def test_there_are_enough_articles_with_gold() -> None:
    assert len(PATHS) >= 12
    for path in PATHS:
        assert path.with_name(path.stem + ".gold.yaml").is_file(), path


def test_scores_meet_targets() -> None:
    report = evaluate_dir(ARTICLES)
    assert targets_for(ARTICLES) == TARGETS
    assert not unmet(report, TARGETS), render(report, verbose=True)


def test_real_articles_hold_their_scores() -> None:
    report = evaluate_dir(REAL)
    assert report.articles == 44
    assert not unmet(report, REAL_FLOORS), render(report, verbose=True)
    assert set(targets_for(REAL)) == {"recall", "precision"}


def test_targets_files_are_checked(tmp_path: Path) -> None:
    (tmp_path / "targets.yaml").write_text("recall: {claims: 1.5}\n")
    with pytest.raises(InputError, match="claims"):
        targets_for(tmp_path)
    (tmp_path / "targets.yaml").write_text("recall: {claims: 0.5}\nprecision: {roles: 0.25}\n")
    assert targets_for(tmp_path) == {"recall": {"claims": 0.5}, "precision": {"roles": 0.25}}


@pytest.fixture(scope="module")
def extracted() -> list[tuple[Path, object]]:
    articles = [read_article(p) for p in PATHS]
    results = list(extract_many([(a.text, a.meta, a.analysis) for a in articles]))
    return list(zip(PATHS, zip(articles, results, strict=True), strict=True))


def test_every_span_rereads_from_the_stored_text(extracted: list[tuple[Path, object]]) -> None:
    checked = 0
    for path, (article, result) in extracted:  # type: ignore[misc]
        text = article.text
        spans = [m.span for e in result.entities for m in e.mentions]
        spans += [c.evidence for c in result.claims] + [a.evidence for a in result.affiliations]
        for span in spans:
            assert text[span.start:span.end] == span.exact, (path.name, span)
            checked += 1
        assert result.claims, path.name
    assert checked > 200


def test_case_file_output_ingests_unchanged(extracted: list[tuple[Path, object]]) -> None:
    for path, (article, result) in extracted:  # type: ignore[misc]
        document = case_document(result, case_id_for(path))
        case = read_case(raw_case(path, document))
        assert case.claims
        for claim in case.claims:
            assert claim.evidence is not None and claim.evidence.start is not None
            assert article.text[claim.evidence.start:claim.evidence.end] == claim.evidence.exact


def test_claims_are_attributed_by_the_right_rule() -> None:
    text = ('The Osgood Trust hired Mara Lind in 2020. "We acted lawfully," Lind said, "and we will prove it."\n\n'
            "Lind added that the audit was flawed. According to the Osgood Trust, the payments were legal.")
    result = next(extract_many([(text, read_meta(), None)]))
    people = {e.key: e.name for e in result.entities}
    said = [(people.get(c.claimant), c.kind, c.text) for c in result.claims]
    assert ("Mara Lind", "direct-quote", 'We acted lawfully," Lind said, "and we will prove it.') in said
    assert ("Mara Lind", "reported-speech", "the audit was flawed") in said
    assert ("Osgood Trust", "reported-speech", "the payments were legal") in said


def read_meta():  # type: ignore[no-untyped-def]
    from kg.ingest.article import ArticleMeta
    return ArticleMeta(title="t")


@pytest.mark.parametrize("seed", range(20))
def test_normalised_offsets_map_back(seed: int) -> None:
    rng = random.Random(seed)
    original = "".join(rng.choice(["a", "b", " ", "\n", "\t", "  ", "\n\n", "é", "\u201c"]) for _ in range(200))
    norm = normalise(original)
    assert len(norm.text) == len(norm.origin)
    for _ in range(50):
        start = rng.randrange(0, max(1, len(norm.text)))
        end = rng.randrange(start, len(norm.text) + 1)
        a, b = norm.span(start, end)
        piece = norm.text[start:end]
        if piece.strip():
            assert " ".join(original[a:b].split()) == " ".join(piece.split())


def _by_name(extracted: list[tuple[Path, object]], name: str):  # type: ignore[no-untyped-def]
    for path, (_, result) in extracted:  # type: ignore[misc]
        if path.name == name:
            return result
    raise AssertionError(name)


def test_nested_attribution_keeps_who_relayed_it(extracted: list[tuple[Path, object]]) -> None:
    result = _by_name(extracted, "nested.txt")
    names = {e.key: e.name for e in result.entities}
    relayed = [(names[c.claimant], names[c.relayed_by]) for c in result.claims if c.relayed_by is not None]
    assert ("Julia Carrick", "Thomas Wren") in relayed
    result = _by_name(extracted, "interview.md")
    names = {e.key: e.name for e in result.entities}
    stop = [c for c in result.claims if "stop digging" in c.text]
    assert [(names[c.claimant], names[c.relayed_by]) for c in stop] == [("Gavin Sutherland", "Anton Reyes")]


def test_hedges_denials_and_outlet_claims_are_marked(extracted: list[tuple[Path, object]]) -> None:
    passive = _by_name(extracted, "passive.txt")
    outlet = [c for c in passive.claims if c.kind == "unattributed"]
    assert any(c.hedged and "reportedly considering legal action" in c.text for c in outlet)
    assert all(c.claimant is None for c in outlet)
    police = _by_name(extracted, "police_statement.txt")
    assert any(c.text.startswith("deny: officers had used excessive force") for c in police.claims)


def test_speaker_labels_and_surnames_link_to_the_full_name(extracted: list[tuple[Path, object]]) -> None:
    qa = _by_name(extracted, "qa_transcript.md")
    names = {e.key: e.name for e in qa.entities}
    assert any(names.get(c.claimant) == "Rosa Imbert" and c.cue == "speaker label" for c in qa.claims)
    honorifics = _by_name(extracted, "honorifics.txt")
    people = {e.name: set(e.aliases) for e in honorifics.entities if e.kind == "person"}
    assert "Osei" in people["Clara Osei"] and "Brandt" in people["Martin Brandt"]


def test_quotes_running_over_paragraphs_and_stray_marks() -> None:
    from kg.extract.quotes import find_quotes

    text = '"We will fight this," said Ana Ruiz. "It is wrong.\n\n"And we will win," she said.\n\nOdd " mark.'
    quotes, unbalanced = find_quotes(text)
    assert [text[q.inner[0]:q.inner[1]] for q in quotes] == ["We will fight this,", "It is wrong.", "And we will win,"]
    assert unbalanced == [text.index('" mark')]
    result = next(extract_many([(text, read_meta(), None)]))
    said = {(c.text, c.kind) for c in result.claims if c.claimant is not None}
    assert ("It is wrong.", "direct-quote") in said and ("And we will win", "direct-quote") in said


def test_two_processes_give_the_same_extractions() -> None:
    articles = [read_article(p) for p in PATHS[:4]]
    items = [(a.text, a.meta, a.analysis) for a in articles]
    one = list(extract_many(items))
    two = list(extract_many(items, n_process=2, batch_size=1))
    assert [[(c.text, c.claimant, c.evidence) for c in r.claims] for r in one] == \
        [[(c.text, c.claimant, c.evidence) for c in r.claims] for r in two]


def test_gold_files_in_other_spellings_are_read(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("\u201cWe acted lawfully,\u201d said Mara Lind, a spokeswoman for the "
                                    "Osgood Trust.\n")
    (tmp_path / "a.gold.yaml").write_text(
        "title: Not this title\npublisher: Osgood Courier\n"
        "entities:\n  - {type: per, name: Mara Lind}\n  - {type: org, name: Osgood Trust}\n"
        "claims:\n  - {speaker: Mara Lind, quote: '\"we acted lawfully\"'}\n"
        "  - {speaker: Mara Lind, quote: 'words that are not there'}\n"
        "roles:\n  - {person: Mara Lind, org: Osgood Trust, role: spokeswoman}\n"
        "  - {person: Mara Lind, role: founder}\n")
    report = evaluate_dir(tmp_path)
    assert (report.score("entities").f1, report.score("roles").f1) == (1.0, 1.0)
    assert (report.score("claims").tp, report.score("claims").fn) == (1, 1)
    assert any("gold text not found in the article" in m for m in report.misses)
    assert report.unscored == 1 and "not scored: 1 gold role" in render(report)
    assert (report.score("meta/title").fn, report.score("meta/publisher").fn) == (1, 1)
    assert "title 0/1, publisher 0/1" in render(report)
