"""Repairs to the model's name spans, by the shapes English gives organization names.

- a name goes on over "of"/"for"/"on"/"against" + capitalised words ("U.S. District Court for the
  Northern District of Texas", "Court of Justice of the European Union"), over "in <Place>" after
  a university, school or embassy ("Washington University in St. Louis"), and over ", <Place>"
  after "University of <Place>" ("University of California, Los Angeles"); a company's "of <Place>"
  is where it is, not its name ("Aegis Company of Palos Hills");
- a name with a possessive inside is two names ("the Department's Tax Division");
- a list the model ran together is split at its commas ("National Council of ..., Association for ...");
- a government is an organization: "the Liberian government", "Iran's government", "the government
  in Khartoum", "the Government of Ghana", "the Assad regime".
"""

from __future__ import annotations

from typing import Any

from kg.extract.docindex import index
from kg.extract.lexicon import DOCUMENT_NOUNS, JOURNAL_CUES, ORG_HEADS

_LINKS = {"of", "for", "on", "against"}
_INSIDE = {"of", "for", "and", "&", "the", "on", "de", "du", "des", "la", "le"}
_IN_HEADS = {"university", "college", "school", "embassy", "consulate", "campus"}
_ALWAYS_IN = {"embassy", "consulate"}  # "the Ethiopian Embassy in Washington"; a university only when its
# own name is a place ("Washington University in St. Louis", not "Doğuş University in İstanbul")
_COMPANY = {"company", "inc", "inc.", "ltd", "ltd.", "llc", "corp", "corp.", "corporation", "plc", "co", "co."}
_POSSESSIVE = {"'s", "\u2019s", "'", "\u2019"}
GOVERNMENT_NOUNS = frozenset({"government", "regime", "administration"})
PLACE_LABELS = frozenset({"GPE", "LOC"})
_NOT_NAMES = frozenset({"DATE", "TIME", "CARDINAL", "ORDINAL", "MONEY", "PERCENT", "QUANTITY"})


def _capitalised(token: Any) -> bool:
    text = token.text
    return bool(text[:1].isupper()) or (len(text) > 2 and text[1:2] == "-" and text[2:3].isupper())


def _joins(doc: Any, at: int, start: int, sent_end: int) -> bool:
    """A lower-case joining word or a hyphen/slash inside a name ("Justice and Equality", "Small
    Business/Self Employed"), followed by another capitalised word."""
    token = doc[at]
    if at == start or at + 1 >= sent_end or not _capitalised(doc[at + 1]):
        return False
    return token.lower_ in _INSIDE or (token.text in ("-", "/") and not token.whitespace_)


def _run(doc: Any, start: int, sent_end: int) -> int:
    """End of a run of capitalised words from ``start`` (lower-case joining words allowed inside)."""
    end = start
    while end < sent_end and doc[end].ent_type_ not in _NOT_NAMES:
        token = doc[end]
        if not ((_capitalised(token) and not token.is_punct) or _joins(doc, end, start, sent_end)):
            break
        end += 1
    return end


def _place_only(doc: Any, start: int, end: int) -> bool:
    return all(doc[i].ent_type_ in PLACE_LABELS for i in range(start, end))


def extend(doc: Any, start: int, end: int, sent_end: int) -> int:
    """The end of an organization name, extended over the words that still belong to it."""
    while end < sent_end:
        head = doc[end - 1].lower_
        link = doc[end].lower_
        at = end + 1
        if at < sent_end and doc[at].lower_ == "the":
            at += 1
        if link in _LINKS and (head in ORG_HEADS or head in JOURNAL_CUES or head in _COMPANY):
            stop = _run(doc, at, sent_end)
            if stop == at or (head in _COMPANY and _place_only(doc, at, stop)):
                return end
            end = stop
        elif link == "in" and head in _IN_HEADS and (head in _ALWAYS_IN or doc[start].ent_type_ in ("GPE", "NORP")):
            stop = _run(doc, at, sent_end)
            if stop == at or not _place_only(doc, at, stop):
                return end
            end = stop
        elif link == "," and at < sent_end and any(doc[i].lower_ == "university" for i in range(start, end)) \
                and any(doc[i].lower_ == "of" for i in range(start, end)):
            stop = _run(doc, at, sent_end)
            if stop == at or not _place_only(doc, at, stop) or stop - at > 3:
                return end
            return stop
        else:
            return end
    return end


def _cut(doc: Any, i: int, begin: int, end: int) -> bool:
    """Where a span falls apart: "the Department's | Tax Division", "..., Planners | , Association for ..."."""
    token = doc[i]
    if token.text in _POSSESSIVE:
        before = doc[i - 1]  # "the Department's Tax Division", "the UN's Commission of Inquiry"
        return _capitalised(doc[i + 1]) and (before.lower_ in ORG_HEADS or (before.is_upper and len(before) > 1))
    return token.text == "," and (doc[i + 1].lower_ in ORG_HEADS or doc[i - 1].lower_ in ORG_HEADS) \
        and i - begin >= 2 and end - i >= 3


def pieces(doc: Any, start: int, end: int) -> list[tuple[int, int]]:
    """A span split at an inner possessive and at list commas between two organization names."""
    out: list[tuple[int, int]] = []
    begin = start
    for i in range(start + 1, end - 1):
        if _cut(doc, i, begin, end):
            out.append((begin, i))
            begin = i + 1
    out.append((begin, end))
    return [(a, b) for a, b in out if a < b]


def _country_word(doc: Any, i: int) -> bool:
    """A word that can name whose government it is: a nationality, a place or a person, or a lone
    capitalised word the model gave another label ("the Veyran government")."""
    token = doc[i]
    if not token.text[:1].isupper() or token.lower_ in ("the", "a", "an"):
        return False
    if token.ent_type_ in ("NORP", "GPE", "PERSON"):
        return True
    alone = token.ent_iob_ == "O" or (token.ent_iob_ == "B" and (i + 1 >= len(doc) or doc[i + 1].ent_iob_ != "I"))
    return alone and token.pos_ in ("PROPN", "ADJ") and (i == 0 or doc[i - 1].ent_iob_ == "O" or alone)


def governments(doc: Any, sent_end: list[int]) -> list[tuple[int, int]]:
    """Token spans naming a government: "<Liberian> government", "<Iran>'s government",
    "government in/of <Place>", "<Assad> regime"."""
    out = []
    for token in index(doc).toks:
        if token.lower_ not in GOVERNMENT_NOUNS or token.pos_ not in ("NOUN", "PROPN"):
            continue
        before = token.i - 1
        if before >= 0 and doc[before].text in _POSSESSIVE:
            before -= 1
        if before >= 0 and _country_word(doc, before):
            first = before
            while first > 0 and doc[first - 1].ent_type_ == doc[before].ent_type_ and doc[first - 1].ent_iob_ != "O" \
                    and doc[first].ent_iob_ != "B":
                first -= 1
            demonym = before == token.i - 1 and doc[before].lower_.endswith(("an", "ese", "ish", "i"))
            if doc[before].ent_type_ == "PERSON" and token.lower_ != "regime" and not demonym:
                continue  # "Karzai's government" is the country's government: linked, not named
            out.append((first, token.i + 1))
            continue
        after = token.i + 1
        end = sent_end[token.i]
        if after < end and doc[after].lower_ in ("in", "of") and after + 1 < end \
                and doc[after + 1].ent_type_ == "GPE":
            stop = after + 2
            while stop < end and doc[stop].ent_type_ == "GPE" and doc[stop].ent_iob_ == "I":
                stop += 1
            out.append((token.i, stop))
    return out


_WHEN = frozenset({"online", "today", "yesterday", "recently", "this", "last", "week", "month", "year", "on"})


def journals(doc: Any, sent_end: list[int]) -> list[tuple[int, int]]:
    """"published (online today) in (the journal) Nature": the capitalised name a paper appeared in."""
    out = []
    for token in index(doc).toks:
        if token.lemma_.lower() != "publish" or token.pos_ != "VERB":
            continue
        i, end = token.i + 1, sent_end[token.i]
        while i < end and (doc[i].lower_ in _WHEN or doc[i].ent_type_ in ("DATE", "TIME") or doc[i].is_digit):
            i += 1
        if i >= end or doc[i].lower_ != "in":
            continue
        i += 1
        if i < end and doc[i].lower_ == "the" and i + 1 < end and doc[i + 1].lower_ == "journal":
            i += 2
        stop = _run(doc, i, end)
        paper = (token.dep_ == "acl" and token.head.lemma_.lower() in DOCUMENT_NOUNS) or any(
            c.dep_ == "nsubjpass" and c.lemma_.lower() in DOCUMENT_NOUNS for c in token.children)
        if stop > i and (paper or not _place_only(doc, i, stop)):  # "a paper published in Nature"
            out.append((i - 1 if doc[i - 1].text == "The" else i, stop))
    return out
