"""`kg view` on the command line: subgraphs, queries, the node limit, and what `kg build` writes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from test_view_support import page_data, synthetic_network

from kg.errors import InputError, ViewTooLarge
from kg.export.collapse import collapse_claims, without_claims
from kg.export.layout import force_positions
from kg.export.subgraph import around, check_size, find_node, only_types, parse_types

from conftest import run_kg


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("viewcli")
    result = run_kg("--store", str(tmp / "store"), "build", "data", "-o", str(tmp / "out"),
                    cwd=Path(__file__).resolve().parent.parent)
    assert result.returncode == 0, result.stderr
    assert "graph.html (15 nodes, 25 edges)" in result.stdout
    return tmp


def _view(built: Path, *args: str) -> tuple[Any, dict[str, Any]]:
    out = built / "view.html"
    out.unlink(missing_ok=True)
    result = run_kg("--store", str(built / "store"), "view", "-o", str(out), *args, cwd=built)
    data = page_data(out.read_text(encoding="utf-8")) if out.exists() else {}
    return result, data


def _labels(data: dict[str, Any], kind: str | None = None) -> set[str]:
    return {n["kgLabel"] for n in data["nodes"] if kind is None or n["kgType"] == kind}


def test_build_writes_the_view(built: Path) -> None:
    data = page_data((built / "out" / "graph.html").read_text(encoding="utf-8"))
    assert len(data["nodes"]) == 15 and data["title"] == "Whole network"
    assert data["subtitle"] == "case data · 15 nodes, 25 edges"


def test_whole_graph(built: Path) -> None:
    result, data = _view(built)
    assert result.returncode == 0, result.stderr
    assert "15 nodes, 25 edges" in result.stdout
    assert data["title"] == "Whole network" and data["sources"] == ["case.yaml"]
    assert data["subtitle"] == "1 source: case.yaml · 15 nodes, 25 edges"
    plain = [e for e in data["edges"] if not e.get("kgCollapsed")]
    assert len(plain) == 25 and {e["label"] for e in plain} >= {"said", "about", "appeared in", "published by",
                                                                "member of (spokesperson)"}


def test_around_a_person(built: Path) -> None:
    result, data = _view(built, "--around", "sophia bryskine", "--hops", "1")
    assert result.returncode == 0, result.stderr
    assert _labels(data, "Person") == {"Sophia Bryskine"}
    assert _labels(data, "Organization") == {"Doctors Against Forced Organ Harvesting"}
    assert len(_labels(data, "Claim")) == 2
    assert data["title"] == "Around sophia bryskine (1 hop)"
    result, data = _view(built, "--around", "Mr. Liu", "--hops", "2")  # an alias
    assert "Falun Gong" in _labels(data) and "Jinato Liu" in _labels(data)


def test_around_unknown_or_ambiguous_names(built: Path) -> None:
    result, _ = _view(built, "--around", "Sofia Bryskin")
    assert result.returncode == 2 and "did you mean 'Sophia Bryskine'" in result.stderr
    result, _ = _view(built, "--around", "o")
    assert result.returncode == 2 and "matches" in result.stderr
    assert "use a fuller name or one of the short forms" in result.stderr


def test_types_without_claims_keep_claim_counts(built: Path) -> None:
    result, data = _view(built, "--types", "Person,Organization")
    assert result.returncode == 0, result.stderr
    assert {n["kgType"] for n in data["nodes"]} == {"Person", "Organization"} and len(data["nodes"]) == 7
    counted = {e["label"] for e in data["edges"] if e.get("kgCollapsed")}
    assert "2 claims" in counted and data["claims"] is False
    result, _ = _view(built, "--types", "Person,Planet")
    assert result.returncode == 2 and "unknown type 'Planet'" in result.stderr


def test_source_by_file_and_by_publication(built: Path) -> None:
    result, data = _view(built, "--source", "case.yaml")
    assert result.returncode == 0 and len(data["nodes"]) == 15
    result, data = _view(built, "--source", "Report in the American Journal")
    assert result.returncode == 0, result.stderr
    assert "Report in the American Journal of Transplantation on China's transplant figures" in _labels(data)
    assert _labels(data, "Person") == set()
    result, _ = _view(built, "--source", "nothing.yaml")
    assert result.returncode == 2 and "no publication is called 'nothing.yaml'" in result.stderr


def test_node_limit_refuses_with_advice_unless_forced(built: Path) -> None:
    result, _ = _view(built, "--max-nodes", "10")
    assert result.returncode == 2
    assert "15 nodes" in result.stderr and "--around" in result.stderr and "--types" in result.stderr
    assert "--force" in result.stderr and not (built / "view.html").exists()
    result, data = _view(built, "--max-nodes", "10", "--force")
    assert result.returncode == 0 and len(data["nodes"]) == 15


def test_query_construct_and_select(built: Path) -> None:
    construct = built / "said.rq"
    construct.write_text("CONSTRUCT { ?who prov:wasAttributedTo ?claim . ?claim schema:about ?subject } WHERE {"
                         " ?claim prov:wasAttributedTo ?who ; schema:about ?subject ."
                         " ?who schema:name \"Sophia Bryskine\" }", encoding="utf-8")
    result, data = _view(built, "--query", str(construct))
    assert result.returncode == 0, result.stderr
    assert _labels(data, "Person") == {"Sophia Bryskine"} and len(_labels(data, "Claim")) == 2
    assert "Chinese Communist Party" in _labels(data)
    select = built / "orgs.rq"
    select.write_text("SELECT ?org WHERE { ?org a schema:Organization }", encoding="utf-8")
    result, data = _view(built, "--query", str(select))
    assert result.returncode == 0, result.stderr
    assert {n["kgType"] for n in data["nodes"]} == {"Organization"} and len(data["nodes"]) == 5


def test_query_with_service_is_refused(built: Path) -> None:
    bad = built / "ssrf.rq"
    bad.write_text("SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }", encoding="utf-8")
    result, _ = _view(built, "--query", str(bad))
    assert result.returncode == 2 and "SERVICE" in result.stderr
    result, _ = _view(built, "--query", str(built / "missing.rq"))
    assert result.returncode == 2 and "no such query file" in result.stderr


def test_subgraph_functions_on_a_synthetic_network() -> None:
    net = synthetic_network(people=30, orgs=10, pubs=10, claims=60)
    assert parse_types("people, orgs") == {"Person", "Organization"}
    with pytest.raises(InputError):
        parse_types(" , ")
    assert around(net, "Person 3", 0).nodes.keys() == {find_node(net, "Person 3").id}
    collapsed = collapse_claims(net)
    assert sum(len(e.claims) for e in collapsed) == 60
    people_orgs = only_types(net, {"Person", "Organization"})
    assert len(people_orgs.nodes) == 40 and people_orgs.edges.keys() >= {e.key for e in collapsed}
    assert without_claims(net).nodes.keys() == {i for i, n in net.nodes.items() if n.type != "Claim"}
    with pytest.raises(ViewTooLarge, match=r"110 nodes .* \(30 Person, 10 Organization, 10 Publication, 60 Claim\)"):
        check_size(net, 100, force=False)
    check_size(net, 100, force=True)


@pytest.mark.parametrize("claims", [20, 900])
def test_layout_is_deterministic_and_spreads_nodes(claims: int) -> None:
    net = synthetic_network(people=30 if claims < 100 else 300, orgs=10, pubs=10, claims=claims)
    first, second = force_positions(net), force_positions(net)
    assert first.positions == second.positions and first.positions.keys() == net.nodes.keys()
    assert len(set(first.positions.values())) >= 0.995 * len(first.positions)  # nodes do not pile up
    for kind in ("Claim", "Person"):  # no single-column neighbourhoods: each kind spreads both ways
        xs = [first.positions[i][0] for i, n in net.nodes.items() if n.type == kind]
        ys = [first.positions[i][1] for i, n in net.nodes.items() if n.type == kind]
        width, height = max(xs) - min(xs), max(ys) - min(ys)
        assert 0.3 < width / height < 3.3


def test_communities_colour_and_group(built: Path) -> None:
    result, data = _view(built, "--communities")
    assert result.returncode == 0, result.stderr
    numbers = [n["kgCommunity"] for n in data["nodes"]]
    assert data["communities"] == len(set(numbers)) >= 2 and min(numbers) == 1
    assert all(n["color"]["background"].startswith("#") for n in data["nodes"])
    again = _view(built, "--communities")[1]  # seeded: the same communities every time
    assert [n["kgCommunity"] for n in again["nodes"]] == numbers


def test_dates_and_pictures_on_the_command_line(built: Path) -> None:
    result, _ = _view(built, "--from", "2024-13")
    assert result.returncode == 2 and "--from: expected a date like 2024" in result.stderr
    assert "Traceback" not in result.stderr
    result, _ = _view(built, "--from", "2025", "--to", "2024")
    assert result.returncode == 2 and "is after --to" in result.stderr
    svg = built / "view.svg"
    result = run_kg("--store", str(built / "store"), "view", "--svg", str(svg), cwd=built)
    assert result.returncode == 0, result.stderr
    assert "wrote" in result.stdout and svg.read_text(encoding="utf-8").startswith("<svg")
    assert "Whole network" in svg.read_text(encoding="utf-8")


def test_view_without_output_leaves_the_builds_page_alone(tmp_path: Path) -> None:
    data = Path(__file__).resolve().parent.parent / "data"
    assert run_kg("--store", "store", "build", str(data), cwd=tmp_path).returncode == 0
    built_page = (tmp_path / "outputs" / "graph.html").read_bytes()
    result = run_kg("--store", "store", "view", "--types", "Person,Organization", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "outputs/view.html" in result.stdout
    assert page_data((tmp_path / "outputs" / "view.html").read_text(encoding="utf-8"))["title"] != "Whole network"
    assert (tmp_path / "outputs" / "graph.html").read_bytes() == built_page
