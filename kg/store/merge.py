"""The store's default graph is the RDF merge of its source graphs, kept up to date on every write.

SPARQL 1.1 defines the default graph of a dataset built from several graphs as their RDF merge: a
set, so a triple three sources state is there once. pyoxigraph 0.5 evaluates a union default graph
(and ``FROM a FROM b``, and ``default_graph=[a, b]``) by running each pattern on every graph and
concatenating, so that triple is counted three times (oxigraph issue 1919, fixed only after 0.5).
kg therefore keeps the merge itself, in the store's real default graph, and runs queries on that:
the engine then sees one set of triples and every count is the spec's. The same holds on a remote
server: its default graph is written by kg the same way, and queries name no dataset.

What the default graph holds, after :meth:`MergeQueue` has been loaded: exactly the set union of the
source graphs (every named graph but the log graph and staging graphs). How it is kept:

- a source written is *queued*: its N-Triples go to a spill file (an embedded store) or its graph
  name to a list (a server copies the graph itself); before the next read through the store and when
  the writer closes, the queue goes into the default graph in one load, so a build of many sources
  pays one bulk load, not one per source;
- before a source's graph is replaced or removed, the triples that only it states leave the default
  graph (:func:`unmerge`: one SPARQL update, in proportion to the source); a queued entry for that
  graph is dropped. Between writes the default graph plus the queue is the union, and the default
  graph never holds a triple no source states;
- two marks in the log graph: :data:`MERGED` says the store keeps the merge (a store written before
  this gets it from its first writer), :data:`MERGE_PENDING` is set while the queue is not empty, so a
  writer that dies before loading it leaves a mark and the next writer rebuilds the merge.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING, Protocol, cast

import pyoxigraph as ox

from kg import vocab
from kg.errors import StoreError

if TYPE_CHECKING:
    from kg.store.backend import Backend

MERGED = vocab.DEFAULT_GRAPH_HOLDS  # <log> kg:defaultGraphHolds kg:SourceMerge
MERGE_PENDING = vocab.MERGE_PENDING


class GraphText(Protocol):
    """A source's triples: a sink of kg.store.nt (in memory or spilled to a file)."""

    def __len__(self) -> int: ...

    def ntriples(self) -> str: ...


@dataclass
class _Segment:
    graph: str
    start: int
    end: int
    triples: int
    live: bool = True


class MergeQueue:
    """Sources written but not yet in the default graph, with their N-Triples when ``keep_text``."""

    def __init__(self, keep_text: bool) -> None:
        self.keep_text = keep_text
        self._segments: list[_Segment] = []
        self._file: IO[bytes] | None = None

    def __bool__(self) -> bool:
        return any(s.live for s in self._segments)

    @property
    def graphs(self) -> list[str]:
        return sorted({s.graph for s in self._segments if s.live})

    @property
    def triples(self) -> int:
        return sum(s.triples for s in self._segments if s.live)

    def add(self, graph: str, data: GraphText | bytes) -> None:
        """Queue ``graph`` with its content (a sink, or N-Triples bytes)."""
        self.drop(graph)
        if not self.keep_text:
            self._segments.append(_Segment(graph, 0, 0, data.count(b"\n") if isinstance(data, bytes) else len(data)))
            return
        if self._file is None:
            self._file = tempfile.TemporaryFile(prefix="kg-merge-")  # noqa: SIM115 (closed in clear())
        out = self._file
        out.seek(0, os.SEEK_END)
        start = out.tell()
        path = getattr(data, "path", None)
        if isinstance(data, bytes):
            out.write(data)
            count = data.count(b"\n")
        elif isinstance(path, Path):  # a spilled source: copied from its file, never whole in memory
            with path.open("rb") as handle:
                shutil.copyfileobj(handle, out, 1 << 20)
            count = len(data)
        else:
            out.write(data.ntriples().encode("utf-8"))
            count = len(data)
        self._segments.append(_Segment(graph, start, out.tell(), count))

    def drop(self, graph: str) -> None:
        """Forget a queued graph (its content changes before it reached the default graph)."""
        for segment in self._segments:
            if segment.graph == graph:
                segment.live = False

    def text(self) -> IO[bytes]:
        """The queued N-Triples as one stream (what a bulk load reads)."""
        return cast(IO[bytes], _Chained(self._file, [(s.start, s.end) for s in self._segments if s.live]))

    def clear(self) -> None:
        self._segments = []
        if self._file is not None:
            self._file.close()
            self._file = None


class _Chained:
    """Byte ranges of one file read one after the other, as a file object pyoxigraph reads."""

    def __init__(self, file: IO[bytes] | None, ranges: list[tuple[int, int]]) -> None:
        self._file = file
        self._ranges: Iterator[tuple[int, int]] = iter(ranges)
        self._left = 0

    def read(self, size: int = -1) -> bytes:
        if self._file is None:
            return b""
        size = size if size is not None and size >= 0 else 1 << 24
        while self._left == 0:
            nxt = next(self._ranges, None)
            if nxt is None:
                return b""
            self._file.seek(nxt[0])
            self._left = nxt[1] - nxt[0]
        chunk = self._file.read(min(size, self._left))
        self._left -= len(chunk)
        return chunk


def _not_a_source(var: str, log: ox.NamedNode, staging_prefix: str, also: Iterable[ox.NamedNode] = ()) -> str:
    excluded = " && ".join(f"{var} != {g}" for g in (log, *also))
    return f"FILTER({excluded} && !STRSTARTS(STR({var}), {ox.Literal(staging_prefix)}))"


def unmerge_update(graph: ox.NamedNode, log: ox.NamedNode, staging_prefix: str) -> str:
    """The update that removes from the default graph what only ``graph`` states among the sources."""
    return (f"DELETE {{ ?s ?p ?o }} WHERE {{ GRAPH {graph} {{ ?s ?p ?o }} FILTER NOT EXISTS {{ "
            f"GRAPH ?other {{ ?s ?p ?o }} {_not_a_source('?other', log, staging_prefix, [graph])} }} }}")


def copy_update(graphs: Iterable[str]) -> str:
    """The update that adds the triples of ``graphs`` to the default graph (run by a server)."""
    values = " ".join(str(ox.NamedNode(g)) for g in graphs)
    return f"INSERT {{ ?s ?p ?o }} WHERE {{ VALUES ?g {{ {values} }} GRAPH ?g {{ ?s ?p ?o }} }}"


def rebuild_update(log: ox.NamedNode, staging_prefix: str) -> str:
    """The update that makes the default graph the merge of the source graphs from scratch."""
    return (f"CLEAR SILENT DEFAULT ; INSERT {{ ?s ?p ?o }} WHERE {{ GRAPH ?g {{ ?s ?p ?o }} "
            f"{_not_a_source('?g', log, staging_prefix)} }}")


# What a reader asks once: does the default graph hold the merge (the log's mark), and does it leak
# log triples (then the server evaluates a union of its graphs, e.g. Oxigraph's --union-default-graph)?
STATE_QUERY = (f"SELECT ?merged ?leak WHERE {{ OPTIONAL {{ GRAPH ?log {{ ?log <{MERGED}> ?merged }} }} "
               f"OPTIONAL {{ ?leaked <{vocab.BASE_IRI}> ?leak }} }} LIMIT 1")


def check_default_graph(backend: Backend, where: str) -> None:
    """A remote store's default graph must hold the merge, and queries must see it (not a union)."""
    answer = backend.query(STATE_QUERY)
    assert isinstance(answer, ox.QuerySolutions)
    merged, leaked = _state(answer)
    if leaked:
        raise StoreError(f"{where}: the server answers queries over the union of its graphs (is it started "
                         "with --union-default-graph?); kg keeps the merge of the sources in the default "
                         "graph itself: serve the store without that option")
    if not merged:
        raise StoreError(f"{where}: written by an older kg, without the merged default graph; open it once "
                         "for writing (kg build, ingest or retract) and kg adds it")


def holds_merge(store: ox.Store) -> bool:
    """Whether an embedded store's default graph holds the merge of its sources (kg.store.merge)."""
    answer = store.query(STATE_QUERY)
    assert isinstance(answer, ox.QuerySolutions)
    return _state(answer)[0]


def _state(answer: ox.QuerySolutions) -> tuple[bool, bool]:
    """(the default graph holds the merge, log triples leak into the default graph)."""
    for row in answer:
        return row["merged"] is not None, row["leak"] is not None
    return False, False
