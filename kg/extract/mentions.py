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

from kg.demonyms import looks_like_demonym
from kg.extract.docindex import index
from kg.extract.lexicon import (
    GROUP_NOUNS,
    HONORIFICS,
    JOURNAL_CUES,
    ORG_HEADS,
    ORG_NOUNS,
    ORG_TYPE_NOUNS,
    OUTLET_CUES,
    ROLE_NOUNS,
    SPEECH_VERBS,
)
from kg.extract.model import FoundEntity, Mention, Span
from kg.extract.names import extend, governments, journals, pieces
from kg.extract.textnorm import NormalText

_KEEP = {"PERSON", "ORG", "PUBLICATION", "GPE", "NORP", "WORK_OF_ART", "LOC", "FAC", "PRODUCT", "EVENT", "LAW"}
_LEADING = {"the", "a", "an"}
_EVENT_HEADS = {"summit", "conference", "congress", "forum", "games", "cup", "festival", "talks", "convention"}
_PLACE_ADJECTIVES = {"northern", "southern", "eastern", "western", "central", "north", "south", "east", "west",
                     "northeastern", "northwestern", "southeastern", "southwestern", "rural", "coastal", "upper",
                     "lower", "neighbouring", "neighboring"}
_PLACE_NOUNS = {"region", "province", "district", "county", "city", "town", "village", "state", "prefecture",
                "municipality", "neighbourhood", "neighborhood", "suburb", "valley", "island", "peninsula"}
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
    kind: str = ""  # "government", "actor" (a place acting as a body), "typed" ("the group X"), "initials"
    alias_of: str | None = None  # the name this mention is linked under


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
    while start < end - 1 and doc[start].lower_ in HONORIFICS and doc[start + 1].is_title \
            and doc[end - 1].lower_ not in ORG_HEADS:  # "Justice Department" is no judge
        honorific = doc[start].lower_
        start += 1
    for i in range(start + 1, end):  # "SkyLark Air 4.5 million pounds": a name stops at a number
        if doc[i].text[:1].isdigit() or doc[i].is_currency:
            end = i
            break
    while end > start and (doc[end - 1].lower_ in ("'s", "'", "\u2019s", "of", "for", "and", "the")
                           or doc[end - 1].is_punct):
        end -= 1  # "Aegis Company of" (the model stopped before the place)
    return start, end, honorific


def _label(doc: Any, c: Cand, surnames_alone: set[str]) -> str | None:
    tokens = doc[c.start:c.end]
    last = tokens[-1]
    after = doc[c.end] if c.end < len(doc) else None
    if c.label == "PUBLICATION":
        return c.label
    if c.kind in ("government", "initials", "journal"):
        return "ORG"
    if not _capital(tokens[0]) or c.label == "NORP":
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
            root.dep_ == "appos" and root.head.lower_ in ORG_TYPE_NOUNS | ORG_NOUNS and root.head.is_lower):
        c.kind = c.kind or "typed"  # "the investigative site Lantern Files", "the supplier, Arvex Biologics"
        return "ORG"
    if before is not None and before.lower_ == "the" and c.label == "PERSON" and not c.honorific:
        return "ORG"  # "the Taliban": people are not named with an article
    if c.honorific or c.person_cue:
        return "PERSON"
    if len(tokens) >= 2 and last.text in surnames_alone and c.label in ("ORG", "GPE", "WORK_OF_ART", "PERSON") \
            and all(t.is_title for t in tokens if t.is_alpha):
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
    if c.label == "GPE" and _acts(doc, c):
        c.kind = "actor"
        return "ORG"
    return None


def _capital(token: Any) -> bool:
    """"Reuters", "al-Shabab": a name starts with a capital, or with a lower-case particle and a hyphen."""
    text = token.text
    return text[:1].isupper() or (len(text) > 2 and text[1:3].startswith("-") and text[2:3].isupper()) or (
        token.i + 2 < len(token.doc) and text.isalpha() and len(text) <= 3 and text.islower()
        and token.nbor(1).text == "-" and not token.whitespace_ and token.nbor(2).text[:1].isupper())


def _acts(doc: Any, c: Cand) -> bool:
    """A country as the subject of a verb ("Iran has refused", "The United States welcomes") is
    acting as a body: its government."""
    root = doc[c.start:c.end].root
    if any(t.is_upper and len(t) > 1 for t in doc[c.start:c.end]):
        return False  # a dateline: "WASHINGTON -"
    return root.dep_ in ("nsubj", "nsubjpass") and root.head.pos_ == "VERB" \
        and root.head.tag_ != "VBG"  # "to see Morland failing" describes the country; it does not act


def _person_cue(doc: Any, start: int, end: int) -> bool:
    """An apposition like ", a spokeswoman for ..." or a following ", who" marks a person."""
    head = doc[start:end].root
    if head.dep_ == "appos" and head.head.pos_ == "NOUN" and head.head.lower_ not in ORG_NOUNS | ORG_TYPE_NOUNS \
            and head.head.tag_ != "NNS":  # one person is never in apposition to "representatives"
        return True
    if head.dep_ == "appos" and head.head.lower_ in ROLE_NOUNS and head.head.tag_ in ("NN", "NNP"):
        return True  # "the Commissioner for Trade, Cecilia Malmström"
    if start > 0 and doc[start - 1].lower_ in ROLE_NOUNS and doc[start - 1].pos_ in ("NOUN", "PROPN") \
            and end - start >= 2:
        return True  # "MDC leader Morgan Tsvangirai", "IRS Commissioner Mark W. Everson"
    for child in head.children:
        if child.dep_ == "appos" and child.i > head.i and (
                (child.pos_ == "NOUN" and child.lower_ not in ORG_NOUNS | ORG_TYPE_NOUNS)
                or child.lower_ in ROLE_NOUNS):
            return True
        if child.dep_ == "relcl" and any(t.lower_ == "who" for t in child.children):
            return True
    return False


def candidates(doc: Any) -> list[Cand]:
    idx = index(doc)
    sent_no = idx.sent_no
    sent_end = [idx.sents[n].end for n in sent_no]
    out: list[Cand] = []
    reach = 0  # tokens before this are part of a name already
    for span in governments(doc, sent_end):
        out.append(Cand(span[0], span[1], "ORG", doc[span[0]:span[1]].text, sent_no[span[0]], kind="government"))
    for first, stop in journals(doc, sent_end):
        if not any(c.start < stop and first < c.end for c in out):
            out.append(Cand(first, stop, "ORG", doc[first:stop].text, sent_no[first], kind="journal"))
    taken = {i for c in out for i in range(c.start, c.end)}
    for ent in doc.ents:
        if ent.label_ not in _KEEP or ent.start < reach or any(i in taken for i in range(ent.start, ent.end)):
            continue
        parts = pieces(doc, ent.start, ent.end)
        if ent.label_ == "PERSON":
            parts = [part for first, stop in parts for part in _person_of_org(doc, first, stop)]
        for first, stop in parts:
            start, end, honorific = _trim(doc, first, stop)
            if ent.label_ == "PERSON" and start == ent.start:
                start = _given_names(doc, start, end, taken)
            while ent.label_ == "PERSON" and end - start > 2 and doc[start].lower_ in ROLE_NOUNS \
                    and doc[start].is_title:
                honorific, start = doc[start].lower_, start + 1  # "Campaigner Lena Osk": a title glued on
            if start >= end:
                continue
            label = ent.label_
            if len(parts) > 1 and doc[end - 1].lower_ in ORG_HEADS and label != "PUBLICATION":
                label = "ORG"  # "the Department's Tax Division": two organizations
            if label == "ORG" and stop == ent.end:
                end = extend(doc, start, end, sent_end[start])
                reach = max(reach, end)
            if honorific is None and start > 0 and doc[start - 1].lower_ in HONORIFICS:
                honorific = doc[start - 1].lower_
            text = doc[start:end].text
            out.append(Cand(start, end, label, text, sent_no[start], honorific, _person_cue(doc, start, end)))
    out = _joined(doc, [c for c in out if not _title_word(doc, c, out)])
    out.extend(_capital_compounds(doc, {i for c in out for i in range(c.start, c.end)}))
    out.sort(key=lambda c: c.start)
    _widen(doc, out)
    extra = _untagged_orgs(doc, out)
    titled = [e for e in extra if e.honorific]  # a titled full name replaces a part the model tagged alone
    out = [c for c in out if not any(c.start < e.end and e.start < c.end for e in titled)]
    return sorted(out + extra, key=lambda c: c.start)


def _joined(doc: Any, cands: list[Cand]) -> list[Cand]:
    """"Justice and Equality Movement" tagged as "Justice" + "Equality Movement": a word joined by
    "and" to an organization name it modifies belongs to that name."""
    cands.sort(key=lambda c: c.start)
    out: list[Cand] = []
    for c in cands:
        last = out[-1] if out else None
        if last is not None and c.label == "ORG" and last.label == "ORG" and c.start == last.end + 1 \
                and doc[last.end].lower_ in ("and", "&") and doc[c.end - 1].lower_ in ORG_HEADS \
                and doc[last.end - 1].lower_ not in ORG_HEADS and c.start <= doc[last.end - 1].head.i < c.end:
            last.end, last.text = c.end, doc[last.start:c.end].text
            continue
        out.append(c)
    return out


def _title_word(doc: Any, c: Cand, found: list[Cand]) -> bool:
    """"Secretary of State Antony Blinken": one word after "<role noun> of" and just before a
    person's name belongs to the title, not an organization."""
    return c.label == "ORG" and c.end - c.start == 1 and c.start >= 2 and doc[c.start - 1].lower_ == "of" \
        and doc[c.start - 2].lower_ in ROLE_NOUNS and any(p.start == c.end and p.label == "PERSON" for p in found)


def _person_of_org(doc: Any, start: int, end: int) -> list[tuple[int, int]]:
    """"Ernest Bai Koroma of the All People's Congress" tagged as one person: a name holds no "of
    the"; the words after it name an organization of their own."""
    for i in range(start + 2, end - 2):
        if doc[i].lower_ == "of" and doc[i + 1].lower_ == "the" and doc[i + 2].is_title:
            return [(start, i), (i + 2, end)]
    return [(start, end)]


def _given_names(doc: Any, start: int, end: int, taken: set[int]) -> int:
    """"Charity Chanda", "Antony J. Blinken": capitalised words the model left out before a name
    it tagged, hung on the name's head, are given names (not titles or role nouns)."""
    first = start
    while first > 0 and first - 1 not in taken and start - first < 3:
        word = doc[first - 1]
        if not (word.pos_ == "PROPN" and word.dep_ == "compound" and first <= word.head.i < end and word.is_title
                and not word.text.endswith(".") and word.ent_type_ in ("", "PERSON")
                and word.lower_ not in ROLE_NOUNS | HONORIFICS | _LEADING | ORG_HEADS | _EVENT_HEADS):
            break
        first -= 1
    before = doc[first - 1] if first else None
    if before is None or not before.text[:1].isupper() or before.ent_type_ or before.is_sent_start:
        return first
    return start  # "the Euro Summit Donald Tusk": a capitalised word before it is another name's


def _capital_compounds(doc: Any, taken: set[int]) -> list[Cand]:
    """"ZANU-PF": capitals joined by a hyphen are an organization's initials, whatever the model saw."""
    out = []
    sent_no, toks = index(doc).sent_no, index(doc).toks
    for token in toks[:-2]:
        i = token.i
        if i in taken or i + 2 in taken or token.whitespace_ or toks[i + 1].text != "-" or toks[i + 1].whitespace_:
            continue
        if all(t.is_alpha and t.is_upper and len(t) >= 2 for t in (token, toks[i + 2])) \
                and not index(doc).sents[sent_no[i]].text.isupper():
            out.append(Cand(i, i + 3, "ORG", doc[i:i + 3].text, sent_no[i], kind="initials"))
    return out


def _widen(doc: Any, cands: list[Cand]) -> None:
    """"the Justice Department's ...": an organization name that starts with its head noun takes in
    the capitalised words the model left before it."""
    taken = {i for c in cands for i in range(c.start, c.end)}
    for c in cands:
        if c.label != "ORG" or doc[c.start].lower_ not in ORG_HEADS:
            continue
        start = c.start
        while start > 0 and start - 1 not in taken and doc[start - 1].pos_ == "PROPN" and doc[start - 1].is_title \
                and doc[start - 1].lower_ not in _LEADING and not doc[start - 1].is_sent_start:
            start -= 1
        if start < c.start:
            c.start, c.text = start, doc[start:c.end].text
            taken.update(range(start, c.end))


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
    sent_no, toks = index(doc).sent_no, index(doc).toks
    out = []
    i = 0
    while i < len(doc):
        if toks[i].lower_ in HONORIFICS and i + 1 < len(doc) and i + 1 not in people and toks[i + 1].is_title \
                and toks[i + 1].pos_ == "PROPN" and toks[i + 1].lower_ not in HONORIFICS:
            j = i + 1  # "councillor Amara Nwosu": a title, then a name the model missed or mislabelled
            while j + 1 < len(doc) and j - i < 3 and j + 1 not in people and toks[j + 1].is_title \
                    and toks[j + 1].pos_ == "PROPN" and sent_no[j + 1] == sent_no[i]:
                j += 1
            if any(k in taken for k in range(i + 1, j + 1)) and j == i + 1:
                i += 1  # one word the model already tagged: leave it to the other rules
                continue
            out.append(Cand(i + 1, j + 1, "PERSON", doc[i + 1:j + 1].text, sent_no[i], toks[i].lower_))
            i = j + 1
            continue
        if i in taken or not toks[i].is_title or toks[i].pos_ != "PROPN":
            i += 1
            continue
        j = i
        while j + 1 < len(doc) and j + 1 not in taken and (  # the parser may split a name: no sentence check
                (toks[j + 1].is_title and toks[j + 1].pos_ in ("PROPN", "NOUN"))
                or (toks[j + 1].lower_ in ("of", "for", "and", "&") and j + 2 < len(doc) and toks[j + 2].is_title
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
    alone = {t.text for t in index(doc).toks if t.i not in inside}
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
        if label == "PERSON" and c.text in repeated and not c.honorific and not c.person_cue:
            label = "ORG"
        if label is not None:
            c.label = label
            kept.append(c)
    kept += _bare_surnames(doc, kept)
    kept.sort(key=lambda c: c.start)
    # one surface form, one label: the person/org decision made with the strongest cue wins
    decided: dict[str, str] = {}
    for c in kept:
        if c.honorific or c.person_cue or c.kind == "typed":
            decided.setdefault(c.text.casefold(), c.label)
    for c in kept:
        if c.end - c.start > 1 and c.kind != "actor":
            decided.setdefault(c.text.casefold(), c.label)
    for c in kept:
        c.label = decided.get(c.text.casefold(), c.label)
    places = {e.text for e in doc.ents if e.label_ in ("GPE", "LOC")}
    firsts = {doc[c.start].text for c in kept if c.label == "ORG" and c.end - c.start > 1}
    places -= firsts | {c.text for c in kept if c.kind or _org_cue(doc, c)}
    return [c for c in kept if c.label != "ORG" or not _no_body(doc, c, places)]


def _org_cue(doc: Any, c: Cand) -> bool:
    """A word in or next to the name says it is an organization: "... Nutrition", "Port of ...",
    "the Green Dawn movement", "the site Lantern Files"."""
    tokens = doc[c.start:c.end]
    after = doc[c.end] if c.end < len(doc) else None
    before = doc[c.start - 1] if c.start else None
    nouns = ORG_TYPE_NOUNS | ORG_NOUNS | GROUP_NOUNS
    return tokens[-1].lower_ in ORG_HEADS | OUTLET_CUES or tokens[0].lower_ in ORG_HEADS \
        or (after is not None and after.lower_ in nouns) or (before is not None and before.lower_ in nouns)


def _no_body(doc: Any, c: Cand, places: set[str]) -> bool:
    """Names typed as organizations that name no body: a place ("her Morland firm", a name the
    article's model calls a place) unless it acts as one or starts a longer organization name; a
    nationality word modifying a noun ("a Peruvian newspaper"); a bare title ("Secretary General",
    "Commissioner for Trade", "Minister of Information")."""
    if c.kind:
        return False
    tokens = doc[c.start:c.end]
    first = tokens[0]
    modifier = len(tokens) == 1 and first.dep_ in ("amod", "compound") and first.head.i > first.i \
        and first.head.lower_ not in ORG_NOUNS
    if (len(tokens) == 1 and c.text in places) or (modifier and first.ent_type_ in ("GPE", "LOC")):
        return True
    after = doc[c.end] if c.end < len(doc) else None
    if after is not None and after.lower_ in _PLACE_NOUNS and after.is_lower and tokens.root.head.i == after.i:
        return True  # "the Gambor region", "Karsa province"
    if modifier and looks_like_demonym(first.text) and first.ent_type_ != "NORP" and not (
            first.i and doc[first.i - 1].lower_ == "the" and first.head.lower_ in ORG_TYPE_NOUNS):
        return True  # but "the Guardian newspaper" names the newspaper
    return len(tokens) >= 2 and first.lower_ in ROLE_NOUNS and tokens[-1].lower_ not in ORG_HEADS and (
        tokens[1].lower_ in ROLE_NOUNS
        or (len(tokens) == 3 and tokens[1].lower_ in ("of", "for") and tokens[2].is_title))


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
    for token in index(doc).toks:
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
    journal = {c.entity for c in cands if c.kind == "journal"}
    for entity in entities:
        entity.mentions.sort(key=lambda m: m.span.start)
        if entity.kind == "organization":
            entity.org_kind = "Journal" if entity.key in journal else org_kind(entity.name)
