"""The `kg` command line: a thin layer over the library. The only layer that prints.

Each command group lives in its own module (kg/cli/build.py, report.py, ...), every command's
arguments beside its handler; this module puts them under one parser, in the order ``kg --help``
lists them. Errors are one line on stderr: exit 2 for bad input, 1 for everything else that went wrong.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import NoReturn

from kg import __version__
from kg.cli import build, completion, entities, extract, init, query, report, synth, view
from kg.cli.common import Command, one_line
from kg.defaults import DEFAULT_STORE
from kg.errors import KgError

COMMANDS: list[Command] = [*init.COMMANDS, *build.COMMANDS, *report.COMMANDS, *synth.COMMANDS, *view.COMMANDS,
                           *query.COMMANDS, *extract.COMMANDS, *entities.COMMANDS]


class _OneLineParser(argparse.ArgumentParser):
    """Usage mistakes are one line too (argparse would print the whole usage first); exit code 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {one_line(message)}{self._did_you_mean(message)} "
                     f"(see '{self.prog} --help')\n")

    def _did_you_mean(self, message: str) -> str:
        """For a mistyped option, the nearest option of the command given (Python 3.11's argparse
        names none)."""
        if not message.startswith("unrecognized arguments: "):
            return ""
        import difflib

        known = {option for parser in self._used() for action in parser._actions for option in action.option_strings}
        hints = []
        for word in message.split(": ", 1)[1].split():
            if word.startswith("-"):
                close = difflib.get_close_matches(word.split("=", 1)[0], sorted(known), n=1, cutoff=0.75)
                if close:
                    hints.append(close[0])
        return f"; did you mean {', '.join(hints)}?" if hints else ""

    def _used(self) -> list[argparse.ArgumentParser]:
        """This parser and the subcommand's parser named on the command line."""
        found: list[argparse.ArgumentParser] = [self]
        words = set(sys.argv[1:] if self.argv is None else self.argv)
        for action in self._actions:
            if isinstance(action, argparse._SubParsersAction):
                found.extend(sub for name, sub in action.choices.items() if name in words)
        return found[:2]

    argv: Sequence[str] | None = None


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
    for command in COMMANDS:
        p = sub.add_parser(command.name, help=command.summary, description=command.summary,
                           epilog=f"example:\n  {command.example}",
                           formatter_class=argparse.RawDescriptionHelpFormatter)
        p.set_defaults(handler=command.handler)
        if command.arguments is not None:
            command.arguments(p)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    if isinstance(parser, _OneLineParser):
        parser.argv = argv
    if completion.wanted():  # the shell asks what could come next (see kg/cli/completion.py)
        completion.complete(parser)
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 2
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
    except (OSError, RuntimeError) as exc:  # a full disk where no layer foresaw a write: still one line
        from kg.fsutil import no_space, out_of_space

        if not out_of_space(exc):
            raise
        print(f"kg: error: {one_line(no_space(exc, f'running kg {args.command}'))}", file=sys.stderr)
        return 1
