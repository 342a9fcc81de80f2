"""The one small interface every store backend implements, and the embedded (Oxigraph) backend.

:class:`kg.store.KgStore` holds kg's rules (one named graph per source, the log graph, pending
marks, base IRI); a backend only stores quads. Two implement it: :class:`LocalBackend` (a pyoxigraph
store on disk or in memory) and :class:`kg.store.remote.RemoteBackend` (a SPARQL 1.1 server over HTTP).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import pyoxigraph as ox

from kg import vocab
from kg.store.merge import MergeQueue
from kg.store.nt import SpilledSink

# Sources up to this many triples are written in one transaction; larger ones are bulk loaded
# (about 3x faster from a few thousand triples on; the pending mark makes both crash-safe).
TRANSACTION_LIMIT = 4_000

Subject = ox.NamedNode | ox.BlankNode | ox.Triple
Object = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple
QueryAnswer = ox.QuerySolutions | ox.QueryBoolean | Iterable[ox.Triple]


class GraphData(Protocol):
    """One source's triples as N-Triples/N-Quads text (kg.store.nt's sinks)."""

    def __len__(self) -> int: ...

    def ntriples(self) -> str: ...

    def nquads(self, graph: str) -> str: ...


@dataclass(frozen=True)
class Staged:
    """A graph's new content, ready to be swapped in: still in hand, or already in a staging graph."""

    sink: GraphData
    staging: ox.NamedNode


class Backend(Protocol):
    """Quads in named graphs, SPARQL over them, and a way to replace one graph whole."""

    def quads(self, subject: Subject | None = None, predicate: ox.NamedNode | None = None,
              obj: Object | None = None, graph: ox.NamedNode | None = None) -> Iterator[ox.Quad]:
        """Quads matching the pattern (None matches anything), from named graphs."""
        ...

    def graphs(self) -> list[ox.NamedNode]:
        """The named graphs that hold at least one quad."""
        ...

    def add(self, quads: Sequence[ox.Quad]) -> None: ...

    def remove(self, quads: Sequence[ox.Quad]) -> None: ...

    def drop(self, graph: ox.NamedNode) -> None:
        """Remove the graph and everything in it (nothing happens if it does not exist)."""
        ...

    def stage(self, sink: GraphData, staging: ox.NamedNode) -> Staged:
        """First step of replacing a graph: a backend that cannot write a graph in one step fills
        ``staging`` here (a failure leaves only that graph, which the next writer removes)."""
        ...

    def swap(self, staged: Staged, graph: ox.NamedNode) -> None:
        """Second step: ``graph`` now holds exactly the staged triples."""
        ...

    def merge_in(self, queue: MergeQueue) -> None:
        """Add the queued sources' triples to the default graph (kg.store.merge)."""
        ...

    def merge_rebuild(self, sources: list[ox.NamedNode]) -> None:
        """Make the default graph exactly the merge of ``sources``."""
        ...

    def query(self, text: str, **options: Any) -> QueryAnswer:
        """SPARQL with pyoxigraph's options (prefixes, use_default_graph_as_union, default_graph,
        named_graphs, substitutions)."""
        ...

    def update(self, text: str, **options: Any) -> None: ...

    def flush(self) -> None: ...

    def close(self) -> None: ...


class LocalBackend:
    """A pyoxigraph store: on disk (RocksDB) or in memory."""

    def __init__(self, store: ox.Store) -> None:
        self.store = store

    def quads(self, subject: Subject | None = None, predicate: ox.NamedNode | None = None,
              obj: Object | None = None, graph: ox.NamedNode | None = None) -> Iterator[ox.Quad]:
        for quad in self.store.quads_for_pattern(subject, predicate, obj, graph):
            if graph is not None or isinstance(quad.graph_name, ox.NamedNode):
                yield quad

    def graphs(self) -> list[ox.NamedNode]:
        return [g for g in self.store.named_graphs() if isinstance(g, ox.NamedNode)]

    def add(self, quads: Sequence[ox.Quad]) -> None:
        self.store.extend(quads)

    def remove(self, quads: Sequence[ox.Quad]) -> None:
        for quad in quads:
            self.store.remove(quad)

    def drop(self, graph: ox.NamedNode) -> None:
        self.store.remove_graph(graph)

    def stage(self, sink: GraphData, staging: ox.NamedNode) -> Staged:
        # RocksDB writes are local and the caller's pending mark covers a crash: nothing to stage.
        return Staged(sink, staging)

    def swap(self, staged: Staged, graph: ox.NamedNode) -> None:
        sink = staged.sink
        if next(iter(self.store.quads_for_pattern(None, None, None, graph)), None) is not None:
            self.store.remove_graph(graph)
        load = self.store.load if len(sink) <= TRANSACTION_LIMIT else self.store.bulk_load
        if isinstance(sink, SpilledSink):  # straight from the file: the source is never whole in memory
            load(path=str(sink.path), format=ox.RdfFormat.N_TRIPLES, to_graph=graph)
        else:
            load(sink.nquads(graph.value).encode("utf-8"), ox.RdfFormat.N_QUADS)

    def merge_in(self, queue: MergeQueue) -> None:
        load = self.store.load if queue.triples <= TRANSACTION_LIMIT else self.store.bulk_load
        load(queue.text(), ox.RdfFormat.N_TRIPLES, to_graph=ox.DefaultGraph())

    def merge_rebuild(self, sources: list[ox.NamedNode]) -> None:
        self.store.clear_graph(ox.DefaultGraph())
        queue = MergeQueue(keep_text=True)
        try:
            for graph in sources:  # dumped by pyoxigraph (Rust), read back in one load
                queue.add(graph.value, self.store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=graph) or b"")
            if queue:
                self.merge_in(queue)
        finally:
            queue.clear()

    def query(self, text: str, **options: Any) -> QueryAnswer:
        return self.store.query(text, **options)

    def update(self, text: str, **options: Any) -> None:
        self.store.update(text, **options)

    def flush(self) -> None:
        self.store.flush()

    def close(self) -> None:
        """Nothing to release: the handle goes with the object."""

    def release(self) -> None:
        """Let go of the handle now (a store on disk: RocksDB's lock goes with it), even while
        something (a traceback) still holds this object; nothing may use it after this."""
        vars(self).pop("store", None)


def stored_base(backend: Backend) -> str | None:
    """The base IRI a store records in its log graph (None for a new store)."""
    for quad in backend.quads(None, ox.NamedNode(vocab.BASE_IRI), None, None):
        return quad.object.value if not isinstance(quad.object, ox.Triple) else str(quad.object)
    return None
