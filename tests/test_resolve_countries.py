"""National bodies across sources, proved on real text: paragraphs of a real U.S. government
statement (tests/data/real) extracted as separate sources name Iran's government two ways, and
resolution makes them one organization; a nationality is never an organization's name."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.extract.casewriter import case_document
from kg.extract.run import extract_text
from kg.extract.source import raw_case
from kg.ingest.article import ArticleMeta
from kg.ingest.casemodel import read_case
from kg.resolve.countries import national, national_groups
from kg.resolve.mention import Mention, mentions_of
from kg.resolve.resolver import resolve

REAL = Path(__file__).parent / "data" / "real"


def _paragraph(name: str, holding: str) -> str:
    text = (REAL / name).read_text(encoding="utf-8")
    return next(p for p in text.split("\n\n") if holding in p)


def _mentions(source: str, text: str) -> list[Mention]:
    result = extract_text(text, ArticleMeta(title=source))
    document = case_document(result, source)
    return mentions_of(source, read_case(raw_case(Path(source + ".yaml"), document)))


def _cluster_names(mentions: list[Mention], *names: str) -> list[set[str]]:
    resolution = resolve(mentions)
    wanted = set(names)
    return [{m.name for m in c.members} & wanted for c in resolution.clusters if {m.name for m in c.members} & wanted]


def test_real_statement_names_one_government_two_ways_in_two_sources() -> None:
    first = _paragraph("gov_humanrights_toner_iran_report.txt", "Iranian government")
    second = _paragraph("gov_humanrights_toner_iran_report.txt", "Iran\u2019s government")
    assert first != second
    mentions = _mentions("statement-part-1", first) + _mentions("statement-part-2", second)
    names = {m.name for m in mentions if m.kind == "organization"}
    assert {"Iranian government", "Iran\u2019s government"} <= names, names
    assert _cluster_names(mentions, "Iranian government", "Iran\u2019s government") == [
        {"Iranian government", "Iran\u2019s government"}]


def test_a_leaders_government_and_an_other_country_stay_apart() -> None:
    mentions = [Mention("leader", "gov", "organization", "Zenawi's government"),
                Mention("other", "gov", "organization", "Ethiopian government"),
                Mention("austria", "gov", "organization", "Austrian government"),
                Mention("australia", "gov", "organization", "Government of Australia")]
    clusters = _cluster_names(mentions, "Ethiopian government", "Austrian government", "Government of Australia",
                              "Zenawi's government")
    assert all(len(c) == 1 for c in clusters), clusters


@pytest.mark.parametrize(("names", "groups"), [
    (["China's Communist Party", "Chinese Communist Party", "Communist Party of China"], [[0, 1, 2]]),
    (["Labour Party", "Party of Labour"], []),
    (["Bank of America", "American Bank"], []),
    (["Afghan government", "Government of Afghanistan", "Karzai's government"], [[0, 1]]),
    (["Chinese Foreign Ministry", "China's Foreign Ministry", "Russia's Foreign Ministry"], [[0, 1]]),
])
def test_national_body_forms(names: list[str], groups: list[list[int]]) -> None:
    assert national_groups(list(enumerate(names))) == groups


def test_a_nationality_is_no_alias_of_a_party_across_sources() -> None:
    party = Mention("article", "ccp", "organization", "Chinese Communist Party", aliases=("Chinese", "CCP"))
    other = Mention("other", "chinese", "organization", "Chinese")
    government = Mention("other", "gov", "organization", "Chinese government", aliases=("Chinese",))
    clusters = resolve([party, other, government]).clusters
    assert sorted(len(c.members) for c in clusters) == [1, 1, 1]
    assert national("Chinese") is None
