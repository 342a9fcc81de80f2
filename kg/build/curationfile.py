"""Where the curation file is: one rule for `kg build` and for `kg merge/split/reject/rename/retype`.

In order: ``--curation FILE``; else ``$KG_CURATION``; else ``curation`` in kg.toml's ``[build]``
table (relative to kg.toml's folder); else ``curation.yaml`` in the case folder -- the folder
``kg build DIR`` builds, or, for the decision commands, the folder the last build of this store
built (so a decision recorded from anywhere lands where the next build reads), else ``data/``.

A curation file that exists where one of the other rules would have looked, but is not the one in
use, is named in a warning: a decision in it would otherwise never apply, without a word.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

from kg.defaults import CURATION_FILE
from kg.errors import InputError
from kg.store.location import config_path, read_config


@dataclass(frozen=True)
class CurationFile:
    path: Path
    why: str  # which rule chose it, for messages


def choose(directory: Path | None, explicit: str | None = None, store_path: Path | None = None) -> CurationFile:
    """The curation file for a build of ``directory`` (None: the decision commands, which use the
    folder the last build of ``store_path`` built)."""
    if explicit:
        return CurationFile(Path(explicit), "--curation")
    named = os.environ.get("KG_CURATION")
    if named:
        return CurationFile(Path(named), "$KG_CURATION")
    configured = _configured()
    if configured is not None:
        return configured
    if directory is None:
        built = last_built(store_path) if store_path is not None else None
        if built is not None:
            return CurationFile(built / CURATION_FILE, f"the case folder the last build of {store_path} read")
        directory = Path("data")
    return CurationFile(directory / CURATION_FILE, "the case folder")


def _configured() -> CurationFile | None:
    found = config_path()
    if found is None:
        return None
    table = read_config(found).get("build")
    if not isinstance(table, dict) or "curation" not in table:
        return None
    value = table["curation"]
    if not isinstance(value, str) or not value:
        raise InputError(f"{found}: [build] curation must be a file name")
    return CurationFile(found.parent / value, f"{found} [build] curation")


def last_built(store_path: Path) -> Path | None:
    """The case folder the last `kg build` into this store read (from its build state), if any."""
    from kg.build.state import state_dir

    try:
        data = json.loads((state_dir(store_path) / "state.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    folder = data.get("directory") if isinstance(data, dict) else None
    return Path(folder) if isinstance(folder, str) and Path(folder).is_dir() else None


def unused(chosen: CurationFile, directory: Path | None) -> list[str]:
    """Warnings for curation files that exist where kg might have looked but are not ``chosen``."""
    candidates = [Path("data") / CURATION_FILE, Path(CURATION_FILE)]
    if directory is not None:
        candidates.insert(0, directory / CURATION_FILE)
    named = os.environ.get("KG_CURATION")
    if named:
        candidates.append(Path(named))
    seen = {_real(chosen.path)}
    notes = []
    for candidate in candidates:
        if _real(candidate) in seen or not candidate.is_file():
            continue
        seen.add(_real(candidate))
        notes.append(f"{candidate} exists but is not used: the decisions applied are those in {chosen.path} "
                     f"({chosen.why}); move its decisions there, or name it with --curation")
    return notes


def _real(path: Path) -> Path:
    return path.resolve()
