"""The command line is documented: every command has --help with an example and a README entry."""

from __future__ import annotations

import argparse
import re

import pytest

from kg.cli import build_parser

from conftest import ROOT, run_kg


def _commands() -> list[str]:
    parser = build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return sorted(sub.choices)


def test_the_cli_has_the_spine_commands() -> None:
    assert {"build", "ingest", "retract", "export", "stats", "validate", "view"} <= set(_commands())


@pytest.mark.parametrize("command", _commands())
def test_every_command_has_help_with_an_example_and_is_in_the_readme(command: str) -> None:
    result = run_kg(command, "--help")
    assert result.returncode == 0
    assert re.search(rf"example:\n  kg {command}\b", result.stdout), result.stdout
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert f"`kg {command}" in readme


def test_no_command_prints_usage_and_exit_2() -> None:
    result = run_kg()
    assert result.returncode == 2 and "COMMAND" in result.stdout


@pytest.mark.parametrize("command", [["stats"], ["export"], ["validate"], ["view"], ["entities"], ["query", "ASK {}"],
                                     ["ask", "claims-about", "-p", "entity=CCP"], ["path", "A", "B"]])
def test_reading_a_store_that_does_not_exist_is_one_clear_line(tmp_path: object, command: list[str]) -> None:
    result = run_kg("--store", f"{tmp_path}/nowhere", *command)
    assert (result.returncode, result.stderr) == (
        2, f"kg: error: {tmp_path}/nowhere: no store here yet (run 'kg build' or 'kg ingest' first)\n")
