"""One article in, one :class:`Extraction` out; many articles through ``nlp.pipe`` in batches.

The model is loaded once per process (:func:`kg.extract.nlp.load` is cached). Text that is not
English is not sent through the English model at all: it gets a warning and no entities, rather
than a page of nonsense names.
"""

from __future__ import annotations

import multiprocessing
import re
from collections.abc import Iterable, Iterator
from typing import Any

from spacy.lang.en.stop_words import STOP_WORDS

from kg import processes
from kg.extract import nlp
from kg.extract.attribution import Attributor
from kg.extract.blocks import label_names
from kg.extract.claimdraft import Draft
from kg.extract.docindex import index
from kg.extract.linking import link
from kg.extract.mentions import candidates, mentions, relabel
from kg.extract.model import Extraction, FoundAffiliation, FoundClaim, Span
from kg.extract.quotes import find_quotes, line_of
from kg.extract.references import References
from kg.extract.roles import RoleFinder
from kg.extract.textnorm import PARAGRAPH_BREAK, NormalText, normalise
from kg.ingest.article import ArticleMeta

_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?")
MIN_ENGLISH_RATIO = 0.2


def english_share(text: str, sample: int = 4000) -> tuple[float, int]:
    """Share of words that are common English function words, and how many words were looked at."""
    words = _WORD.findall(text[:sample].lower())
    if not words:
        return 0.0, 0
    return sum(1 for w in words if w in STOP_WORDS) / len(words), len(words)


def analyse(doc: Any, norm: NormalText, original: str, meta: ArticleMeta) -> Extraction:
    """Entities, roles and claims of one parsed article, with offsets into ``original``."""
    result = Extraction(original, meta, model=nlp.model_name(), model_version=nlp.model_version())
    heads = index(doc).headings(norm.text)
    cands = relabel(doc, candidates(doc))
    entities = link(doc, cands, dict(doc.user_data.get("kg_acronyms", {})), heads, frozenset(label_names(norm.text)))
    mentions(doc, norm, original, cands, entities)
    result.entities = entities
    refs = References(doc, cands, entities, meta.publisher)
    quotes, unbalanced = find_quotes(norm.text)
    if unbalanced:
        where = line_of(original, norm.span(unbalanced[0], unbalanced[0] + 1)[0])
        result.warnings.append(f"{len(unbalanced)} unbalanced quotation mark(s), first at line {where}; "
                               "text after it is attributed without that quotation")
    for draft in Attributor(doc, refs, quotes, heads).drafts():
        result.claims.append(_claim(doc, norm, original, refs, draft))
    for role in RoleFinder(doc, refs).find():
        first, last = doc[role.start], doc[role.end - 1]
        start, end = norm.span(first.idx, last.idx + len(last.text))
        result.affiliations.append(FoundAffiliation(role.person, role.organization, role.role,
                                                    Span(start, end, original[start:end])))
    return result


def _claim(doc: Any, norm: NormalText, original: str, refs: References, draft: Draft) -> FoundClaim:
    start, end = norm.span(draft.start, draft.end)
    about: list[int] = [draft.subject] if draft.subject is not None else []
    for i in index(doc).tokens(draft.start, draft.end):
        key = refs.entity_of(doc[i])
        if key is not None and key != draft.claimant and key not in about:
            about.append(key)
    text = draft.label + norm.text[draft.start:draft.end].replace(PARAGRAPH_BREAK, " ")
    return FoundClaim(draft.claimant, text, draft.kind,
                      Span(start, end, original[start:end]), quote=draft.quote, about=about,
                      relayed_by=draft.relayed_by, hedged=draft.hedged, confidence=draft.confidence, cue=draft.cue)


def _prepared(analysis: str, original: str, meta: ArticleMeta) -> tuple[NormalText, Extraction | None]:
    norm = normalise(analysis)
    share, words = english_share(norm.text)
    if words >= 8 and share < MIN_ENGLISH_RATIO:
        skipped = Extraction(original, meta, model=nlp.model_name(), model_version=nlp.model_version())
        skipped.warnings.append(f"does not look like English ({share:.0%} common English words); "
                                "no entities or claims extracted")
        return norm, skipped
    return norm, None


def extract_text(original: str, meta: ArticleMeta | None = None, analysis: str | None = None) -> Extraction:
    """Extract from one text. ``analysis`` (same length as ``original``) is what the model reads,
    e.g. with Markdown markup blanked out; offsets always point into ``original``."""
    return next(extract_many([(original, meta or ArticleMeta(), analysis)]))


Item = tuple[str, ArticleMeta, str | None]


def _work(chunk: list[Item]) -> list[Extraction]:
    return list(extract_many(chunk))


def extract_many(items: Iterable[Item], n_process: int = 1, batch_size: int = 32) -> Iterator[Extraction]:
    """Extract from many texts in order, parsing them with ``nlp.pipe``. With ``n_process`` > 1,
    whole extractions (parse and rules) run in worker processes (forked ones share the loaded model)."""
    pipeline = nlp.load()
    if n_process > 1:
        listed = list(items)
        chunks = [listed[i:i + batch_size] for i in range(0, len(listed), batch_size)]
        with processes.plain_main():  # spawned workers each load the model; forked ones share it
            pool = multiprocessing.get_context(processes.START_METHOD).Pool(n_process)
        with pool:
            for done in pool.imap(_work, chunks):
                yield from done
        return
    pending: list[tuple[str, ArticleMeta, NormalText, Extraction | None]] = []
    for original, meta, analysis in items:
        norm, skipped = _prepared(analysis if analysis is not None else original, original, meta)
        pending.append((original, meta, norm, skipped))
    texts = [norm.text for _, _, norm, skipped in pending if skipped is None]
    docs = iter(pipeline.pipe(texts, batch_size=batch_size))
    for original, meta, norm, skipped in pending:
        yield skipped if skipped is not None else analyse(next(docs), norm, original, meta)
