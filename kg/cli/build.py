"""``kg build``, ``kg ingest``, ``kg retract``, ``kg unlock``: the commands that write the store."""

from __future__ import annotations

import argparse
import contextlib
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from kg.cli import progress
from kg.cli.common import (
    Command,
    base_iri,
    cluster_arguments,
    executor,
    follow_symlinks_argument,
    one_line,
    open_writer,
    store_location,
)
from kg.defaults import DEFAULT_NODE_LIMIT
from kg.errors import DiskFullError, visible
from kg.fsutil import together

# what a write command that ran out of space left (the store's writer published nothing)
UNCHANGED = "nothing was published: readers still see the store as the last finished command left it"

# Library modules are imported inside the handlers: `kg --help` and the query commands start
# without loading rdflib, pyshacl, pyvis or networkx.
if TYPE_CHECKING:
    from kg.build import pipeline
    from kg.stages import Stages


def _print_report(report: pipeline.Report) -> int:
    for note in report.notes:
        print(f"kg: warning: {one_line(note)}", file=sys.stderr)
    for outcome in report.outcomes:
        if outcome.status == "failed":
            print(f"kg: error: {one_line(outcome.error)}", file=sys.stderr)
        else:
            print(f"{outcome.status:>9}  {visible(outcome.name)}  ({outcome.triples:,} triples)")
    if len(report.outcomes) > 1 or not report.failed:
        print(f"sources: {report.summary()}")
    if report.failed:
        if len(report.outcomes) > 1:
            names = visible(", ".join(o.name for o in report.failed))
            print(f"kg: {len(report.failed)} source(s) failed and were left as they were: {names}", file=sys.stderr)
        return max(o.error.exit_code if o.error else 1 for o in report.failed)
    return 0


def build_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("directory", nargs="?", default="data", metavar="DIR", help="folder of sources (default: data)")
    p.add_argument("-o", "--out", default="outputs", metavar="DIR", help="output folder (default: outputs)")
    p.add_argument("--curation", metavar="FILE", help="the investigator's decisions (default: $KG_CURATION, "
                   "else kg.toml's [build] curation, else DIR/curation.yaml)")
    p.add_argument("--max-nodes", type=int, default=DEFAULT_NODE_LIMIT, metavar="N",
                   help=f"write graph.html only up to this many nodes (default: {DEFAULT_NODE_LIMIT:,})")
    p.add_argument("--keep-missing", action="store_true",
                   help="keep sources whose file is no longer in DIR (default: retract them)")
    follow_symlinks_argument(p)
    p.add_argument("--timings", action="store_true", help="print each stage's time on stderr, one line each")
    progress.add_options(p)
    cluster_arguments(p)


def cmd_build(args: argparse.Namespace) -> int:
    from kg.build import curationfile, incremental, refresh
    from kg.build.state import current_snapshot, save, state_dir
    from kg.store.location import config_path, config_warnings

    directory, out = Path(args.directory), Path(args.out)
    curation = curationfile.choose(directory, args.curation)
    config = config_path()
    for note in [*(config_warnings(config) if config else []), *curationfile.unused(curation, directory)]:
        print(f"kg: warning: {one_line(note)}", file=sys.stderr)
    location = store_location(args)
    stages, bars = progress.stages_for(args)
    if location.path is not None and not args.keep_missing:
        with stages.stage("check"):
            state = incremental.unchanged(location.path, directory, out, curation.path,
                                          args.follow_symlinks)
        if state is not None:
            print(f"nothing changed since the last build ({len(state.sources):,} sources); "
                  f"{', '.join(str(out / name) for name in sorted(state.outputs))} are current")
            if state.view is not None:
                print(f"kg: graph.html not written: {_build_options(state.view)}", file=sys.stderr)
            print(state.stats)
            _timings(args, stages)
            return 0
    title = f"case {directory.resolve().name}"
    try:
        # graph.ttl, .trig and .html replace the old ones only once the store is published
        rewrite = f"this build writes it again if its file is in {directory}"
        with together(), open_writer(args, rewrite) as store, executor(args) as prepare_on, \
                (bars or contextlib.nullcontext()):
            result = incremental.build(store, directory, curation.path,
                                       refresh.Outputs(out, title, args.max_nodes),
                                       prune=not args.keep_missing, stages=stages,
                                       follow_symlinks=args.follow_symlinks, executor=prepare_on)
    except DiskFullError as exc:
        raise DiskFullError(f"{exc}; {UNCHANGED}, and {out}/graph.ttl, graph.trig and graph.html are as they "
                            "were; free some space and build again") from None
    if result.state is not None and location.path is not None:
        result.state.snapshot = current_snapshot(location.path)  # published as the store closed
        try:
            save(state_dir(location.path), result.state)
        except DiskFullError as exc:  # the build is done; only the next one's shortcut is lost
            print(f"kg: warning: {one_line(exc)}; the next build reads every source again", file=sys.stderr)
    code = _print_report(result.report)
    for path, size in result.wrote:
        print(f"wrote {path} ({size:,} bytes)")
    if result.view is not None:
        print(f"wrote {out / 'graph.html'} ({result.view})")
    if result.view_refused is not None:
        print(f"kg: graph.html not written: {_build_options(result.view_refused)}", file=sys.stderr)
    print(result.stats)
    _timings(args, stages)
    return code


def _build_options(refusal: str) -> str:
    """The view's refusal names kg view's options; from kg build, say what kg build and kg view take."""
    head = refusal.split("; narrow it with", 1)[0]
    return (f"{head}; raise kg build --max-nodes, or write a narrower view with kg view --around NAME --hops 2, "
            "--types Person,Organization or --source SOURCE (-o FILE)")


def _timings(args: argparse.Namespace, stages: Stages) -> None:
    if args.timings:
        for line in stages.report():
            print(f"kg: time: {line}", file=sys.stderr)


def ingest_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("files", nargs="+", metavar="FILE", help="files, folders, or quoted patterns ('news/**/*.pdf')")
    p.add_argument("--root", metavar="DIR", help="name sources relative to DIR (default: data if the "
                   "file is under it, else the file name)")
    follow_symlinks_argument(p)
    cluster_arguments(p)


def cmd_ingest(args: argparse.Namespace) -> int:
    from kg.build import curationfile, pipeline
    from kg.build.sources import is_source_name
    from kg.ingest.folder import expand

    if not args.root and Path("data").is_dir():
        args.root = "data"
    root = Path(args.root) if args.root else None
    found = expand(args.files, is_source_name, args.follow_symlinks)
    try:
        with open_writer(args) as store, executor(args) as prepare_on:
            curation = curationfile.choose(root, None).path if root else None
            report = pipeline.ingest(store, found.files, root, curation, executor=prepare_on,
                                     admitted=found.admitted)
    except DiskFullError as exc:
        raise DiskFullError(f"{exc}; {UNCHANGED}; free some space and ingest again") from None
    report.outcomes[:0] = [pipeline.Outcome(str(path), "failed", error=error) for path, error in found.refused]
    return _print_report(report)


def retract_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("source", metavar="SOURCE", help="source name (as in 'kg stats --sources') or IRI")


def cmd_retract(args: argparse.Namespace) -> int:
    with open_writer(args) as store:
        info = store.retract(args.source)
        print(f"retracted {visible(info.name)} ({info.triples:,} triples)")
        for part in store.sources():  # an e-mail's attachments (MSG.eml/FILE) go with it
            if part.name.startswith(info.name + "/"):
                store.retract(part.iri)
                print(f"retracted {visible(part.name)} ({part.triples:,} triples)")
    return 0


def cmd_unlock(args: argparse.Namespace) -> int:
    from kg.store import unlock

    print(unlock(store_location(args), base_iri(args)))
    return 0


COMMANDS = [
    Command("build", cmd_build, "ingest every source under DIR, then write graph.ttl, graph.trig and graph.html",
            "kg build data/            # sample case -> outputs/graph.ttl, .trig, .html", build_arguments),
    Command("ingest", cmd_ingest, "add or replace sources (case files, RDF, articles and documents: "
            ".txt/.md/.html/.pdf/.docx/.odt/.eml) in the store",
            "kg ingest data/case.yaml extra/people.csv news/report.html\n"
            "  kg ingest inbox/                 # every source in a folder\n"
            "  kg ingest 'filings/*.pdf'        # a quoted pattern: kg expands it", ingest_arguments),
    Command("retract", cmd_retract, "remove everything one source contributed", "kg retract case.yaml",
            retract_arguments),
    Command("unlock", cmd_unlock, "remove the writer lock a vanished process left on a remote store",
            "kg unlock          # the store named by $KG_STORE or kg.toml\n"
            "  kg --store http://127.0.0.1:7878 unlock"),
]
