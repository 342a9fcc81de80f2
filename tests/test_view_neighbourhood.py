"""`kg view --around` reads only the neighbourhood from the store, and draws exactly what narrowing the
whole network draws: same nodes with the same labels, aliases, sources, details and publications,
same edges, same refusals and the same name errors."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from query_support import HARBOR_FILES

from kg.build import pipeline
from kg.errors import InputError, ViewTooLarge
from kg.export import neighbourhood, subgraph
from kg.export.viewspec import ViewSpec, select
from kg.query.network import Network, load_network
from kg.store import KgStore
from kg.synth import world as synth


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[KgStore]:
    folder = tmp_path_factory.mktemp("neighbourhood")
    synth.generate(6_000, 3, folder / "case", articles=0)
    with KgStore.open(folder / "store") as opened:
        assert not pipeline.ingest(opened, [*HARBOR_FILES, *sorted((folder / "case").rglob("*.*"))], None).failed
        yield opened


@pytest.fixture(scope="module")
def whole(store: KgStore) -> Network:
    return load_network(store)


def _same(part: Network, expected: Network) -> None:
    assert part.nodes == expected.nodes
    assert list(part.nodes) == list(expected.nodes)  # the same order too
    assert part.edges == expected.edges


def test_every_neighbourhood_equals_narrowing_the_whole_network(store: KgStore, whole: Network) -> None:
    names = [*[n.id for n in whole.nodes.values()][::7][:40], "Sophia Bryskine", "delta dredging ltd", "CCP"]
    checked = 0
    for name in names:
        for hops in (0, 1, 2, 3):
            expected = subgraph.around(whole, name, hops)
            _same(neighbourhood.around(store, name, hops, limit=10**9, force=False), expected)
            checked += len(expected.nodes)
    assert checked > 1000  # neighbourhoods of some size were compared, not just single nodes


def test_the_view_takes_the_store_path_and_keeps_its_refusals(store: KgStore, whole: Network) -> None:
    expected = subgraph.only_types(subgraph.around(whole, "Sophia Bryskine", 3), {"Person", "Organization"})
    _same(select(store, ViewSpec(around="Sophia Bryskine", hops=3, types="Person,Organization")), expected)

    big = subgraph.around(whole, "CCP", 3)
    limit = len(big.nodes) - 1
    with pytest.raises(ViewTooLarge) as old:
        subgraph.check_size(big, limit, force=False)
    with pytest.raises(ViewTooLarge) as new:
        select(store, ViewSpec(around="CCP", hops=3, max_nodes=limit))
    assert str(new.value) == str(old.value)
    assert len(select(store, ViewSpec(around="CCP", hops=3, max_nodes=limit, force=True)).nodes) == len(big.nodes)


@pytest.mark.parametrize("name", ["no such person at all", "Bryskin", "a", "delta dredging",
                                  "https://kg.example/person/nobody", "https://kg.example/org/delta-dredging-ltd"])
def test_names_are_found_or_refused_as_before(store: KgStore, whole: Network, name: str) -> None:
    try:
        expected: str | None = subgraph.find_node(whole, name, store.minter.base).id
    except InputError as exc:  # the same lookup over the network in memory: "in this view"
        expected = str(exc).replace(" in this view", " in the store")
    try:
        found: str | None = neighbourhood.find(store, name)
    except InputError as exc:
        found = str(exc)
    assert found == expected


def test_negative_hops_are_refused(store: KgStore) -> None:
    with pytest.raises(InputError, match="--hops must be 0 or more, not -1"):
        neighbourhood.around(store, "CCP", -1, limit=100, force=False)



def test_a_source_file_view_equals_narrowing_the_whole_network(store: KgStore, whole: Network) -> None:
    names = [info.name for info in store.sources()]
    assert len(names) > 4
    for name in names:
        expected = subgraph.only_source(whole, store, name)
        part = neighbourhood.of_source(store, name, store.find_source(name).iri)
        _same(part, expected)
        assert part.nodes and part.edges
        spec = ViewSpec(source=name, around="CCP", hops=2) if name == "case.yaml" else ViewSpec(source=name)
        narrowed = subgraph.around(expected, "CCP", 2) if name == "case.yaml" else expected
        _same(select(store, spec), narrowed)
