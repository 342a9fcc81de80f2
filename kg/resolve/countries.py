"""One country's national body written three ways, across sources: "Iran's government", "the
Iranian government" and "the Government of Iran"; "China's Communist Party", "Chinese Communist
Party" and "Communist Party of China".

Conservative on purpose. Only bodies a country has one of (government, ministry, embassy,
parliament, army, police, a party...) are compared; the possessive and "of" forms must name the same
country word, and a nationality adjective must be a different word of the same stem ("Chinese" and
"China", never "Labour Party" and "Party of Labour"). A person's possessive ("Karzai's government")
names no country and is left to the investigator. A nationality on its own ("Chinese") is never a
name of an organization: :func:`demonym_alias` lets resolution drop it from the aliases.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kg.demonyms import looks_like_demonym, same_country
from kg.resolve.normalize import fold, normalize

# Bodies a country has one of, by the last word of their name.
NATIONAL_HEADS = frozenset({
    "government", "ministry", "embassy", "consulate", "army", "navy", "parliament", "police", "senate",
    "military", "regime", "administration", "party", "cabinet", "presidency", "forces", "guard", "assembly",
    "court", "legislature", "junta",
})
_COUNTRY = r"[A-Z][\w.\-]*(?:\s+[A-Z][\w.\-]*){0,2}"
_POSSESSIVE = re.compile(rf"^(?:the\s+)?(?P<country>{_COUNTRY})['\u2019]s?\s+(?P<body>.+)$")
_OF = re.compile(rf"^(?:the\s+)?(?P<body>.+?)\s+of\s+(?:the\s+)?(?P<country>{_COUNTRY})$", re.IGNORECASE)
_ADJECTIVE = re.compile(r"^(?:the\s+)?(?P<country>[A-Z][\w\-]*)\s+(?P<body>.+)$")


@dataclass(frozen=True)
class National:
    body: str  # the body's normalised name without its country: "communist party"
    country: str  # the country word as written, folded: "china", "chinese"
    adjective: bool  # named by a nationality adjective ("Chinese ...") rather than the country


def national(name: str) -> National | None:
    """The body and country a national body's name is made of, or None for any other name."""
    name = name.strip()
    for pattern, adjective in ((_POSSESSIVE, False), (_OF, False), (_ADJECTIVE, True)):
        match = pattern.match(name)
        if match is None:
            continue
        country, body = match.group("country"), normalize(match.group("body"))
        words = body.split()
        if not words or words[-1] not in NATIONAL_HEADS:
            continue
        if adjective and not looks_like_demonym(country):
            continue
        if pattern is _OF and not country[:1].isupper():
            continue
        return National(body, fold(country), adjective)
    return None


def demonym_alias(alias: str, name: str) -> bool:
    """"Chinese" as an alias of "Chinese Communist Party": the nationality the name starts with."""
    words = name.split()
    return len(words) >= 2 and alias.strip() == words[0] and looks_like_demonym(alias.strip())


def national_groups(names: list[tuple[int, str]]) -> list[list[int]]:
    """Groups of mention indices whose names are one national body of one country."""
    by_body: dict[str, list[tuple[int, National]]] = {}
    for i, name in names:
        found = national(name)
        if found is not None:
            by_body.setdefault(found.body, []).append((i, found))
    groups: list[list[int]] = []
    for items in by_body.values():
        countries: dict[str, list[int]] = {}
        for i, found in items:
            if not found.adjective:
                countries.setdefault(found.country, []).append(i)
        for i, found in items:
            if not found.adjective:
                continue
            matching = [c for c in countries if c != found.country and same_country(found.country, c)]
            if len(matching) == 1:
                countries[matching[0]].append(i)
        groups += [sorted(set(group)) for group in countries.values() if len(set(group)) > 1]
    return groups
