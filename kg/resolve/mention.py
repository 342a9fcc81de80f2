"""Mentions: what resolution sees of one entity record in one source.

A mention is a record (``case.yaml#ccp``) with its type, names and the ids of the records it is
linked to in its source (claims, affiliations, authorship) -- the neighbours used to rank
suggestions. Resolution never looks at anything else, so it runs the same over case files, extracted
articles or a generated benchmark.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from dataclasses import dataclass, field

from kg.ingest.casemodel import Case


@dataclass
class Mention:
    source: str
    id: str
    kind: str  # person | organization | publication
    name: str
    aliases: tuple[str, ...] = ()
    key: str | None = None  # an explicit ``key:`` from the source: a different key is a different entity
    subkind: str | None = None  # organization kind or publication type
    date: str | None = None
    url: str | None = None
    publisher: str | None = None  # the publisher's name, for publications
    same_as: tuple[str, ...] = ()
    neighbours: tuple[str, ...] = field(default=(), compare=False)  # ids in the same source
    claims: int = field(default=0, compare=False)  # claims made by or about it

    @functools.cached_property
    def ref(self) -> str:
        return f"{self.source}#{self.id}"


def mentions_of(source: str, case: Case) -> list[Mention]:
    """One mention per entity record of a validated case, in record order."""
    links: dict[str, set[str]] = defaultdict(set)
    claims: dict[str, int] = defaultdict(int)

    def link(a: str, b: str) -> None:
        if a != b:
            links[a].add(b)
            links[b].add(a)

    for aff in case.affiliations:
        link(aff.person, aff.organization)
    for claim in case.claims:
        claims[claim.claimant] += 1
        for subject in claim.about:
            claims[subject] += 1
            link(claim.claimant, subject)
    out = []
    for entity in case.entities.values():
        publisher = None
        if entity.publisher:
            link(entity.id, entity.publisher)
            owner = case.entities.get(entity.publisher)
            publisher = owner.name if owner else entity.publisher
        for author in entity.authors:
            link(entity.id, author)
        out.append(Mention(
            source=source, id=entity.id, kind=entity.kind, name=entity.name, aliases=tuple(entity.aliases),
            key=entity.key, subkind=entity.org_kind or entity.pub_type, date=entity.date, url=entity.url,
            publisher=publisher, same_as=tuple(entity.same_as)))
    for mention in out:
        mention.neighbours = tuple(sorted(links.get(mention.id, ())))
        mention.claims = claims.get(mention.id, 0)
    return out
