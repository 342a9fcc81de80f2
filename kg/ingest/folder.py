"""Which files a folder (or a quoted glob) offers as sources, and which it must not.

Case folders arrive from colleagues, zips and git repositories, and the graph they build is shared.
So a symbolic link inside the folder that leads out of it (``data/notes.txt -> ~/.ssh/id_rsa``) is
refused, not followed, and so is anything that is not a regular file (a FIFO, a socket, a device):
one line each, and the rest of the folder is read. Links that stay inside the folder are read as
files; links to folders are not descended into unless ``follow_symlinks`` (``--follow-symlinks``),
which also reads links that leave the folder, each real folder once (a link loop ends there).
A file named on the command line is the user's choice and is read whatever it is a link to.
Hidden files and folders (a leading dot) are skipped, as before.

The check and the read happen at different times (a build reads a file long after the folder
was listed), so each admitted file carries what discovery saw (:class:`Admitted`): the reader
(:func:`kg.ingest.guard.read_source_bytes`) opens the file, then checks that the file it holds
open is that same file and lies inside the folder. A file swapped for a link in between is refused,
never followed.
"""

from __future__ import annotations

import glob
import os
import stat
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from kg.errors import InputError

_KINDS = {stat.S_IFIFO: "a FIFO", stat.S_IFSOCK: "a socket", stat.S_IFCHR: "a character device",
          stat.S_IFBLK: "a block device"}


@dataclass(frozen=True)
class Admitted:
    """What the folder rule saw of a file it let through: checked again on the open file when it is read."""

    root: str  # the folder (resolved) whose rule admitted the file
    follow: bool  # --follow-symlinks: the file may lie outside root
    link: bool  # the entry was a symbolic link (to a file inside root, or followed)
    device: int | None = None  # the file discovery saw (st_dev, st_ino); None: a file next to it (a sidecar)
    inode: int | None = None

    def beside(self) -> Admitted:
        """The rule for a file read next to this one (its sidecar, a mapping's table): same folder, any file."""
        return Admitted(self.root, self.follow, True)


@dataclass
class Found:
    files: list[Path]
    refused: list[tuple[Path, InputError]]  # the file (as found) and why it is not read
    admitted: dict[Path, Admitted] = field(default_factory=dict)  # per file: what the rule saw (none: named)


def _inside(target: Path, root: Path) -> bool:
    return target == root or root in target.parents


def inside(target: str, root: str) -> bool:
    """Is the resolved path ``target`` the folder ``root`` or under it?"""
    return _inside(Path(target), Path(root))


def _special(info: os.stat_result) -> str | None:
    return None if stat.S_ISREG(info.st_mode) or stat.S_ISDIR(info.st_mode) else \
        _KINDS.get(stat.S_IFMT(info.st_mode), "not a regular file")


def find_files(directory: Path, wanted: Callable[[Path], bool], follow_symlinks: bool = False) -> Found:
    """Files under ``directory`` that ``wanted`` accepts, sorted; refusals for links that leave it and
    for special files (only for names ``wanted`` accepts, so stray sockets of other tools stay quiet)."""
    if not directory.is_dir():
        raise InputError(f"{directory}: not a directory")
    root = directory.resolve()
    found = Found([], [])
    seen_dirs: set[Path] = {root}

    def admit(path: Path, info: os.stat_result, link: bool) -> None:
        found.files.append(path)
        found.admitted[path] = Admitted(str(root), follow_symlinks, link, info.st_dev, info.st_ino)

    hint = "; pass --follow-symlinks to read it"

    def walk(folder: Path) -> None:
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError as exc:
            found.refused.append((folder, InputError(f"{folder}: cannot list this folder ({exc.strerror})")))
            return
        for entry in entries:
            if entry.name.startswith("."):
                continue
            path = Path(entry.path)
            if entry.is_symlink():
                try:
                    target = path.resolve(strict=True)
                    info = target.stat()
                except (OSError, RuntimeError):  # dangling, or a loop of links
                    if wanted(path):
                        found.refused.append((path, InputError(f"{path}: a symbolic link that leads nowhere "
                                                        "(missing target or a loop); not read")))
                    continue
                outside = not _inside(target, root)
                if stat.S_ISDIR(info.st_mode):
                    if follow_symlinks and target not in seen_dirs:
                        seen_dirs.add(target)
                        walk(path)
                    elif not follow_symlinks and outside:
                        found.refused.append((path, InputError(f"{path}: a symbolic link to a folder outside "
                                                        f"{directory} ({target}); not read{hint}")))
                    continue
                if not wanted(path):
                    continue
                kind = _special(info)
                if kind:
                    found.refused.append((path, InputError(f"{path}: a symbolic link to {kind}; not read")))
                elif outside and not follow_symlinks:
                    found.refused.append((path, InputError(f"{path}: a symbolic link to a file outside {directory} "
                                                    f"({target}); not read{hint}")))
                else:
                    admit(path, info, link=True)
                continue
            try:
                info = entry.stat(follow_symlinks=False)
            except OSError:
                continue
            if stat.S_ISDIR(info.st_mode):
                real = path.resolve()
                if real not in seen_dirs:
                    seen_dirs.add(real)
                    walk(path)
            elif wanted(path):
                kind = _special(info)
                if kind:
                    found.refused.append((path, InputError(f"{path}: {kind}, not a regular file; not read")))
                else:
                    admit(path, info, link=False)

    walk(directory)
    found.files.sort()
    return _utf8_names(found)


def _utf8_names(found: Found) -> Found:
    """A file whose name is in another system's encoding (an old zip's ``caf\xe9.yaml``) cannot be a
    source: its name could not be stored. Refused with one line, like a link."""
    for path in list(found.files):
        try:
            str(path).encode("utf-8")
        except UnicodeEncodeError:
            found.files.remove(path)
            found.admitted.pop(path, None)
            found.refused.append((path, InputError(f"{path}: the file name is not UTF-8 text; rename the file")))
    return found


def expand(arguments: list[str], wanted: Callable[[Path], bool], follow_symlinks: bool = False) -> Found:
    """Command-line arguments as files: a file as named (a link too: naming it is a choice), a folder
    as :func:`find_files` finds it, a quoted glob (``'news/*.pdf'``) as its matches, each held to the
    folder rule against the folder the glob starts in."""
    found = Found([], [])
    for argument in arguments:
        path = Path(argument)
        if path.is_dir():
            inner = find_files(path, wanted, follow_symlinks)
            if not inner.files and not inner.refused:
                raise InputError(f"{path}: a folder with no source files in it")
        elif not os.path.lexists(argument) and glob.has_magic(argument):
            inner = _globbed(argument, wanted, follow_symlinks)
        else:
            inner = Found([path], [])
        found.files.extend(inner.files)
        found.refused.extend(inner.refused)
        found.admitted.update(inner.admitted)
    return found


def _globbed(pattern: str, wanted: Callable[[Path], bool], follow_symlinks: bool) -> Found:
    parts = Path(pattern).parts
    fixed = next((i for i, part in enumerate(parts) if glob.has_magic(part)), len(parts))
    base = Path(*parts[:fixed]) if fixed else Path(".")
    root = base.resolve()
    found = Found([], [])
    matches = sorted(glob.glob(pattern, recursive=True))
    if not matches:
        raise InputError(f"{pattern}: no file matches this pattern")
    for match in matches:
        path = Path(match)
        if path.is_dir() or not wanted(path):
            continue
        try:
            target = path.resolve(strict=True)
            info = target.stat()
        except (OSError, RuntimeError):
            found.refused.append((path, InputError(f"{path}: a symbolic link that leads nowhere; not read")))
            continue
        kind = _special(info)
        if kind:
            found.refused.append((path, InputError(f"{path}: {kind}, not a regular file; not read")))
        elif path.is_symlink() and not _inside(target, root) and not follow_symlinks:
            found.refused.append((path, InputError(f"{path}: a symbolic link to a file outside {base} ({target}); not "
                                            "read; pass --follow-symlinks to read it")))
        else:
            found.files.append(path)
            found.admitted[path] = Admitted(str(root), follow_symlinks, path.is_symlink(), info.st_dev, info.st_ino)
    return _utf8_names(found)
