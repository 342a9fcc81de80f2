"""The view's colours and line styles can be told apart: by anyone, and not by hue alone."""

from __future__ import annotations

import itertools

import pytest

from kg.export import palette, style

TYPES = style.NODE_STYLE
RELATIONS = style.RELATION_STYLE


@pytest.mark.parametrize(("a", "b"), list(itertools.combinations(TYPES, 2)))
def test_type_colours_differ_for_every_kind_of_vision(a: str, b: str) -> None:
    # CIE76 >= 12 under normal vision, protanopia, deuteranopia and tritanopia; shapes differ as well
    assert palette.worst_distance(TYPES[a][0], TYPES[b][0]) >= 12
    assert TYPES[a][2] != TYPES[b][2]


@pytest.mark.parametrize(("a", "b"), list(itertools.combinations(RELATIONS, 2)))
def test_relations_differ_in_more_than_hue(a: str, b: str) -> None:
    """Two relations never share width and arrow head (large views draw no dashes), so colour is never
    the only cue."""
    assert RELATIONS[a].signature(dashed=False) != RELATIONS[b].signature(dashed=False)


def test_disputes_stands_out() -> None:
    disputes = RELATIONS["disputes"]
    others = [r for name, r in RELATIONS.items() if name != "disputes"]
    assert all(disputes.width > r.width for r in others)
    assert all(disputes.arrow != r.arrow for r in others)
    assert all(palette.worst_distance(disputes.color, r.color) >= 10 for r in others)


def test_colours_show_on_white() -> None:
    for fill, border, _ in TYPES.values():
        assert palette.contrast_ratio(border, "#ffffff") >= 4.5  # the outline carries the shape
        assert palette.contrast_ratio(fill, "#ffffff") >= 1.8
    for relation in RELATIONS.values():
        assert palette.contrast_ratio(relation.color, "#ffffff") >= 2.2


def test_the_checks_can_fail() -> None:
    """The simulation is not a no-op: red and green, far apart to most people, nearly merge for a
    deuteranope; and the contrast ratio spans its WCAG range."""
    assert palette.distance("#d62728", "#2ca02c") > 60
    assert palette.distance("#d62728", "#2ca02c", "deuteranopia") < palette.distance("#d62728", "#2ca02c") / 2
    assert palette.contrast_ratio("#000000", "#ffffff") == pytest.approx(21.0)
    assert palette.contrast_ratio("#777777", "#777777") == pytest.approx(1.0)
