"""Shared fixtures. In CI (KG_CI=1) a skipped test is turned into a failure."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from kg.store import KgStore

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data"
SAMPLE_CASE = SAMPLE / "case.yaml"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    outcome = yield
    report = outcome.get_result()
    if os.environ.get("KG_CI") and report.skipped:
        report.outcome = "failed"
        report.longrepr = f"skipped in CI (everything must run here): {report.longrepr}"


@pytest.fixture
def store_path(tmp_path: Path) -> Path:
    return tmp_path / "store"


@pytest.fixture
def store(store_path: Path) -> Iterator[KgStore]:
    with KgStore.open(store_path) as opened:
        yield opened


@pytest.fixture
def sample_dir(tmp_path: Path) -> Path:
    """A private copy of the shipped sample data, safe to modify."""
    target = tmp_path / "data"
    shutil.copytree(SAMPLE, target)
    return target


def dump_store(store: Path) -> list[str]:
    """Every quad in the store, log graph included, as sorted N-Quads lines."""
    import pyoxigraph as ox

    opened = ox.Store.read_only(str(store))
    try:
        return sorted(str(quad) for quad in opened)
    finally:
        del opened


def run_kg(*args: str, cwd: Path | None = None, env: dict[str, str] | None = None,
           stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    """Run the real `kg` command line in a subprocess."""
    full_env = {**os.environ, **(env or {})}
    return subprocess.run([sys.executable, "-m", "kg.cli", *args], cwd=cwd, env=full_env, input=stdin,
                          capture_output=True, text=True, timeout=300)
