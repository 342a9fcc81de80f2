"""Country names and the adjectives made from them, compared by stem: "Iranian" and "Iran",
"Chinese" and "China", "Afghan" and "Afghanistan" name one country; "Austrian" and "Australia"
do not. A rule of English word formation, not a list of countries: extraction uses it within an
article, resolution across sources."""

from __future__ import annotations

_DEMONYM_ENDINGS = ("vians", "vian", "ians", "ian", "ean", "ans", "an", "ese", "ish", "ic", "i", "n", "a", "y", "ey",
                    "istan", "ia")
# Endings that make an adjective of a country's name ("Chinese", "Iranian", "Afghan", "Turkish", "Iraqi").
ADJECTIVE_ENDINGS = ("ese", "ian", "ean", "an", "ish", "i")


def stems(name: str) -> set[str]:
    word = name.casefold().replace("\u2019", "'").removesuffix("'s").strip()
    out = {word}
    for ending in _DEMONYM_ENDINGS:
        if word.endswith(ending) and len(word) - len(ending) >= 4:
            out.add(word[: -len(ending)])
    return out


def same_country(a: str, b: str) -> bool:
    """"Iranian" and "Iran", "Chinese" and "China", "Afghan" and "Afghanistan": one country."""
    return bool(stems(a) & stems(b))


def looks_like_demonym(word: str) -> bool:
    """A single capitalised adjective of the shape nationalities take ("Chinese", "Iranian")."""
    return word[:1].isupper() and " " not in word.strip() and word.casefold().endswith(ADJECTIVE_ENDINGS) \
        and len(stems(word)) > 1
