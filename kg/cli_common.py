"""Helpers every part of the command line shares: where the store is, the base IRI, one-line errors."""

from __future__ import annotations

import argparse
import os
from collections.abc import Callable
from pathlib import Path

from kg.errors import InputError
from kg.location import Location, locate

Handler = Callable[[argparse.Namespace], int]


def store_location(args: argparse.Namespace) -> Location:
    """``--store``, else ``$KG_STORE``, else the config file's ``[store]``, else outputs/store."""
    return locate(args.store)


def store_path(args: argparse.Namespace) -> Path:
    """The store's folder, for the commands that work on an embedded store only."""
    location = store_location(args)
    if location.path is None:
        raise InputError(f"kg {args.command} works on a store folder, not {location} "
                         "(a remote store is a SPARQL endpoint already)")
    return location.path


def base_iri(args: argparse.Namespace) -> str | None:
    return args.base or os.environ.get("KG_BASE") or None


def one_line(error: object) -> str:
    """Errors are printed on exactly one line, whatever text (a file name, a parser message) they carry."""
    return " ".join(str(error).splitlines()) or type(error).__name__
