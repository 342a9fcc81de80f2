"""The name forms of one mention that resolution compares: strong keys, weak keys, acronyms.

A *strong* name identifies an entity by itself ("Jinato Liu", "Chinese Communist Party"); two
mentions sharing one are merged. A *weak* name only points at an entity in context: a surname or
initials ("Mr. Liu", "J. Liu") or an acronym ("CCP"). Weak names are resolved in a second step and
only when exactly one candidate fits.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from kg.resolve.countries import demonym_alias
from kg.resolve.mention import Mention
from kg.resolve.normalize import acronyms, is_acronym, normalize, split_definition

_LEADING_THE = re.compile(r"^\s*the\s+", re.IGNORECASE)


@dataclass
class Forms:
    key: str  # the normalised name
    name: str  # the name as written, without a trailing "(ACR)" definition
    weak: bool
    strong_aliases: list[str] = field(default_factory=list)
    weak_aliases: list[str] = field(default_factory=list)
    acronyms: set[str] = field(default_factory=set)  # computed from strong names (organizations, publications)


def person_weak(key: str) -> bool:
    """A surname alone or initials plus surname: never enough to identify a person across sources."""
    words = key.split()
    return len(words) < 2 or all(len(w) == 1 for w in words[:-1])


def classify(text: str, kind: str) -> tuple[str, bool]:
    """(normalised key, weak?) of one name of an entity of ``kind``."""
    person = kind == "person"
    key = normalize(text, person)
    weak = person_weak(key) if person else is_acronym(_LEADING_THE.sub("", text))
    return key, weak or not key


def forms_of(mention: Mention, kind: str) -> Forms:
    name, defined = split_definition(mention.name)
    key, weak = classify(name, kind)
    forms = Forms(key, name, weak)
    aliases = [a for a in mention.aliases if kind != "organization" or not demonym_alias(a, name)]
    aliases += [defined] if defined else []  # "Chinese" is never a name of the Chinese Communist Party
    for alias in aliases:
        alias_name, alias_defined = split_definition(alias)
        for text in (alias_name, alias_defined):
            if not text:
                continue
            alias_key, alias_weak = classify(text, kind)
            if not alias_key or alias_key == key:
                continue
            (forms.weak_aliases if alias_weak else forms.strong_aliases).append(alias_key)
    if kind != "person":
        for text, is_weak in [(name, weak), *((a, is_acronym(a)) for a in mention.aliases)]:
            if not is_weak:
                forms.acronyms |= acronyms(text)
    return forms
