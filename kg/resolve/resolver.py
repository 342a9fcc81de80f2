"""Automatic, conservative resolution over every mention of a build, then the curation plan.

Order: rejected mentions are set aside, retyped ones change type, split decisions tag their sides
so they can never meet, the investigator's merges are applied, then automatic merges:

1. *strong names*: mentions of one type sharing a normalised name or declared alias are merged,
   unless their organization kind / publication type, date, URL, publisher or explicit key differ
   (a journal and its publisher of the same name stay apart);
2. *national bodies*: "Iran's government", "the Iranian government" and "the Government of Iran" are
   one organization (:mod:`kg.resolve.countries`, conservative: same country word or its adjective);
3. *weak names*: an acronym or a surname is attached to an entity only when exactly one candidate
   fits, looking first in the same source, then (acronyms only) everywhere, at declared aliases and
   at long names whose initials match together: "CCP" declared by the Chinese Communist Party stays
   apart while a Cuban Communist Party is also in the graph. A surname is never matched across sources.

Everything is blocked by key (dictionaries), so the cost is near linear in the number of mentions.
"""

from __future__ import annotations

import gc
from collections import defaultdict
from dataclasses import dataclass, field

from kg.resolve.canonical import Cluster, Resolution, name_clusters
from kg.resolve.countries import national_groups
from kg.resolve.forms import Forms, forms_of
from kg.resolve.mention import Mention
from kg.resolve.normalize import normalize, surname
from kg.resolve.unionfind import ConstrainedUnionFind

Side = list[int]


@dataclass
class Plan:
    """The curation file, matched against this build's mentions (see :mod:`kg.resolve.curation`)."""

    rejected: dict[int, str] = field(default_factory=dict)  # mention index -> why
    retype: dict[int, str] = field(default_factory=dict)  # mention index -> new type
    merges: list[tuple[Side, Side, str]] = field(default_factory=list)  # sides, description
    splits: list[tuple[Side, Side, str]] = field(default_factory=list)
    renames: list[tuple[Side, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


class _Resolver:
    def __init__(self, mentions: list[Mention], plan: Plan) -> None:
        self.mentions, self.plan = mentions, plan
        self.kinds = [plan.retype.get(i, m.kind) for i, m in enumerate(mentions)]
        self.forms: list[Forms] = [forms_of(m, k) for m, k in zip(mentions, self.kinds, strict=True)]
        self.uf = ConstrainedUnionFind(len(mentions))
        self.own: list[dict[str, str] | None] = [self._props(i) for i in range(len(mentions))]
        self.notes: list[str] = list(plan.notes)

    def _props(self, i: int) -> dict[str, str] | None:
        m, kind = self.mentions[i], self.kinds[i]
        props = {}
        if m.key:
            props["key"] = normalize(m.key)
        if m.subkind and kind == m.kind:
            props["kind"] = m.subkind.rsplit("#", 1)[-1].rsplit("/", 1)[-1]
        if kind == "publication":
            for name, value in (("date", m.date), ("url", m.url), ("publisher", m.publisher)):
                if value:
                    props[name] = normalize(value)
        for name, value in props.items():
            self.uf.set_prop(i, name, value)
        return props or None

    def live(self, i: int) -> bool:
        return i not in self.plan.rejected

    def anchored(self, i: int) -> bool:
        """Has a strong name of its own (as its name or a declared alias)."""
        f = self.forms[i]
        return self.live(i) and (not f.weak or bool(f.strong_aliases))

    def run(self) -> Resolution:
        self.curated()
        self.strong()
        self.national()
        self.weak()
        groups = [[self.mentions[i] for i in g if self.live(i)] for g in self.uf.groups().values()]
        clusters = name_clusters([g for g in groups if g], self.forms_by_ref(), self.kind_by_ref())
        self.rename(clusters)
        rejected = {self.mentions[i].ref: why for i, why in self.plan.rejected.items()}
        return Resolution(clusters, rejected, self.notes)

    def forms_by_ref(self) -> dict[str, Forms]:
        return {m.ref: f for m, f in zip(self.mentions, self.forms, strict=True)}

    def kind_by_ref(self) -> dict[str, str]:
        return {m.ref: k for m, k in zip(self.mentions, self.kinds, strict=True)}

    # -- the investigator's decisions ----------------------------------------------------------
    def curated(self) -> None:
        for number, (a, b, what) in enumerate(self.plan.splits):
            both = set(a) & set(b)
            if both:
                refs = ", ".join(sorted(self.mentions[i].ref for i in both))
                self.notes.append(f"{what}: {refs} matches both sides; it was left on the first side")
            for i in a:
                self.uf.add_tag(i, 2 * number)
            for i in set(b) - both:
                self.uf.add_tag(i, 2 * number + 1)
        for a, b, what in self.plan.merges:
            items = [i for i in a + b if self.live(i)]
            for i in items[1:]:
                if self.kinds[i] != self.kinds[items[0]]:
                    self.notes.append(f"{what}: cannot merge a {self.kinds[items[0]]} with a {self.kinds[i]} "
                                      f"({self.mentions[i].ref}); retype one first")
                    continue
                why = self.uf.conflict(items[0], i, forced=True)
                if why:
                    self.notes.append(f"{what}: not applied to {self.mentions[i].ref}: {why}")
                    continue
                self.uf.union(items[0], i, forced=True)

    def rename(self, clusters: list[Cluster]) -> None:
        by_ref = {m.ref: c for c in clusters for m in c.members}
        for side, label in self.plan.renames:
            for cluster in {id(c): c for i in side if (c := by_ref.get(self.mentions[i].ref))}.values():
                cluster.label = label

    # -- automatic ------------------------------------------------------------------------------
    def strong(self) -> None:
        blocks: dict[tuple[str, str], list[int]] = defaultdict(list)
        for i, f in enumerate(self.forms):
            if not self.live(i):
                continue
            if not f.weak:
                blocks[(self.kinds[i], f.key)].append(i)
            for alias in f.strong_aliases:
                blocks[(self.kinds[i], alias)].append(i)
        for _key, items in sorted(blocks.items()):
            if len(items) > 1:
                self.merge_block(items)

    def national(self) -> None:
        """"Iran's government" = "the Iranian government" = "the Government of Iran" (kg.resolve.countries)."""
        names = [(i, text) for i, m in enumerate(self.mentions) if self.live(i) and self.kinds[i] == "organization"
                 for text in (self.forms[i].name, *m.aliases)]
        for group in national_groups(names):
            for j in group[1:]:
                self.uf.union(group[0], j)

    def merge_block(self, items: list[int]) -> None:
        """Merge a block of mentions sharing a name; mentions missing a property on which the block
        disagrees (a kind-less "Nature" beside a journal and a publisher "Nature") are left alone."""
        values: dict[str, set[str]] = defaultdict(set)
        for i in items:
            for name, value in (self.own[i] or {}).items():
                values[name].add(value)
        contested = [name for name, seen in values.items() if len(seen) > 1]
        roots: list[int] = []
        for i in items:
            if contested and any(name not in (self.own[i] or {}) for name in contested):
                continue
            for root in roots:
                if self.uf.union(root, i):
                    break
            else:
                roots.append(i)

    def weak(self) -> None:
        declared: dict[tuple[str, str], list[int]] = defaultdict(list)  # (kind, weak alias) -> strong mentions
        computed: dict[tuple[str, str], list[int]] = defaultdict(list)  # (kind, acronym) -> long names
        surnames: dict[tuple[str, str], list[int]] = defaultdict(list)  # (source, surname) -> people
        for i, f in enumerate(self.forms):
            if not self.anchored(i):
                continue
            kind = self.kinds[i]
            for alias in f.weak_aliases:
                declared[(kind, alias)].append(i)
            for acronym in f.acronyms:
                computed[(kind, acronym)].append(i)
            if kind == "person":
                for key in {*([] if f.weak else [f.key]), *f.strong_aliases}:
                    surnames[(self.mentions[i].source, surname(key))].append(i)
        unresolved: dict[tuple[str, str], list[int]] = defaultdict(list)
        ambiguous: set[tuple[str, str]] = set()
        anchored = {self.uf.find(i) for i in range(len(self.forms)) if self.anchored(i)}
        for i, f in enumerate(self.forms):
            if not f.weak or not self.live(i) or not f.key or self.uf.find(i) in anchored:
                continue
            kind, source = self.kinds[i], self.mentions[i].source
            if kind == "person":
                found = self.person_candidates(f.key, source, declared, surnames)
                tiers = [found]
            else:
                told, initials = declared[(kind, f.key)], computed[(kind, f.key)]
                here = [j for j in told + initials if self.mentions[j].source == source]
                tiers = [here, told + initials]
            for tier in tiers:
                roots = {self.uf.find(j) for j in tier}
                if len(roots) == 1 and self.uf.union(roots.pop(), i):
                    anchored.add(self.uf.find(i))
                    break
                if roots:
                    ambiguous.add((kind, f.key))
                    break
            else:
                scope = source if kind == "person" else ""
                unresolved[(kind, scope + "\0" + f.key)].append(i)
        for (kind, scoped), items in sorted(unresolved.items()):
            if kind != "person" and (kind, scoped.split("\0", 1)[1]) in ambiguous:
                by_source: dict[str, list[int]] = defaultdict(list)
                for i in items:
                    by_source[self.mentions[i].source].append(i)
                for group in by_source.values():
                    self.merge_block(group)
            else:
                self.merge_block(items)

    def person_candidates(self, key: str, source: str, declared: dict[tuple[str, str], list[int]],
                          surnames: dict[tuple[str, str], list[int]]) -> list[int]:
        words = key.split()
        initials = words[:-1]
        found = [j for j in declared[("person", key)] if self.mentions[j].source == source]
        for j in surnames.get((source, words[-1]), []):
            first = self.forms[j].key.split()
            if all(k < len(first) - 1 and first[k].startswith(w) for k, w in enumerate(initials)):
                found.append(j)
        return found


def resolve(mentions: list[Mention], plan: Plan | None = None) -> Resolution:
    """Resolve ``mentions`` (in a stable order: sources sorted, records in file order)."""
    collecting = gc.isenabled()
    gc.disable()  # millions of small acyclic objects: the cycle collector would rescan them again and again
    try:
        return _Resolver(mentions, plan or Plan()).run()
    finally:
        if collecting:
            gc.enable()
