"""Every saved question answers the sample case (and the fictional harbour fixture) with the right rows."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from query_support import AJT_REPORT_PREFIX, CBN, HARBOR_FILES, SAMPLE_FILES, column, engine_on, plain

from kg.errors import AmbiguousNameError, KgError
from kg.query import saved
from kg.query.runner import QueryEngine

from conftest import BACKENDS, OxigraphServer

CLAIM = "claim/organ-harvesting-coverage/"


# Every question runs against every store backend: on disk, in memory, and the Oxigraph server.
@pytest.fixture(scope="module", params=BACKENDS)
def sample(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory,
           module_oxigraph: Callable[[], OxigraphServer]) -> Iterator[QueryEngine]:
    with engine_on(request.param, tmp_path_factory.mktemp("sample"), SAMPLE_FILES, module_oxigraph) as engine:
        yield engine


@pytest.fixture(scope="module", params=BACKENDS)
def harbor(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory,
           module_oxigraph: Callable[[], OxigraphServer]) -> Iterator[QueryEngine]:
    with engine_on(request.param, tmp_path_factory.mktemp("harbor"), HARBOR_FILES, module_oxigraph) as engine:
        yield engine


def test_at_least_ten_questions_each_described_with_an_example() -> None:
    questions = saved.registry()
    assert len(questions) >= 10
    for question in questions.values():
        assert question.title and question.description
        assert question.examples and question.examples[0].startswith(f"kg ask {question.name}")


def test_claims_about_an_entity_by_alias(sample: QueryEngine) -> None:
    result = saved.ask(sample, "claims-about", {"entity": "ccp"})
    rows = {row[0]: row[1:] for row in plain(result)}
    assert set(rows) == {CLAIM + c for c in ("transplant-discrepancy", "no-law-against", "provision-1984",
                                            "unique-to-china", "mass-killings")}
    assert rows[CLAIM + "unique-to-china"][:4] == ("person/sophia-bryskine", CBN, "DirectQuote",
                                                  "systematic forced organ harvesting")
    assert rows[CLAIM + "transplant-discrepancy"][:4] == ("org/american-journal-of-transplantation", CBN,
                                                         "ReportedSpeech", "implausible discrepancy")
    assert rows[CLAIM + "no-law-against"][2:4] == ("Unattributed", None)
    assert rows[CLAIM + "mass-killings"][0].startswith(AJT_REPORT_PREFIX)  # type: ignore[union-attr]
    assert all(r[-1] == "case.yaml" for r in rows.values())


def test_the_same_entity_by_name_alias_or_iri(sample: QueryEngine) -> None:
    by = [plain(saved.ask(sample, "claims-about", {"entity": value}))
          for value in ("Chinese Communist Party", "communist party of china", "https://kg.example/org/chinese-communist-party",
                        "org/chinese-communist-party")]
    assert by[0] == by[1] == by[2] == by[3] and len(by[0]) == 5


def test_claims_by_an_entity(sample: QueryEngine) -> None:
    result = saved.ask(sample, "claims-by", {"entity": "Sophia Bryskine"})
    assert plain(result) == [
        (CLAIM + "provision-1984", "Chinese Communist Party", CBN, "DirectQuote", "1984 Provision",
         "A 1984 rule that lets executed prisoners be used as organ donors is still in force, against "
         "international guidelines.", "case.yaml"),
        (CLAIM + "unique-to-china", "Chinese Communist Party", CBN, "DirectQuote", "systematic forced organ harvesting",
         "China is the only country where forced organ harvesting still happens systematically, at mass scale and "
         "with state sanction.", "case.yaml"),
    ]


def test_sources_behind_a_relayed_claim(sample: QueryEngine) -> None:
    rows = plain(saved.ask(sample, "claim-sources", {"claim": "transplant-discrepancy"}))
    assert [r[0] for r in rows] == ["1 claimant", "2 appeared in", "3 first appeared in", "5 evidence", "8 recorded in"]
    assert rows[0][1] == "org/american-journal-of-transplantation"
    assert rows[1][1:3] == (CBN, "published by CBN News; reliability C")
    assert rows[2][1].startswith(AJT_REPORT_PREFIX)  # type: ignore[union-attr]
    assert rows[2][2] == "published by American Journal of Transplantation"
    assert rows[3][1] == "implausible discrepancy"
    assert rows[4][1] == "source/case.yaml" and {r[3] for r in rows} == {"case.yaml"}


def test_claim_found_by_words_of_its_text(sample: QueryEngine) -> None:
    rows = plain(saved.ask(sample, "claim-sources", {"claim": "older inmate"}))
    assert ("1 claimant", "person/jinato-liu", "", "case.yaml") in rows
    assert ("6 credibility", "6", "", "case.yaml") in rows


def test_profile_of_an_organization(sample: QueryEngine) -> None:
    rows = plain(saved.ask(sample, "profile", {"entity": "dafoh"}))
    assert rows == [
        ("label", "Doctors Against Forced Organ Harvesting", None, None, "case.yaml"),
        ("alias", "DAFOH", None, None, "case.yaml"),
        ("type", "schema:Organization", None, None, "case.yaml"),
        ("type", "prov:Agent", None, None, "case.yaml"),
        ("kind", "kg:NGO", None, None, "case.yaml"),
        ("has member", "person/sophia-bryskine", "spokesperson", CBN, "case.yaml"),
    ]


def test_profile_of_a_person_lists_affiliations_and_claims(sample: QueryEngine) -> None:
    rows = plain(saved.ask(sample, "profile", {"entity": "Mr. Liu"}))
    fields = [(r[0], r[1]) for r in rows]
    assert ("label", "Jinato Liu") in fields and ("alias", "Mr. Liu") in fields
    assert ("member of", "org/falun-gong") in fields
    assert ("claim made", CLAIM + "organs-not-to-be-damaged") in fields
    assert ("claim about it", CLAIM + "organs-not-to-be-damaged") in fields
    member = next(r for r in rows if r[0] == "member of")
    assert member[2:] == ("practitioner", CBN, "case.yaml")


def test_publications_that_mention_an_entity(sample: QueryEngine) -> None:
    rows = plain(saved.ask(sample, "mentions", {"entity": "Falun Gong"}))
    assert len(rows) == 1 and rows[0][0] == CBN and rows[0][2] == "1"
    assert set(rows[0][1].split("; ")) == {"claim about it", "affiliation (practitioner)"}  # type: ignore[union-attr]
    outlet = plain(saved.ask(sample, "mentions", {"entity": "CBN News"}))
    assert outlet[0][0] == CBN and set(outlet[0][1].split("; ")) == {  # type: ignore[union-attr]
        "its claim", "published by it", "written by it"}


def test_uncorroborated_on_the_sample_is_every_claim(sample: QueryEngine) -> None:
    result = saved.ask(sample, "uncorroborated")
    assert sorted(column(result, "claim")) == sorted(CLAIM + c for c in (
        "mass-killings", "no-law-against", "organs-not-to-be-damaged", "provision-1984", "transplant-discrepancy",
        "unique-to-china"))
    relayed = {r[0]: r for r in plain(result)}[CLAIM + "transplant-discrepancy"]
    assert relayed[2] == CBN and relayed[3].startswith(AJT_REPORT_PREFIX)  # type: ignore[union-attr]
    assert {r[0]: r[4] for r in plain(result)}[CLAIM + "organs-not-to-be-damaged"] == "6"


def test_a_claim_recorded_from_two_publications_is_corroborated(harbor: QueryEngine) -> None:
    claims = column(saved.ask(harbor, "uncorroborated", {"entity": "Delta Dredging Ltd"}), "claim")
    assert claims == ["claim/harbor-dredging/cousin-won-tender", "claim/harbor-dredging/tender-was-fair"]


def test_disputed_on_the_sample_is_empty(sample: QueryEngine) -> None:
    assert saved.ask(sample, "disputed").rows == []


def test_disputed_claims_marked_graded_against_and_graded_twice(harbor: QueryEngine) -> None:
    rows = plain(saved.ask(harbor, "disputed", {"entity": "delta"}))
    c = "claim/harbor-dredging/"
    found = {(r[1], r[3], r[5]) for r in rows}
    assert found == {
        (c + "bid-doubled", c + "bid-doubled", "graded 2 in harbor-a.yaml but 4 in harbor-b.yaml"),
        (c + "bid-doubled", c + "tender-was-fair", "credibility 2 against 5"),
        (c + "cousin-won-tender", c + "bid-doubled", "credibility 2 against 4"),
        (c + "cousin-won-tender", c + "tender-was-fair", "marked as disputing each other"),
        (c + "cousin-won-tender", c + "tender-was-fair", "credibility 2 against 5"),
    }
    assert {r[0] for r in rows} == {"org/delta-dredging-ltd"}
    marked = next(r for r in rows if r[5] == "marked as disputing each other")
    assert marked[2] == "publication/dredging-contract-went-to-minister-s-cousin" and marked[4] == "person/ivo-brandt"


def test_people_by_organization(sample: QueryEngine, harbor: QueryEngine) -> None:
    assert plain(saved.ask(sample, "people-by-org")) == [
        ("org/doctors-against-forced-organ-harvesting", "person/sophia-bryskine", "spokesperson", None, None, CBN,
         "case.yaml"),
        ("org/falun-gong", "person/jinato-liu", "practitioner", None, None, CBN, "case.yaml"),
    ]
    assert plain(saved.ask(harbor, "people-by-org", {"organization": "MoP"})) == [
        ("org/ministry-of-ports", "person/ivo-brandt", "minister", "2022-01", None,
         "publication/ministry-statement-on-the-dredging-tender", "harbor-a.yaml")]


def test_grades_by_publication(sample: QueryEngine, harbor: QueryEngine) -> None:
    rows = plain(saved.ask(sample, "grades"))
    assert rows[0] == (CBN, "C", "6", "0", "0", "0", "1", "5")
    assert rows[1][0].startswith(AJT_REPORT_PREFIX) and rows[1][1:] == ("", "0", "0", "0", "0", "0", "0")  # type: ignore[union-attr]
    by_pub = {r[0]: r[1:] for r in plain(saved.ask(harbor, "grades"))}
    assert by_pub["publication/dredging-contract-went-to-minister-s-cousin"] == ("B", "2", "2", "0", "0", "0", "0")
    assert by_pub["publication/port-watch-bulletin-no-7"] == ("C", "1", "0", "0", "1", "0", "0")
    assert by_pub["publication/ministry-statement-on-the-dredging-tender"] == ("C", "1", "0", "0", "1", "0", "0")


def test_what_a_source_contributed(sample: QueryEngine) -> None:
    rows = plain(saved.ask(sample, "source-contents", {"source": "case.yaml"}))
    assert rows[0][:2] == ("0 source file", "source/case.yaml")
    assert rows[0][2].startswith("case.yaml: ") and rows[0][2].endswith(" triples")  # type: ignore[union-attr]
    kinds: dict[str | None, int] = {}
    for row in rows[1:]:
        kinds[row[0]] = kinds.get(row[0], 0) + 1
    assert kinds == {"affiliation": 2, "claim": 6, "organization": 5, "person": 2, "publication": 2}
    assert ("person", "person/sophia-bryskine", "Sophia Bryskine") in rows


def test_second_hand_claims(harbor: QueryEngine) -> None:
    rows = plain(saved.ask(harbor, "relayed"))
    assert (
        "claim/harbor-dredging/radio-relay", "org/northport-ledger", "publication/morning-harbour-hour-4-march",
        "publication/dredging-contract-went-to-minister-s-cousin", "org/coastline-radio") in rows
    assert len(rows) == 2 and rows[0][0] == CLAIM + "transplant-discrepancy"


def test_search_names(sample: QueryEngine) -> None:
    assert plain(saved.ask(sample, "search", {"text": "PARTY"})) == [
        ("org/chinese-communist-party", "organization", "China's Communist Party"),
        ("org/chinese-communist-party", "organization", "Chinese Communist Party"),
        ("org/chinese-communist-party", "organization", "Communist Party of China"),
    ]


def test_an_ambiguous_alias_lists_the_candidates(harbor: QueryEngine) -> None:
    with pytest.raises(AmbiguousNameError) as caught:
        saved.ask(harbor, "claims-about", {"entity": "mr. brandt"})
    assert str(caught.value) == (
        "entity: 'mr. brandt' matches 2 entities: 'Ivo Brandt' (person person/ivo-brandt), "
        "'Tomas Brandt' (person person/tomas-brandt); use a fuller name or one of the short forms")


@pytest.mark.parametrize(("name", "params", "message"), [
    ("claims-about", {}, "claims-about: missing parameter 'entity'"),
    ("claims-about", {"entity": "Jinato Lui"}, "entity: no person, organization or publication named 'Jinato Lui' "
     "in the store (did you mean 'Jinato Liu'?); 'kg entities' lists them"),
    ("claims-about", {"entity": "CCP", "extra": "x"}, "claims-about: unknown parameter 'extra' (parameters: entity)"),
    ("claims-about", {"entity": "https://kg.example/org/nobody"}, "entity: no person, organization or publication "
     "with IRI <https://kg.example/org/nobody> in the store"),
    ("source-contents", {"source": "nothing.yaml"}, "source: no source named 'nothing.yaml' in the store"),
    ("no-such-question", {}, "no saved question named 'no-such-question'"),
])
def test_parameter_errors_are_clear(sample: QueryEngine, name: str, params: dict[str, str], message: str) -> None:
    with pytest.raises(KgError) as caught:
        saved.ask(sample, name, params)
    assert str(caught.value).startswith(message)
    assert caught.value.exit_code == 2


def test_every_term_in_the_saved_questions_is_declared() -> None:
    from test_vocab import _declared

    from kg import vocab
    from kg.sparql import tokenize

    declared = _declared()
    used = set()
    for question in saved.registry().values():
        for token in tokenize(question.text):
            prefix, sep, local = token.text.partition(":")
            if token.kind == "word" and sep and prefix in vocab.PREFIXES:
                used.add(vocab.PREFIXES[prefix] + local)
    assert used and sorted(used - declared) == []


def test_saved_questions_ship_inside_the_package() -> None:
    import kg.query

    assert (Path(kg.query.__file__).parent / "saved" / "claims-about.rq").is_file()
