"""Helpers every part of the command line shares: where the store is, the base IRI, one-line errors."""

from __future__ import annotations

import argparse
import os
from collections.abc import Callable
from pathlib import Path

from kg.defaults import DEFAULT_STORE

Handler = Callable[[argparse.Namespace], int]


def store_path(args: argparse.Namespace) -> Path:
    """``--store``, else ``$KG_STORE``, else outputs/store."""
    return Path(args.store or os.environ.get("KG_STORE") or DEFAULT_STORE)


def base_iri(args: argparse.Namespace) -> str | None:
    return args.base or os.environ.get("KG_BASE") or None


def one_line(error: object) -> str:
    """Errors are printed on exactly one line, whatever text (a file name, a parser message) they carry."""
    return " ".join(str(error).splitlines()) or type(error).__name__
