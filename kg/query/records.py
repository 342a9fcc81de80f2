"""The store read back as records: people, organizations, publications, claims and affiliations.

The reverse of ``kg.ingest.triples``: every record is one node of the graph with its values by
field name (the case-file names: ``name``, ``aliases``, ``kind``, ``claimant``, ``appears_in`` …)
and the source files that state it. The table exports (CSV, Neo4j) and the FollowTheMoney export
are written from these, so they all say the same thing about the same node. A value stated in
several sources is one value (the default graph is read as a set, whatever the engine does).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from kg import ontology, vocab
from kg.store import KgStore

KINDS: dict[str, str] = {
    vocab.PERSON: "person",
    vocab.ORGANIZATION: "organization",
    vocab.CREATIVE_WORK: "publication",
    vocab.CLAIM: "claim",
    vocab.AFFILIATION_CLASS: "affiliation",
}
# predicate -> field name, for the values read of every record (IRIs or literal text)
FIELDS: dict[str, str] = {
    vocab.LABEL: "label", vocab.NAME: "name", vocab.ALT_LABEL: "aliases", vocab.COMMENT: "note",
    vocab.URL: "url", vocab.SAME_AS: "same_as", vocab.RELIABILITY: "reliability", vocab.KIND: "kind",
    vocab.PUBLISHER: "publisher", vocab.AUTHOR: "author", vocab.DATE_PUBLISHED: "date",
    vocab.IN_LANGUAGE: "language",
    vocab.TEXT: "text", vocab.QUOTE: "quote", vocab.CLAIM_KIND: "claim_kind",
    vocab.WAS_ATTRIBUTED_TO: "claimant", vocab.APPEARANCE: "appears_in",
    vocab.FIRST_APPEARANCE: "originally_in", vocab.RELAYED_BY: "relayed_by", vocab.ABOUT: "about",
    vocab.CREDIBILITY: "credibility", vocab.HEDGED: "hedged", vocab.DISPUTES: "disputes",
    vocab.DATE_CREATED: "claim_date", vocab.CONFIDENCE: "confidence",
    vocab.PERSON_PROP: "person", vocab.ORGANIZATION_PROP: "organization", vocab.ROLE_NAME: "role",
    vocab.STATED_IN: "stated_in", vocab.START_DATE: "start", vocab.END_DATE: "end",
}


@dataclass
class Evidence:
    exact: str
    source: str | None = None  # the publication whose text holds it
    prefix: str | None = None
    suffix: str | None = None
    start: int | None = None
    end: int | None = None


@dataclass
class Record:
    iri: str
    kind: str  # person | organization | publication | claim | affiliation
    values: dict[str, list[str]] = field(default_factory=dict)
    sources: set[str] = field(default_factory=set)
    pub_type: str | None = None  # case-file name of the publication type, e.g. NewsArticle
    evidence: list[Evidence] = field(default_factory=list)

    def first(self, name: str) -> str | None:
        found = self.values.get(name)
        return found[0] if found else None

    def all(self, name: str) -> list[str]:
        return self.values.get(name, [])

    @property
    def label(self) -> str:
        return self.first("label") or self.first("name") or vocab.compact(self.iri)


@dataclass
class Records:
    by_iri: dict[str, Record] = field(default_factory=dict)

    def of(self, kind: str) -> Iterator[Record]:
        return (r for r in self.by_iri.values() if r.kind == kind)

    def label(self, iri: str) -> str:
        found = self.by_iri.get(iri)
        return found.label if found is not None else vocab.compact(iri)


def _values(terms: Iterable[str]) -> str:
    return " ".join(f"<{t}>" for t in terms)


def read_records(store: KgStore) -> Records:
    """Every entity, claim and affiliation in the store, in IRI order, with sorted values."""
    out = Records()
    names = {info.iri: info.name for info in store.sources()}
    order = list(KINDS)
    rows = store.select(f"SELECT DISTINCT ?s ?t WHERE {{ VALUES ?t {{ {_values(KINDS)} }} ?s a ?t }} ORDER BY ?s")
    for row in rows:  # a node typed twice keeps the kind listed first in KINDS
        iri, typ = row["s"].value, row["t"].value
        found = out.by_iri.get(iri)
        if found is None or order.index(typ) < list(KINDS.values()).index(found.kind):
            out.by_iri[iri] = Record(iri, KINDS[typ])
    _read_values(store, out)
    _read_sources(store, out, names)
    _read_types(store, out)
    _read_evidence(store, out)
    return out


def _read_values(store: KgStore, out: Records) -> None:
    onto = ontology.load()
    notations = {iri: n for n, iri in (*onto.reliability.items(), *onto.credibility.items())}
    spelled = {iri: n for n, iri in (*onto.organization_kinds.items(), *onto.claim_kinds.items())}
    rows = store.select(f"SELECT DISTINCT ?s ?p ?o WHERE {{ VALUES ?p {{ {_values(FIELDS)} }} ?s ?p ?o }} "
                        "ORDER BY ?s ?p ?o")
    for row in rows:
        record = out.by_iri.get(row["s"].value)
        if record is None:
            continue
        name, value = FIELDS[row["p"].value], row["o"].value
        value = notations.get(value, spelled.get(value, value))
        record.values.setdefault(name, []).append(value)


def _read_sources(store: KgStore, out: Records, names: dict[str, str]) -> None:
    rows = store.select(f"SELECT DISTINCT ?s ?g WHERE {{ VALUES ?t {{ {_values(KINDS)} }} GRAPH ?g {{ ?s a ?t }} }}")
    for row in rows:
        record = out.by_iri.get(row["s"].value)
        if record is not None and row["g"].value in names:
            record.sources.add(names[row["g"].value])


def _read_types(store: KgStore, out: Records) -> None:
    types = {iri: name for name, iri in ontology.load().publication_types.items()}
    if not types:
        return
    for row in store.select(f"SELECT DISTINCT ?s ?t WHERE {{ VALUES ?t {{ {_values(types)} }} ?s a ?t }} "
                            "ORDER BY ?s ?t"):
        record = out.by_iri.get(row["s"].value)
        if record is not None and record.pub_type is None:
            record.pub_type = types[row["t"].value]


def _read_evidence(store: KgStore, out: Records) -> None:
    query = """SELECT DISTINCT ?c ?exact ?src ?prefix ?suffix ?start ?end WHERE {
        ?c kg:hasEvidence ?note . ?note oa:hasTarget ?target . ?target oa:hasSelector ?quote .
        ?quote a oa:TextQuoteSelector ; oa:exact ?exact .
        OPTIONAL { ?target oa:hasSource ?src }
        OPTIONAL { ?quote oa:prefix ?prefix } OPTIONAL { ?quote oa:suffix ?suffix }
        OPTIONAL { ?target oa:hasSelector ?pos . ?pos a oa:TextPositionSelector ; oa:start ?start ; oa:end ?end }
    } ORDER BY ?c ?start ?exact"""
    for row in store.select(query):
        record = out.by_iri.get(row["c"].value)
        if record is None:
            continue

        def text(name: str, row: object = row) -> str | None:
            term = row[name]  # type: ignore[index]
            return None if term is None else str(term.value)

        start, end = text("start"), text("end")
        record.evidence.append(Evidence(str(row["exact"].value), text("src"), text("prefix"), text("suffix"),
                                        int(start) if start else None, int(end) if end else None))


# predicate -> the relation's name in tables (kg's edge labels; direction as the view draws it)
LINKS: dict[str, tuple[str, bool]] = {
    vocab.WAS_ATTRIBUTED_TO: ("said", True), vocab.APPEARANCE: ("appeared in", False),
    vocab.FIRST_APPEARANCE: ("first appeared in", False), vocab.ABOUT: ("about", False),
    vocab.RELAYED_BY: ("relayed", True), vocab.AFFILIATION: ("member of", False),
    vocab.PUBLISHER: ("published by", False), vocab.AUTHOR: ("written by", False),
    vocab.DISPUTES: ("disputes", False),
}


@dataclass
class Link:
    subject: str
    relation: str
    object: str
    sources: set[str] = field(default_factory=set)


def read_links(store: KgStore, records: Records) -> list[Link]:
    """Every relation between two records, once per (subject, relation, object), with its sources,
    pointing the way the view draws it (the claimant says the claim; the claim is about its subject)."""
    names = {info.iri: info.name for info in store.sources()}
    found: dict[tuple[str, str, str], Link] = {}
    rows = store.select(f"SELECT DISTINCT ?s ?p ?o ?g WHERE {{ VALUES ?p {{ {_values(LINKS)} }} "
                        "GRAPH ?g { ?s ?p ?o } }")
    for row in rows:
        s, o = row["s"].value, row["o"].value
        if s not in records.by_iri or o not in records.by_iri:
            continue
        relation, flip = LINKS[row["p"].value]
        if relation == "disputes":
            if s == o:
                continue
            s, o = sorted((s, o))  # stated both ways: one row
        elif flip:
            s, o = o, s
        link = found.setdefault((s, relation, o), Link(s, relation, o))
        if row["g"].value in names:
            link.sources.add(names[row["g"].value])
    return [found[k] for k in sorted(found)]
