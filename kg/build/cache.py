"""Prepared sources kept between builds, by content: a file is parsed and extracted once per version.

Preparing a source is a pure function of (its bytes, its name, the base IRI, kg's version): the
result -- its N-Triples before entity resolution, its validated records, the mentions resolution
reads, and its description -- is stored under a key made of exactly those, in
``<cache>/prepared/<key>/``. A later build that finds the key takes the files back (hard links
into its own spill folder, so the build may consume them) instead of reading the file again; an
entry is written in a temporary folder and renamed into place, so a killed build never leaves half
of one. Entries no source uses any more are deleted at the end of each build.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import pickle
import shutil
from pathlib import Path

from kg import __version__, processes
from kg.build.sources import PreparedSource
from kg.resolve.mention import Mention
from kg.store.nt import SpilledSink, TripleSink

_FIELDS = ("name", "iri", "content_hash", "size", "media_type", "content_triples", "title", "case_only")


def key(name: str, content_hash: str, base: str) -> str:
    text = "\0".join(("kg", __version__, base, name, content_hash))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:40]


class PreparedCache:
    def __init__(self, root: Path) -> None:
        self.root = root / "prepared"

    def has(self, entry: str) -> bool:
        return (self.root / entry / "meta.json").is_file()

    def put(self, entry: str, prepared: PreparedSource) -> None:
        """Keep a copy of ``prepared`` (spilled, not yet resolved) under ``entry``."""
        if self.has(entry):
            return
        self.root.mkdir(parents=True, exist_ok=True)
        partial = self.root / f".{entry}.{os.getpid()}"
        shutil.rmtree(partial, ignore_errors=True)
        partial.mkdir()
        try:
            self._fill(partial, prepared)
        except BaseException:  # a full disk half-way: no half entry stays behind
            shutil.rmtree(partial, ignore_errors=True)
            raise
        try:
            partial.rename(self.root / entry)
        except OSError:  # another build put the same entry first
            shutil.rmtree(partial, ignore_errors=True)

    @staticmethod
    def _fill(partial: Path, prepared: PreparedSource) -> None:
        sink = prepared.sink
        if isinstance(sink, TripleSink):
            SpilledSink.write(partial / "lines.nt", sink.lines())
        else:
            _link(sink.path, partial / "lines.nt")
        if prepared.case_file is not None:
            _link(prepared.case_file, partial / "case.pickle")
        elif prepared.case is not None:
            (partial / "case.pickle").write_bytes(pickle.dumps(prepared.case, pickle.HIGHEST_PROTOCOL))
        (partial / "mentions.pickle").write_bytes(pickle.dumps(prepared.mentions, pickle.HIGHEST_PROTOCOL))
        meta = {name: getattr(prepared, name) for name in _FIELDS}
        meta["path"] = str(prepared.path)
        meta["lines"] = len(sink)
        (partial / "meta.json").write_text(json.dumps(meta), encoding="utf-8")

    def mentions(self, entry: str) -> list[Mention] | None:
        loaded = pickle.loads((self.root / entry / "mentions.pickle").read_bytes())  # our own files
        assert loaded is None or isinstance(loaded, list)
        return loaded

    def take(self, entry: str, spill: Path) -> PreparedSource:
        """The prepared source under ``entry``, its files linked into ``spill`` for this build to use up."""
        folder = self.root / entry
        meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
        stem = spill / entry
        lines = stem.with_suffix(".nt")
        _link(folder / "lines.nt", lines)
        prepared = PreparedSource(meta["name"], Path(meta["path"]), meta["iri"], meta["content_hash"], meta["size"],
                                  meta["media_type"], SpilledSink(lines, int(meta["lines"])), meta["content_triples"],
                                  meta["title"], case_only=meta["case_only"])
        if (folder / "case.pickle").is_file():
            prepared.case_file = stem.with_suffix(".case")
            _link(folder / "case.pickle", prepared.case_file)
        prepared.mentions = self.mentions(entry)
        return prepared

    def prune(self, keep: set[str]) -> None:
        if not self.root.is_dir():
            return
        for folder in self.root.iterdir():
            if folder.name not in keep and not _in_progress(folder.name):
                shutil.rmtree(folder, ignore_errors=True)


def _in_progress(name: str) -> bool:
    if not name.startswith("."):
        return False
    pid = name.rsplit(".", 1)[-1]
    if not pid.isdigit():
        return False
    return processes.alive(int(pid))


def _link(source: Path, target: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        target.unlink()
    try:
        os.link(source, target)
    except OSError:  # another file system: copy
        shutil.copyfile(source, target)
