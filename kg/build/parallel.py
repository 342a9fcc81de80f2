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
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from types import TracebackType
from typing import Protocol

from kg.build.sources import PreparedSource, prepare_spilled, source_name
from kg.ingest.article import ARTICLE_SUFFIXES
from kg.ingest.folder import Admitted
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


def lanes(jobs: Sequence[tuple[Path, str]], workers: int) -> list[tuple[list[int], int]]:
    """Which jobs go to which pool, and its worker count. Articles get workers of their own when other
    sources are there too: each worker that prepares an article imports spaCy and loads its model
    (about a second of CPU), so they are kept to as few workers as the articles' share of the jobs
    asks for -- at 300k triples (17 articles, 7 large case files, 2 workers) one worker loads it, not
    both. Article-heavy builds use every worker for articles, as before."""
    articles = [i for i, (path, _) in enumerate(jobs) if path.suffix.lower() in ARTICLE_SUFFIXES]
    share = round(workers * len(articles) / len(jobs)) if jobs else 0
    if workers < 2 or not articles or len(articles) == len(jobs) or share >= workers:
        return [(list(range(len(jobs))), workers)]
    chosen = set(articles)
    others = [i for i in range(len(jobs)) if i not in chosen]
    return [(articles, max(1, share)), (others, workers - max(1, share))]


class _Lane:
    """One pool and the jobs it prepares, a few ahead, in their order."""

    def __init__(self, indexes: list[int], workers: int) -> None:
        # spawn, not fork: the writer already has the store (and its threads) open
        self.pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"))
        self.todo = deque(indexes)
        self.window = workers + 1  # sources prepared but not yet written, at most
        self.ahead: deque[Future[PreparedSource]] = deque()


class Preparer:
    """Hands out the prepared sources for ``jobs`` in order; :meth:`next` raises what
    :func:`kg.build.sources.prepare` raised for that source."""

    def __init__(self, jobs: Sequence[tuple[Path, str]], minter: Minter, spill_dir: Path | None = None,
                 admitted: Mapping[Path, Admitted] | None = None) -> None:
        self.jobs, self.minter, self.spill_dir = list(jobs), minter, spill_dir
        self.admitted = admitted or {}
        self.position = 0
        workers = worker_count(self.jobs)
        self.lanes: list[_Lane] = []
        self.lane_of: dict[int, _Lane] = {}
        if workers:
            for indexes, count in lanes(self.jobs, workers):
                lane = _Lane(indexes, count)
                self.lanes.append(lane)
                self.lane_of.update((i, lane) for i in indexes)
                self._fill(lane)

    def _fill(self, lane: _Lane) -> None:
        while len(lane.ahead) < lane.window and lane.todo:
            path, name = self.jobs[lane.todo.popleft()]
            with plain_main():  # a submit may start a worker process
                lane.ahead.append(lane.pool.submit(prepare_spilled, path, name, self.minter, self.spill_dir,
                                                   self.admitted.get(path)))

    def next(self) -> PreparedSource:
        path, name = self.jobs[self.position]
        lane = self.lane_of.get(self.position)
        self.position += 1
        if lane is None:
            return prepare_spilled(path, name, self.minter, self.spill_dir, self.admitted.get(path))
        future = lane.ahead.popleft()  # each lane holds its own jobs in order: this one is first
        try:
            return future.result()
        except BrokenProcessPool:  # a worker died (killed, out of memory): carry on in-process
            self.close()
            return prepare_spilled(path, name, self.minter, self.spill_dir, self.admitted.get(path))
        finally:
            if self.lanes:
                self._fill(lane)

    def close(self) -> None:
        for lane in self.lanes:
            for future in lane.ahead:
                future.cancel()
            lane.ahead.clear()
            lane.pool.shutdown(wait=True, cancel_futures=True)
        self.lanes, self.lane_of = [], {}

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


# Makes the Preparing for ``(path, source name)`` jobs (and what the folder rule saw of each path):
# the local Preparer, or a cluster's (kg.build.remote.DaskExecutor).
Executor = Callable[[Sequence[tuple[Path, str]], Minter, Path | None, Mapping[Path, Admitted]], Preparing]


def prepare_in_order(paths: Iterable[Path], root: Path | None, minter: Minter, spill_dir: Path | None = None,
                     executor: Executor | None = None, admitted: Mapping[Path, Admitted] | None = None,
                     ) -> Iterator[tuple[Path, str, Callable[[], PreparedSource]]]:
    """``(path, source name, ready)`` for each path in order; ``ready()`` returns the prepared source
    (spilled into ``spill_dir`` when given) or raises what preparing it raised. Call it once per
    item, before asking for the next. ``executor`` prepares them (default: :class:`Preparer`);
    ``admitted``: what the folder rule saw of each path, checked again when it is opened."""
    jobs = [(path, source_name(path, root)) for path in paths]
    preparer = (executor or Preparer)(jobs, minter, spill_dir, admitted or {})
    try:
        for path, name in jobs:
            yield path, name, preparer.next
    finally:
        preparer.close()
