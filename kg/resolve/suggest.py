"""Likely duplicates that resolution did not merge, for the investigator to review (``kg entities
--suggest``). Nothing here changes the graph: accepting a suggestion is a ``kg merge``.

Candidates come from blocks -- entities sharing a rare word, the same words in another order, the
same consonant skeleton ("Mohammed"/"Muhammad", "Müller"/"Mueller"), initial plus surname, or an
acronym -- so only entities with something in common are ever compared, each with at most
``PER_ENTITY`` others from its most specific blocks, which keeps the cost linear. Each pair is
scored on name similarity (rapidfuzz), shared neighbours (the same people and organizations around
them) and shared sources, and comes with its evidence: which source uses which name.
"""

from __future__ import annotations

import gc
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from rapidfuzz import fuzz

from kg.resolve.canonical import Resolution
from kg.resolve.forms import classify, person_weak
from kg.resolve.normalize import STOPWORDS, acronyms
from kg.resolve.stored import StoredEntity

MAX_BLOCK = 20
WINDOW = 3
PER_ENTITY = 4
MAX_NAMES = 6
THRESHOLD = 0.6
_VOWELS = str.maketrans("", "", "aeiouy")


@dataclass
class Suggestion:
    a: StoredEntity
    b: StoredEntity
    score: float
    reasons: list[str]

    def evidence(self) -> list[str]:
        return [_where(self.a), _where(self.b)]


def _where(entity: StoredEntity) -> str:
    uses = "; ".join(f"{', '.join(repr(n) for n in sorted(names)) or repr(entity.label)} in {source}"
                     for source, names in sorted(entity.names.items()))
    return f"{entity.iri}: {uses}"


def _names(entity: StoredEntity) -> list[str]:
    names = {entity.label} | {n for names in entity.names.values() for n in names}
    keys = sorted({classify(n, entity.kind)[0] for n in names if n} - {""}, key=lambda k: (-len(k), k))
    return keys[:MAX_NAMES]


def _skeleton(key: str) -> str:
    words = []
    for word in key.split():
        squeezed = "".join(c for i, c in enumerate(word) if i == 0 or c != word[i - 1])
        words.append(squeezed[0] + squeezed[1:].translate(_VOWELS).replace("h", ""))
    return " ".join(words)


def _blocks(entity: StoredEntity, keys: list[str]) -> Iterable[str]:
    kind = entity.kind
    for key in keys:
        words = key.split()
        yield f"{kind}|sorted|{' '.join(sorted(words))}"
        yield f"{kind}|skeleton|{_skeleton(key)}"
        for word in words:
            if len(word) > 2 and word not in STOPWORDS:
                yield f"{kind}|word|{word}"
        if kind == "person" and len(words) > 1:
            yield f"{kind}|initial|{words[0][0]} {words[-1]}"
        if kind != "person":
            for acronym in acronyms(key) | ({key} if len(words) == 1 else set()):
                yield f"{kind}|acronym|{acronym}"


def _name_score(kind: str, a: list[str], b: list[str], initials: dict[str, set[str]]) -> tuple[float, str, str, str]:
    """Best similarity over the two name lists, with the pair of names and why (formatted later)."""
    best, why, bx, by = 0.0, "", "", ""
    for x in a:
        for y in b:
            score, reason = fuzz.token_sort_ratio(x, y) / 100, "names"
            if kind == "person" and (person_weak(x) or person_weak(y)):  # a surname or initials: never certain
                short, long = sorted((x.split(), y.split()), key=len)
                fits = short[-1] == long[-1] and all(any(w.startswith(s) for w in long[:-1]) for s in short[:-1])
                score, reason = (0.8, "surname") if fits else (min(score, 0.5), reason)
            if kind != "person" and (x in initials[y] or y in initials[x]):
                score, reason = max(score, 0.85), "acronym"
            if score > best:
                best, why, bx, by = score, reason, x, y
    return best, why, bx, by


def _reason(why: str, x: str, y: str, score: float) -> str:
    if why == "surname":
        short, long = sorted((x, y), key=lambda n: len(n.split()))
        return f"{short!r} could be {long!r} (surname)"
    if why == "acronym":
        return f"{x!r} / {y!r} (acronym)"
    return f"names {x!r} ~ {y!r} ({score:.2f})"


def score_pair(a: StoredEntity, b: StoredEntity, names: dict[str, list[str]],
               initials: dict[str, set[str]], threshold: float = 0.0) -> Suggestion | None:
    """The pair's suggestion, or None when it cannot reach ``threshold`` (checked before the costly parts)."""
    similarity, why, x, y = _name_score(a.kind, names[a.iri], names[b.iri], initials)
    if 0.75 * similarity + 0.25 < threshold:
        return None
    shared = a.neighbours & b.neighbours
    together = a.names.keys() & b.names.keys()
    score = round(0.75 * similarity + 0.15 * min(1.0, len(shared) / 2) + 0.10 * (1.0 if together else 0.0), 3)
    if score < threshold:
        return None
    reasons = [_reason(why, x, y, similarity)]
    if shared:
        reasons.append(f"{len(shared)} shared neighbour(s)")
    if together:
        reasons.append(f"both in {', '.join(sorted(together)[:3])}")
    return Suggestion(a, b, score, reasons)


def suggest(entities: list[StoredEntity], threshold: float = THRESHOLD, apart: set[frozenset[str]] | None = None,
            limit: int | None = None) -> list[Suggestion]:
    """Pairs of entities of one type scoring at least ``threshold``, best first (ties by IRI)."""
    collecting = gc.isenabled()
    gc.disable()  # see kg.resolve.resolver.resolve
    try:
        return _suggest(entities, threshold, apart, limit)
    finally:
        if collecting:
            gc.enable()


def _candidates(entities: list[StoredEntity], names: dict[str, list[str]]) -> set[tuple[int, int]]:
    """Pairs to score: each entity is paired with at most ``PER_ENTITY`` others, from its most
    specific (smallest) blocks first; in a block above ``MAX_BLOCK`` only its ``WINDOW`` neighbours by
    name count. So the work is linear in the number of entities however dense the names get."""
    blocks: dict[str, list[int]] = defaultdict(list)
    mine: list[list[str]] = []
    for index, entity in enumerate(entities):
        keys = sorted(set(_blocks(entity, names[entity.iri])))
        mine.append(keys)
        for block in keys:
            blocks[block].append(index)
    position: dict[str, dict[int, int]] = {}
    ordered: dict[str, list[int]] = {}
    for block, members in blocks.items():
        if len(members) > MAX_BLOCK:
            ordered[block] = sorted(members, key=lambda i: (names[entities[i].iri] or [""])[0])
            position[block] = {item: at for at, item in enumerate(ordered[block])}
    pairs: set[tuple[int, int]] = set()
    for index, keys in enumerate(mine):
        found = 0
        for block in sorted(keys, key=lambda b: (len(blocks[b]), b)):
            members = blocks[block]
            if len(members) < 2:
                continue
            if block in ordered:
                at = position[block][index]
                members = ordered[block][max(0, at - WINDOW):at + WINDOW + 1]
            for other in members:
                if other != index:
                    pairs.add((min(index, other), max(index, other)))
                    found += 1
            if found >= PER_ENTITY:
                break
    return pairs


def _suggest(entities: list[StoredEntity], threshold: float, apart: set[frozenset[str]] | None,
             limit: int | None) -> list[Suggestion]:
    names = {e.iri: _names(e) for e in entities}
    initials = {key: acronyms(key) for keys in names.values() for key in keys}
    pairs = _candidates(entities, names)
    out = []
    for x, y in pairs:
        a, b = entities[x], entities[y]
        if apart and frozenset((a.iri, b.iri)) in apart:
            continue
        suggestion = score_pair(a, b, names, initials, threshold)
        if suggestion is not None:
            out.append(suggestion)
    out.sort(key=lambda s: (-s.score, s.a.iri, s.b.iri))
    return out[:limit] if limit is not None else out


def entities_of(resolution: Resolution) -> list[StoredEntity]:
    """Resolved clusters as entities (IRI-like ids ``kind/key``), to suggest before anything is stored."""
    out = []
    for cluster in resolution.clusters:
        entity = StoredEntity(f"{cluster.kind}/{cluster.key}", cluster.kind, cluster.label)
        refs = {m.ref for m in cluster.members}
        for member in cluster.members:
            entity.names.setdefault(member.source, set()).update({member.name, *member.aliases})
            entity.neighbours.update(f"{member.source}#{n}" for n in member.neighbours)
        entity.neighbours -= refs
        entity.claims = sum(m.claims for m in cluster.members)
        out.append(entity)
    by_ref = {f"{m.source}#{m.id}": f"{c.kind}/{c.key}" for c in resolution.clusters for m in c.members}
    for entity in out:
        entity.neighbours = {by_ref.get(n, n) for n in entity.neighbours}
    return out
