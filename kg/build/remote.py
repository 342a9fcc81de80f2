"""Preparing sources, and extracting articles, as tasks on a Dask cluster.

The task is the same pure function a local build runs, :func:`kg.build.sources.prepare`, given the
file's bytes and its sidecar's: small files travel inside their task, larger ones are scattered to
the cluster in chunks (so the scheduler never carries them). With ``shared_path`` the workers
read each file themselves at its absolute path (a file system mounted at the same place on every
machine). Either way a failure names the file as it was named here, exactly as a local build
does, and the result comes back as a :class:`~kg.build.parcel.Parcel` that the writer unpacks into
its own spill folder. Every task first checks that its worker runs the versions this machine runs
(:func:`kg.build.cluster.fingerprint`): a mismatch would change the graph, so it stops the build.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kg.build.cluster import TaskStream, applied, fingerprint, settings
from kg.build.parcel import Parcel
from kg.build.sources import UNFORESEEN, PreparedSource, prepare, read_input, unforeseen
from kg.errors import ClusterError, InputError, KgError
from kg.ingest.article import article_bytes, sidecar_of
from kg.ingest.folder import Admitted
from kg.iris import Minter

if TYPE_CHECKING:
    from distributed import Client, Future

INLINE_BYTES = 1 << 20  # files up to this size travel inside their task
CHUNK_BYTES = 8 << 20  # larger ones are scattered in chunks of this size


@dataclass(frozen=True)
class Task:
    path: Path  # as named on the writer's machine: messages and the file type
    name: str  # the source's name
    read_from: str | None = None  # shared path: where the worker reads the file
    data: bytes | None = None  # the file's bytes, unless scattered in chunks or read by the worker
    sidecar: bytes | None = None
    admitted: Admitted | None = None  # shared path: the folder rule the worker holds the file to


@dataclass(frozen=True)
class Failed:
    error: KgError


@dataclass(frozen=True)
class Mismatch:
    worker: str
    versions: tuple[str, ...]


def _worker_address() -> str:
    from distributed import get_worker

    try:
        return str(get_worker().address)
    except ValueError:
        return "(not a worker)"


def _read_shared(task: Task, read: Any) -> tuple[bytes, bytes | None]:
    """The worker reads the file (and sidecar) itself; messages name them as the writer named them."""
    assert task.read_from is not None
    actual = Path(task.read_from)
    try:
        data, sidecar = read(actual, task.admitted)
    except InputError as exc:
        message = exc.message
        for there, here in ((sidecar_of(actual), sidecar_of(task.path)), (actual, task.path)):
            message = message.replace(str(there), str(here))
        raise InputError(message) from None
    return data, sidecar


def _inputs(task: Task, chunks: Sequence[bytes], read: Any) -> tuple[bytes, bytes | None]:
    if task.read_from is not None:
        return _read_shared(task, read)
    if task.data is not None:
        return task.data, task.sidecar
    return b"".join(chunks), task.sidecar


def prepare_task(task: Task, chunks: Sequence[bytes], minter: Minter, expected: tuple[str, ...],
                 chosen: dict[str, str]) -> Parcel | Failed | Mismatch:
    """Runs on a worker: :func:`prepare` of one source, packed for the trip back."""
    if fingerprint() != expected:
        return Mismatch(_worker_address(), fingerprint())
    try:
        with applied(chosen):
            data, sidecar = _inputs(task, chunks, read_input)
            return Parcel.pack(prepare(task.path, task.name, minter, data, sidecar))
    except KgError as exc:
        return Failed(exc)
    except UNFORESEEN as exc:
        return Failed(unforeseen(task.path, exc))


def extract_task(task: Task, chunks: Sequence[bytes], expected: tuple[str, ...], chosen: dict[str, str],
                 ) -> tuple[dict[str, Any], list[str]] | Failed | Mismatch:
    """Runs on a worker: what ``kg extract`` makes of one article (its case document, its warnings)."""
    from kg.extract.casewriter import article_case
    from kg.extract.run import extract_text
    from kg.ingest.article import read_article

    if fingerprint() != expected:
        return Mismatch(_worker_address(), fingerprint())
    try:
        with applied(chosen):
            data, sidecar = _inputs(task, chunks, article_bytes)
            article = read_article(task.path, data, sidecar)
            return article_case(article, extract_text(article.text, article.meta, article.analysis))
    except KgError as exc:
        return Failed(exc)


def opened(value: Parcel | Failed | Mismatch | Any) -> Any:
    """What a task returned, as the job's result (raising its error)."""
    if isinstance(value, Failed):
        raise value.error
    if isinstance(value, Mismatch):
        raise ClusterError(f"the Dask worker {value.worker} runs {', '.join(value.versions)}; this machine runs "
                           f"{', '.join(fingerprint())}: install the same versions on every worker")
    return value


class Submitter:
    """Sends jobs to the cluster as tasks: reads each file here (or lets the workers read it)."""

    def __init__(self, client: Client, shared_path: bool) -> None:
        self.client, self.shared_path = client, shared_path
        self.build = uuid.uuid4().hex[:12]  # keys of concurrent builds on one cluster never meet
        self.sent = 0
        self.settings = settings()

    def submit(self, function: Any, index: int, path: Path, name: str, read: Any, *arguments: Any,
               admitted: Admitted | None = None) -> Future[Any]:
        """``read(path, admitted)`` gives the file's bytes and its sidecar's, here or on the worker."""
        chunks: list[Future[bytes]] = []
        if self.shared_path:  # the worker sees another device number: it checks the folder, not the inode
            rule = Admitted(admitted.root, admitted.follow, link=True) if admitted is not None else None
            task = Task(path, name, read_from=os.path.abspath(path), admitted=rule)
        else:
            try:
                data, sidecar = read(path, admitted)
            except UNFORESEEN as exc:
                raise unforeseen(path, exc) from None
            if len(data) <= INLINE_BYTES:
                task = Task(path, name, data=data, sidecar=sidecar)
            else:
                pieces = [data[at:at + CHUNK_BYTES] for at in range(0, len(data), CHUNK_BYTES)]
                chunks = self.client.scatter(pieces, hash=False)
                task = Task(path, name, sidecar=sidecar)
        self.sent += 1  # a job sent again gets a new key
        return self.client.submit(function, task, chunks, *arguments, fingerprint(), self.settings, pure=False,
                                  priority=-index,
                                  key=f"kg-{function.__name__}-{self.build}-{self.sent}-{name}")


class DaskPreparer:
    """The pipeline's Preparing for ``jobs``, prepared on the cluster (see kg.build.parallel)."""

    def __init__(self, client: Client, shared_path: bool, jobs: Sequence[tuple[Path, str]], minter: Minter,
                 spill_dir: Path | None, admitted: Mapping[Path, Admitted]) -> None:
        submitter = Submitter(client, shared_path)
        self.spill_dir, self.position = spill_dir, 0

        def start(index: int) -> Future[Any]:
            path, name = jobs[index]
            return submitter.submit(prepare_task, index, path, name, read_input, minter, admitted=admitted.get(path))

        self.stream = TaskStream(client, len(jobs), start, self._finish, lambda index: jobs[index][0])

    def _finish(self, index: int, value: Any) -> PreparedSource:
        parcel: Parcel = opened(value)
        return parcel.unpack(self.spill_dir)

    def next(self) -> PreparedSource:
        self.position += 1
        prepared: PreparedSource = self.stream.result(self.position - 1)
        return prepared

    def close(self) -> None:
        self.stream.close()


class DaskExecutor:
    """An Executor (kg.build.parallel) that prepares on the cluster ``client`` is connected to."""

    def __init__(self, client: Client, shared_path: bool = False) -> None:
        self.client, self.shared_path = client, shared_path

    def __call__(self, jobs: Sequence[tuple[Path, str]], minter: Minter, spill_dir: Path | None,
                 admitted: Mapping[Path, Admitted]) -> DaskPreparer:
        return DaskPreparer(self.client, self.shared_path, jobs, minter, spill_dir, admitted)


def extract_stream(client: Client, paths: Sequence[Path], shared_path: bool = False,
                   admitted: Mapping[Path, Admitted] | None = None) -> TaskStream:
    """``kg extract`` on the cluster: ``result(i)`` is article i's (case document, warnings)."""
    submitter = Submitter(client, shared_path)
    rules = admitted or {}

    def start(index: int) -> Future[Any]:
        return submitter.submit(extract_task, index, paths[index], paths[index].name, article_bytes,
                                admitted=rules.get(paths[index]))

    return TaskStream(client, len(paths), start, lambda _, value: opened(value), lambda index: paths[index])
