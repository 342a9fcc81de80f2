"""Resolution inside a build: between preparing every source and writing any of them.

Sources are prepared as before (parsed, validated, extracted, converted -- in worker processes for
large builds). Then all their entity records, plus context (entities already in the store, for
``kg ingest``) and the curation file, are resolved together, and each prepared source whose records
resolve to something other than their own name is converted again from its rewritten records. Only
the case part of its graph is replaced (by set difference on the N-Triples lines); what else the
source contributed (extraction run, source text, provenance) is kept. In a build each prepared
source waits on disk (its lines and its pickled case, see ``PreparedSource.spill``) with only its
mentions in memory, and is rewritten file to file. Every case and article source
records a digest of what resolution decided for it (``kg:resolutionDigest``, in the store's log
graph), so a source whose file did not change is still rewritten when a merge, split or rename
elsewhere changes its entities.
"""

from __future__ import annotations

import copy
import itertools
from collections.abc import Iterator
from pathlib import Path

from kg.build.sources import PreparedSource, describe
from kg.ingest.casemodel import Case
from kg.ingest.triples import case_triples
from kg.iris import Minter
from kg.resolve import curation
from kg.resolve.apply import apply_resolution
from kg.resolve.canonical import Resolution
from kg.resolve.mention import Mention, mentions_of
from kg.resolve.resolver import resolve
from kg.store.nt import SpilledSink, TripleSink


def resolve_sources(prepared: list[PreparedSource], curation_path: Path | None,
                    context: list[Mention] | None = None) -> Resolution:
    """Resolve the records of ``prepared`` (and ``context``) under the decisions in ``curation_path``."""
    mentions = list(context or [])
    for source in prepared:
        if source.mentions is not None:  # the case itself waits on disk
            mentions.extend(source.mentions)
        elif source.case is not None:
            mentions.extend(mentions_of(source.name, source.case))
    decisions = curation.load(curation_path) if curation_path is not None else []
    shown = curation_path if curation_path is not None else "curation"
    return resolve(mentions, curation.plan(decisions, mentions, shown))


def _unchanged(source: str, case: Case, resolution: Resolution) -> bool:
    for entity in case.entities.values():
        cluster = resolution.by_ref.get(f"{source}#{entity.id}")
        if cluster is None or cluster.kind != entity.kind or cluster.label != entity.name or \
                cluster.key != (entity.key or entity.name):
            return False
    return True


def apply_to_source(prepared: PreparedSource, minter: Minter, resolution: Resolution) -> None:
    """Rewrite ``prepared`` in place for ``resolution``; InputError if a rejected entity makes a claim
    unattributable (the message says what to fix). A spilled source is rewritten file to file, one
    line at a time, and only when resolution changed one of its records."""
    case = prepared.load_case()
    if case is None:
        return
    prepared.case = None  # not needed once written: a spilled build keeps no case in memory
    if _unchanged(prepared.name, case, resolution):
        # same records, same lines, same description (its triple count included)
        prepared.resolution_digest = apply_resolution(prepared.name, case, resolution)
        return
    if prepared.case_only:  # the graph is the case and its description: build it again, nothing to keep
        prepared.resolution_digest = apply_resolution(prepared.name, case, resolution)
        after = TripleSink()
        case_triples(case, minter, after)
        _replace(prepared, minter, after.lines(), len(after))
        return
    resolved = copy.deepcopy(case)
    prepared.resolution_digest = apply_resolution(prepared.name, resolved, resolution)
    old_describe = TripleSink()
    describe(prepared, minter, old_describe)
    before, after = TripleSink(), TripleSink()
    case_triples(case, minter, before)
    case_triples(resolved, minter, after)
    drop = set(old_describe.lines()) | set(before.lines())
    drop.update(after.lines())  # written after the kept lines, once
    kept = [line for line in prepared.sink.lines() if line not in drop]  # what extraction added (articles)
    _replace(prepared, minter, itertools.chain(kept, after.lines()), len(kept) + len(after))


def _replace(prepared: PreparedSource, minter: Minter, lines: Iterator[str], count: int) -> None:
    """Make ``lines`` (``count`` of them, unique) and a fresh description the source's graph."""
    prepared.content_triples = count
    description = TripleSink()
    describe(prepared, minter, description)
    both = itertools.chain(lines, description.lines())
    old = prepared.sink
    if isinstance(old, SpilledSink):
        prepared.sink = SpilledSink.write(old.path.with_suffix(".resolved.nt"), both)
        old.remove()
    else:
        fresh = TripleSink()
        fresh.extend_lines(both)
        prepared.sink = fresh
