"""``kg view``: the interactive network view, one offline HTML file."""

from __future__ import annotations

import argparse
from pathlib import Path

from kg.cli.common import Command, open_reader
from kg.defaults import DEFAULT_NODE_LIMIT


def view_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("-o", "--output", default="outputs/graph.html", metavar="FILE",
                   help="the page to write (default: outputs/graph.html)")
    p.add_argument("--around", metavar="NAME", help="only what lies within --hops of this person, "
                   "organization, publication or claim (name, alias or IRI)")
    p.add_argument("--hops", type=int, default=2, metavar="N", help="with --around: how far (default: 2; "
                   "person -> claim -> subject is 2 hops)")
    p.add_argument("--types", metavar="TYPES", help="only these node types, e.g. Person,Organization (without "
                   "Claim, claimant -> subject edges carry the number of claims)")
    p.add_argument("--source", metavar="SOURCE", help="only what one source file or publication contributed")
    p.add_argument("--query", metavar="FILE.rq", help="draw what a SPARQL CONSTRUCT or SELECT query returns")
    p.add_argument("--max-nodes", type=int, default=DEFAULT_NODE_LIMIT, metavar="N",
                   help=f"refuse to write a view with more nodes than this (default: {DEFAULT_NODE_LIMIT:,})")
    p.add_argument("--force", action="store_true", help="write the view even above --max-nodes")
    p.add_argument("--title", metavar="TEXT", help="page title (default: the store's source names)")


def cmd_view(args: argparse.Namespace) -> int:
    from kg.export.viewspec import ViewSpec, default_title, make_view

    spec = ViewSpec(around=args.around, hops=args.hops, types=args.types, source=args.source,
                    query=Path(args.query) if args.query else None, max_nodes=args.max_nodes, force=args.force)
    with open_reader(args) as store:
        view = make_view(store, spec, Path(args.output), args.title or default_title(store))
    print(f"wrote {args.output} ({view.nodes:,} nodes, {view.edges:,} edges, {view.size:,} bytes)")
    return 0


COMMANDS = [
    Command("view", cmd_view, "write the interactive network view (one offline HTML file)",
            "kg view -o outputs/graph.html\n  kg view --around 'Sophia Bryskine' --hops 2 -o bryskine.html\n"
            "  kg view --types Person,Organization --source case.yaml", view_arguments),
]
