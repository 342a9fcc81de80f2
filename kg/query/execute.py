"""What a query worker does: open the store the safe way, run one request, reply with bytes.

Readers never open the live store (a writer may be changing it): a reading worker opens the current
read snapshot (:mod:`kg.store.snapshot`), holds it, and before each query checks (one ``readlink``) whether
a writer has published a newer one since; if so it reopens. The writing worker publishes a snapshot
after each successful update, so the next query anywhere sees it.

Results travel as bytes, not pickled term objects: a SELECT is serialized by pyoxigraph (in Rust) as
SPARQL TSV, cut at the row cap while it is written, and parsed back by the caller; when the caller
names a result format (the endpoint), the worker sends the finished document instead.
"""

from __future__ import annotations

import contextlib
import os
from functools import lru_cache
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, cast

import pyoxigraph as ox

from kg import vocab
from kg.errors import StoreError
from kg.query import dataset
from kg.query.messages import Answer, Boolean, Document, Reply, Request, Rows, StoreSpec, Triples, Updated
from kg.store.location import Location, require_store
from kg.store.snapshot import CURRENT, Snapshot, acquire_current, publish, snapshot_dir

if TYPE_CHECKING:
    from kg.store.remote import RemoteBackend

_TSV = ox.QueryResultsFormat.TSV
_PARSER = ox.Store()  # empty: a query "run" on it is parsed (and answers at once)
RESULT_FORMATS = {"json": ox.QueryResultsFormat.JSON, "xml": ox.QueryResultsFormat.XML,
                  "csv": ox.QueryResultsFormat.CSV, "tsv": _TSV}


class SnapshotReader:
    """The store's current read snapshot, open read-only and held; reopened when a newer one appears."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._link = snapshot_dir(path) / CURRENT
        self._ident: str | None = None
        self._held: Snapshot | None = None
        self._store: ox.Store | None = None
        self.union = False  # the snapshot predates the merged default graph: read the union of its graphs

    def store(self) -> ox.Store:
        try:
            ident: str | None = os.readlink(self._link)
        except OSError:
            ident = None
        if self._store is None or ident != self._ident:
            self._reopen()
        assert self._store is not None
        return self._store

    def _reopen(self) -> None:
        from kg.store.kgstore import KgStore
        from kg.store.merge import holds_merge

        snapshot = acquire_current(self.path)
        if snapshot is None:  # a store written before snapshots existed: publish its first one
            KgStore.open_read_only(self.path).close()
            snapshot = acquire_current(self.path)
            if snapshot is None:
                raise StoreError(f"{self.path}: no read snapshot could be published")
        try:
            store = ox.Store.read_only(str(snapshot.path))
            merged = holds_merge(store)
            if not merged:  # written before kg kept the merge: a writer adds it, if none holds the store now
                del store
                snapshot.release()
                KgStore.open_read_only(self.path).close()
                snapshot = acquire_current(self.path)
                if snapshot is None:
                    raise StoreError(f"{self.path}: no read snapshot could be published")
                store = ox.Store.read_only(str(snapshot.path))
                merged = holds_merge(store)
        except BaseException:
            if snapshot is not None:
                snapshot.release()
            raise
        self.close()  # the old handle goes before its snapshot's lock, so a writer may then prune it
        self._store, self._held, self._ident, self.union = store, snapshot, snapshot.path.name, not merged

    def close(self) -> None:
        self._store = None
        if self._held is not None:
            self._held.release()
            self._held = None


class _Writer:
    """The store open for writing (holding its lock); each successful update publishes a read snapshot."""

    def __init__(self, path: Path) -> None:
        from kg.store import KgStore  # the writer takes the store's lock in this process

        self.path = path
        self.opened = KgStore.open(path)
        if self.opened.ox is None:
            self.opened.close()
            raise StoreError(f"{path}: not a local store; updates here need one")
        self.store: ox.Store = self.opened.ox

    def update(self, text: str) -> None:
        self.store.update(text, prefixes=vocab.PREFIXES)
        self.opened.rebuild_merge()  # the update may have changed any source graph
        self.store.flush()
        publish(self.store, self.path)

    def close(self) -> None:
        self.opened.close()


def open_store(spec: StoreSpec) -> ox.Store | SnapshotReader | _Writer | RemoteBackend:
    if spec.memory is not None:
        return spec.memory
    if spec.quads is not None:  # a spawned worker's copy of an in-memory store
        copy = ox.Store()
        copy.load(spec.quads, ox.RdfFormat.N_QUADS)
        return copy
    if spec.remote is not None:
        if spec.writable:
            raise StoreError(f"{spec.remote.label}: a remote store takes updates at its own endpoint")
        from kg.store.merge import check_default_graph
        from kg.store.remote import RemoteBackend

        backend = RemoteBackend(spec.remote)
        try:
            check_default_graph(backend, spec.remote.label)
        except BaseException:
            backend.close()
            raise
        return backend
    assert spec.path is not None
    if spec.writable:
        return _Writer(spec.path)
    require_store(Location("disk", spec.path))
    reader = SnapshotReader(spec.path)
    reader.store()
    return reader


class _RowsFull(Exception):
    """Raised from the sink to stop pyoxigraph's serializer once the row cap is passed."""


class _CappedTsv:
    """A binary sink for a SPARQL TSV result that keeps the header and at most ``max_rows`` rows."""

    def __init__(self, max_rows: int) -> None:
        self.parts: list[bytes] = []
        self.lines = 0
        self.limit = max_rows + 1  # the header line, then one line per row

    def write(self, data: bytes) -> int:
        chunk = bytes(data)
        self.parts.append(chunk)
        self.lines += chunk.count(b"\n")
        if self.lines > self.limit:
            raise _RowsFull
        return len(chunk)

    def flush(self) -> None:
        pass

    def value(self) -> tuple[bytes, bool]:
        """The TSV document and whether rows were cut."""
        data = b"".join(self.parts)
        if self.lines <= self.limit:
            return data, False
        end = -1
        for _ in range(self.limit):
            end = data.index(b"\n", end + 1)
        return data[: end + 1], True


def _select(solutions: ox.QuerySolutions, max_rows: int) -> tuple[bytes, bool]:
    sink = _CappedTsv(max_rows)
    with contextlib.suppress(_RowsFull):
        solutions.serialize(cast(IO[bytes], sink), _TSV)
    return sink.value()


def parse_rows(tsv: bytes) -> list[tuple[Any, ...]]:
    """Rows of pyoxigraph terms (None where unbound) from a worker's TSV."""
    solutions = ox.parse_query_results(tsv, _TSV)
    assert isinstance(solutions, ox.QuerySolutions)
    return [tuple(solution) for solution in solutions]


def _document(answer: Answer, fmt: str) -> Document:
    """The finished result document in ``fmt`` for a query's answer."""
    if isinstance(answer, Rows) and fmt in RESULT_FORMATS:
        data = ox.parse_query_results(answer.tsv, _TSV).serialize(format=RESULT_FORMATS[fmt]) or b""
        return Document(data, answer.truncated)
    from kg.query import formats
    from kg.query.runner import Result

    result = Result("ASK" if isinstance(answer, Boolean) else "CONSTRUCT")
    if isinstance(answer, Boolean):
        result.boolean = answer.value
    elif isinstance(answer, Triples):
        result.triples, result.truncated = answer.triples, answer.truncated
    return Document(formats.serialize(result, fmt), result.truncated)


def execute(opened: ox.Store | SnapshotReader | _Writer | RemoteBackend, req: Request) -> Reply:
    if req.update:
        assert isinstance(opened, _Writer), "updates go to the writing worker"
        opened.update(req.text)
        return Updated()
    store = opened.store() if isinstance(opened, SnapshotReader) else (
        opened.store if isinstance(opened, _Writer) else opened)
    reply = _query(store, req, isinstance(opened, SnapshotReader) and opened.union)
    return _document(reply, req.fmt) if req.fmt else reply


@lru_cache(maxsize=1024)
def _prefixes(text: str) -> dict[str, str]:
    """The predeclared prefixes ``text`` may use (each costs the parser time on every query)."""
    return {prefix: iri for prefix, iri in vocab.PREFIXES.items() if f"{prefix}:" in text}


def _query(store: ox.Store | RemoteBackend, req: Request, union: bool = False) -> Answer:
    options: dict[str, Any] = {"prefixes": _prefixes(req.text)}
    if req.substitutions:
        options["substitutions"] = {ox.Variable(name): term for name, term in req.substitutions.items()}
    if union and req.dataset is None:
        options["use_default_graph_as_union"] = True
    if not isinstance(store, ox.Store):  # a server's parser errors would come back in its own words: parse here
        _PARSER.query(req.text, **options)
    result = dataset.run(store, req.text, req.dataset, **options)
    if isinstance(result, ox.QueryBoolean):
        return Boolean(bool(result))
    if isinstance(result, ox.QuerySolutions):
        return Rows([v.value for v in result.variables], *_select(result, req.max_rows))
    rows: list[ox.Triple] = []
    for triple in result:
        if len(rows) == req.max_rows:
            return Triples(rows, True)
        rows.append(triple)
    return Triples(rows, False)


