"""Shared fixtures. In CI (KG_CI=1) a skipped test is turned into a failure."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from kg.store import KgStore
from kg.store.location import Location, parse

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


BACKENDS = ["disk", "memory", "remote"]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class OxigraphServer:
    """The real Oxigraph server (PyPI package ``oxigraph``) on a free loopback port, in memory."""

    def __init__(self) -> None:
        binary = shutil.which("oxigraph") or str(Path(sys.executable).with_name("oxigraph"))
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc = subprocess.Popen([binary, "serve", "--bind", f"127.0.0.1:{self.port}"],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 20
        while True:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return
            except OSError:
                if self.proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"oxigraph server did not start: {self.proc.stderr.read()!r}") from None
                time.sleep(0.02)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=10)


def _servers() -> Iterator[Callable[[], OxigraphServer]]:
    """Start as many Oxigraph servers as the user of the fixture wants; all are stopped after it."""
    started: list[OxigraphServer] = []

    def start() -> OxigraphServer:
        started.append(OxigraphServer())
        return started[-1]

    yield start
    for server in started:
        server.stop()


@pytest.fixture
def oxigraph() -> Iterator[Callable[[], OxigraphServer]]:
    """Servers for one test."""
    yield from _servers()


@pytest.fixture(scope="module")
def module_oxigraph() -> Iterator[Callable[[], OxigraphServer]]:
    """Servers for module-scoped stores (a built sample shared by a module's tests)."""
    yield from _servers()


def location_for(backend: str, path: Path, start_server: Callable[[], OxigraphServer]) -> Location:
    """A new, empty store of the given backend kind."""
    if backend == "disk":
        return Location("disk", path)
    if backend == "memory":
        return Location("memory")
    return parse(start_server().url)


@pytest.fixture(params=BACKENDS)
def store(request: pytest.FixtureRequest, store_path: Path,
          oxigraph: Callable[[], OxigraphServer]) -> Iterator[KgStore]:
    """A new writable store; tests that take it run against every backend."""
    with KgStore.at(location_for(request.param, store_path, oxigraph)) as opened:
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
