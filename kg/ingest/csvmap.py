"""Generic CSV tables with a YAML mapping beside them -> case-file records.

A spreadsheet export rarely has kg's column names. A mapping file (``NAME.mapping.yaml``) says,
table by table, which kind of record each row is and which column (or fixed value, or template
over columns) fills each case-file field; references between tables go through each table's id
column. The format is in docs/case-files.md. The mapping is the source: its tables are read with
it, are not sources of their own, and count in its content hash (an edited table is re-ingested).

Everything is checked before a record is made: a mapping that names a missing column, a field
kg does not have or a table that is not there is one line naming the mapping file, its line and
the field; a row whose reference matches no row is one line naming the table, its line and the
field. The records then go through the same checks as a hand-written case file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kg.errors import InputError
from kg.ingest.casefile import LINE_KEY, RawCase, RawRecord, read_csv_rows, read_yaml
from kg.ingest.casemodel import FIELDS
from kg.ingest.folder import Admitted
from kg.ingest.guard import decode_text, read_source_bytes
from kg.iris import slug

MAPPING_SUFFIX = ".mapping.yaml"
SECTIONS = {"person": "people", "organization": "organizations", "publication": "publications",
            "affiliation": "affiliations", "claim": "claims"}
# reference field -> the kinds it may point at
REFERENCES: dict[str, tuple[str, ...]] = {
    "publisher": ("organization",), "author": ("person", "organization"), "person": ("person",),
    "organization": ("organization",), "source": ("publication",),
    "claimant": ("person", "organization", "publication"), "appears_in": ("publication",),
    "originally_in": ("publication",), "relayed_by": ("person", "organization", "publication"),
    "about": ("person", "organization", "publication"), "disputes": ("claim",),
}
LIST_FIELDS = {"aliases", "same_as", "author", "about", "disputes"}
_TABLE_KEYS = {"file", "kind", "id", "fields", "delimiter"}
_TEMPLATE = re.compile(r"\{([^{}]+)\}")
Rows = list[tuple[int, dict[str, str]]]  # (line, column -> cell) per row


def is_mapping(path: Path) -> bool:
    return path.name.lower().endswith(MAPPING_SUFFIX)


@dataclass
class Spec:
    """How one field is filled: from a column, a fixed value or a template; optionally split."""

    column: str | None = None
    value: str | None = None
    template: str | None = None
    split: str | None = None


@dataclass
class Table:
    index: int
    line: int | None
    path: Path
    kind: str
    id_column: str | None
    fields: dict[str, Spec]
    rows: Rows


def table_paths(path: Path, text: str) -> list[Path]:
    """The tables a mapping names (for discovery: they are not case files); [] if it cannot be read."""
    try:
        document = read_yaml(path, text)
    except InputError:
        return []
    tables = document.get("tables") if isinstance(document, dict) else None
    if not isinstance(tables, list):
        return []
    return [path.parent / t["file"] for t in tables if isinstance(t, dict) and isinstance(t.get("file"), str)]


class _Reader:
    def __init__(self, path: Path, text: str, rule: Admitted | None) -> None:
        self.path = path
        self.rule = rule
        self.read: list[tuple[Path, bytes]] = []  # each table as read (the source's hash covers them)
        document = read_yaml(path, text)
        if not isinstance(document, dict) or not isinstance(document.get("tables"), list):
            raise InputError(f"{path}: a mapping needs 'tables:', a list of tables (file, kind, id, fields)")
        unknown = sorted(str(k) for k in document if k not in ("case", "tables", LINE_KEY))
        if unknown:
            raise InputError(f"{path}: unknown section {unknown[0]!r} (expected case, tables)")
        meta = document.get("case") or {}
        if not isinstance(meta, dict):
            raise InputError(f"{path}: section 'case' must be a mapping")
        self.meta = {k: v for k, v in meta.items() if k != LINE_KEY}
        self.tables = [self.table(i, t) for i, t in enumerate(document["tables"])]
        self.ids: dict[str, dict[str, str]] = {kind: {} for kind in SECTIONS}  # kind -> raw id -> record id

    def where(self, line: int | None, index: int, what: str = "") -> str:
        at = f"{self.path}:{line}" if line else str(self.path)
        return f"{at}: tables[{index}]{what}"

    def table(self, index: int, data: Any) -> Table:
        if not isinstance(data, dict):
            raise InputError(f"{self.where(None, index)}: a table must be a mapping (file, kind, id, fields)")
        line = data.get(LINE_KEY)
        for key in data:
            if key not in _TABLE_KEYS and key != LINE_KEY:
                expected = ", ".join(sorted(_TABLE_KEYS))
                raise InputError(f"{self.where(line, index)}: unknown key {key!r} (expected {expected})")
        name, kind = data.get("file"), data.get("kind")
        if not isinstance(name, str) or not name.strip():
            raise InputError(f"{self.where(line, index)}: 'file' is required (the CSV file, relative to the mapping)")
        if kind not in SECTIONS:
            raise InputError(f"{self.where(line, index)} ({name}): 'kind' must be one of {', '.join(SECTIONS)}")
        table_path = (self.path.parent / name)
        if not table_path.resolve().is_relative_to(self.path.parent.resolve()):
            raise InputError(f"{self.where(line, index)}: 'file' {name!r} is outside the mapping's folder")
        delimiter = data.get("delimiter", ",")
        if not isinstance(delimiter, str) or len(delimiter) != 1:
            raise InputError(f"{self.where(line, index)} ({name}): 'delimiter' must be one character")
        header, rows = self.read_table(table_path, delimiter, line, index)
        what = f" ({name})"
        id_column = data.get("id")
        if id_column is not None and (not isinstance(id_column, str) or id_column not in header):
            raise InputError(f"{self.where(line, index, what)}: 'id': {self.missing(id_column, header, name)}")
        raw_fields = data.get("fields")
        if not isinstance(raw_fields, dict) or not raw_fields:
            raise InputError(f"{self.where(line, index, what)}: 'fields' must map kg fields to columns")
        allowed = FIELDS[SECTIONS[kind]]
        fields = {}
        for field_name, spec in raw_fields.items():
            if field_name == LINE_KEY:
                continue
            if field_name == "id" or field_name not in allowed:
                expected = ", ".join(f for f in allowed if f != "id")
                raise InputError(f"{self.where(line, index, what)}: field {field_name!r}: a {kind} has no such field "
                                 f"(expected one of: {expected}; the row id is the table's 'id' column)")
            where = f"{self.where(line, index, what)}: field {field_name!r}"
            fields[field_name] = self.spec(spec, header, name, where)
        return Table(index, line, table_path, kind, id_column, fields, rows)

    @staticmethod
    def missing(column: object, header: list[str], name: str) -> str:
        return f"column {column!r} is not in {name} (its columns: {', '.join(header)})"

    def spec(self, spec: Any, header: list[str], name: str, where: str) -> Spec:
        if isinstance(spec, str):
            spec = {"column": spec}
        if not isinstance(spec, dict):
            raise InputError(f"{where}: give a column name, or one of column/value/template (and split)")
        spec = {k: v for k, v in spec.items() if k != LINE_KEY}
        unknown = sorted(set(spec) - {"column", "value", "template", "split"})
        sources = [k for k in ("column", "value", "template") if k in spec]
        if unknown or len(sources) != 1:
            raise InputError(f"{where}: give exactly one of column, value or template (and optionally split)")
        if not all(isinstance(v, str | int | float) and not isinstance(v, bool) for v in spec.values()):
            raise InputError(f"{where}: column, value, template and split are texts")
        found = Spec(**{k: str(v) for k, v in spec.items()})
        for column in ([found.column] if found.column is not None else
                       _TEMPLATE.findall(found.template) if found.template is not None else []):
            if column not in header:
                raise InputError(f"{where}: {self.missing(column, header, name)}")
        return found

    def read_table(self, path: Path, delimiter: str, line: int | None, index: int) -> tuple[list[str], Rows]:
        if not path.is_file():
            raise InputError(f"{self.where(line, index)}: table {path.name!r} not found next to the mapping")
        data = read_source_bytes(path, self.rule)
        self.read.append((path, data))
        text = decode_text(path, data).removeprefix("\ufeff")  # spreadsheets write a BOM
        header, rows = read_csv_rows(path, text, delimiter)
        header = [column.strip() for column in header]
        if not any(header):
            raise InputError(f"{path}:1: no header row (the first row names the columns)")
        return header, [(line, {k.strip(): v.strip() for k, v in row.items()}) for line, row in rows]

    def register_ids(self) -> None:
        for table in self.tables:
            if table.id_column is None:
                continue
            taken = self.ids[table.kind]
            for number, row in table.rows:
                raw = row.get(table.id_column, "")
                if not raw:
                    raise InputError(f"{table.path}:{number}: column {table.id_column!r} (the row id) is empty")
                if raw not in taken:  # rows repeating an id describe the same record (a denormalised table)
                    taken[raw] = f"{table.kind}:{slug(raw)}:{len(taken) + 1}"

    def value(self, spec: Spec, row: dict[str, str]) -> str:
        if spec.column is not None:
            return row.get(spec.column, "")
        if spec.value is not None:
            return spec.value
        assert spec.template is not None
        return " ".join(_TEMPLATE.sub(lambda m: row.get(m.group(1), ""), spec.template).split())

    def resolve(self, table: Table, number: int, name: str, raw: str) -> str:
        for kind in REFERENCES[name]:
            found = self.ids[kind].get(raw)
            if found is not None:
                return found
        kinds = " or ".join(REFERENCES[name])
        raise InputError(f"{table.path}:{number}: field {name!r}: no {kinds} row has id {raw!r}")

    def records(self) -> list[RawRecord]:
        self.register_ids()
        out: list[RawRecord] = []
        counters: dict[str, int] = {}
        made: dict[str, dict[str, Any]] = {}  # record id -> its fields, for rows that repeat an id
        for table in self.tables:
            section = SECTIONS[table.kind]
            for number, row in table.rows:
                data: dict[str, Any] = {}
                if table.id_column is not None:
                    data["id"] = self.ids[table.kind][row[table.id_column]]
                elif section != "affiliations":
                    data["id"] = f"{table.kind}:{table.index}:{number}"
                for name, spec in table.fields.items():
                    text = self.value(spec, row)
                    values = [v.strip() for v in text.split(spec.split)] if spec.split else [text]
                    values = [v for v in values if v]
                    if name in REFERENCES:
                        values = [self.resolve(table, number, name, v) for v in values]
                    if values:
                        data[name] = values if name in LIST_FIELDS else values[0]
                first = made.get(data.get("id", ""))
                if first is not None:
                    _merge(first, data)
                    continue
                if "id" in data:
                    made[data["id"]] = data
                index = counters.get(section, 0)
                counters[section] = index + 1
                out.append(RawRecord(section, index, number, data, path=table.path))
        return out


def _merge(first: dict[str, Any], later: dict[str, Any]) -> None:
    """A later row of the same record: its list values are added, its other values fill gaps."""
    for name, value in later.items():
        if isinstance(value, list):
            first[name] = first.get(name, []) + [v for v in value if v not in first.get(name, [])]
        else:
            first.setdefault(name, value)


def read_mapping(path: Path, text: str, rule: Admitted | None = None) -> tuple[RawCase, list[tuple[Path, bytes]]]:
    """The mapping's rows as a RawCase for kg.ingest.casemodel.read_case, and the tables it read
    (name, bytes). ``rule``: the folder rule each table is opened under (see :mod:`kg.ingest.guard`)."""
    reader = _Reader(path, text, rule)
    records = reader.records()
    if not records:
        raise InputError(f"{path}: its tables have no rows")
    return RawCase(path, reader.meta, records), reader.read
