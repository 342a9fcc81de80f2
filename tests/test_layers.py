"""The package's layers point one way (docs/architecture.md): cli -> serve -> build/export -> query ->
extract/resolve -> ingest -> store -> base modules. Checked on the source (every import statement,
including the ones inside functions) and on what importing the store really loads."""

from __future__ import annotations

import ast
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "kg"

# Lowest first. A module may import from its own group and from lower layers; the base modules
# (directly in kg/) may import each other. kg/__init__.py and kg/__main__.py are the package's doors.
LAYERS: list[set[str]] = [
    {"kg.errors", "kg.vocab", "kg.defaults", "kg.iris", "kg.fsutil", "kg.ontology", "kg.schema", "kg.sparql",
     "kg.stages", "kg.processes", "kg.demonyms"},
    {"kg.store", "kg.synth"},
    {"kg.ingest"},
    {"kg.extract", "kg.resolve"},
    {"kg.query"},
    {"kg.export"},
    {"kg.build"},  # the build writes the outputs too (graph.ttl, graph.trig, the view)
    {"kg.serve"},
    {"kg.api"},  # the public Python API
    {"kg"},  # kg/__init__.py hands out kg.api's names
    {"kg.cli"},
    {"kg.__main__"},
]
RANK = {group: rank for rank, groups in enumerate(LAYERS) for group in groups}
ROOT_NAMES = {"__version__"}  # what `from kg import ...` may take from kg/__init__.py


def _modules() -> dict[str, Path]:
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = list(path.relative_to(ROOT).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


def _group(module: str) -> str:
    return ".".join(module.split(".")[:2])


def _imports(path: Path, modules: dict[str, Path]) -> set[str]:
    """Every kg module ``path`` imports, wherever the statement is (functions and TYPE_CHECKING too)."""
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out.update(alias.name for alias in node.names if alias.name.split(".")[0] == "kg")
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0, f"{path}: relative import"
            if node.module is None or node.module.split(".")[0] != "kg":
                continue
            for alias in node.names:
                child = f"{node.module}.{alias.name}"
                if child in modules:
                    out.add(child)
                else:
                    assert node.module != "kg" or alias.name in ROOT_NAMES, f"{path}: from kg import {alias.name}"
                    out.add(node.module)
    return out


Edges = dict[str, dict[str, list[str]]]


def _group_edges() -> Edges:
    """group -> imported group -> the module imports that make the edge."""
    modules = _modules()
    edges: Edges = defaultdict(lambda: defaultdict(list))
    for module, path in modules.items():
        for target in _imports(path, modules):
            a, b = _group(module), _group(target)
            if a != b and b != "kg":
                edges[a][b].append(f"{module} -> {target}")
    return edges


def test_every_module_belongs_to_a_layer() -> None:
    assert sorted({_group(m) for m in _modules()} - set(RANK) - {"kg"}) == []


def _upward(edges: Edges) -> list[str]:
    return [f"{why} ({a} is layer {RANK[a]}, {b} is layer {RANK[b]})"
            for a, targets in edges.items() for b, whys in targets.items() for why in whys
            if RANK[b] > RANK[a] or (RANK[b] == RANK[a] and RANK[a] > 0)]


def _cycles(edges: Edges) -> list[list[str]]:
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    cycles: list[list[str]] = []

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(edges.get(node, {})):
            if state.get(nxt) == 1:
                cycles.append([*path[path.index(nxt):], nxt])
            elif nxt not in state:
                visit(nxt, [*path, nxt])
        state[node] = 2

    for start in sorted(edges):
        if start not in state:
            visit(start, [start])
    return cycles


def test_imports_point_down_the_layers() -> None:
    assert _upward(_group_edges()) == []


def test_there_are_no_cycles_between_groups() -> None:
    assert _cycles(_group_edges()) == []


def test_the_checks_notice_an_upward_import_and_a_cycle() -> None:
    edges = _group_edges()
    assert "kg.store" in edges["kg.query"]  # the walk sees real imports, including those inside functions
    assert "kg.query.path" in {why.split()[-1] for why in edges["kg.cli"]["kg.query"]}
    edges["kg.store"]["kg.build"].append("kg.store.x -> kg.build.sources")
    assert _upward(edges) == ["kg.store.x -> kg.build.sources (kg.store is layer 1, kg.build is layer 6)"]
    assert [cycle[0] for cycle in _cycles(edges)] == ["kg.build"] and "kg.store" in _cycles(edges)[0]


FORBIDDEN_FOR_STORE = ("kg.ingest", "kg.extract", "kg.resolve", "kg.build", "kg.query", "kg.export", "kg.serve",
                       "kg.cli", "kg.synth", "rdflib", "yaml", "spacy", "pyshacl", "networkx", "pyvis")
FORBIDDEN_FOR_CLI_START = ("rdflib", "yaml", "spacy", "pyshacl", "networkx", "pyvis", "kg.ingest", "kg.extract",
                           "kg.resolve", "kg.build", "kg.export", "kg.serve", "kg.synth")


def _loaded_after(code: str) -> list[str]:
    probe = code + "\nimport sys\nprint('\\n'.join(sorted(sys.modules)))"
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True, cwd=ROOT)
    return result.stdout.split()


@pytest.mark.parametrize(("code", "forbidden"), [
    ("import importlib, pkgutil, kg.store\n"
     "for m in pkgutil.walk_packages(kg.store.__path__, 'kg.store.'): importlib.import_module(m.name)",
     FORBIDDEN_FOR_STORE),
    ("import kg.cli", FORBIDDEN_FOR_CLI_START),  # `kg --help` and the query commands start fast
])
def test_what_an_import_loads(code: str, forbidden: tuple[str, ...]) -> None:
    loaded = _loaded_after(code)
    assert "kg.store.kgstore" in loaded
    assert [m for m in loaded if m.split(".")[0] in forbidden or ".".join(m.split(".")[:2]) in forbidden] == []
