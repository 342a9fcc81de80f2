"""The whole-graph view is refused from counts the store computes, before the network is loaded,
with the same message as the refusal of a loaded network (what `kg build` does for a large case)."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.build import pipeline
from kg.errors import ViewTooLarge
from kg.export import subgraph, viewspec
from kg.query.network import load_network
from kg.store import KgStore
from kg.synth import world as synth


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> KgStore:
    directory = tmp_path_factory.mktemp("viewsize") / "case"
    synth.generate(4_000, 8, directory, articles=0)
    built = KgStore.in_memory()
    assert not pipeline.build(built, directory).failed
    return built


def test_store_counts_give_the_loaded_networks_message(store: KgStore) -> None:
    net = load_network(store)
    limit = len(net.nodes) - 1
    with pytest.raises(ViewTooLarge) as loaded:
        subgraph.check_size(net, limit, force=False)
    with pytest.raises(ViewTooLarge) as counted:
        subgraph.check_store_size(store, limit, force=False)
    assert str(counted.value) == str(loaded.value)
    subgraph.check_store_size(store, len(net.nodes), force=False)
    subgraph.check_store_size(store, 1, force=True)


def test_the_whole_graph_view_is_refused_without_loading_it(monkeypatch: pytest.MonkeyPatch, store: KgStore,
                                                            tmp_path: Path) -> None:
    def never(_: KgStore) -> None:
        raise AssertionError("the network was loaded")

    monkeypatch.setattr(viewspec, "load_network", never)
    with pytest.raises(ViewTooLarge, match="more than the limit of 10;"):
        viewspec.make_view(store, viewspec.ViewSpec(max_nodes=10), tmp_path / "v.html", "t")
    assert not (tmp_path / "v.html").exists()
