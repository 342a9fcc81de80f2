"""The folder rule holds between discovery and reading: a file swapped for a link (or another file,
or a FIFO) after the folder was listed is refused when it is opened, never followed.

Discovery lists the folder long before a build reads each file; whoever can write the folder
(a sync client, a colleague's script, an unpacking zip) could swap ``notes.txt`` for a link to
``~/.ssh/id_rsa`` in between. Each test makes that swap at exactly that moment.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from kg.build import incremental, pipeline
from kg.build.sources import discover, is_source_name
from kg.errors import InputError
from kg.ingest.folder import Admitted, expand
from kg.ingest.guard import read_source_bytes
from kg.store import KgStore

SECRET = "PRIVATE KEY 91c4 of Ana Ruiz"
NOTES = "Council spokeswoman Mia Holt said the budget was approved on Monday.\n"


@pytest.fixture
def case(tmp_path: Path) -> Path:
    """data/ with notes.txt, sub/report.txt, an inside link; and outside it, the secret."""
    outside = tmp_path / "home"
    (outside / "sub").mkdir(parents=True)
    (outside / "id_rsa").write_text(f"{SECRET} said the key was hers.\n")
    (outside / "sub" / "report.txt").write_text(f"{SECRET} leaked from a folder.\n")
    data = tmp_path / "data"
    (data / "sub").mkdir(parents=True)
    (data / "notes.txt").write_text(NOTES)
    (data / "sub" / "report.txt").write_text("The port authority said the harbour would reopen.\n")
    (data / "same.txt").symlink_to(data / "notes.txt")
    return data


def listed(data: Path) -> dict[Path, Admitted]:
    admitted: dict[Path, Admitted] = {}
    discover(data, admitted=admitted)
    assert sorted(p.relative_to(data).as_posix() for p in admitted) == ["notes.txt", "same.txt", "sub/report.txt"]
    return admitted


def to_link(path: Path, target: Path) -> None:
    path.unlink()
    path.symlink_to(target)


def refused(path: Path, admitted: Admitted) -> str:
    with pytest.raises(InputError) as caught:
        read_source_bytes(path, admitted)
    return str(caught.value)


def test_a_file_swapped_for_a_link_is_refused_on_opening(case: Path) -> None:
    admitted = listed(case)
    to_link(case / "notes.txt", case.parent / "home" / "id_rsa")
    assert refused(case / "notes.txt", admitted[case / "notes.txt"]) == (
        f"{case}/notes.txt: became a symbolic link after the folder was read; not read")


def test_a_folder_swapped_for_a_link_is_refused_on_opening(case: Path) -> None:
    admitted = listed(case)
    (case / "sub" / "report.txt").unlink()
    (case / "sub").rmdir()
    (case / "sub").symlink_to(case.parent / "home" / "sub")  # same name, outside, behind a folder link
    assert refused(case / "sub" / "report.txt", admitted[case / "sub" / "report.txt"]) == (
        f"{case}/sub/report.txt: replaced by another file after the folder was read; not read (build again)")
    without_identity = Admitted(admitted[case / "sub" / "report.txt"].root, follow=False, link=False)
    assert refused(case / "sub" / "report.txt", without_identity) == (
        f"{case}/sub/report.txt: leads out of {case} ({case.parent}/home/sub/report.txt); not read")


def test_a_link_inside_retargeted_outside_and_a_fifo_swapped_in_are_refused(case: Path) -> None:
    admitted = listed(case)
    to_link(case / "same.txt", case.parent / "home" / "id_rsa")
    assert "replaced by another file" in refused(case / "same.txt", admitted[case / "same.txt"])
    (case / "notes.txt").unlink()
    os.mkfifo(case / "notes.txt")  # opening it must not wait for a writer
    assert refused(case / "notes.txt", admitted[case / "notes.txt"]) == f"{case}/notes.txt: not a regular file"


def test_the_file_discovery_saw_is_read_and_a_named_link_is_the_users_choice(case: Path) -> None:
    admitted = listed(case)
    assert read_source_bytes(case / "notes.txt", admitted[case / "notes.txt"]).decode() == NOTES
    assert read_source_bytes(case / "same.txt", admitted[case / "same.txt"]).decode() == NOTES
    to_link(case / "notes.txt", case.parent / "home" / "id_rsa")
    assert SECRET in read_source_bytes(case / "notes.txt").decode()  # named on the command line: read


def swapping_after(listing: Callable[..., list[Path]], swap: Callable[[], None]) -> Callable[..., list[Path]]:
    def listed_then_swapped(*args: object, **kwargs: object) -> list[Path]:
        found = listing(*args, **kwargs)
        swap()
        return found
    return listed_then_swapped


@pytest.mark.parametrize("workers", ["0", "2"])
def test_kg_build_refuses_a_link_swapped_in_after_discovery(case: Path, tmp_path: Path, workers: str,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KG_WORKERS", workers)  # "2": the files are opened in spawned worker processes
    monkeypatch.setattr(incremental, "discover", swapping_after(
        incremental.discover, lambda: to_link(case / "notes.txt", case.parent / "home" / "id_rsa")))
    with KgStore.open(tmp_path / "store") as store:
        report = pipeline.build(store, case)
        stored = "\n".join(str(q) for q in store.quads(include_log=True))
    failed = {o.name: str(o.error) for o in report.failed}
    assert failed == {  # same.txt linked to notes.txt, so it now leads to the secret too
        "notes.txt": f"{case}/notes.txt: became a symbolic link after the folder was read; not read",
        "same.txt": f"{case}/same.txt: replaced by another file after the folder was read; not read (build again)"}
    assert [o.name for o in report.outcomes if o.status == "added"] == ["sub/report.txt"]
    assert SECRET not in stored and "harbour" in stored


def test_kg_ingest_of_a_folder_refuses_a_link_swapped_in_after_listing(case: Path, tmp_path: Path) -> None:
    found = expand([str(case)], is_source_name)
    to_link(case / "sub" / "report.txt", case.parent / "home" / "id_rsa")
    with KgStore.open(tmp_path / "store") as store:
        report = pipeline.ingest(store, found.files, case, admitted=found.admitted)
        stored = "\n".join(str(q) for q in store.quads(include_log=True))
    assert [str(o.error) for o in report.failed] == [
        f"{case}/sub/report.txt: became a symbolic link after the folder was read; not read"]
    assert SECRET not in stored and "Mia Holt" in stored


def test_a_sidecar_that_leads_out_of_the_folder_is_refused(case: Path, tmp_path: Path) -> None:
    """Not a race: the sidecar is no source of its own, so discovery never looked at it; it is held
    to the article's folder when the article is read."""
    (case.parent / "home" / "meta.yaml").write_text(f"title: {SECRET}\n")
    (case / "notes.meta.yaml").symlink_to(case.parent / "home" / "meta.yaml")
    with KgStore.open(tmp_path / "store") as store:
        report = pipeline.build(store, case)
        stored = "\n".join(str(q) for q in store.quads(include_log=True))
    assert {o.name: str(o.error) for o in report.failed} == {
        "notes.txt": f"{case}/notes.meta.yaml: leads out of {case} ({case.parent}/home/meta.yaml); not read"}
    assert SECRET not in stored


def test_a_mapping_table_swapped_for_a_link_after_its_check_is_refused(case: Path, tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """A CSV mapping names its tables; each is opened under the mapping's folder rule, so a table
    swapped for a link out of the folder after the mapping's own check on its name is not read."""
    (case.parent / "home" / "people.csv").write_text(f"name\n{SECRET}\n")
    (case / "people.csv").write_text("name\nMia Holt\n")
    (case / "people.mapping.yaml").write_text("tables:\n  - {file: people.csv, kind: person, fields: {name: name}}\n")
    is_file = Path.is_file

    def checked_then_swapped(path: Path) -> bool:
        answer = is_file(path)
        if path == case / "people.csv" and not path.is_symlink():
            to_link(path, case.parent / "home" / "people.csv")
        return answer
    monkeypatch.setattr(Path, "is_file", checked_then_swapped)
    for mapping_admitted in (True, False):  # found in the folder; named on the command line
        with KgStore.open(tmp_path / f"store-{mapping_admitted}") as store:
            if mapping_admitted:
                report = pipeline.build(store, case)
            else:
                report = pipeline.ingest(store, [case / "people.mapping.yaml"], case)
            stored = "\n".join(str(q) for q in store.quads(include_log=True))
        assert {o.name: str(o.error) for o in report.failed} == {
            "people.mapping.yaml": f"{case}/people.csv: leads out of {case} ({case.parent}/home/people.csv); not read"}
        assert SECRET not in stored
        (case / "people.csv").unlink()
        (case / "people.csv").write_text("name\nMia Holt\n")
    monkeypatch.undo()
    (case / "people.csv").unlink()
    (case / "people.mapping.yaml").write_text(
        "tables:\n  - {file: ../home/people.csv, kind: person, fields: {name: name}}\n")
    with KgStore.open(tmp_path / "store-up") as store:
        report = pipeline.build(store, case)
    assert [str(o.error) for o in report.failed] == [
        f"{case}/people.mapping.yaml:2: tables[0]: 'file' '../home/people.csv' is outside the mapping's folder"]
