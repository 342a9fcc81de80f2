"""The curation file: the investigator's decisions, kept under version control and re-applied on
every build so that rebuilding from the sources always gives the curated graph.

```yaml
decisions:
  - action: merge            # merge | split | reject | rename | retype
    entities: [person:Jinato Liu, articles/a.txt#p3]
    reason: same man; the article gives his initial only
    author: alice
    date: 2026-11-27
  - action: reject
    entity: person:He
    reason: a pronoun tagged as a person
  - action: rename
    entity: org/ccp
    name: Chinese Communist Party
  - action: retype
    entity: person:Falun Gong
    type: organization
```

References are explained in :mod:`kg.resolve.refs`. A decision that matches nothing is reported,
never silently dropped. The file is only ever appended to by ``kg merge`` & co (comments survive),
and written atomically.
"""

from __future__ import annotations

import datetime as dt
import getpass
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from kg import defaults
from kg.errors import InputError
from kg.fsutil import write_bytes_atomic
from kg.resolve.mention import Mention
from kg.resolve.refs import RefIndex, parse_kind
from kg.resolve.resolver import Plan

ACTIONS = ("merge", "split", "reject", "rename", "retype")
CURATION_FILE = defaults.CURATION_FILE
_HEADER = ("# Investigator decisions about entities, re-applied on every `kg build` (see `kg merge --help`).\n"
           "# Written by kg merge / split / reject / rename / retype; safe to edit by hand.\n")
_FIELDS = {"action", "entities", "entity", "name", "type", "reason", "author", "date"}


@dataclass
class Decision:
    action: str
    entities: list[str]
    reason: str = ""
    author: str = ""
    date: str = ""
    name: str | None = None  # rename
    type: str | None = None  # retype
    number: int = 0  # position in the file, from 1

    def describe(self, path: Path | str) -> str:
        who = ", ".join(x for x in (self.author, self.date) if x)
        return f"{path}: decision {self.number} ({self.action} {' + '.join(self.entities)}{'; ' + who if who else ''})"

    def to_yaml(self) -> dict[str, Any]:
        out: dict[str, Any] = {"action": self.action}
        if self.action in ("merge", "split"):
            out["entities"] = list(self.entities)
        else:
            out["entity"] = self.entities[0]
        if self.name is not None:
            out["name"] = self.name
        if self.type is not None:
            out["type"] = self.type
        out.update(reason=self.reason, author=self.author, date=self.date)
        return out


def default_author() -> str:
    author = os.environ.get("KG_AUTHOR")
    if author:
        return author
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def new_decision(action: str, entities: list[str], reason: str = "", name: str | None = None,
                 kind: str | None = None, author: str | None = None) -> Decision:
    decision = Decision(action, entities, reason, author or default_author(), dt.date.today().isoformat(),
                        name, parse_kind(kind) if kind else None)
    _check(decision, "decision")
    return decision


def _check(d: Decision, where: str) -> None:
    if d.action not in ACTIONS:
        raise InputError(f"{where}: field 'action': {d.action!r} is not one of {', '.join(ACTIONS)}")
    wanted = 2 if d.action in ("merge", "split") else 1
    if len(d.entities) != wanted or not all(e.strip() for e in d.entities):
        what = "'entities' must list two entities" if wanted == 2 else "'entity' is required"
        raise InputError(f"{where}: field {what}")
    if d.action in ("merge", "split", "reject") and not d.reason.strip():
        raise InputError(f"{where}: field 'reason' is required for {d.action} (say why, for the audit trail)")
    if d.action == "rename" and not (d.name or "").strip():
        raise InputError(f"{where}: field 'name' is required for rename (the new name)")
    if d.action == "retype":
        if not d.type:
            raise InputError(f"{where}: field 'type' is required for retype (person, organization, publication)")
        try:
            d.type = parse_kind(d.type)
        except InputError as exc:
            raise InputError(f"{where}: field 'type': {exc}") from None


def _text(item: dict[str, Any], name: str) -> str:
    value = item.get(name)
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


def load(path: Path) -> list[Decision]:
    """The decisions in ``path`` (none if the file does not exist); InputError names the bad one."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return []
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: cannot read the curation file ({exc})") from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise InputError(f"{path}: not valid YAML ({' '.join(str(exc).split())})") from None
    if data is None:
        return []
    if not isinstance(data, dict) or not isinstance(data.get("decisions", []), list) or set(data) - {"decisions"}:
        raise InputError(f"{path}: expected a mapping with one key, 'decisions', holding a list")
    out = []
    for number, item in enumerate(data.get("decisions") or [], 1):
        where = f"{path}: decisions[{number}]"
        if not isinstance(item, dict):
            raise InputError(f"{where}: must be a mapping (action, entities/entity, reason, ...)")
        unknown = sorted(set(map(str, item)) - _FIELDS)
        if unknown:
            raise InputError(f"{where}: unknown field {unknown[0]!r} (expected {', '.join(sorted(_FIELDS))})")
        entities = item.get("entities", [item["entity"]] if "entity" in item else [])
        if isinstance(entities, str) or not isinstance(entities, list):
            raise InputError(f"{where}: field 'entities' must be a list")
        decision = Decision(_text(item, "action"), [str(e) for e in entities], _text(item, "reason"),
                            _text(item, "author"), _text(item, "date"), _text(item, "name") or None,
                            _text(item, "type") or None, number)
        _check(decision, where)
        out.append(decision)
    return out


def append(path: Path, decision: Decision) -> int:
    """Add one decision at the end of the file (created if missing); returns its number."""
    try:
        old = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        old = ""
    before = load(path)
    item = yaml.safe_dump([decision.to_yaml()], sort_keys=False, allow_unicode=True, width=1000)
    block = "".join("  " + line if line.strip() else line for line in item.splitlines(keepends=True))
    separator = "" if old.endswith("\n") else "\n"
    text = old + separator + block if old.strip() else _HEADER + "decisions:\n" + block
    try:
        after = yaml.safe_load(text)
        ok = isinstance(after, dict) and len(after.get("decisions") or []) == len(before) + 1
    except yaml.YAMLError:
        ok = False
    if not ok:  # an unusual layout (flow style, trailing keys): rewrite the whole file instead
        items = [d.to_yaml() for d in [*before, decision]]
        text = _HEADER + yaml.safe_dump({"decisions": items}, sort_keys=False, allow_unicode=True, width=1000)
    write_bytes_atomic(path, text.encode("utf-8"))
    return len(before) + 1


def plan(decisions: list[Decision], mentions: list[Mention], path: Path | str) -> Plan:
    """Match decisions against this build's mentions; decisions matching nothing become notes."""
    result = Plan()
    if not decisions:  # nothing to match: the indexes below cost seconds on a million mentions
        return result
    index = RefIndex(mentions)
    for d in (d for d in decisions if d.action == "retype"):
        for i in _match(d, index, result, path):
            result.retype[i] = d.type or mentions[i].kind
    index = RefIndex(mentions, [result.retype.get(i, m.kind) for i, m in enumerate(mentions)])
    renamed = RefIndex(mentions, index.kinds)
    for d in (d for d in decisions if d.action == "rename"):
        for i in renamed.lookup(d.entities[0]):
            index.add_name(i, d.name or "")  # later decisions may name an entity by its new name
    for d in decisions:
        what = d.describe(path)
        if d.action == "reject":
            for i in _match(d, index, result, path):
                result.rejected[i] = f"{what}: {d.reason}"
        elif d.action in ("merge", "split"):
            sides = [index.lookup(ref) for ref in d.entities]
            missing = [ref for ref, side in zip(d.entities, sides, strict=True) if not side]
            if missing:
                result.notes.append(f"{what}: {missing[0]!r} matches no entity any more; fix or remove the decision")
                continue
            (result.merges if d.action == "merge" else result.splits).append((sides[0], sides[1], what))
        elif d.action == "rename":
            result.renames.append((_match(d, index, result, path), d.name or ""))
    return result


def _match(d: Decision, index: RefIndex, result: Plan, path: Path | str) -> list[int]:
    found = index.lookup(d.entities[0])
    if not found:
        result.notes.append(f"{d.describe(path)}: {d.entities[0]!r} matches no entity any more; "
                            "fix or remove the decision")
    return found
