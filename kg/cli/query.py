"""The query side of the command line: ``kg query``, ``kg ask``, ``kg path`` and ``kg serve``.

Argument parsing and printing only; the work is done by kg.query (kg.query.path for paths) and
kg.serve.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pyoxigraph as ox

from kg.cli.common import Command, store_location, store_path
from kg.errors import QueryError
from kg.fsutil import write_bytes_atomic
from kg.iris import check_iri
from kg.query import formats, saved, table
from kg.query.messages import StoreSpec
from kg.query.params import resolve
from kg.query.runner import DEFAULT_MAX_ROWS, DEFAULT_TIMEOUT, QueryEngine, Result
from kg.sparql import Term
from kg.store.location import require_store

OUTPUT_FORMATS = ["table", *formats.RESULT_FORMATS, *formats.GRAPH_FORMATS]


def _spec(args: argparse.Namespace) -> StoreSpec:
    location = require_store(store_location(args))
    if location.remote is not None:
        return StoreSpec(remote=location.remote)
    return StoreSpec(path=location.path)


def _engine(args: argparse.Namespace) -> QueryEngine:
    return QueryEngine(_spec(args), timeout=args.timeout, max_rows=args.max_rows)


def _pairs(values: list[str] | None, option: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for item in values or []:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise QueryError(f"{option} {item!r}: expected KEY=VALUE")
        out[key.strip()] = value
    return out


def _query_text(source: str) -> str:
    if source == "-":
        return sys.stdin.read()
    if _names_a_file(source):
        try:
            return Path(source).read_text(encoding="utf-8")
        except OSError as exc:
            raise QueryError(f"{source}: cannot read query file ({exc.strerror})") from None
    return source


def _names_a_file(source: str) -> bool:
    """A .rq path, or a line that names an existing file; anything else is the query itself."""
    if "\n" in source or len(source) >= 4096:
        return False
    if source.endswith(".rq") and "{" not in source:
        return True
    try:
        return Path(source).is_file()
    except (OSError, ValueError):  # longer than a file name can be, or a NUL byte: query text
        return False


def _emit(engine: QueryEngine, result: Result, args: argparse.Namespace) -> int:
    fmt = args.format or ("ttl" if result.is_graph else "table")
    if fmt == "table":
        if result.is_graph:
            raise QueryError(f"a {result.form} result is a graph: use --format {', '.join(formats.GRAPH_FORMATS)}")
        labels, base = ({}, None) if args.no_labels else table.lookup_labels(engine, result)
        data = (table.render(result, labels, base, width=args.width) + "\n").encode("utf-8")
    elif fmt == "csv" and args.labels and not result.is_graph:
        data = formats.labelled_csv(result, table.lookup_labels(engine, result)[0])
    else:
        if args.labels:
            raise QueryError("--labels adds label columns to --format csv only")
        data = formats.serialize(result, fmt)
    if args.output and args.output != "-":
        write_bytes_atomic(args.output, data)
        print(f"wrote {args.output} ({len(data):,} bytes)", file=sys.stderr)
    else:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    if result.truncated:
        print(f"kg: warning: stopped at the row cap of {result.max_rows:,} rows; add LIMIT/filters or raise "
              "--max-rows", file=sys.stderr)
    return 0


def _add_run_options(p: argparse.ArgumentParser, output: bool = True) -> None:
    p.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT, metavar="SECONDS",
                   help=f"wall-clock limit; the query's worker is killed after it (default: {DEFAULT_TIMEOUT:g})")
    p.add_argument("--max-rows", type=int, default=DEFAULT_MAX_ROWS, metavar="N",
                   help=f"row cap, reported when hit (default: {DEFAULT_MAX_ROWS:,})")
    if output:
        p.add_argument("--format", choices=OUTPUT_FORMATS, help="table (default for SELECT/ASK), csv, tsv, json, "
                       "xml (W3C result formats); ttl (default for CONSTRUCT/DESCRIBE), nt, jsonld, rdfxml, n3")
        p.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of stdout")
        p.add_argument("--no-labels", action="store_true", help="table: show IRIs without looking up labels")
        p.add_argument("--labels", action="store_true", help="csv: after each column of IRIs, a NAME_label column "
                       "with their labels")
        p.add_argument("--width", type=int, metavar="COLUMNS", help="table: total width (default: the terminal's)")


def query_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("query", metavar="QUERY", help="SPARQL text, a .rq file, or '-' for stdin; prefixes kg:, "
                   "schema:, prov:, skos:, oa:, rdf:, rdfs:, owl:, xsd:, dcterms: are predeclared")
    p.add_argument("--param", action="append", metavar="VAR=VALUE",
                   help="bind ?VAR to a literal, or to an IRI written <...> (never pasted into the text)")
    p.add_argument("--entity", action="append", metavar="VAR=NAME",
                   help="bind ?VAR to the entity with this name, alias or IRI")
    _add_run_options(p)


def cmd_query(args: argparse.Namespace) -> int:
    text = _query_text(args.query)
    with _engine(args) as engine:
        bindings: dict[str, Term] = {}
        for key, value in _pairs(args.param, "--param").items():
            is_iri = value.startswith("<") and value.endswith(">")
            bindings[key] = ox.NamedNode(check_iri(value[1:-1], f"--param {key}")) if is_iri else ox.Literal(value)
        for key, value in _pairs(args.entity, "--entity").items():
            bindings[key] = resolve(engine, "entity", value, key)
        return _emit(engine, engine.query(text, bindings), args)


def ask_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("name", nargs="?", metavar="NAME", help="a saved question (see --list)")
    p.add_argument("--list", action="store_true", help="list the saved questions and their parameters")
    p.add_argument("--show", action="store_true", help="print the question's SPARQL instead of running it")
    p.add_argument("--param", "-p", action="append", metavar="KEY=VALUE",
                   help="a parameter: a name, alias (case-insensitive) or IRI, as the question says")
    _add_run_options(p)


def cmd_ask(args: argparse.Namespace) -> int:
    if args.list or not args.name:
        for question in saved.registry().values():
            print(f"{question.name:<16} {question.description}")
            for param in question.params:
                need = "optional" if param.optional else "required"
                print(f"{'':<16}   --param {param.name}=…  ({param.type}, {need}) {param.description}")
        return 0 if args.list else 2
    question = saved.get(args.name)
    if args.show:
        print(question.text, end="")
        return 0
    with _engine(args) as engine:
        return _emit(engine, saved.ask(engine, args.name, _pairs(args.param, "--param")), args)


def path_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("start", metavar="A", help="name, alias or IRI of the first entity")
    p.add_argument("end", metavar="B", help="name, alias or IRI of the second entity")
    p.add_argument("--max-hops", type=int, default=4, metavar="N", help="longest path to report (default: 4)")
    p.add_argument("--limit", type=int, default=5, metavar="K", help="at most K shortest paths (default: 5)")
    p.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT, metavar="SECONDS", help="for name lookups")


def cmd_path(args: argparse.Namespace) -> int:
    from kg.query import path as paths  # networkx is only needed here

    with QueryEngine(_spec(args), timeout=args.timeout) as engine:
        start = resolve(engine, "entity", args.start, "A")
        end = resolve(engine, "entity", args.end, "B")
    net = paths.load(store_location(args))
    found = paths.find_paths(net, start.value, end.value, args.max_hops, args.limit)
    print(paths.render(net, found, args.start, args.end, args.max_hops))
    return 0 if found else 1


def serve_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--host", default="127.0.0.1", help="address to bind (default: 127.0.0.1, loopback only)")
    p.add_argument("--port", type=int, default=7878, help="port (default: 7878; 0 picks a free one)")
    p.add_argument("--workers", type=int, default=2, metavar="N", help="query worker processes (default: 2)")
    p.add_argument("--max-workers", type=int, default=16, metavar="N",
                   help="while queries run long (over 0.25 s, at the lowest CPU priority), each gets a worker of "
                        "its own, up to N in all, so quick queries do not wait behind them (default: 16)")
    p.add_argument("--max-body", type=int, default=1_000_000, metavar="BYTES",
                   help="largest request body accepted (default: 1000000)")
    p.add_argument("--cors", metavar="ORIGIN", help="let pages from ORIGIN (e.g. a local YASGUI at "
                   "http://localhost:8080) read results; off by default")
    p.add_argument("--allow-update", action="store_true", help="accept SPARQL updates carrying "
                   "'Authorization: Bearer $KG_UPDATE_TOKEN' (the variable must be set, 16+ characters)")
    _add_run_options(p, output=False)


def cmd_serve(args: argparse.Namespace) -> int:
    from kg.serve import endpoint as serve

    config = serve.ServeConfig(store=store_path(args), host=args.host, port=args.port, timeout=args.timeout,
                               max_rows=args.max_rows, workers=args.workers, max_workers=args.max_workers,
                               allow_update=args.allow_update, max_body=args.max_body, cors=args.cors)
    return serve.run(config, log=lambda line: print(line, file=sys.stderr, flush=True))


COMMANDS = [
    Command("query", cmd_query, "run a SPARQL query (argument, .rq file or stdin) and print the result",
            "kg query 'SELECT ?name WHERE { ?p a schema:Person ; rdfs:label ?name }'\n"
            "  kg query examples/claims.rq --format csv -o answers.csv   # a query file (examples/ has two)",
            query_arguments),
    Command("ask", cmd_ask, "run a saved investigator question; --list shows them all",
            "kg ask claims-about --param entity=CCP\n  kg ask --list\n"
            "  kg ask claims-about --param entity=CCP --format csv --labels -o ccp.csv   # names next to IRIs",
            ask_arguments),
    Command("path", cmd_path, "shortest connections between two entities, each hop with its relation and sources",
            "kg path 'Sophia Bryskine' 'Falun Gong' --max-hops 4", path_arguments),
    Command("serve", cmd_serve, "a SPARQL 1.1 Protocol endpoint at /sparql (GET without a query: its service "
            "description) with a query page at / (read-only)",
            "kg serve --port 7878     # then open http://127.0.0.1:7878/\n"
            "  curl 'http://127.0.0.1:7878/sparql?query=ASK%7B%7D&format=json'", serve_arguments),
]
