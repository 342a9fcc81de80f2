"""A full disk: a build, ingest, export or curation write that runs out of space stops with one line
(no traceback, exit 1), and leaves the store as readers see it and the previous outputs exactly as
they were; once space is back, the next run succeeds and gives what a clean build gives.

Two ways to run out: a file-size limit (RLIMIT_FSIZE, with SIGXFSZ ignored so a write past it
fails with EFBIG; works for any user), and a small tmpfs filled up to a few kilobytes (ENOSPC; needs
root to mount, as CI has). Each is tried at a few sizes that stop the work at different places
(RocksDB's log and tables, the spill folder of prepared sources, the sorted runs, graph.ttl,
graph.trig, graph.html, the build state). ``KG_DISK_TRIALS=N`` tries N sizes of each.
"""

from __future__ import annotations

import errno
import os
import resource
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import SAMPLE_CASE, dump_store

TRIALS = int(os.environ.get("KG_DISK_TRIALS", "0"))
LIMITS = [2**k for k in range(12, 22)][:TRIALS] if TRIALS else [8 * 1024, 48 * 1024, 160 * 1024]
FREE_KB = list(range(0, 2400, max(2400 // TRIALS, 1)))[:TRIALS] if TRIALS else [40, 400, 900]
OUTPUTS = ("graph.ttl", "graph.trig", "graph.html")


def extra_case(people: int) -> str:
    """A second case file, big enough that writing it takes some room."""
    lines = ["organizations:", "  - id: port", "    name: Harbour Port Authority", "people:"]
    for i in range(people):
        lines += [f"  - id: p{i}", f"    name: Person Number{i} Example", "    affiliations:",
                  "      - organization: port", f"        role: clerk {i}"]
    return "\n".join(lines) + "\n"


class Case:
    """A case folder, its store and outputs, and a scratch TMPDIR, all under ``root``."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.data, self.out, self.store, self.tmp = root / "data", root / "out", root / "store", root / "tmp"
        self.data.mkdir(parents=True)
        self.tmp.mkdir()
        shutil.copy(SAMPLE_CASE, self.data / "case.yaml")

    def kg(self, *args: str, limit: int | None = None) -> subprocess.CompletedProcess[str]:
        def limited() -> None:  # in the child: writes past ``limit`` bytes fail with EFBIG
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
            assert limit is not None
            resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

        env = {**os.environ, "TMPDIR": str(self.tmp), "PYTHONDONTWRITEBYTECODE": "1", "KG_WORKERS": "0"}
        return subprocess.run([sys.executable, "-m", "kg.cli", "--store", str(self.store), *args], cwd=self.root,
                              env=env, capture_output=True, text=True, timeout=300,
                              preexec_fn=limited if limit else None)

    def build(self, limit: int | None = None) -> subprocess.CompletedProcess[str]:
        return self.kg("build", str(self.data), "-o", str(self.out), "--no-progress", limit=limit)

    def seen(self) -> tuple[list[str], dict[str, bytes]]:
        """What readers see (the published snapshot, log graph included) and the outputs' bytes."""
        return dump_store(self.store.with_name("store.snapshots") / "current"), {
            name: (self.out / name).read_bytes() for name in OUTPUTS if (self.out / name).exists()}

    def leftovers(self) -> list[str]:
        """Temp files of outputs and spill folders a failed run must not leave behind."""
        found = [p.name for p in self.out.iterdir() if p.name.endswith(".tmp")]
        return found + [p.name for p in self.tmp.iterdir()]


def clean_build(root: Path, files: dict[str, str]) -> dict[str, bytes]:
    case = Case(root)
    for name, text in files.items():
        (case.data / name).write_text(text, encoding="utf-8")
    assert case.build().returncode == 0
    return {name: (case.out / name).read_bytes() for name in OUTPUTS}


def check_stopped_cleanly(result: subprocess.CompletedProcess[str], case: Case,
                          before: tuple[list[str], dict[str, bytes]]) -> None:
    assert "Traceback" not in result.stderr, result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("kg: error:")]
    assert len(errors) == 1 and result.returncode == 1, result.stderr
    assert "No space left on device" in errors[0] or "File too large" in errors[0], errors[0]
    assert case.seen() == before
    assert case.leftovers() == []


def build_out_of_space(case: Case, before: tuple[list[str], dict[str, bytes]], limit: int | None = None) -> str:
    """Build the changed folder under ``limit`` (or on a full tmpfs): how it ended."""
    result = case.build(limit)
    stopped = result.returncode != 0
    if stopped:
        check_stopped_cleanly(result, case, before)
    return result.stderr.strip() if stopped else "finished"


@pytest.fixture(scope="module")
def expected(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    """The outputs of a clean build of v2 (the sample plus extra.yaml)."""
    return clean_build(tmp_path_factory.mktemp("clean"), {"extra.yaml": extra_case(300)})


@pytest.mark.parametrize("limit", LIMITS)
def test_a_build_past_a_file_size_limit_changes_nothing_and_the_next_one_finishes(
        limit: int, tmp_path: Path, expected: dict[str, bytes]) -> None:
    case = Case(tmp_path)
    assert case.build().returncode == 0
    before = case.seen()
    (case.data / "extra.yaml").write_text(extra_case(300), encoding="utf-8")
    outcome = build_out_of_space(case, before, limit)
    assert TRIALS or outcome != "finished", f"{limit:,} bytes were enough: this size tries nothing"
    again = case.build()
    assert again.returncode == 0, again.stderr
    assert {name: (case.out / name).read_bytes() for name in OUTPUTS} == expected, outcome


@pytest.fixture
def tmpfs(tmp_path: Path) -> Iterator[Path]:
    """A 12 MB tmpfs (mounting needs root, as CI and scripts/test.sh have; no skip: a test that cannot run fails)."""
    mount = tmp_path / "tmpfs"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=12m", "tmpfs", str(mount)], capture_output=True)
    assert done.returncode == 0, f"cannot mount a tmpfs here ({done.stderr.decode().strip()}); CI runs as root"
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=True)


def fill(mount: Path, leave_kb: int) -> Path:
    """Fill the file system up to ``leave_kb`` free kilobytes; returns the filler to delete."""
    filler = mount / "filler"
    stats = os.statvfs(mount)
    free = stats.f_bavail * stats.f_frsize
    chunk = b"\0" * 65536
    left = max(free - leave_kb * 1024, 0)
    try:
        with filler.open("wb") as handle:
            while left > 0:
                left -= handle.write(chunk[: min(left, len(chunk))])
    except OSError as exc:  # full before the count: the file system's own blocks
        assert exc.errno == errno.ENOSPC
    return filler


@pytest.mark.parametrize("free_kb", FREE_KB)
def test_a_build_on_a_full_disk_changes_nothing_and_the_next_one_finishes(
        free_kb: int, tmpfs: Path, expected: dict[str, bytes], tmp_path: Path) -> None:
    case = Case(tmpfs / "case")
    assert case.build().returncode == 0
    before = case.seen()
    (case.data / "extra.yaml").write_text(extra_case(300), encoding="utf-8")
    filler = fill(tmpfs, free_kb)
    outcome = build_out_of_space(case, before)
    assert TRIALS or outcome != "finished", f"{free_kb} kB were enough: this size tries nothing"
    filler.unlink()
    again = case.build()
    assert again.returncode == 0, again.stderr
    assert {name: (case.out / name).read_bytes() for name in OUTPUTS} == expected, outcome


def test_ingest_export_and_a_curation_decision_past_the_limit_keep_what_was_there(tmp_path: Path) -> None:
    case = Case(tmp_path)
    assert case.build().returncode == 0
    (case.data / "extra.yaml").write_text(extra_case(300), encoding="utf-8")
    before = case.seen()
    check_stopped_cleanly(case.kg("ingest", str(case.data / "extra.yaml"), limit=16 * 1024), case, before)

    export = tmp_path / "case.ttl"
    assert case.kg("export", "--format", "ttl", "-o", str(export)).returncode == 0
    exported = export.read_bytes()
    (case.data / "more.yaml").write_text(extra_case(60), encoding="utf-8")
    assert case.kg("ingest", str(case.data / "more.yaml")).returncode == 0
    stopped = case.kg("export", "--format", "ttl", "-o", str(export), limit=len(exported) + 100)
    assert stopped.stderr == f"kg: error: {export}: cannot write (File too large); the previous case.ttl is kept\n"
    assert stopped.returncode == 1 and export.read_bytes() == exported
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []

    curation = case.data / "curation.yaml"
    assert case.kg("merge", "Ana Reyes", "Ana R.", "--reason", "same person", "--no-check",
                   "--curation", str(curation)).returncode == 0
    decided = curation.read_bytes()
    stopped = case.kg("merge", "Ivo Brandt", "I. Brandt", "--reason", "same person", "--no-check",
                      "--curation", str(curation), limit=len(decided) + 10)
    assert stopped.stderr == (f"kg: error: {curation}: cannot write (File too large); the previous curation.yaml "
                              "is kept\n")
    assert curation.read_bytes() == decided


def test_a_snapshot_that_cannot_be_published_leaves_readers_and_outputs_as_they_were(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """RocksDB's checkpoint runs out of space (the last step of a build): in-process, the store's
    backup is made to fail as RocksDB reports a full disk."""
    from kg.cli import main
    from kg.store import kgstore

    case = Case(tmp_path)
    assert case.build().returncode == 0
    before = case.seen()
    (case.data / "extra.yaml").write_text(extra_case(20), encoding="utf-8")

    def full(store: object, store_path: Path) -> Path:
        raise kgstore.DiskFullError(f"{store_path}: written, but the read snapshot could not be published "
                                    "(IO error: No space left on device); readers see the previous state")

    monkeypatch.setattr(kgstore, "publish", full)
    assert main(["--store", str(case.store), "build", str(case.data), "-o", str(case.out), "--no-progress"]) == 1
    assert case.seen() == before
    monkeypatch.undo()
    assert case.build().returncode == 0
    assert case.seen() != before


def test_a_first_build_cut_short_shows_readers_no_half_written_source(tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """The disk fills while the very first build writes its second source: nothing was ever published,
    so the first reader publishes the first snapshot -- after rolling back the source cut short
    (it used to publish the store as the failed writer left it, half-written source and all)."""
    from kg.cli import main
    from kg.store import backend

    case = Case(tmp_path)
    (case.data / "extra.yaml").write_text(extra_case(5), encoding="utf-8")
    swap, swaps = backend.LocalBackend.swap, []

    def full_on_the_second(self: backend.LocalBackend, staged: object, graph: object) -> None:
        swaps.append(graph)
        swap(self, staged, graph)  # type: ignore[arg-type]
        if len(swaps) == 2:  # its triples are in, its log entries not: it is still marked pending
            raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(backend.LocalBackend, "swap", full_on_the_second)
    assert main(["--store", str(case.store), "build", str(case.data), "-o", str(case.out), "--no-progress"]) == 1
    monkeypatch.undo()
    assert not case.store.with_name("store.snapshots").exists() and not case.out.exists()
    read = case.kg("export", "--format", "nq", "-o", "-")
    assert read.returncode == 0, read.stderr
    half = str(swaps[1]).strip("<>")
    assert half not in read.stdout
    assert case.build().returncode == 0
    assert half in case.kg("export", "--format", "nq", "-o", "-").stdout
