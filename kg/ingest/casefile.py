"""Case-file syntax: YAML, JSON and CSV documents -> sections of raw records with locations.

This module only knows the three syntaxes; what a valid record is lives in ``casemodel``.
Every record keeps the line it starts on (YAML, CSV) so later errors can point at it.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from kg.errors import InputError

SECTIONS = ("publications", "organizations", "people", "affiliations", "claims")
CSV_RECORD_TYPES = {
    "publication": "publications",
    "organization": "organizations",
    "person": "people",
    "affiliation": "affiliations",
    "claim": "claims",
}
CSV_LIST_SEPARATOR = "|"
CASE_FILE_SUFFIXES = (".yaml", ".yml", ".json", ".csv")
_LINE_KEY = "__line__"


@dataclass
class RawRecord:
    section: str
    index: int
    line: int | None
    data: dict[str, Any]


@dataclass
class RawCase:
    path: Path
    meta: dict[str, Any] = field(default_factory=dict)
    records: list[RawRecord] = field(default_factory=list)


_BaseLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _LineLoader(_BaseLoader):  # type: ignore[valid-type,misc]
    """A safe loader that remembers the line where each mapping starts."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        mapping: dict[Any, Any] = super().construct_mapping(node, deep=deep)
        mapping[_LINE_KEY] = node.start_mark.line + 1
        return mapping


def _yaml_document(path: Path, text: str) -> Any:
    try:
        return yaml.load(text, Loader=_LineLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = f":{mark.line + 1}" if mark is not None else ""
        problem = exc.problem or exc.context or "invalid YAML"
        raise InputError(f"{path}{line}: malformed YAML: {problem}") from None
    except yaml.YAMLError as exc:
        raise InputError(f"{path}: malformed YAML: {exc}") from None


def _json_document(path: Path, text: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"{path}:{exc.lineno}: malformed JSON: {exc.msg} (column {exc.colno})") from None
    except RecursionError:
        raise InputError(f"{path}: malformed JSON: nested too deeply") from None


def _from_document(path: Path, document: Any) -> RawCase:
    if not isinstance(document, dict):
        raise InputError(f"{path}: a case file must be a mapping with sections {', '.join(SECTIONS)}")
    case = RawCase(path)
    unknown = sorted(str(k) for k in document if k not in SECTIONS and k not in ("case", _LINE_KEY))
    if unknown:
        raise InputError(f"{path}: unknown section {unknown[0]!r} (expected case, {', '.join(SECTIONS)})")
    meta = document.get("case") or {}
    if not isinstance(meta, dict):
        raise InputError(f"{path}: section 'case' must be a mapping")
    case.meta = {k: v for k, v in meta.items() if k != _LINE_KEY}
    for section in SECTIONS:
        items = document.get(section)
        if items is None:
            continue
        if not isinstance(items, list):
            raise InputError(f"{path}: section {section!r} must be a list of records")
        for index, item in enumerate(items):
            if not isinstance(item, dict):
                raise InputError(f"{path}: {section}[{index}]: a record must be a mapping, not {type(item).__name__}")
            line = item.pop(_LINE_KEY, None)
            case.records.append(RawRecord(section, index, line, _strip_lines(item)))
    if not case.records:
        raise InputError(f"{path}: no records (expected at least one of {', '.join(SECTIONS)})")
    return case


def _strip_lines(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _strip_lines(v) for k, v in value.items() if k != _LINE_KEY}
    if isinstance(value, list):
        return [_strip_lines(v) for v in value]
    return value


def _csv_case(path: Path, text: str) -> RawCase:
    """One row per record: a ``record`` column names the type; lists use '|'; nested fields 'a.b'."""
    reader = csv.DictReader(io.StringIO(text, newline=""), strict=True)
    case = RawCase(path)
    counters: dict[str, int] = {}
    try:
        if not reader.fieldnames or "record" not in reader.fieldnames:
            raise InputError(f"{path}:1: CSV case file needs a 'record' column "
                             f"({', '.join(CSV_RECORD_TYPES)})")
        for row in reader:
            line = reader.line_num
            if None in row:
                raise InputError(f"{path}:{line}: malformed CSV: more fields than the header has")
            kind = (row.pop("record") or "").strip()
            if not kind and not any((v or "").strip() for v in row.values()):
                continue
            section = CSV_RECORD_TYPES.get(kind)
            if section is None:
                raise InputError(f"{path}:{line}: record type {kind!r} is not one of {', '.join(CSV_RECORD_TYPES)}")
            data: dict[str, Any] = {}
            for column, raw in row.items():
                value = (raw or "").strip()
                if not value:
                    continue
                target = data
                *parents, leaf = column.split(".")
                for parent in parents:
                    target = target.setdefault(parent, {})
                target[leaf] = value
            index = counters.get(section, 0)
            counters[section] = index + 1
            case.records.append(RawRecord(section, index, line, data))
    except csv.Error as exc:
        raise InputError(f"{path}:{reader.line_num}: malformed CSV: {exc}") from None
    if not case.records:
        raise InputError(f"{path}: no records in CSV case file")
    return case


def parse_case_text(path: Path, text: str) -> RawCase:
    suffix = path.suffix.lower()
    if suffix in (".yaml", ".yml"):
        return _from_document(path, _yaml_document(path, text))
    if suffix == ".json":
        return _from_document(path, _json_document(path, text))
    if suffix == ".csv":
        return _csv_case(path, text)
    raise InputError(f"{path}: not a case file (expected {', '.join(CASE_FILE_SUFFIXES)})")
