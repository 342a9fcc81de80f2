"""Roles from title phrases next to a name, capitalised or not, read as word sequences (the parser
often takes a capitalised title for part of a name):

- "<Org> <title> <Person>": "IRS Commissioner Mark W. Everson", "Taliban spokesman Zabiullah
  Mujahid", "Liberia's Minister of Information Lawrence Bropleh";
- "<title> of/for/with <Org>, <Person>": "President of the European Commission, Jean-Claude
  Juncker", "leader of the Serbian Radical Party Tomislav Nikolić";
- "<title> <Person> of <Org>": "Chief Judge Sidney Fitzwater of the U.S. District Court ...";
- "<Person>, [a|the] [<Org>('s)] <title> [of/for/at/with/in <Org>]": "Eileen J. O'Connor, Assistant
  Attorney General for the Department's Tax Division", "Michel Barnier, the European Commission's
  Chief Negotiator", "Tonderai Bosha, a ZANU-PF youth spokesman".
A title's head is a role noun ("commissioner", "spokesman", "leader"); a nationality before it
("Afghan presidential spokesman") stands for that country's government when the article names one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from kg.demonyms import same_country
from kg.extract.lexicon import HONORIFICS, ROLE_DROP, ROLE_NOUNS
from kg.extract.references import References

_PREPS = {"of", "for", "at", "with", "in"}
_SKIP = {"a", "an", "the", "its", "their", "his", "her"}
_POSSESSIVE = {"'s", "\u2019s", "'", "\u2019"}
_MAX_TITLE = 7
_HEADS = ROLE_NOUNS | (HONORIFICS - {"mr", "mr.", "mrs", "mrs.", "ms", "ms.", "miss", "dr", "dr.", "sir", "dame",
                                    "lord", "lady", "father", "brother", "sister", "rev", "rev.", "reverend"})


@dataclass(frozen=True)
class TitleRole:
    person: int
    organization: int
    role: str
    start: int  # token range of the evidence
    end: int


class TitleRoles:
    def __init__(self, doc: Any, refs: References) -> None:
        self.doc, self.refs = doc, refs
        self.governments = [e for e in refs.entities.values() if e.kind == "organization"
                            and e.name.split()[-1].lower() in ("government", "regime", "administration")]

    # --- words ---------------------------------------------------------------------------------
    def key(self, i: int) -> int | None:
        return self.refs.token_entity.get(i) if 0 <= i < len(self.doc) else None

    def org_key(self, i: int) -> int | None:
        key = self.key(i)
        if key is not None and self.refs.kind(key) == "organization":
            return key
        token = self.doc[i] if 0 <= i < len(self.doc) else None
        if token is not None and token.ent_type_ in ("NORP", "GPE") and self.governments:
            found = [g.key for g in self.governments if same_country(g.name.split()[0], token.text)]
            return found[0] if len(found) == 1 else None
        return None

    def span_start(self, i: int) -> int:
        key = self.key(i)
        while i > 0 and key is not None and self.key(i - 1) == key:
            i -= 1
        return i

    def span_end(self, i: int) -> int:
        key = self.key(i)
        while i + 1 < len(self.doc) and key is not None and self.key(i + 1) == key:
            i += 1
        return i + 1

    def title_word(self, token: Any) -> bool:
        if self.key(token.i) is not None or (token.is_punct and token.text != "-"):
            return False
        return token.text == "-" or (token.is_alpha and token.pos_ in ("NOUN", "PROPN", "ADJ"))

    def words(self, start: int, end: int) -> str:
        tokens = [t for t in self.doc[start:end] if t.lower_ not in ROLE_DROP]
        text = "".join(t.text_with_ws for t in tokens).strip()
        return " ".join(text.lower().split()).replace(" - ", "-")

    # --- title phrases --------------------------------------------------------------------------
    def title_before(self, end: int) -> int | None:
        """Start of a title phrase ending just before token ``end`` (head: a role noun)."""
        if end == 0 or self.key(end - 1) is not None:
            return None
        head = end - 1
        while head > 0 and end - head < 4 and self.doc[head].is_title and self.key(head) is None \
                and self.doc[head].lower_ not in _HEADS:
            head -= 1  # "Minister of Information <Person>"
        if head < end - 1 and (self.doc[head].lower_ not in ("of", "for") or head == 0):
            return None
        if head < end - 1:
            head -= 1
        if self.doc[head].lower_ not in _HEADS:
            return None
        start = head
        while start > 0 and end - start < _MAX_TITLE and self.title_word(self.doc[start - 1]) \
                and self.doc[start - 1].lower_ not in _SKIP:
            start -= 1
        return start

    def title_after(self, start: int) -> tuple[int, int, int | None] | None:
        """A title phrase starting at ``start`` ("a former Human Rights Watch representative"): its
        range and an organization named inside it."""
        i = start
        while i < len(self.doc) and self.doc[i].lower_ in _SKIP | ROLE_DROP:
            i += 1
        inside: int | None = None
        head = None
        while i < len(self.doc) and i - start < _MAX_TITLE + 3:
            org = self.org_key(i)
            if org is not None and head is None:
                inside, i = org, self.span_end(i)
                if i < len(self.doc) and self.doc[i].text in _POSSESSIVE:
                    i += 1
                continue
            token = self.doc[i]
            if not self.title_word(token):
                break
            if token.lower_ in ROLE_NOUNS:
                head = i
            i += 1
        if head is None:
            return None
        return start, head + 1, inside

    def org_after(self, i: int) -> tuple[int, int] | None:
        """"of/for/at/with/in [the] [<Org>'s] <Org>" from token ``i``: the organization and the end."""
        if i >= len(self.doc) or self.doc[i].lower_ not in _PREPS:
            return None
        j = i + 1
        while j < len(self.doc) and self.doc[j].lower_ in _SKIP:
            j += 1
        if j + 2 < len(self.doc) and self.doc[j + 1].text in _POSSESSIVE and self.org_key(j + 2) is not None:
            j += 2  # "in Ghana's parliament"
        key = self.org_key(j)
        if key is None:
            return None
        end = self.span_end(j)
        if end < len(self.doc) and self.doc[end].text in _POSSESSIVE and self.org_key(end + 1) is not None:
            key, end = self.org_key(end + 1) or key, self.span_end(end + 1)  # "the Department's Tax Division"
        return key, end

    def ruled(self, end: int) -> int | None:
        """"<Person>'s government": the government the article names (a title before the person is
        their role in it: "President Hamid Karzai's government")."""
        if end + 1 >= len(self.doc) or self.doc[end].text not in _POSSESSIVE:
            return None
        noun = self.doc[end + 1]
        if noun.lower_ not in ("government", "administration", "regime"):
            return None
        found = self.refs.resolve(noun)
        return found.entity if found is not None and self.refs.kind(found.entity) == "organization" else None

    # --- patterns -------------------------------------------------------------------------------
    def find(self) -> list[TitleRole]:
        out: list[TitleRole] = []
        i = 0
        while i < len(self.doc):
            key = self.key(i)
            if key is None or self.refs.kind(key) != "person":
                i += 1
                continue
            start, end = i, self.span_end(i)
            out.extend(self.around(key, start, end))
            i = end
        return out

    def around(self, person: int, start: int, end: int) -> list[TitleRole]:
        out = []
        title = self.title_before(start)
        if title is not None:
            text = self.words(title, start)
            before = title - 1
            if before >= 0 and self.doc[before].text in _POSSESSIVE:
                before -= 1
            if before >= 2 and self.doc[before].text == ")" and self.doc[before - 2].text == "(":
                before -= 1  # "Movement for Democratic Change (MDC) leader Nelson Chamisa"
            org = self.org_key(before) if before >= 0 else None
            after = self.org_after(end)
            ruled = self.ruled(end)
            if org is not None:
                out.append(TitleRole(person, org, text, self.span_start(before), end))
            elif after is not None:
                out.append(TitleRole(person, after[0], text, title, after[1]))
            elif ruled is not None:
                out.append(TitleRole(person, ruled, text, title, end + 2))
        comma = start - 1 if start and self.doc[start - 1].text == "," else start
        if comma > 0 and self.key(comma - 1) is not None and self.refs.kind(self.key(comma - 1) or 0) == "organization":
            org_start = self.span_start(comma - 1)
            prep = org_start - 1
            while prep > 0 and (self.doc[prep].lower_ in _SKIP or (self.doc[prep].is_lower
                                                                    and self.doc[prep].pos_ in ("ADJ", "NOUN"))):
                prep -= 1  # "an official with the rebel <Org>", "the Publication Manager of the newspaper <Org>"
            head = self.title_before(prep) if prep >= 0 and self.doc[prep].lower_ in _PREPS else None
            if head is not None:
                out.append(TitleRole(person, self.key(comma - 1) or 0, self.words(head, prep), head, end))
        follow = end
        if follow < len(self.doc) and self.doc[follow].text == "(":
            close = next((k for k in range(follow, min(follow + 8, len(self.doc))) if self.doc[k].text == ")"), None)
            follow = close + 1 if close is not None else follow  # "Jacky Rosen (D-NV), a member of ..."
        if follow < len(self.doc) and (self.doc[follow].text == "," or self.doc[follow].lemma_ == "be"):
            found = self.title_after(follow + 1)
            if found is not None:
                first, last, inside = found
                after = self.org_after(last)
                org = inside if inside is not None and (after is None or self.doc[last].lower_ == "in") \
                    else (after[0] if after is not None else None)
                if org is not None:
                    out.append(TitleRole(person, org, self.words(first, last), start,
                                         after[1] if after is not None else last))
        return out
