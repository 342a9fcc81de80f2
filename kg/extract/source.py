"""An article as a kg source: extraction -> validated case -> triples, plus the extraction run.

The article becomes the Publication every claim appears in; its (reduced) text is stored on the
source so evidence offsets can be checked against it; the run is a PROV activity naming the
model, its version and kg's version (no timestamps: the same file gives the same graph).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from kg import __version__, vocab
from kg.extract import nlp
from kg.extract.casewriter import case_document
from kg.extract.model import Extraction
from kg.extract.run import extract_text
from kg.ingest.article import Article, read_article
from kg.ingest.casefile import SECTIONS, RawCase, RawRecord
from kg.ingest.casemodel import Case, read_case
from kg.ingest.guard import DEFAULT_MAX_LITERAL_CHARS
from kg.ingest.triples import case_triples
from kg.iris import Minter, short_hash, slug
from kg.store.nt import TripleSink


@dataclass
class ArticleSource:
    article: Article
    extraction: Extraction
    case: Case
    warnings: list[str]


def content_digest(data: bytes, sidecar: bytes | None) -> str:
    """sha256 of the article and its sidecar: editing either one makes the source change."""
    digest = hashlib.sha256(data)
    if sidecar is not None:
        digest.update(b"\0" + sidecar)
    return "sha256:" + digest.hexdigest()


def raw_case(path: Path, document: dict[str, object]) -> RawCase:
    meta = document.get("case")
    raw = RawCase(path, dict(meta) if isinstance(meta, dict) else {})
    for section in SECTIONS:
        items = document.get(section)
        if isinstance(items, list):
            raw.records.extend(RawRecord(section, index, None, item) for index, item in enumerate(items))
    return raw


def load_article_source(path: Path, data: bytes, sidecar: bytes | None, name: str) -> ArticleSource:
    """Read, extract and validate one article from its bytes and its sidecar's (InputError names the
    file and the problem)."""
    article = read_article(path, data, sidecar)
    result = extract_text(article.text, article.meta, article.analysis)
    warnings = article.warnings + result.warnings
    document = case_document(result, name, warnings, article.page_starts)
    key = article.meta.url or f"source:{name}"
    for record in document.get("publications", []):
        if isinstance(record, dict) and record.get("id") == "article":
            record["key"] = key
    return ArticleSource(article, result, read_case(raw_case(path, document)), warnings)


def article_triples(source: ArticleSource, source_iri: str, content_hash: str, minter: Minter,
                    sink: TripleSink) -> None:
    case_triples(source.case, minter, sink)
    run = f"{minter.base}extraction/{short_hash(source_iri + chr(0) + content_hash)}"
    model = f"{minter.base}software/{slug(nlp.model_name())}/{slug(nlp.model_version())}"
    software = minter.software(__version__)
    sink.link(run, vocab.TYPE, vocab.ACTIVITY)
    sink.link(run, vocab.TYPE, vocab.EXTRACTION)
    sink.text(run, vocab.LABEL, f"extraction from {source.article.path.name}")
    sink.link(run, vocab.USED, source_iri)
    sink.link(run, vocab.WAS_ASSOCIATED_WITH, model)
    sink.link(run, vocab.WAS_ASSOCIATED_WITH, software)
    sink.text(run, vocab.MODEL_NAME, nlp.model_name())
    sink.text(run, vocab.MODEL_VERSION, nlp.model_version())
    for warning in source.warnings:
        sink.text(run, vocab.COMMENT, warning)
    sink.link(software, vocab.TYPE, vocab.SOFTWARE_AGENT)
    sink.text(software, vocab.TOOL_VERSION, __version__)
    sink.link(model, vocab.TYPE, vocab.SOFTWARE_AGENT)
    sink.text(model, vocab.TOOL_VERSION, nlp.model_version())
    sink.text(model, vocab.LABEL, f"spaCy model {nlp.model_name()} {nlp.model_version()}")
    for claim in source.case.claims:
        sink.link(minter.claim(source.case.key, claim.id), vocab.WAS_GENERATED_BY, run)
    if len(source.article.text) <= DEFAULT_MAX_LITERAL_CHARS:
        sink.text(source_iri, vocab.SOURCE_TEXT, source.article.text)
