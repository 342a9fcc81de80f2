"""What the last build left: kept beside the store so the next one can do only what changed.

``<store>.build/state.json`` records, for the store as the last build left it (identified by the
read snapshot that build published), every source's file status and content hash, its prepared
entry and resolution digest, the outputs it wrote (size and modification time, with the index of
their pieces, see :mod:`kg.build.outputs`), the census of the union and the view's outcome. Any
mismatch -- another kg version or base IRI, another folder, a store written since by someone else,
an output touched -- makes the next build fall back to the part it can no longer trust.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path

from kg import __version__
from kg.fsutil import write_bytes_atomic
from kg.store.snapshot import CURRENT, snapshot_dir

FORMAT = 1
Stat = list[int]


@dataclass
class SourceState:
    stat: Stat  # size, mtime_ns, inode of the file (and its sidecar, for articles)
    content_hash: str
    entry: str  # the prepared cache entry
    iri: str
    digest: str | None  # resolution digest of the records as written
    triples: int
    parts: list[str] = field(default_factory=list)  # an e-mail's attachments: sources of their own


@dataclass
class BuildState:
    base: str
    directory: str
    out: str
    snapshot: str | None
    curation: str  # path
    curation_hash: str | None
    sources: dict[str, SourceState] = field(default_factory=dict)
    outputs: dict[str, Stat] = field(default_factory=dict)  # file name -> size, mtime_ns
    ttl: dict[str, object] = field(default_factory=dict)
    trig: dict[str, object] = field(default_factory=dict)
    census: dict[str, object] = field(default_factory=dict)
    view: str | None = None  # why graph.html was not written, or None
    drawn: str | None = None  # what graph.html shows ("N nodes, M edges")
    stats: str = ""
    kg: str = __version__
    format: int = FORMAT


def state_dir(store_path: Path) -> Path:
    return store_path.with_name(store_path.name + ".build")


def current_snapshot(store_path: Path) -> str | None:
    try:
        return os.readlink(snapshot_dir(store_path) / CURRENT)
    except OSError:
        return None


def load(folder: Path) -> BuildState | None:
    try:
        data = json.loads((folder / "state.json").read_text(encoding="utf-8"))
        if data.get("format") != FORMAT or data.get("kg") != __version__:
            return None
        sources = {name: SourceState(**entry) for name, entry in data.pop("sources").items()}
        return BuildState(sources=sources, **data)
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return None  # no state, or not one this kg can read: build without it


def save(folder: Path, state: BuildState) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    write_bytes_atomic(folder / "state.json", json.dumps(asdict(state), sort_keys=True).encode("utf-8"))


def forget(folder: Path) -> None:
    """Before a build changes the store: a state left from before must not be trusted if it dies."""
    (folder / "state.json").unlink(missing_ok=True)


def file_stat(path: Path) -> Stat:
    st = path.stat()
    return [st.st_size, st.st_mtime_ns, st.st_ino]


def output_stat(path: Path) -> Stat | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return [st.st_size, st.st_mtime_ns]
