"""One name and one key per resolved entity, chosen by a stable rule.

The key (minted into the IRI) is an explicit ``key:`` if a member has one, else the label. The
label is the strong name most mentions use (ties: the longest, then alphabetical order), spelt as
most of them spell it (preferring forms without an honorific). A person known only by a surname
is keyed within its source ("Liu (articles/a.txt)"), so two sources' "Mr. Liu" never share an IRI;
two entities that would still mint the same IRI are told apart by their first record.
"""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from kg.iris import slug
from kg.resolve.forms import Forms
from kg.resolve.mention import Mention
from kg.resolve.normalize import has_honorific


@dataclass
class Cluster:
    kind: str
    key: str  # what the IRI is minted from
    label: str
    members: list[Mention]
    aliases: list[str] = field(default_factory=list)  # every other surface form, sorted

    @property
    def sources(self) -> list[str]:
        return sorted({m.source for m in self.members})


@dataclass
class Resolution:
    clusters: list[Cluster]
    rejected: dict[str, str]  # mention ref -> reason
    notes: list[str]  # decisions that matched nothing, conflicts: to be shown to the investigator
    by_ref: dict[str, Cluster] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.by_ref = {m.ref: c for c in self.clusters for m in c.members}

    def fingerprint(self, source: str, ids: list[str]) -> str:
        """What resolution decided about one source's records: changes when its graph must change."""
        digest = hashlib.sha256()
        for ident in sorted(ids):
            ref = f"{source}#{ident}"
            cluster = self.by_ref.get(ref)
            parts = [ident, "rejected", self.rejected.get(ref, "")] if cluster is None else [
                ident, cluster.kind, cluster.key, cluster.label]
            digest.update("\0".join(parts).encode("utf-8") + b"\n")
        return digest.hexdigest()[:32]


def _label(members: list[Mention], forms: dict[str, Forms]) -> str:
    if len(members) == 1:
        return forms[members[0].ref].name
    strong = [m for m in members if not forms[m.ref].weak] or members
    keys = Counter(forms[m.ref].key for m in strong)
    best = min(keys, key=lambda k: (-keys[k], -len(k), k))
    spellings = Counter(forms[m.ref].name for m in strong if forms[m.ref].key == best)
    return min(spellings, key=lambda s: (has_honorific(s), -spellings[s], len(s), s))


def name_clusters(groups: list[list[Mention]], forms: dict[str, Forms], kinds: dict[str, str]) -> list[Cluster]:
    clusters = []
    for members in groups:
        first = members[0]
        label = _label(members, forms)
        explicit = sorted({m.key for m in members if m.key})
        key = explicit[0] if explicit else label
        if not explicit and kinds[first.ref] == "person" and all(forms[m.ref].weak for m in members):
            key = f"{label} ({min(m.source for m in members)})"
        surface = {m.name for m in members} | {a for m in members for a in m.aliases}
        clusters.append(Cluster(kinds[first.ref], key, label, members, sorted(surface - {label})))
    by_iri: dict[tuple[str, str], list[Cluster]] = defaultdict(list)
    slugs: dict[int, str] = {}
    for cluster in clusters:
        slugs[id(cluster)] = slug(cluster.key)
        by_iri[(cluster.kind, slugs[id(cluster)])].append(cluster)
    for same in by_iri.values():
        if len(same) > 1:
            for cluster in same:
                cluster.key = f"{cluster.key} {min(m.ref for m in cluster.members)}"
                slugs[id(cluster)] = slug(cluster.key)
    clusters.sort(key=lambda c: (c.kind, slugs[id(c)], c.key))
    return clusters
