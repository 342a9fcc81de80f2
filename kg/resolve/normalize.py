"""Names -> comparison keys: case, punctuation, diacritics, "the", possessives, honorifics.

Two names with the same key are treated as the same name. Keys are only compared, never shown;
what is shown is always a name as some source wrote it.
"""

from __future__ import annotations

import functools
import re
import unicodedata

HONORIFICS = frozenset({
    "mr", "mrs", "ms", "miss", "mx", "dr", "prof", "professor", "sir", "dame", "lord", "lady", "rev", "reverend",
    "fr", "father", "hon", "honorable", "honourable", "mme", "mlle", "madame", "monsieur", "herr", "frau", "sr",
    "sra", "srta", "senor", "senora", "sheikh", "imam", "rabbi", "gen", "general", "col", "colonel", "capt",
    "captain", "sen", "senator", "rep", "president", "minister", "judge", "justice", "ambassador",
})
STOPWORDS = frozenset({"of", "the", "and", "for", "in", "on", "at", "to", "a", "an", "de", "la", "le", "du", "des",
                       "der", "die", "das", "und", "et", "y", "del", "von", "van"})
# Letters that Unicode does not decompose into base letter + accent.
_FOLD = str.maketrans({"ø": "o", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "æ": "ae", "œ": "oe", "\u0131": "i",
                       "ħ": "h", "ŧ": "t", "\u017f": "s", "ß": "ss"})
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "`": "'", "\u00b4": "'"})
_POSSESSIVE = re.compile(r"(?<=\w)'s\b|(?<=\ws)'(?=\s|$)")
_NON_WORD = re.compile(r"[^\w]+", re.UNICODE)
_DEFINITION = re.compile(r"^(?P<long>.*\S)\s*\(\s*(?P<short>[^()]{1,20}?)\s*\)\s*$")
_ACRONYM_TEXT = re.compile(r"^(?:[A-Z0-9]\.?){2,10}$|^[A-Z][A-Za-z0-9]{1,9}$")


def fold(text: str) -> str:
    """Case-folded, accents and special letters folded to ASCII where Unicode allows it."""
    if text.isascii():
        return text.lower()
    text = unicodedata.normalize("NFKC", text).casefold().translate(_FOLD)
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def tokens(name: str, person: bool = False) -> list[str]:
    """The words of ``name`` after folding, possessives, punctuation and leading "the"/honorifics."""
    text = fold(name.translate(_APOSTROPHES))
    text = _POSSESSIVE.sub("", text).replace("'", "").replace("&", " and ")
    words = [w for w in _NON_WORD.sub(" ", text).replace("_", " ").split() if w]
    if not person:
        while len(words) > 1 and words[0] == "the":
            words = words[1:]
    else:
        while len(words) > 1 and words[0] in HONORIFICS:
            words = words[1:]
    return words


@functools.lru_cache(maxsize=1 << 16)
def normalize(name: str, person: bool = False) -> str:
    """The comparison key of a name: ``"Dr. José  Martí"`` -> ``"jose marti"`` (person=True)."""
    return " ".join(tokens(name, person))


def has_honorific(name: str) -> bool:
    words = _NON_WORD.sub(" ", fold(name)).split()
    return len(words) > 1 and words[0] in HONORIFICS


def is_acronym(text: str) -> bool:
    """``CCP``, ``C.C.P.``, ``DAFOH``, ``UNESCO``, ``NGOs``: one short token, (nearly) all capitals."""
    text = text.strip()
    if not _ACRONYM_TEXT.match(text):
        return False
    letters = [c for c in text if c.isalpha()]
    capitals = sum(1 for c in letters if c.isupper())
    return len(letters) >= 2 and capitals >= 2 and capitals >= len(letters) - 1


def acronyms(name: str) -> set[str]:
    """Acronym keys a long name could be abbreviated to: initials without and with the small words.

    ``"Doctors Against Forced Organ Harvesting"`` -> ``{"dafoh"}``;
    ``"Communist Party of China"`` -> ``{"cpc", "cpoc"}``. Names of fewer than two words have none.
    """
    words = [w for w in _NON_WORD.sub(" ", fold(name).replace("'", "")).split() if w]
    while len(words) > 1 and words[0] == "the":
        words = words[1:]
    if len(words) < 2:
        return set()
    out = {"".join(w[0] for w in words)}
    significant = [w for w in words if w not in STOPWORDS]
    if len(significant) >= 2:
        out.add("".join(w[0] for w in significant))
    return out


def split_definition(name: str) -> tuple[str, str | None]:
    """``"Doctors Against Forced Organ Harvesting (DAFOH)"`` -> the long name and the acronym it defines.

    Only a trailing parenthesis holding an acronym counts; ``"Smith (journalist)"`` is left alone.
    """
    match = _DEFINITION.match(name.strip())
    if match is None or not is_acronym(match.group("short")):
        return name.strip(), None
    return match.group("long").strip(), match.group("short")


def surname(key: str) -> str:
    """The last word of a normalised person key."""
    return key.rsplit(" ", 1)[-1]
