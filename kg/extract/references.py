"""Who a word refers to: names, pronouns, "the company", "the study", "a spokeswoman for ...".

Within one article only. Pronouns go to the most recent earlier person whose gender does not
contradict them (gender is learnt from honorifics, role nouns and earlier pronouns); "the company"
goes to the organization whose name holds that noun, else the most recent one that is not a news
outlet; "the study" goes to the most recent publication, else a journal; a role noun ("the aide")
goes to the person that role was given to by an apposition elsewhere in the article.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from typing import Any

from kg.extract.docindex import index
from kg.extract.lexicon import (
    DOCUMENT_NOUNS,
    FEMALE,
    MALE,
    MEDIA_NOUNS,
    ORG_NOUNS,
    ORG_TYPE_NOUNS,
    SPOKES_NOUNS,
    STAFF_NOUNS,
)
from kg.extract.mentions import Cand
from kg.extract.model import FoundEntity

_PERSON_PRONOUNS = {"he": "m", "she": "f", "him": "m", "her": "f"}
_THING_PRONOUNS = {"it", "its"}
_POSS_OWNER = SPOKES_NOUNS | STAFF_NOUNS  # "Dancey's office said", "its researchers said"
_GENERIC_ORG_NOUNS = {"company", "firm", "group", "organisation", "organization", "business", "charity", "airline",
                      "carrier", "insurer", "lender", "retailer", "manufacturer", "supplier", "operator",
                      "contractor", "broadcaster", "publisher", "chain"}
_AUTHORING = {"file", "publish", "write", "commission", "release", "produce", "issue", "conduct", "prepare",
              "compile", "author", "submit", "bring"}
_WINDOW = 300  # mentions looked at around a reference: antecedents are recent
_MEDIA = {"NewsOutlet", "Journal"}  # outlets report; "the company" is never the newspaper
_OWNER_NOUNS = SPOKES_NOUNS | STAFF_NOUNS


@dataclass
class Resolved:
    entity: int
    via: str  # name | pronoun | noun | role


class References:
    def __init__(self, doc: Any, cands: list[Cand], entities: list[FoundEntity]) -> None:
        self.doc = doc
        self.entities = {e.key: e for e in entities}
        self.token_entity: dict[int, int] = {}
        self.positions: list[tuple[int, int]] = []  # (token start, entity key), sorted
        for c in cands:
            if c.entity is None or c.entity not in self.entities:
                continue
            for i in range(c.start, c.end):
                self.token_entity[i] = c.entity
            self.positions.append((c.start, c.entity))
        self.positions.sort()
        self.starts = [p for p, _ in self.positions]
        self.sent_no = index(doc).sent_no
        self.roles = self._role_nouns()
        self.strict = False  # True: "the committee" only resolves to an organization named like that
        self.titles: dict[int, set[str]] = {}  # person -> titles used before the name ("councillor")
        for c in cands:
            if c.entity is not None and c.honorific:
                self.titles.setdefault(c.entity, set()).add(c.honorific)
        self.thing_speakers: list[tuple[int, int]] = []
        self.person_speakers: list[tuple[int, int]] = []  # (verb token, person) in reading order
        for entity in entities:
            if entity.kind == "person" and entity.gender is None:
                entity.gender = self._role_gender(entity.key)

    def _role_nouns(self) -> dict[str, int | None]:
        """"The aide, Thomas Wren" / "Thomas Wren, the aide": role noun -> person (None if ambiguous)."""
        out: dict[str, int | None] = {}
        for token in self.doc:
            key = self.token_entity.get(token.i)
            if key is None or self.entities[key].kind != "person" or token.dep_ != "appos":
                continue
            head = token.head
            if head.pos_ == "NOUN":
                lemma = head.lemma_.lower()
                out[lemma] = key if out.get(lemma, key) == key else None
        return out

    def _role_gender(self, key: int) -> str | None:
        for lemma, person in self.roles.items():
            if person == key and (lemma in MALE or lemma in FEMALE):
                return "m" if lemma in MALE else "f"
        return None

    def entity_of(self, token: Any) -> int | None:
        return self.token_entity.get(token.i)

    def kind(self, key: int) -> str:
        return self.entities[key].kind

    def _before(self, index: int) -> list[int]:
        """Entity keys mentioned before token ``index``, most recent first."""
        cut = bisect.bisect_left(self.starts, index)
        return [key for _, key in reversed(self.positions[max(0, cut - _WINDOW):cut])]

    def _after(self, index: int) -> list[int]:
        cut = bisect.bisect_right(self.starts, index)
        return [key for _, key in self.positions[cut:cut + _WINDOW]]

    def resolve(self, token: Any) -> Resolved | None:
        """The entity a subject/agent token stands for, or None."""
        key = self.entity_of(token)
        if key is not None:
            return Resolved(key, "name")
        for child in token.children:
            if child.dep_ == "appos":
                for sub in child.subtree:
                    key = self.entity_of(sub)
                    if key is not None:
                        return Resolved(key, "name")
        lower = token.lower_
        if lower in _PERSON_PRONOUNS:
            return self._pronoun(token, _PERSON_PRONOUNS[lower])
        if lower in _THING_PRONOUNS:
            return self._thing(token.i)
        lemma = token.lemma_.lower()
        if token.pos_ not in ("NOUN", "PROPN"):
            return None
        if lemma in _OWNER_NOUNS:
            for child in token.children:
                if (child.dep_ == "poss" and lemma in _POSS_OWNER) or (
                        child.dep_ == "prep" and child.lower_ in ("for", "of", "at", "from")):
                    target = child if child.dep_ == "poss" else next(
                        (t for t in child.children if t.dep_ == "pobj"), None)
                    found = self.resolve(target) if target is not None else None
                    if found and (self.kind(found.entity) == "organization" or lemma not in SPOKES_NOUNS):
                        return Resolved(found.entity, "noun")
        if lemma in DOCUMENT_NOUNS:
            return self._document(token.i)
        if any(c.dep_ == "det" and c.lower_ in ("the", "this", "that") for c in token.children):
            named = self._named_org(token.i, lemma)
            if named is not None:
                return named
        if lemma in MEDIA_NOUNS:
            outlet = next((k for k in self._before(token.i) if self.entities[k].org_kind in _MEDIA), None)
            if outlet is not None:
                return Resolved(outlet, "noun")
        if lemma in ORG_NOUNS | ORG_TYPE_NOUNS:
            modified = any(c.dep_ in ("poss", "compound", "amod") and self.entity_of(c) is None
                           for c in token.children)  # "the parents' action group" is some other group
            if self.strict and (lemma not in _GENERIC_ORG_NOUNS or modified):
                return self._named_org(token.i, lemma)  # "the committee" is not just any organization
            return self._org(token.i, lemma)
        person = self.roles.get(lemma)
        if person is not None:
            return Resolved(person, "role")
        return None

    def _pronoun(self, token: Any, gender: str) -> Resolved | None:
        """The last person who spoke, if recent and not of the other gender; else the subject of
        this or the previous sentence; else the most recent person mentioned."""
        now = self.sent_no[token.i]
        for start, key in self._before_positions(token.i):
            entity = self.entities[key]
            if now - self.sent_no[start] > 1:
                break
            root = self.doc[start]
            while root.head.i != root.i and self.token_entity.get(root.head.i) == key:
                root = root.head
            if root.dep_ == "appos":
                root = root.head
            main = root.head.dep_ == "ROOT" or (root.head.dep_ == "conj" and root.head.head.dep_ == "ROOT")
            if entity.kind == "person" and entity.gender in (None, gender) and root.dep_ in ("nsubj", "nsubjpass") \
                    and main:
                entity.gender = gender
                return Resolved(key, "pronoun")
        spoke = [key for i, key in self.person_speakers if i < token.i and now - self.sent_no[i] <= 2]
        if spoke and self.entities[spoke[-1]].gender in (None, gender):
            self.entities[spoke[-1]].gender = gender
            return Resolved(spoke[-1], "pronoun")
        for key in self._before(token.i):
            entity = self.entities[key]
            if entity.kind != "person" or entity.gender not in (None, gender):
                continue
            entity.gender = gender
            return Resolved(key, "pronoun")
        return None

    def _thing(self, index: int) -> Resolved | None:
        """"It"/"its": a recent speaker that is not a person wins (set by the attribution pass),
        then an organization that is the subject of this or the previous sentence, then the most
        recent organization or publication."""
        earlier = [(i, key) for i, key in self.thing_speakers if i < index]
        if earlier and self.sent_no[index] - self.sent_no[earlier[-1][0]] <= 2:
            return Resolved(earlier[-1][1], "pronoun")
        candidates = [k for k in self._before_positions(index)
                      if self.kind(k[1]) != "person" and self.entities[k[1]].org_kind != "NewsOutlet"]
        for start, key in candidates:
            root = self.doc[start]
            while root.head.i != root.i and self.token_entity.get(root.head.i) == key:
                root = root.head
            if root.dep_ == "appos":
                root = root.head
            if root.dep_ in ("nsubj", "nsubjpass") and self.sent_no[index] - self.sent_no[start] <= 1:
                return Resolved(key, "pronoun")
        return Resolved(candidates[0][1], "pronoun") if candidates else None

    def _before_positions(self, index: int) -> list[tuple[int, int]]:
        cut = bisect.bisect_left(self.starts, index)
        return list(reversed(self.positions[max(0, cut - _WINDOW):cut]))

    def _document(self, index: int) -> Resolved | None:
        """"The report": a publication named inside its own phrase ("the report, titled ...") or
        its author ("a report by X"), else the most recent publication, else a journal."""
        noun = self.doc[index]
        inside = [k for k in (self.token_entity.get(t.i) for t in noun.subtree) if k is not None]
        for wanted in ("publication", "Journal"):  # "a paper published in the journal X"
            for key in inside:
                if self.kind(key) == wanted or self.entities[key].org_kind == wanted:
                    return Resolved(key, "noun")
        for child in noun.subtree:  # "a report by X", "the lawsuit, filed by X"
            if child.dep_ in ("prep", "agent") and child.lower_ in ("by", "from") and child.head.i in (
                    noun.i, *(t.i for t in noun.children if t.dep_ == "acl" and t.lemma_ in _AUTHORING)):
                for pobj in (t for t in child.children if t.dep_ == "pobj"):
                    found = self.resolve(pobj)
                    if found is not None:
                        return Resolved(found.entity, "noun")
        for child in noun.children:  # "the bank's annual report"
            if child.dep_ == "poss" and child.i != index:
                found = self.resolve(child)
                if found is not None and self.kind(found.entity) != "person":
                    return Resolved(found.entity, "noun")
        before = self._before(index)
        for wanted in ("publication", "Journal"):
            for key in before:
                entity = self.entities[key]
                if entity.kind == wanted or entity.org_kind == wanted:
                    return Resolved(key, "noun")
        return None

    def _named_org(self, index: int, noun: str) -> Resolved | None:
        """"The society" -> the organization whose name holds that word, earlier first."""
        orgs = [k for k in self._before(index) + self._after(index) if self.kind(k) == "organization"]
        stem = noun[:5] if len(noun) >= 5 else None  # "the insurer" -> "... Insurance"
        for key in orgs:
            words = self.entities[key].name.lower().split()
            if noun in words or (stem is not None and any(w.startswith(stem) for w in words)):
                return Resolved(key, "noun")
        return None

    def _org(self, index: int, noun: str) -> Resolved | None:
        named = self._named_org(index, noun)
        if named is not None:
            return named
        orgs = [k for k in self._before(index) if self.kind(k) == "organization"]
        later = [k for k in self._after(index) if self.kind(k) == "organization"]
        for key in orgs:
            if self.entities[key].org_kind not in _MEDIA:
                return Resolved(key, "noun")
        for key in later:
            if self.entities[key].org_kind not in _MEDIA:
                first = self.entities[key].mentions[0]
                if first.sentence <= self.sent_no[index] + 3:
                    return Resolved(key, "noun")
        return None
