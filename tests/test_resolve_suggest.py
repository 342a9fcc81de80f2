"""`kg entities --suggest`: the likely duplicates resolution left apart, with score and evidence."""

from __future__ import annotations

import pytest
from test_resolve_pairs import CASES

from kg.resolve.mention import Mention
from kg.resolve.resolver import resolve
from kg.resolve.stored import StoredEntity
from kg.resolve.suggest import MAX_BLOCK, PER_ENTITY, _candidates, _names, entities_of, suggest

REVIEW = [c for c in CASES if c[4] == "review"]


@pytest.mark.parametrize(("mentions", "a", "b"), [c[1:4] for c in REVIEW], ids=[c[0] for c in REVIEW])
def test_every_pair_left_for_review_is_suggested(mentions: list[Mention], a: str, b: str) -> None:
    resolution = resolve(mentions)
    ids = {f"{c.kind}/{c.key}" for c in (resolution.by_ref[a], resolution.by_ref[b])}
    assert len(ids) == 2
    assert any({s.a.iri, s.b.iri} == ids for s in suggest(entities_of(resolution)))


def test_suggestions_carry_score_reasons_and_evidence() -> None:
    mentions = [Mention("a.yaml", "1", "person", "Jinato Liu", neighbours=("ccp",)),
                Mention("a.yaml", "ccp", "organization", "Chinese Communist Party"),
                Mention("b.txt", "7", "person", "J. Liu", neighbours=("p",)),
                Mention("b.txt", "p", "organization", "Chinese Communist Party")]
    found = suggest(entities_of(resolve(mentions)))
    assert len(found) == 1
    top = found[0]
    assert top.score == pytest.approx(0.75 * 0.8 + 0.15 * 0.5)
    assert top.reasons == ["'j liu' could be 'jinato liu' (surname)", "1 shared neighbour(s)"]
    assert top.evidence() == ["person/J. Liu (b.txt): 'J. Liu' in b.txt", "person/Jinato Liu: 'Jinato Liu' in a.yaml"]


def test_types_never_meet_and_split_pairs_are_left_out() -> None:
    mentions = [Mention("a", "1", "person", "Falun Gong"), Mention("b", "1", "organization", "Falun Gong"),
                Mention("c", "1", "organization", "Amnesty International"),
                Mention("d", "1", "organization", "Amnesty Internationl")]
    entities = entities_of(resolve(mentions))
    assert [(s.a.label, s.b.label) for s in suggest(entities)] == [("Amnesty International", "Amnesty Internationl")]
    apart = {frozenset(("organization/Amnesty International", "organization/Amnesty Internationl"))}
    assert suggest(entities, apart=apart) == []


def test_blocking_compares_each_entity_with_a_bounded_number_of_others() -> None:
    entities = [StoredEntity(f"person/{i}", "person", f"Anna Surname{i % 300} Jones", names={"s": {"x"}})
                for i in range(3000)]
    names = {e.iri: _names(e) for e in entities}
    pairs = _candidates(entities, names)
    assert len(pairs) <= (PER_ENTITY + MAX_BLOCK) * len(entities)  # the cap is checked after each block
    assert len(pairs) < len(entities) * (len(entities) - 1) / 2 / 100
