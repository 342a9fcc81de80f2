"""What a person sees of the edit-build loop: progress on a terminal only, --timings, the no-op
build, and one rule for where the curation file is (with a warning for one that is not used)."""

from __future__ import annotations

import os
import pty
import select
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
KG = [sys.executable, "-m", "kg"]


def _run(cwd: Path, *argv: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*KG, *argv], cwd=cwd, capture_output=True, text=True, timeout=300,
                          env={**os.environ, **(env or {})})


def _on_a_terminal(cwd: Path, *argv: str) -> tuple[str, str]:
    """Run with stderr on a pseudo-terminal (as in a person's shell) and stdout on a pipe."""
    leader, follower = pty.openpty()
    proc = subprocess.Popen([*KG, *argv], cwd=cwd, stdout=subprocess.PIPE, stderr=follower,
                            env={**os.environ, "COLUMNS": "100", "TERM": "xterm"})
    os.close(follower)
    seen = b""
    while True:
        ready, _, _ = select.select([leader], [], [], 120)
        if not ready:
            break
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        seen += chunk
    stdout = proc.communicate(timeout=120)[0].decode()
    os.close(leader)
    return stdout, seen.decode(errors="replace")


@pytest.fixture
def case(tmp_path: Path) -> Path:
    shutil.copytree(ROOT / "data", tmp_path / "case")
    return tmp_path


def test_progress_on_a_terminal_only_and_the_same_output(case: Path) -> None:
    piped = _run(case, "--store", "piped", "build", "case", "-o", "piped-out")
    assert piped.returncode == 0, piped.stderr
    assert "prepare" not in piped.stderr and "\x1b[" not in piped.stderr
    stdout, terminal = _on_a_terminal(case, "--store", "tty", "build", "case", "-o", "tty-out")
    assert "prepare" in terminal and "write" in terminal  # the stages, drawn on the terminal
    assert stdout.replace("tty-out", "piped-out") == piped.stdout  # stdout is the same either way
    quiet_out, quiet = _on_a_terminal(case, "--store", "tty", "build", "case", "-o", "tty-out", "--quiet")
    assert "prepare" not in quiet and quiet_out.startswith("nothing changed since the last build")
    forced = _run(case, "--store", "forced", "build", "case", "-o", "forced-out", "--progress")
    assert "prepare" in forced.stderr


def test_timings_and_a_build_with_nothing_to_do(case: Path) -> None:
    first = _run(case, "--store", "st", "build", "case", "--timings")
    lines = [line for line in first.stderr.splitlines() if line.startswith("kg: time: ")]
    assert [line.split()[2] for line in lines] == ["check", "discover", "prepare", "resolve", "write", "outputs"]
    again = _run(case, "--store", "st", "build", "case")
    assert again.returncode == 0
    assert again.stdout.startswith("nothing changed since the last build (")
    assert again.stdout.splitlines()[1:] == first.stdout.splitlines()[-8:]  # the same stats
    (case / "outputs" / "graph.ttl").write_text("edited by hand\n", encoding="utf-8")
    repaired = _run(case, "--store", "st", "build", "case")
    assert "nothing changed" not in repaired.stdout
    fresh = _run(case, "--store", "fresh", "build", "case", "-o", "fresh-out")
    assert fresh.returncode == 0
    for name in ("graph.ttl", "graph.trig", "graph.html"):
        assert (case / "outputs" / name).read_bytes() == (case / "fresh-out" / name).read_bytes()


def test_decisions_land_where_the_build_reads_them(case: Path) -> None:
    (case / "data").mkdir()
    assert _run(case, "--store", "st", "build", "case").returncode == 0
    merged = _run(case, "--store", "st", "merge", "person/jinato-liu", "person/jinato-liu-2", "--reason", "x",
                  "--no-check")
    assert merged.returncode == 0, merged.stderr
    assert f"in {case / 'case' / 'curation.yaml'}" in merged.stdout  # the folder the store was built from
    assert not (case / "data" / "curation.yaml").exists()
    (case / "data" / "curation.yaml").write_text("decisions: []\n", encoding="utf-8")
    warned = _run(case, "--store", "st", "build", "case")
    assert "kg: warning: data/curation.yaml exists but is not used: the decisions applied are those in " \
           "case/curation.yaml" in warned.stderr
    named = _run(case, "--store", "st", "build", "case", env={"KG_CURATION": "data/curation.yaml"})
    assert "case/curation.yaml exists but is not used" in named.stderr
    (case / "kg.toml").write_text('[build]\ncuration = "case/curation.yaml"\ncuraton = 1\n[clustr]\n',
                                  encoding="utf-8")
    configured = _run(case, "--store", "st", "build", "case")
    assert "kg.toml: [build] unknown key 'curaton' is ignored" in configured.stderr
    assert "kg.toml: unknown table or key 'clustr' is ignored" in configured.stderr
    typo = _run(case, "build", "case", "--curaton", "x.yaml")
    assert typo.returncode == 2 and "unrecognized arguments: --curaton x.yaml; did you mean --curation?" in typo.stderr


def test_kg_init_writes_a_folder_that_builds(tmp_path: Path) -> None:
    made = _run(tmp_path, "init", "case")
    assert made.returncode == 0
    assert made.stdout.endswith("next: cd case && kg build    # then open outputs/graph.html\n")
    built = _run(tmp_path / "case", "build")
    assert built.returncode == 0, built.stderr
    assert "added  case.yaml" in built.stdout and "wrote outputs/graph.html" in built.stdout
    assert _run(tmp_path / "case", "build").stdout.startswith("nothing changed")
    again = _run(tmp_path, "init", "case")
    assert again.returncode == 2 and "exists and is not an empty folder" in again.stderr
    for line, expected in (("kg bui", ["build"]), ("kg build --tim", ["--timings"]),
                           ("kg ask claims-", ["claims-about", "claims-by"]),
                           ("kg merge person/", ["person/alex-example"])):
        assert _completions(tmp_path / "case", line) == expected


def _completions(cwd: Path, line: str) -> list[str]:
    """What the shell offers after ``line`` (argcomplete's protocol, as its bash hook runs kg)."""
    answer = cwd / ".completions"
    env = {"_ARGCOMPLETE": "1", "COMP_LINE": line, "COMP_POINT": str(len(line)), "_ARGCOMPLETE_IFS": "\n",
           "_ARGCOMPLETE_STDOUT_FILENAME": str(answer)}
    subprocess.run([*KG], cwd=cwd, env={**os.environ, **env}, capture_output=True, timeout=120, check=False)
    found = answer.read_text(encoding="utf-8").split("\n")
    answer.unlink()
    return sorted(word.strip() for word in found if word.strip())


def test_progress_of_extract_and_export_on_a_terminal_only(case: Path) -> None:
    from documents_support import real_texts

    news = case / "news"
    news.mkdir()
    for text in real_texts():
        (news / f"{text.name}.txt").write_text(text.title + "\n\n" + "\n\n".join(text.paragraphs), encoding="utf-8")
    piped = _run(case, "extract", "news", "-o", "piped")
    assert piped.returncode == 0, piped.stderr
    assert "\x1b[" not in piped.stderr and "extract " not in piped.stderr.replace("extracted ", "")
    stdout, terminal = _on_a_terminal(case, "extract", "news", "-o", "tty")
    assert "read" in terminal and "extract" in terminal and "3/3" in terminal  # the bars, with their counts
    assert stdout == piped.stdout
    assert sorted(p.read_bytes() for p in (case / "tty").iterdir()) == \
        sorted(p.read_bytes() for p in (case / "piped").iterdir())
    assert _run(case, "--store", "st", "build", "case").returncode == 0
    plain = _run(case, "--store", "st", "export", "--format", "trig", "-o", "plain.trig")
    assert plain.returncode == 0 and "\x1b[" not in plain.stderr and plain.stderr.startswith("wrote plain.trig")
    _, terminal = _on_a_terminal(case, "--store", "st", "export", "--format", "trig", "-o", "tty.trig")
    assert "read" in terminal and "write" in terminal
    assert (case / "tty.trig").read_bytes() == (case / "plain.trig").read_bytes()
    _, quiet = _on_a_terminal(case, "--store", "st", "export", "-q", "-o", "quiet.ttl")
    assert "\x1b[" not in quiet and quiet.startswith("wrote quiet.ttl")
    forced = _run(case, "--store", "st", "export", "--progress", "-o", "forced.ttl")
    assert [line.split()[1] for line in forced.stderr.splitlines()[:2]] == ["read", "write"]
