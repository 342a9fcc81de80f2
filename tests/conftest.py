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


def run_kg(*args: str, cwd: Path | None = None, env: dict[str, str] | None = None, stdin: str | None = None,
           process: bool = False) -> subprocess.CompletedProcess[str]:
    """Run the `kg` command line and return what it printed and its exit code.

    By default in this process: ``kg.cli.main`` with its own argv, working directory, environment,
    stdin and captured stdout/stderr (text and bytes), as a user would see them. ``process=True``
    runs a real ``python -m kg.cli`` for what only a separate process shows (start-up, imports,
    a process that is killed or that holds a lock against this one).
    """
    if process:
        full_env = {**os.environ, **(env or {})}
        return subprocess.run([sys.executable, "-m", "kg.cli", *args], cwd=cwd, env=full_env, input=stdin,
                              capture_output=True, text=True, timeout=300)
    return _run_in_process(list(args), cwd, env or {}, stdin or "")


def _run_in_process(args: list[str], cwd: Path | None, env: dict[str, str],
                    stdin: str) -> subprocess.CompletedProcess[str]:
    import gc
    import io

    from kg.cli import main

    out, err = io.BytesIO(), io.BytesIO()
    streams = (sys.stdin, sys.stdout, sys.stderr, sys.argv)
    saved_env, saved_cwd = dict(os.environ), os.getcwd()
    # held here: a TextIOWrapper closes its buffer when it is collected; error handlers as Python's own streams
    wrappers = (io.TextIOWrapper(io.BytesIO(stdin.encode("utf-8")), encoding="utf-8", errors="surrogateescape"),
                io.TextIOWrapper(out, encoding="utf-8", errors="surrogateescape", write_through=True),
                io.TextIOWrapper(err, encoding="utf-8", errors="backslashreplace", write_through=True))
    sys.stdin, sys.stdout, sys.stderr = wrappers
    sys.argv = ["kg", *args]
    os.environ.update(env)
    try:
        if cwd is not None:
            os.chdir(cwd)
        try:
            code = main(args)
        except SystemExit as exc:  # argparse: --help, --version, usage errors
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        gc.collect()  # a store the command closed is let go now (RocksDB closes when its object goes), as at exit
        sys.stdout.flush()
        sys.stderr.flush()
    finally:
        sys.stdin, sys.stdout, sys.stderr, sys.argv = streams
        os.environ.clear()
        os.environ.update(saved_env)
        os.chdir(saved_cwd)

    def text(buffer: io.BytesIO) -> str:  # as subprocess.run(text=True) reads it: universal newlines
        return buffer.getvalue().decode("utf-8", "replace").replace("\r\n", "\n").replace("\r", "\n")

    result = subprocess.CompletedProcess(["kg", *args], code, text(out), text(err))
    for wrapper in wrappers:
        wrapper.detach()
    return result
