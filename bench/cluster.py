"""Preparing sources on a Dask cluster: a local build against ``--dask`` with 1 and 2 workers.

    python bench/cluster.py [--articles 400] [--rss-articles 4000] [--repeat 2] [--seed 3] [--json PATH]

On an article-heavy corpus (``kg synth --articles N``: every article is a task) it times
``pipeline.build`` into a fresh store (preparing, resolving, writing; the outputs, which do not
depend on where sources were prepared, are left out) three ways in one run: the local
single-process build (KG_WORKERS=0), and the same build with a real ``dask scheduler`` and 1 or 2
single-threaded ``dask worker`` processes on this machine. Every build runs in a fresh client
process; workers are warmed (spaCy model loaded) first, as on a cluster that runs build after
build, and the local process loads its model before the clock starts too. Runs are interleaved
and repeated (the fastest of each kind is kept) because the machine is shared. Reported beside
the wall times: CPU seconds of the client, the workers and the scheduler, and the client's peak
RSS, which must stay flat from ``--articles`` to ``--rss-articles``. From the measured per-task
costs it prints a paper estimate for 1M articles on 10 machines of 16 cores.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import CACHE, peak_mb, process_cpu_seconds, row, run_child, write_json

CASE_TRIPLES = 2_000  # a small case beside the articles, so resolution has case-file entities too


def corpus(articles: int, seed: int) -> Path:
    from kg.synth import world as synth

    folder = CACHE / f"cluster-{articles}-{seed}"
    if not (folder / "done").exists():
        shutil.rmtree(folder, ignore_errors=True)
        synth.generate(CASE_TRIPLES, seed, folder / "case", articles=articles)
        (folder / "done").write_text("ok\n")
    return folder / "case"


def words_per_article(case: Path) -> float:
    """The articles' mean length in words, as extraction reads them."""
    from kg.ingest.article import ARTICLE_SUFFIXES, read_article

    counts = [len(read_article(p).text.split()) for p in (case / "articles").iterdir() if p.suffix in ARTICLE_SUFFIXES]
    return sum(counts) / len(counts)


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def child(mode: str, case: Path, scheduler_file: str | None) -> dict[str, Any]:
    """One build in this (fresh) process: wall, phase times, CPU of client and workers, peak RSS."""
    from kg.build import curationfile, incremental
    from kg.stages import Stages
    from kg.store import KgStore

    os.environ["KG_WORKERS"] = "0"
    phases: dict[str, float] = {}

    class Clock:  # when preparing ends (and resolution and writing start): the build's own stages
        def started(self, name: str, total: int | None) -> None:
            pass

        def advanced(self, amount: int) -> None:
            pass

        def ended(self, name: str) -> None:
            if name == "prepare":
                phases["prepared"], phases["prepared_cpu"] = time.perf_counter(), _cpu()
                phases["prepare_rss"] = peak_mb()  # the peak so far: while sending and receiving

    client = executor = None
    if scheduler_file is not None:
        from distributed import Client

        from kg.build.remote import DaskExecutor

        client = Client(scheduler_file=scheduler_file, timeout=30)
        client.run(_warm)
        executor = DaskExecutor(client)
    else:
        _warm()
    workers_before = client.run(_cpu) if client else {}
    # (RocksDB may still be compacting in its own threads when the folder goes: no error for that)
    with tempfile.TemporaryDirectory(prefix="kg-bench-cluster-", ignore_cleanup_errors=True) as scratch, \
            KgStore.open(Path(scratch)) as store:
        rss_before, cpu_before, started = peak_mb(), _cpu(), time.perf_counter()
        report = incremental.build(store, case, curationfile.choose(case).path, stages=Stages(Clock()),
                                   executor=executor).report
        wall = time.perf_counter() - started
        cpu = _cpu() - cpu_before
    workers = sum(client.run(_cpu).values()) - sum(workers_before.values()) if client else 0.0
    if client is not None:
        client.close()
    if report.failed:
        raise RuntimeError(f"{report.failed[0].name}: {report.failed[0].error}")
    return {"mode": mode, "wall": wall, "prepare": phases["prepared"] - started, "client_cpu": cpu,
            "client_prepare_cpu": phases["prepared_cpu"] - cpu_before,
            "worker_cpu": workers, "peak_rss": peak_mb(),
            "prepare_rss": phases["prepare_rss"], "rss_before": rss_before, "sources": len(report.outcomes)}


def _warm() -> None:
    from kg.extract import nlp

    nlp.load()


class Cluster:
    """A ``dask scheduler`` and ``workers`` single-threaded ``dask worker`` processes (no nanny)."""

    def __init__(self, folder: Path, workers: int) -> None:
        self.file = folder / "scheduler.json"
        dask = [sys.executable, "-m", "dask"]
        quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL,  # workers as the README starts them
                 "env": {**os.environ, "DASK_DISTRIBUTED__WORKER__PROFILE__ENABLED": "False"}}
        self.scheduler = subprocess.Popen([*dask, "scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard",
                                           "--scheduler-file", str(self.file)], **quiet)  # type: ignore[call-overload]
        deadline = time.monotonic() + 60
        while not self.file.exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        self.workers = [subprocess.Popen([*dask, "worker", "--scheduler-file", str(self.file), "--nthreads", "1",
                                          "--no-nanny", "--no-dashboard", "--local-directory", str(folder / f"w{n}")],
                                         **quiet)  # type: ignore[call-overload]
                        for n in range(workers)]
        from distributed import Client

        with Client(scheduler_file=str(self.file), timeout=30) as client:
            client.wait_for_workers(workers, timeout=120)

    def stop(self) -> None:
        for process in [*self.workers, self.scheduler]:
            process.terminate()
            process.wait(30)


def measure(mode: str, case: Path, workers: int) -> dict[str, Any]:
    script = str(Path(__file__).resolve())
    if workers == 0:
        return run_child([script, "--child", mode, "--case", str(case)], timeout=7200)
    with tempfile.TemporaryDirectory(prefix="kg-bench-dask-") as scratch:
        cluster = Cluster(Path(scratch), workers)
        try:
            before = process_cpu_seconds([cluster.scheduler.pid])
            result = run_child([script, "--child", mode, "--case", str(case), "--scheduler-file", str(cluster.file)],
                               timeout=7200)
            result["scheduler_cpu"] = process_cpu_seconds([cluster.scheduler.pid]) - before
        finally:
            cluster.stop()
    return result


def _cpu_note(r: dict[str, Any]) -> str:
    return (f"CPU s: client {r['client_cpu']:.1f}, workers {r['worker_cpu']:.1f}, scheduler "
            f"{r.get('scheduler_cpu', 0.0):.1f}; preparing {r['prepare']:.1f} s of {r['wall']:.1f} s")


def estimate(one: dict[str, Any], sources: int, words: float) -> str:
    """Wall time for 1M articles of 800 words on 10 machines of 16 cores, from this run's per-task costs.

    Preparing is spread over the 160 worker cores while the client sends and unpacks (its CPU in
    the preparing phase, per source, is a floor on how fast tasks can go by); resolution and
    writes then run on the single writer, per source as measured here."""
    n, cores = 1_000_000, 160
    task = one["worker_cpu"] / sources * 800 / words  # worker CPU s per article, scaled to 800 words
    sending = one["client_prepare_cpu"] / sources  # client CPU s per source while preparing
    writing = (one["client_cpu"] - one["client_prepare_cpu"]) / sources  # resolution + writes, per source
    scheduler = one.get("scheduler_cpu", 0.0) / sources
    prepare = n * max(task / cores, sending, scheduler)
    total = prepare + n * writing
    return (f"1M articles of 800 words on 10 machines x 16 cores: preparing {prepare / 3600:.1f} h (1M x "
            f"{task * 1000:.0f} ms worker CPU / {cores} cores; the client's {sending * 1000:.1f} ms and the "
            f"scheduler's {scheduler * 1000:.2f} ms a task keep up), then resolution and writes on the one writer "
            f"{n * writing / 3600:.1f} h ({writing * 1000:.1f} ms a source, measured at {sources:,} sources): about "
            f"{total / 3600:.1f} h; articles here average {words:.0f} words")


def _line(r: dict[str, Any]) -> str:
    """A row as one line: only the figures it has (the estimate is text alone)."""
    figures = []
    if r["kg_s"] is not None:
        figures.append(f"{r['kg_s']:.1f} s")
    if r["peak_rss_mb"] is not None:
        figures.append(f"peak RSS {r['peak_rss_mb']:.0f} MB")
    if math.isfinite(r["ratio"]):
        figures.append(f"ratio {r['ratio']:.2f} (target {r['target']}: {'met' if r['met'] else 'NOT met'})")
    return f"{r['case']} ({r['size']}): {', '.join([*figures, r['notes']])}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=400)
    parser.add_argument("--rss-articles", type=int, default=4000, help="second corpus size for the RSS row (0: none)")
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--seed", type=int, default=3)
    parser.add_argument("--json")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--case", help=argparse.SUPPRESS)
    parser.add_argument("--scheduler-file", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child, Path(args.case), args.scheduler_file)))
        return 0
    case = corpus(args.articles, args.seed)
    best: dict[str, dict[str, Any]] = {}
    for attempt in range(args.repeat):
        for mode, workers in (("local", 0), ("dask-1", 1), ("dask-2", 2)):
            print(f"[{attempt + 1}/{args.repeat}] {mode}: load {os.getloadavg()[0]:.2f}", file=sys.stderr, flush=True)
            result = measure(mode, case, workers)
            print(f"  {result['wall']:.1f} s wall; {_cpu_note(result)}", file=sys.stderr, flush=True)
            if mode not in best or result["wall"] < best[mode]["wall"]:
                best[mode] = result
    local, one, two = best["local"], best["dask-1"], best["dask-2"]
    size = f"{args.articles:,} articles"
    rows = [row("cluster", "local single process", size, kg_s=local["wall"], peak_rss_mb=local["peak_rss"],
                notes=_cpu_note(local)),
            row("cluster", "--dask, 1 worker", size, kg_s=one["wall"], anchor="local single process",
                anchor_s=local["wall"], target="<= 1.15x", peak_rss_mb=one["peak_rss"], notes=_cpu_note(one)),
            row("cluster", "--dask, 2 workers", size, kg_s=two["wall"], anchor="--dask, 1 worker",
                anchor_s=one["wall"], ratio=one["wall"] / two["wall"], target=">= 1.6x", peak_rss_mb=two["peak_rss"],
                notes=f"ratio is 1 worker's time over 2 workers' (speed-up); {_cpu_note(two)}")]
    if args.rss_articles:
        large = measure("dask-2", corpus(args.rss_articles, args.seed), 2)
        rows.append(row("cluster", "client peak RSS while preparing, --dask 2 workers",
                        f"{args.rss_articles:,} articles",
                        anchor=f"{size} (MB)", anchor_s=two["prepare_rss"],
                        ratio=large["prepare_rss"] / two["prepare_rss"], target="<= 1.25x",
                        peak_rss_mb=large["prepare_rss"],
                        notes=f"ratio is the peak RSS until preparing ends over the {size} build's "
                              f"({two['prepare_rss']:.0f} MB): sending sources and taking results back"))
        rows.append(row("cluster", "client peak RSS, whole build, --dask 2 workers", f"{args.rss_articles:,} articles",
                        kg_s=large["wall"], anchor=f"{size} (MB)", anchor_s=two["peak_rss"],
                        ratio=large["peak_rss"] / two["peak_rss"], peak_rss_mb=large["peak_rss"],
                        notes=f"ratio is peak RSS over the {size} build's ({two['peak_rss']:.0f} MB); it adds what "
                              "the one writer holds for every source (resolution's mentions) and the embedded "
                              f"store's own memory, as a local build does; {_cpu_note(large)}"))
    rows.append(row("cluster", "estimate", "1M articles", notes=estimate(one, one["sources"], words_per_article(case))))
    for r in rows:
        print(_line(r))
    write_json(args.json, rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
