"""Ingest, retract and build: the library calls behind `kg ingest`, `kg retract` and `kg build`.

Each source is validated completely before the store is touched, and written on its own: one
bad file is reported by name and never stops, or damages, the others (even when a parser fails in a
way kg did not foresee: that is reported as an error of that file, exit code 1).

Memory stays flat as the case grows: each prepared source is spilled to a private temporary folder
(its N-Triples and its records) as soon as it is ready, only the mentions that cross-source entity
resolution needs stay in memory, and each source is read back, rewritten and written to the store
one at a time.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from kg import processes
from kg.build.parallel import Executor, prepare_in_order
from kg.build.resolution import apply_to_source, resolve_sources
from kg.build.sources import UNFORESEEN, PreparedSource, source_name, unforeseen
from kg.errors import ClusterError, InputError, KgError
from kg.fsutil import no_space, out_of_space
from kg.ingest.article import ARTICLE_SUFFIXES, SIDECAR_SUFFIX, articles_of, is_sidecar
from kg.ingest.folder import Admitted
from kg.resolve.stored import context_mentions, stored_entities
from kg.store import KgStore

_SPILL_PREFIX = "kg-build-"


@dataclass
class Outcome:
    name: str
    status: str  # added | replaced | unchanged | removed | failed
    triples: int = 0
    error: KgError | None = None


@dataclass
class Report:
    outcomes: list[Outcome] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # warnings: curation decisions that matched nothing

    @property
    def failed(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.status == "failed"]

    def count(self, status: str) -> int:
        return sum(1 for o in self.outcomes if o.status == status)

    def summary(self) -> str:
        parts = [f"{self.count(s)} {s}" for s in ("added", "replaced", "unchanged", "removed", "failed")
                 if self.count(s)]
        return ", ".join(parts) or "nothing to do"


def ingest(store: KgStore, paths: Iterable[Path], root: Path | None = None, curation: Path | None = None,
           leaving: frozenset[str] = frozenset(), executor: Executor | None = None,
           admitted: Mapping[Path, Admitted] | None = None) -> Report:
    """Add or replace each file's source graph; failures are collected, not raised.

    All files are prepared first (by ``executor``: the local process pool unless another is given,
    such as a Dask cluster's), then their entities are resolved together (with the entities of
    the other sources in the store, except those ``leaving`` it, and the decisions in ``curation``),
    then each is written. ``admitted``: what the folder rule saw of the files found in folders
    (:class:`kg.ingest.folder.Found`), checked again when each is opened."""
    report = Report()
    paths = _articles_for_sidecars(list(paths), root, report)
    remove_stale_spills()
    try:
        with tempfile.TemporaryDirectory(prefix=f"{_SPILL_PREFIX}{os.getpid()}-") as spill:  # removed with its files
            waiting: list[tuple[int, PreparedSource]] = []
            _prepare_all(store, paths, root, Path(spill), report, waiting, executor, admitted)
            messages = {p.name for _, p in waiting if p.media_type == "message/rfc822"}
            _resolve_and_write(store, report, waiting, curation, leaving)
    except OSError as exc:  # the spill files (the store says its own)
        if out_of_space(exc):
            raise no_space(exc, "ingesting") from None
        raise
    _retract_old_parts(store, report, {n for n in messages if n not in {o.name for o in report.failed}})
    return report


def _articles_for_sidecars(paths: list[Path], root: Path | None, report: Report) -> list[Path]:
    """An article's metadata sidecar is not a source of its own: naming it ingests its article again
    (once, whether or not the article is named too); a sidecar without an article is an error."""
    out: list[Path] = []
    seen: set[Path] = set()
    for path in paths:
        if not is_sidecar(path):
            candidates = [path]
        else:
            candidates = articles_of(path)
            if not candidates:
                stem = path.name[: -len(SIDECAR_SUFFIX)]
                report.outcomes.append(Outcome(source_name(path, root), "failed", error=InputError(
                    f"{path}: an article's metadata sidecar, but no article "
                    f"({', '.join(stem + suffix for suffix in ARTICLE_SUFFIXES)}) is next to it")))
        for candidate in candidates:
            if candidate.resolve() not in seen:
                seen.add(candidate.resolve())
                out.append(candidate)
    return out


def remove_stale_spills() -> None:
    """Spill folders of builds that were killed (their process is gone) are deleted by the next build."""
    for folder in Path(tempfile.gettempdir()).glob(f"{_SPILL_PREFIX}*-*"):
        pid = folder.name[len(_SPILL_PREFIX):].split("-", 1)[0]
        if pid.isdigit() and not processes.alive(int(pid)) and folder.is_dir() and folder.stat().st_uid == os.getuid():
            shutil.rmtree(folder, ignore_errors=True)


def _prepare_all(store: KgStore, paths: Iterable[Path], root: Path | None, spill: Path, report: Report,
                 waiting: list[tuple[int, PreparedSource]], executor: Executor | None,
                 admitted: Mapping[Path, Admitted] | None) -> None:
    for path, name, ready in prepare_in_order(paths, root, store.minter, spill, executor, admitted):
        try:
            prepared = ready()  # parsed and validated ahead, in worker processes, for large builds
        except ClusterError:
            raise  # not this source's failure: the build stops, nothing written
        except KgError as exc:
            report.outcomes.append(Outcome(name, "failed", error=exc))
            continue
        except UNFORESEEN as exc:  # a parser tripped on input we did not foresee: keep going
            if out_of_space(exc):  # no: writing its spill files; the command stops, the file is fine
                raise no_space(exc, f"preparing {path}") from None
            report.outcomes.append(Outcome(name, "failed", error=unforeseen(path, exc)))
            continue
        for source in with_parts(prepared, report):
            if isinstance(source, PreparedSource):
                waiting.append((len(report.outcomes), source))
                report.outcomes.append(Outcome(source.name, "failed"))  # until written below
            else:
                report.outcomes.append(Outcome(source[0], "failed", error=source[1]))


def with_parts(prepared: PreparedSource, report: Report) -> list[PreparedSource | tuple[str, KgError]]:
    """A source and the sources inside it (an e-mail's attachments, theirs too), in that order; an
    attachment that could not be read is a failure of its own (its name and error), and the message
    still lands."""
    found: list[PreparedSource | tuple[str, KgError]] = [prepared]
    report.notes.extend(prepared.notes)
    parts, prepared.parts = prepared.parts, []
    for part in parts:
        found.extend(with_parts(part, report))
    found.extend(prepared.part_errors)
    return found


def part_of(name: str, parents: set[str]) -> bool:
    """Is the source ``name`` an attachment (``mail.eml/report.pdf``) of one of ``parents``?"""
    return any(name.startswith(parent + "/") for parent in parents)


def _retract_old_parts(store: KgStore, report: Report, messages: set[str]) -> None:
    """Attachments a re-read message no longer carries leave the store with it."""
    current = {o.name for o in report.outcomes}
    for info in store.sources():
        if part_of(info.name, messages) and info.name not in current:
            store.retract(info.iri)
            report.outcomes.append(Outcome(info.name, "removed", info.triples))


def _resolve_and_write(store: KgStore, report: Report, ready: list[tuple[int, PreparedSource]],
                       curation: Path | None, leaving: frozenset[str]) -> None:
    names = {prepared.name for _, prepared in ready}
    others = {info.name for info in store.sources()} - names - leaving
    context = context_mentions(stored_entities(store, names | leaving)) if others else []
    resolution = resolve_sources([prepared for _, prepared in ready], curation, context)
    report.notes.extend(resolution.notes)
    # The store's one writer is a thread: pyoxigraph loads without the GIL, so source i is written
    # while source i+1 is rewritten for the resolution. A failed write still stops the build there.
    with ThreadPoolExecutor(1, thread_name_prefix="kg-writer") as writer:
        writing: Future[None] | None = None
        for index, prepared in ready:
            try:
                apply_to_source(prepared, store.minter, resolution)
            except KgError as exc:
                report.outcomes[index] = Outcome(prepared.name, "failed", error=exc)
                prepared.discard()
                continue
            if writing is not None:
                writing.result()
            writing = writer.submit(_write, store, report, index, prepared)
        if writing is not None:
            writing.result()


def _write(store: KgStore, report: Report, index: int, prepared: PreparedSource) -> None:
    status = store.write_source(prepared)
    report.outcomes[index] = Outcome(prepared.name, status, len(prepared.sink))
    prepared.discard()


def build(store: KgStore, directory: Path, prune: bool = True, follow_symlinks: bool = False,
          executor: Executor | None = None) -> Report:
    """Make the store match ``directory``: ingest new and changed sources, skip unchanged ones,
    and (with ``prune``) retract sources whose file is gone. A file that fails keeps its last
    good version in the store; a symbolic link that leaves the folder, or a special file, is
    refused (one failure each) and what it contributed before is retracted.
    (:func:`kg.build.incremental.build` without the outputs.)"""
    from kg.build import curationfile, incremental

    return incremental.build(store, directory, curationfile.choose(directory).path, prune=prune,
                             follow_symlinks=follow_symlinks, executor=executor).report
