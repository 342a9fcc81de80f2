"""A kg store: one named graph per source, plus a log graph, over any backend (kg.store.backend).

The embedded backend is a pyoxigraph (RocksDB) dataset on disk; memory and remote SPARQL 1.1
servers (kg.store.remote) work the same way through the same methods.

Writers hold the lock next to the store and, when they close, publish a read snapshot
(``kg.store.snapshot``); readers open that snapshot, never the live store, so they work while a writer
holds the lock and see the state the last finished writer left.

Writing a source is crash-safe: the source is marked
pending in the store's log graph before its graph is touched and unmarked after; a writer that
opens a store with a pending source (an interrupted write) removes that partial graph. Input is
validated completely before any of this starts, so bad input never reaches the store.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Protocol

import pyoxigraph as ox

from kg import sparql, vocab
from kg.errors import DiskFullError, InputError, StoreError, StoreLockedError
from kg.fsutil import out_of_space, reason
from kg.iris import DEFAULT_BASE, Minter, check_base
from kg.store.backend import Backend, GraphData, LocalBackend, stored_base
from kg.store.location import Location, require_store
from kg.store.lock import WriterLock
from kg.store.merge import MERGE_PENDING, MERGED, MergeQueue, check_default_graph, holds_merge, unmerge_update
from kg.store.remotelock import RemoteLock
from kg.store.snapshot import Snapshot, acquire_current, publish

# Triples written between two flushes of the store: RocksDB holds unflushed writes in memory (about
# 1 KB a triple, all column families), so a writer flushes as it goes and its memory stays flat.
FLUSH_TRIPLES = 50_000


@dataclass(frozen=True)
class SourceInfo:
    name: str
    iri: str
    content_hash: str
    triples: int
    ingested: str | None


class SourceGraph(Protocol):
    """What :meth:`KgStore.write_source` needs of a source: its graph IRI, content and digests.

    The build side (:class:`kg.build.sources.PreparedSource`) provides it; the store does not
    know how a file became triples.
    """

    @property
    def iri(self) -> str: ...

    @property
    def content_hash(self) -> str: ...

    @property
    def resolution_digest(self) -> str | None: ...

    @property
    def sink(self) -> GraphData: ...


def _nn(iri: str) -> ox.NamedNode:
    return ox.NamedNode(iri)


class KgStore:
    """A kg store. Use :meth:`open` (writer), :meth:`open_read_only` or :meth:`at`; close when done."""

    def __init__(self, backend: Backend, location: Location, minter: Minter, lock: WriterLock | RemoteLock | None,
                 writable: bool = True) -> None:
        self.backend = backend
        # the pyoxigraph store of an embedded (disk or memory) backend
        self.ox: ox.Store | None = backend.store if isinstance(backend, LocalBackend) else None
        self.location = location
        self.path = location.path if location.kind == "disk" else None
        self.minter = minter
        self._lock = lock
        self._writable = writable
        self.log_graph = _nn(minter.log_graph())
        self.recovered: list[str] = []
        self._snapshot: Snapshot | None = None
        # sources written but not yet in the default graph (kg.store.merge); False: a store written
        # before kg kept the merge, read here as the union of its graphs until a writer opens it
        self._merge = MergeQueue(keep_text=isinstance(backend, LocalBackend))
        self.merged = True
        self._unflushed = 0  # triples written since the last flush

    # -- opening --------------------------------------------------------------------------------
    @classmethod
    def at(cls, location: Location, base: str | None = None, writable: bool = True) -> KgStore:
        """Open whatever ``location`` names: a folder (as :meth:`open` or :meth:`open_read_only`),
        memory, or a remote SPARQL 1.1 store."""
        if location.kind == "disk":
            assert location.path is not None
            return cls.open(location.path, base) if writable else cls.open_read_only(location.path, base)
        if location.kind == "memory":
            return cls.in_memory(base or DEFAULT_BASE)
        from kg.store.remote import RemoteBackend

        assert location.remote is not None
        backend = RemoteBackend(location.remote)
        kg_store = None
        try:
            minter = Minter(stored_base(backend) or base or DEFAULT_BASE)
            lock = None
            if writable:
                lock = RemoteLock(backend, _nn(minter.log_graph()), location.remote.label)
                lock.acquire()
            kg_store = cls(backend, location, minter, lock, writable)
            if writable:
                kg_store._start_writing(base)
            check_default_graph(backend, location.remote.label)
        except BaseException:
            if kg_store is not None:
                kg_store.close()
            backend.close()
            raise
        return kg_store

    @classmethod
    def open(cls, path: Path, base: str | None = None) -> KgStore:
        """Open (creating if needed) for writing. Raises StoreLockedError if another writer has it."""
        lock = WriterLock(path)
        lock.acquire()
        try:
            store = ox.Store(str(path))
        except (OSError, RuntimeError) as exc:  # RocksDB reports corruption as RuntimeError
            lock.release()
            error = DiskFullError if out_of_space(exc) else StoreError
            raise error(f"{path}: cannot open store ({str(exc).splitlines()[0]})") from None
        try:
            backend = LocalBackend(store)
            kg_store = cls(backend, Location("disk", path), Minter(stored_base(backend) or base or DEFAULT_BASE),
                           lock)
            with kg_store._out_of_space("opening it"):
                kg_store._start_writing(base)
        except BaseException:
            del store
            lock.release()
            raise
        return kg_store

    @classmethod
    def open_read_only(cls, path: Path, base: str | None = None) -> KgStore:
        """Open the store's current read snapshot; works while a writer holds the store.

        A store written before snapshots existed, or whose first writer failed, gets its first one
        here from a writer (which rolls back what was cut short), unless a writer holds it (then
        StoreLockedError: that writer publishes one when it finishes). One written before kg
        kept the merged default graph gets it here (a writer opens it once), unless a writer holds
        it: then it is read as the union of its graphs until that writer has finished.
        """
        opened = cls._open_snapshot(path, base)
        if opened.merged:
            return opened
        opened.close()
        with contextlib.suppress(StoreLockedError):
            cls.open(path, base).close()  # the writer adds the merge and publishes a snapshot with it
        return cls._open_snapshot(path, base)

    @classmethod
    def _open_snapshot(cls, path: Path, base: str | None) -> KgStore:
        require_store(Location("disk", path))
        snapshot = acquire_current(path)
        if snapshot is None:  # written before snapshots existed, or its first writer failed: a writer
            cls.open(path, base).close()  # rolls back what was cut short, then publishes the first one
            snapshot = acquire_current(path)
            if snapshot is None:
                raise StoreError(f"{path}: no read snapshot could be published")
        try:
            store = ox.Store.read_only(str(snapshot.path))
        except (OSError, RuntimeError) as exc:
            snapshot.release()
            raise StoreError(f"{path}: cannot open store ({str(exc).splitlines()[0]})") from None
        backend = LocalBackend(store)
        opened = cls(backend, Location("disk", path), Minter(stored_base(backend) or base or DEFAULT_BASE), None,
                     writable=False)
        opened._snapshot = snapshot
        opened.merged = holds_merge(store)
        return opened

    @classmethod
    def in_memory(cls, base: str = DEFAULT_BASE) -> KgStore:
        opened = cls(LocalBackend(ox.Store()), Location("memory"), Minter(base), None)
        opened._start_writing(None)  # the base is recorded like on disk, so queries can read it
        return opened

    def close(self, publish_snapshot: bool = True) -> None:
        """Writers flush and publish a read snapshot, then unlock; readers release their snapshot.

        A writer whose command failed (``publish_snapshot`` false: the ``with`` block raised) publishes
        nothing, so readers keep seeing the store as the last command that finished left it; what it
        wrote stays in the store, each source whole or marked pending for the next writer to undo.
        """
        try:
            if self._lock is not None:
                try:
                    if publish_snapshot:
                        self.publish()
                    else:
                        with contextlib.suppress(OSError, RuntimeError):  # already failing: keep that error
                            self.backend.flush()
                finally:
                    self._lock.release()
                    self._lock = None
            if self._snapshot is not None:
                self._snapshot.release()
                self._snapshot = None
        finally:
            self.backend.close()
            if self.path is not None and isinstance(self.backend, LocalBackend):
                self.ox = None  # a failed command's traceback must not keep the store open in this process
                self.backend.release()

    def publish(self) -> None:
        """A writer on disk: flush and publish a read snapshot now (as closing does), so readers in
        other processes (query workers included) see what it wrote so far, with the sources written
        so far in the default graph (:meth:`settle`). Nothing to do elsewhere."""
        if self._lock is not None:
            with self._out_of_space("flushing it"):
                self.settle()
                self.backend.flush()
            if self.path is not None and self.ox is not None:
                publish(self.ox, self.path)

    def __enter__(self) -> KgStore:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close(publish_snapshot=exc is None)

    @contextlib.contextmanager
    def _out_of_space(self, doing: str) -> Iterator[None]:
        """A write that fails for lack of space is one line (a DiskFullError), whatever layer said it."""
        try:
            yield
        except (OSError, RuntimeError) as exc:
            if not out_of_space(exc):
                raise
            raise DiskFullError(f"{self.location}: the store ran out of space ({reason(exc)}) while {doing}") from None

    def _check_base(self, requested: str | None) -> None:
        stored = stored_base(self.backend)
        if stored is None:
            self.backend.add([ox.Quad(self.log_graph, _nn(vocab.BASE_IRI), ox.Literal(self.minter.base),
                                      self.log_graph)])
        elif requested is not None and check_base(requested) != stored:
            raise InputError(f"base IRI {requested!r} differs from the store's {stored!r}; "
                             "use a new store for a different base")

    def _start_writing(self, base: str | None) -> None:
        self._check_base(base)
        self._recover()

    def _recover(self) -> None:
        """Roll back sources whose write (or retraction) was interrupted.

        The partial graph is removed with its log entries, so the store holds every other source
        intact and this one not at all; ``recovered`` lists the graphs for the caller to report
        (the source must be ingested again). Staging graphs a remote write left behind go too.
        """
        pending = list(self.backend.quads(None, _nn(vocab.PENDING), None, self.log_graph))
        for quad in pending:
            graph = quad.subject
            if not isinstance(graph, ox.NamedNode):
                self.backend.remove([quad])
                continue
            self.backend.drop(graph)
            self._forget(graph)
            self.recovered.append(graph.value)
        staging = self.minter.staging_prefix()
        for graph in self.backend.graphs():
            if graph.value.startswith(staging):
                self.backend.drop(graph)
        marks = {q.predicate.value for q in self.backend.quads(self.log_graph, None, None, self.log_graph)}
        if pending or MERGE_PENDING in marks or MERGED not in marks:
            self.rebuild_merge()
        if pending:
            self.backend.flush()

    def _log_mark(self, predicate: str) -> ox.Quad:
        value = _nn(vocab.SOURCE_MERGE) if predicate == MERGED else ox.Literal("true", datatype=_nn(vocab.XSD_BOOLEAN))
        return ox.Quad(self.log_graph, _nn(predicate), value, self.log_graph)

    # -- the merged default graph (kg.store.merge) ----------------------------------------------
    def rebuild_merge(self) -> None:
        """Make the default graph the merge of the source graphs from scratch (after an interrupted
        write, an update that may have changed any graph, or for a store written before the merge)."""
        self._merge.clear()
        self.backend.merge_rebuild(self.source_graphs())
        self.backend.remove([self._log_mark(MERGE_PENDING)])
        self.backend.add([self._log_mark(MERGED)])

    def settle(self) -> None:
        """Bring the default graph up to date with the sources written so far (one load for all)."""
        if not self._merge:
            return
        self.backend.merge_in(self._merge)
        self._merge.clear()
        self.backend.remove([self._log_mark(MERGE_PENDING)])

    def _queue_merge(self, graph: ox.NamedNode, data: GraphData) -> None:
        if not self._merge:
            self.backend.add([self._log_mark(MERGE_PENDING)])  # a writer that dies now leaves this mark
        self._merge.add(graph.value, data)

    def _unmerge(self, graph: ox.NamedNode) -> None:
        """Before ``graph`` changes: what only it states leaves the default graph."""
        self._merge.drop(graph.value)
        self.backend.update(unmerge_update(graph, self.log_graph, self.minter.staging_prefix()))

    def _pending_quad(self, graph: ox.NamedNode) -> ox.Quad:
        return ox.Quad(graph, _nn(vocab.PENDING), ox.Literal("true", datatype=_nn(vocab.XSD_BOOLEAN)),
                       self.log_graph)

    # -- sources --------------------------------------------------------------------------------
    def sources(self) -> list[SourceInfo]:
        query = """
            SELECT ?src ?name ?hash ?n ?when WHERE {
              GRAPH ?src { ?src a kg:Source ; kg:fileName ?name ; kg:contentHash ?hash ; kg:tripleCount ?n }
              OPTIONAL { GRAPH ?log { ?src prov:startedAtTime ?when } FILTER(?log = ?logGraph) }
            } ORDER BY ?name"""
        out = []
        for row in self.select(query, {"logGraph": self.log_graph}):
            when = row["when"]
            out.append(SourceInfo(str(row["name"].value), row["src"].value, str(row["hash"].value),
                                  int(row["n"].value), when.value if when is not None else None))
        return out

    def find_source(self, name_or_iri: str) -> SourceInfo:
        known = self.sources()
        for info in known:
            if name_or_iri in (info.name, info.iri):
                return info
        by_file = [i for i in known if Path(i.name).name == name_or_iri or i.name.endswith("/" + name_or_iri)]
        if len(by_file) == 1:
            return by_file[0]
        if by_file:
            raise InputError(f"source {name_or_iri!r} is ambiguous: {', '.join(i.name for i in by_file)}")
        names = ", ".join(i.name for i in known[:10]) or "none"
        raise InputError(f"no source named {name_or_iri!r} in the store (sources: {names})")

    def stored_hash(self, iri: str, predicate: str = vocab.CONTENT_HASH, graph: str | None = None) -> str | None:
        for quad in self.backend.quads(_nn(iri), _nn(predicate), None, _nn(graph or iri)):
            return _text(quad.object)
        return None

    def _check_writable(self) -> None:
        if not self._writable or (self._lock is None and self.path is not None):
            raise StoreError("store is open read-only")

    def write_source(self, source: SourceGraph) -> str:
        """Add or replace one source graph. Returns 'added', 'replaced' or 'unchanged'."""
        with self._out_of_space(f"writing {source.iri}"):
            return self._write_source(source)

    def _write_source(self, source: SourceGraph) -> str:
        self._check_writable()
        old_hash = self.stored_hash(source.iri)
        if old_hash == source.content_hash and \
                self.stored_hash(source.iri, vocab.RESOLUTION_DIGEST, self.log_graph.value) == source.resolution_digest:
            return "unchanged"
        graph = _nn(source.iri)
        started = _now()
        # a remote backend stages the new graph first: failing there leaves the old source untouched
        staged = self.backend.stage(source.sink, _nn(self.minter.staging_graph(source.iri)))
        self.backend.add([self._pending_quad(graph)])
        if old_hash is not None:
            self._forget(graph, keep_pending=True)
            self._unmerge(graph)
        self.backend.swap(staged, graph)
        self._queue_merge(graph, source.sink)
        log, stamp = self.log_graph, _nn(vocab.XSD_DATETIME)
        self.backend.remove([self._pending_quad(graph)])
        finished = [ox.Quad(graph, _nn(vocab.STARTED_AT), ox.Literal(started, datatype=stamp), log),
                    ox.Quad(graph, _nn(vocab.ENDED_AT), ox.Literal(_now(), datatype=stamp), log)]
        if source.resolution_digest:  # bookkeeping, like the ingest times: kept out of the exported graph
            finished.append(ox.Quad(graph, _nn(vocab.RESOLUTION_DIGEST), ox.Literal(source.resolution_digest), log))
        self.backend.add(finished)
        self._unflushed += len(source.sink)
        if self._unflushed >= FLUSH_TRIPLES:  # RocksDB keeps what it has not flushed in memory: a build
            self.backend.flush()  # of many sources would otherwise grow by ~1 KB a triple written
            self._unflushed = 0
        return "added" if old_hash is None else "replaced"

    def _forget(self, graph: ox.NamedNode, keep_pending: bool = False) -> None:
        entries = [q for q in self.backend.quads(graph, None, None, self.log_graph)
                   if not (keep_pending and q.predicate.value == vocab.PENDING)]
        self.backend.remove(entries)

    def retract(self, name_or_iri: str) -> SourceInfo:
        """Remove everything one source contributed (its graph and its log entries)."""
        with self._out_of_space(f"retracting {name_or_iri}"):
            return self._retract(name_or_iri)

    def _retract(self, name_or_iri: str) -> SourceInfo:
        self._check_writable()
        info = self.find_source(name_or_iri)
        graph = _nn(info.iri)
        self.backend.add([self._pending_quad(graph)])  # a retraction cut short is finished by the next writer
        self._unmerge(graph)
        self.backend.drop(graph)
        self._forget(graph)
        return info

    # -- reading --------------------------------------------------------------------------------
    def source_graphs(self) -> list[ox.NamedNode]:
        graphs = [g for g in self.backend.graphs() if g != self.log_graph]
        return sorted(graphs, key=lambda g: g.value)

    def quads(self, include_log: bool = False) -> Iterator[ox.Quad]:
        """Every quad of the named graphs (the default graph is derived from them)."""
        self.settle()
        for quad in self.backend.quads():
            if include_log or quad.graph_name != self.log_graph:
                yield quad

    def select(self, query: str, bindings: dict[str, sparql.Term] | None = None) -> ox.QuerySolutions:
        """A kg-written SELECT; its default graph is the merge of the source graphs.

        ``bindings`` become a VALUES block at the top of the first WHERE group (:func:`kg.sparql.bind`:
        written from term objects, never from pasted text; pyoxigraph's substitutions only accept
        projected variables).
        """
        if bindings:
            query = sparql.bind(query, bindings)
        self.settle()
        union = {} if self.merged else {"use_default_graph_as_union": True}  # a store kg has not merged yet
        result = self.backend.query(query, prefixes=vocab.PREFIXES, **union)
        assert isinstance(result, ox.QuerySolutions)
        return result


def _text(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple) -> str:
    return str(term) if isinstance(term, ox.Triple) else term.value


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
