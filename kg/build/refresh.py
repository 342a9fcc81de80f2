"""Step 5 of `kg build` (:mod:`kg.build.incremental`): bring graph.ttl, graph.trig, the stats and the
view up to date. When the previous files can be trusted they are patched from the runs of the rewritten
sources and the pieces of the previous files; otherwise both are written whole, from the runs of every
source (built from the lines kg wrote; a graph this build did not write is read from the store)."""

from __future__ import annotations

import heapq
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox

from kg.build import outputs, runs
from kg.build.pipeline import Report
from kg.build.state import BuildState, Stat, output_stat
from kg.export.rdf import prefixes as export_prefixes
from kg.export.rdf import sort_key, sort_row
from kg.fsutil import remove_output, staged
from kg.query import stats as stats_module
from kg.store import KgStore

if TYPE_CHECKING:
    from kg.build.incremental import Build

OUTPUT_FILES = ("graph.ttl", "graph.trig")
VIEW_FILE = "graph.html"


@dataclass
class Outputs:
    folder: Path
    title: str
    max_nodes: int


@dataclass
class BuildResult:
    report: Report
    state: BuildState | None = None  # to save once the store is closed (its snapshot published)
    wrote: list[tuple[Path, int]] = field(default_factory=list)
    view: str | None = None  # "N nodes, M edges" when graph.html was written
    view_refused: str | None = None
    stats: str = ""


def write_outputs(job: Build, out: Outputs, result: BuildResult, spill: Path, curation_hash: str | None) -> None:
    """graph.ttl and graph.trig (patched from the previous ones when they can be trusted, else whole),
    the stats, the view, and the state the build will save."""
    store = job.store
    fixed = export_prefixes(store)
    head = outputs.header(fixed)
    ttl, trig = out.folder / "graph.ttl", out.folder / "graph.trig"
    state = job.state
    patch = state is not None and state.out == str(out.folder.resolve()) and bool(state.ttl) and bool(state.trig) \
        and all(output_stat(out.folder / name) == state.outputs.get(name) for name in OUTPUT_FILES)
    if patch:
        assert state is not None
        census = runs.Census.from_json(state.census)
        ttl_layout, trig_layout, union_changed = _patch(job, ttl, trig, head, fixed, state, census)
    else:
        census = runs.Census()
        ttl_layout, trig_layout = _write_whole(job, ttl, trig, head, fixed, census, spill)
        union_changed = True
    for path in (ttl, trig):
        result.wrote.append((path, _written(path).st_size))
    counts = stats_module.Stats(len(job.sources) if job.prune else len(store.source_graphs()), census.triples,
                                {label: census.types.get(label, 0) for label in stats_module.COUNTED_TYPES})
    result.stats = stats_module.render(counts)
    view = out.folder / VIEW_FILE
    refused = _view_refusal(census, out.max_nodes)
    if refused is not None:
        remove_output(view)
        result.view_refused = refused
    elif union_changed or state is None or state.view is not None or \
            output_stat(view) != state.outputs.get(VIEW_FILE):
        from kg.export.viewspec import ViewSpec, make_view

        made = make_view(store, ViewSpec(max_nodes=out.max_nodes), view, out.title)
        result.view = f"{made.nodes:,} nodes, {made.edges:,} edges"
    else:
        result.view = state.drawn
    files = {name: _final_stat(out.folder / name) for name in (*OUTPUT_FILES, VIEW_FILE)}
    if job.folder is not None and job.prune:
        result.state = BuildState(
            base=store.minter.base, directory=str(job.directory.resolve()), out=str(out.folder.resolve()),
            snapshot=None, curation=str(job.curation), curation_hash=curation_hash,
            sources=job.sources, outputs={k: v for k, v in files.items() if v is not None},
            ttl=ttl_layout.to_json(), trig=trig_layout.to_json(), census=census.to_json(),
            view=refused, drawn=result.view, stats=result.stats)


def _written(path: Path) -> os.stat_result:
    """The output just written (its temp file, until the build's outputs replace the old ones together)."""
    return (staged(path) or path).stat()


def _final_stat(path: Path) -> Stat | None:
    final = staged(path)
    return output_stat(final) if final is not None else None


def _view_refusal(census: runs.Census, limit: int) -> str | None:
    if sum(census.nodes.values()) <= limit:
        return None
    from kg.export.subgraph import too_large

    return str(too_large(census.nodes, census.edges, limit))


def _graph_order(graph: str) -> bytes:
    return graph.encode("utf-8")


def _write_whole(job: Build, ttl: Path, trig: Path, head: bytes, fixed: dict[str, str], census: runs.Census,
                 spill: Path) -> tuple[outputs.Layout, outputs.Layout]:
    """Both files from scratch: a run per graph (this build's, or read from the store for a graph this
    build did not write), the TriG blocks in graph order, the Turtle from the merged runs."""
    store = job.store
    graphs = {f"<{g.value}>" for g in store.source_graphs()}
    files: dict[str, Path] = {}
    blocks: list[tuple[str, bytes]] = []
    for number, graph in enumerate(sorted(graphs, key=_graph_order)):
        path = job.changed.get(graph)
        if path is None:
            path = spill / f"stored-{number}.run"
            runs.write_run(path, _stored_run(store, graph))
        run = list(runs.read_run(path))
        files[graph] = path
        blocks.append((graph, outputs.trig_block(graph, run, fixed)))
    trig_layout = outputs.write_pieces(trig, head, blocks)
    del blocks
    merged = runs.distinct(heapq.merge(*(runs.read_run(p) for p in files.values())))
    ttl_layout = outputs.write_pieces(ttl, head, outputs.ttl_chunks(merged, fixed, census))
    return ttl_layout, trig_layout


def _stored_run(store: KgStore, graph: str) -> list[bytes]:
    quads = store.backend.quads(None, None, None, ox.NamedNode(graph[1:-1]))
    found = [sort_key(f"{q.triple} .".encode()) for q in quads]
    found.sort()
    return found


def _patch(job: Build, ttl: Path, trig: Path, head: bytes, fixed: dict[str, str], state: BuildState,
           census: runs.Census) -> tuple[outputs.Layout, outputs.Layout, bool]:
    trig_old = outputs.Layout.from_json(state.trig)
    ttl_old = outputs.Layout.from_json(state.ttl)
    by_graph = {p.first: p for p in trig_old.pieces}
    added: set[bytes] = set()
    removed: set[bytes] = set()
    blocks: dict[str, bytes | None] = {}
    for graph, run in job.changed.items():
        piece = by_graph.get(graph)
        old = outputs.read_piece(trig, head, piece, ox.RdfFormat.TRIG) if piece is not None else []
        new = list(runs.read_run(run)) if run is not None else []
        if old == new:
            continue
        old_set, new_set = set(old), set(new)
        added |= new_set - old_set
        removed |= old_set - new_set
        blocks[graph] = outputs.trig_block(graph, new, fixed) if new else None
    if not blocks:
        return ttl_old, trig_old, False
    removed -= added
    removed = {e for e in removed if not _in_union(job.store, e)}
    pieces: list[tuple[str, bytes | tuple[int, int]]] = []
    for graph in sorted(set(by_graph) | set(blocks), key=_graph_order):
        if graph in blocks:
            block = blocks[graph]
            if block is not None:
                pieces.append((graph, block))
        else:
            piece = by_graph[graph]
            pieces.append((graph, (piece.offset, piece.length)))
    trig_layout = outputs.write_pieces(trig, head, pieces, trig)
    ttl_layout = outputs.patch_ttl(ttl, head, ttl_old, added, removed, fixed, census)
    return ttl_layout, trig_layout, True


def _in_union(store: KgStore, element: bytes) -> bool:
    """Whether a statement is still in some source graph (the log graph is not one)."""
    line = sort_row(element, False)
    triple = next(iter(ox.parse(line, format=ox.RdfFormat.N_TRIPLES)))
    return any(q.graph_name != store.log_graph
               for q in store.backend.quads(triple.subject, triple.predicate, triple.object, None))

