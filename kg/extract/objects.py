"""What a verb of saying says when it has no clause of its own: its object, by construction.

- "found / concluded / revealed / detailed <something that holds a clause>": the object ("the report
  found reasonable grounds to believe that ...", "a report that described camps, where ...");
- "accused X of Y": "X of Y";
- "described X as Y", "called X Y", "what he called Y": "X as Y", "Y";
- "spoke of / warned about Y": "Y";
- "expressed (his) concern that / alarm over Y": "Y";
- nouns that carry a claim: "<X>'s claim that Y", "X gave his assessment that Y", "X is of the view
  that Y", "X agreed with the assessment that Y": X claims Y.
Each returns token ranges (end exclusive); none is used when the object holds a quotation (that
is a direct quote) or is a pronoun.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from kg.extract.docindex import index

OBJECT_VERBS = frozenset({"find", "conclude", "reveal", "show", "document", "detail", "claim", "describe",
                          "highlight", "cite", "list", "confirm", "identify", "record"})
ACCUSING = frozenset({"accuse"})
AS_VERBS = frozenset({"describe", "characterise", "characterize", "call", "label", "brand", "portray", "dismiss",
                      "depict", "term"})
ABOUT_VERBS = frozenset({"speak", "talk", "warn", "complain", "testify", "write", "boast"})
EXPRESSING = frozenset({"express", "voice", "register"})
CONSTRUCTION_VERBS = OBJECT_VERBS | ACCUSING | AS_VERBS | ABOUT_VERBS | EXPRESSING

Span = tuple[int, int]
# Nouns that carry what someone holds: "X's claim that ...", "gave his assessment that ...", "is of
# the view that ...", "agreed with the assessment that ...".
CLAIM_NOUNS = frozenset({"claim", "assertion", "assessment", "view", "belief", "opinion", "position", "argument",
                         "conclusion", "insistence", "warning", "promise", "contention", "statement", "verdict"})
_SHARING = frozenset({"be", "agree", "share", "endorse", "give", "express", "reiterate", "repeat", "voice"})


def _child(token: Any | None, deps: tuple[str, ...], words: tuple[str, ...] | None = None) -> Any | None:
    if token is None:
        return None
    for child in token.children:
        if child.dep_ in deps and (words is None or child.lower_ in words):
            return child
    return None


def _whole(token: Any) -> Span:
    return token.left_edge.i, token.right_edge.i + 1


def _noun(token: Any | None) -> bool:
    return token is not None and token.pos_ in ("NOUN", "PROPN", "NUM") and len(list(token.subtree)) >= 2


def _holds_clause(noun: Any) -> bool:
    """"reasonable grounds to believe that ...", "camps, where ...": an object that states something
    (a bare "found traces of a carcinogen" is a finding about things, not a claim's words)."""
    return any(t.dep_ in ("relcl", "acl", "ccomp") and t.pos_ in ("VERB", "AUX") for t in noun.subtree)


def _as_phrase(verb: Any, obj: Any) -> Span | None:
    extra = _child(verb, ("prep",), ("as",)) or _child(obj, ("prep",), ("as",)) or _child(verb, ("oprd",)) \
        or next((c for c in verb.children if c.dep_ == "advcl" and c.i > obj.i  # "described X as characterized by"
                 and _child(c, ("mark",), ("as",)) is not None), None)
    if extra is None:
        return None
    if obj.lower_ in ("what", "which"):
        return _whole(extra) if extra.dep_ == "oprd" else None  # "what he called human rights abuses"
    return obj.left_edge.i, max(extra.right_edge.i, obj.right_edge.i) + 1


def object_contents(verb: Any, quoted: Callable[[int, int], bool]) -> list[Span]:
    """The content of a speech verb's object construction, or nothing."""
    lemma = verb.lemma_.lower()
    obj = _child(verb, ("dobj",))
    found: Span | None = None
    if lemma in AS_VERBS and obj is not None:
        found = _as_phrase(verb, obj)
    if found is None and lemma in ACCUSING and obj is not None:
        prep = _child(verb, ("prep",), ("of", "for", "over")) or _child(obj, ("prep",), ("of", "for", "over"))
        if prep is not None:
            found = obj.left_edge.i, max(prep.right_edge.i, obj.right_edge.i) + 1
    if found is None and lemma in ABOUT_VERBS:
        prep = _child(verb, ("prep",), ("of", "about"))
        pobj = _child(prep, ("pobj",)) if prep is not None else None
        if _noun(pobj):
            found = _whole(pobj)
    if found is None and lemma in EXPRESSING and obj is not None:
        clause = _child(obj, ("acl", "ccomp"))
        prep = _child(obj, ("prep",), ("over", "about", "at", "with", "for")) or \
            _child(verb, ("prep",), ("over", "about", "at"))
        pobj = _child(prep, ("pobj",)) if prep is not None else None
        if clause is not None and any(t.dep_ == "mark" and t.lower_ == "that" for t in clause.children):
            found = clause.left_edge.i + 1, clause.right_edge.i + 1
        elif _noun(pobj):
            found = _whole(pobj)
    if found is None and lemma in OBJECT_VERBS and obj is not None and _noun(obj) and obj.i > verb.i \
            and _holds_clause(obj):
        found = _whole(obj)
    if found is None or found[1] - found[0] < 2 or quoted(*found):
        return []
    return [found]


def _that_clause(noun: Any) -> Any | None:
    for child in noun.children:
        if child.dep_ in ("acl", "ccomp", "appos") and any(t.dep_ == "mark" and t.lower_ == "that"
                                                            for t in child.children):
            return child
    return None


def noun_claims(doc: Any) -> list[tuple[Any, Any, Span]]:
    """(noun, speaker token, content range) for "<X>'s claim that Y", "X gave his assessment that Y",
    "X is of the view that Y", "X agreed with the assessment that Y"."""
    out = []
    for noun in index(doc).toks:
        if noun.lemma_.lower() not in CLAIM_NOUNS or noun.pos_ != "NOUN":
            continue
        clause = _that_clause(noun)
        if clause is None:
            continue
        speaker = next((c for c in noun.children if c.dep_ == "poss"), None)
        head = noun.head
        if head.dep_ == "prep" and head.lower_ in ("of", "with"):
            head = head.head
        if speaker is None and head.lemma_.lower() in _SHARING and head.pos_ in ("VERB", "AUX"):
            speaker = next((c for c in head.children if c.dep_ == "nsubj"), None)
        if speaker is not None:
            out.append((noun, speaker, (clause.left_edge.i + 1, clause.right_edge.i + 1)))
    return out
