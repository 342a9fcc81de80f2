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
from pathlib import Path

from kg.build import case_triples
from kg.ingest.casemodel import Case
from kg.iris import Minter
from kg.nt import SpilledSink, TripleSink
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
        if source.mentions is not None:  # the case itself waits on disk
            mentions.extend(source.mentions)
        elif source.case is not None:
            mentions.extend(mentions_of(source.name, source.case))
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
    unattributable (the message says what to fix). A spilled source is rewritten file to file, one
    line at a time, and only when resolution changed one of its records."""
    case = prepared.load_case()
    if case is None:
        return
    resolved = case
    if not _unchanged(prepared.name, case, resolution):
        resolved = copy.deepcopy(case)
    digest = apply_resolution(prepared.name, resolved, resolution)
    prepared.resolution_digest = digest
    prepared.case = None  # not needed once written: a spilled build keeps no case in memory
    if resolved is case:
        return  # same records, same lines, same description (its triple count included)
    old_describe = TripleSink()
    describe(prepared, minter, old_describe)
    before, after = TripleSink(), TripleSink()
    case_triples(case, minter, before)
    case_triples(resolved, minter, after)
    drop = set(_lines(old_describe)) | set(_lines(before))
    add = _lines(after)
    drop.update(add)  # written after the kept lines, once
    kept = (line for line in prepared.sink.lines() if line not in drop)
    old_sink = prepared.sink
    rewritten: TripleSink | SpilledSink = TripleSink()
    if isinstance(old_sink, SpilledSink):
        rewritten = SpilledSink.write(old_sink.path.with_suffix(".resolved.nt"), itertools.chain(kept, add))
        old_sink.remove()
    else:
        rewritten.extend_lines(itertools.chain(kept, add))
    prepared.sink = rewritten
    prepared.content_triples = len(rewritten)
    description = TripleSink()
    describe(prepared, minter, description)
    rewritten.extend_lines(description.lines())
