"""Rewrite one validated case after resolution, before its triples are built.

Each record gets its entity's key (so the builder mints the resolved IRI), type and label; the
name this source used is kept as an alias (``skos:altLabel`` in this source's graph, so every
surface form is traceable to the source that used it). Rejected records are dropped with every
optional reference to them; a claim whose claimant or publication was rejected is an error that
tells the investigator what to fix -- kg never re-attributes a claim on its own.
"""

from __future__ import annotations

from kg.errors import InputError
from kg.ingest.casemodel import Case, Entity
from kg.resolve.canonical import Resolution


def _retype(entity: Entity, kind: str) -> None:
    if entity.kind == kind:
        return
    entity.kind = kind
    if kind != "organization":
        entity.org_kind = None
    if kind != "publication":
        entity.pub_type = None
        entity.publisher, entity.authors, entity.date, entity.language = None, [], None, None


def apply_resolution(source: str, case: Case, resolution: Resolution) -> str:
    """Rewrite ``case`` in place; returns the fingerprint of what resolution decided for it."""
    rejected = {i for i in case.entities if f"{source}#{i}" in resolution.rejected}
    for claim in case.claims:
        for field, ident in (("claimant", claim.claimant), ("appears_in", claim.appears_in)):
            if ident in rejected:
                why = resolution.rejected[f"{source}#{ident}"]
                raise InputError(f"{claim.where}: field {field!r}: {ident!r} was rejected ({why}); "
                                 f"give the claim another {field} or withdraw the reject decision")
        claim.about = [i for i in claim.about if i not in rejected]
        if claim.originally_in in rejected:
            claim.originally_in = None
        if claim.relayed_by in rejected:
            claim.relayed_by = None
    case.affiliations = [a for a in case.affiliations if a.person not in rejected and a.organization not in rejected]
    for aff in case.affiliations:
        if aff.source in rejected:
            aff.source = None
    fingerprint = resolution.fingerprint(source, list(case.entities))
    for ident in rejected:
        del case.entities[ident]
    for entity in case.entities.values():
        if entity.publisher in rejected:
            entity.publisher = None
        entity.authors = [a for a in entity.authors if a not in rejected]
        cluster = resolution.by_ref.get(f"{source}#{entity.id}")
        if cluster is None:
            continue
        _retype(entity, cluster.kind)
        entity.key = cluster.key
        if entity.name != cluster.label:
            entity.aliases = [entity.name, *(a for a in entity.aliases if a != entity.name)]
            entity.name = cluster.label
        entity.aliases = [a for a in dict.fromkeys(entity.aliases) if a != cluster.label]
    return fingerprint
