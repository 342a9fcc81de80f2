"""Byte-stable RDF export, streamed: sorted statements, fixed prefixes, pyoxigraph's fast writers.

The same graph always serializes to the same bytes, so a case's Turtle can live in git and
diffs show real changes only. Order: subjects sorted, ``rdf:type`` first within a subject, then
predicates and objects, all by their N-Triples text (quad formats: graph name first); the
``@prefix`` block is sorted too.

Memory stays flat as the graph grows: the store writes each graph as N-Triples lines, which are
turned into sort keys and held in bounded runs; a full run is sorted and spilled to a temporary
file, and the runs are merged (``heapq.merge``) into pyoxigraph's streaming parser and writer.
A key is the statement's own N-Triples line with ``<rdf:type>`` replaced by nothing, so sorting
the bytes (UTF-8 keeps code point order) gives the same order as sorting the terms.
"""

from __future__ import annotations

import heapq
import io
import itertools
import tempfile
import threading
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import IO, cast

import pyoxigraph as ox

from kg import vocab
from kg.errors import InputError
from kg.fsutil import atomic_output
from kg.stages import Stages
from kg.store import KgStore

FORMATS: dict[str, ox.RdfFormat] = {
    "ttl": ox.RdfFormat.TURTLE,
    "trig": ox.RdfFormat.TRIG,
    "nt": ox.RdfFormat.N_TRIPLES,
    "nq": ox.RdfFormat.N_QUADS,
    "jsonld": ox.RdfFormat.JSON_LD,
}
QUAD_FORMATS = {"trig", "nq"}
# Bytes of sort keys held in memory (counting ~50 bytes of overhead per key) before a sorted run is
# spilled to disk: about 1M statements, so a 1M-triple case sorts in memory (~300 MB peak) and larger
# ones merge runs from disk with memory staying near that.
RUN_BYTES = 256 * 2**20
DUMP_THREADS = 2  # graphs read from the store at the same time
WRITE_BYTES = 4 * 2**20  # N-Triples and N-Quads go out in writes of about this size
_TYPE_GAP = f" <{vocab.TYPE}> ".encode()
_NUL = b"\x00"


def prefixes(store: KgStore) -> dict[str, str]:
    base = store.minter.base
    own = {"person": f"{base}person/", "org": f"{base}org/", "pub": f"{base}publication/",
           "src": f"{base}source/"}
    return {**vocab.PREFIXES, **own}


def export(store: KgStore, fmt: str, target: str | Path, include_log: bool = False,
           stages: Stages | None = None) -> int:
    """Write the export atomically (or to stdout for '-'); returns the number of bytes. ``stages``
    hears of the two stages: *read* (one step per graph) and *write* (one per statement)."""
    _check(fmt)
    with atomic_output(target) as handle:
        return write(store, fmt, handle, include_log, stages=stages)


def serialize(store: KgStore, fmt: str, include_log: bool = False) -> bytes:
    buffer = io.BytesIO()
    write(store, fmt, buffer, include_log)
    return buffer.getvalue()


def write(store: KgStore, fmt: str, handle: IO[bytes], include_log: bool = False,
          run_bytes: int = RUN_BYTES, stages: Stages | None = None) -> int:
    """Stream the sorted export into ``handle``; returns the number of bytes written."""
    _check(fmt)
    stages = stages or Stages()
    with tempfile.TemporaryDirectory(prefix="kg-export-") as scratch:
        runs = _Runs(Path(scratch), run_bytes)
        _fill(store, include_log, [(runs, fmt in QUAD_FORMATS)], stages)
        with stages.stage("write", total=runs.count):
            return _emit(store, fmt, runs, handle, stages)


def export_many(store: KgStore, targets: dict[str, Path], include_log: bool = False,
                run_bytes: int = RUN_BYTES) -> dict[str, int]:
    """Several exports (``kg build``: graph.ttl and graph.trig) from one read of the store, each
    written atomically; the same bytes as :func:`export` gives. Returns the bytes per format."""
    for fmt in targets:
        _check(fmt)
    with tempfile.TemporaryDirectory(prefix="kg-export-") as scratch:
        runs: dict[str, _Runs] = {}
        for fmt in targets:
            (Path(scratch) / fmt).mkdir()
            runs[fmt] = _Runs(Path(scratch) / fmt, run_bytes // len(targets))
        _fill(store, include_log, [(runs[fmt], fmt in QUAD_FORMATS) for fmt in targets])
        sizes = {}
        for fmt, target in targets.items():
            with atomic_output(target) as handle:
                sizes[fmt] = _emit(store, fmt, runs.pop(fmt), handle)  # each run set freed once written
        return sizes


def _emit(store: KgStore, fmt: str, runs: _Runs, handle: IO[bytes], stages: Stages | None = None) -> int:
    """Merge the sorted runs into ``handle`` in ``fmt``; the number of bytes written."""
    quads = fmt in QUAD_FORMATS
    out = _Counting(handle)
    merged = runs.merged() if stages is None else _counted(runs.merged(), stages)
    rows = (sort_row(element, quads) for element in _distinct(merged))
    if fmt in ("nt", "nq"):
        out.writelines(rows)
    else:
        lines = ox.RdfFormat.N_QUADS if quads else ox.RdfFormat.N_TRIPLES
        parsed = ox.parse(cast(IO[bytes], _RowReader(rows)), format=lines)
        fixed = prefixes(store) if fmt in ("ttl", "trig") else None
        target: _Counting | _SortedPrefixes = _SortedPrefixes(out) if fixed else out
        ox.serialize(parsed, cast(IO[bytes], target), FORMATS[fmt], prefixes=fixed)
        target.close()
    return out.count


def sorted_prefix_lines(fixed: dict[str, str]) -> bytes:
    """The prefix block every Turtle and TriG export starts with (pyoxigraph writes them all)."""
    return b"".join(sorted(f"@prefix {name}: <{iri}> .\n".encode() for name, iri in fixed.items()))


def _check(fmt: str) -> None:
    if fmt not in FORMATS:
        raise InputError(f"unknown export format {fmt!r} (expected {', '.join(FORMATS)})")


def _counted(elements: Iterator[bytes], stages: Stages, step: int = 8192) -> Iterator[bytes]:
    """The elements, telling ``stages`` every ``step`` of them (a bar moves; the cost stays invisible)."""
    for batch in iter(lambda: list(itertools.islice(elements, step)), []):
        yield from batch
        stages.advance(len(batch))


# -- reading the store as N-Triples lines, one graph at a time ----------------------------------------------------
def _fill(store: KgStore, include_log: bool, outputs: list[tuple[_Runs, bool]], stages: Stages | None = None) -> None:
    """Hand every statement to each runs as an N-Triples line (quad formats: after its graph name)."""
    stages = stages or Stages()
    embedded = store.ox  # the pyoxigraph store of a disk or memory backend
    if embedded is None:  # any other backend: its quads, one at a time
        with stages.stage("read"):
            for quad in store.quads(include_log):
                line = f"{quad.triple} .".encode()
                for runs, quads in outputs:
                    runs.add(f"{quad.graph_name} ".encode() if quads else b"", (line,))
        return
    graphs = [g for g in embedded.named_graphs() if isinstance(g, ox.NamedNode)]  # as store.quads() has them
    graphs = graphs if include_log else [g for g in graphs if g != store.log_graph]
    lock = threading.Lock()

    def dump(graph: ox.NamedNode) -> None:
        sink = _LineSink([(runs, f"{graph} ".encode() if quads else b"") for runs, quads in outputs], lock)
        embedded.dump(cast(IO[bytes], sink), format=ox.RdfFormat.N_TRIPLES, from_graph=graph)
        sink.close()

    # pyoxigraph writes N-Triples without holding the GIL (most of an export's time): two graphs at
    # once take about half as long; the sorted runs are filled under a lock (their order is free)
    with stages.stage("read", total=len(graphs)), ThreadPoolExecutor(max_workers=DUMP_THREADS) as pool:
        for _ in pool.map(dump, graphs):
            stages.advance()


class _LineSink:
    """A write-only file for ``Store.dump``: passes whole lines (no newline) on to the runs."""

    def __init__(self, targets: list[tuple[_Runs, bytes]], lock: threading.Lock) -> None:
        self._targets = targets  # each runs with the prefix its elements get
        self._lock = lock  # the runs are shared by the sinks of graphs dumped at the same time
        self._rest = b""

    def write(self, data: bytes) -> int:
        parts = (self._rest + data).split(b"\n")
        self._rest = parts.pop()
        self._add(parts)
        return len(data)

    def _add(self, lines: list[bytes]) -> None:
        with self._lock:
            for runs, prefix in self._targets:
                runs.add(prefix, lines)

    def flush(self) -> None:
        pass

    def close(self) -> None:
        if self._rest:
            self._add([self._rest])
            self._rest = b""


# -- sort keys and bounded sorted runs ----------------------------------------------------------------------------
def sort_key(line: bytes) -> bytes:
    """The sort key of one N-Triples line (``s p o .``): rdf:type dropped so it sorts first.

    Subjects and predicates hold no spaces, so the first space ends the subject. A quoted triple
    as object sorts by its bare ``s p o`` text (the old export's order), so its key carries the
    original line after a NUL byte (keys never contain NUL and no key is a prefix of another).
    """
    cut = line.find(b" ")
    key = line[:cut] + b"  " + line[cut + len(_TYPE_GAP):] if line.startswith(_TYPE_GAP, cut) else line
    if b"<<(" not in line:
        return key
    start = key.find(b" ", cut + 1) + 1
    if not (key.startswith(b"<<( ", start) and key.endswith(b" )>> .")):
        return key
    return key[:start] + key[start + 4:-6] + b" ." + _NUL + line


def sort_row(element: bytes, quads: bool) -> bytes:
    """Back from a sort element to its N-Triples or N-Quads line (with the newline)."""
    graph = b""
    if quads:
        graph, _, element = element.partition(b" ")
    if _NUL in element:
        line = element[element.index(_NUL) + 1:]
    else:
        cut = element.find(b" ")
        line = element[:cut] + _TYPE_GAP + element[cut + 2:] if element[cut + 1] == 32 else element
    return line[:-1] + graph + b" .\n" if graph else line + b"\n"


class _Runs:
    """Sort elements in memory up to a byte budget; full runs are sorted and spilled to disk."""

    def __init__(self, scratch: Path, budget: int) -> None:
        self._scratch = scratch
        self._budget = budget
        self._held: list[bytes] = []
        self._size = 0
        self._files: list[Path] = []
        self.count = 0  # elements added (repeats included)

    def add(self, prefix: bytes, lines: Sequence[bytes]) -> None:
        held, key, size = self._held, sort_key, self._size
        self.count += len(lines)
        for line in lines:
            element = prefix + key(line)
            held.append(element)
            size += len(element) + 50
            if size > self._budget:
                self._size = 0
                self._spill()
                held, size = self._held, 0
        self._size = size

    def _spill(self) -> None:
        self._held.sort()
        path = self._scratch / f"run-{len(self._files)}"
        with path.open("wb") as handle:
            handle.writelines(element + b"\n" for element in self._held)
        self._files.append(path)
        self._held = []

    def merged(self) -> Iterator[bytes]:
        self._held.sort()
        if not self._files:
            yield from self._held
            return
        handles = [path.open("rb", buffering=2**20) for path in self._files]
        try:
            spilled = [(line[:-1] for line in handle) for handle in handles]
            yield from heapq.merge(self._held, *spilled)
        finally:
            for handle in handles:
                handle.close()


def _distinct(elements: Iterator[bytes]) -> Iterator[bytes]:
    """Drop repeats (the same triple stated in several graphs); the input is sorted."""
    previous = None
    for element in elements:
        if element != previous:
            yield element
            previous = element


# -- feeding pyoxigraph's parser and catching its writer's output --------------------------------------------------
class _RowReader:
    """A read-only binary file over an iterator of lines, for ``ox.parse``."""

    def __init__(self, rows: Iterator[bytes]) -> None:
        self._rows = rows
        self._buffer = b""
        self._offset = 0

    def read(self, size: int = -1) -> bytes:
        if self._offset >= len(self._buffer):
            self._buffer, self._offset = b"".join(itertools.islice(self._rows, 1024)), 0
        if size < 0:
            chunk = self._buffer[self._offset:] + b"".join(self._rows)
        else:
            chunk = self._buffer[self._offset:self._offset + size]
        self._offset += len(chunk)
        return chunk


class _Counting:
    """Pass writes through to ``handle``, counting bytes."""

    def __init__(self, handle: IO[bytes]) -> None:
        self._handle = handle
        self.count = 0

    def write(self, data: bytes) -> int:
        self.count += len(data)
        self._handle.write(data)
        return len(data)

    def writelines(self, rows: Iterator[bytes]) -> None:
        """Write ``rows`` in batches of about WRITE_BYTES."""
        pending: list[bytes] = []
        size = 0
        for chunk in iter(lambda: b"".join(itertools.islice(rows, 8192)), b""):
            pending.append(chunk)
            size += len(chunk)
            if size >= WRITE_BYTES:
                self.write(b"".join(pending))
                pending, size = [], 0
        if pending:
            self.write(b"".join(pending))

    def flush(self) -> None:
        pass

    def close(self) -> None:
        pass


class _SortedPrefixes:
    """pyoxigraph writes @prefix lines in hash order: hold them back and pass them on sorted."""

    def __init__(self, out: _Counting) -> None:
        self._out = out
        self._head: bytes | None = b""
        self._checked = 0

    def write(self, data: bytes) -> int:
        if self._head is None:
            return self._out.write(data)
        self._head += data
        while (end := self._head.find(b"\n", self._checked)) >= 0:
            if not self._head.startswith(b"@prefix ", self._checked):
                self.close()
                break
            self._checked = end + 1
        return len(data)

    def flush(self) -> None:
        pass

    def close(self) -> None:
        if self._head is not None:
            lines = self._head.split(b"\n")
            count = next((i for i, line in enumerate(lines) if not line.startswith(b"@prefix ")), len(lines))
            self._out.write(b"\n".join(sorted(lines[:count]) + lines[count:]))
            self._head = None
