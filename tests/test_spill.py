"""A build keeps no source graph in memory: prepared sources wait in a private temporary folder
(N-Triples and records), are rewritten there for entity resolution, and the folder is gone after."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from kg.build import pipeline
from kg.build.sources import PreparedSource, prepare_spilled
from kg.iris import Minter
from kg.store import KgStore
from kg.store.nt import SpilledSink, TripleSink, literal

from conftest import ROOT, SAMPLE_CASE

FOLLOWUP = ROOT / "tests" / "data" / "resolve" / "followup.yaml"


def test_a_spilled_sink_reads_back_what_was_written(tmp_path: Path) -> None:
    sink = TripleSink()
    sink.text("https://x.example/a", "https://x.example/p", 'line\nbreak, "quote", \u2028separator, \\ slash')
    sink.add("https://x.example/a", "https://x.example/q", literal("7", "http://www.w3.org/2001/XMLSchema#integer"))
    sink.link("https://x.example/a", "https://x.example/r", "https://x.example/b")
    spilled = sink.spill(tmp_path / "a.nt")
    assert len(spilled) == len(sink) == 3
    assert list(spilled.lines()) == list(sink.lines())
    assert spilled.nquads("https://x.example/g") == sink.nquads("https://x.example/g")
    SpilledSink.CHUNK_LINES, old = 2, SpilledSink.CHUNK_LINES
    try:
        pieces = list(spilled.chunks("https://x.example/g"))
    finally:
        SpilledSink.CHUNK_LINES = old
    assert len(pieces) == 2 and "".join(pieces) == sink.nquads("https://x.example/g")
    spilled.remove()
    assert not (tmp_path / "a.nt").exists()


def test_a_spilled_source_keeps_only_its_mentions_in_memory(tmp_path: Path) -> None:
    prepared = prepare_spilled(SAMPLE_CASE, "case.yaml", Minter(), tmp_path)
    assert prepared.case is None and prepared.mentions
    assert isinstance(prepared.sink, SpilledSink) and prepared.sink.path.parent == tmp_path
    case = prepared.load_case()
    assert case is not None and {m.id for m in prepared.mentions} == set(case.entities)
    assert prepared.case_file is None  # read back once, then deleted
    prepared.discard()
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("followup", [False, True])  # with the follow-up, resolution rewrites sources
def test_a_build_spills_and_cleans_up(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, sample_dir: Path,
                                      followup: bool) -> None:
    if followup:
        shutil.copy(FOLLOWUP, sample_dir / "followup.yaml")
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    spilled = KgStore.in_memory()
    report = pipeline.build(spilled, sample_dir)
    assert not report.failed and list(scratch.iterdir()) == []
    # the same graph as sources prepared and rewritten in memory
    monkeypatch.setattr(PreparedSource, "spill", lambda self, directory: None)
    kept = KgStore.in_memory()
    assert [(o.name, o.triples) for o in pipeline.build(kept, sample_dir).outcomes] == \
        [(o.name, o.triples) for o in report.outcomes]
    assert sorted(map(str, kept.quads())) == sorted(map(str, spilled.quads()))



def test_a_build_removes_what_killed_builds_left(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                                 sample_dir: Path) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True,
                          check=True)
    killed = tmp_path / f"kg-build-{gone.stdout.strip()}-abc"
    running = tmp_path / f"kg-build-{os.getpid()}-def"  # a build still running (here: this process)
    for folder in (killed, running):
        folder.mkdir()
        (folder / "x.nt").write_text("", encoding="utf-8")
    assert not pipeline.build(KgStore.in_memory(), sample_dir).failed
    assert not killed.exists() and running.exists()
