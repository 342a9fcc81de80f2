"""``kg path``: shortest connections over the entity network, each hop with relation and sources."""

from __future__ import annotations

from pathlib import Path

import pytest
from query_support import BASE, CBN, HARBOR_FILES, SAMPLE_FILES, build_store

from kg.errors import QueryError
from kg.query import path as paths
from kg.query.network import Network
from kg.store.location import Location

from conftest import run_kg


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Network]:
    store = build_store(tmp_path_factory.mktemp("path") / "store", SAMPLE_FILES)
    return store, paths.load(Location("disk", store))


@pytest.fixture(scope="module")
def harbor(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Network]:
    store = build_store(tmp_path_factory.mktemp("path-harbor") / "store", HARBOR_FILES)
    return store, paths.load(Location("disk", store))


def _walk(net: Network, conn: paths.Connection) -> list[str]:
    out = [net.nodes[conn.nodes[0]].label]
    for hop in conn.hops:
        arrows = " & ".join(("-" if link.forward else "<-") + link.relation + ("->" if link.forward else "-")
                            for link in hop.links)
        out.append(f"{arrows} {net.nodes[hop.end].label}")
    return out


def test_a_person_reaches_the_party_through_her_claims(sample: tuple[Path, Network]) -> None:
    _, net = sample
    found = paths.find_paths(net, BASE + "person/sophia-bryskine", BASE + "org/chinese-communist-party", 2, 5)
    assert len(found) == 2 and all(len(c.hops) == 2 for c in found)
    walks = sorted(tuple(_walk(net, c)) for c in found)
    assert walks[0][1].startswith("-said-> A 1984 rule") and walks[0][2] == "-about-> Chinese Communist Party"
    assert walks[1][1].startswith("-said-> China is the only country")
    for conn in found:
        for hop in conn.hops:
            assert hop.sources == ("case.yaml",) and hop.publications == (BASE + CBN,)


def test_paths_come_shortest_first_within_the_hop_limit(sample: tuple[Path, Network]) -> None:
    _, net = sample
    found = paths.find_paths(net, BASE + "person/sophia-bryskine", BASE + "org/falun-gong", 4, 10)
    lengths = [len(c.hops) for c in found]
    assert lengths == sorted(lengths) and lengths[0] == 4 and max(lengths) <= 4
    assert paths.find_paths(net, BASE + "person/sophia-bryskine", BASE + "org/falun-gong", 3, 10) == []


def test_roles_and_directions_are_kept(harbor: tuple[Path, Network]) -> None:
    _, net = harbor
    found = paths.find_paths(net, BASE + "person/mara-kessel", BASE + "person/ivo-brandt", 3, 5)
    first = found[0]
    assert _walk(net, first) == ["Mara Kessel", "-member of-> Northport Ledger",
                                 "-said-> The minister's cousin's company received the contract.",
                                 "-about-> Ivo Brandt"]
    assert first.hops[0].links[0].roles == ("reporter",)
    both = [h for c in found for h in c.hops if len(h.links) == 2]
    assert both and {link.relation for link in both[0].links} == {"said", "appeared in"}


def test_the_command_prints_each_hop_with_relation_and_sources(sample: tuple[Path, Network]) -> None:
    store, _ = sample
    result = run_kg("--store", str(store), "path", "sophia bryskine", "CCP", "--max-hops", "2")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "2 shortest connections between sophia bryskine and CCP (at most 2 hops):"
    assert "   Sophia Bryskine [Person]" in lines
    assert "     --about--> Chinese Communist Party [Organization]" in lines
    assert "         sources: case.yaml | per: China's Secret Organ Harvesting Industry" in lines


def test_no_connection_and_bad_names(sample: tuple[Path, Network], harbor: tuple[Path, Network]) -> None:
    store, _ = sample
    result = run_kg("--store", str(store), "path", "Jinato Liu", "DAFOH", "--max-hops", "1")
    assert result.returncode == 1 and result.stdout == "no connection between Jinato Liu and DAFOH within 1 hop\n"
    result = run_kg("--store", str(harbor[0]), "path", "Mr. Brandt", "Delta")
    assert result.returncode == 2 and "A: 'Mr. Brandt' matches 2 entities" in result.stderr
    with pytest.raises(QueryError, match="same entity"):
        paths.find_paths(sample[1], BASE + "org/falun-gong", BASE + "org/falun-gong")
