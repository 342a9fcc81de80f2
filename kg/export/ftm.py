"""kg -> FollowTheMoney: people, organizations, publications, affiliations and claims as FtM entities.

Built and checked with the ``followthemoney`` library: each entity is an FtM proxy whose
properties exist in its schema, whose values the library accepts unchanged (FtM drops values it
cannot clean without saying so; kg refuses instead), whose required properties are set and whose
entity links point at an entity of the right schema. The mapping and what FtM cannot hold are in
docs/ftm.md. Lines come out sorted by entity id, so the same store gives the same bytes.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import IO

from followthemoney import model
from followthemoney.proxy import EntityProxy

from kg.errors import KgError
from kg.ingest.ftm import ABOUT, DISPUTES, FIRST_APPEARED, OWN_HASHED, PUBLISHED_BY, RELAYED, SAID, TAG, WRITTEN_BY
from kg.iris import short_hash
from kg.query.records import Record, Records, read_records
from kg.store import KgStore

_ID = re.compile(r"^[0-9a-zA-Z]([0-9a-zA-Z.\-]*[0-9a-zA-Z])?$")
_MAX_ID = 200
PUBLIC_BODY_KINDS = {"Government", "GovernmentAgency", "Court", "Military"}
COMPANY_KINDS = {"Company"}
MEMBER_KINDS = {"PoliticalParty", "SpiritualMovement", "ProfessionalBody", "InternationalOrganization"}
ARTICLE_TYPES = {"NewsArticle", "ScholarlyArticle", "Article", "BlogPosting", "PressRelease", "WebPage",
                 "SocialMediaPosting", "Statement"}


class FtmError(KgError):
    """An entity kg built does not pass followthemoney's checks (a bug in the mapping, not in the data)."""


def entity_id(record_iri: str, base: str, kind: str) -> str:
    """The FtM id of a kg node: ``kg.person.sophia-bryskine`` (its IRI below the base), or
    ``kg.hash.person.<hash>`` when the IRI's path does not fit FtM's id alphabet (letters, digits,
    '.', '-'), as a name in another script does."""
    local = record_iri[len(base):] if record_iri.startswith(base) else ""
    candidate = "kg." + local.replace("/", ".")
    if local and _ID.match(candidate) and len(candidate) <= _MAX_ID:
        return candidate
    return f"{OWN_HASHED}{kind}.{short_hash(record_iri, 24)}"


class _Builder:
    def __init__(self, records: Records, base: str) -> None:
        self.records, self.base = records, base
        self.ids = {iri: entity_id(iri, base, r.kind) for iri, r in records.by_iri.items()}
        self.out: dict[str, EntityProxy] = {}
        self.dropped: list[tuple[str, str, str]] = []  # values FtM could not clean: reported, not fatal

    def make(self, schema: str, ident: str) -> EntityProxy:
        proxy = model.make_entity(schema)
        proxy.id = ident
        self.out[ident] = proxy
        return proxy

    def put(self, proxy: EntityProxy, prop: str, values: list[str] | str | None) -> None:
        for value in [values] if isinstance(values, str) else values or []:
            before = len(proxy.get(prop))
            proxy.add(prop, value, quiet=False)
            if len(proxy.get(prop)) == before and value not in proxy.get(prop):
                self.dropped.append((proxy.id or "", prop, value))

    def kind_of(self, iri: str) -> str | None:
        found = self.records.by_iri.get(iri)
        return found.kind if found is not None else None

    def link(self, schema: str, props: dict[str, str], role: str) -> None:
        """A link entity (Documentation, UnknownLink) between two exported entities."""
        ends = list(props.values())
        ident = f"{OWN_HASHED}link." + short_hash("\x00".join([schema, role, *ends]), 24)
        proxy = self.make(schema, ident)
        for prop, target in props.items():
            self.put(proxy, prop, target)
        self.put(proxy, "role", role)

    def tags(self, record: Record, *names: str) -> list[str]:
        return [f"{TAG}{name}={value}" for name in names for value in record.all(name)]

    def legal_entity(self, record: Record) -> None:
        kind = record.first("kind")
        if record.kind == "person":
            schema = "Person"
        else:
            schema = ("PublicBody" if kind in PUBLIC_BODY_KINDS else "Company" if kind in COMPANY_KINDS
                      else "Organization")
        proxy = self.make(schema, self.ids[record.iri])
        self.put(proxy, "name", record.first("name") or record.label)
        self.put(proxy, "alias", record.all("aliases"))
        self.put(proxy, "notes", record.all("note"))
        self.put(proxy, "classification", kind)
        if record.kind == "organization":
            self.put(proxy, "website", record.all("url"))
        self.put(proxy, "wikidataId", [q.rsplit("/", 1)[1] for q in record.all("same_as")
                                       if re.match(r"^https?://www\.wikidata\.org/(entity|wiki)/Q\d+$", q)])
        self.put(proxy, "keywords", self.tags(record, "reliability"))

    def publication(self, record: Record) -> None:
        schema = "Article" if record.pub_type in ARTICLE_TYPES or record.pub_type is None else "Document"
        proxy = self.make(schema, self.ids[record.iri])
        title = record.first("name") or record.label
        self.put(proxy, "title", title)
        self.put(proxy, "alias", record.all("aliases"))
        if schema == "Document":  # FtM requires a file name: the kg source file that holds the record
            self.put(proxy, "fileName", sorted(record.sources)[:1] or [title])
        self.put(proxy, "publishedAt", record.all("date"))
        self.put(proxy, "sourceUrl", record.all("url"))
        self.put(proxy, "language", record.all("language"))
        self.put(proxy, "notes", record.all("note"))
        self.put(proxy, "publisher", [self.records.label(i) for i in record.all("publisher")])
        self.put(proxy, "author", [self.records.label(i) for i in record.all("author")])
        tags = self.tags(record, "reliability")
        if record.pub_type:
            tags.insert(0, f"{TAG}type={record.pub_type}")
        self.put(proxy, "keywords", tags)
        for org in record.all("publisher"):
            if org in self.ids:
                self.link("Documentation", {"document": self.ids[record.iri], "entity": self.ids[org]}, PUBLISHED_BY)
        for author in record.all("author"):
            if author in self.ids:
                self.link("Documentation", {"document": self.ids[record.iri], "entity": self.ids[author]},
                          WRITTEN_BY)

    def affiliation(self, record: Record) -> None:
        person, org = record.first("person"), record.first("organization")
        if person not in self.ids or org not in self.ids:
            return
        role = record.first("role")
        org_kind = self.records.by_iri[org].first("kind")
        member = org_kind in MEMBER_KINDS or not role or "member" in role.casefold()
        proxy = self.make("Membership" if member else "Employment", self.ids[record.iri])
        self.put(proxy, "member" if member else "employee", self.ids[person])
        self.put(proxy, "organization" if member else "employer", self.ids[org])
        self.put(proxy, "role", role)
        self.put(proxy, "startDate", record.all("start"))
        self.put(proxy, "endDate", record.all("end"))
        self.put(proxy, "proof", [self.ids[p] for p in record.all("stated_in") if p in self.ids])

    def claim(self, record: Record) -> None:
        ident = self.ids[record.iri]
        proxy = self.make("Event", ident)
        self.put(proxy, "name", record.label)
        self.put(proxy, "description", record.all("text"))
        self.put(proxy, "summary", record.all("quote"))
        self.put(proxy, "date", record.all("claim_date"))
        self.put(proxy, "notes", record.all("note"))
        self.put(proxy, "keywords", [f"{TAG}{k}" for k in record.all("claim_kind")]
                 + self.tags(record, "credibility", "hedged", "confidence"))
        for iri in record.all("claimant"):
            if self.kind_of(iri) in ("person", "organization"):
                self.put(proxy, "organizer", self.ids[iri])
            elif self.kind_of(iri) == "publication":
                self.link("Documentation", {"document": self.ids[iri], "entity": ident}, SAID)
        for iri in record.all("about"):
            if self.kind_of(iri) in ("person", "organization"):
                self.put(proxy, "involved", self.ids[iri])
            elif self.kind_of(iri) == "publication":
                self.link("Documentation", {"document": self.ids[iri], "entity": ident}, ABOUT)
        self.put(proxy, "proof", [self.ids[p] for p in record.all("appears_in") if p in self.ids])
        for iri in record.all("originally_in"):
            if iri in self.ids:
                self.link("Documentation", {"document": self.ids[iri], "entity": ident}, FIRST_APPEARED)
        for iri in record.all("relayed_by"):
            if iri in self.ids:
                self.link("UnknownLink", {"subject": self.ids[iri], "object": ident}, RELAYED)
        for iri in record.all("disputes"):
            if iri in self.ids and record.iri < iri:  # stated both ways in kg; one link here
                self.link("UnknownLink", {"subject": ident, "object": self.ids[iri]}, DISPUTES)

    def build(self) -> dict[str, EntityProxy]:
        for record in self.records.by_iri.values():
            if record.kind in ("person", "organization"):
                self.legal_entity(record)
            elif record.kind == "publication":
                self.publication(record)
        for record in self.records.by_iri.values():
            if record.kind == "affiliation":
                self.affiliation(record)
            elif record.kind == "claim":
                self.claim(record)
        return self.out


def check(proxy: EntityProxy, known: dict[str, EntityProxy]) -> None:
    """followthemoney's own validation, plus what it lets through: missing required properties and
    links to entities of the wrong schema. A failure is a bug in this mapping, never in the data."""
    try:
        proxy.schema.validate(proxy.to_dict())  # type: ignore[arg-type]
    except Exception as exc:  # followthemoney raises its own InvalidData
        raise FtmError(f"FtM entity {proxy.id} ({proxy.schema.name}): {exc}") from None
    for name in proxy.schema.required:
        if not proxy.get(name):
            raise FtmError(f"FtM entity {proxy.id} ({proxy.schema.name}): required property {name!r} is empty")
    for name, prop in proxy.schema.properties.items():
        if prop.range is None or prop.type.name != "entity":
            continue
        for target in proxy.get(name):
            other = known.get(target)
            if other is None or not other.schema.is_a(prop.range):
                raise FtmError(f"FtM entity {proxy.id}: {name!r} points at {target}, which is not a {prop.range.name}")


@dataclass
class FtmResult:
    entities: int
    bytes: int
    dropped: list[tuple[str, str, str]]  # (entity id, property, value) FtM could not clean


def build(records: Records, base: str) -> dict[str, EntityProxy]:
    """The FtM entities of these records, by id (unchecked: :func:`write` checks each)."""
    return _Builder(records, base).build()


def write(store: KgStore, handle: IO[bytes]) -> FtmResult:
    """The store's FtM entities as JSON lines (one entity a line, keys sorted, UTF-8), in id order."""
    builder = _Builder(read_records(store), store.minter.base)
    built = builder.build()
    size = 0
    for ident in sorted(built):
        check(built[ident], built)
        line = json.dumps(built[ident].to_dict(), ensure_ascii=False, sort_keys=True).encode("utf-8") + b"\n"
        handle.write(line)
        size += len(line)
    return FtmResult(len(built), size, builder.dropped)
