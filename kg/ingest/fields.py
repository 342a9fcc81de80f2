"""Reading one case-file record's fields: required and unknown fields, types, dates, grades, IRIs.

Every problem becomes an InputError that points at the file, line, record and field
(:class:`Where`), so ``casemodel`` can stay about what the records mean.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kg.errors import InputError, shown
from kg.ingest.casefile import CSV_LIST_SEPARATOR
from kg.ingest.guard import check_literal
from kg.iris import check_iri

_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
_HINTS = {
    "claimant": "who made the claim: a person, organization or publication id",
    "appears_in": "the publication the claim appeared in",
    "kind": "direct-quote, reported-speech or unattributed",
}


@dataclass(frozen=True)
class Where:
    """Where a record sits: file, section, index, line, id. Immutable, so copies share it."""

    path: Path
    section: str
    index: int
    line: int | None
    id: str | None = None

    def __deepcopy__(self, memo: dict[int, Any]) -> Where:
        return self

    def __str__(self) -> str:
        loc = f"{self.path}:{self.line}" if self.line else str(self.path)
        name = f" {shown(self.id)}" if self.id else ""
        return f"{loc}: {self.section}[{self.index}]{name}"


class FieldReader:
    """Reads one record's fields, raising InputError that points at the record and field."""

    def __init__(self, where: Where, data: dict[str, Any], spec: dict[str, bool], csv: bool) -> None:
        self.where, self.data, self.csv = where, data, csv
        for name in data:
            if name not in spec:
                raise self.error(str(name), f"unknown field (expected one of: {', '.join(spec)})")
        for name, required in spec.items():
            if required and self._missing(data.get(name)):
                hint = f" ({_HINTS[name]})" if name in _HINTS else ""
                raise self.error(name, f"is required{hint}")

    @staticmethod
    def _missing(value: Any) -> bool:
        return value is None or (isinstance(value, str | list | dict) and not value)

    def error(self, name: str, problem: str) -> InputError:
        return InputError(f"{self.where}: field {shown(name)} {problem}")

    def text(self, name: str) -> str | None:
        value = self.data.get(name)
        if self._missing(value):
            return None
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            raise self.error(name, f"must be text, not {type(value).__name__}")
        if isinstance(value, float) and not math.isfinite(value):  # JSON's NaN/Infinity, YAML's .nan/.inf
            raise self.error(name, f"must be text, not {value}")
        result = str(value).strip()
        check_literal(lambda: f"{self.where}: field {shown(name)}", result)
        return result or None

    def required_text(self, name: str) -> str:
        value = self.text(name)
        if value is None:
            raise self.error(name, "is required")
        return value

    def texts(self, name: str) -> list[str]:
        value = self.data.get(name)
        if self._missing(value):
            return []
        if isinstance(value, str):
            parts = value.split(CSV_LIST_SEPARATOR) if self.csv else [value]
            return [p.strip() for p in parts if p.strip()]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self.error(name, "must be a text or a list of texts")
        return [v.strip() for v in value if v.strip()]

    def date(self, name: str) -> str | None:
        value = self.data.get(name)
        if self._missing(value):
            return None
        if isinstance(value, dt.datetime):
            return value.date().isoformat()
        if isinstance(value, dt.date):
            return value.isoformat()
        text = str(value).strip()
        if isinstance(value, bool) or not _DATE.match(text):
            raise self.error(name, f"{shown(text)} is not a date (YYYY, YYYY-MM or YYYY-MM-DD)")
        if len(text) == 10:
            try:
                dt.date.fromisoformat(text)
            except ValueError:
                raise self.error(name, f"{shown(text)} is not a valid calendar date") from None
        return text

    def choice(self, name: str, table: dict[str, str], what: str) -> str | None:
        value = self.data.get(name)
        if self._missing(value):
            return None
        key = str(value).strip()
        if isinstance(value, bool) or key not in table:
            raise self.error(name, f"{shown(key)} is not {what} ({', '.join(table)})")
        return table[key]

    def boolean(self, name: str) -> bool | None:
        value = self.data.get(name)
        if value is None or value == "":
            return None
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.lower() in ("true", "yes", "false", "no"):
            return value.lower() in ("true", "yes")
        raise self.error(name, f"{shown(value)} is not true or false")

    def iri(self, name: str) -> str | None:
        value = self.text(name)
        if value is None:
            return None
        try:
            return check_iri(value, "x")
        except InputError:
            raise self.error(name, f"{shown(value)} is not an absolute URL/IRI") from None

    def iris(self, name: str) -> list[str]:
        out = []
        for value in self.texts(name):
            try:
                out.append(check_iri(value, "x"))
            except InputError:
                raise self.error(name, f"{shown(value)} is not an absolute IRI") from None
        return out

    def integer(self, name: str, value: Any) -> int | None:
        if value is None or value == "":
            return None
        if isinstance(value, bool):
            raise self.error(name, f"{shown(value)} is not a whole number")
        try:
            number = int(value)
            whole = not isinstance(value, float) or number == value
        except (TypeError, ValueError, OverflowError):
            whole = False
        if not whole:
            raise self.error(name, f"{shown(value)} is not a whole number")
        if number < 0:
            raise self.error(name, f"{number} must not be negative")
        return number

    def fraction(self, name: str) -> float | None:
        value = self.data.get(name)
        if value is None or value == "":
            return None
        try:
            number = float(value)
        except (TypeError, ValueError):
            raise self.error(name, f"{shown(value)} is not a number between 0 and 1") from None
        if isinstance(value, bool) or not 0.0 <= number <= 1.0:
            raise self.error(name, f"{shown(value)} is not a number between 0 and 1")
        return number

    def mapping(self, name: str) -> dict[str, Any] | None:
        value = self.data.get(name)
        if self._missing(value):
            return None
        if not isinstance(value, dict):
            raise self.error(name, "must be a mapping")
        return value

    def mappings(self, name: str) -> list[dict[str, Any]]:
        value = self.data.get(name)
        if self._missing(value):
            return []
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            raise self.error(name, "must be a list of mappings")
        return value
