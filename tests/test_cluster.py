"""Preparing sources on a real Dask cluster (a `dask scheduler` and two `dask worker` processes on
loopback) gives exactly what a local build gives: the same outputs, byte for byte, the same report
and the same one-line errors, even when a worker is killed mid-task."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from distributed import Client

from kg.build import cluster
from kg.cli import main
from kg.errors import InputError
from kg.synth import world as synth

from conftest import free_port

OUTPUTS = ("graph.ttl", "graph.trig", "graph.html")


class DaskCluster:
    """`dask scheduler` and ``workers`` single-threaded `dask worker` processes (each with its nanny,
    which starts a new worker process when one dies), on loopback."""

    def __init__(self, folder: Path, workers: int) -> None:
        folder.mkdir()
        self.folder, self.file = folder, folder / "scheduler.json"
        self.processes = [self._start("scheduler", "--host", "127.0.0.1", "--port", "0")]
        deadline = time.monotonic() + 60
        while not (self.file.exists() and self.file.read_text().rstrip().endswith("}")) \
                and time.monotonic() < deadline:  # the scheduler may be half-way through writing it
            time.sleep(0.1)
        self.address = json.loads(self.file.read_text())["address"]
        for n in range(workers):
            self.processes.append(self._start("worker", "--nthreads", "1", "--name", f"w{n}",
                                              "--local-directory", str(folder / f"w{n}")))
        self.client = Client(self.address, timeout=30)
        self.client.wait_for_workers(workers, timeout=120)

    def _start(self, role: str, *arguments: str) -> subprocess.Popen[bytes]:
        log = (self.folder / f"{role}-{len(getattr(self, 'processes', []))}.log").open("wb")
        return subprocess.Popen([sys.executable, "-m", "dask", role, *arguments, "--scheduler-file", str(self.file),
                                 "--no-dashboard"], stdout=log, stderr=subprocess.STDOUT)

    def executing(self) -> dict[str, list[str]]:
        """What each worker is running right now: worker address -> task keys."""
        return self.client.run(lambda dask_worker: [str(t.key) for t in dask_worker.state.executing])

    def close(self) -> None:
        self.client.close()
        for process in reversed(self.processes):
            process.terminate()
        for process in self.processes:
            process.wait(30)


@pytest.fixture(scope="module")
def dask_cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DaskCluster]:
    running = DaskCluster(tmp_path_factory.mktemp("dask") / "cluster", 2)
    yield running
    running.close()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A generated case with 12 articles (every format, some with sidecars), a long article that
    keeps a worker busy for a while, and two sources that fail: an empty article and a bad case file."""
    folder = tmp_path_factory.mktemp("corpus") / "case"
    synth.generate(3_000, 21, folder, articles=12)
    stories = sorted((folder / "articles").glob("*.txt"))
    long_text = "\n\n".join(p.read_text(encoding="utf-8") for p in stories) * 4
    (folder / "articles" / "zz-long-report.txt").write_text(long_text, encoding="utf-8")
    (folder / "articles" / "empty.txt").write_text("", encoding="utf-8")
    (folder / "broken.json").write_text('{"people": [{"id": "x"}]}', encoding="utf-8")
    return folder


Built = tuple[int, str, str, dict[str, str]]


def _outputs(out: Path) -> dict[str, str]:
    """Each output's sha256: equal digests, equal bytes (and short messages when they are not)."""
    return {name: hashlib.sha256((out / name).read_bytes()).hexdigest() for name in OUTPUTS}


def _build(tmp: Path, corpus: Path, *options: str) -> Built:
    """``kg build`` (a fresh process, as a user runs it): exit code, stdout, stderr and the outputs' digests."""
    tmp.mkdir(exist_ok=True)  # the store and outputs are named relative to it, so reports compare equal
    result = subprocess.run(_kg_build(corpus, *options), capture_output=True, text=True, timeout=600, cwd=tmp,
                            env={**os.environ, "KG_WORKERS": "0"})
    return result.returncode, result.stdout, result.stderr, _outputs(tmp / "out")


def _kg_build(corpus: Path, *options: str) -> list[str]:
    return [sys.executable, "-m", "kg", "--store", "store", "build", str(corpus), "-o", "out", *options]


@pytest.fixture(scope="module")
def local_build(tmp_path_factory: pytest.TempPathFactory, corpus: Path) -> Built:
    return _build(tmp_path_factory.mktemp("local"), corpus)


def test_a_build_on_the_cluster_equals_a_local_build_byte_for_byte(
        tmp_path: Path, corpus: Path, dask_cluster: DaskCluster,
        local_build: Built) -> None:
    code, stdout, stderr, _outputs = local_build
    assert code == 2  # the two bad sources
    assert f"kg: error: {corpus / 'articles' / 'empty.txt'}: file is empty\n" in stderr
    assert f"kg: error: {corpus / 'broken.json'}: people[0] 'x': field 'name' is required\n" in stderr
    assert "sources: 16 added, 2 failed\n" in stdout
    assert _build(tmp_path / "bytes", corpus, "--dask", dask_cluster.address) == local_build
    # the workers read the files themselves: the errors still name them as given here
    assert _build(tmp_path / "shared", corpus, "--dask", dask_cluster.address, "--dask-shared-path") == local_build


def test_a_worker_killed_mid_task_is_replaced_and_the_build_is_unchanged(
        tmp_path: Path, corpus: Path, dask_cluster: DaskCluster,
        local_build: Built) -> None:
    build = subprocess.Popen(_kg_build(corpus, "--dask", dask_cluster.address), cwd=tmp_path,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    pids = dask_cluster.client.run(os.getpid)
    victim = None
    deadline = time.monotonic() + 300
    while victim is None and time.monotonic() < deadline and build.poll() is None:
        for worker, keys in dask_cluster.executing().items():
            if any("zz-long-report.txt" in key for key in keys):
                victim = pids[worker]
        time.sleep(0.05)
    assert victim is not None, "the long article never ran"
    os.kill(victim, signal.SIGKILL)  # while it prepares the long article
    stdout, stderr = build.communicate(timeout=600)
    assert (build.returncode, stdout, stderr, _outputs(tmp_path / "out")) == local_build
    dask_cluster.client.wait_for_workers(2, timeout=120)  # its nanny started a new worker
    assert victim not in dask_cluster.client.run(os.getpid).values()


def test_an_unreachable_scheduler_is_one_line(tmp_path: Path, corpus: Path) -> None:
    config = tmp_path / "kg.toml"
    config.write_text(f'[cluster]\ndask = "tcp://127.0.0.1:{free_port()}"\ntimeout = 2\n', encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "kg", "--store", str(tmp_path / "store"), "build", str(corpus),
                             "-o", str(tmp_path / "out")], capture_output=True, text=True, timeout=120,
                            env={**os.environ, "KG_CONFIG": str(config)})
    assert result.returncode == 1
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("kg: error: --dask tcp://127.0.0.1:") and "cannot reach the Dask scheduler" in lines[0]
    assert not (tmp_path / "out").exists()


def test_workers_with_other_versions_stop_the_build_before_anything_is_written(
        tmp_path: Path, corpus: Path, dask_cluster: DaskCluster, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    from kg.build import remote

    here = ("kg 9.9.9", *cluster.fingerprint()[1:])
    monkeypatch.setattr(remote, "fingerprint", lambda: here)
    code = main(["--store", str(tmp_path / "store"), "ingest", str(corpus / "background.yaml"),
                 "--dask", dask_cluster.address])
    error = capsys.readouterr().err
    assert code == 1
    assert error.startswith("kg: error: the Dask worker tcp://127.0.0.1:") and error.count("\n") == 1
    assert f"runs {', '.join(cluster.fingerprint())}; this machine runs kg 9.9.9" in error
    assert not (tmp_path / "store").exists() or main(["--store", str(tmp_path / "store"), "stats"]) == 0


def test_ctrl_c_cancels_the_tasks_left(tmp_path: Path, corpus: Path, dask_cluster: DaskCluster) -> None:
    build = subprocess.Popen(_kg_build(corpus, "--dask", dask_cluster.address), cwd=tmp_path,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 300
    while not any(dask_cluster.executing().values()) and time.monotonic() < deadline:
        time.sleep(0.05)
    build.send_signal(signal.SIGINT)
    _stdout, stderr = build.communicate(timeout=120)
    assert build.returncode == 130 and stderr.endswith("kg: interrupted\n"), stderr
    deadline = time.monotonic() + 30
    while dask_cluster.client.run_on_scheduler(lambda dask_scheduler: len(dask_scheduler.tasks)) and \
            time.monotonic() < deadline:
        time.sleep(0.1)
    assert dask_cluster.client.run_on_scheduler(lambda dask_scheduler: len(dask_scheduler.tasks)) == 0
    assert not (tmp_path / "out").exists()


def test_extract_on_the_cluster_writes_what_it_writes_here(tmp_path: Path, corpus: Path,
                                                           dask_cluster: DaskCluster) -> None:
    articles = [str(p) for p in sorted((corpus / "articles").glob("0000*"))[:4] if not p.name.endswith(".yaml")]
    here = subprocess.run([sys.executable, "-m", "kg", "extract", *articles, "-o", str(tmp_path / "here")],
                          capture_output=True, text=True, timeout=300)
    there = subprocess.run([sys.executable, "-m", "kg", "extract", *articles, "-o", str(tmp_path / "there"),
                            "--dask", dask_cluster.address], capture_output=True, text=True, timeout=300)
    assert here.returncode == there.returncode == 0, there.stderr
    assert here.stderr.replace("here", "there") == there.stderr
    written = sorted(p.name for p in (tmp_path / "here").iterdir())
    assert len(written) == len(articles)
    for name in written:
        assert (tmp_path / "here" / name).read_bytes() == (tmp_path / "there" / name).read_bytes()


def test_cluster_settings_from_the_command_line_and_kg_toml(tmp_path: Path) -> None:
    config = tmp_path / "kg.toml"
    assert cluster.options_from(None, False, None) is None
    assert cluster.options_from("local:3", False, None) == cluster.ClusterOptions("local:3")
    table = (config, {"dask": "tcp://10.0.0.5:8786", "shared-path": True, "timeout": 4})
    assert cluster.options_from(None, False, table) == cluster.ClusterOptions("tcp://10.0.0.5:8786", True, 4.0)
    assert cluster.options_from("sched:8786", False, table) == cluster.ClusterOptions("sched:8786", True, 4.0)
    for address, bad in (("local:0", "local:N needs"), ("nowhere", "expected a scheduler address"),
                         ("local:x", "local:N needs")):
        with pytest.raises(InputError, match=bad):
            cluster.options_from(address, False, None)
    with pytest.raises(InputError, match="--dask-shared-path needs --dask"):
        cluster.options_from(None, True, None)
    with pytest.raises(InputError, match=r"\[cluster\] unknown key 'workers'"):
        cluster.options_from(None, False, (config, {"workers": 4}))
    with pytest.raises(InputError, match="timeout must be a positive"):
        cluster.options_from(None, False, (config, {"dask": "local:2", "timeout": 0}))


def test_the_client_holds_at_most_the_window_of_sources_whatever_finishes_first(
        tmp_path: Path, corpus: Path, dask_cluster: DaskCluster) -> None:
    """Results come back in completion order: with the long report first, the short ones finish
    before it, and still no more than the window (2 per worker thread) are sent but not handed over."""
    from kg.build.remote import DaskExecutor
    from kg.build.sources import discover, source_name
    from kg.ingest.folder import Admitted
    from kg.iris import Minter

    admitted: dict[Path, Admitted] = {}
    paths = [p for p in discover(corpus, admitted=admitted) if p.name not in ("empty.txt", "broken.json")]
    paths.sort(key=lambda p: p.name != "zz-long-report.txt")
    jobs = [(path, source_name(path, corpus)) for path in paths]
    preparing = DaskExecutor(dask_cluster.client)(jobs, Minter("https://example.org/case/"), tmp_path, admitted)
    try:
        names = [preparing.next().name for _ in jobs]
    finally:
        preparing.close()
    assert names == [name for _, name in jobs]
    window = cluster.TASKS_PER_THREAD * sum(dask_cluster.client.nthreads().values())
    assert len(jobs) > 3 * window and 0 < preparing.stream.most_held <= window


def test_local_workers_run_without_dasks_statistical_profiler() -> None:
    """``local:N`` starts its workers without the profiler that samples their stacks every 10 ms
    (13% of a worker's CPU on extraction), and with their other periodic duties."""
    with cluster.connected(cluster.ClusterOptions("local:1")) as client:
        duties = next(iter(client.run(lambda dask_worker: sorted(dask_worker.periodic_callbacks)).values()))
    assert "heartbeat" in duties and not any(name.startswith("profile") for name in duties)
