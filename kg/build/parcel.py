"""A prepared source in transit: what a machine that prepared it sends back to the writer.

A local build spills each prepared source into its private folder (its N-Triples, its pickled
records) and keeps only the mentions entity resolution needs. A source prepared on another
machine comes back as a :class:`Parcel` holding exactly the bytes those two files would hold,
and :meth:`Parcel.unpack` writes them into the writer's spill folder, so from there on the
pipeline sees the same :class:`PreparedSource` a local build gives it.
"""

from __future__ import annotations

import pickle
from dataclasses import dataclass
from pathlib import Path

from kg.build.sources import PreparedSource
from kg.resolve.mention import mentions_of
from kg.store.nt import SpilledSink, TripleSink


@dataclass
class Parcel:
    source: PreparedSource  # with an empty sink and no case: they travel as the bytes below
    ntriples: bytes  # the graph's lines (UTF-8), as the spilled .nt file holds them
    lines: int
    case: bytes | None  # the pickled records, as the spilled .case file holds them
    parts: list[Parcel]  # an e-mail's attachments, each a source of its own

    @classmethod
    def pack(cls, prepared: PreparedSource) -> Parcel:
        """Take the graph and the records out of ``prepared`` (just prepared, nothing spilled)."""
        parts, prepared.parts = [cls.pack(part) for part in prepared.parts], []
        sink = prepared.sink
        if not isinstance(sink, TripleSink):
            raise TypeError("pack a source before it is spilled")
        case = None
        if prepared.case is not None:
            prepared.mentions = mentions_of(prepared.name, prepared.case)
            case = pickle.dumps(prepared.case, pickle.HIGHEST_PROTOCOL)
            prepared.case = None
        prepared.sink = TripleSink()
        return cls(prepared, sink.ntriples().encode("utf-8"), len(sink), case, parts)

    def unpack(self, directory: Path | None) -> PreparedSource:
        """The prepared source, spilled into ``directory`` as :meth:`PreparedSource.spill` leaves it
        (or, with no directory, held in memory as :func:`kg.build.sources.prepare` returns it)."""
        prepared = self.source
        prepared.parts = [part.unpack(directory) for part in self.parts]
        if directory is None:
            sink = TripleSink()
            sink.extend_lines(self.ntriples.decode("utf-8").splitlines(keepends=True))
            prepared.sink = sink
            prepared.case = pickle.loads(self.case) if self.case is not None else None  # made by kg's own task
            prepared.mentions = None
            return prepared
        stem = prepared.spill_stem(directory)
        nt = stem.with_suffix(".nt")
        nt.write_bytes(self.ntriples)
        prepared.sink = SpilledSink(nt, self.lines)
        if self.case is not None:
            prepared.case_file = stem.with_suffix(".case")
            prepared.case_file.write_bytes(self.case)
        return prepared
