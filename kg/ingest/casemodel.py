"""Case-file records: what each section may contain, checked field by field.

Turns a :class:`RawCase` into typed records whose references all resolve inside the file.
Every error names the file, line (when known), record, field and problem.
"""

from __future__ import annotations

import copy
import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kg import ontology, schema
from kg.errors import InputError, shown
from kg.ingest.casefile import RawCase, RawRecord
from kg.ingest.fields import FieldReader, Where
from kg.iris import slug

_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:-]*$")
_LANG = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$")

_SCHEMA = schema.load()
ENTITY_SECTIONS = {name: s.kind for name, s in _SCHEMA.sections.items() if s.kind is not None}  # section -> kind
FIELDS: dict[str, dict[str, bool]] = {name: s.fields for name, s in _SCHEMA.sections.items()}  # field -> required
_NESTED_AFFILIATION = _SCHEMA.nested["affiliations"]
_EVIDENCE = _SCHEMA.nested["evidence"]


_IMMUTABLE = (str, int, float, bool, type(None), Path)


def _copy_record(record: Any, memo: dict[int, Any]) -> Any:
    """``copy.deepcopy`` of one record without deepcopy's generic, slow reconstruction of every field
    (entity resolution copies whole cases): immutable values are shared, lists of texts copied, and
    anything else deep-copied as usual."""
    state = dict(record.__dict__)
    for name, value in state.items():
        if isinstance(value, _IMMUTABLE):
            continue
        if isinstance(value, list) and all(isinstance(item, str) for item in value):
            state[name] = list(value)
        else:
            state[name] = copy.deepcopy(value, memo)
    new = object.__new__(type(record))
    new.__dict__.update(state)
    return new


@dataclass
class Evidence:
    __deepcopy__ = _copy_record

    exact: str
    prefix: str | None = None
    suffix: str | None = None
    start: int | None = None
    end: int | None = None
    page: int | None = None  # the page of a paged document (PDF) where the words are, from 1


@dataclass
class Entity:
    __deepcopy__ = _copy_record

    id: str
    kind: str  # person | organization | publication
    where: Where
    name: str
    aliases: list[str] = field(default_factory=list)
    reliability: str | None = None
    note: str | None = None
    url: str | None = None
    same_as: list[str] = field(default_factory=list)
    key: str | None = None
    org_kind: str | None = None
    pub_type: str | None = None
    publisher: str | None = None
    authors: list[str] = field(default_factory=list)
    date: str | None = None
    language: str | None = None


@dataclass
class Affiliation:
    __deepcopy__ = _copy_record

    where: Where
    person: str
    organization: str
    role: str | None
    source: str | None
    start: str | None
    end: str | None


@dataclass
class Claim:
    __deepcopy__ = _copy_record

    id: str
    where: Where
    claimant: str
    appears_in: str
    text: str
    kind: str
    originally_in: str | None = None
    relayed_by: str | None = None
    about: list[str] = field(default_factory=list)
    quote: str | None = None
    credibility: str | None = None
    hedged: bool | None = None
    disputes: list[str] = field(default_factory=list)
    date: str | None = None
    evidence: Evidence | None = None
    confidence: float | None = None
    note: str | None = None


@dataclass
class Case:
    path: Path
    key: str
    title: str | None
    language: str | None
    entities: dict[str, Entity]
    affiliations: list[Affiliation]
    claims: list[Claim]


class _CaseReader:
    def __init__(self, raw: RawCase) -> None:
        self.raw = raw
        self.onto = ontology.load()
        self.csv = raw.path.suffix.lower() == ".csv"
        self.entities: dict[str, Entity] = {}
        self.claims: dict[str, Claim] = {}
        self.first_use: dict[str, Where] = {}
        self.affiliations: list[Affiliation] = []

    def where(self, record: RawRecord) -> Where:
        raw_id = record.data.get("id")
        ident = str(raw_id) if isinstance(raw_id, str | int) and not isinstance(raw_id, bool) else None
        return Where(record.path or self.raw.path, record.section, record.index, record.line, ident)

    def read(self) -> Case:
        meta = self.raw.meta
        unknown = sorted(str(k) for k in meta if k not in ("id", "title", "language", "note"))
        if unknown:
            raise InputError(f"{self.raw.path}: case: unknown field {shown(unknown[0])} "
                             "(expected id, title, language, note)")
        for name, value in meta.items():
            if value is not None and (isinstance(value, bool) or not isinstance(value, str | int | float)
                                      or (isinstance(value, float) and not math.isfinite(value))):
                raise InputError(f"{self.raw.path}: case: field {shown(name)} must be text, not {type(value).__name__}")
        key = str(meta.get("id") or self.raw.path.stem)
        for record in self.raw.records:
            self.read_record(record)
        for entity in self.entities.values():
            self.check_entity_refs(entity)
        for affiliation in self.affiliations:
            self.check_affiliation(affiliation)
        for claim in self.claims.values():
            self.check_claim_refs(claim)
        self.check_name_clashes()
        title = meta.get("title")
        language = meta.get("language")
        return Case(self.raw.path, key, str(title) if title else None, str(language) if language else None,
                    self.entities, self.affiliations, list(self.claims.values()))

    def register(self, where: Where, fields: FieldReader) -> str:
        ident = fields.required_text("id")
        if not _ID.match(ident):
            raise fields.error("id", f"{shown(ident)} must start with a letter or digit and use only "
                               "letters, digits, '.', '_', ':' and '-'")
        first = self.first_use.get(ident)
        if first is not None:
            at = f" at line {first.line}" if first.line else ""
            raise InputError(f"{where}: duplicate id {shown(ident)} (first used by {first.section}[{first.index}]{at})")
        self.first_use[ident] = where
        return ident

    def read_record(self, record: RawRecord) -> None:
        where = self.where(record)
        fields = FieldReader(where, record.data, FIELDS[record.section], self.csv)
        if record.section == "affiliations":
            self.affiliations.append(self.affiliation(where, fields, fields.required_text("person")))
            return
        ident = self.register(where, fields)
        if record.section == "claims":
            self.claims[ident] = self.claim(ident, where, fields)
            return
        kind = ENTITY_SECTIONS[record.section]
        name_field = "title" if kind == "publication" else "name"
        entity = Entity(
            id=ident, kind=kind, where=where, name=fields.required_text(name_field),
            aliases=fields.texts("aliases"),
            reliability=fields.choice("reliability", self.onto.reliability, "an Admiralty reliability grade"),
            note=fields.text("note"), url=fields.iri("url"), same_as=fields.iris("same_as"),
            key=fields.text("key"),
        )
        if kind == "organization":
            entity.org_kind = fields.choice("kind", self.onto.organization_kinds, "an organization kind")
        elif kind == "publication":
            entity.pub_type = fields.choice("type", self.onto.publication_types, "a publication type")
            entity.publisher = fields.text("publisher")
            entity.authors = fields.texts("author")
            entity.date = fields.date("date")
            entity.language = fields.text("language")
            if entity.language and not _LANG.match(entity.language):
                raise fields.error("language", f"{shown(entity.language)} is not a language tag such as 'en'")
        elif kind == "person":
            for index, item in enumerate(fields.mappings("affiliations")):
                nested = Where(where.path, f"{where.section}[{where.index}].affiliations", index, where.line, ident)
                self.affiliations.append(self.affiliation(
                    nested, FieldReader(nested, item, _NESTED_AFFILIATION, self.csv), ident))
        self.entities[ident] = entity

    def affiliation(self, where: Where, fields: FieldReader, person: str) -> Affiliation:
        return Affiliation(where, person, fields.required_text("organization"), fields.text("role"),
                           fields.text("source"), fields.date("start"), fields.date("end"))

    def claim(self, ident: str, where: Where, fields: FieldReader) -> Claim:
        claim = Claim(
            id=ident, where=where, claimant=fields.required_text("claimant"),
            appears_in=fields.required_text("appears_in"), text=fields.required_text("text"),
            kind=fields.choice("kind", self.onto.claim_kinds, "a claim kind") or "",
            originally_in=fields.text("originally_in"), relayed_by=fields.text("relayed_by"),
            about=fields.texts("about"), quote=fields.text("quote"),
            credibility=fields.choice("credibility", self.onto.credibility, "an Admiralty credibility grade"),
            hedged=fields.boolean("hedged"), disputes=fields.texts("disputes"), date=fields.date("date"),
            confidence=fields.fraction("confidence"), note=fields.text("note"),
        )
        evidence = fields.mapping("evidence")
        if evidence is not None:
            claim.evidence = self.evidence(where, evidence)
        return claim

    def evidence(self, where: Where, data: dict[str, Any]) -> Evidence:
        sub = Where(where.path, f"{where.section}[{where.index}].evidence", 0, where.line, where.id)
        fields = FieldReader(sub, data, _EVIDENCE, self.csv)
        fields.required_text("exact")
        exact = str(data["exact"])  # kept byte for byte: it must match the source text exactly
        start = fields.integer("start", data.get("start"))
        end = fields.integer("end", data.get("end"))
        if (start is None) != (end is None):
            raise fields.error("start", "and 'end' must be given together")
        if start is not None and end is not None and end - start != len(exact):
            raise fields.error("end", f"minus 'start' is {end - start}, but 'exact' has {len(exact)} characters")
        page = fields.integer("page", data.get("page"))
        if page == 0:
            raise fields.error("page", "pages are numbered from 1")
        return Evidence(exact, fields.text("prefix"), fields.text("suffix"), start, end, page)

    def resolve(self, where: Where, name: str, ident: str, kinds: tuple[str, ...]) -> None:
        entity = self.entities.get(ident)
        wanted = " or ".join(kinds)
        if entity is None:
            what = "a claim" if ident in self.claims else "no record"
            raise InputError(f"{where}: field {shown(name)}: unknown id {shown(ident)} "
                             f"({what} with that id; expected {wanted})")
        if entity.kind not in kinds:
            raise InputError(f"{where}: field {shown(name)}: {shown(ident)} is a {entity.kind}, expected {wanted}")

    def check_entity_refs(self, entity: Entity) -> None:
        if entity.publisher:
            self.resolve(entity.where, "publisher", entity.publisher, ("organization",))
        for author in entity.authors:
            self.resolve(entity.where, "author", author, ("person", "organization"))

    def check_affiliation(self, aff: Affiliation) -> None:
        self.resolve(aff.where, "person", aff.person, ("person",))
        self.resolve(aff.where, "organization", aff.organization, ("organization",))
        if aff.source:
            self.resolve(aff.where, "source", aff.source, ("publication",))

    def check_claim_refs(self, claim: Claim) -> None:
        agents = ("person", "organization", "publication")
        self.resolve(claim.where, "claimant", claim.claimant, agents)
        self.resolve(claim.where, "appears_in", claim.appears_in, ("publication",))
        if claim.originally_in:
            self.resolve(claim.where, "originally_in", claim.originally_in, ("publication",))
        if claim.relayed_by:
            self.resolve(claim.where, "relayed_by", claim.relayed_by, agents)
        for subject in claim.about:
            self.resolve(claim.where, "about", subject, agents)
        for other in claim.disputes:
            if other == claim.id:
                raise InputError(f"{claim.where}: field 'disputes': a claim cannot dispute itself")
            if other not in self.claims:
                raise InputError(f"{claim.where}: field 'disputes': unknown claim id {shown(other)}")

    def check_name_clashes(self) -> None:
        """Two records that would mint the same IRI must be told apart with ``key:``."""
        seen: dict[tuple[str, str], Entity] = {}
        for entity in self.entities.values():
            mint_key = (entity.kind, slug(entity.key or entity.name))
            other = seen.get(mint_key)
            if other is not None:
                raise InputError(f"{entity.where}: {shown(other.id)} and {shown(entity.id)} are both {entity.kind}s "
                                 f"named like {shown(entity.name)}; if they are different, give one a "
                                 "distinguishing 'key:', if the same, keep one record")
            seen[mint_key] = entity


def read_case(raw: RawCase) -> Case:
    """Validate a parsed case file; raises InputError naming the first problem found."""
    return _CaseReader(raw).read()

