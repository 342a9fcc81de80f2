"""Who a word refers to: names, pronouns, "the company", "the study", "a spokeswoman for ...".

Within one article only. Pronouns go to the most recent earlier person whose gender does not
contradict them (gender is learnt from honorifics, role nouns and earlier pronouns); "the company"
goes to the organization whose name holds that noun, else the most recent one that is not a news
outlet; "the study" goes to the most recent publication, else a journal; a role noun ("the aide")
goes to the person that role was given to by an apposition elsewhere in the article.
"""

from __future__ import annotations

import bisect
import re
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
    ROLE_NOUNS,
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


LEGAL_NOUNS = frozenset({"complaint", "suit", "lawsuit", "motion", "paper", "filing", "petition", "indictment",
                         "brief", "affidavit", "injunction"})
_STATEMENTS = frozenset({"statement", "release", "communique", "communiqué", "letter", "memo"})
_ARTICLES = frozenset({"article", "story"})
_FILING = frozenset({"file", "bring", "submit", "lodge", "serve"})


def _name_words(name: str) -> frozenset[str]:
    """"Department of Justice" and "Justice Department" are written with the same words."""
    return frozenset(w for w in re.findall(r"[\w']+", name.casefold()) if w not in ("of", "the", "for", "and"))


@dataclass
class Resolved:
    entity: int
    via: str  # name | pronoun | noun | role


class References:
    def __init__(self, doc: Any, cands: list[Cand], entities: list[FoundEntity], publisher: str | None = None) -> None:
        self.doc = doc
        self.publisher = publisher
        self.breaks = [m.start() for m in re.finditer("\n\n", doc.text)]
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

    def paragraph(self, i: int) -> int:
        """Paragraph number of token ``i``: a quotation's "he said" may close a long paragraph."""
        return bisect.bisect_right(self.breaks, self.doc[i].idx)

    def _role_nouns(self) -> dict[str, int | None]:
        """"The aide, Thomas Wren" / "Thomas Wren, the aide" / "Secretary of State Antony Blinken",
        "spokesman Victor Reider": role noun -> person (None if ambiguous)."""
        out: dict[str, int | None] = {}
        self.role_holders: dict[str, list[tuple[int, int]]] = {}  # role noun -> (token, person) in order

        def give(lemma: str, key: int) -> None:
            out[lemma] = key if out.get(lemma, key) == key else None
            self.role_holders.setdefault(lemma, []).append((token.i, key))

        for token in index(self.doc).toks:
            key = self.token_entity.get(token.i)
            if key is None or self.entities[key].kind != "person":
                continue
            if token.dep_ == "appos" and token.head.pos_ == "NOUN":
                give(token.head.lemma_.lower(), key)
            for child in token.children:  # "Thomas Wren, the aide"
                if child.dep_ == "appos" and child.pos_ == "NOUN" and child.lemma_.lower() in ROLE_NOUNS \
                        and self.token_entity.get(child.i) is None:
                    give(child.lemma_.lower(), key)
            if token.i and self.token_entity.get(token.i - 1) != key:  # the first word of a mention
                for back in range(token.i - 1, max(-1, token.i - 5), -1):
                    word = self.doc[back]
                    if word.is_punct or self.token_entity.get(back) is not None:
                        break
                    if word.lower_ in ROLE_NOUNS:
                        give(word.lower_, key)
                        break
        return out

    def _holder(self, lemma: str, index: int, indefinite: bool = False) -> int | None:
        """"The spokesman": the person last named with that role before this point (the only one
        named with it, when it comes first). "A former aide ..." only introduces someone named
        later ("The aide, Thomas Wren"): "a minister" is never the minister named before."""
        holders = self.role_holders.get(lemma, [])
        earlier = [key for at, key in holders if at < index]
        if earlier:
            return None if indefinite else earlier[-1]
        return self.roles.get(lemma)

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
        if lemma in _OWNER_NOUNS | ROLE_NOUNS:
            named = self._named_after_body(token)
            if named is not None:
                return named
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
        indefinite = any(c.dep_ == "det" and c.lower_ in ("a", "an", "any", "every", "no") for c in token.children)
        person = self._holder(lemma, token.i, indefinite) if token.tag_ not in ("NNS", "NNPS") else None
        # "prosecutors" are several
        if person is not None:
            return Resolved(person, "role")
        return None

    def _named_after_body(self, noun: Any) -> Resolved | None:
        """"an official with the rebel movement, <Person>, said": the parser hangs the name on the
        organization; the person named is who the role noun stands for."""
        for prep in (c for c in noun.children if c.dep_ == "prep"):
            for pobj in (t for t in prep.children if t.dep_ == "pobj"):
                for appos in (t for t in pobj.children if t.dep_ == "appos"):
                    key = self.entity_of(appos)
                    if key is not None and self.kind(key) == "person":
                        return Resolved(key, "name")
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
        spoke = [key for i, key in self.person_speakers if i < token.i and (now - self.sent_no[i] <= 2 or (
            self.paragraph(token.i) - self.paragraph(i) <= 1 and now - self.sent_no[i] <= 8))]
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
        lemma = noun.lemma_.lower()
        if lemma in LEGAL_NOUNS:
            return self.filer(index) or self._publisher()
        if lemma in _STATEMENTS:  # "In a press statement, the MDC said ... The statement added that ..."
            spoke = [(i, key) for i, key in self.thing_speakers + self.person_speakers
                     if i < index and self.sent_no[index] - self.sent_no[i] <= 3]
            return Resolved(max(spoke)[1], "noun") if spoke else None
        if lemma in _ARTICLES:  # "According to the article, ..." is the outlet that wrote it
            outlet = next((k for k in before if self.entities[k].org_kind == "NewsOutlet"), None)
            return Resolved(outlet, "noun") if outlet is not None else None
        return None

    def filer(self, index: int) -> Resolved | None:
        """Who filed the papers: the subject of an earlier "filed/brought a suit/complaint/papers"."""
        for token in reversed(self.doc[:index]):
            if token.lemma_.lower() not in _FILING or token.pos_ != "VERB":
                continue
            if not any(c.dep_ == "dobj" and c.lemma_.lower() in DOCUMENT_NOUNS for c in token.children):
                continue
            subject = next((c for c in token.children if c.dep_ == "nsubj"), None)
            found = self.resolve(subject) if subject is not None else None
            if found is not None and self.kind(found.entity) == "organization":
                return Resolved(found.entity, "noun")
        return None

    def _publisher(self) -> Resolved | None:
        """The organization that published the article, when the article names it: its own filings
        ("according to the government complaint") are its words."""
        if not self.publisher:
            return None
        wanted = _name_words(self.publisher)
        for entity in self.entities.values():
            if entity.kind == "organization" and any(_name_words(n) == wanted for n in (entity.name, *entity.aliases)):
                return Resolved(entity.key, "noun")
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
