"""Preparing sources ahead of the writer: parsing and validation in worker processes.

The store has one writer, but reading, validating and converting a source is pure Python work
that needs nothing from the store. For large builds the sources are prepared in a small process
pool, a few ahead of the writer and always handed over in the original order, so reports, error
messages and the resulting store are exactly those of a sequential run. Small builds (or one
core) stay in-process: starting workers costs more than it saves there.
"""

from __future__ import annotations

import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from types import TracebackType
from typing import Protocol

from kg.build.sources import PreparedSource, prepare_spilled, source_name
from kg.iris import Minter
from kg.processes import plain_main

# Below this many bytes of sources in total, preparing in-process is faster than starting workers.
POOL_MIN_BYTES = 4 * 1024 * 1024
MAX_WORKERS = 4


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def worker_count(jobs: Sequence[tuple[Path, str]]) -> int:
    """How many worker processes to use: 0 means prepare in-process. ``KG_WORKERS`` overrides."""
    configured = os.environ.get("KG_WORKERS", "").strip()
    if configured.isdigit():
        return min(int(configured), len(jobs)) if int(configured) > 1 else 0
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    if cores < 2 or len(jobs) < 2 or sum(_size(path) for path, _ in jobs) < POOL_MIN_BYTES:
        return 0
    return min(cores, MAX_WORKERS, len(jobs))


class Preparer:
    """Hands out the prepared sources for ``jobs`` in order; :meth:`next` raises what
    :func:`kg.build.sources.prepare` raised for that source."""

    def __init__(self, jobs: Sequence[tuple[Path, str]], minter: Minter, spill_dir: Path | None = None) -> None:
        self.jobs, self.minter, self.spill_dir = list(jobs), minter, spill_dir
        self.position = 0
        workers = worker_count(self.jobs)
        self.pool: ProcessPoolExecutor | None = None
        self.ahead: deque[Future[PreparedSource]] = deque()
        if workers:
            # spawn, not fork: the writer already has the store (and its threads) open
            self.pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"))
            self.window = workers + 1  # sources prepared but not yet written, at most
            self._fill()

    def _fill(self) -> None:
        assert self.pool is not None
        while len(self.ahead) < self.window and self.position + len(self.ahead) < len(self.jobs):
            path, name = self.jobs[self.position + len(self.ahead)]
            with plain_main():  # a submit may start a worker process
                self.ahead.append(self.pool.submit(prepare_spilled, path, name, self.minter, self.spill_dir))

    def next(self) -> PreparedSource:
        path, name = self.jobs[self.position]
        if self.pool is None:
            self.position += 1
            return prepare_spilled(path, name, self.minter, self.spill_dir)
        future = self.ahead.popleft()
        self.position += 1
        try:
            return future.result()
        except BrokenProcessPool:  # a worker died (killed, out of memory): carry on in-process
            self.close()
            return prepare_spilled(path, name, self.minter, self.spill_dir)
        finally:
            if self.pool is not None:
                self._fill()

    def close(self) -> None:
        if self.pool is not None:
            for future in self.ahead:
                future.cancel()
            self.ahead.clear()
            self.pool.shutdown(wait=True, cancel_futures=True)
            self.pool = None

    def __enter__(self) -> Preparer:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()


class Preparing(Protocol):
    """What an executor hands the pipeline: the prepared sources of its jobs, one ``next()`` each,
    in job order (raising what preparing that one raised); ``close()`` stops the rest."""

    def next(self) -> PreparedSource: ...

    def close(self) -> None: ...


# Makes the Preparing for ``(path, source name)`` jobs: the local Preparer, or a cluster's
# (kg.build.cluster.DaskExecutor).
Executor = Callable[[Sequence[tuple[Path, str]], Minter, Path | None], Preparing]


def prepare_in_order(paths: Iterable[Path], root: Path | None, minter: Minter, spill_dir: Path | None = None,
                     executor: Executor | None = None) -> Iterator[tuple[Path, str, Callable[[], PreparedSource]]]:
    """``(path, source name, ready)`` for each path in order; ``ready()`` returns the prepared source
    (spilled into ``spill_dir`` when given) or raises what preparing it raised. Call it once per
    item, before asking for the next. ``executor`` prepares them (default: :class:`Preparer`)."""
    jobs = [(path, source_name(path, root)) for path in paths]
    preparer = (executor or Preparer)(jobs, minter, spill_dir)
    try:
        for path, name in jobs:
            yield path, name, preparer.next
    finally:
        preparer.close()
