"""One synthetic case file: the records it holds, the triples kg will make of them, and its bytes.

A case file's references must resolve inside the file, so a record is pulled in (with whatever it
points at) the first time something in the file uses it. Each pull adds the number of triples
:mod:`kg.ingest.triples` writes for that record, so the generator can aim at a triple count exactly.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from typing import Any

import yaml

# kg.build.sources.describe writes this many triples about a source, one more when the case has a title
SOURCE_TRIPLES = 17
_CSV_COLUMNS = ("record", "id", "name", "title", "type", "kind", "aliases", "publisher", "author", "date", "url",
                "reliability", "language", "person", "organization", "role", "source", "start", "end",
                "claimant", "appears_in", "originally_in", "relayed_by", "about", "text", "quote", "credibility",
                "hedged", "disputes", "evidence.exact", "evidence.prefix", "evidence.suffix", "evidence.start",
                "evidence.end", "note")


@dataclass
class Org:
    id: str
    name: str
    kind: str
    aliases: list[str] = field(default_factory=list)
    reliability: str | None = None
    url: str | None = None
    members: list[Person] = field(default_factory=list)


@dataclass
class Person:
    id: str
    name: str
    aliases: list[str] = field(default_factory=list)
    reliability: str | None = None
    # (organization, role, start, end)
    affiliations: list[tuple[Org, str, str | None, str | None]] = field(default_factory=list)


@dataclass
class Pub:
    id: str
    title: str
    type: str
    date: str
    publisher: Org | None = None
    authors: list[Person | Org] = field(default_factory=list)
    url: str | None = None
    reliability: str | None = None
    language: str = "en"


def _present(record: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in record.items() if v is not None and v != []}


class CaseFile:
    """Records of one case file, pulled in as they are used, with a running triple count."""

    def __init__(self, key: str, title: str, fmt: str = "json") -> None:
        self.fmt = fmt  # json | yaml | csv (a CSV case file has no case header, hence no title)
        self.meta = {"id": key, "title": title, "language": "en"}
        self.pubs: dict[str, dict[str, Any]] = {}
        self.orgs: dict[str, dict[str, Any]] = {}
        self.people: dict[str, dict[str, Any]] = {}
        self.claims: list[dict[str, Any]] = []
        self.triples = SOURCE_TRIPLES + (fmt != "csv")

    # -- pulling records in ----------------------------------------------------------------------
    def org(self, org: Org) -> str:
        if org.id not in self.orgs:
            record = _present({"id": org.id, "name": org.name, "aliases": org.aliases, "kind": org.kind,
                               "reliability": org.reliability, "url": org.url})
            self.orgs[org.id] = record
            self.triples += 4 + len(org.aliases) + 1 + (org.reliability is not None) + (org.url is not None)
        return org.id

    def person(self, person: Person, source: str | None) -> str:
        """Pull ``person`` in; ``source`` is the publication that states their affiliations."""
        if person.id in self.people:
            return person.id
        affiliations = []
        for org, role, start, end in person.affiliations:
            affiliations.append(_present({"organization": self.org(org), "role": role, "source": source,
                                          "start": start, "end": end}))
            self.triples += 6 + (source is not None) + (start is not None) + (end is not None)
        self.people[person.id] = _present({"id": person.id, "name": person.name, "aliases": person.aliases,
                                           "reliability": person.reliability, "affiliations": affiliations})
        self.triples += 4 + len(person.aliases) + (person.reliability is not None)
        return person.id

    def agent(self, agent: Person | Org, source: str | None) -> str:
        return self.person(agent, source) if isinstance(agent, Person) else self.org(agent)

    def pub(self, pub: Pub) -> str:
        if pub.id in self.pubs:
            return pub.id
        self.pubs[pub.id] = {}  # placeholder first: an author's affiliation may name this publication
        authors = [self.agent(a, pub.id) for a in pub.authors]
        publisher = self.org(pub.publisher) if pub.publisher else None
        self.pubs[pub.id] = _present({
            "id": pub.id, "type": pub.type, "title": pub.title, "publisher": publisher,
            "author": authors, "date": pub.date, "url": pub.url, "reliability": pub.reliability,
            "language": pub.language})
        self.triples += (5 + len(authors) + (publisher is not None) + (pub.url is not None)
                         + (pub.reliability is not None) + 1)
        return pub.id

    def claim(self, record: dict[str, Any]) -> None:
        """Add a claim whose references are already pulled in."""
        record = _present(record)
        n = 6 + len(record.get("about", [])) + 2 * len(record.get("disputes", []))
        n += sum(k in record for k in ("originally_in", "relayed_by", "quote", "credibility", "hedged", "date",
                                       "note"))
        evidence = record.get("evidence")
        if evidence is not None:
            n += 10 + ("prefix" in evidence) + ("suffix" in evidence) + 4 * ("start" in evidence)
        self.claims.append(record)
        self.triples += n

    def record_count(self) -> int:
        return len(self.pubs) + len(self.orgs) + len(self.people) + len(self.claims)

    # -- writing ---------------------------------------------------------------------------------
    def document(self) -> dict[str, Any]:
        return {"case": self.meta, "publications": list(self.pubs.values()),
                "organizations": list(self.orgs.values()), "people": list(self.people.values()),
                "claims": self.claims}

    def data(self) -> bytes:
        return {"json": self.json_bytes, "yaml": self.yaml_bytes, "csv": self.csv_bytes}[self.fmt]()

    def json_bytes(self) -> bytes:
        return (json.dumps(self.document(), ensure_ascii=False, indent=1) + "\n").encode("utf-8")

    def yaml_bytes(self) -> bytes:
        header = f"# {self.meta['title']}\n# Generated by 'kg synth': every name in this file is fictional.\n\n"
        body = yaml.safe_dump(self.document(), sort_keys=False, allow_unicode=True, width=110)
        return (header + body).encode("utf-8")

    def csv_bytes(self) -> bytes:
        """CSV has no case header and no nesting: affiliations become rows of their own."""
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=_CSV_COLUMNS, lineterminator="\n")
        writer.writeheader()
        rows: list[dict[str, Any]] = []
        rows += [{"record": "publication", **r} for r in self.pubs.values()]
        rows += [{"record": "organization", **r} for r in self.orgs.values()]
        for person in self.people.values():
            rows.append({"record": "person", **{k: v for k, v in person.items() if k != "affiliations"}})
            rows += [{"record": "affiliation", "person": person["id"], **a} for a in person.get("affiliations", [])]
        rows += [{"record": "claim", **r} for r in self.claims]
        for row in rows:
            flat: dict[str, str] = {}
            for key, value in row.items():
                if isinstance(value, dict):
                    flat.update({f"{key}.{k}": str(v) for k, v in value.items()})
                elif isinstance(value, list):
                    flat[key] = "|".join(value)
                elif isinstance(value, bool):
                    flat[key] = "true" if value else "false"
                else:
                    flat[key] = str(value)
            writer.writerow(flat)
        return out.getvalue().encode("utf-8")
