"""graph.ttl and graph.trig written from sorted runs, and patched in place of being written again.

Both files are what :func:`kg.export.rdf.export` writes (byte for byte), made of independent pieces:

- ``graph.trig`` is the prefix block, then one block per source graph in the export's graph order,
  and a graph's block depends on that graph alone;
- ``graph.ttl`` is the prefix block, then the union's statements by subject: cut at subject
  boundaries into chunks of about ``CHUNK`` statements, each chunk written on its own gives the
  same bytes as the whole.

An index of the pieces (first subject or graph, offset, length) is kept with the build state, so
a rebuild writes again only the pieces whose statements changed and copies every other byte range
from the previous file (``os.copy_file_range``: the kernel copies, Python never holds the file).
A piece's statements are read back from the previous file itself (pyoxigraph parses the piece),
so no second copy of the graph is kept anywhere.
"""

from __future__ import annotations

import bisect
import io
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, cast

import pyoxigraph as ox

from kg.build.runs import Census, rows, subject
from kg.export.rdf import sort_key, sorted_prefix_lines
from kg.fsutil import atomic_output

CHUNK = 2_000  # statements per graph.ttl piece (a piece is cut only where the subject changes)


@dataclass
class Piece:
    first: str  # the piece's first subject (graph.ttl) or its graph name (graph.trig), N-Triples form
    offset: int
    length: int


@dataclass
class Layout:
    """Where each piece of one output file is: the index kept with the build state."""

    header: int = 0  # bytes of the prefix block
    pieces: list[Piece] = field(default_factory=list)

    def to_json(self) -> dict[str, object]:
        return {"header": self.header, "pieces": [[p.first, p.offset, p.length] for p in self.pieces]}

    @classmethod
    def from_json(cls, data: dict[str, object]) -> Layout:
        header, pieces = data["header"], data["pieces"]
        assert isinstance(header, int) and isinstance(pieces, list)
        return cls(header, [Piece(str(f), int(o), int(n)) for f, o, n in pieces])


def _serialize(lines: Iterable[bytes], fmt: ox.RdfFormat, prefixes: dict[str, str]) -> bytes:
    """The statements in ``fmt`` with the fixed prefixes, without the prefix block."""
    source = ox.RdfFormat.N_QUADS if fmt == ox.RdfFormat.TRIG else ox.RdfFormat.N_TRIPLES
    out = io.BytesIO()
    ox.serialize(ox.parse(b"".join(lines), format=source), cast(IO[bytes], out), fmt, prefixes=prefixes)
    data = out.getvalue()
    end = 0
    while data.startswith(b"@prefix ", end):
        end = data.index(b"\n", end) + 1
    return data[end:]


def header(prefixes: dict[str, str]) -> bytes:
    return sorted_prefix_lines(prefixes)


def _quad_rows(graph: str, run: Iterable[bytes]) -> Iterator[bytes]:
    suffix = f" {graph} .\n".encode()
    return (row[:-3] + suffix for row in rows(run))


def trig_block(graph: str, run: Iterable[bytes], prefixes: dict[str, str]) -> bytes:
    """One graph's block of graph.trig (``graph`` in N-Triples form, ``<iri>``)."""
    return _serialize(_quad_rows(graph, run), ox.RdfFormat.TRIG, prefixes)


def ttl_chunks(union: Iterable[bytes], prefixes: dict[str, str], census: Census | None = None,
               ) -> Iterator[tuple[str, bytes]]:
    """graph.ttl's pieces for sorted distinct ``union`` elements: (first subject, bytes)."""
    held: list[bytes] = []
    for element in union:
        if len(held) >= CHUNK and subject(element) != subject(held[-1]):
            yield _chunk(held, prefixes, census)
            held = []
        held.append(element)
    if held:
        yield _chunk(held, prefixes, census)


def _chunk(held: list[bytes], prefixes: dict[str, str], census: Census | None) -> tuple[str, bytes]:
    if census is not None:
        census.count(held)
    return subject(held[0]).decode(), _serialize(rows(held), ox.RdfFormat.TURTLE, prefixes)


def write_pieces(target: Path, head: bytes, pieces: Iterable[tuple[str, bytes | tuple[int, int]]],
                 previous: Path | None = None) -> Layout:
    """Write ``target`` atomically: ``head``, then each piece, given as bytes or as (offset, length)
    of ``previous``. A file with no pieces is empty (as the export of an empty store is)."""
    layout = Layout()
    with atomic_output(target) as out, (previous.open("rb") if previous is not None else _nothing()) as old:
        position = 0
        for first, piece in pieces:
            if position == 0:
                out.write(head)
                position = layout.header = len(head)
            if isinstance(piece, bytes):
                out.write(piece)
                length = len(piece)
            else:
                assert old is not None
                out.flush()
                length = _copy(old, out, *piece)
            layout.pieces.append(Piece(first, position, length))
            position += length
    return layout


class _nothing:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: object) -> None:
        return None


def _copy(source: IO[bytes], target: IO[bytes], offset: int, length: int) -> int:
    done = 0
    while done < length:
        sent = os.copy_file_range(source.fileno(), target.fileno(), length - done, offset + done)
        if sent == 0:
            raise OSError(f"{source.name}: shorter than the build state says")
        done += sent
    return done


def read_piece(path: Path, head: bytes, piece: Piece, fmt: ox.RdfFormat) -> list[bytes]:
    """The sorted elements of one piece of a previous output (its statements, parsed back)."""
    with path.open("rb") as handle:
        handle.seek(piece.offset)
        data = handle.read(piece.length)
    found = [sort_key(f"{q.triple} .".encode()) for q in ox.parse(head + data, format=fmt)]
    found.sort()
    return found


def patch_ttl(path: Path, head: bytes, layout: Layout, added: set[bytes], removed: set[bytes],
              prefixes: dict[str, str], census: Census) -> Layout:
    """Bring graph.ttl up to date: ``added`` enter the union, ``removed`` leave it (``census``
    follows). Only the pieces holding a changed subject are parsed and written again."""
    firsts = [p.first.encode() for p in layout.pieces]
    touched: dict[int, tuple[set[bytes], set[bytes]]] = {}
    for sign, changed in ((1, added), (0, removed)):
        for element in changed:
            at = max(bisect.bisect_right(firsts, subject(element)) - 1, 0)
            touched.setdefault(at, (set(), set()))[1 - sign].add(element)
    out: list[tuple[str, bytes | tuple[int, int]]] = []
    for index, piece in enumerate(layout.pieces):
        if index not in touched:
            out.append((piece.first, (piece.offset, piece.length)))
            continue
        plus, minus = touched.pop(index)
        old = set(read_piece(path, head, piece, ox.RdfFormat.TURTLE))
        new = (old - minus) | plus
        census.count(sorted(new - old))
        census.count(sorted(old - new), -1)
        out.extend(ttl_chunks(sorted(new), prefixes))
    if touched:  # nothing was there yet: the union was empty
        plus = set().union(*(p for p, _ in touched.values()))
        census.count(sorted(plus))
        out.extend(ttl_chunks(sorted(plus), prefixes))
    return write_pieces(path, head, out, path)
