"""The graph for Neo4j: node and relationship CSVs that ``neo4j-admin database import`` reads.

``nodes.csv`` has one row per person, organization, publication and claim (``:ID`` is the kg
IRI, ``:LABEL`` the type); ``relationships.csv`` one row per relation (``:START_ID``,
``:END_ID``, ``:TYPE`` such as ``SAID``, ``APPEARED_IN``, ``MEMBER_OF``), in the direction the view
draws. Lists are ``string[]`` columns joined with ``|``, so the import needs
``--array-delimiter='|'``; texts may hold line breaks, so ``--multiline-fields=true``. The README
gives the whole command.
"""

from __future__ import annotations

from pathlib import Path

from kg.export.tables import Table, write_files
from kg.query.records import Records, read_links, read_records
from kg.store import KgStore

LABELS = {"person": "Person", "organization": "Organization", "publication": "Publication", "claim": "Claim"}
NODE_COLUMNS = ("iri:ID", "name", ":LABEL", "kind", "aliases:string[]", "reliability", "credibility", "text",
                "quote", "date", "url", "sources:string[]")
RELATIONSHIP_COLUMNS = (":START_ID", ":END_ID", ":TYPE", "roles:string[]", "sources:string[]")
ARRAY = "|"


def _clean(values: list[str]) -> str:
    """One array cell: the delimiter inside a value would split it, so it becomes '/'."""
    return ARRAY.join(v.replace(ARRAY, "/") for v in values)


def relationship_type(relation: str) -> str:
    return relation.upper().replace(" ", "_")


def node_rows(records: Records) -> list[dict[str, str]]:
    rows = []
    for record in records.by_iri.values():
        if record.kind not in LABELS:
            continue
        rows.append({
            "iri:ID": record.iri, "name": record.label, ":LABEL": LABELS[record.kind],
            "kind": record.first("kind") or record.first("claim_kind") or record.pub_type or "",
            "aliases:string[]": _clean(record.all("aliases")), "reliability": record.first("reliability") or "",
            "credibility": record.first("credibility") or "", "text": record.first("text") or "",
            "quote": record.first("quote") or "",
            "date": record.first("date") or record.first("claim_date") or "", "url": record.first("url") or "",
            "sources:string[]": _clean(sorted(record.sources)),
        })
    return rows


def table_rows(store: KgStore) -> dict[str, Table]:
    """nodes.csv and relationships.csv as (columns, rows)."""
    records = read_records(store)
    roles: dict[tuple[str, str], list[str]] = {}
    for aff in records.of("affiliation"):
        roles.setdefault((aff.first("person") or "", aff.first("organization") or ""), []).extend(aff.all("role"))
    relationships = []
    for link in read_links(store, records):
        if records.by_iri[link.subject].kind not in LABELS or records.by_iri[link.object].kind not in LABELS:
            continue
        member = link.relation == "member of"
        relationships.append({":START_ID": link.subject, ":END_ID": link.object,
                              ":TYPE": relationship_type(link.relation),
                              "roles:string[]": _clean(sorted(set(roles.get((link.subject, link.object), []))))
                              if member else "",
                              "sources:string[]": _clean(sorted(link.sources))})
    return {"nodes.csv": (NODE_COLUMNS, node_rows(records)),
            "relationships.csv": (RELATIONSHIP_COLUMNS, relationships)}


def write_neo4j(store: KgStore, folder: Path) -> dict[Path, int]:
    return write_files(folder, table_rows(store))
