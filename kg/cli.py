"""The `kg` command line: a thin layer over the library. The only module that prints.

Errors are one line on stderr: exit 2 for bad input, 1 for everything else that went wrong.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from kg import __version__, cli_entities, cli_extract, cli_query
from kg.cli_common import Handler, base_iri, one_line, store_location
from kg.defaults import CURATION_FILE, DEFAULT_NODE_LIMIT, DEFAULT_STORE, EXPORT_FORMATS
from kg.errors import KgError

# Library modules are imported inside the handlers: `kg --help` and the query commands start
# without loading rdflib, pyshacl, pyvis or networkx.
if TYPE_CHECKING:
    from kg import pipeline
    from kg.store import KgStore



def _writer(args: argparse.Namespace) -> KgStore:
    from kg.store import KgStore

    store = KgStore.at(store_location(args), base_iri(args))
    for graph in store.recovered:
        print(f"kg: recovered from an interrupted write: removed the partial graph {graph}; "
              "ingest that source again if it belongs in the store", file=sys.stderr)
    return store


def _reader(args: argparse.Namespace) -> KgStore:
    from kg.store import KgStore

    return KgStore.at(store_location(args), base_iri(args), writable=False)


def _print_report(report: pipeline.Report) -> int:
    for note in report.notes:
        print(f"kg: warning: {one_line(note)}", file=sys.stderr)
    for outcome in report.outcomes:
        if outcome.status == "failed":
            print(f"kg: error: {one_line(outcome.error)}", file=sys.stderr)
        else:
            print(f"{outcome.status:>9}  {outcome.name}  ({outcome.triples:,} triples)")
    if len(report.outcomes) > 1 or not report.failed:
        print(f"sources: {report.summary()}")
    if report.failed:
        if len(report.outcomes) > 1:
            names = ", ".join(o.name for o in report.failed)
            print(f"kg: {len(report.failed)} source(s) failed and were left as they were: {names}", file=sys.stderr)
        return max(o.error.exit_code if o.error else 1 for o in report.failed)
    return 0


def cmd_build(args: argparse.Namespace) -> int:
    from kg import pipeline, stats
    from kg.errors import ViewTooLarge
    from kg.export import rdf
    from kg.export.viewspec import ViewSpec, make_view

    directory = Path(args.directory)
    out = Path(args.out)
    with _writer(args) as store:
        code = _print_report(pipeline.build(store, directory, prune=not args.keep_missing))
        sizes = rdf.export_many(store, {fmt: out / f"graph.{fmt}" for fmt in ("ttl", "trig")})  # one read
        for fmt, size in sizes.items():
            print(f"wrote {out / f'graph.{fmt}'} ({size:,} bytes)")
        try:
            view = make_view(store, ViewSpec(), out / "graph.html", f"kg: {directory.resolve().name}")
            print(f"wrote {out / 'graph.html'} ({view.nodes:,} nodes, {view.edges:,} edges)")
        except ViewTooLarge as exc:
            (out / "graph.html").unlink(missing_ok=True)
            print(f"kg: graph.html not written: {exc}", file=sys.stderr)
        print(stats.render(stats.compute(store)))
    return code


def cmd_ingest(args: argparse.Namespace) -> int:
    from kg import pipeline

    root = Path(args.root) if args.root else None
    with _writer(args) as store:
        curation = root / CURATION_FILE if root else None
        return _print_report(pipeline.ingest(store, [Path(p) for p in args.files], root, curation))


def cmd_retract(args: argparse.Namespace) -> int:
    with _writer(args) as store:
        info = store.retract(args.source)
    print(f"retracted {info.name} ({info.triples:,} triples)")
    return 0


def cmd_unlock(args: argparse.Namespace) -> int:
    from kg.store import unlock

    print(unlock(store_location(args), base_iri(args)))
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from kg.export import rdf

    with _reader(args) as store:
        size = rdf.export(store, args.format, args.output, include_log=args.include_log)
    if args.output != "-":
        print(f"wrote {args.output} ({size:,} bytes)", file=sys.stderr)
    return 0


def cmd_stats(args: argparse.Namespace) -> int:
    from kg import stats

    with _reader(args) as store:
        print(stats.render(stats.compute(store)))
        if args.sources:
            for info in store.sources():
                print(f"  {info.name}  {info.triples:,} triples  {info.content_hash[:19]}…  {info.ingested or ''}")
    return 0


def cmd_validate(args: argparse.Namespace) -> int:
    from kg.validate import validate

    with _reader(args) as store:
        violations = validate(store)
    for violation in violations:
        print(violation.render())
    if violations:
        print(f"kg: {len(violations)} violation(s) of ontology/shapes.ttl", file=sys.stderr)
        return 1
    print("conforms to ontology/shapes.ttl")
    return 0


def cmd_view(args: argparse.Namespace) -> int:
    from kg.export.viewspec import ViewSpec, default_title, make_view

    spec = ViewSpec(around=args.around, hops=args.hops, types=args.types, source=args.source,
                    query=Path(args.query) if args.query else None, max_nodes=args.max_nodes, force=args.force)
    with _reader(args) as store:
        view = make_view(store, spec, Path(args.output), args.title or default_title(store))
    print(f"wrote {args.output} ({view.nodes:,} nodes, {view.edges:,} edges, {view.size:,} bytes)")
    return 0


def cmd_synth(args: argparse.Namespace) -> int:
    from kg import synth

    result = synth.generate(args.triples, args.seed, Path(args.output))
    articles = f"{result.articles:,} article{'s' if result.articles != 1 else ''}"
    print(f"wrote {result.case_files} case files ({result.records:,} records) and {articles} "
          f"(about {result.triples:,} triples once ingested) to {args.output}")
    return 0


COMMANDS: dict[str, tuple[Handler, str, str]] = {
    "build": (cmd_build, "ingest every source under DIR, then write graph.ttl, graph.trig and graph.html",
              "kg build data/            # sample case -> outputs/graph.ttl, .trig, .html"),
    "ingest": (cmd_ingest, "add or replace sources (case files, RDF, articles: .txt/.md/.html) in the store",
               "kg ingest data/case.yaml extra/people.csv news/report.html"),
    "retract": (cmd_retract, "remove everything one source contributed",
                "kg retract case.yaml"),
    "unlock": (cmd_unlock, "remove the writer lock a vanished process left on a remote store",
               "kg unlock          # the store named by $KG_STORE or kg.toml\n"
               "  kg --store http://127.0.0.1:7878 unlock"),
    "export": (cmd_export, "write the graph as Turtle, TriG, N-Triples, N-Quads or JSON-LD",
               "kg export --format trig -o case.trig\n  kg export --format ttl -      # to stdout"),
    "stats": (cmd_stats, "count people, organizations, publications, claims and sources",
              "kg stats --sources"),
    "validate": (cmd_validate, "check the store against the SHACL shapes in ontology/shapes.ttl",
                 "kg validate"),
    "synth": (cmd_synth, "write a synthetic, fictional investigation (seeded case files and articles) for trials "
              "and benchmarks",
              "kg synth --triples 100000 --seed 7 -o outputs/synth && kg --store outputs/synth-store build "
              "outputs/synth"),
    "view": (cmd_view, "write the interactive network view (one offline HTML file)",
             "kg view -o outputs/graph.html\n  kg view --around 'Sophia Bryskine' --hops 2 -o bryskine.html\n"
             "  kg view --types Person,Organization --source case.yaml"),
}
COMMANDS.update(cli_query.COMMANDS)
COMMANDS.update(cli_extract.COMMANDS)
COMMANDS.update(cli_entities.COMMANDS)


class _OneLineParser(argparse.ArgumentParser):
    """Usage mistakes are one line too (argparse would print the whole usage first); exit code 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {one_line(message)} (see '{self.prog} --help')\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _OneLineParser(
        prog="kg", description="Build and explore a knowledge graph of people, organizations, publications "
        "and attributed claims.", epilog="example:\n  kg build data/ && kg stats",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=f"kg {__version__}")
    parser.add_argument("--store", metavar="PATH|URL", help="store folder, 'memory:', or a SPARQL 1.1 server's URL "
                        f"(default: $KG_STORE, else kg.toml's [store], else {DEFAULT_STORE})")
    parser.add_argument("--base", metavar="IRI", help="base IRI for minted identifiers (default: $KG_BASE or "
                        "the store's, else https://kg.example/)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    parsers: dict[str, argparse.ArgumentParser] = {}
    for name, (handler, summary, example) in COMMANDS.items():
        p = sub.add_parser(name, help=summary, description=summary, epilog=f"example:\n  {example}",
                           formatter_class=argparse.RawDescriptionHelpFormatter)
        p.set_defaults(handler=handler)
        parsers[name] = p
    parsers["build"].add_argument("directory", nargs="?", default="data", metavar="DIR",
                                  help="folder of sources (default: data)")
    parsers["build"].add_argument("-o", "--out", default="outputs", metavar="DIR",
                                  help="output folder (default: outputs)")
    parsers["build"].add_argument("--keep-missing", action="store_true",
                                  help="keep sources whose file is no longer in DIR (default: retract them)")
    parsers["ingest"].add_argument("files", nargs="+", metavar="FILE")
    parsers["ingest"].add_argument("--root", metavar="DIR", help="name sources relative to DIR (default: data if the "
                                   "file is under it, else the file name)")
    parsers["retract"].add_argument("source", metavar="SOURCE", help="source name (as in 'kg stats --sources') or IRI")
    parsers["export"].add_argument("--format", "-f", default="ttl", choices=list(EXPORT_FORMATS))
    parsers["export"].add_argument("-o", "--output", default="-", metavar="FILE", help="output file, '-' for stdout")
    parsers["export"].add_argument("--include-log", action="store_true",
                                   help="also export the ingest log graph (ingest times; not byte-stable)")
    parsers["stats"].add_argument("--sources", action="store_true", help="also list each source")
    view = parsers["view"]
    view.add_argument("-o", "--output", default="outputs/graph.html", metavar="FILE",
                      help="the page to write (default: outputs/graph.html)")
    view.add_argument("--around", metavar="NAME", help="only what lies within --hops of this person, "
                      "organization, publication or claim (name, alias or IRI)")
    view.add_argument("--hops", type=int, default=2, metavar="N", help="with --around: how far (default: 2; "
                      "person -> claim -> subject is 2 hops)")
    view.add_argument("--types", metavar="TYPES", help="only these node types, e.g. Person,Organization (without "
                      "Claim, claimant -> subject edges carry the number of claims)")
    view.add_argument("--source", metavar="SOURCE", help="only what one source file or publication contributed")
    view.add_argument("--query", metavar="FILE.rq", help="draw what a SPARQL CONSTRUCT or SELECT query returns")
    view.add_argument("--max-nodes", type=int, default=DEFAULT_NODE_LIMIT, metavar="N",
                      help=f"refuse to write a view with more nodes than this (default: {DEFAULT_NODE_LIMIT:,})")
    view.add_argument("--force", action="store_true", help="write the view even above --max-nodes")
    view.add_argument("--title", metavar="TEXT", help="page title (default: the store's source names)")
    parsers["synth"].add_argument("--triples", type=int, default=100_000, metavar="N",
                                  help="about how many triples the case files make (default: 100000)")
    parsers["synth"].add_argument("--seed", type=int, default=1, metavar="S",
                                  help="random seed: the same seed gives the same bytes (default: 1)")
    parsers["synth"].add_argument("-o", "--output", required=True, metavar="DIR",
                                  help="folder to create (must not exist or be empty)")
    cli_query.add_arguments(parsers)
    cli_extract.add_arguments(parsers)
    cli_entities.add_arguments(parsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 2
    if args.command == "ingest" and not args.root and Path("data").is_dir():
        args.root = "data"
    try:
        code: int = args.handler(args)
        return code
    except KgError as exc:
        print(f"kg: error: {one_line(exc)}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("kg: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())

