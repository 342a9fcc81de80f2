"""Claim dates for the timeline and `kg view --from/--to`: read from ISO dates, narrowed by period."""

from __future__ import annotations

import pytest

from kg.errors import InputError
from kg.export.timeline import bound, end_of, node_dates, parse_date, within
from kg.query.network import Edge, Network, Node


@pytest.mark.parametrize(("text", "day"), [
    ("2024-05-17", "2024-05-17"), ("2024-05-17T10:00:00Z", "2024-05-17"), ("2024-05", "2024-05-01"),
    ("2024", "2024-01-01"), (" 1999-12-31", "1999-12-31"), ("2024-02-30", None), ("May 2024", None),
    ("20245", None), ("", None)])
def test_parse_date(text: str, day: str | None) -> None:
    assert parse_date(text) == day


def test_bounds() -> None:
    assert end_of("2024") == "2024-12-31" and end_of("2024-02") == "2024-02-29" and end_of("2023-02") == "2023-02-28"
    assert end_of("2024-05-17") == "2024-05-17" and bound("2024-05", "--from") == "2024-05-01"
    with pytest.raises(InputError, match="--from: expected a date like 2024"):
        bound("2024-05-17T10:00", "--from")


def _net() -> Network:
    net = Network()
    nodes = [Node("p", "Person", "P"), Node("pub1", "Publication", "early", details={"date published": "2020-03-01"}),
             Node("pub2", "Publication", "late", details={"date published": "2024-06-01"}),
             Node("c1", "Claim", "in early", publications={"pub1", "pub2"}),
             Node("c2", "Claim", "own date", details={"date": "2023-01-05"}, publications={"pub2"}),
             Node("c3", "Claim", "undated")]
    net.nodes = {n.id: n for n in nodes}
    for edge in (Edge("p", "c1", "said"), Edge("p", "c2", "said"), Edge("p", "c3", "said"),
                 Edge("c1", "pub1", "appeared in"), Edge("c2", "pub2", "appeared in")):
        net.add_edge(edge)
    return net


def test_a_claim_takes_its_own_date_else_its_earliest_publication() -> None:
    assert node_dates(_net()) == {"pub1": "2020-03-01", "pub2": "2024-06-01", "c1": "2020-03-01", "c2": "2023-01-05"}


def test_within_keeps_the_period_and_the_people() -> None:
    kept = within(_net(), "2023-01-01", "2024-12-31")
    assert set(kept.nodes) == {"p", "pub2", "c2"}
    assert set(kept.edges) == {("p", "c2", "said"), ("c2", "pub2", "appeared in")}
    assert set(within(_net(), None, "2020-12-31").nodes) == {"p", "pub1", "c1"}
