"""A case folder cannot smuggle in files from outside it: symbolic links that leave the folder, and
special files, are refused with one line each (unless --follow-symlinks); links inside are read;
loops end; a file named on the command line is read whatever it links to."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from kg.build import pipeline
from kg.build.sources import discover, is_source_name
from kg.ingest.folder import expand
from kg.store import KgStore

from conftest import run_kg

SECRET = "PRIVATE KEY 7f3a9c of Ana Ruiz"


@pytest.fixture
def case(tmp_path: Path) -> Path:
    """data/ with one real article, a link to a secret file outside, a link to a folder outside,
    a link inside, a loop, a dangling link and a FIFO."""
    outside = tmp_path / "home"
    (outside / "ssh").mkdir(parents=True)
    (outside / "ssh" / "id_rsa").write_text(f"{SECRET} said the key was hers.\n")
    (outside / "notes").mkdir()
    (outside / "notes" / "leak.txt").write_text(f"{SECRET} leaked from the notes folder.\n")
    data = tmp_path / "data"
    (data / "sub").mkdir(parents=True)
    (data / "article.txt").write_text("Council spokeswoman Mia Holt said the budget was approved.\n")
    (data / "notes.txt").symlink_to(outside / "ssh" / "id_rsa")
    (data / "linked-notes").symlink_to(outside / "notes")
    (data / "sub" / "same.txt").symlink_to(data / "article.txt")  # inside: fine
    (data / "sub" / "loop").symlink_to(data)  # a loop back to the top
    (data / "gone.txt").symlink_to(tmp_path / "missing.txt")
    os.mkfifo(data / "pipe.txt")
    return data


def test_discovery_refuses_links_out_of_the_folder_and_special_files(case: Path) -> None:
    refused: list[tuple[Path, object]] = []
    found = discover(case, refused=refused)  # type: ignore[arg-type]
    assert [p.relative_to(case).as_posix() for p in found] == ["article.txt", "sub/same.txt"]
    outside = case.parent / "home"
    assert sorted(str(e) for _, e in refused) == sorted([
        f"{case}/gone.txt: a symbolic link that leads nowhere (missing target or a loop); not read",
        f"{case}/linked-notes: a symbolic link to a folder outside {case} ({outside / 'notes'}); not read; "
        "pass --follow-symlinks to read it",
        f"{case}/notes.txt: a symbolic link to a file outside {case} ({outside / 'ssh' / 'id_rsa'}); not read; "
        "pass --follow-symlinks to read it",
        f"{case}/pipe.txt: a FIFO, not a regular file; not read",
    ])


def test_following_links_reads_outside_files_once_and_ends_loops(case: Path) -> None:
    (case / "gone.txt").unlink()
    (case / "pipe.txt").unlink()
    found = discover(case, follow_symlinks=True)
    assert sorted(p.relative_to(case).as_posix() for p in found) == [
        "article.txt", "linked-notes/leak.txt", "notes.txt", "sub/same.txt"]  # sub/loop: data, seen already


def test_kg_build_keeps_the_secret_out_of_every_output_and_lands_the_rest(case: Path, tmp_path: Path) -> None:
    out = tmp_path / "outputs"
    result = run_kg("--store", str(tmp_path / "store"), "build", str(case), "-o", str(out))
    assert result.returncode == 2
    errors = [line for line in result.stderr.splitlines() if line.startswith("kg: error:")]
    assert len(errors) == 4 and all("not read" in line for line in errors)
    assert "added  article.txt" in result.stdout
    for name in ("graph.ttl", "graph.trig", "graph.html"):
        assert SECRET not in (out / name).read_text(encoding="utf-8")
        assert "Mia Holt" in (out / name).read_text(encoding="utf-8")


def test_a_store_that_read_a_link_before_forgets_it(case: Path, tmp_path: Path) -> None:
    with KgStore.open(tmp_path / "store") as store:
        pipeline.ingest(store, [case / "notes.txt"], case)  # named on the command line: read
        assert "notes.txt" in {i.name for i in store.sources()}
        report = pipeline.build(store, case)
        assert ("notes.txt", "removed") in [(o.name, o.status) for o in report.outcomes]
        assert "notes.txt" not in {i.name for i in store.sources()}


def test_ingest_and_extract_read_named_links_but_not_links_found_in_folders_or_patterns(case: Path,
                                                                                    tmp_path: Path) -> None:
    named = expand([str(case / "notes.txt")], is_source_name)
    assert named.files == [case / "notes.txt"] and not named.refused
    folder = expand([str(case)], is_source_name)
    assert case / "notes.txt" not in folder.files and len(folder.refused) == 4
    pattern = expand([f"{case}/*.txt"], is_source_name)
    assert pattern.files == [case / "article.txt"]
    assert [str(e).split(": ", 1)[1].split(" (")[0] for _, e in pattern.refused] == [
        "a symbolic link that leads nowhere; not read", "a symbolic link to a file outside "
        f"{case}", "a FIFO, not a regular file; not read"]
    result = run_kg("extract", f"{case}/*.txt", "-o", "-")
    assert result.returncode == 2
    assert "Mia Holt" in result.stdout and SECRET not in result.stdout + result.stderr
    followed = run_kg("extract", f"{case}/notes.txt", "-o", "-")
    assert followed.returncode == 0 and "Ana Ruiz" in followed.stdout
