"""Plain text saved from a web page: its title, byline and date, found past the page's chrome.

A saved page starts with what the site prints around every article ("Skip to main content",
"Accessibility links", "Breaking News", "Share this article", a logo's alt text, a banner about the
site itself). Lines of that furniture are recognised by their words (the vocabulary of web pages,
not of any one site) or because they speak about the page ("An official website of ..."). Then:

- the **date** is the first date written out in the head of the page ("FRIDAY, JUNE 14, 2002",
  "Brussels, 14 May 2019", "2018-02-28", "14 / 05 / 2019");
- the **publisher** is a site name the header shows as such: a logo's alt text ("<Name> Logo",
  "<Name> Seal <Name>"), "From <Name>, the ...", "<Name> - <section>";
- the **author** is a byline: "By <names>", "As delivered by <name>", "written/edited by <names>",
  or a line that is only a name (with a title) under the headline;
- the **title** is the first headline-shaped paragraph: one to three lines, three to forty words,
  not a sentence ending in a full stop, not furniture, not only a date.
Furniture lines are blanked in the text the language model reads (offsets do not move), so
nothing in them becomes an entity.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field


def _set(text: str) -> frozenset[str]:
    return frozenset(text.split())


_UI = _set("""
skip main content navigation menu search accessibility links link breaking news share article about author
close donate read more sign log subscribe newsletter home left right additional tools other available
languages language none print email follow cookie cookies privacy policy advertisement jump back top logo
website websites site page webpage secure https http browser javascript flag minute min comments comment
related stories story learn translation overview newsroom categories category tags tag image images photo
photos video videos path chemin edit view source download format releases announcements archive archives
results filtered showing rss feed toggle previous next continue reading here know official use gov
""")
_FUNCTION = _set("""
a an the and or of to in on for by from at with this that these those all you your we our us it its is are
be was were how here's there what who up out as
""")
_PAGE_WORDS = frozenset({"website", "websites", "webpage", "site", "cookies", "javascript", "browser"})
_MONTHS = {m: i for i, m in enumerate(["january", "february", "march", "april", "may", "june", "july", "august",
                                        "september", "october", "november", "december"], 1)}
_MONTH = r"(january|february|march|april|may|june|july|august|september|october|november|december)"
_DATES = [
    (re.compile(rf"\b{_MONTH}\s+(\d{{1,2}}),?\s+(\d{{4}})\b", re.I), ("month", "day", "year")),
    (re.compile(rf"\b(\d{{1,2}})\s+{_MONTH},?\s+(\d{{4}})\b", re.I), ("day", "month", "year")),
    (re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b"), ("year", "month", "day")),
    (re.compile(r"\b(\d{1,2})\s*[/.]\s*(\d{1,2})\s*[/.]\s*(\d{4})\b"), ("day", "month", "year")),
]
_BY = re.compile(r"^(?:[A-Z][a-z]+\s+){0,2}by\s+(.+?)[,.]?$", re.I)
_CREDIT = re.compile(r"^(?:image|images|photo|photos|picture|illustration|video|graphic|map)s?\b", re.I)
_WRITTEN_BY = re.compile(r"\b(?:written|edited|reported|researched)(?:,?\s+(?:and\s+)?(?:written|edited|reported|"
                         r"researched))*\s+by\s+([^.]+)\.", re.I)
_LOGO = re.compile(r"^(.+?)\s*(?:Logo|logo|Seal|seal)(?:\s*\1)?\s*$")
_FROM = re.compile(r"^From\s+([A-Z][\w.'\u2019-]*(?:\s+[A-Z][\w.'\u2019-]*){0,4}),\s")
_DASHED = re.compile(r"^[-\u2013\u2014\s]*([A-Z][\w'\u2019]*(?:\s+[A-Z][\w'\u2019]*){0,4})\s+[-\u2013\u2014]\s+(.+)$")
_NAME_LINE = re.compile(r"^(?:[A-Z][a-z]+\s+)?([A-Z][\w'\u2019-]+(?:\s+[A-Z]\.)?(?:\s+[A-Z][\w'\u2019-]+){1,2})$")
_WORD = re.compile(r"[\w'\u2019.-]+")
_REF = re.compile(r"\s*\[\d+\]")
_HEAD_PARAGRAPHS = 16


@dataclass
class PageHead:
    title: str | None = None
    author: list[str] = field(default_factory=list)
    publisher: str | None = None
    date: str | None = None
    chrome: list[tuple[int, int]] = field(default_factory=list)  # character ranges of furniture lines


def _words(line: str) -> list[str]:
    return [w.strip(".,:;!?()[]\u2019'\"").lower() for w in _WORD.findall(line)]


def is_chrome(line: str) -> bool:
    """A line of page furniture: short, not a sentence, and made of web-page words (or about the page)."""
    words = [w for w in _words(line) if w]
    if not words or len(words) > 10 or line.rstrip().endswith("."):
        return False
    if any(w in _PAGE_WORDS or w.startswith(("http", "www.", ".gov")) for w in words):
        return True
    content = [w for w in words if w not in _FUNCTION and not w.isdigit()]
    if not content:
        return len(words) >= 2
    return sum(1 for w in content if w in _UI) >= 0.6 * len(content) and len(content) <= 6


def find_date(line: str) -> tuple[str, int, int] | None:
    """The first written-out date in a line, as YYYY-MM-DD, and where it is."""
    best: tuple[str, int, int] | None = None
    for pattern, order in _DATES:
        match = pattern.search(line)
        if match is None or (best is not None and match.start() >= best[1]):
            continue
        parts = dict(zip(order, match.groups(), strict=True))
        month = _MONTHS.get(parts["month"].lower()) if not parts["month"].isdigit() else int(parts["month"])
        try:
            value = dt.date(int(parts["year"]), month or 0, int(parts["day"]))
        except ValueError:
            continue
        best = (value.isoformat(), match.start(), match.end())
    return best


def _only_a_date(line: str) -> bool:
    found = find_date(line)
    if found is None:
        return False
    rest = (line[:found[1]] + " " + line[found[2]:])
    return len([w for w in _words(rest) if w and not w.isdigit()]) <= 2


def _names(text: str) -> list[str]:
    text = _REF.sub("", text)
    parts = re.split(r"\s*(?:,|;|\band\b|&)\s*", text)
    return [p.strip() for p in parts if p.strip() and p.strip()[:1].isupper() and len(p.split()) <= 4]


def _publisher(line: str) -> str | None:
    for pattern in (_LOGO, _FROM):
        match = pattern.match(line)
        if match:
            return match.group(1).strip()
    match = _DASHED.match(line)
    if match and find_date(match.group(2)) is None and (is_chrome(match.group(2)) or match.group(2).startswith("http")
                                                        or len(_words(match.group(2))) <= 3):
        return match.group(1).strip()
    return None


def _title_like(lines: list[str]) -> bool:
    text = " ".join(lines)
    words = _words(text)
    alphabetic = [w for w in words if w.replace(".", "").isalpha()]
    return 1 <= len(lines) <= 3 and 3 <= len(words) <= 40 and len(alphabetic) >= 3 \
        and not text.rstrip().endswith((".", ":", ",", ";")) and not _only_a_date(text) \
        and not all(is_chrome(line) for line in lines)


def read_head(text: str) -> PageHead:
    """Title, byline, publisher and date of a saved page, and its furniture lines."""
    head = PageHead()
    offset = 0
    paragraphs: list[list[tuple[int, str]]] = [[]]
    for raw in text.splitlines(keepends=True):
        line = raw.strip()
        if line:
            paragraphs[-1].append((offset, line))
        elif paragraphs[-1]:
            paragraphs.append([])
        offset += len(raw)
    paragraphs = [p for p in paragraphs if p]
    for number, paragraph in enumerate(paragraphs[:_HEAD_PARAGRAPHS]):
        lines = [line for _, line in paragraph]
        for start, line in paragraph:
            if is_chrome(line):
                head.chrome.append((start, start + len(line)))
        if head.date is None:
            found = next((find_date(line[:80]) for line in lines if find_date(line[:80])), None)
            head.date = found[0] if found else None
        if head.publisher is None:
            head.publisher = next((p for p in map(_publisher, lines) if p), None)
        if not head.author:
            head.author = _byline(lines, head.title is not None)
        kept = [line for line in lines if not is_chrome(line) and not _only_a_date(line)]
        if head.title is None and kept and _title_like(kept) and _publisher(kept[0]) is None \
                and not _BY.match(kept[0]):
            head.title = re.sub(r"\[edit\]$", "", " ".join(kept)).strip()
        if sum(len(_words(line)) for line in lines) > 60 and number >= 2:
            break
    if not head.author:
        match = _WRITTEN_BY.search(text[:3000])
        head.author = _names(match.group(1)) if match else []
    return head


def _byline(lines: list[str], after_title: bool) -> list[str]:
    for line in lines:
        if len(_words(line)) > 12 or _CREDIT.match(line):
            continue  # "Image by ..." is a credit, not a byline
        match = _BY.match(line)
        if match:
            return _names(match.group(1))
        named = _NAME_LINE.match(line)
        if after_title and named and len(lines) <= 4 and not is_chrome(line):
            return [named.group(1)]
    return []
