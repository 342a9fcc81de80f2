"""Scoring extraction against hand-written gold annotations (``NAME.gold.yaml`` next to each article).

Gold format::

    title: ...            # optional, as are publisher, author (a name or a list) and date
    entities: [{type: person|organization|publication, name: ..., aliases: [...]}]
    claims:   [{claimant: <entity name>, text: <verbatim words of the claim in the article>,
                relayed_by: <name, optional>}]
    roles:    [{person: <name>, organization: <name>, role: <words>}]

Entities match by type and name or alias (case, "the", possessives and punctuation ignored).
A claim matches when its claimant matches and its evidence covers at least half of the shorter of
the two spans (gold text located in the article). Unattributed (outlet) claims are not scored.
A role matches when person and organization match and the role words share a word; a gold role
that names no organization cannot be stated as an affiliation and is counted as not scored.
Title, publisher, author and date are scored where the gold states them (a value kg gives where
the gold has none counts against precision, except the title, which kg always gives).

Targets: a folder may hold ``targets.yaml`` (``{measure: {part: value}}`` with measure one of
``precision``, ``recall``, ``f1``); without one the F1 targets below apply.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from kg import schema
from kg.errors import InputError
from kg.extract.model import Extraction, FoundEntity
from kg.ingest.article import ARTICLE_SUFFIXES, read_article

GOLD_SUFFIX = ".gold.yaml"
TARGETS_FILE = "targets.yaml"
TARGETS = {"f1": {"entities": 0.90, "claims": 0.80, "roles": 0.70}}  # the default: F1 below fails
PARTS = ("entities", "claims", "roles")
META_FIELDS = ("title", "publisher", "author", "date")
_MEASURES = ("precision", "recall", "f1")
_ROLE_STOP = {"of", "the", "a", "an", "for", "at", "and", "chief", "senior", "deputy"}


def norm_name(name: str) -> str:
    text = unicodedata.normalize("NFKD", name.casefold())
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = re.sub(r"['\u2019]s\b", "", text)
    text = re.sub(r"^(the|mr|mrs|ms|dr|prof|professor)\.?\s+", "", text.strip())
    return " ".join(re.sub(r"[^\w&]+", " ", text).split())


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, other: Score) -> None:
        self.tp, self.fp, self.fn = self.tp + other.tp, self.fp + other.fp, self.fn + other.fn

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class EvalReport:
    scores: dict[str, Score] = field(default_factory=dict)
    articles: int = 0
    misses: list[str] = field(default_factory=list)
    unscored: int = 0  # gold roles without an organization
    name: str = ""

    def score(self, name: str) -> Score:
        return self.scores.setdefault(name, Score())

    def value(self, measure: str, part: str) -> float:
        score = self.score(part)
        return float(getattr(score, measure))


def _forms(names: list[str]) -> set[str]:
    return {norm_name(n) for n in names if norm_name(n)}


def _entity_forms(entity: FoundEntity) -> set[str]:
    return _forms([entity.name, *entity.aliases])


def _match(gold: list[Any], pred: list[Any], same: Callable[[Any, Any], bool]) -> tuple[Score, list[Any], list[Any]]:
    used: set[int] = set()
    missed = []
    for g in gold:
        hit = next((i for i, p in enumerate(pred) if i not in used and same(g, p)), None)
        if hit is None:
            missed.append(g)
        else:
            used.add(hit)
    extra = [p for i, p in enumerate(pred) if i not in used]
    return Score(len(gold) - len(missed), len(extra), len(missed)), missed, extra


_ENTITY_KINDS = [kind.name for kind in schema.load().entity_kinds]
_FIELD_ALIASES = {"speaker": "claimant", "quote": "text", "org": "organization", "organisation": "organization"}


def _record(path: Path, section: str, item: Any) -> dict[str, Any]:
    if not isinstance(item, dict):
        raise InputError(f"{path}: {section}: each entry must be a mapping, not {item!r}")
    record = {_FIELD_ALIASES.get(str(k), str(k)): v for k, v in item.items()}
    if section == "entities":
        kind = schema.load().kind(str(record.get("type", "")), _ENTITY_KINDS)
        if kind is None or not record.get("name"):
            raise InputError(f"{path}: entities: {item!r} needs a name and a type ({', '.join(_ENTITY_KINDS)})")
        record["type"] = kind.name
    required = {"claims": ("claimant", "text"), "roles": ("person", "organization")}.get(section, ())
    for name in required:
        if not record.get(name):
            raise InputError(f"{path}: {section}: {item!r} has no {name!r}")
    return record


@dataclass
class Gold:
    entities: list[dict[str, Any]]
    claims: list[dict[str, Any]]
    roles: list[dict[str, Any]]
    meta: dict[str, Any]
    unscored: int = 0

    def __getitem__(self, section: str) -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = getattr(self, section)
        return items


def _no_organization(item: Any) -> bool:
    return isinstance(item, dict) and not item.get("organization") and not item.get("org") \
        and not item.get("organisation")


def load_gold(path: Path) -> Gold:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError:
        raise InputError(f"{path}: malformed YAML") from None
    if not isinstance(data, dict):
        raise InputError(f"{path}: gold annotation must be a mapping of entities, claims, roles")
    roles = [item for item in data.get("roles") or [] if not _no_organization(item)]
    meta = {k: data[k] for k in META_FIELDS if data.get(k) not in (None, "", [])}
    return Gold([_record(path, "entities", item) for item in data.get("entities") or []],
                [_record(path, "claims", item) for item in data.get("claims") or []],
                [_record(path, "roles", item) for item in roles], meta,
                len(data.get("roles") or []) - len(roles))


def _locate(text: str, wanted: str) -> tuple[int, int] | None:
    """Where gold words are in the article: whitespace, case and punctuation may differ."""
    words = re.findall(r"\w+", wanted)
    if not words:
        return None
    found = re.search(r"\W+".join(re.escape(w) for w in words), text, re.IGNORECASE)
    return found.span() if found else None


def _authors(value: Any) -> set[str]:
    names = value if isinstance(value, list) else re.split(r"\s*(?:,|;|\band\b)\s*", str(value))
    return {norm_name(str(n)) for n in names if norm_name(str(n))}


def _same_meta(name: str, gold: Any, found: Any) -> bool:
    if name == "author":
        return _authors(gold) == _authors(found)
    if name == "date":
        return str(gold)[:10] == str(found)[:10]
    return norm_name(str(gold)) == norm_name(str(found))


def score_meta(result: Extraction, gold: Gold, where: str, report: EvalReport) -> None:
    """Title, publisher, author and date against the gold's top-level fields."""
    meta = result.meta
    found = {"title": meta.title, "publisher": meta.publisher, "author": meta.author or None, "date": meta.date}
    for name in META_FIELDS:
        score = report.score(f"meta/{name}")
        wanted, given = gold.meta.get(name), found[name]
        if wanted is not None and given and _same_meta(name, wanted, given):
            score.tp += 1
            continue
        if wanted is not None:
            score.fn += 1
            report.misses.append(f"{where}: {name} {given!r}, gold {wanted!r}")
        if given and name != "title":
            score.fp += 1
            if wanted is None:
                report.misses.append(f"{where}: {name} {given!r}, gold has none")


def score_article(result: Extraction, gold: Gold, where: str, report: EvalReport) -> None:
    aliases = {norm_name(g["name"]): _forms([g["name"], *(g.get("aliases") or [])]) for g in gold["entities"]}

    def gold_forms(name: str) -> set[str]:
        return aliases.get(norm_name(name), _forms([name]))

    found = [e for e in result.entities if e.mentions]
    for kind in ("person", "organization", "publication"):
        g = [x for x in gold["entities"] if x["type"] == kind]
        p = [e for e in found if e.kind == kind]
        score, missed, extra = _match(g, p, lambda g, p: bool(gold_forms(g["name"]) & _entity_forms(p)))
        report.score(f"entities/{kind}").add(score)
        report.score("entities").add(score)
        report.misses += [f"{where}: missed {kind} {m['name']!r}" for m in missed]
        report.misses += [f"{where}: extra {kind} {e.name!r}" for e in extra]
    by_key = {e.key: e for e in result.entities}
    claims = [c for c in result.claims if c.kind != "unattributed" and c.claimant is not None]

    def claim_same(g: dict[str, Any], c: Any) -> bool:
        found = _locate(result.text, str(g["text"]))
        if found is None:
            return False  # reported below as a miss, with the reason
        start, end = found
        overlap = min(end, c.evidence.end) - max(start, c.evidence.start)
        shorter = min(end - start, c.evidence.end - c.evidence.start) or 1
        return overlap / shorter >= 0.5 and bool(gold_forms(g["claimant"]) & _entity_forms(by_key[c.claimant]))

    score, missed, extra = _match(gold["claims"], claims, claim_same)
    report.score("claims").add(score)
    report.misses += [f"{where}: missed claim by {m['claimant']}: {m['text'][:60]!r}"
                      + ("" if _locate(result.text, str(m["text"])) else " (gold text not found in the article)")
                      for m in missed]
    report.misses += [f"{where}: extra claim by {by_key[c.claimant].name}: {c.text[:60]!r}" for c in extra]

    def role_words(role: str | None) -> set[str]:
        return {w.rstrip("s") for w in re.findall(r"\w+", (role or "").lower()) if w not in _ROLE_STOP}

    def role_same(g: dict[str, Any], a: Any) -> bool:
        return bool(gold_forms(g["person"]) & _entity_forms(by_key[a.person])
                    and gold_forms(g["organization"]) & _entity_forms(by_key[a.organization])
                    and role_words(g.get("role")) & role_words(a.role))

    report.unscored += gold.unscored
    score_meta(result, gold, where, report)
    score, missed, extra = _match(gold["roles"], result.affiliations, role_same)
    report.score("roles").add(score)
    report.misses += [f"{where}: missed role {m['person']} / {m.get('role')} / {m['organization']}" for m in missed]
    report.misses += [f"{where}: extra role {by_key[a.person].name} / {a.role} / {by_key[a.organization].name}"
                      for a in extra]


def evaluate_dir(directory: Path) -> EvalReport:
    from kg.extract.run import extract_many

    if not directory.is_dir():
        raise InputError(f"{directory}: not a directory")
    pairs = []
    for path in sorted(directory.iterdir()):
        gold_path = path.with_name(path.stem + GOLD_SUFFIX)
        if path.suffix.lower() in ARTICLE_SUFFIXES and gold_path.is_file():
            pairs.append((read_article(path), load_gold(gold_path)))
    if not pairs:
        raise InputError(f"{directory}: no articles with a {GOLD_SUFFIX} annotation")
    report = EvalReport(articles=len(pairs), name=str(directory))
    results = extract_many([(a.text, a.meta, a.analysis) for a, _ in pairs])
    for (article, gold), result in zip(pairs, results, strict=True):
        score_article(result, gold, article.path.name, report)
    return report


def targets_for(directory: Path) -> dict[str, dict[str, float]]:
    """The folder's own targets (``targets.yaml``), else the default F1 targets."""
    path = directory / TARGETS_FILE
    if not path.is_file():
        return TARGETS
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError:
        raise InputError(f"{path}: malformed YAML") from None
    if not isinstance(data, dict) or not data:
        raise InputError(f"{path}: expected {{measure: {{part: value}}}} with measure one of {', '.join(_MEASURES)}")
    out: dict[str, dict[str, float]] = {}
    for measure, parts in data.items():
        if measure not in _MEASURES or not isinstance(parts, dict):
            raise InputError(f"{path}: {measure!r}: expected one of {', '.join(_MEASURES)} with parts and values")
        for part, value in parts.items():
            if part not in PARTS or not isinstance(value, (int, float)) or not 0 <= value <= 1:
                raise InputError(f"{path}: {measure}: {part!r}: expected one of {', '.join(PARTS)} with a value 0-1")
            out.setdefault(measure, {})[part] = float(value)
    return out


def unmet(report: EvalReport, targets: dict[str, dict[str, float]]) -> list[str]:
    return [f"{part} {measure} {report.value(measure, part):.3f} < {value}"
            for measure, parts in targets.items() for part, value in parts.items()
            if report.value(measure, part) < value]


def render(report: EvalReport, verbose: bool = False) -> str:
    head = f"{report.name}: " if report.name else ""
    lines = [f"{head}{report.articles} articles", f"{'':24}{'P':>7}{'R':>7}{'F1':>7}{'TP':>6}{'FP':>6}{'FN':>6}"]
    for name in ("entities/person", "entities/organization", "entities/publication", "entities", "claims", "roles"):
        s = report.score(name)
        lines.append(f"{name:24}{s.precision:7.3f}{s.recall:7.3f}{s.f1:7.3f}{s.tp:6}{s.fp:6}{s.fn:6}")
    stated = [(name, report.score(f"meta/{name}")) for name in META_FIELDS]
    stated = [(name, s) for name, s in stated if s.tp + s.fn]
    if stated:
        lines.append("title/byline (right / stated in gold): " + ", ".join(
            f"{name} {s.tp}/{s.tp + s.fn}" + (f" (+{s.fp} not in gold)" if s.fp and name != "title" else "")
            for name, s in stated))
    if report.unscored:
        lines.append(f"not scored: {report.unscored} gold role(s) naming no organization")
    if verbose:
        lines += report.misses
    return "\n".join(lines)
