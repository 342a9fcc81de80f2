"""The incremental build's invariant: after any sequence of changes to a case folder, the store and
every output of `kg build` are byte for byte those of a build from scratch of the same files.

Hypothesis drives random sequences of edits, additions, deletions, renames, touches, curation
decisions and refused edits over a small generated case (`kg synth`); after each step the folder is
built incrementally into one store and from scratch into a new one, and the two are compared.
"""

from __future__ import annotations

import io
import shutil
import tempfile
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pyoxigraph as ox
import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from kg.cli import main
from kg.export import rdf
from kg.store import KgStore
from kg.synth.world import generate

OUTPUTS = ("graph.ttl", "graph.trig", "graph.html")
NAMES = ("Selia Peloglu", "Marta Quell", "Ivo Strand", "Dana Orlik")


@pytest.fixture(scope="module")
def seed_case(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("synth") / "case"
    generate(2500, 3, folder)
    return folder


def _kg(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = main(list(argv))
    return code, out.getvalue(), err.getvalue()


def _snapshot(store: Path, out: Path) -> dict[str, bytes]:
    found = {name: (out / name).read_bytes() for name in OUTPUTS if (out / name).exists()}
    with KgStore.open_read_only(store) as opened:
        found["store.nq"] = rdf.serialize(opened, "nq")
        found["digests"] = "\n".join(sorted(f"{q.subject} {q.object}" for q in opened.backend.quads(
            None, None, None, opened.log_graph) if q.predicate.value.endswith("resolutionDigest"))).encode()
        assert opened.ox is not None
        merge = sorted({str(q.triple) for q in opened.ox.quads_for_pattern(None, None, None, ox.DefaultGraph())})
        union = {str(q.triple) for q in opened.backend.quads() if q.graph_name != opened.log_graph}
        assert merge == sorted(union)  # the default graph is the merge of the sources (kg.store.merge)
        found["default graph"] = "\n".join(merge).encode()
    return found


class Loop(RuleBasedStateMachine):
    """One case folder, built incrementally after every change."""

    def __init__(self) -> None:
        super().__init__()
        self.root = Path(tempfile.mkdtemp(prefix="kg-loop-"))
        self.case = self.root / "case"
        self.extra = 0
        self.builds = 0

    @initialize()
    def start(self) -> None:
        shutil.copytree(CASE[0], self.case)
        self.build()

    def teardown(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)

    def build(self) -> tuple[int, str]:
        code, stdout, stderr = _kg("--store", str(self.root / "store"), "build", str(self.case),
                                   "-o", str(self.root / "out"))
        self.builds += 1
        return code, stdout + stderr

    def case_files(self) -> list[Path]:
        return sorted(p for p in self.case.rglob("*") if p.suffix in (".yaml", ".json", ".csv")
                      and p.name != "curation.yaml")

    # -- changes ------------------------------------------------------------------------------------
    @rule(name=st.sampled_from(NAMES), which=st.integers(0, 10))
    def add_person(self, name: str, which: int) -> None:
        files = [p for p in self.case_files() if p.suffix == ".yaml"]
        if not files:  # deletions left only JSON or CSV files
            self.add_file(name)
            return
        target = files[which % len(files)]
        text = target.read_text(encoding="utf-8")
        ident = f"added-{self.builds}"
        record = f"- id: {ident}\n  name: {name}\n"
        target.write_text(text.replace("people:\n", "people:\n" + record, 1) if "people:\n" in text
                          else text + "people:\n" + record, encoding="utf-8")
        self.build()

    @rule(name=st.sampled_from(NAMES))
    def add_file(self, name: str) -> None:
        self.extra += 1
        (self.case / f"extra-{self.extra}.yaml").write_text(
            f"case:\n  id: extra-{self.extra}\n  title: Extra {self.extra}\npeople:\n- id: p\n  name: {name}\n"
            f"organizations:\n- id: o\n  name: Orlik Holdings {self.extra % 2}\n", encoding="utf-8")
        self.build()

    @rule(which=st.integers(0, 10))
    def delete_file(self, which: int) -> None:
        files = self.case_files()
        if len(files) > 1:
            files[which % len(files)].unlink()
        self.build()

    @rule(which=st.integers(0, 10))
    def rename_file(self, which: int) -> None:
        files = self.case_files()
        source = files[which % len(files)]
        source.rename(source.with_name(f"renamed-{self.builds}{source.suffix}"))
        self.build()

    @rule(which=st.integers(0, 10))
    def touch(self, which: int) -> None:
        files = self.case_files()
        target = files[which % len(files)]
        target.write_bytes(target.read_bytes())
        self.build()

    @rule(a=st.sampled_from(NAMES), b=st.sampled_from(NAMES), action=st.sampled_from(["merge", "rename", "reject"]))
    def decide(self, a: str, b: str, action: str) -> None:
        curation = self.case / "curation.yaml"
        if not curation.exists():
            curation.write_text("decisions:\n", encoding="utf-8")
        entry = {"merge": f"  - action: merge\n    entities: ['person:{a}', 'person:{b}']\n    reason: same\n",
                 "rename": f"  - action: rename\n    entity: 'person:{a}'\n    name: {b} the Elder\n",
                 "reject": f"  - action: reject\n    entity: 'person:{a}'\n    reason: not a person\n"}[action]
        with curation.open("a", encoding="utf-8") as handle:
            handle.write(entry)
        self.build()

    @rule(which=st.integers(0, 10))
    def refused_edit(self, which: int) -> None:
        """A broken file is refused with one line; the store and outputs stay as they were."""
        files = self.case_files()
        target = files[which % len(files)]
        before = _snapshot(self.root / "store", self.root / "out")
        good = target.read_bytes()
        target.write_bytes(good[: len(good) // 2] + b"\n  - [unclosed: {\n")
        code, output = self.build()
        assert code != 0 and "error" in output
        assert _snapshot(self.root / "store", self.root / "out") == before
        target.write_bytes(good)
        self.build()

    # -- the invariant ------------------------------------------------------------------------------------
    @invariant()
    def same_as_from_scratch(self) -> None:
        if self.builds == 0:
            return
        fresh = self.root / f"fresh-{self.builds}"
        code, _, _ = _kg("--store", str(fresh / "store"), "build", str(self.case), "-o", str(fresh / "out"))
        if code != 0:  # e.g. a reject left a claim without its claimant: that source keeps its last good
            shutil.rmtree(fresh)  # version in the incremental store, and is absent from scratch
            return
        incremental = _snapshot(self.root / "store", self.root / "out")
        scratch = _snapshot(fresh / "store", fresh / "out")
        assert incremental.keys() == scratch.keys()
        for name in scratch:
            assert incremental[name] == scratch[name], f"{name} differs from a build from scratch"
        code, stdout, _ = _kg("--store", str(self.root / "store"), "build", str(self.case), "-o",
                              str(self.root / "out"))
        assert code == 0
        assert stdout.startswith("nothing changed"), stdout
        shutil.rmtree(fresh)


CASE: list[Path] = []


def test_incremental_build_equals_build_from_scratch(seed_case: Path) -> None:
    CASE[:] = [seed_case]
    Loop.TestCase.settings = settings(max_examples=4, stateful_step_count=5, deadline=None,
                                      suppress_health_check=list(HealthCheck))
    Loop.TestCase().runTest()
