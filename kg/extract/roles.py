"""Roles from the ways English introduces people: appositions and title phrases.

- "<Person>, a spokeswoman for <Org>" / "<Org>'s director of programmes, <Person>" /
  "The head of <Org>, <Person>" (the role noun with its modifiers; "former", "then" dropped);
- "<Org> spokesman <Person>" (a lower-case title between two names);
- "<Person>, who chairs <Org>" (a relative clause with a role verb);
- "<Person> ... as an auditor at <Org>";
- "<Person> of <Org>" (an affiliation with no role).
The organization may be named, an acronym, or "the company"/"its" resolved within the article.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from kg.extract.docindex import index
from kg.extract.lexicon import HONORIFICS, ROLE_DROP, ROLE_NOUNS, ROLE_VERBS, STAFF_NOUNS
from kg.extract.references import References
from kg.extract.titles import TitleRoles

_PREPS = {"of", "for", "at", "with", "in", "to"}
_TITLE_BODIES = {"councillor": "council", "councilor": "council", "councilman": "council", "councilwoman": "council",
                 "alderman": "council", "senator": "senate", "commissioner": "commission", "minister": "ministry",
                 "judge": "court", "justice": "court", "bishop": "church"}
_RANKS = {"vice", "deputy", "acting", "chief", "senior", "assistant", "associate", "executive", "general"}
_NAMING = {"name", "appoint", "elect", "choose", "select", "nominate", "install", "hire"}
_PREP_ROLE_VERBS: dict[str, str | None] = {"speak": "spokesperson", "work": None, "serve": None, "teach": "teacher",
                                           "volunteer": "volunteer", "study": "student"}


@dataclass(frozen=True)
class Role:
    person: int
    organization: int
    role: str | None
    start: int  # token range covering the evidence
    end: int


class RoleFinder:
    def __init__(self, doc: Any, refs: References) -> None:
        self.doc, self.refs = doc, refs

    def org(self, token: Any | None) -> int | None:
        if token is None:
            return None
        found = self.refs.resolve(token)
        if found is not None and self.refs.kind(found.entity) == "organization":
            return found.entity
        return None

    def org_in(self, noun: Any) -> tuple[int | None, list[Any]]:
        """The organization a role noun belongs to (possessive or prepositional), and the role's
        own prepositional words ("director *of programmes*")."""
        extra: list[Any] = []
        for child in noun.children:
            if child.dep_ == "poss":
                owner = child
                if child.lower_ == "whose":  # "the Union, whose president, <Person>, ..."
                    owner = next((a for a in child.ancestors if a.dep_ == "relcl"), child).head
                key = self.org(owner)
                if key is not None:
                    return key, extra
        for child in noun.children:
            if child.dep_ == "prep" and child.lower_ in _PREPS:
                pobj = next((t for t in child.children if t.dep_ == "pobj"), None)
                key = self.org(pobj)
                if key is not None:
                    return key, extra
                if pobj is not None and pobj.pos_ == "NOUN":
                    deeper, _ = self.org_in(pobj)
                    if deeper is not None:
                        return deeper, extra
                    extra = [child, pobj]
        return None, extra

    def role_words(self, noun: Any, extra: list[Any]) -> str:
        words = [t for t in noun.lefts if t.dep_ in ("compound", "amod", "nmod") and t.lower_ not in ROLE_DROP
                 and self.refs.entity_of(t) is None and not t.is_punct]
        text = " ".join([t.lower_ for t in words] + [noun.lower_] + [t.lower_ for t in extra])
        return text

    def person_head(self, token: Any) -> int | None:
        key = self.refs.entity_of(token)
        return key if key is not None and self.refs.kind(key) == "person" else None

    def find(self) -> list[Role]:
        found: dict[tuple[int, int], Role] = {}
        self.refs.strict = True
        try:
            for token in index(self.doc).toks:
                person = self.person_head(token)
                if person is None or (token.head.i != token.i and self.refs.entity_of(token.head) == person):
                    continue  # only the head token of a person mention
                for role in [*self.around(token, person), *self.titled(token, person)]:
                    found.setdefault((role.person, role.organization), role)
        finally:
            self.refs.strict = False
        for titled in TitleRoles(self.doc, self.refs).find():
            known = found.get((titled.person, titled.organization))
            if known is None or not known.role:
                found[(titled.person, titled.organization)] = Role(titled.person, titled.organization, titled.role,
                                                                   titled.start, titled.end)
        return list(found.values())

    def titled(self, token: Any, person: int) -> list[Role]:
        """"Councillor <Person>" in an article about "<Town> City Council": the one organization
        whose name holds the body the title belongs to."""
        out = []
        for title in self.refs.titles.get(person, ()):
            body = _TITLE_BODIES.get(title)
            orgs = [e.key for e in self.refs.entities.values() if e.kind == "organization" and body is not None
                    and e.name.lower().split()[-1] == body]
            if len(orgs) == 1:
                out.append(Role(person, orgs[0], title, token.i, token.i + 1))
        return out

    def around(self, token: Any, person: int) -> list[Role]:
        out = []
        nouns = [c for c in token.children if c.dep_ == "appos" and c.pos_ == "NOUN"]
        if token.dep_ == "appos" and token.head.pos_ == "NOUN":
            nouns.append(token.head)
        owner = token.head.head if token.dep_ == "appos" and token.head.dep_ == "pobj" else None
        if owner is not None and owner.head.pos_ == "NOUN" and owner.head.lemma_.lower() in ROLE_NOUNS | STAFF_NOUNS:
            key = self.org(token.head)  # "an official with the rebel movement, <Person>"
            if key is not None:
                out.append(self.make(person, key, self.role_words(owner.head, []), token, owner.head))
        for noun in nouns:
            key, extra = self.org_in(noun)
            if key is not None:
                out.append(self.make(person, key, self.role_words(noun, extra), token, noun))
        sequence = self.title_before(token, person)
        if sequence is not None:
            out.append(sequence)
        for child in token.children:
            if child.dep_ == "relcl":
                out.extend(self.relative(token, person, child))
            if child.dep_ == "prep" and child.lower_ in ("of", "from", "at"):
                key = self.org(next((t for t in child.children if t.dep_ == "pobj"), None))
                if key is not None:
                    title = self.title_words(token, person)
                    out.append(self.make(person, key, " ".join(w.lower_ for w in title) or None, token, child))
        if token.dep_ == "nsubj" and token.head.lemma_ == "be":  # "<Person> is a hydrologist at <Org>"
            for attr in (t for t in token.head.children if t.dep_ == "attr" and t.pos_ == "NOUN"):
                key, extra = self.org_in(attr)
                if key is not None:
                    out.append(self.make(person, key, self.role_words(attr, extra), token, attr))
        if token.dep_ == "dobj" and token.head.lemma_.lower() in _NAMING:  # "<Org> named <Person> as its leader"
            verb = token.head
            for prep in (c for c in [*verb.children, *token.children] if c.dep_ == "prep" and c.lower_ == "as"):
                noun = next((t for t in prep.children if t.dep_ == "pobj" and t.pos_ == "NOUN"), None)
                subject = next((c for c in verb.children if c.dep_ == "nsubj"), None)
                key = self.org(subject)
                if noun is not None and key is not None:
                    out.append(self.make(person, key, self.role_words(noun, []), token, noun))
        if token.dep_ == "nsubj":
            for prep in token.head.children:
                if prep.dep_ == "prep" and prep.lower_ == "as":
                    noun = next((t for t in prep.children if t.dep_ == "pobj" and t.pos_ == "NOUN"), None)
                    if noun is not None:
                        key, extra = self.org_in(noun)
                        if key is not None:
                            out.append(self.make(person, key, self.role_words(noun, extra), token, noun))
        return out

    def relative(self, token: Any, person: int, verb: Any) -> list[Role]:
        """"<Person>, who chairs <Org>" / "who speaks for <Org>" / "who works at <Org>"."""
        lemma = verb.lemma_.lower()
        out = []
        if lemma in ROLE_VERBS:
            key = self.org(next((t for t in verb.children if t.dep_ == "dobj"), None))
            if key is not None:
                out.append(self.make(person, key, ROLE_VERBS[lemma], token, verb))
        for prep in verb.children:
            if prep.dep_ == "prep" and lemma in _PREP_ROLE_VERBS and prep.lower_ in ("for", "at", "with", "in"):
                key = self.org(next((t for t in prep.children if t.dep_ == "pobj"), None))
                if key is not None:
                    out.append(self.make(person, key, _PREP_ROLE_VERBS[lemma], token, verb))
        return out

    def title_words(self, token: Any, person: int) -> list[Any]:
        """Common nouns and adjectives right before a name: "marine biologist <Person>"."""
        start = token.i
        while start > 0 and self.refs.entity_of(self.doc[start - 1]) == person:
            start -= 1
        words: list[Any] = []
        index = start - 1
        while index >= 0 and len(words) < 3 and self.doc[index].is_alpha and self.doc[index].pos_ in ("NOUN", "ADJ") \
                and (self.doc[index].is_lower or self.doc[index].is_sent_start) \
                and self.refs.entity_of(self.doc[index]) is None:
            words.insert(0, self.doc[index])
            index -= 1
        return [w for w in words if w.lower_ not in ROLE_DROP]

    def title_before(self, token: Any, person: int) -> Role | None:
        """"<Org> spokesman <Person>": lower-case words between an organization and the name."""
        start = token.i
        while start > 0 and self.refs.entity_of(self.doc[start - 1]) == person:
            start -= 1
        while start > 0 and self.doc[start - 1].lower_ in HONORIFICS and self.doc[start - 1].is_title:
            start -= 1  # "MPH spokesperson Dr. Nadia Roussel"
        words: list[Any] = []
        index = start - 1
        while index >= 0 and self.doc[index].is_lower and self.doc[index].is_alpha and len(words) < 3:
            words.insert(0, self.doc[index])
            index -= 1
        if not words or index < 0 or any(w.pos_ not in ("NOUN", "ADJ") for w in words):
            return None
        key = self.refs.entity_of(self.doc[index])
        if key is None:  # "VOA English to Africa reporter <Person>": a programme's name between them
            back = index
            while back > 0 and index - back < 4 and self.refs.entity_of(self.doc[back]) is None and (
                    self.doc[back].is_title or self.doc[back].lower_ in ("to", "of", "for", "and")):
                back -= 1
            run = self.doc[back + 1:index + 1]
            if len(run) >= 2 and run[0].is_title and run[-1].is_title \
                    and not any(w.lower_ in ROLE_NOUNS or w.lower_ in _RANKS for w in run):
                key, index = self.refs.entity_of(self.doc[back]), back
        if key is None or self.refs.kind(key) != "organization":
            return None
        role = " ".join(w.lower_ for w in words if w.lower_ not in ROLE_DROP)
        return Role(person, key, role or None, index, token.i + 1) if role else None

    def make(self, person: int, org: int, role: str | None, a: Any, b: Any) -> Role:
        low = min(a.i, b.i, min(t.i for t in b.subtree))
        high = max(a.i, b.i, max(t.i for t in b.subtree)) + 1
        return Role(person, org, role or None, low, high)
