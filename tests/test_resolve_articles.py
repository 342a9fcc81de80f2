"""End to end: the sample case, an article and a hand-written follow-up resolve to the expected entities."""

from __future__ import annotations

import shutil
from pathlib import Path

import pyoxigraph as ox

from kg import vocab
from kg.build import pipeline
from kg.query import stats
from kg.store import KgStore

from conftest import ROOT, SAMPLE_CASE

ARTICLE = ROOT / "tests" / "data" / "articles" / "acronyms.txt"
FOLLOWUP = ROOT / "tests" / "data" / "resolve" / "spill-followup.yaml"
BASE = "https://kg.example/"


def test_sample_plus_article_plus_followup_gives_the_expected_entities(tmp_path: Path, store: KgStore) -> None:
    data = tmp_path / "data"
    data.mkdir()
    for path in (SAMPLE_CASE, ARTICLE, FOLLOWUP):
        shutil.copy(path, data / path.name)
    report = pipeline.build(store, data)
    assert [o.status for o in report.outcomes] == ["added", "added", "added"]
    counts = stats.compute(store).by_type
    # sample: 2 people, 5 organizations, 2 publications; the article adds Lowe, Asante, Keller, four
    # organizations and itself; the follow-up's "Ms. Hannah Lowe", "the Agency for Chemical Safety"
    # and "Norberg Polymers" are the article's, so it only adds its own note.
    assert (counts["people"], counts["organizations"], counts["publications"]) == (5, 9, 4)

    def sources_of(iri: str) -> set[str]:
        return {q.graph_name.value for q in store.backend.quads(ox.NamedNode(iri), ox.NamedNode(vocab.TYPE),
                                                                        None, None)
                if isinstance(q.graph_name, ox.NamedNode)}

    lowe, acs = BASE + "person/hannah-lowe", BASE + "org/agency-for-chemical-safety"
    assert sources_of(lowe) == sources_of(acs) == {BASE + "source/acronyms.txt", BASE + "source/spill-followup.yaml"}
    followup_graph = ox.NamedNode(BASE + "source/spill-followup.yaml")
    found = store.backend.quads(ox.NamedNode(lowe), ox.NamedNode(vocab.ALT_LABEL), None, followup_graph)
    aliases = {str(q.object.value) for q in found if isinstance(q.object, ox.Literal)}
    assert aliases == {"Ms. Hannah Lowe"}  # the spelling stays, traceable to the source that used it
    about = [q.object for q in store.backend.quads(
        ox.NamedNode(BASE + "claim/spill-followup/tank-replaced"), ox.NamedNode(vocab.ABOUT), None, None)]
    assert about == [ox.NamedNode(acs)]
