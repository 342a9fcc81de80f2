"""The README's "Storage and safety" section against the code: every ``KG_`` environment variable
kg reads is listed and every one listed is read (by kg, or by the test suite for its own knobs),
each limit's default is the code's, each flag named exists with that default, and each test named
as a proof exists."""

from __future__ import annotations

import argparse
import ast
import re
from pathlib import Path

import pytest

from kg.build import parallel
from kg.cli.main import build_parser
from kg.defaults import DEFAULT_NODE_LIMIT
from kg.ingest import article, guard, mail, pdf, zipsafe
from kg.query import params, runner, safety
from kg.serve import http

ROOT = Path(__file__).resolve().parents[1]
_VARIABLE = re.compile(r"^KG_[A-Z0-9_]*[A-Z0-9]$")
_MIB = 1024 * 1024

# What each limit row's default must be, from the code (bytes for sizes, seconds for times).
DEFAULTS: dict[str, int] = {
    "size of one source file": guard.DEFAULT_MAX_SOURCE_BYTES,
    "size of one article or document": article.MAX_ARTICLE_BYTES,
    "text of one article or document": article.MAX_TEXT_CHARS,
    "one text value (literal, field)": guard.DEFAULT_MAX_LITERAL_CHARS,
    "pages of one PDF": pdf.DEFAULT_MAX_PAGES,
    "time to read one PDF (OCR included)": pdf.DEFAULT_TIMEOUT,
    "memory of the PDF worker": pdf.DEFAULT_MEMORY_MB * _MIB,
    "DOCX/ODT unpacked": zipsafe.DEFAULT_MAX_BYTES,
    "DOCX/ODT compression ratio of a part": zipsafe.DEFAULT_MAX_RATIO,
    "parts in one DOCX/ODT": zipsafe.MAX_MEMBERS,
    "MIME nesting of an e-mail": mail.DEFAULT_MAX_DEPTH,
    "attachments of an e-mail": mail.DEFAULT_MAX_ATTACHMENTS,
    "size of one attachment": mail.DEFAULT_MAX_ATTACHMENT_BYTES,
    "time of one query": int(runner.DEFAULT_TIMEOUT),
    "rows of one answer": runner.DEFAULT_MAX_ROWS,
    "length of a query or update": safety.MAX_QUERY_CHARS,
    "length of a `--param` value": params.MAX_VALUE,
    "request body of `kg serve`": 1_000_000,  # checked against kg serve --max-body below
    "head of one HTTP request": http.MAX_HEAD,
    "time for an HTTP request to arrive whole after its first byte": int(http.HEAD_TIMEOUT),
    "idle keep-alive connection": int(http.IDLE_TIMEOUT),
    "HTTP connections at once": http.MAX_CLIENTS,
    "endpoint workers for long queries": 16,  # checked against kg serve --max-workers below
    "nodes in the network view": DEFAULT_NODE_LIMIT,
    "writers of one store": 1,
}
# The limits the environment sets: the variable and the row it belongs to.
VARIABLES = {
    "KG_MAX_SOURCE_BYTES": "size of one source file", "KG_PDF_MAX_PAGES": "pages of one PDF",
    "KG_PDF_TIMEOUT": "time to read one PDF (OCR included)", "KG_PDF_MEMORY_MB": "memory of the PDF worker",
    "KG_ZIP_MAX_BYTES": "DOCX/ODT unpacked", "KG_ZIP_MAX_RATIO": "DOCX/ODT compression ratio of a part",
    "KG_EML_MAX_DEPTH": "MIME nesting of an e-mail", "KG_EML_MAX_ATTACHMENTS": "attachments of an e-mail",
    "KG_EML_MAX_ATTACHMENT_BYTES": "size of one attachment",
}


def section() -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    start = text.index("\n## Storage and safety\n")
    return text[start: text.index("\n## ", start + 1)]


def table(title: str) -> list[list[str]]:
    """The rows (cells) of the first table under the ``### title`` heading of the section."""
    part = section().split(f"\n### {title}\n", 1)[1].split("\n### ", 1)[0]
    lines = part[part.index("\n|") + 1:].split("\n\n", 1)[0].splitlines()
    return [[cell.strip() for cell in line.strip("|").split(" | ")] for line in lines[2:]]


def read_variables(folder: str) -> set[str]:
    """Every ``KG_NAME`` string constant in the Python files under ``folder`` (names kg reads)."""
    found = set()
    for path in (ROOT / folder).rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and _VARIABLE.match(node.value):
                found.add(node.value)
    return found


def amount(text: str) -> int:
    """'512 MiB' -> bytes, '120 s' -> 120, '100:1' -> 100, '1,000,000 characters' -> 1000000."""
    match = re.match(r"^([\d,]+)( MiB|:1| s|\b)", text)
    assert match, f"default {text!r} is not a number"
    number = int(match.group(1).replace(",", ""))
    return number * _MIB if match.group(2) == " MiB" else number


def test_every_variable_kg_reads_is_listed_and_every_listed_one_is_read() -> None:
    listed = set(re.findall(r"`(KG_[A-Z0-9_]+)", section()))
    by_kg = read_variables("kg")
    assert by_kg - listed == set(), "read by kg, missing from the README's Storage and safety section"
    assert listed - by_kg - read_variables("tests") == set(), "in the README but read by nothing"


def test_each_limit_default_is_the_codes() -> None:
    rows = {cells[0]: cells for cells in table("Limits")}
    with_default = {name for name, cells in rows.items() if cells[1] != "—"}
    assert with_default == set(DEFAULTS), "a limit row without its default here, or the other way round"
    for name in with_default:
        assert amount(rows[name][1]) == DEFAULTS[name], f"{name}: the README says {rows[name][1]}"
    for variable, name in VARIABLES.items():
        assert rows[name][2] == f"`{variable}`", name
    assert {c[2].strip("`") for c in rows.values() if c[2].startswith("`KG_")} == set(VARIABLES)


def _option(command: str, flag: str) -> argparse.Action:
    parser = build_parser()
    commands = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return next(a for a in commands.choices[command]._actions if flag in a.option_strings)


def test_each_flag_named_exists_with_the_default_given() -> None:
    for cells in table("Limits"):
        flags = re.findall(r"(--[\w-]+)", cells[2])
        for command in re.findall(r"`kg (\w+)", cells[2]):
            assert _option(command, flags[0]).default == DEFAULTS[cells[0]], f"kg {command} {flags[0]}"
    assert parallel.MAX_WORKERS == 4 and "at most 4" in section()


@pytest.mark.parametrize("title", ["Limits", "Attacks tried"])
def test_every_row_names_tests_that_exist(title: str) -> None:
    for cells in table(title):
        proofs = re.findall(r"`(test_\w+\.py)::(test_\w+)`", cells[-1])
        assert proofs, f"{cells[0]}: no test named"
        for file, name in proofs:
            assert re.search(rf"^def {name}\(", (ROOT / "tests" / file).read_text(encoding="utf-8"), re.M), \
                f"{file}::{name} does not exist"
