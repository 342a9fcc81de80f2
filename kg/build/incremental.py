"""`kg build`: make the store and the outputs match a case folder, doing work in proportion to change.

1. *discover*: the folder's sources; a file whose size, modification time and inode (and its
   sidecar's) are those the last build recorded is taken as unchanged without being read.
2. *prepare*: a changed or new file is read and hashed; if a prepared form for exactly those bytes
   exists (:mod:`kg.build.cache`) it is reused, else the file is prepared (in worker processes for
   large builds) and the result kept. A file that fails keeps its last good version.
3. *resolve*: entity resolution runs over the mentions of every source (kept with their prepared
   forms, so no unchanged file is read) under the curation file; the same input, in the same order,
   as a build from scratch, so the same result.
4. *write*: only sources whose file or resolution digest changed are rewritten in the store;
   sources whose file is gone are retracted.
5. *outputs*: graph.ttl and graph.trig are patched (:mod:`kg.build.outputs`) from the runs of the
   rewritten sources and the pieces of the previous files; stats and the view's size check come from
   the census of the union. When the previous outputs cannot be trusted they are written whole, from
   the runs of every source (built from the lines kg wrote, not read back from the store).

The state of the last build (:mod:`kg.build.state`) says what can be trusted; :func:`unchanged`
answers "nothing to do" from it without opening the store.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

from kg.build import cache as cache_module
from kg.build import refresh, runs
from kg.build.parallel import Executor, prepare_in_order
from kg.build.pipeline import Outcome, Report, remove_stale_spills, with_parts
from kg.build.refresh import VIEW_FILE, BuildResult, Outputs
from kg.build.resolution import apply_to_source
from kg.build.sources import UNFORESEEN, PreparedSource, discover, source_name, unforeseen
from kg.build.state import BuildState, SourceState, Stat, current_snapshot, file_stat, forget, output_stat, state_dir
from kg.errors import ClusterError, InputError, KgError
from kg.fsutil import no_space, out_of_space
from kg.ingest.article import ARTICLE_SUFFIXES, read_sidecar, sidecar_of
from kg.ingest.folder import Admitted
from kg.ingest.guard import read_source_bytes
from kg.resolve import curation as curation_module
from kg.resolve.canonical import Resolution
from kg.resolve.mention import Mention, mentions_of
from kg.resolve.resolver import resolve
from kg.resolve.stored import context_mentions, stored_entities
from kg.stages import Stages
from kg.store import KgStore


def content_hash(path: Path, data: bytes, admitted: Admitted | None = None) -> str:
    """The hash a source is known by: its bytes (and, for an article, its sidecar's)."""
    digest = hashlib.sha256(data)
    sidecar = read_sidecar(path, admitted) if path.suffix.lower() in ARTICLE_SUFFIXES else None
    if sidecar is not None:
        digest.update(b"\0" + sidecar)
    return "sha256:" + digest.hexdigest()


def source_stat(path: Path) -> Stat:
    stat = file_stat(path)
    if path.suffix.lower() in ARTICLE_SUFFIXES:
        sidecar = sidecar_of(path)
        if sidecar.is_file():
            stat += file_stat(sidecar)
    return stat


def _curation_hash(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise InputError(f"{path}: cannot read the curation file ({exc.strerror})") from None


def unchanged(store_path: Path, directory: Path, out: Path, curation: Path,
              follow_symlinks: bool = False) -> BuildState | None:
    """The last build's state if nothing changed since (same files, curation, kg version, store
    and outputs), else None. Reads no source and does not open the store."""
    state = _trusted_state(store_path, directory)
    if state is None or state.out != str(out.resolve()) or state.curation != str(curation) or \
            state.curation_hash != _curation_hash(curation):
        return None
    refused: list[tuple[Path, InputError]] = []
    paths = discover(directory, follow_symlinks, refused)
    parts = {part for source in state.sources.values() for part in source.parts}
    if refused or len(paths) != len(set(state.sources) - parts):
        return None
    for path in paths:
        known = state.sources.get(source_name(path, directory))
        if known is None or known.stat != source_stat(path):
            return None
    if any(output_stat(out / name) != stat for name, stat in state.outputs.items()):
        return None
    if state.view is not None and (out / VIEW_FILE).exists():
        return None
    return state


def _trusted_state(store_path: Path | None, directory: Path) -> BuildState | None:
    if store_path is None:
        return None
    from kg.build.state import load

    state = load(state_dir(store_path))
    if state is None or state.directory != str(directory.resolve()) or state.snapshot is None or \
            state.snapshot != current_snapshot(store_path):
        return None
    return state


class Build:
    """One run of steps 1-4 over a case folder: the sources it keeps, the runs it rewrote (`changed`)."""
    def __init__(self, store: KgStore, directory: Path, curation: Path, stages: Stages, prune: bool,
                 follow_symlinks: bool, executor: Executor | None = None) -> None:
        self.store, self.directory, self.curation, self.stages, self.prune = store, directory, curation, stages, prune
        self.follow_symlinks, self.executor = follow_symlinks, executor
        self.failed: set[str] = set()
        self.report = Report()
        state = _trusted_state(store.path, directory) if prune else None
        self.state = state if state is not None and state.base == store.minter.base else None
        self.known: dict[str, SourceState] = dict(self.state.sources) if self.state else {}
        self.folder = state_dir(store.path) if store.path is not None else None
        self.sources: dict[str, SourceState] = {}  # what the store holds after this build
        self.fresh: dict[str, PreparedSource] = {}
        self.mentions: dict[str, list[Mention] | None] = {}
        self.changed: dict[str, Path | None] = {}  # graph name (N-Triples) -> its new run's file, None if gone
        self.leaving: set[str] = set()
        self.admitted: dict[Path, Admitted] = {}  # what discovery saw of each file, checked again on opening

    def run(self, spill: Path, cache: cache_module.PreparedCache) -> None:
        self.cache = cache
        with self.stages.stage("discover"):
            refused: list[tuple[Path, InputError]] = []
            paths = discover(self.directory, self.follow_symlinks, refused, self.admitted)
            names = [source_name(p, self.directory) for p in paths]
            self.stages.advance(len(paths))
        todo = self._fingerprint(paths, names, cache)
        self._prepare(todo, spill, cache)
        present = [n for name in names if name in self.sources
                   for n in (name, *(p for p in self.sources[name].parts if p in self.sources))]
        resolution = self._resolve(present, cache)
        if self.folder is not None:
            forget(self.folder)  # from here on the store changes: a state left from before is no longer true
        self._write(present, resolution, spill, cache)
        listed = [n for name in names for n in (name, *(self.sources[name].parts if name in self.sources else ()))]
        order = {name: float(number) for number, name in enumerate(listed)}

        def position(name: str) -> float:  # as the folder lists them; an attachment after its message
            if name in order:
                return order[name]
            parents = [order[p] for p in order if name.startswith(p + "/")]
            return max(parents) + 0.5 if parents else float(len(order))

        self.report.outcomes.sort(key=lambda o: position(o.name))
        self.report.outcomes[:0] = [Outcome(p.relative_to(self.directory).as_posix(), "failed", error=e)
                                    for p, e in refused]
        self._remove(set(self.sources) | {n for n in names if n not in self.sources and n in self.known})

    # -- 1, 2: which files changed, and preparing them ----------------------------------------------------
    def _fingerprint(self, paths: list[Path], names: list[str], cache: cache_module.PreparedCache,
                     ) -> list[tuple[Path, str, Stat]]:
        todo = []
        for path, name in zip(paths, names, strict=True):
            stat = source_stat(path)
            known = self.known.get(name)
            if known is not None and known.stat == stat:
                self._keep(name, known)
                continue
            try:
                seen = self.admitted.get(path)
                digest = content_hash(path, read_source_bytes(path, seen), seen)
            except KgError:
                todo.append((path, name, stat))  # preparing it says what is wrong, in the usual words
                continue
            entry = cache_module.key(name, digest, self.store.minter.base)
            if known is not None and known.entry == entry:
                self._keep(name, SourceState(stat, known.content_hash, entry, known.iri, known.digest,
                                             known.triples, known.parts))  # touched, not changed
            elif cache.has(entry) and path.suffix.lower() != ".eml":  # (a message's parts are not kept)
                self.sources[name] = SourceState(stat, digest, entry, self.store.minter.source(name), None, 0)
            else:
                todo.append((path, name, stat))
        return todo

    def _keep(self, name: str, state: SourceState) -> None:
        """Take a source (and, for a message, its attachments) as the last build left it."""
        self.sources[name] = state
        for part in state.parts:
            if part in self.known:
                self.sources[part] = self.known[part]

    def _prepare(self, todo: list[tuple[Path, str, Stat]], spill: Path, cache: cache_module.PreparedCache) -> None:
        stats = {name: stat for _, name, stat in todo}
        with self.stages.stage("prepare", total=len(todo)):
            for path, name, ready in prepare_in_order([p for p, _, _ in todo], self.directory, self.store.minter,
                                                      spill, self.executor, self.admitted):
                try:
                    prepared = ready()  # ahead, in worker processes or on a Dask cluster
                except ClusterError:
                    raise  # not this source's failure: the build stops before anything is written
                except KgError as exc:
                    self._failed(name, exc)
                    continue
                except UNFORESEEN as exc:  # a parser tripped on input we did not foresee: keep going
                    if out_of_space(exc):  # no: writing its spill files; the build stops, the file is fine
                        raise
                    self._failed(name, unforeseen(path, exc))
                    continue
                finally:
                    self.stages.advance()
                parts: list[str] = []
                for source in with_parts(prepared, self.report):  # the message, then its attachments
                    if not isinstance(source, PreparedSource):
                        self._failed(*source)
                        continue
                    if source is not prepared:
                        parts.append(source.name)
                    self._take(source, stats[name])
                self.sources[name].parts = parts

    def _take(self, prepared: PreparedSource, stat: Stat) -> None:
        name = prepared.name
        if prepared.mentions is None and prepared.case is not None:  # not spilled
            prepared.mentions = mentions_of(name, prepared.case)
        entry = cache_module.key(name, prepared.content_hash, self.store.minter.base)
        cache = self.cache
        cache.put(entry, prepared)
        self.fresh[name] = prepared
        self.mentions[name] = prepared.mentions
        self.sources[name] = SourceState(stat, prepared.content_hash, entry, prepared.iri, None, 0)

    def _failed(self, name: str, error: KgError) -> None:
        _forget_frames(error)
        self.failed.add(name)
        self.report.outcomes.append(Outcome(name, "failed", error=error))
        known = self.known.get(name)
        if known is not None:
            self._keep(name, known)  # its last good version stays, and is retried next time

    # -- 3: resolution ------------------------------------------------------------------------------------
    def _resolve(self, present: list[str], cache: cache_module.PreparedCache) -> Resolution:
        with self.stages.stage("resolve"):
            mentions: list[Mention] = []
            if not self.prune:  # sources kept from before, not in the folder: as the store has them
                kept = {i.name for i in self.store.sources()} - set(present)
                if kept:
                    mentions.extend(context_mentions(stored_entities(self.store, set(present))))
            for name in present:
                if name not in self.mentions:
                    self.mentions[name] = cache.mentions(self.sources[name].entry)
                found = self.mentions[name]
                if found:
                    mentions.extend(found)
                self.stages.advance()
            decisions = curation_module.load(self.curation)
            resolution = resolve(mentions, curation_module.plan(decisions, mentions, self.curation))
            self.report.notes.extend(resolution.notes)
        return resolution

    # -- 4: writing what changed ------------------------------------------------------------------------------
    def _write(self, present: list[str], resolution: Resolution, spill: Path,
               cache: cache_module.PreparedCache) -> None:
        plan = []
        for name in present:
            source = self.sources[name]
            found = self.mentions[name]
            digest = resolution.fingerprint(name, [m.id for m in found]) if found is not None else None
            known = self.known.get(name)
            if known is not None and known.entry == source.entry and known.digest == digest and \
                    name not in self.fresh:
                if name not in self.failed:  # a failed file's last good version stays, said once
                    self.report.outcomes.append(Outcome(name, "unchanged", known.triples))
                continue
            plan.append(name)
        # The store's one writer is a thread: pyoxigraph loads without the GIL, so source i is written
        # while source i+1 is rewritten for the resolution and its sorted run is made.
        with self.stages.stage("write", total=len(plan)), \
                ThreadPoolExecutor(1, thread_name_prefix="kg-writer") as writer:
            writing: Future[None] | None = None
            for name in plan:
                prepared = self._apply(name, resolution, spill, cache)
                if prepared is None:
                    continue
                data = runs.sink_bytes(prepared.sink)  # read before the writer deletes the file
                if writing is not None:
                    writing.result()
                writing = writer.submit(self._store_one, name, prepared)
                run = spill / f"{self.sources[name].entry}.run"
                runs.write_run(run, runs.elements(data))
                self.changed[f"<{prepared.iri}>"] = run
                self.stages.advance()
            if writing is not None:
                writing.result()

    def _apply(self, name: str, resolution: Resolution, spill: Path,
               cache: cache_module.PreparedCache) -> PreparedSource | None:
        source = self.sources[name]
        prepared = self.fresh.pop(name, None) or cache.take(source.entry, spill)
        try:
            apply_to_source(prepared, self.store.minter, resolution)
        except KgError as exc:
            prepared.discard()
            self._failed(name, exc)
            if name not in self.known:
                del self.sources[name]
            return None
        return prepared

    def _store_one(self, name: str, prepared: PreparedSource) -> None:
        source = self.sources[name]
        status = self.store.write_source(prepared)
        self.sources[name] = SourceState(source.stat, prepared.content_hash, source.entry, prepared.iri,
                                         prepared.resolution_digest, len(prepared.sink))
        self.report.outcomes.append(Outcome(name, status, len(prepared.sink)))
        prepared.discard()

    def _remove(self, present: set[str]) -> None:
        if not self.prune:
            return
        for info in self.store.sources():
            if info.name not in present:
                self.store.retract(info.iri)
                self.changed[f"<{info.iri}>"] = None
                self.report.outcomes.append(Outcome(info.name, "removed", info.triples))

def _forget_frames(error: BaseException | None) -> None:
    """Drop the tracebacks of an error kept in the report (and of the errors it was raised from):
    their frames would hold the store open after the build, until the garbage collector ran."""
    while error is not None:
        error.__traceback__ = None
        error = error.__context__


def build(store: KgStore, directory: Path, curation: Path, out: Outputs | None = None, prune: bool = True,
          stages: Stages | None = None, follow_symlinks: bool = False, executor: Executor | None = None,
          ) -> BuildResult:
    """Make the store (and, with ``out``, graph.ttl, graph.trig and graph.html) match ``directory``;
    ``executor`` prepares the sources (default: this machine's processes; kg.build.remote's Dask one)."""
    stages = stages or Stages()
    job = Build(store, directory, curation, stages, prune, follow_symlinks, executor)
    remove_stale_spills()
    scratch = Path(tempfile.mkdtemp(prefix="kg-build-state-")) if job.folder is None else None
    cache = cache_module.PreparedCache(job.folder or scratch or Path())
    try:
        with tempfile.TemporaryDirectory(prefix=f"kg-build-{os.getpid()}-") as spill:
            job.run(Path(spill), cache)
            result = BuildResult(job.report)
            if out is not None:
                with stages.stage("outputs"):
                    refresh.write_outputs(job, out, result, Path(spill), _curation_hash(job.curation))
        if job.folder is not None and prune and out is not None:
            cache.prune({s.entry for s in job.sources.values()})
    except OSError as exc:  # spill files, sorted runs, the prepared cache: the store said its own
        if out_of_space(exc):
            raise no_space(exc, "building") from None
        raise
    finally:
        if scratch is not None:
            shutil.rmtree(scratch, ignore_errors=True)
    return result
