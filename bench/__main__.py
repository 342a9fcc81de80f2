"""Every benchmark in one run: ``python -m bench`` writes outputs/bench.md.

    python -m bench [--sizes 100000,1000000] [--10m] [--quick] [--only NAME[,NAME]] [--out PATH]

Runs each script in ``bench/`` as its own process with ``--json PATH`` (ingest, remote, query,
export, interop, view, extraction, loop, resolve, cluster, merge: each compares kg with its anchor
side by side in one run; endpoint_runaway holds the endpoint to its latency target under runaways),
collects their result rows and prints one table of ratios and peak RSS, headed by the machine and
the load average before and after. A script that is missing or fails becomes a failed row naming
the last line of its error output, and the table is still written. ``--quick`` runs small sizes
only (10k triples: a smoke test of the whole chain, a few minutes, mostly the query script's
endpoint rounds and Chromium).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import ROOT, Row, machine, row, size_label

BENCH = Path(__file__).resolve().parent
DEFAULT_SIZES = (100_000, 1_000_000)
QUICK_SIZE = 10_000


@dataclass(frozen=True)
class Plan:
    sizes: list[int]
    quick: bool

    @property
    def joined(self) -> str:
        return ",".join(map(str, self.sizes))


@dataclass(frozen=True)
class Script:
    name: str
    file: str
    arguments: Callable[[Plan], list[str]]


def _triples(plan: Plan) -> list[str]:
    return ["--sizes", plan.joined]


SCRIPTS = (
    Script("ingest", "ingest.py", lambda p: [*_triples(p), "--out", str(ROOT / "outputs" / "bench-ingest.md")]),
    Script("remote", "remote.py", _triples),
    Script("query", "query.py", lambda p: [*_triples(p), *(["--repeat", "1", "--rdflib-max", "0"] if p.quick
                                                            else [])]),
    Script("export", "export.py", lambda p: [*_triples(p), *(["--repeat", "1", "--rdflib-max", "0"] if p.quick
                                                              else [])]),
    Script("interop", "interop.py", lambda p: [*_triples(p), *(["--repeat", "1"] if p.quick else [])]),
    Script("view", "view.py", lambda p: ["--sizes", "200", "--timeout", "10"] if p.quick
           else ["--sizes", "1000,5000", "--timeout", "90"]),
    Script("extraction", "extract.py", lambda p: ["--articles", "12", "--processes", "1", "--repeat", "1",
                                                  "--pdf-pages", "20"] if p.quick else []),
    Script("loop", "loop.py", lambda p: ["--sizes", "10000" if p.quick else "300000,1000000"]),
    Script("resolve", "resolve.py", lambda p: ["--sizes", "1000,10000" if p.quick else "10000,100000,1000000",
                                               "--out", str(Path(tempfile.gettempdir()) / "kg-bench-resolve.md")]),
    Script("cluster", "cluster.py", lambda p: ["--articles", "40", "--rss-articles", "0", "--repeat", "1"] if p.quick
           else []),
    Script("merge", "merge.py", lambda p: [*_triples(p), *(["--repeat", "1"] if p.quick else [])]),
    Script("endpoint_runaway", "endpoint_runaway.py", lambda p: ["--size", str(p.sizes[0]), "--seconds",
                                                                   "5" if p.quick else "30"]),
)


def run_script(name: str, path: Path, arguments: Sequence[str], timeout: float) -> list[Row]:
    """Run one benchmark script; its rows, or one failed row saying why there are none."""
    def failed(why: str) -> list[Row]:
        return [row(name, "failed", "", met=False, notes=why)]

    if not path.exists():
        return failed(f"{path.name} not found")
    with tempfile.TemporaryDirectory(prefix="kg-bench-") as scratch:
        target = Path(scratch) / "rows.json"
        command = [sys.executable, str(path), *arguments, "--json", str(target)]
        print(f"$ {' '.join(command[1:])}", flush=True)
        try:
            # progress goes to our standard error (file descriptor 2); the table alone to standard output
            result = subprocess.run(command, stdout=2, stderr=subprocess.PIPE, text=True, timeout=timeout,
                                    cwd=ROOT, check=False)
        except subprocess.TimeoutExpired:
            return failed(f"no result in {timeout:g} s")
        if result.returncode != 0 or not target.exists():
            lines = [line for line in result.stderr.splitlines() if line.strip()]
            sys.stderr.write(result.stderr[-4000:])
            return failed(f"exit {result.returncode}: {lines[-1].strip() if lines else 'no error output'}")
        try:
            rows: list[Row] = json.loads(target.read_text(encoding="utf-8"))
        except ValueError as exc:
            return failed(f"unreadable --json output: {exc}")
    return rows or failed("no rows")


def _number(value: object, digits: int = 2, suffix: str = "") -> str:
    if not isinstance(value, int | float) or isinstance(value, bool) or not math.isfinite(value):
        return "—"
    return f"{value:,.{digits}f}{suffix}"


def render(rows: Sequence[Row], about: dict[str, str], load_before: Sequence[float],
           load_after: Sequence[float], seconds: float) -> str:
    """The markdown report: the machine, then one table row per result row."""
    loads = " / ".join(f"{x:.2f}" for x in load_before), " / ".join(f"{x:.2f}" for x in load_after)
    met = sum(1 for r in rows if r.get("met"))
    lines = ["# kg benchmarks", "",
             f"Run {about['date']} ({seconds / 60:.1f} min) on {about['cores']} cores ({about['cpu']}), "
             f"{about['ram']} RAM, {about['system']}; Python {about['python']}, pyoxigraph {about['pyoxigraph']}, "
             f"rdflib {about['rdflib']}. Load average (1/5/15 min) before: {loads[0]}; after: {loads[1]}.", "",
             "Ratio is kg's time over its anchor's in the same run (lower is better for kg), except where the "
             "notes say otherwise. Peak RSS is kg's process (plus its largest worker where it has workers).", "",
             "| benchmark | case | size | triples | kg s | anchor | anchor s | ratio | target | met | peak RSS MB "
             "| notes |", "|---|---|---|---:|---:|---|---:|---:|---|---|---:|---|"]
    for r in rows:
        triples = r.get("triples") or 0
        cells = [str(r.get("benchmark", "")), str(r.get("case", "")), str(r.get("size", "")),
                 f"{triples:,}" if triples else "—", _number(r.get("kg_s")), str(r.get("anchor") or "—"),
                 _number(r.get("anchor_s")), _number(r.get("ratio"), suffix="x"), str(r.get("target") or "—"),
                 "yes" if r.get("met") else "**no**", _number(r.get("peak_rss_mb"), 0),
                 str(r.get("notes", "")).replace("|", "\\|").replace("\n", " ")]
        lines.append("| " + " | ".join(cells) + " |")
    lines += ["", f"{met} of {len(rows)} rows meet their target."]
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default=",".join(map(str, DEFAULT_SIZES)),
                        help="triples for ingest, remote, query and export (default: 100000,1000000)")
    parser.add_argument("--10m", dest="ten_million", action="store_true", help="add 10,000,000 triples")
    parser.add_argument("--quick", action="store_true", help=f"small sizes only ({size_label(QUICK_SIZE)} triples)")
    names = [s.name for s in SCRIPTS]
    parser.add_argument("--only", help=f"comma-separated benchmarks to run ({', '.join(names)})")
    parser.add_argument("--timeout", type=float, default=4 * 3600, help="seconds per script (default: 4 hours)")
    parser.add_argument("--out", default=str(ROOT / "outputs" / "bench.md"))
    args = parser.parse_args(argv)
    only = args.only.split(",") if args.only else names
    if unknown := sorted(set(only) - set(names)):
        parser.error(f"--only: unknown benchmark {', '.join(unknown)} (choose from {', '.join(names)})")
    sizes = [QUICK_SIZE] if args.quick else [int(s) for s in args.sizes.split(",")]
    plan = Plan(sizes + ([10_000_000] if args.ten_million else []), args.quick)
    about, load_before, started = machine(), os.getloadavg(), time.perf_counter()
    rows: list[Row] = []
    for script in SCRIPTS:
        if script.name in only:
            rows += run_script(script.name, BENCH / script.file, script.arguments(plan), args.timeout)
    report = render(rows, about, load_before, os.getloadavg(), time.perf_counter() - started)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(report, encoding="utf-8")
    print(report)
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
