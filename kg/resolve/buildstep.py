"""Resolution inside a build: between preparing every source and writing any of them.

Sources are prepared as before (parsed, validated, extracted, converted -- in worker processes for
large builds). Then all their entity records, plus context (entities already in the store, for
``kg ingest``) and the curation file, are resolved together, and each prepared source whose records
resolve to something other than their own name is converted again from its rewritten records. Only
the case part of its graph is replaced (by set difference on the N-Triples lines); what else the
source contributed (extraction run, source text, provenance) is kept. Every case and article source
records a digest of what resolution decided for it (``kg:resolutionDigest``, in the store's log
graph), so a source whose file did not change is still rewritten when a merge, split or rename
elsewhere changes its entities.
"""

from __future__ import annotations

import copy
import dataclasses
from pathlib import Path

from kg.build import case_triples
from kg.ingest.casemodel import Case
from kg.iris import Minter
from kg.nt import TripleSink
from kg.resolve import curation
from kg.resolve.apply import apply_resolution
from kg.resolve.canonical import Resolution
from kg.resolve.mention import Mention, mentions_of
from kg.resolve.resolver import resolve
from kg.sources import PreparedSource, describe


def resolve_sources(prepared: list[PreparedSource], curation_path: Path | None,
                    context: list[Mention] | None = None) -> Resolution:
    """Resolve the records of ``prepared`` (and ``context``) under the decisions in ``curation_path``."""
    mentions = list(context or [])
    for source in prepared:
        case = source.case
        if case is not None:
            mentions.extend(mentions_of(source.name, case))
    decisions = curation.load(curation_path) if curation_path is not None else []
    shown = curation_path if curation_path is not None else "curation"
    return resolve(mentions, curation.plan(decisions, mentions, shown))


def _lines(sink: TripleSink) -> list[str]:
    return [line + "\n" for line in sink.ntriples().split("\n") if line]


def _unchanged(source: str, case: Case, resolution: Resolution) -> bool:
    for entity in case.entities.values():
        cluster = resolution.by_ref.get(f"{source}#{entity.id}")
        if cluster is None or cluster.kind != entity.kind or cluster.label != entity.name or \
                cluster.key != (entity.key or entity.name):
            return False
    return True


def apply_to_source(prepared: PreparedSource, minter: Minter, resolution: Resolution) -> None:
    """Rewrite ``prepared`` in place for ``resolution``; InputError if a rejected entity makes a claim
    unattributable (the message says what to fix)."""
    case = prepared.case
    if case is None:
        return
    old_describe = TripleSink()
    describe(dataclasses.replace(prepared, sink=old_describe), minter)
    resolved = case
    if not _unchanged(prepared.name, case, resolution):
        resolved = copy.deepcopy(case)
    digest = apply_resolution(prepared.name, resolved, resolution)
    drop = set(_lines(old_describe))
    add: list[str] = []
    if resolved is not case:
        before, after = TripleSink(), TripleSink()
        case_triples(case, minter, before)
        case_triples(resolved, minter, after)
        drop |= set(_lines(before))
        add = _lines(after)
    sink = TripleSink()
    sink.extend_lines([line for line in _lines(prepared.sink) if line not in drop])
    sink.extend_lines(add)
    prepared.sink = sink
    prepared.content_triples = len(sink)
    prepared.case = resolved
    describe(prepared, minter)
    prepared.resolution_digest = digest
