"""N-Triples term formatting: the fast path from Python values to bulk-loadable text."""

from __future__ import annotations

from kg import vocab

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

    def extend_lines(self, lines: list[str]) -> None:
        self._lines.update(dict.fromkeys(lines))

    def __len__(self) -> int:
        return len(self._lines)

    def ntriples(self) -> str:
        return "".join(self._lines)

    def nquads(self, graph: str) -> str:
        suffix = f" <{graph}> .\n"
        return "".join(line[:-3] + suffix for line in self._lines)
