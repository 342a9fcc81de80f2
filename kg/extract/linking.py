"""Mentions of one entity within one article, grouped under one name.

- a surname or honorific form joins the full name ("Osei", "Ms. Osei" -> "Clara Osei");
- an acronym joins its definition ("Long Name (ACR)"), and an undefined all-capitals word joins the
  one organization whose initials it spells ("ZEC" -> "Zimbabwe Electoral Commission");
- the first words of a longer organization name, or its last words, join it ("Sterling Mutual" ->
  "Sterling Mutual Insurance", "the Commission" -> "European Commission", "The Times" -> "The New
  York Times"), the nearest earlier one when several fit;
- a government named in several ways is one body ("the Liberian government", "Liberia's
  government", "Liberia" acting as a country), matched by the country's name and its demonym.
"""

from __future__ import annotations

from typing import Any

from kg.demonyms import looks_like_demonym, same_country
from kg.extract.lexicon import FEMALE, MALE
from kg.extract.mentions import Cand
from kg.extract.model import FoundEntity
from kg.extract.names import GOVERNMENT_NOUNS

_NOT_INITIAL = {"of", "for", "and", "&", "the", "on", "in", "de", "du", "des", "la", "le", "to", "against"}


def _gender(word: str | None) -> str | None:
    if word in MALE:
        return "m"
    if word in FEMALE:
        return "f"
    return None


def _nearest(c: Cand, options: list[Cand]) -> Cand | None:
    before = [o for o in options if o.start < c.start]
    if before:
        return before[-1]
    return options[0] if options else None


def initials(name: str) -> set[str]:
    """The acronyms a name can be written as: its capitals, and the first letter of each word."""
    words = [w for w in name.replace("-", " ").replace("/", " ").split() if w.casefold() not in ("the",)]
    capitals = "".join(w[0] for w in words if w[0].isupper())
    every = "".join(w[0].upper() for w in words if w.casefold() not in _NOT_INITIAL)
    return {form for form in (capitals, every) if len(form) >= 2}


def _country(doc: Any, c: Cand) -> str:
    """The country word of a government or acting-country mention."""
    words = [t for t in doc[c.start:c.end] if t.lower_ not in GOVERNMENT_NOUNS and t.lower_ not in ("in", "of")
             and not t.is_punct and t.text not in ("'s", "\u2019s")]
    return " ".join(t.text for t in words)


def _governments(doc: Any, cands: list[Cand], headings: set[int]) -> None:
    """One name for every form of the same government; an acting country joins its government."""
    named: list[tuple[str, str]] = []  # (country word, name used)
    for c in cands:
        if c.kind != "government":
            continue
        country = _country(doc, c)
        same = next((name for word, name in named if same_country(word, country)), None)
        if same is None and c.sentence not in headings:
            named.append((country, c.text))
        c.alias_of = same
    for c in cands:
        if c.kind == "actor" or (c.kind != "government" and c.end - c.start <= 3
                                 and doc[c.start].ent_type_ in ("GPE", "NORP")):
            matches = {name for word, name in named if same_country(word, c.text)}
            c.alias_of = matches.pop() if len(matches) == 1 else None


def link(doc: Any, cands: list[Cand], acronyms: dict[str, str], headings: set[int],
         labels: frozenset[str] = frozenset()) -> list[FoundEntity]:
    """Group mentions into entities; shorter forms join the full name they abbreviate. An entity
    named only in headings is dropped, unless a transcript label names it ("KIRBY:")."""
    entities: list[FoundEntity] = []
    by_name: dict[tuple[str, str], FoundEntity] = {}

    def entity_for(kind: str, name: str) -> FoundEntity:
        key = (kind, name.casefold())
        if key not in by_name:
            by_name[key] = FoundEntity(len(entities), kind, name)
            entities.append(by_name[key])
        return by_name[key]

    _governments(doc, cands, headings)
    kinds = {"PERSON": "person", "ORG": "organization", "PUBLICATION": "publication"}
    full_people = [c for c in cands if c.label == "PERSON" and c.end - c.start > 1 and c.sentence not in headings]
    long_orgs = [c for c in cands if c.label == "ORG" and c.end - c.start > 1 and c.sentence not in headings
                 and c.alias_of is None]
    for c in sorted(cands, key=lambda c: (c.end - c.start == 1, c.start)):
        name = c.alias_of or c.text
        words = [t.text for t in doc[c.start:c.end]]
        if c.alias_of is not None:
            pass
        elif c.end - c.start == 1:
            if c.text in acronyms:
                name, c.label = acronyms[c.text], "ORG"
            else:
                person = _nearest(c, [p for p in full_people if doc[p.end - 1].text == c.text])
                org = _nearest(c, [o for o in long_orgs if doc[o.start].text == c.text])
                spelt = _nearest(c, [o for o in long_orgs if c.text in initials(o.text)]) \
                    if c.text.isupper() and c.label == "ORG" else None
                ending = _nearest(c, [o for o in long_orgs if doc[o.end - 1].text == c.text]) \
                    if c.label == "ORG" else None
                if person is not None:
                    name, c.label = person.text, "PERSON"
                elif org is not None and looks_like_demonym(c.text):
                    continue  # "Chinese officials" beside "the Chinese Communist Party": a nationality, no name
                elif org is not None:
                    name, c.label = org.text, "ORG"
                elif spelt is not None:
                    name = spelt.text
                elif ending is not None:
                    name = ending.text
                elif c.label == "PERSON" and not c.honorific:
                    continue  # a lone first or last name nobody introduced
        elif c.label == "ORG":
            size = c.end - c.start
            longer = [o for o in long_orgs if o.end - o.start > size
                      and [t.text for t in doc[o.start:o.start + size]] == words]
            tails = [o for o in long_orgs if o.end - o.start > size
                     and [t.text for t in doc[o.end - size:o.end]] == words]
            if longer:
                name = longer[0].text  # "Sterling Mutual" is short for "Sterling Mutual Insurance"
            elif tails:
                name = (_nearest(c, tails) or tails[0]).text  # "Electoral Commission" for "Zimbabwe Electoral ..."
        entity = entity_for(kinds[c.label], name)
        c.entity = entity.key
        if c.text != entity.name and c.text not in entity.aliases:
            entity.aliases.append(c.text)
        if c.honorific and c.honorific not in ("dr", "dr.", "professor", "prof", "prof."):
            entity.gender = entity.gender or _gender(c.honorific)
    body = {c.entity for c in cands if c.entity is not None and c.sentence not in headings}
    return [e for e in entities if e.key in body or e.name.casefold() in labels
            or (e.kind == "person" and e.name.split()[-1].casefold() in labels)]
