"""An :class:`Extraction` as a case file: the same records an investigator writes by hand.

The article itself is the publication every claim appears in; claims the outlet makes without
attribution have the article as claimant and kind ``unattributed``. Entity notes list where each
entity is mentioned (character offsets into the article text), so a reviewer can check them.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

from kg import ontology, schema
from kg.extract.evaluate import norm_name
from kg.extract.model import Extraction, FoundEntity
from kg.ingest.article import Article
from kg.ingest.document import page_of
from kg.iris import slug

ARTICLE_ID = "article"
_CONTEXT = 32
_PREFIX = {"person": "person", "organization": "org", "publication": "pub"}
_SECTIONS = {kind.name: kind.plural for kind in schema.load().entity_kinds}  # kind -> case-file section


class _Ids:
    def __init__(self) -> None:
        self.used = {ARTICLE_ID}

    def new(self, kind: str, name: str) -> str:
        base = f"{_PREFIX[kind]}-{slug(name)}"
        ident, number = base, 2
        while ident in self.used:
            ident, number = f"{base}-{number}", number + 1
        self.used.add(ident)
        return ident


def _mentions_note(entity: FoundEntity, page_starts: list[int] | None) -> str:
    def spot(start: int, end: int) -> str:
        return f"{start}-{end}" if page_starts is None else f"{start}-{end} (page {page_of(page_starts, start)})"

    spots = ", ".join(spot(m.span.start, m.span.end) for m in entity.mentions[:12])
    more = f" and {len(entity.mentions) - 12} more" if len(entity.mentions) > 12 else ""
    return f"extracted; mentioned at characters {spots}{more}"


def case_document(result: Extraction, case_id: str, warnings: list[str] | None = None,
                  page_starts: list[int] | None = None) -> dict[str, Any]:
    """The case-file mapping (sections ``case``, ``publications``, ``organizations``, ``people``,
    ``claims``) that ``kg ingest`` reads unchanged. With ``page_starts`` (a PDF's page map), every
    claim's evidence and every mention names its page."""
    onto = ontology.load()
    ids, meta, text = _Ids(), result.meta, result.text
    records: dict[str, list[dict[str, Any]]] = {name: [] for name, section in schema.load().sections.items()
                                                if section.kind is not None}
    by_key: dict[int, str] = {}
    by_name: dict[tuple[str, str], str] = {}
    people: dict[int, dict[str, Any]] = {}
    for entity in result.entities:
        ident = ids.new(entity.kind, entity.name)
        by_key[entity.key] = ident
        by_name[(entity.kind, norm_name(entity.name))] = ident
        record: dict[str, Any] = {"id": ident, ("title" if entity.kind == "publication" else "name"): entity.name}
        aliases = [a for a in entity.aliases if norm_name(a) != norm_name(entity.name)]
        if aliases:
            record["aliases"] = aliases
        if entity.org_kind and entity.org_kind in onto.organization_kinds:
            record["kind"] = entity.org_kind
        record["note"] = _mentions_note(entity, page_starts)
        if entity.kind == "person":
            people[entity.key] = record
        records[_SECTIONS[entity.kind]].append(record)

    def named(kind: str, name: str, extra: dict[str, Any]) -> str:
        found = by_name.get((kind, norm_name(name)))
        if found is None:
            found = ids.new(kind, name)
            by_name[(kind, norm_name(name))] = found
            records[_SECTIONS[kind]].append({"id": found, "name": name, **extra})
        return found

    article: dict[str, Any] = {"id": ARTICLE_ID, "title": meta.title or case_id}
    if meta.type and meta.type in onto.publication_types:
        article["type"] = meta.type
    elif meta.type and warnings is not None:
        warnings.append(f"publication type {meta.type!r} is not one of {', '.join(onto.publication_types)}; left out")
    if meta.publisher:
        article["publisher"] = named("organization", meta.publisher, {"kind": "NewsOutlet"})
    if meta.author:
        article["author"] = [named("person", a, {}) for a in meta.author]
    if meta.date:
        article["date"] = meta.date
    if meta.url and "://" in meta.url:
        article["url"] = meta.url
    article["language"] = meta.language.split("-")[0].lower() if meta.language else "en"
    records["publications"].insert(0, article)
    for aff in result.affiliations:
        entry = {"organization": by_key[aff.organization], "source": ARTICLE_ID}
        if aff.role:
            entry = {"organization": entry["organization"], "role": aff.role, "source": ARTICLE_ID}
        people[aff.person].setdefault("affiliations", []).append(entry)
    for number, claim in enumerate(result.claims, 1):
        ev = claim.evidence
        record = {"id": f"claim-{number}", "claimant": by_key[claim.claimant] if claim.claimant is not None
                  else ARTICLE_ID, "appears_in": ARTICLE_ID}
        if claim.relayed_by is not None:
            record["relayed_by"] = by_key[claim.relayed_by]
        if claim.about:
            record["about"] = [by_key[k] for k in claim.about]
        record.update({"text": claim.text, "kind": claim.kind})
        if claim.quote:
            record["quote"] = claim.quote
        if claim.hedged:
            record["hedged"] = True
        record["evidence"] = {"exact": ev.exact, "prefix": text[max(0, ev.start - _CONTEXT):ev.start],
                              "suffix": text[ev.end:ev.end + _CONTEXT], "start": ev.start, "end": ev.end}
        if page_starts is not None:
            record["evidence"]["page"] = page_of(page_starts, ev.start)
        record["confidence"] = claim.confidence
        record["note"] = f"extracted by rule: {claim.cue}"
        records["claims"].append(record)
    document: dict[str, Any] = {"case": {"id": case_id, "title": meta.title or case_id, "language": "en"}}
    document.update({k: v for k, v in records.items() if v})
    return document


def article_case(article: Article, result: Extraction) -> tuple[dict[str, Any], list[str]]:
    """What ``kg extract`` writes for one article (its case document) and the warnings it prints."""
    warnings = article.warnings + result.warnings
    document = case_document(result, case_id_for(article.path), warnings, article.page_starts)
    warnings += [f"attachment {a.name} is not extracted here; 'kg ingest' or 'kg build' reads it as a "
                 f"source of its own (or save it and run kg extract on it)" for a in article.attachments]
    return document, warnings


def dump(document: dict[str, Any], fmt: str) -> str:
    if fmt == "json":
        return json.dumps(document, ensure_ascii=False, indent=2) + "\n"
    return yaml.safe_dump(document, allow_unicode=True, sort_keys=False, width=100)


def case_id_for(path: Path) -> str:
    return slug(path.stem)
