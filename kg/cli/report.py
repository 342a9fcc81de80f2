"""``kg export``, ``kg stats``, ``kg validate``: what is in the store, written out, counted or checked."""

from __future__ import annotations

import argparse
import sys

from kg.cli.common import Command, open_reader
from kg.defaults import EXPORT_FORMATS
from kg.errors import visible


def export_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--format", "-f", default="ttl", choices=list(EXPORT_FORMATS))
    p.add_argument("-o", "--output", default="-", metavar="FILE", help="output file, '-' for stdout")
    p.add_argument("--include-log", action="store_true",
                   help="also export the ingest log graph (ingest times; not byte-stable)")


def cmd_export(args: argparse.Namespace) -> int:
    from kg.export import rdf

    with open_reader(args) as store:
        size = rdf.export(store, args.format, args.output, include_log=args.include_log)
    if args.output != "-":
        print(f"wrote {args.output} ({size:,} bytes)", file=sys.stderr)
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
    Command("export", cmd_export, "write the graph as Turtle, TriG, N-Triples, N-Quads or JSON-LD",
            "kg export --format trig -o case.trig\n  kg export --format ttl -      # to stdout", export_arguments),
    Command("stats", cmd_stats, "count people, organizations, publications, claims and sources", "kg stats --sources",
            stats_arguments),
    Command("validate", cmd_validate, "check the store against the SHACL shapes in ontology/shapes.ttl",
            "kg validate"),
]
