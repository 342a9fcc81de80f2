"""Entity mentions: the model's entities, corrected by general rules and linked within the article.

Corrections (each a rule about English, never a list of names):
- a name ending in an organization head noun ("... Energy", "... Trust") or followed by a body noun
  ("the Green Dawn movement") is an organization, whatever label the model gave it;
- a name preceded by an honorific, followed by a role apposition (", a spokeswoman for ..."), or
  whose surname is used alone later, is a person;
- a name that only modifies a common noun ("Veyran families", "its Ridgeback quarry") or is a
  nationality/ethnic label is not an entity; places, dates and numbers are not kept;
- ALL-CAPS headline words and names seen only in headlines are dropped.
Linking: surnames and honorific forms join the full name; acronyms join their definition; a
single word that starts a longer organization name ("Carver" for "Carver Mining") joins it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from kg.extract.docindex import index
from kg.extract.lexicon import (
    FEMALE,
    GROUP_NOUNS,
    HONORIFICS,
    JOURNAL_CUES,
    MALE,
    ORG_HEADS,
    ORG_NOUNS,
    ORG_TYPE_NOUNS,
    OUTLET_CUES,
    SPEECH_VERBS,
)
from kg.extract.model import FoundEntity, Mention, Span
from kg.extract.textnorm import NormalText

_KEEP = {"PERSON", "ORG", "PUBLICATION", "GPE", "NORP", "WORK_OF_ART", "LOC", "FAC", "PRODUCT", "EVENT", "LAW"}
_LEADING = {"the", "a", "an"}
_PLACE_ADJECTIVES = {"northern", "southern", "eastern", "western", "central", "north", "south", "east", "west",
                     "northeastern", "northwestern", "southeastern", "southwestern", "rural", "coastal", "upper",
                     "lower", "neighbouring", "neighboring"}
_KINDS = (("NewsOutlet", OUTLET_CUES - JOURNAL_CUES), ("Journal", JOURNAL_CUES),
          ("University", {"university", "college"}),
          ("Hospital", {"hospital", "clinic"}), ("Court", {"court", "tribunal"}), ("PoliticalParty", {"party"}),
          ("Company", {"inc", "ltd", "llc", "plc", "corp", "corporation", "holdings", "company", "mining",
                       "polymers", "logistics", "energy", "industries", "pharmaceuticals", "airlines"}),
          ("ResearchInstitute", {"institute"}), ("GovernmentAgency", {"ministry", "department", "agency"}))


@dataclass
class Cand:
    start: int  # token indices, end exclusive
    end: int
    label: str
    text: str
    sentence: int
    honorific: str | None = None
    person_cue: bool = False
    entity: int | None = None


def org_kind(name: str) -> str | None:
    words = [w.strip(".,").lower() for w in name.split()]
    for kind, cues in _KINDS:
        if kind in ("NewsOutlet", "Journal"):
            if words and (words[-1] in cues or (kind == "Journal" and words[0] in cues)):
                return kind
        elif any(w in cues for w in words):
            return kind
    return None


def _trim(doc: Any, start: int, end: int) -> tuple[int, int, str | None]:
    honorific = None
    while start < end and (doc[start].lower_ in _LEADING or doc[start].is_punct):
        start += 1
    while start < end - 1 and doc[start].lower_ in HONORIFICS and doc[start + 1].is_title:
        honorific = doc[start].lower_
        start += 1
    for i in range(start + 1, end):  # "SkyLark Air 4.5 million pounds": a name stops at a number
        if doc[i].text[:1].isdigit() or doc[i].is_currency:
            end = i
            break
    while end > start and (doc[end - 1].lower_ in ("'s", "'", "\u2019s") or doc[end - 1].is_punct):
        end -= 1
    return start, end, honorific


def _label(doc: Any, c: Cand, surnames_alone: set[str]) -> str | None:
    tokens = doc[c.start:c.end]
    last = tokens[-1]
    after = doc[c.end] if c.end < len(doc) else None
    if c.label == "PUBLICATION":
        return c.label
    if not tokens[0].text[:1].isupper() or c.label == "NORP":
        return None
    if len(tokens) > 1 and all(t.is_upper for t in tokens if t.is_alpha):
        return None  # headline capitals
    if after is not None and after.pos_ == "NOUN" and after.lower_ in GROUP_NOUNS:
        return None
    if last.lower_ in ORG_HEADS or (last.lower_ in OUTLET_CUES and last.is_title and len(tokens) > 1):
        return "ORG"
    if len(tokens) > 2 and tokens[0].lower_ in ORG_HEADS and tokens[1].lower_ in ("of", "for"):
        return "ORG"  # "Port of Halden", "Ministry of Health"
    before = doc[c.start - 1] if c.start else None
    if after is not None and after.lower_ in ORG_TYPE_NOUNS and after.is_lower:
        return "ORG"
    root = tokens.root
    if (before is not None and before.is_lower and before.lower_ in ORG_TYPE_NOUNS) or (
            root.dep_ == "appos" and root.head.lower_ in ORG_TYPE_NOUNS | ORG_NOUNS):
        return "ORG"  # "the investigative site Lantern Files", "the supplier, Arvex Biologics"
    if c.honorific or c.person_cue:
        return "PERSON"
    if len(tokens) >= 2 and last.text in surnames_alone and c.label in ("ORG", "GPE", "WORK_OF_ART", "PERSON") \
            and all(t.is_title for t in tokens):
        return "PERSON"
    if len(tokens) == 1 and not last.is_upper and after is not None and after.pos_ == "NOUN" and after.is_lower \
            and last.head.i == after.i:
        return None  # a name used as an adjective: "its Ridgeback quarry", "Financial ombudsman"
    if before is not None and before.lower_ in _PLACE_ADJECTIVES and c.label in ("ORG", "GPE", "LOC", "PERSON"):
        return None  # "northern Sarovia" is a place
    if len(tokens) == 1 and not last.is_upper and after is not None and after.is_title and last.head.i == after.i \
            and last.dep_ == "compound":
        return None  # part of a title: "Interior Minister ..."
    if c.label in ("PERSON", "ORG"):
        return c.label
    return None


def _person_cue(doc: Any, start: int, end: int) -> bool:
    """An apposition like ", a spokeswoman for ..." or a following ", who" marks a person."""
    head = doc[start:end].root
    if head.dep_ == "appos" and head.head.pos_ == "NOUN" and head.head.lower_ not in ORG_NOUNS | ORG_TYPE_NOUNS:
        return True
    for child in head.children:
        if child.dep_ == "appos" and child.pos_ == "NOUN" and child.i > head.i \
                and child.lower_ not in ORG_NOUNS | ORG_TYPE_NOUNS:
            return True
        if child.dep_ == "relcl" and any(t.lower_ == "who" for t in child.children):
            return True
    return False


def candidates(doc: Any) -> list[Cand]:
    sent_no = index(doc).sent_no
    out: list[Cand] = []
    for ent in doc.ents:
        if ent.label_ not in _KEEP:
            continue
        start, end, honorific = _trim(doc, ent.start, ent.end)
        if start >= end:
            continue
        if honorific is None and start > 0 and doc[start - 1].lower_ in HONORIFICS:
            honorific = doc[start - 1].lower_
        sentence = sent_no[start]
        text = doc[start:end].text
        out.append(Cand(start, end, ent.label_, text, sentence, honorific, _person_cue(doc, start, end)))
    extra = _untagged_orgs(doc, out)
    titled = [e for e in extra if e.honorific]  # a titled full name replaces a part the model tagged alone
    out = [c for c in out if not any(c.start < e.end and e.start < c.end for e in titled)]
    return sorted(out + extra, key=lambda c: c.start)


def _next_to_person(words: Any, people: set[int]) -> bool:
    """Coordinated with a name the model did tag as a person: "Joanna Reyes and Claire Whitmore"."""
    for token in words:
        if token.dep_ == "conj" and token.head.i in people:
            return True
        if any(child.dep_ == "conj" and child.i in people for child in token.children):
            return True
    return False


def _is_a_body(words: Any) -> bool:
    """"<Name> is a coalition of ...": the subject of "is a <organization noun>"."""
    root = words.root
    if root.dep_ != "nsubj" or root.head.lemma_ != "be":
        return False
    return any(t.dep_ == "attr" and t.lower_ in ORG_TYPE_NOUNS | ORG_NOUNS for t in root.head.children)


def _untagged_orgs(doc: Any, found: list[Cand]) -> list[Cand]:
    """Capitalised names the model missed that are organizations by their shape: ending in an
    organization word ("Helix Pharma", "Halden Port Operations") or "<Port> of <Halden>"."""
    taken = {i for c in found for i in range(c.start, c.end)}
    people = {i for c in found if c.label == "PERSON" for i in range(c.start, c.end)}
    sent_no = index(doc).sent_no
    out = []
    i = 0
    while i < len(doc):
        if doc[i].lower_ in HONORIFICS and i + 1 < len(doc) and i + 1 not in people and doc[i + 1].is_title \
                and doc[i + 1].pos_ == "PROPN" and doc[i + 1].lower_ not in HONORIFICS:
            j = i + 1  # "councillor Amara Nwosu": a title, then a name the model missed or mislabelled
            while j + 1 < len(doc) and j - i < 3 and j + 1 not in people and doc[j + 1].is_title \
                    and doc[j + 1].pos_ == "PROPN" and sent_no[j + 1] == sent_no[i]:
                j += 1
            if any(k in taken for k in range(i + 1, j + 1)) and j == i + 1:
                i += 1  # one word the model already tagged: leave it to the other rules
                continue
            out.append(Cand(i + 1, j + 1, "PERSON", doc[i + 1:j + 1].text, sent_no[i], doc[i].lower_))
            i = j + 1
            continue
        if i in taken or not doc[i].is_title or doc[i].pos_ != "PROPN":
            i += 1
            continue
        j = i
        while j + 1 < len(doc) and j + 1 not in taken and (  # the parser may split a name: no sentence check
                (doc[j + 1].is_title and doc[j + 1].pos_ in ("PROPN", "NOUN"))
                or (doc[j + 1].lower_ in ("of", "for", "and", "&") and j + 2 < len(doc) and doc[j + 2].is_title
                    and j + 2 not in taken)):
            j += 1
        words = doc[i:j + 1]
        if len(words) >= 2 and (words[-1].lower_ in ORG_HEADS or _is_a_body(words) or (
                words[0].lower_ in ORG_HEADS and words[1].lower_ in ("of", "for"))):
            out.append(Cand(i, j + 1, "ORG", words.text, sent_no[i]))
        elif 2 <= len(words) <= 3 and all(t.pos_ == "PROPN" for t in words) and (
                (words.root.dep_ == "nsubj" and words.root.head.lemma_.lower() in SPEECH_VERBS)
                or _next_to_person(words, people)):
            out.append(Cand(i, j + 1, "PERSON", words.text, sent_no[i]))  # "... said Ana Ruiz", "Ana Ruiz and <Person>"
        i = j + 1
    return out


def _repeated_in_full(doc: Any, cands: list[Cand]) -> set[str]:
    """Multi-word names used in full again and again but never by their last word alone: news
    style shortens people to surnames, not organizations ("Arvex Biologics said ...")."""
    counts: dict[str, int] = {}
    for c in cands:
        if c.end - c.start > 1:
            counts[c.text] = counts.get(c.text, 0) + 1
    inside = {i for c in cands if c.end - c.start > 1 for i in range(c.start, c.end)}
    alone = {t.text for t in doc if t.i not in inside}
    return {name for name, n in counts.items() if n >= 2 and name.split()[-1] not in alone}


def relabel(doc: Any, cands: list[Cand]) -> list[Cand]:
    surnames_alone = {c.text for c in cands if c.end - c.start == 1}
    labels = [_label(doc, c, surnames_alone) for c in cands]
    surnames = {doc[c.end - 1].text for c, label in zip(cands, labels, strict=True)
                if label == "PERSON" and c.end - c.start > 1}
    repeated = _repeated_in_full(doc, cands)
    org_firsts = {doc[c.start].text for c, label in zip(cands, labels, strict=True)
                  if label == "ORG" and c.end - c.start > 1 and doc[c.start].pos_ == "PROPN"
                  and doc[c.start].lower_ not in ORG_HEADS and not doc[c.start].is_stop}
    org_names = [tuple(t.text for t in doc[c.start:c.end]) for c, label in zip(cands, labels, strict=True)
                 if label == "ORG" and c.end - c.start > 2]
    kept = []
    for c, label in zip(cands, labels, strict=True):
        words = tuple(t.text for t in doc[c.start:c.end])
        if len(words) > 1 and any(name[:len(words)] == words and len(name) > len(words) for name in org_names):
            label = "ORG"  # "Sterling Mutual" for "Sterling Mutual Insurance"
        if c.end - c.start == 1 and c.text in org_firsts and c.label != "PUBLICATION":
            label = "ORG"  # "Helix" for "Helix Pharma", whatever the model called it
        if c.end - c.start == 1 and c.text in surnames and c.label != "PUBLICATION":
            label = "PERSON"
        if label == "PERSON" and c.text in repeated and not c.honorific:
            label = "ORG"
        if label is not None:
            c.label = label
            kept.append(c)
    kept += _bare_surnames(doc, kept)
    kept.sort(key=lambda c: c.start)
    # one surface form, one label: the person/org decision made with the strongest cue wins
    decided: dict[str, str] = {}
    for c in kept:
        if c.honorific or c.person_cue or c.end - c.start > 1:
            decided.setdefault(c.text, c.label)
    for c in kept:
        c.label = decided.get(c.text, c.label)
    return kept


def _bare_surnames(doc: Any, kept: list[Cand]) -> list[Cand]:
    """Names the model tagged once but missed elsewhere ("... Lind said", "Deepline Marine said"):
    the same words again, or a person's surname alone, outside any other mention, are mentions too."""
    names: dict[str, list[tuple[tuple[str, ...], str]]] = {}
    for c in kept:
        if c.end - c.start > 1 and c.label in ("PERSON", "ORG"):
            words = tuple(t.text for t in doc[c.start:c.end])
            names.setdefault(words[0], []).append((words, c.label))
            if c.label == "PERSON":
                names.setdefault(words[-1], []).append(((words[-1],), "PERSON"))
    taken = {i for c in kept for i in range(c.start, c.end)}
    sentence_of = index(doc).sent_no
    out = []
    for token in doc:
        if token.i in taken or token.text not in names or not token.text[:1].isupper():
            continue
        for words, label in sorted(names[token.text], key=lambda n: -len(n[0])):
            end = token.i + len(words)
            if tuple(t.text for t in doc[token.i:end]) != words or any(i in taken for i in range(token.i, end)):
                continue
            if len(words) == 1 and token.pos_ != "PROPN":
                continue
            honorific = doc[token.i - 1].lower_ if token.i and doc[token.i - 1].lower_ in HONORIFICS else None
            out.append(Cand(token.i, end, label, doc[token.i:end].text, sentence_of[token.i], honorific))
            taken.update(range(token.i, end))
            break
    return out


def _gender(word: str | None) -> str | None:
    if word in MALE:
        return "m"
    if word in FEMALE:
        return "f"
    return None


def link(doc: Any, cands: list[Cand], acronyms: dict[str, str], headings: set[int]) -> list[FoundEntity]:
    """Group mentions into entities; single words join the full name they abbreviate."""
    entities: list[FoundEntity] = []
    by_name: dict[tuple[str, str], FoundEntity] = {}

    def entity_for(kind: str, name: str) -> FoundEntity:
        key = (kind, name.casefold())
        if key not in by_name:
            by_name[key] = FoundEntity(len(entities), kind, name)
            entities.append(by_name[key])
        return by_name[key]

    kinds = {"PERSON": "person", "ORG": "organization", "PUBLICATION": "publication"}
    full_people = [c for c in cands if c.label == "PERSON" and c.end - c.start > 1 and c.sentence not in headings]
    long_orgs = [c for c in cands if c.label == "ORG" and c.end - c.start > 1 and c.sentence not in headings]
    for c in sorted(cands, key=lambda c: (c.end - c.start == 1, c.start)):
        name = c.text
        if c.end - c.start == 1:
            if c.text in acronyms:
                name, c.label = acronyms[c.text], "ORG"
            else:
                person = _nearest(c, [p for p in full_people if doc[p.end - 1].text == c.text])
                org = _nearest(c, [o for o in long_orgs if doc[o.start].text == c.text])
                if person is not None:
                    name, c.label = person.text, "PERSON"
                elif org is not None:
                    name, c.label = org.text, "ORG"
                elif c.label == "PERSON" and not c.honorific:
                    continue  # a lone first or last name nobody introduced
        elif c.label == "ORG":
            size = c.end - c.start
            longer = [o for o in long_orgs if o.end - o.start > size
                      and [t.text for t in doc[o.start:o.start + size]] == [t.text for t in doc[c.start:c.end]]]
            if longer:
                name = longer[0].text  # "Sterling Mutual" is short for "Sterling Mutual Insurance"
        entity = entity_for(kinds[c.label], name)
        c.entity = entity.key
        if c.text != entity.name and c.text not in entity.aliases:
            entity.aliases.append(c.text)
        if c.honorific and c.honorific not in ("dr", "dr.", "professor", "prof", "prof."):
            entity.gender = entity.gender or _gender(c.honorific)
    body = {c.entity for c in cands if c.entity is not None and c.sentence not in headings}
    return [e for e in entities if e.key in body]


def _nearest(c: Cand, options: list[Cand]) -> Cand | None:
    before = [o for o in options if o.start < c.start]
    if before:
        return before[-1]
    return options[0] if options else None


def mentions(doc: Any, norm: NormalText, original: str, cands: list[Cand],
             entities: list[FoundEntity]) -> None:
    """Attach each linked mention, with its exact span in the original text, to its entity."""
    by_key = {e.key: e for e in entities}
    for c in cands:
        entity = by_key.get(c.entity) if c.entity is not None else None
        if entity is None:
            continue
        start, end = norm.span(doc[c.start].idx, doc[c.end - 1].idx + len(doc[c.end - 1].text))
        entity.mentions.append(Mention(Span(start, end, original[start:end]), c.label, c.sentence))
    for entity in entities:
        entity.mentions.sort(key=lambda m: m.span.start)
        if entity.kind == "organization":
            entity.org_kind = org_kind(entity.name)
