"""Records -> triples: what a case file means in RDF.

Each case file becomes one source graph. Claims become ``schema:Claim`` nodes linked to their
claimant, publication and subjects; their content stays a literal (``schema:text``) and is
never turned into triples about the subject.
"""

from __future__ import annotations

from kg import schema, vocab
from kg.ingest.casemodel import Case, Claim, Entity, Evidence
from kg.iris import Minter
from kg.store.nt import TripleSink, literal

_LABEL_CHARS = 100
_CLASSES = {kind.name: kind.types for kind in schema.load().kinds.values()}  # kind -> its rdf:types


def date_literal(value: str) -> str:
    datatype = {4: vocab.XSD_GYEAR, 7: vocab.XSD_GYEARMONTH}.get(len(value), vocab.XSD_DATE)
    return literal(value, datatype)


def short_label(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= _LABEL_CHARS else text[: _LABEL_CHARS - 1].rstrip() + "…"


class CaseBuilder:
    """Writes one validated case into a TripleSink."""

    def __init__(self, case: Case, minter: Minter, sink: TripleSink) -> None:
        self.case, self.minter, self.sink = case, minter, sink
        self.iris: dict[str, str] = {}
        for entity in case.entities.values():
            self.iris[entity.id] = self.entity_iri(entity)
        for claim in case.claims:
            self.iris[claim.id] = minter.claim(case.key, claim.id)

    def entity_iri(self, entity: Entity) -> str:
        return self.minter.entity(entity.kind, entity.key or entity.name)

    def build(self) -> None:
        for entity in self.case.entities.values():
            self.entity(entity)
        for aff in self.case.affiliations:
            self.affiliation(aff.person, aff.organization, aff.role, aff.source, aff.start, aff.end)
        for claim in self.case.claims:
            self.claim(claim)

    def entity(self, entity: Entity) -> None:
        s, out = self.iris[entity.id], self.sink
        for cls in _CLASSES[entity.kind]:
            out.link(s, vocab.TYPE, cls)
        if entity.pub_type:
            out.link(s, vocab.TYPE, entity.pub_type)
        out.text(s, vocab.LABEL, entity.name)
        out.text(s, vocab.NAME, entity.name)
        for alias in entity.aliases:
            out.text(s, vocab.ALT_LABEL, alias)
        if entity.reliability:
            out.link(s, vocab.RELIABILITY, entity.reliability)
        if entity.org_kind:
            out.link(s, vocab.KIND, entity.org_kind)
        if entity.note:
            out.text(s, vocab.COMMENT, entity.note)
        if entity.url:
            out.link(s, vocab.URL, entity.url)
        for other in entity.same_as:
            out.link(s, vocab.SAME_AS, other)
        if entity.publisher:
            out.link(s, vocab.PUBLISHER, self.iris[entity.publisher])
        for author in entity.authors:
            out.link(s, vocab.AUTHOR, self.iris[author])
        if entity.date:
            out.add(s, vocab.DATE_PUBLISHED, date_literal(entity.date))
        if entity.language:
            out.text(s, vocab.IN_LANGUAGE, entity.language)

    def affiliation(self, person_id: str, org_id: str, role: str | None, source: str | None,
                    start: str | None, end: str | None) -> None:
        person, org, out = self.iris[person_id], self.iris[org_id], self.sink
        node = self.minter.affiliation(person, org, (role or "").casefold())
        out.link(person, vocab.AFFILIATION, org)
        out.link(node, vocab.TYPE, vocab.AFFILIATION_CLASS)
        person_name = self.case.entities[person_id].name
        org_name = self.case.entities[org_id].name
        out.text(node, vocab.LABEL, f"{person_name}, {role} of {org_name}" if role else
                 f"{person_name}, member of {org_name}")
        out.link(node, vocab.PERSON_PROP, person)
        out.link(node, vocab.ORGANIZATION_PROP, org)
        if role:
            out.text(node, vocab.ROLE_NAME, role)
        if source:
            out.link(node, vocab.STATED_IN, self.iris[source])
        if start:
            out.add(node, vocab.START_DATE, date_literal(start))
        if end:
            out.add(node, vocab.END_DATE, date_literal(end))

    def claim(self, claim: Claim) -> None:
        s, out, iris = self.iris[claim.id], self.sink, self.iris
        for cls in _CLASSES["claim"]:
            out.link(s, vocab.TYPE, cls)
        out.text(s, vocab.LABEL, short_label(claim.text))
        out.text(s, vocab.TEXT, claim.text)
        out.link(s, vocab.CLAIM_KIND, claim.kind)
        out.link(s, vocab.WAS_ATTRIBUTED_TO, iris[claim.claimant])
        out.link(s, vocab.APPEARANCE, iris[claim.appears_in])
        if claim.originally_in:
            out.link(s, vocab.FIRST_APPEARANCE, iris[claim.originally_in])
        if claim.relayed_by:
            out.link(s, vocab.RELAYED_BY, iris[claim.relayed_by])
        for subject in claim.about:
            out.link(s, vocab.ABOUT, iris[subject])
        if claim.quote:
            out.text(s, vocab.QUOTE, claim.quote)
        if claim.credibility:
            out.link(s, vocab.CREDIBILITY, claim.credibility)
        if claim.hedged is not None:
            out.add(s, vocab.HEDGED, literal("true" if claim.hedged else "false", vocab.XSD_BOOLEAN))
        for other in claim.disputes:  # symmetric: written both ways so either end finds it
            out.link(s, vocab.DISPUTES, iris[other])
            out.link(iris[other], vocab.DISPUTES, s)
        if claim.date:
            out.add(s, vocab.DATE_CREATED, date_literal(claim.date))
        if claim.confidence is not None:
            out.add(s, vocab.CONFIDENCE, literal(f"{claim.confidence:g}", vocab.XSD_DECIMAL))
        if claim.note:
            out.text(s, vocab.COMMENT, claim.note)
        evidence = claim.evidence or (Evidence(claim.quote) if claim.quote else None)
        if evidence is not None:
            self.evidence(s, iris[claim.appears_in], evidence)

    def evidence(self, claim: str, publication: str, ev: Evidence) -> None:
        out = self.sink
        note, target, quote = f"{claim}/evidence", f"{claim}/evidence/target", f"{claim}/evidence/quote"
        out.link(claim, vocab.HAS_EVIDENCE, note)
        out.link(note, vocab.TYPE, vocab.ANNOTATION)
        out.link(note, vocab.MOTIVATED_BY, vocab.DESCRIBING)
        out.link(note, vocab.HAS_BODY, claim)
        out.link(note, vocab.HAS_TARGET, target)
        out.link(target, vocab.TYPE, vocab.SPECIFIC_RESOURCE)
        out.link(target, vocab.HAS_SOURCE, publication)
        out.link(target, vocab.HAS_SELECTOR, quote)
        out.link(quote, vocab.TYPE, vocab.TEXT_QUOTE_SELECTOR)
        out.text(quote, vocab.EXACT, ev.exact)
        if ev.prefix:
            out.text(quote, vocab.PREFIX, ev.prefix)
        if ev.suffix:
            out.text(quote, vocab.SUFFIX, ev.suffix)
        if ev.start is not None and ev.end is not None:
            position = f"{claim}/evidence/position"
            out.link(target, vocab.HAS_SELECTOR, position)
            out.link(position, vocab.TYPE, vocab.TEXT_POSITION_SELECTOR)
            out.add(position, vocab.START, literal(str(ev.start), vocab.XSD_NON_NEG))
            out.add(position, vocab.END, literal(str(ev.end), vocab.XSD_NON_NEG))
        if ev.page is not None:  # RFC 3778's PDF fragment: the page, beside the offsets into the stored text
            fragment = f"{claim}/evidence/page"
            out.link(target, vocab.HAS_SELECTOR, fragment)
            out.link(fragment, vocab.TYPE, vocab.FRAGMENT_SELECTOR)
            out.text(fragment, vocab.RDF_VALUE, f"page={ev.page}")
            out.link(fragment, vocab.CONFORMS_TO, vocab.PDF_FRAGMENT_SPEC)
            out.add(fragment, vocab.PAGE_NUMBER, literal(str(ev.page), vocab.XSD_NON_NEG))


def case_triples(case: Case, minter: Minter, sink: TripleSink) -> None:
    CaseBuilder(case, minter, sink).build()
