"""FollowTheMoney JSON lines (an Aleph or OpenSanctions export, or kg's own) -> case-file records.

Each line is one FtM entity (``{"id", "schema", "properties"}``). Every line is checked against
the followthemoney model before anything else happens: a line that is not JSON, a schema the
model does not know, a property the schema does not have, or values that are not lists of texts
is an error naming the file, line and field, and the file is refused whole.

What kg holds is then read back (docs/ftm.md has the table): people, organizations (companies and
public bodies too), documents and articles as publications, memberships, employments and
directorships as affiliations, and the claims kg itself exported (events tagged ``kg:<claim
kind>``, with their Documentation and UnknownLink links). Each entity keeps its FtM id as
``owl:sameAs <e:ID>``, the IRI ``ftm export-rdf`` gives it. Entities of other schemas (addresses,
sanctions, ownerships …) are skipped and counted. The records then go through the same checks as
a hand-written case file (kg.ingest.casemodel).
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kg import ontology
from kg.errors import InputError
from kg.ingest.casefile import RawCase, RawRecord
from kg.ingest.guard import json_reason
from kg.iris import slug

if TYPE_CHECKING:
    from followthemoney.schema import Schema

FTM_SUFFIXES = (".ftm.json", ".ftm.jsonl")
TAG = "kg:"  # keywords kg writes start with this: kg:direct-quote, kg:credibility=6, kg:type=NewsArticle
# ids of kg's own FtM export: kg.<IRI path with '.'>, or kg.hash.<kind>.<hash> (docs/ftm.md)
OWN = "kg."
OWN_HASHED = "kg.hash."
_KG_ID = re.compile(r"^kg\.(person|org|publication|claim|affiliation)\.(.+)$")
_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?")
ORG_KIND_OF_SCHEMA = {"Company": "Company", "PublicBody": "GovernmentAgency"}
AFFILIATIONS = {"Membership": ("member", "organization"), "Employment": ("employee", "employer"),
                "Directorship": ("director", "organization")}
# roles of the link entities kg writes (its own edge labels: docs/ftm.md)
SAID, ABOUT, FIRST_APPEARED, RELAYED, DISPUTES = "said", "about", "first appeared in", "relayed", "disputes"
PUBLISHED_BY, WRITTEN_BY = "published by", "written by"


def is_ftm_file(path: Path) -> bool:
    return path.name.lower().endswith(FTM_SUFFIXES)


@dataclass
class Entity:
    line: int
    id: str
    schema: Schema
    props: dict[str, list[str]]

    def get(self, name: str) -> list[str]:
        return self.props.get(name, [])

    def first(self, name: str) -> str | None:
        values = self.get(name)
        return values[0] if values else None


@dataclass
class FtmCase:
    raw: RawCase
    skipped: Counter[str] = field(default_factory=Counter)  # schema -> entities kg does not hold


def parse_lines(path: Path, text: str) -> list[Entity]:
    """Every line checked against the FtM model; the first problem raises InputError."""
    from followthemoney import model  # a second or more to load: only when an FtM file is read

    out: list[Entity] = []
    seen: dict[str, int] = {}
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(f"{path}:{number}: malformed JSON: {exc.msg} (column {exc.colno})") from None
        except (RecursionError, ValueError) as exc:
            raise InputError(f"{path}:{number}: malformed JSON: {json_reason(exc)}") from None
        out.append(_entity(path, number, data, seen, model))
    if not out:
        raise InputError(f"{path}: no FtM entities (expected one JSON object per line)")
    return out


def _entity(path: Path, number: int, data: Any, seen: dict[str, int], model: Any) -> Entity:
    where = f"{path}:{number}"
    if not isinstance(data, dict):
        raise InputError(f"{where}: an FtM entity must be a JSON object, not {type(data).__name__}")
    ident = data.get("id")
    if not isinstance(ident, str) or not ident.strip():
        raise InputError(f"{where}: field 'id' is required (the FtM entity id)")
    if not re.match(r"^[A-Za-z0-9][A-Za-z0-9._:-]*$", ident):
        raise InputError(f"{where}: field 'id': {ident[:80]!r} is not an FtM entity id")
    if ident in seen:
        raise InputError(f"{where}: entity {ident!r} appears twice (first on line {seen[ident]}); "
                         "aggregate the fragments first (ftm aggregate)")
    seen[ident] = number
    name = data.get("schema")
    schema = model.get(name) if isinstance(name, str) else None
    if schema is None:
        raise InputError(f"{where}: entity {ident!r}: field 'schema': {str(name)[:80]!r} is not a "
                         "FollowTheMoney schema")
    props = data.get("properties", {})
    if not isinstance(props, dict):
        raise InputError(f"{where}: entity {ident!r}: field 'properties' must be an object")
    clean: dict[str, list[str]] = {}
    for prop, values in props.items():
        if schema.get(prop) is None:
            raise InputError(f"{where}: entity {ident!r} ({schema.name}): field 'properties.{str(prop)[:80]}': "
                             f"{schema.name} has no such property")
        if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
            raise InputError(f"{where}: entity {ident!r} ({schema.name}): field 'properties.{prop}' "
                             "must be a list of texts")
        kept = [" ".join(v.split()) if schema.get(prop).type.name != "text" else v.strip() for v in values]
        clean[prop] = [v for v in kept if v]
    return Entity(number, ident, schema, clean)


class _Mapper:
    def __init__(self, path: Path, entities: list[Entity]) -> None:
        self.path = path
        self.entities = entities
        self.onto = ontology.load()
        self.kinds: dict[str, str] = {}  # FtM id -> person | organization | publication | claim
        self.records: list[RawRecord] = []
        self.counters: Counter[str] = Counter()
        self.skipped: Counter[str] = Counter()
        self.data: dict[str, dict[str, Any]] = {}  # FtM id -> the record's fields, filled by links
        self.names: dict[tuple[str, str], str] = {}  # (kind, slug of name) -> first id

    def add(self, section: str, line: int, data: dict[str, Any]) -> dict[str, Any]:
        self.records.append(RawRecord(section, self.counters[section], line, data))
        self.counters[section] += 1
        return data

    def tag(self, entity: Entity, name: str) -> str | None:
        prefix = f"{TAG}{name}="
        return next((k[len(prefix):] for k in entity.get("keywords") if k.startswith(prefix)), None)

    def same_as(self, entity: Entity) -> list[str]:
        found = [] if entity.id.startswith(OWN) else [f"e:{entity.id}"]
        found += [f"http://www.wikidata.org/entity/{q}" for q in entity.get("wikidataId") if re.match(r"^Q\d+$", q)]
        return found

    def key(self, kind: str, entity: Entity, name: str) -> str | None:
        """A ``key`` when the name alone would not give the right IRI: kg's own ids keep their IRI;
        two FtM entities of one kind with one name stay two (their id tells them apart)."""
        own = _KG_ID.match(entity.id)
        if own and own.group(1) != "claim" and slug(own.group(2)) == own.group(2) and own.group(2) != slug(name):
            return own.group(2)
        first = self.names.setdefault((kind, slug(name)), entity.id)
        return None if first == entity.id else f"{name} {entity.id}"

    def legal_entity(self, entity: Entity, kind: str) -> None:
        names = entity.get("name")
        if not names:
            self.skipped[f"{entity.schema.name} without a name"] += 1
            return
        name = names[0]
        data: dict[str, Any] = {"id": entity.id, "name": name,
                                "aliases": _unique(names[1:] + entity.get("alias") + entity.get("previousName"), name)}
        if kind == "organization":
            classification = next((c for c in entity.get("classification") if c in self.onto.organization_kinds),
                                  None)
            data["kind"] = classification or ORG_KIND_OF_SCHEMA.get(entity.schema.name)
            data["url"] = entity.first("website")
        self.common(entity, kind, name, data)
        self.kinds[entity.id] = kind
        self.data[entity.id] = self.add("people" if kind == "person" else "organizations", entity.line, data)

    def common(self, entity: Entity, kind: str, name: str, data: dict[str, Any]) -> None:
        data["reliability"] = self.tag(entity, "reliability")
        data["note"] = "\n\n".join(entity.get("notes")) or None
        data["same_as"] = self.same_as(entity)
        data["key"] = self.key(kind, entity, name)

    def publication(self, entity: Entity) -> None:
        title = entity.first("title") or entity.first("name") or entity.first("fileName")
        if title is None:
            self.skipped[f"{entity.schema.name} without a title"] += 1
            return
        pub_type = self.tag(entity, "type")
        data: dict[str, Any] = {
            "id": entity.id, "title": title,
            "type": pub_type if pub_type in self.onto.publication_types else None,
            "date": _date(entity.first("publishedAt") or entity.first("date") or entity.first("authoredAt")),
            "url": entity.first("sourceUrl"), "language": entity.first("language"),
            "aliases": _unique(entity.get("alias"), title), "author": [],
        }
        self.common(entity, "publication", title, data)
        self.kinds[entity.id] = "publication"
        self.data[entity.id] = self.add("publications", entity.line, data)

    def claim(self, entity: Entity, claim_kind: str) -> None:
        text = entity.first("description") or entity.first("name")
        data: dict[str, Any] = {
            "id": entity.id, "text": text, "kind": claim_kind, "quote": entity.first("summary"),
            "date": _date(entity.first("date")), "note": "\n\n".join(entity.get("notes")) or None,
            "credibility": self.tag(entity, "credibility"), "hedged": self.tag(entity, "hedged"),
            "confidence": self.tag(entity, "confidence"),
            "claimant": entity.first("organizer"), "appears_in": entity.first("proof"),
            "about": list(entity.get("involved")), "disputes": [],
        }
        self.kinds[entity.id] = "claim"
        self.data[entity.id] = self.add("claims", entity.line, data)

    def map(self) -> None:
        kinds = {f"{TAG}{k}": k for k in self.onto.claim_kinds}
        for entity in self.entities:
            schema = entity.schema
            if schema.is_a("Person"):
                self.legal_entity(entity, "person")
            elif schema.is_a("Organization") or schema.name == "LegalEntity":
                self.legal_entity(entity, "organization")
            elif schema.is_a("Document"):
                self.publication(entity)
            elif schema.name == "Event" and any(k in kinds for k in entity.get("keywords")):
                self.claim(entity, next(kinds[k] for k in entity.get("keywords") if k in kinds))
        for entity in self.entities:
            if entity.id in self.kinds:
                continue
            if entity.schema.name in AFFILIATIONS:
                self.affiliation(entity)
            elif entity.schema.name == "Documentation":
                self.documentation(entity)
            elif entity.schema.name == "UnknownLink":
                self.unknown_link(entity)
            elif not self.kinds.get(entity.id):
                self.skipped[entity.schema.name] += 1
        self.publishers_by_name()

    def affiliation(self, entity: Entity) -> None:
        person_prop, org_prop = AFFILIATIONS[entity.schema.name]
        person, org = entity.first(person_prop), entity.first(org_prop)
        if self.kinds.get(person or "") != "person" or self.kinds.get(org or "") != "organization":
            self.skipped[f"{entity.schema.name} not between a person and an organization kg holds"] += 1
            return
        stated: list[str | None] = [p for p in entity.get("proof") if self.kinds.get(p) == "publication"]
        for source in stated or [None]:  # kg states one affiliation once per publication that states it
            self.add("affiliations", entity.line, {
                "person": person, "organization": org, "role": entity.first("role"), "source": source,
                "start": _date(entity.first("startDate")), "end": _date(entity.first("endDate"))})

    def documentation(self, entity: Entity) -> None:
        document, other, role = entity.first("document"), entity.first("entity"), entity.first("role")
        doc = self.data.get(document or "") if self.kinds.get(document or "") == "publication" else None
        target = self.data.get(other or "")
        kind = self.kinds.get(other or "")
        if doc is not None and role == PUBLISHED_BY and kind == "organization":
            doc["publisher"] = other
        elif doc is not None and role == WRITTEN_BY and kind in ("person", "organization"):
            doc["author"].append(other)
        elif target is not None and kind == "claim" and role == SAID:
            target["claimant"] = document
        elif target is not None and kind == "claim" and role == ABOUT:
            target["about"].append(document)
        elif target is not None and kind == "claim" and role == FIRST_APPEARED:
            target["originally_in"] = document
        else:
            self.skipped["Documentation"] += 1

    def unknown_link(self, entity: Entity) -> None:
        subject, obj, role = entity.first("subject"), entity.first("object"), entity.first("role")
        if role == RELAYED and self.kinds.get(obj or "") == "claim":
            self.data[obj or ""]["relayed_by"] = subject
        elif role == DISPUTES and self.kinds.get(subject or "") == "claim":
            self.data[subject or ""]["disputes"].append(obj)
        else:
            self.skipped["UnknownLink"] += 1

    def publishers_by_name(self) -> None:
        """An FtM document names its publisher as text; without a Documentation link kg makes that
        name an organization (as it does for an article's publisher)."""
        for entity in self.entities:
            doc = self.data.get(entity.id)
            if self.kinds.get(entity.id) != "publication" or doc is None or doc.get("publisher"):
                continue
            name = entity.first("publisher")
            if name:
                ident = f"{entity.id}.publisher"
                self.kinds[ident] = "organization"
                self.add("organizations", entity.line, {"id": ident, "name": name})
                doc["publisher"] = ident

    def case_key(self) -> str | None:
        """kg's own claims come back under their case's key (so their IRIs are the same) when they
        all come from one case."""
        cases = {m.group(2).split(".", 1)[0] for i in self.kinds if (m := _KG_ID.match(i)) and m.group(1) == "claim"}
        return cases.pop() if len(cases) == 1 else None


def _unique(values: list[str], name: str) -> list[str]:
    out: list[str] = []
    for value in values:
        if value != name and value not in out:
            out.append(value)
    return out


def _date(value: str | None) -> str | None:
    match = _DATE.match(value or "")
    return match.group(0) if match else None


def read_ftm(path: Path, text: str) -> FtmCase:
    """The file's entities as a RawCase for kg.ingest.casemodel.read_case, and what was skipped."""
    mapper = _Mapper(path, parse_lines(path, text))
    mapper.map()
    key = mapper.case_key()
    renamed = {i: i.split(".", 3)[3] for i, kind in mapper.kinds.items()
               if key and kind == "claim" and i.startswith(f"kg.claim.{key}.")}
    for record in mapper.records:
        data = {k: v for k, v in record.data.items() if v not in (None, [], "")}
        if record.section == "claims":
            data["id"] = renamed.get(data["id"], data["id"])
            if "disputes" in data:
                data["disputes"] = [renamed.get(i, i) for i in data["disputes"]]
        record.data = data
    raw = RawCase(path, {"id": key} if key else {}, mapper.records)
    if not raw.records:
        kinds = ", ".join(f"{name} ({count})" for name, count in sorted(mapper.skipped.items()))
        raise InputError(f"{path}: no people, organizations, publications or affiliations among its entities "
                         f"({kinds})")
    return FtmCase(raw, mapper.skipped)
