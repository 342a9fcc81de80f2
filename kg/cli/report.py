"""``kg export``, ``kg stats``, ``kg validate``: what is in the store, written out, counted or checked."""

from __future__ import annotations

import argparse
import contextlib
import sys

from kg.cli import progress
from kg.cli.common import Command, one_line, open_reader
from kg.defaults import EXPORT_FORMATS, FOLDER_EXPORT_FORMATS
from kg.errors import InputError, visible


def export_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--format", "-f", default="ttl", choices=list(EXPORT_FORMATS),
                   help="RDF: ttl (default), trig, nt, nq, jsonld; the network for Gephi: graphml, gexf; "
                   "FollowTheMoney JSON lines: ftm; spreadsheet tables: csv (a folder); "
                   "neo4j-admin import files: neo4j (a folder)")
    p.add_argument("target", nargs="?", metavar="FILE", help="where to write (same as -o)")
    p.add_argument("-o", "--output", metavar="FILE|DIR",
                   help="output file, '-' for stdout (the default for one-file formats); a folder for csv, neo4j")
    p.add_argument("--include-log", action="store_true",
                   help="also export the ingest log graph (ingest times; not byte-stable; RDF formats only)")
    p.add_argument("--around", metavar="NAME", help="graphml/gexf: only what lies within --hops of this entity "
                   "(as kg view --around)")
    p.add_argument("--hops", type=int, default=2, metavar="N", help="with --around: how far (default: 2)")
    p.add_argument("--types", metavar="TYPES", help="graphml/gexf: only these node types, e.g. Person,Organization")
    p.add_argument("--source", metavar="SOURCE", help="graphml/gexf: only what one source file or publication "
                   "contributed")
    progress.add_options(p)


def cmd_export(args: argparse.Namespace) -> int:
    from kg.export.formats import export

    if args.target is not None and args.output is not None and args.target != args.output:
        raise InputError(f"two outputs given ({args.target} and -o {args.output}); give one")
    target = args.output or args.target
    if target is None:
        if args.format in FOLDER_EXPORT_FORMATS:
            raise InputError(f"--format {args.format} writes several files: give a folder with -o DIR")
        target = "-"
    part = None
    if args.around is not None or args.types is not None or args.source is not None:
        from kg.export.viewspec import ViewSpec

        part = ViewSpec(around=args.around, hops=args.hops, types=args.types, source=args.source, force=True)
    stages, bars = progress.stages_for(args)
    with open_reader(args) as store, (bars or contextlib.nullcontext()):
        done = export(store, args.format, target, include_log=args.include_log, part=part, stages=stages)
    for warning in done.warnings:
        print(f"kg: warning: {one_line(warning)}", file=sys.stderr)
    summary = f" ({done.summary})" if done.summary else ""
    for path, size in done.files:
        if path != "-":
            print(f"wrote {path} ({size:,} bytes){summary}", file=sys.stderr)
    return 0


def stats_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--sources", action="store_true", help="also list each source")


def cmd_stats(args: argparse.Namespace) -> int:
    from kg.query import stats

    with open_reader(args) as store:
        print(stats.render(stats.compute(store)))
        if args.sources:
            for info in store.sources():
                print(f"  {visible(info.name)}  {info.triples:,} triples  {info.content_hash[:19]}…  "
                      f"{info.ingested or ''}")
    return 0


def cmd_validate(args: argparse.Namespace) -> int:
    from kg.query.validate import validate

    with open_reader(args) as store:
        violations = validate(store)
    for violation in violations:
        print(violation.render())
    if violations:
        print(f"kg: {len(violations)} violation(s) of ontology/shapes.ttl", file=sys.stderr)
        return 1
    print("conforms to ontology/shapes.ttl")
    return 0


COMMANDS = [
    Command("export", cmd_export, "write the graph as RDF, a GraphML/GEXF network for Gephi, FollowTheMoney "
            "entities, CSV tables or Neo4j import files",
            "kg export --format trig -o case.trig\n  kg export --format ttl -      # to stdout\n"
            "  kg export --format gexf -o case.gexf          # open in Gephi\n"
            "  kg export --format ftm -o case.ftm.jsonl      # then: ftm export-excel -i case.ftm.jsonl -o case.xlsx\n"
            "  kg export --format csv -o tables/             # entities.csv, claims.csv, relations.csv\n"
            "  kg export --format neo4j -o neo4j-import/     # nodes.csv, relationships.csv for neo4j-admin",
            export_arguments),
    Command("stats", cmd_stats, "count people, organizations, publications, claims and sources", "kg stats --sources",
            stats_arguments),
    Command("validate", cmd_validate, "check the store against the SHACL shapes in ontology/shapes.ttl",
            "kg validate"),
]
