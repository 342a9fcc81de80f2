"""``kg export``'s formats in one place: which writer makes each, and where its output goes.

RDF (ttl, trig, nt, nq, jsonld), the network as GraphML or GEXF, and FollowTheMoney JSON lines are
one file each: to a file, or to standard output for ``-``. The CSV tables and the Neo4j import
files are several files: into a folder.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from kg.defaults import FILE_EXPORT_FORMATS, FOLDER_EXPORT_FORMATS, RDF_EXPORT_FORMATS
from kg.errors import InputError
from kg.export.viewspec import ViewSpec
from kg.fsutil import atomic_output
from kg.stages import Stages
from kg.store import KgStore


@dataclass
class Exported:
    """What an export wrote: (path or '-', bytes) per file, and warnings for the user."""

    files: list[tuple[str, int]] = field(default_factory=list)
    summary: str = ""
    warnings: list[str] = field(default_factory=list)


def export(store: KgStore, fmt: str, target: str, include_log: bool = False, part: ViewSpec | None = None,
           stages: Stages | None = None) -> Exported:
    """Write ``fmt`` to ``target`` (a file, '-' for stdout, or a folder for csv and neo4j); ``part``
    narrows a GraphML/GEXF network as it narrows the view (--around, --types, --source). ``stages``
    hears how an RDF export goes (its read and write stages)."""
    if fmt not in (*FILE_EXPORT_FORMATS, *FOLDER_EXPORT_FORMATS):
        raise InputError(f"unknown export format {fmt!r} (expected one of "
                         f"{', '.join((*FILE_EXPORT_FORMATS, *FOLDER_EXPORT_FORMATS))})")
    if include_log and fmt not in RDF_EXPORT_FORMATS:
        raise InputError("--include-log applies to the RDF formats only")
    if part is not None and fmt not in ("graphml", "gexf"):
        raise InputError("--around, --types and --source narrow the graphml and gexf networks only")
    if fmt in FOLDER_EXPORT_FORMATS:
        if target == "-":
            raise InputError(f"--format {fmt} writes several files: give a folder with -o DIR")
        return _folder(store, fmt, Path(target))
    if fmt in RDF_EXPORT_FORMATS:
        from kg.export import rdf

        return Exported([(target, rdf.export(store, fmt, target, include_log=include_log, stages=stages))])
    with atomic_output(target) as handle:
        if fmt == "ftm":
            from kg.export import ftm

            result = ftm.write(store, handle)
            dropped = [f"FtM could not hold {len(result.dropped):,} value(s), left out: "
                       + "; ".join(f"{i} {p}={v[:60]!r}" for i, p, v in result.dropped[:3])] if result.dropped else []
            return Exported([(target, result.bytes)], f"{result.entities:,} FtM entities", dropped)
        from kg.export import graphfile
        from kg.export.viewspec import select

        graph = graphfile.write_graph(select(store, part or ViewSpec(force=True)), fmt, handle)
    return Exported([(target, graph.bytes)], f"{graph.nodes:,} nodes, {graph.edges:,} edges",
                    [graph.warning] if graph.warning else [])


def _folder(store: KgStore, fmt: str, folder: Path) -> Exported:
    if folder.exists() and not folder.is_dir():
        raise InputError(f"{folder}: not a folder (--format {fmt} writes several files into one)")
    if fmt == "csv":
        from kg.export.tables import write_tables

        sizes = write_tables(store, folder)
    else:
        from kg.export.neo4j import write_neo4j

        sizes = write_neo4j(store, folder)
    return Exported([(str(path), size) for path, size in sizes.items()])
