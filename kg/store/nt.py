"""N-Triples term formatting and sinks: the fast path from Python values to bulk-loadable text.

A :class:`TripleSink` collects one source's lines in memory while it is converted; a
:class:`SpilledSink` is the same lines in a file, so a build holds no source graph in memory
between preparing it and writing it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

from kg import vocab
from kg.fsutil import naming

_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"})


def iri(value: str) -> str:
    return f"<{value}>"


def literal(value: str, datatype: str | None = None, lang: str | None = None) -> str:
    if '"' in value or "\\" in value or "\n" in value or "\r" in value:  # translate() is slow: skip it when clean
        value = value.translate(_ESCAPES)
    text = '"' + value + '"'
    if lang:
        return f"{text}@{lang}"
    if datatype and datatype != vocab.XSD_STRING:
        return f"{text}^^<{datatype}>"
    return text


class TripleSink:
    """Collects N-Triples lines for one source graph, in first-seen order, without duplicates."""

    def __init__(self) -> None:
        self._lines: dict[str, None] = {}

    def add(self, subject: str, predicate: str, obj: str) -> None:
        """``subject``/``predicate`` are IRIs; ``obj`` is an already formatted N-Triples term."""
        self._lines[f"<{subject}> <{predicate}> {obj} .\n"] = None

    # link() and text() write their line themselves: one call less per triple on the hot path
    def link(self, subject: str, predicate: str, target: str) -> None:
        self._lines[f"<{subject}> <{predicate}> <{target}> .\n"] = None

    def text(self, subject: str, predicate: str, value: str, datatype: str | None = None) -> None:
        self._lines[f"<{subject}> <{predicate}> {literal(value, datatype)} .\n"] = None

    def extend_lines(self, lines: Iterable[str]) -> None:
        self._lines.update(dict.fromkeys(lines))

    def __len__(self) -> int:
        return len(self._lines)

    def ntriples(self) -> str:
        return "".join(self._lines)

    def nquads(self, graph: str) -> str:
        suffix = f" <{graph}> .\n"
        return "".join(line[:-3] + suffix for line in self._lines)

    def lines(self) -> Iterator[str]:
        return iter(self._lines)

    def spill(self, path: Path) -> SpilledSink:
        """Write the lines to ``path`` and return the file-backed sink that reads them back."""
        return SpilledSink.write(path, self._lines)


class SpilledSink:
    """One source's N-Triples lines (unique, in order) in a UTF-8 file; the reading side of a TripleSink."""

    CHUNK_LINES = 50_000

    def __init__(self, path: Path, count: int) -> None:
        self.path, self.count = path, count

    @classmethod
    def write(cls, path: Path, lines: Iterable[str]) -> SpilledSink:
        count = 0
        with naming(path), path.open("w", encoding="utf-8", newline="\n") as out:
            for line in lines:
                out.write(line)
                count += 1
        return cls(path, count)

    def __len__(self) -> int:
        return self.count

    def extend_lines(self, lines: Iterable[str]) -> None:
        """Append ``lines`` (the caller makes sure they are not in the file yet)."""
        with naming(self.path), self.path.open("a", encoding="utf-8", newline="\n") as out:
            for line in lines:
                out.write(line)
                self.count += 1

    def lines(self) -> Iterator[str]:
        with self.path.open(encoding="utf-8", newline="\n") as handle:
            yield from handle

    def ntriples(self) -> str:
        return self.path.read_text(encoding="utf-8")

    def nquads(self, graph: str) -> str:
        """The whole graph as N-Quads text (what ``KgStore.write_source`` loads); see :meth:`chunks`."""
        return "".join(self.chunks(graph))

    def chunks(self, graph: str) -> Iterator[str]:
        """The graph as N-Quads text in pieces of at most CHUNK_LINES lines: a store can load it
        without holding the whole source in memory."""
        suffix = f" <{graph}> .\n"
        batch: list[str] = []
        for line in self.lines():
            batch.append(line[:-3] + suffix)
            if len(batch) >= self.CHUNK_LINES:
                yield "".join(batch)
                batch = []
        if batch:
            yield "".join(batch)

    def remove(self) -> None:
        self.path.unlink(missing_ok=True)
