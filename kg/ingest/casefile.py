"""Case-file syntax: YAML, JSON and CSV documents -> sections of raw records with locations.

This module only knows the three syntaxes; what a valid record is lives in ``casemodel``.
Every record keeps the line it starts on (YAML, CSV) so later errors can point at it.
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from kg import schema
from kg.errors import InputError, shown
from kg.ingest.guard import json_reason

SECTIONS = tuple(schema.load().sections)  # in file order (ontology/schema.yaml)
CSV_RECORD_TYPES = {section.record: name for name, section in schema.load().sections.items()}
CSV_LIST_SEPARATOR = "|"
CASE_FILE_SUFFIXES = (".yaml", ".yml", ".json", ".csv")
LINE_KEY = "__line__"  # each YAML mapping read by read_yaml carries the line it starts on
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")


@dataclass
class RawRecord:
    section: str
    index: int
    line: int | None
    data: dict[str, Any]
    path: Path | None = None  # the file the record comes from, when not the case's own (a mapping's table)


@dataclass
class RawCase:
    path: Path
    meta: dict[str, Any] = field(default_factory=dict)
    records: list[RawRecord] = field(default_factory=list)


_BaseLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _AliasRefused(yaml.YAMLError):
    def __init__(self, line: int) -> None:
        super().__init__(f"alias at line {line}")
        self.line = line


class _LineLoader(_BaseLoader):  # type: ignore[valid-type,misc]
    """A safe loader that remembers the line where each mapping starts.

    YAML aliases (``*name``) and merge keys (``<<``) are refused: a few hundred bytes of nested
    aliases expand to billions of values ("billion laughs") once records are walked. Timestamps
    that are not real dates, and integers too long for Python to read, stay text, so the record
    checks can name the field.
    """

    lines = True

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        if node in self.constructed_objects:  # a second visit of one node: an alias or a merge key
            raise _AliasRefused(node.start_mark.line + 1)
        return super().construct_object(node, deep=deep)

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[str] = set()
        for key_node, _ in node.value:  # a repeated field would silently win over the first one
            if isinstance(key_node, yaml.ScalarNode):
                if key_node.value in seen:
                    raise yaml.constructor.ConstructorError(
                        "while constructing a mapping", node.start_mark,
                        f"found duplicate key {shown(key_node.value)}", key_node.start_mark)
                seen.add(key_node.value)
        mapping: dict[Any, Any] = super().construct_mapping(node, deep=deep)
        if self.lines:
            mapping[LINE_KEY] = node.start_mark.line + 1
        return mapping

    def construct_lenient_timestamp(self, node: yaml.ScalarNode) -> Any:
        try:
            return self.construct_yaml_timestamp(node)
        except ValueError:  # 2020-13-45 looks like a timestamp but is none: let the field check report it
            return self.construct_scalar(node)

    def construct_lenient_int(self, node: yaml.ScalarNode) -> Any:
        try:
            return self.construct_yaml_int(node)
        except ValueError:  # thousands of digits: Python refuses to read them as a number
            return self.construct_scalar(node)


_LineLoader.add_constructor("tag:yaml.org,2002:timestamp", _LineLoader.construct_lenient_timestamp)
_LineLoader.add_constructor("tag:yaml.org,2002:int", _LineLoader.construct_lenient_int)


class _PlainLoader(_LineLoader):
    """The same rules, without the line of each mapping (metadata sidecars, front matter)."""

    lines = False


def _yaml_document(path: Path, text: str, loader: type[_LineLoader] = _LineLoader, what: str = "case files") -> Any:
    try:
        return yaml.load(text, Loader=loader)
    except _AliasRefused as exc:
        raise InputError(f"{path}:{exc.line}: YAML aliases and merge keys (*name, <<) are not allowed in {what}; "
                         "write the value out") from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = f":{mark.line + 1}" if mark is not None else ""
        problem = exc.problem or exc.context or "invalid YAML"
        if exc.problem and exc.context and exc.context_mark is not None:  # "while parsing a flow sequence"
            problem += f" ({exc.context} started on line {exc.context_mark.line + 1})"
        raise InputError(f"{path}{line}: malformed YAML: {problem}") from None
    except yaml.reader.ReaderError as exc:  # a character YAML does not allow, found before parsing
        number = text.count("\n", 0, exc.position) + 1
        code = exc.character if isinstance(exc.character, int) else ord(exc.character)
        raise InputError(f"{path}:{number}: malformed YAML: character U+{code:04X} is not allowed "
                         f"({exc.reason})") from None
    except yaml.YAMLError as exc:
        raise InputError(f"{path}: malformed YAML: {' '.join(str(exc).split())}") from None
    except RecursionError:  # the pure-Python parser (no libyaml) on deeply nested flow collections
        raise InputError(f"{path}: malformed YAML: nested too deeply") from None


def read_yaml(path: Path, text: str) -> Any:
    """Safe YAML with aliases and repeated keys refused; every mapping carries ``LINE_KEY``."""
    return _yaml_document(path, text)


def plain_yaml(path: Path, text: str, what: str) -> Any:
    """YAML that is not a case file (``what``: "sidecars", "front matter"), read by the case files' rules."""
    return _yaml_document(path, text, _PlainLoader, what)


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise ValueError(f"duplicate key {shown(key)} in one object")
        result[key] = value
    return result


def _json_document(path: Path, text: str) -> Any:
    try:
        document = json.loads(text, object_pairs_hook=_unique_keys)
        if _SURROGATE_ESCAPE.search(text):
            _check_characters(document)
        return document
    except json.JSONDecodeError as exc:
        raise InputError(f"{path}:{exc.lineno}: malformed JSON: {exc.msg} (column {exc.colno})") from None
    except RecursionError:
        raise InputError(f"{path}: malformed JSON: nested too deeply") from None
    except ValueError as exc:  # a repeated key, or an integer of thousands of digits
        raise InputError(f"{path}: malformed JSON: {json_reason(exc)}") from None


def _check_characters(value: Any) -> None:
    """Every text in ``value`` is Unicode characters: a JSON escape of half a surrogate pair
    (``\\ud800`` alone) is none, and could not be written to the store."""
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError as exc:
            raise ValueError(f"\\u{ord(value[exc.start]):04x} is half of a surrogate pair, not a character") from None
    elif isinstance(value, dict):
        for key, item in value.items():
            _check_characters(key)
            _check_characters(item)
    elif isinstance(value, list):
        for item in value:
            _check_characters(item)


def _from_document(path: Path, document: Any) -> RawCase:
    if not isinstance(document, dict):
        raise InputError(f"{path}: a case file must be a mapping with sections {', '.join(SECTIONS)}")
    case = RawCase(path)
    unknown = sorted(str(k) for k in document if k not in SECTIONS and k not in ("case", LINE_KEY))
    if unknown:
        raise InputError(f"{path}: unknown section {shown(unknown[0])} (expected case, {', '.join(SECTIONS)})")
    meta = document.get("case") or {}
    if not isinstance(meta, dict):
        raise InputError(f"{path}: section 'case' must be a mapping")
    case.meta = {k: v for k, v in meta.items() if k != LINE_KEY}
    for section in SECTIONS:
        items = document.get(section)
        if items is None:
            continue
        if not isinstance(items, list):
            raise InputError(f"{path}: section {shown(section)} must be a list of records")
        for index, item in enumerate(items):
            if not isinstance(item, dict):
                kind = "nothing" if item is None else type(item).__name__
                raise InputError(f"{path}: {section}[{index}]: a record must be a mapping, not {kind}")
            line = item.pop(LINE_KEY, None)
            case.records.append(RawRecord(section, index, line, _strip_lines(item)))
    if not case.records:
        raise InputError(f"{path}: no records (expected at least one of {', '.join(SECTIONS)})")
    return case


def _strip_lines(value: Any) -> Any:
    if isinstance(value, dict):  # scalars are passed through without a call: this runs on every value
        return {k: _strip_lines(v) if isinstance(v, dict | list) else v for k, v in value.items() if k != LINE_KEY}
    if isinstance(value, list):
        return [_strip_lines(v) if isinstance(v, dict | list) else v for v in value]
    return value


def read_csv_rows(path: Path, text: str, delimiter: str = ",") -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    """The header and each non-blank row as (line it starts on, column -> cell); a quoted field may
    span lines. A repeated column, a row longer than the header or bad quoting is an InputError."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    rows: list[tuple[int, dict[str, str]]] = []
    start = 1
    try:
        header = next(reader, [])
        repeated = sorted({column for column in header if header.count(column) > 1})
        if repeated:
            raise InputError(f"{path}:1: malformed CSV: column {shown(repeated[0])} appears more than once")
        start = reader.line_num + 1
        for cells in reader:
            line, start = start, reader.line_num + 1
            if not any(cell.strip() for cell in cells):
                continue
            if len(cells) > len(header):
                raise InputError(f"{path}:{line}: malformed CSV: {len(cells)} fields, but the header has "
                                 f"{len(header)}")
            rows.append((line, dict(zip(header, cells, strict=False))))
    except csv.Error as exc:
        raise InputError(f"{path}:{start}: malformed CSV: {exc}") from None
    return header, rows


def _csv_case(path: Path, text: str) -> RawCase:
    """One row per record: a ``record`` column names the type; lists use '|'; nested fields 'a.b'.

    A record's line is the line it starts on (a quoted field may span lines); blank rows are skipped.
    """
    case = RawCase(path)
    counters: dict[str, int] = {}
    header, rows = read_csv_rows(path, text)
    if not header or "record" not in header:
        raise InputError(f"{path}:1: CSV case file needs a 'record' column "
                         f"({', '.join(CSV_RECORD_TYPES)})")
    for line, row in rows:
        kind = row.pop("record", "").strip()
        section = CSV_RECORD_TYPES.get(kind)
        if section is None:
            raise InputError(f"{path}:{line}: record type {shown(kind)} is not one of "
                             f"{', '.join(CSV_RECORD_TYPES)}")
        data: dict[str, Any] = {}
        for column, raw in row.items():
            value = raw.strip()
            if not value:
                continue
            target = data
            *parents, leaf = column.split(".")
            for parent in parents:
                target = target.setdefault(parent, {})
                if not isinstance(target, dict):
                    raise InputError(f"{path}:{line}: column {shown(column)} clashes with column {shown(parent)}")
            target[leaf] = value
        index = counters.get(section, 0)
        counters[section] = index + 1
        case.records.append(RawRecord(section, index, line, data))
    if not case.records:
        raise InputError(f"{path}: no records in CSV case file")
    return case


def parse_case_text(path: Path, text: str) -> RawCase:
    suffix = path.suffix.lower()
    if suffix in (".yaml", ".yml"):
        return _from_document(path, read_yaml(path, text))
    if suffix == ".json":
        return _from_document(path, _json_document(path, text))
    if suffix == ".csv":
        return _csv_case(path, text)
    raise InputError(f"{path}: not a case file (expected {', '.join(CASE_FILE_SUFFIXES)})")
