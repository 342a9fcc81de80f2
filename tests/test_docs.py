"""The docs a newcomer reads stay true: docs/architecture.md's layer table is tests/test_layers.py's
rule, every module and file it names exists, links between the docs resolve, and nothing cites a
design file that is not in the repository. (docs/api.md's examples run in tests/test_api.py; the
README's KG_* table is checked by tests/test_safety_readme.py.)"""

from __future__ import annotations

import importlib
import importlib.util
import re
from pathlib import Path

from test_layers import LAYERS

ROOT = Path(__file__).resolve().parent.parent
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
ARCHITECTURE = ROOT / "docs" / "architecture.md"


def _code_files() -> list[Path]:
    return [p for folder in ("kg", "bench", "tests", "scripts") for p in sorted((ROOT / folder).rglob("*.py"))]


def _layer_rows() -> list[tuple[int, list[str]]]:
    """(layer, packages) per row of the architecture's layer table, as dotted names."""
    text = ARCHITECTURE.read_text(encoding="utf-8")
    rows = re.findall(r"^\| (\d+) \| ([^|]+) \|", text, re.M)
    found = []
    for number, cell in rows:
        names = []
        for path in re.findall(r"`([^`]+)`", cell):
            name = path.rstrip("/").removesuffix(".py").replace("/", ".")
            names.append("kg" if name == "kg.__init__" else name)
        found.append((int(number), names))
    return found


def test_the_layer_table_is_the_layer_rule() -> None:
    rows = _layer_rows()
    assert [n for n, _ in rows] == list(range(len(LAYERS) - 1, -1, -1))  # highest first, one row a layer
    documented = [set(names) for _, names in reversed(rows)]
    assert documented[0] == {"kg.*"} and documented[1:] == LAYERS[1:]
    base_row = ARCHITECTURE.read_text(encoding="utf-8").split("\n| 0 | ", 1)[1].split("\n", 1)[0]
    assert {m.removeprefix("kg.") for m in LAYERS[0]} == set(re.findall(r"`(\w+)`", base_row)) - {"kg"}


def _is_module(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except ModuleNotFoundError:  # a parent is a module, not a package
        return False


def _exists(dotted: str) -> bool:
    """``kg.build.sources.discover``, ``kg.open``: the longest prefix that is a module, then attributes."""
    parts = dotted.split(".")
    for i in range(len(parts), 0, -1):
        if _is_module(".".join(parts[:i])):
            found: object = importlib.import_module(".".join(parts[:i]))
            for name in parts[i:]:
                if not hasattr(found, name):
                    return False
                found = getattr(found, name)
            return True
    return False


def test_every_module_the_architecture_names_exists() -> None:
    text = ARCHITECTURE.read_text(encoding="utf-8")
    missing = sorted(d for d in set(re.findall(r"`(kg(?:\.[A-Za-z_]+)+)", text)) if not _exists(d))
    missing += [path for path in set(re.findall(r"`(kg/[\w/]+\.py)`", text)) if not (ROOT / path).exists()]
    for packages, cell in re.findall(r"^\| \d+ \| ((?:`kg/\w+/`,? ?)+) \| ([^\n]+)$", text, re.M):
        # bare file names in a package's row (`lookup.py`) are modules of that row's packages
        folders = [ROOT / p for p in re.findall(r"`([^`]+)`", packages)]
        missing += [name for name in re.findall(r"`(\w+\.py)`", cell) if not any((f / name).exists() for f in folders)]
    assert missing == []


def test_links_between_docs_resolve() -> None:
    broken = []
    for doc in DOCS:
        for target in re.findall(r"\]\(([^)#:]+)(?:#[^)]*)?\)", doc.read_text(encoding="utf-8")):
            if not (doc.parent / target).exists():
                broken.append(f"{doc.relative_to(ROOT)} -> {target}")
    assert broken == []


def test_nothing_cites_a_design_file_outside_the_repository() -> None:
    citing = [str(p.relative_to(ROOT)) for p in [*_code_files(), *DOCS] if "DESIGN.md" in p.read_text(encoding="utf-8")]
    assert citing == [str(Path("tests/test_docs.py"))]
