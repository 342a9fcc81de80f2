"""``kg view``: the interactive network view, one offline HTML file, and pictures of it."""

from __future__ import annotations

import argparse
from pathlib import Path

from kg.cli.common import Command, open_reader
from kg.defaults import DEFAULT_NODE_LIMIT

# Not outputs/graph.html: that page is kg build's, and the next build would take a narrower view
# written over it for its own (or redraw it). A view goes there only when -o says so.
DEFAULT_PAGE = "outputs/view.html"


def view_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("-o", "--output", metavar="FILE",
                   help=f"the page to write (default: {DEFAULT_PAGE}, never the build's graph.html; none when "
                   "--svg/--png is given)")
    p.add_argument("--around", metavar="NAME", help="only what lies within --hops of this person, "
                   "organization, publication or claim (name, alias or IRI)")
    p.add_argument("--hops", type=int, default=2, metavar="N", help="with --around: how far (default: 2; "
                   "person -> claim -> subject is 2 hops)")
    p.add_argument("--types", metavar="TYPES", help="only these node types, e.g. Person,Organization (without "
                   "Claim, claimant -> subject edges carry the number of claims)")
    p.add_argument("--source", metavar="SOURCE", help="only what one source file or publication contributed")
    p.add_argument("--query", metavar="FILE.rq", help="draw what a SPARQL CONSTRUCT or SELECT query returns")
    p.add_argument("--from", dest="date_from", metavar="DATE", help="only claims and publications dated from this "
                   "day on (2024, 2024-05 or 2024-05-17); a claim's date is its own, else its publication's")
    p.add_argument("--to", dest="date_to", metavar="DATE", help="only claims and publications dated up to the "
                   "end of this year, month or day")
    p.add_argument("--communities", action="store_true", help="colour nodes by community (Louvain) and draw "
                   "communities together; shapes still show the type")
    p.add_argument("--svg", metavar="FILE", help="write a picture of the view as SVG (drawn in Python)")
    p.add_argument("--png", metavar="FILE", help="write a picture of the view as PNG (needs Chromium)")
    p.add_argument("--max-nodes", type=int, default=DEFAULT_NODE_LIMIT, metavar="N",
                   help=f"refuse to write a view with more nodes than this (default: {DEFAULT_NODE_LIMIT:,})")
    p.add_argument("--force", action="store_true", help="write the view even above --max-nodes")
    p.add_argument("--title", metavar="TEXT", help="page title (default: what the view shows, e.g. "
                   "'Around Sophia Bryskine (2 hops)')")


def cmd_view(args: argparse.Namespace) -> int:
    from kg.export.viewspec import ViewSpec, default_case, make_view

    spec = ViewSpec(around=args.around, hops=args.hops, types=args.types, source=args.source,
                    query=Path(args.query) if args.query else None, max_nodes=args.max_nodes, force=args.force,
                    communities=args.communities, start=args.date_from, end=args.date_to)
    svg, png = (Path(args.svg) if args.svg else None), (Path(args.png) if args.png else None)
    page = args.output or (None if svg or png else DEFAULT_PAGE)
    with open_reader(args) as store:
        view = make_view(store, spec, Path(page) if page else None, default_case(store), args.title, svg, png)
    drawn = f"{view.nodes:,} nodes, {view.edges:,} edges, layout {view.layout_seconds:.1f} s"
    if page:
        print(f"wrote {page} ({drawn}, {view.size:,} bytes)")
    for kind, path in (("SVG", svg), ("PNG", png)):
        if path is not None:
            print(f"wrote {path} ({kind} picture{'' if page else ', ' + drawn})")
    return 0


COMMANDS = [
    Command("view", cmd_view, "write the interactive network view (one offline HTML file) or a picture of it",
            "kg view                  # the whole network -> outputs/view.html\n"
            "  kg view --around 'Sophia Bryskine' --hops 2 -o bryskine.html\n"
            "  kg view --types Person,Organization --source case.yaml -o people.html\n"
            "  kg view --from 2024-01 --to 2024-06 --svg first-half.svg", view_arguments),
]
