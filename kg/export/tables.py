"""The graph as spreadsheet tables: entities.csv, claims.csv and relations.csv in one folder.

For people who open a case in a spreadsheet or pandas rather than a SPARQL client. Every IRI
column has a label column next to it (``claimant`` / ``claimant_name``); several values in one
cell are joined with ``|`` as in kg's own CSV case files. The files are RFC 4180 CSV (comma,
double-quote quoting, CRLF line ends), UTF-8 without a byte-order mark, rows in IRI order, so the
same store gives the same bytes.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from pathlib import Path

from kg.fsutil import atomic_output
from kg.query.records import Link, Record, Records, read_links, read_records
from kg.store import KgStore

SEPARATOR = "|"
ENTITY_COLUMNS = ("entity", "label", "type", "kind", "aliases", "reliability", "date", "url", "publisher",
                  "publisher_name", "authors", "author_names", "same_as", "note", "sources")
CLAIM_COLUMNS = ("claim", "text", "quote", "kind", "claimant", "claimant_name", "publication", "publication_title",
                 "first_publication", "first_publication_title", "about", "about_names", "relayed_by",
                 "relayed_by_name", "grade", "reliability", "credibility", "hedged", "confidence", "date",
                 "disputes", "evidence", "evidence_start", "evidence_end", "note", "sources")
RELATION_COLUMNS = ("subject", "subject_name", "relation", "object", "object_name", "role", "start", "end",
                    "stated_in", "stated_in_title", "sources")
TYPES = {"person": "Person", "organization": "Organization", "publication": "Publication"}


def _join(values: Iterable[str]) -> str:
    return SEPARATOR.join(values)


class _Tables:
    def __init__(self, records: Records) -> None:
        self.records = records

    def names(self, iris: list[str]) -> str:
        return _join(self.records.label(i) for i in iris)

    def entity(self, record: Record) -> dict[str, str]:
        return {
            "entity": record.iri, "label": record.label, "type": TYPES[record.kind],
            "kind": record.first("kind") or record.pub_type or "", "aliases": _join(record.all("aliases")),
            "reliability": _join(record.all("reliability")), "date": _join(record.all("date")),
            "url": _join(record.all("url")), "publisher": _join(record.all("publisher")),
            "publisher_name": self.names(record.all("publisher")), "authors": _join(record.all("author")),
            "author_names": self.names(record.all("author")), "same_as": _join(record.all("same_as")),
            "note": _join(record.all("note")), "sources": _join(sorted(record.sources)),
        }

    def claim(self, record: Record) -> dict[str, str]:
        pubs = record.all("appears_in")
        letters = sorted({g for p in pubs if (r := self.records.by_iri.get(p)) for g in r.all("reliability")})
        credibility = record.first("credibility")
        grade = f"{'/'.join(letters) or '?'}{credibility or '?'}" if letters or credibility else ""
        evidence = record.evidence[0] if record.evidence else None
        return {
            "claim": record.iri, "text": _join(record.all("text")), "quote": _join(record.all("quote")),
            "kind": _join(record.all("claim_kind")), "claimant": _join(record.all("claimant")),
            "claimant_name": self.names(record.all("claimant")), "publication": _join(pubs),
            "publication_title": self.names(pubs), "first_publication": _join(record.all("originally_in")),
            "first_publication_title": self.names(record.all("originally_in")),
            "about": _join(record.all("about")), "about_names": self.names(record.all("about")),
            "relayed_by": _join(record.all("relayed_by")), "relayed_by_name": self.names(record.all("relayed_by")),
            "grade": grade, "reliability": _join(letters), "credibility": credibility or "",
            "hedged": _join(record.all("hedged")), "confidence": _join(record.all("confidence")),
            "date": _join(record.all("claim_date")),
            "disputes": _join(i for i in record.all("disputes") if i != record.iri),
            "evidence": evidence.exact if evidence else "",
            "evidence_start": "" if evidence is None or evidence.start is None else str(evidence.start),
            "evidence_end": "" if evidence is None or evidence.end is None else str(evidence.end),
            "note": _join(record.all("note")), "sources": _join(sorted(record.sources)),
        }

    def relations(self, links: list[Link]) -> list[dict[str, str]]:
        affiliations: dict[tuple[str, str], list[Record]] = {}
        for aff in self.records.of("affiliation"):
            affiliations.setdefault((aff.first("person") or "", aff.first("organization") or ""), []).append(aff)
        rows = []
        for link in links:
            base = {"subject": link.subject, "subject_name": self.records.label(link.subject),
                    "relation": link.relation, "object": link.object, "object_name": self.records.label(link.object),
                    "role": "", "start": "", "end": "", "stated_in": "", "stated_in_title": "",
                    "sources": _join(sorted(link.sources))}
            details: list[Record | None] = list(affiliations.get((link.subject, link.object), [])
                                                if link.relation == "member of" else [])
            for detail in details or [None]:
                row = dict(base)
                if detail is not None:
                    row.update(role=_join(detail.all("role")), start=_join(detail.all("start")),
                               end=_join(detail.all("end")), stated_in=_join(detail.all("stated_in")),
                               stated_in_title=self.names(detail.all("stated_in")),
                               sources=_join(sorted(detail.sources | link.sources)))
                rows.append(row)
        return rows


def render(columns: tuple[str, ...], rows: Iterable[dict[str, str]]) -> bytes:
    """RFC 4180 CSV: header, then rows; CRLF; UTF-8 without BOM."""
    buffer = io.StringIO(newline="")
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


Table = tuple[tuple[str, ...], list[dict[str, str]]]  # columns, rows


def table_rows(store: KgStore) -> dict[str, Table]:
    """File name -> (columns, rows) for entities.csv, claims.csv and relations.csv."""
    records = read_records(store)
    build = _Tables(records)
    entities = [build.entity(r) for r in records.by_iri.values() if r.kind in TYPES]
    claims = [build.claim(r) for r in records.of("claim")]
    relations = build.relations(read_links(store, records))
    return {"entities.csv": (ENTITY_COLUMNS, entities), "claims.csv": (CLAIM_COLUMNS, claims),
            "relations.csv": (RELATION_COLUMNS, relations)}


def write_files(folder: Path, files: dict[str, Table]) -> dict[Path, int]:
    """Each table written atomically into ``folder`` (created if needed); path -> bytes."""
    folder.mkdir(parents=True, exist_ok=True)
    sizes = {}
    for name, (columns, rows) in files.items():
        data = render(columns, rows)
        with atomic_output(folder / name) as handle:
            handle.write(data)
        sizes[folder / name] = len(data)
    return sizes


def write_tables(store: KgStore, folder: Path) -> dict[Path, int]:
    return write_files(folder, table_rows(store))
