"""Reliability: atomic outputs under SIGKILL, one writer at a time, crash recovery, idempotent ingest.

Processes are killed at a known point, not after a guessed delay: a small driver patches one call
(the export's write, the store's load) to announce itself in a marker file and hang, the test waits
for the marker, then sends SIGKILL.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.fsutil import atomic_output
from kg.store import KgStore
from kg.store.backend import TRANSACTION_LIMIT

from conftest import SAMPLE_CASE, dump_store, run_kg

BASE = "https://kg.example/"
BIG_TRIPLES = 300_000

# Runs `kg` in a child with one call patched to stop half way: argv = MODE MARKER kg-arguments...
DRIVER = r'''
import os, sys, time
from pathlib import Path
mode, marker, args = sys.argv[1], Path(sys.argv[2]), sys.argv[3:]

def hang(note):
    marker.write_text(note)
    time.sleep(3600)

if mode == "export-half":  # the export has written half its bytes into the temp file
    real_fdopen = os.fdopen
    class HalfThenHang:
        def __init__(self, handle): self.handle = handle
        def __enter__(self): return self
        def __exit__(self, *exc): self.handle.close()
        def flush(self): self.handle.flush()
        def fileno(self): return self.handle.fileno()
        def write(self, data):
            half = len(data) // 2
            self.handle.write(data[:half]); self.handle.flush(); os.fsync(self.handle.fileno())
            hang(str(half))
    def fdopen(fd, mode="r", *rest, **kw):
        handle = real_fdopen(fd, mode, *rest, **kw)
        return HalfThenHang(handle) if mode == "wb" else handle
    os.fdopen = fdopen
elif mode == "export-synced":  # everything written and fsynced, not yet renamed
    real_fsync = os.fsync
    def fsync(fd):
        real_fsync(fd)
        hang("synced")
    os.fsync = fsync
elif mode in ("load-half", "retract"):  # the store holds part of a source's graph / a retract began
    from kg import store as kg_store
    real_open = kg_store.KgStore.open.__func__
    class Proxy:
        def __init__(self, real): self.real = real
        def __getattr__(self, name): return getattr(self.real, name)
        def _half(self, data=None, fmt=None, *, path=None, format=None, to_graph=None):
            if path is not None:  # a source spilled to a file is loaded from it
                data = open(path, "rb").read()
            lines = data.splitlines(keepends=True)
            self.real.load(b"".join(lines[: len(lines) // 2]), fmt or format, to_graph=to_graph)
            self.real.flush()
            hang(str(len(lines) // 2))
        load = bulk_load = _half
        def remove_graph(self, graph):
            self.real.flush()
            hang("retract")
    def open_(cls, *a, **kw):
        opened = real_open(cls, *a, **kw)
        opened.backend.store = Proxy(opened.backend.store)
        return opened
    kg_store.KgStore.open = classmethod(open_)
from kg.cli import main
sys.exit(main(args))
'''


def start_stopped(tmp: Path, mode: str, *args: str) -> tuple[subprocess.Popen[bytes], str]:
    """Start the driver and wait (however long it takes) until it reached its stopping point."""
    marker = tmp / f"marker-{mode}"
    marker.unlink(missing_ok=True)
    proc = subprocess.Popen([sys.executable, "-c", DRIVER, mode, str(marker), *args], cwd=tmp,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    while not marker.exists():
        if proc.poll() is not None:
            _, err = proc.communicate()
            raise AssertionError(f"driver ended before its stopping point: {err.decode()}")
        time.sleep(0.05)
    while not marker.read_text():
        time.sleep(0.01)
    return proc, marker.read_text()


def kill(proc: subprocess.Popen[bytes]) -> None:
    proc.send_signal(signal.SIGKILL)
    proc.communicate()  # reaped: its pid no longer names a live process
    assert proc.returncode == -signal.SIGKILL


def count(path: Path, fmt: ox.RdfFormat = ox.RdfFormat.N_TRIPLES) -> int:
    return sum(1 for _ in ox.parse(path.read_bytes(), fmt))


dump = dump_store


def temp_files(folder: Path, name: str) -> list[Path]:
    return sorted(folder.glob(f".{name}.*.tmp"))


def ok(result: subprocess.CompletedProcess[str]) -> subprocess.CompletedProcess[str]:
    assert result.returncode == 0, result.stderr
    return result


# -- (a) atomic outputs ---------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def big_store(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A store with a 300k-triple N-Triples source, and a small extra source to add later."""
    folder = tmp_path_factory.mktemp("big")
    with (folder / "big.nt").open("w", encoding="utf-8") as out:
        for i in range(BIG_TRIPLES):
            out.write(f'<https://big.example/s{i // 10}> <https://big.example/p{i % 10}> "value {i}" .\n')
    store = folder / "store"
    ok(run_kg("--store", str(store), "ingest", str(folder / "big.nt")))
    return store, folder


@pytest.mark.parametrize("mode", ["export-half", "export-synced"])
def test_a_killed_export_leaves_the_previous_file_whole(mode: str, big_store: tuple[Path, Path],
                                                        tmp_path: Path) -> None:
    source, _ = big_store
    store = tmp_path / "store"
    shutil.copytree(source, store)
    out = tmp_path / "out"
    target = out / "graph.nt"
    ok(run_kg("--store", str(store), "export", "--format", "nt", "-o", str(target)))
    previous = target.read_bytes()
    before = count(target)
    assert before > BIG_TRIPLES
    ok(run_kg("--store", str(store), "ingest", str(SAMPLE_CASE)))  # the next export would differ

    proc, note = start_stopped(tmp_path, mode, "--store", str(store), "export", "--format", "nt", "-o", str(target))
    [temp] = temp_files(out, "graph.nt")
    if mode == "export-half":
        assert temp.stat().st_size == int(note) > 1_000_000  # caught in the middle of writing
    kill(proc)

    assert target.read_bytes() == previous
    assert count(target) == before
    assert temp_files(out, "graph.nt") == [temp]  # SIGKILL leaves the temp file; nothing could remove it

    result = ok(run_kg("--store", str(store), "export", "--format", "nt", "-o", str(target)))
    assert temp_files(out, "graph.nt") == []  # the next write cleans up after the dead writer
    assert count(target) > before
    assert result.stderr == f"wrote {target} ({target.stat().st_size:,} bytes)\n"


def test_a_temp_file_of_a_live_writer_is_left_alone(tmp_path: Path) -> None:
    target = tmp_path / "graph.ttl"
    finished = subprocess.run([sys.executable, "-c", "pass"], check=True)
    assert finished.returncode == 0
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    live = tmp_path / f".graph.ttl.{os.getpid()}.abc.tmp"
    stale = tmp_path / f".graph.ttl.{dead.pid}.xyz.tmp"
    other = tmp_path / f".other.ttl.{dead.pid}.xyz.tmp"
    for path in (live, stale, other):
        path.write_text("partial")
    with atomic_output(target) as handle:
        handle.write(b"new\n")
    assert target.read_bytes() == b"new\n"
    assert live.exists() and other.exists()
    assert not stale.exists()


def test_an_exception_mid_write_keeps_the_old_file_and_removes_the_temp(tmp_path: Path) -> None:
    target = tmp_path / "graph.ttl"
    target.write_bytes(b"old\n")
    with pytest.raises(RuntimeError), atomic_output(target) as handle:
        handle.write(b"half of the new")
        raise RuntimeError("disk on fire")
    assert target.read_bytes() == b"old\n"
    assert temp_files(tmp_path, "graph.ttl") == []


@pytest.mark.parametrize(("target", "expected"), [
    ("folder", "folder: is a directory; give a file name"),
    ("plain/graph.ttl", "plain/graph.ttl: cannot write (plain is a file, not a folder)"),
    ("plain/sub/graph.ttl", "plain/sub/graph.ttl: cannot write (plain is a file, not a folder)"),
])
def test_an_unwritable_output_is_one_line_and_touches_nothing(target: str, expected: str, sample_store: Path,
                                                              tmp_path: Path) -> None:
    (tmp_path / "folder").mkdir()
    (tmp_path / "folder" / "kept.txt").write_text("kept")
    (tmp_path / "plain").write_text("a file, not a folder")
    result = run_kg("--store", str(sample_store), "export", "-o", target, cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr == f"kg: error: {expected}\n"
    assert (tmp_path / "plain").read_text() == "a file, not a folder"
    assert [p.name for p in (tmp_path / "folder").iterdir()] == ["kept.txt"]
    assert list(tmp_path.glob(".*.tmp")) == []


@pytest.mark.parametrize("command", [["ingest", "case.yaml"], ["stats"], ["export"]])
def test_a_damaged_store_is_reported_in_one_line(command: list[str], tmp_path: Path) -> None:
    store = tmp_path / "store"
    store.mkdir()
    (store / "CURRENT").write_text("garbage\n")
    shutil.copy(SAMPLE_CASE, tmp_path / "case.yaml")
    result = run_kg("--store", "store", *command, cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr == "kg: error: store: cannot open store (Corruption: CURRENT file corrupted)\n"


# -- (b) one writer at a time ---------------------------------------------------------------------------

# Opens the store for writing, ingests the files named after it (if any), then waits for stdin to close.
HOLDER = """import sys
from pathlib import Path
from kg.build import pipeline
from kg.store import KgStore
store = KgStore.open(Path(sys.argv[1]))
pipeline.ingest(store, [Path(p) for p in sys.argv[2:]])
print("ready", flush=True)
sys.stdin.read()
store.close()
"""


@pytest.fixture
def sample_store(tmp_path: Path) -> Path:
    store = tmp_path / "store"
    ok(run_kg("--store", str(store), "ingest", str(SAMPLE_CASE)))
    return store


def start_holder(store: Path, *files: Path) -> subprocess.Popen[str]:
    proc = subprocess.Popen([sys.executable, "-c", HOLDER, str(store), *map(str, files)], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None and proc.stdout.readline() == "ready\n"
    return proc


@pytest.fixture
def holder(sample_store: Path) -> Iterator[subprocess.Popen[str]]:
    """Another process holding the store open for writing."""
    proc = start_holder(sample_store)
    yield proc
    if proc.poll() is None:
        proc.kill()
    proc.wait()
    for stream in (proc.stdin, proc.stdout):
        if stream is not None:
            stream.close()


def test_a_second_writer_is_refused_naming_the_lock_and_its_holder(
        sample_store: Path, holder: subprocess.Popen[str], tmp_path: Path) -> None:
    before = export_nq(sample_store, "--include-log")
    (tmp_path / "extra.yaml").write_text("people:\n  - id: x\n    name: Extra Person\n", encoding="utf-8")
    for args in (["ingest", "extra.yaml"], ["retract", "case.yaml"], ["build", str(SAMPLE_CASE.parent)]):
        result = run_kg("--store", str(sample_store), *args, cwd=tmp_path)
        assert result.returncode == 1
        lock = f"{sample_store}.lock"
        assert re.fullmatch(rf"kg: error: store {re.escape(str(sample_store))} is locked by pid {holder.pid} "
                            rf"\(-c {re.escape(str(sample_store))}\) since \S+ \(lock file "
                            rf"{re.escape(lock)}\); wait for it to finish\n", result.stderr), result.stderr
    assert export_nq(sample_store, "--include-log") == before

    stats = ok(run_kg("--store", str(sample_store), "stats"))  # readers still work meanwhile
    assert re.search(r"people\s+2\n", stats.stdout)
    export = ok(run_kg("--store", str(sample_store), "export", "--format", "nq"))
    assert "Sophia Bryskine" in export.stdout

    assert holder.stdin is not None
    holder.stdin.close()
    assert holder.wait() == 0
    result = ok(run_kg("--store", str(sample_store), "ingest", "extra.yaml", cwd=tmp_path))
    assert "added  extra.yaml" in result.stdout


def test_a_killed_writer_does_not_leave_the_store_locked(sample_store: Path, holder: subprocess.Popen[str],
                                                         tmp_path: Path) -> None:
    holder.kill()
    holder.wait()
    assert f"pid {holder.pid}" in Path(f"{sample_store}.lock").read_text()  # stale text, no lock behind it
    (tmp_path / "extra.yaml").write_text("people:\n  - id: x\n    name: Extra Person\n", encoding="utf-8")
    result = ok(run_kg("--store", str(sample_store), "ingest", "extra.yaml", cwd=tmp_path))
    assert "added  extra.yaml" in result.stdout
    assert result.stderr == ""


def test_a_symbolic_link_planted_as_the_lock_file_is_refused_not_followed(sample_dir: Path, tmp_path: Path) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("precious\n", encoding="utf-8")
    store = tmp_path / "store"
    Path(f"{store}.lock").symlink_to(victim)
    result = run_kg("--store", str(store), "build", str(sample_dir))
    assert result.returncode == 1 and result.stderr.startswith(f"kg: error: {store}.lock: cannot create lock file (")
    assert victim.read_text(encoding="utf-8") == "precious\n" and not store.exists()


# -- (c) crash recovery ---------------------------------------------------------------------------------

def source_quads(lines: list[str], name: str) -> list[str]:
    return [q for q in lines if q.endswith(f"<{BASE}source/{name}>")]


@pytest.mark.parametrize("size", [1_000, TRANSACTION_LIMIT + 1_000], ids=["transaction", "bulk-load"])
def test_an_interrupted_ingest_is_rolled_back_by_the_next_writer(size: int, sample_store: Path,
                                                                 tmp_path: Path) -> None:
    before = dump(sample_store)
    lines = [f'<https://big.example/s{i}> <https://big.example/p> "v{i}" .\n' for i in range(size)]
    (tmp_path / "big.nt").write_text("".join(lines), encoding="utf-8")
    proc, loaded = start_stopped(tmp_path, "load-half", "--store", str(sample_store), "ingest", "big.nt")
    kill(proc)
    interrupted = dump(sample_store)
    assert len(source_quads(interrupted, "big.nt")) == int(loaded) > 0  # a partial graph is in the store
    assert [q for q in interrupted if "pending" in q and q.startswith(f"<{BASE}source/big.nt> ")]
    readers = ok(run_kg("--store", str(sample_store), "stats", "--sources")).stdout
    assert "big.nt" not in readers and "case.yaml" in readers  # readers never see the partial graph

    (tmp_path / "extra.yaml").write_text("people:\n  - id: x\n    name: Extra Person\n", encoding="utf-8")
    result = run_kg("--store", str(sample_store), "ingest", "extra.yaml", cwd=tmp_path)
    assert result.returncode == 0
    assert result.stderr == (f"kg: recovered from an interrupted write: removed the partial graph "
                             f"{BASE}source/big.nt; ingest that source again if it belongs in the store\n")
    after = dump(sample_store)
    assert source_quads(after, "big.nt") == []
    assert not any("pending" in q for q in after)
    assert source_quads(after, "case.yaml") == source_quads(before, "case.yaml")
    assert len(source_quads(after, "extra.yaml")) > 0

    again = ok(run_kg("--store", str(sample_store), "ingest", "big.nt", cwd=tmp_path))
    assert again.stderr == ""  # recovered once, reported once
    assert "added  big.nt" in again.stdout
    assert len(source_quads(dump(sample_store), "big.nt")) > size


def test_an_interrupted_retract_is_finished_by_the_next_writer(sample_store: Path, tmp_path: Path) -> None:
    proc, _ = start_stopped(tmp_path, "retract", "--store", str(sample_store), "retract", "case.yaml")
    kill(proc)
    assert len(source_quads(dump(sample_store), "case.yaml")) > 100
    result = ok(run_kg("--store", str(sample_store), "stats", "--sources"))
    assert "case.yaml" in result.stdout
    (tmp_path / "extra.yaml").write_text("people:\n  - id: x\n    name: Extra Person\n", encoding="utf-8")
    result = ok(run_kg("--store", str(sample_store), "ingest", "extra.yaml", cwd=tmp_path))
    assert f"removed the partial graph {BASE}source/case.yaml;" in result.stderr
    after = dump(sample_store)
    assert source_quads(after, "case.yaml") == []
    assert not any(f"<{BASE}source/case.yaml>" in q for q in after)  # its log entries went too


# -- (d) idempotent ingest, replace, retract --------------------------------------------------------------

def export_nq(store: Path, *extra: str) -> str:
    return ok(run_kg("--store", str(store), "export", "--format", "nq", *extra)).stdout


def test_reingesting_an_unchanged_source_changes_nothing(sample_store: Path, tmp_path: Path) -> None:
    full = export_nq(sample_store, "--include-log")
    sources = ok(run_kg("--store", str(sample_store), "stats", "--sources")).stdout
    assert re.search(r"case\.yaml .* \d{4}-\d\d-\d\dT[\d:.]+Z\n", sources)
    result = ok(run_kg("--store", str(sample_store), "ingest", str(SAMPLE_CASE)))
    assert "unchanged  case.yaml" in result.stdout
    assert export_nq(sample_store, "--include-log") == full  # byte for byte, ingest times included
    assert ok(run_kg("--store", str(sample_store), "stats", "--sources")).stdout == sources


def test_a_changed_source_replaces_its_graph_without_leftovers(tmp_path: Path) -> None:
    original = SAMPLE_CASE.read_text(encoding="utf-8")
    cut = original.index("  - id: no-law-against")
    changed = original[:cut] + original[cut:].split("\n", 6)[-1]  # drop the last claim's record
    changed = changed.replace("title: China's Secret Organ Harvesting Industry", "title: A Renamed Article")
    assert "no-law-against" not in changed and "kind: unattributed" not in changed
    data = tmp_path / "data"
    data.mkdir()
    case = data / "case.yaml"
    case.write_text(original, encoding="utf-8")
    store = tmp_path / "store"
    ok(run_kg("--store", str(store), "ingest", str(case)))
    assert "no-law-against" in export_nq(store)
    case.write_text(changed, encoding="utf-8")
    result = ok(run_kg("--store", str(store), "ingest", str(case)))
    assert "replaced  case.yaml" in result.stdout
    replaced = export_nq(store)
    assert "no-law-against" not in replaced and "Secret Organ Harvesting" not in replaced

    fresh = tmp_path / "fresh"
    ok(run_kg("--store", str(fresh), "ingest", str(case)))
    assert replaced == export_nq(fresh)  # exactly what a store that only ever saw the new version holds


SHARED = """people:
  - id: sophia
    name: Sophia Bryskine
    aliases: [S. Bryskine]
  - id: new-person
    name: Another Person
"""


@pytest.mark.parametrize(("retracted", "kept"), [("extra.yaml", "case.yaml"), ("case.yaml", "extra.yaml")])
def test_retract_removes_exactly_what_a_source_added(retracted: str, kept: str, tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    shutil.copy(SAMPLE_CASE, data / "case.yaml")
    (data / "extra.yaml").write_text(SHARED, encoding="utf-8")
    store = tmp_path / "store"
    ok(run_kg("--store", str(store), "ingest", str(data / "case.yaml"), str(data / "extra.yaml")))
    both = export_nq(store)
    sophia = f"<{BASE}person/sophia-bryskine>"
    assert sum(1 for line in both.splitlines() if line.startswith(f"{sophia} <http://www.w3.org/2000/01/"
                                                                   "rdf-schema#label>")) == 2  # one per source

    result = ok(run_kg("--store", str(store), "retract", retracted))
    assert result.stdout.startswith(f"retracted {retracted} (")
    after = export_nq(store)
    assert f'{sophia} <http://www.w3.org/2000/01/rdf-schema#label> "Sophia Bryskine"' in after  # shared: survives
    assert f"<{BASE}source/{retracted}>" not in after
    assert f"<{BASE}source/{retracted}>" not in export_nq(store, "--include-log")

    fresh = tmp_path / "fresh"
    ok(run_kg("--store", str(fresh), "ingest", str(data / kept)))
    assert after == export_nq(fresh)
    stats = ok(run_kg("--store", str(store), "stats", "--sources")).stdout
    assert kept in stats and retracted not in stats


def test_readers_see_the_last_finished_write_never_one_in_progress(sample_store: Path, tmp_path: Path) -> None:
    extra = tmp_path / "extra.yaml"
    extra.write_text("people:\n  - id: x\n    name: Extra Person\n", encoding="utf-8")
    writer = start_holder(sample_store, extra)  # has written extra.yaml, has not finished
    try:
        during = ok(run_kg("--store", str(sample_store), "stats", "--sources")).stdout
        assert re.search(r"people\s+2\n", during) and "extra.yaml" not in during
        assert "Extra Person" not in export_nq(sample_store)
    finally:
        assert writer.stdin is not None
        writer.stdin.close()
        assert writer.wait() == 0
    after = ok(run_kg("--store", str(sample_store), "stats", "--sources")).stdout
    assert re.search(r"people\s+3\n", after) and "extra.yaml" in after
    assert "Extra Person" in export_nq(sample_store)


def test_a_reader_of_a_store_without_a_snapshot_publishes_one(sample_store: Path) -> None:
    snapshots = sample_store.with_name("store.snapshots")
    assert (snapshots / "current").is_symlink()
    shutil.rmtree(snapshots)  # as a store written by an older kg
    stats = ok(run_kg("--store", str(sample_store), "stats"))
    assert re.search(r"people\s+2\n", stats.stdout)
    assert (snapshots / "current").is_symlink()
    assert len(list(snapshots.glob("*.lock"))) == 1


def test_old_snapshots_are_pruned_but_never_under_a_reader(sample_store: Path, tmp_path: Path) -> None:
    snapshots = sample_store.with_name("store.snapshots")

    def published() -> list[str]:
        return sorted(p.name for p in snapshots.iterdir() if p.is_dir() and not p.is_symlink())

    [first] = published()
    before = len(dump(sample_store))
    reader = KgStore.open_read_only(sample_store)
    try:
        assert reader.ox.query("ASK { GRAPH ?g { ?s ?p ?o } }")
        (tmp_path / "extra.yaml").write_text("people:\n  - id: x\n    name: Extra Person\n", encoding="utf-8")
        ok(run_kg("--store", str(sample_store), "ingest", "extra.yaml", cwd=tmp_path))
        held = published()
        assert len(held) == 2 and first in held  # the reader's snapshot survives the writer
        assert os.readlink(snapshots / "current") != first
        assert len(list(reader.ox.quads_for_pattern(None, None, None, None))) == before < len(dump(sample_store))
    finally:
        reader.close()
    ok(run_kg("--store", str(sample_store), "ingest", str(SAMPLE_CASE)))
    assert first not in published() and len(published()) == 1


def test_a_build_keeps_the_last_good_version_of_a_file_that_went_bad(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    shutil.copy(SAMPLE_CASE, data / "case.yaml")
    (data / "extra.yaml").write_text(SHARED, encoding="utf-8")
    store, out = tmp_path / "store", tmp_path / "out"
    ok(run_kg("--store", str(store), "build", str(data), "-o", str(out)))
    before = export_nq(store)
    turtle = (out / "graph.ttl").read_bytes()
    (data / "extra.yaml").write_text(SHARED.replace("name: Another Person", "name: [Another, Person]"),
                                     encoding="utf-8")
    result = run_kg("--store", str(store), "build", str(data), "-o", str(out))
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        f"kg: error: {data / 'extra.yaml'}:5: people[1] 'new-person': field 'name' must be text, not list",
        "kg: 1 source(s) failed and were left as they were: extra.yaml",
    ]
    assert "case.yaml" in result.stdout and "extra.yaml" not in result.stdout
    assert export_nq(store) == before  # extra.yaml's last good graph is kept, not pruned
    assert (out / "graph.ttl").read_bytes() == turtle
