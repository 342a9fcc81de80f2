"""kill -9 at random moments: ``kg build`` (incremental: sources added, changed and removed) and
``kg export``. Right after each kill, readers see the store as before or after that build, never
between, and every output file is whole (the previous one or the new one); the next ``kg build``
then leaves a store and outputs that equal a clean build of the folder.

The moment of each kill is drawn from a seeded generator over the time one build takes here, so a
trial hits preparing, resolving, writing the store, writing the outputs or publishing. CI runs a
few trials (``KG_KILL_TRIALS``, 3 by default; ``KG_KILL_SEED`` picks other moments).
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import SAMPLE_CASE, dump_store

TRIALS = int(os.environ.get("KG_KILL_TRIALS", "3"))
SEED = int(os.environ.get("KG_KILL_SEED", "16"))
OUTPUTS = ("graph.ttl", "graph.trig", "graph.html")
ARTICLE = ("Port authority spokeswoman Mia Holt said on Monday that the harbour would reopen next week. "
           "Ivo Brandt, the union's leader, denied that the workers had agreed.\n")


def people(prefix: str, count: int, role: str) -> str:
    lines = ["organizations:", f"  - id: {prefix}-org", f"    name: {prefix.title()} Shipping Group", "people:"]
    for i in range(count):
        lines += [f"  - id: {prefix}{i}", f"    name: {prefix.title()} Person{i} Example", "    affiliations:",
                  f"      - organization: {prefix}-org", f"        role: {role} {i}"]
    return "\n".join(lines) + "\n"


# the folder's versions, built one after the other: sources added, changed, removed
VERSIONS: list[dict[str, str]] = [
    {"extra.yaml": people("crew", 120, "clerk"), "news/holt.txt": ARTICLE},
    {"extra.yaml": people("crew", 150, "pilot"), "more.yaml": people("dock", 80, "guard"), "news/holt.txt": ARTICLE},
    {"more.yaml": people("dock", 60, "guard")},
]


def lay_out(data: Path, version: dict[str, str]) -> None:
    for old in [p for p in data.rglob("*") if p.is_file() and p.name != "case.yaml"]:
        old.unlink()
    for name, text in version.items():
        (data / name).parent.mkdir(parents=True, exist_ok=True)
        (data / name).write_text(text, encoding="utf-8")


def kg(root: Path, *args: str) -> subprocess.Popen[str]:
    env = {**os.environ, "TMPDIR": str(root / "tmp"), "KG_WORKERS": "0"}
    return subprocess.Popen([sys.executable, "-m", "kg.cli", "--store", str(root / "store"), *args], cwd=root,
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def build(root: Path) -> subprocess.Popen[str]:
    return kg(root, "build", str(root / "data"), "-o", str(root / "out"), "--no-progress")


def finished(proc: subprocess.Popen[str]) -> str:
    out, err = proc.communicate(timeout=300)
    assert proc.returncode == 0 and "Traceback" not in err, err
    return out


def new_case(root: Path) -> Path:
    (root / "data").mkdir(parents=True)
    (root / "tmp").mkdir()
    shutil.copy(SAMPLE_CASE, root / "data" / "case.yaml")
    return root


class Seen:
    """What a version looks like: the exported graph (what readers see) and the outputs' bytes."""

    def __init__(self, root: Path) -> None:
        self.graph = exported(root)
        self.files = {name: (root / "out" / name).read_bytes() for name in OUTPUTS}


def exported(root: Path) -> bytes:
    proc = kg(root, "export", "--format", "nq", "-o", "-")
    return finished(proc).encode()


@pytest.fixture(scope="module")
def clean(tmp_path_factory: pytest.TempPathFactory) -> list[Seen]:
    """Each version built from scratch in a folder of its own; and how long one build takes."""
    seen = []
    for version in VERSIONS:
        root = new_case(tmp_path_factory.mktemp("clean"))
        lay_out(root / "data", version)
        finished(build(root))
        seen.append(Seen(root))
    return seen


def read_view(root: Path) -> list[str]:
    """The published snapshot, without the log graph (its ingest times differ from a clean build's)."""
    log = "graph/ingest-log>"
    return [q for q in dump_store(root / "store.snapshots" / "current") if not q.rstrip(" .").endswith(log)]


def test_kill_9_during_kg_build_at_random_moments(tmp_path: Path, clean: list[Seen]) -> None:
    root = new_case(tmp_path)
    lay_out(root / "data", VERSIONS[0])
    started = time.monotonic()
    finished(build(root))
    took = time.monotonic() - started
    rng = random.Random(SEED)
    killed, saw_new = 0, 0
    for trial in range(TRIALS):
        before_graph = exported(root)
        before_view = read_view(root)
        before_files = {name: (root / "out" / name).read_bytes() for name in OUTPUTS}
        target = (trial + 1) % len(VERSIONS)
        lay_out(root / "data", VERSIONS[target])
        proc = build(root)
        time.sleep(rng.uniform(0.05, took))
        proc.send_signal(signal.SIGKILL)
        proc.communicate()
        killed += proc.returncode == -signal.SIGKILL
        took = took if proc.returncode == -signal.SIGKILL else max(0.1, took * 0.6)  # a load spike timed it
        now = exported(root)
        assert now in (before_graph, clean[target].graph), f"trial {trial}: readers see a half-written build"
        assert now != before_graph or read_view(root) == before_view
        saw_new += now == clean[target].graph != before_graph
        for name in OUTPUTS:
            assert (root / "out" / name).read_bytes() in (before_files[name], clean[target].files[name]), name
        finished(build(root))  # the next build repairs and completes
        assert exported(root) == clean[target].graph, f"trial {trial}"
        assert {n: (root / "out" / n).read_bytes() for n in OUTPUTS} == clean[target].files, f"trial {trial}"
        assert [p.name for p in (root / "tmp").iterdir()] == []
    print(f"kg build: {killed} of {TRIALS} killed while running; readers then saw the new state {saw_new} times")
    assert killed >= (TRIALS + 1) // 2, f"only {killed} of {TRIALS} builds were still running when killed"


def test_kill_9_during_kg_export_leaves_the_previous_file_or_the_new_one(tmp_path: Path,
                                                                         clean: list[Seen]) -> None:
    root = new_case(tmp_path)
    lay_out(root / "data", VERSIONS[1])
    finished(build(root))
    target = root / "case.trig"
    finished(kg(root, "export", "--format", "trig", "-o", str(target)))
    old = target.read_bytes()
    lay_out(root / "data", VERSIONS[2])
    finished(build(root))
    started = time.monotonic()
    finished(kg(root, "export", "--format", "trig", "-o", str(root / "timing.trig")))
    took = time.monotonic() - started
    new = (root / "timing.trig").read_bytes()
    rng = random.Random(SEED + 1)
    killed, tries = 0, 0
    while killed < TRIALS and tries < 3 * TRIALS:  # an export that finished first is no trial: kill sooner
        tries += 1
        target.write_bytes(old)
        proc = kg(root, "export", "--format", "trig", "-o", str(target))
        time.sleep(rng.uniform(0.05, took))
        proc.send_signal(signal.SIGKILL)
        proc.communicate()
        killed += proc.returncode == -signal.SIGKILL
        took = took if proc.returncode == -signal.SIGKILL else max(0.1, took * 0.6)
        assert target.read_bytes() in (old, new)
    print(f"kg export: {killed} of {tries} killed while running")
    assert killed == TRIALS, f"only {killed} of {tries} exports were still running when killed"
    finished(kg(root, "export", "--format", "trig", "-o", str(target)))
    assert target.read_bytes() == new == clean[2].files["graph.trig"]
    assert [p.name for p in root.iterdir() if p.name.endswith(".tmp")] == []  # the next export removed leftovers
