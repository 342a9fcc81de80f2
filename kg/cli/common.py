"""What every part of the command line shares: a command's description, where the store is, the
base IRI, opening the store, one-line errors."""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from kg.errors import InputError, visible
from kg.store.location import Location, config_table, locate, require_store

if TYPE_CHECKING:
    from kg.build.remote import DaskExecutor
    from kg.store import KgStore

Handler = Callable[[argparse.Namespace], int]


@dataclass(frozen=True)
class Command:
    """One ``kg`` subcommand: its handler, the one-line summary and example its ``--help`` shows,
    and the function that adds its arguments to its parser."""

    name: str
    handler: Handler
    summary: str
    example: str
    arguments: Callable[[argparse.ArgumentParser], None] | None = None


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


def open_writer(args: argparse.Namespace, then: str = "ingest that source again if it belongs in the store",
                ) -> KgStore:
    """The store for writing; reports (on stderr) partial graphs an interrupted writer left and
    opening removed, and ``then``, what to do about them."""
    from kg.store import KgStore

    store = KgStore.at(store_location(args), base_iri(args))
    for graph in store.recovered:
        print(f"kg: recovered from an interrupted write: removed the partial graph {graph}; {then}",
              file=sys.stderr)
    return store


def open_reader(args: argparse.Namespace) -> KgStore:
    """The store for reading, or NoStoreError (exit 2) when there is none where --store points."""
    from kg.store import KgStore

    return KgStore.at(require_store(store_location(args)), base_iri(args), writable=False)


def follow_symlinks_argument(p: argparse.ArgumentParser) -> None:
    p.add_argument("--follow-symlinks", action="store_true",
                   help="read symbolic links that lead out of a folder being read (default: refuse them, and "
                   "special files, with one line each)")


def cluster_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--dask", metavar="ADDRESS",
                   help="prepare the sources on a Dask cluster: its scheduler (tcp://host:8786), or local:N for N "
                   "worker processes here (default: kg.toml's [cluster] dask, else this machine's processes)")
    p.add_argument("--dask-shared-path", action="store_true",
                   help="the workers read each source at its absolute path here (a file system they share), "
                   "instead of getting its bytes with the task")


@contextlib.contextmanager
def executor(args: argparse.Namespace) -> Iterator[DaskExecutor | None]:
    """The cluster ``--dask`` (or kg.toml's [cluster]) names, connected for as long as the command
    runs; None when sources are prepared on this machine."""
    from kg.build import cluster

    options = cluster.options_from(args.dask, args.dask_shared_path, config_table("cluster"))
    if options is None:
        yield None
        return
    from kg.build.remote import DaskExecutor

    with cluster.connected(options) as client:
        yield DaskExecutor(client, options.shared_path)


def one_line(error: object) -> str:
    """Errors are printed on exactly one line, whatever text (a file name, a parser message) they carry."""
    return visible(" ".join(str(error).splitlines())) or type(error).__name__
