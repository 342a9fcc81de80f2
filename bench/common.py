"""Helpers the benchmark scripts share: resource use, the machine, result rows, cached stores.

Every script writes, with ``--json PATH``, a JSON list of rows of one schema (see ``row``), which
``python -m bench`` collects into one table.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import platform
import resource
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CACHE = Path(os.environ.get("KG_BENCH_CACHE", "/tmp/kg-bench-cache"))
Row = dict[str, Any]
# bumped when what kg keeps in a store changes, so a cached store from an older kg is never reused
# (2: the default graph holds the merge of the sources)
STORE_FORMAT = 2
ROW_KEYS = ("benchmark", "case", "size", "triples", "kg_s", "anchor", "anchor_s", "ratio", "target", "met",
            "peak_rss_mb", "notes")


def peak_mb(children: bool = False) -> float:
    """Peak RSS in MB of this process (plus its largest waited-for child); Linux reports KiB."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return own + (resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024 if children else 0.0)


def cpu_seconds() -> float:
    """User + system CPU time of this process and its waited-for children."""
    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def process_cpu_seconds(pids: Sequence[int]) -> float:
    """User + system CPU time of running processes (a server), from /proc."""
    total = 0.0
    for pid in pids:
        with contextlib.suppress(OSError):
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


@contextlib.contextmanager
def running(command: Sequence[str], port: int) -> Iterator[subprocess.Popen[bytes]]:
    """A server process, once it accepts connections on ``port``; stopped afterwards."""
    process = subprocess.Popen(list(command), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
                break
            time.sleep(0.1)
        yield process
    finally:
        process.terminate()
        process.wait(10)


def size_label(count: int) -> str:
    """10000 -> '10k', 1000000 -> '1M', 2500 -> '2,500'."""
    for unit, suffix in ((1_000_000, "M"), (1_000, "k")):
        if count >= unit and count % unit == 0:
            return f"{count // unit}{suffix}"
    return f"{count:,}"


def row(benchmark: str, case: str, size: str, *, triples: int = 0, kg_s: float | None = None, anchor: str = "",
        anchor_s: float | None = None, ratio: float | None = None, target: str = "", met: bool | None = None,
        peak_rss_mb: float | None = None, notes: str = "") -> Row:
    """One result. ``ratio`` defaults to kg_s / anchor_s (NaN, written as null, if there is none);
    ``met`` to whether ratio meets an '<= Nx' or '>= Nx' target (a row without a target is met)."""
    if ratio is None:
        ratio = kg_s / anchor_s if kg_s is not None and anchor_s else float("nan")
    if met is None:
        met = True
        if target.startswith("<=") and target.endswith("x"):
            met = ratio <= float(target[2:-1])
        elif target.startswith(">=") and target.endswith("x"):
            met = ratio >= float(target[2:-1])
    return {"benchmark": benchmark, "case": case, "size": size, "triples": triples, "kg_s": kg_s, "anchor": anchor,
            "anchor_s": anchor_s, "ratio": ratio, "target": target, "met": bool(met), "peak_rss_mb": peak_rss_mb,
            "notes": notes}


def write_json(path: str | None, rows: Sequence[Row]) -> None:
    """Write ``rows`` as a JSON list; a ratio that cannot be computed (NaN) becomes null."""
    if path:
        clean = [{k: None if isinstance(v, float) and not math.isfinite(v) else v for k, v in r.items()} for r in rows]
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        Path(path).write_text(json.dumps(clean, indent=1) + "\n", encoding="utf-8")


def run_child(argv: Sequence[str], timeout: float | None = None) -> dict[str, Any]:
    """Run ``python argv...`` in a fresh process; its last stdout line is a JSON object."""
    result = subprocess.run([sys.executable, *argv], capture_output=True, text=True, check=False, timeout=timeout)
    if result.returncode != 0:
        last = (result.stderr.strip().splitlines() or ["(no output)"])[-1]
        raise RuntimeError(f"{' '.join(argv[:3])}: exit {result.returncode}: {last}")
    values: dict[str, Any] = json.loads(result.stdout.strip().splitlines()[-1])
    return values


def machine() -> dict[str, str]:
    """What the numbers were measured on."""
    import pyoxigraph
    import rdflib

    model = "unknown CPU"
    with contextlib.suppress(OSError, StopIteration):
        model = next(line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                     if line.startswith("model name"))
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return {"cpu": model, "cores": str(os.cpu_count()), "ram": f"{memory:.0f} GiB",
            "python": platform.python_version(), "pyoxigraph": pyoxigraph.__version__, "rdflib": rdflib.__version__,
            "system": f"{platform.system()} {platform.release()}",
            "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())}


def cached_store(triples: int, seed: int, cache: Path = CACHE) -> Path:
    """A store built by kg from ``kg synth --triples N --seed S``, kept under ``cache`` for reuse."""
    from kg.build import pipeline
    from kg.store import KgStore
    from kg.synth import world as synth

    folder = cache / f"store-{triples}-{seed}-v{STORE_FORMAT}"
    store = folder / "store"
    if (folder / "done").exists():
        return store
    shutil.rmtree(folder, ignore_errors=True)
    synth.generate(triples, seed, folder / "case")
    with KgStore.open(store) as opened:
        report = pipeline.build(opened, folder / "case")
    if report.failed:
        raise RuntimeError(f"build of the {triples:,}-triple case failed: {report.failed[0].error}")
    shutil.rmtree(folder / "case")
    (folder / "done").write_text("ok\n")
    return store
