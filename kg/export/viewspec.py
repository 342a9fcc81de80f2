"""What `kg view` draws: the whole network or a part of it, checked against the node limit.

The narrowing options apply in a fixed order: ``--query`` picks the starting network, then
``--source`` keeps what one source file or publication contributed, ``--around NAME --hops N``
keeps a neighbourhood (claims count as a hop: person -> claim -> subject is two), and ``--types``
keeps node types (without claims, claimant -> subject edges carry the claim counts).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from kg.errors import InputError
from kg.export import neighbourhood, subgraph
from kg.export.html import write_view
from kg.export.queryview import query_network, read_query
from kg.query.network import Network, load_network
from kg.store import KgStore


@dataclass
class ViewSpec:
    around: str | None = None
    hops: int = 2
    types: str | None = None
    source: str | None = None
    query: Path | None = None
    max_nodes: int = subgraph.DEFAULT_NODE_LIMIT
    force: bool = False

    def describe(self) -> str:
        parts = []
        if self.query:
            parts.append(f"query {self.query.name}")
        if self.source:
            parts.append(f"source {self.source}")
        if self.around:
            parts.append(f"around {self.around} ({self.hops} hop{'s' if self.hops != 1 else ''})")
        if self.types:
            parts.append(f"types {self.types}")
        return ", ".join(parts)


@dataclass
class ViewResult:
    nodes: int
    edges: int
    size: int


def select(store: KgStore, spec: ViewSpec) -> Network:
    """The network the spec describes, refused (ViewTooLarge) if over the limit without --force."""
    types = subgraph.parse_types(spec.types) if spec.types is not None else None
    if spec.query is None and spec.source is None and spec.around is None and types is None:
        subgraph.check_store_size(store, spec.max_nodes, spec.force)  # refused before anything is loaded
    source = _source_file(store, spec.source) if spec.source is not None and spec.query is None else None
    if spec.query is None and (spec.around is not None or source is not None):
        # only the part is read from the store: large graphs stay out of memory
        if source is not None:
            net = neighbourhood.of_source(store, *source)
            if spec.around is not None:
                net = subgraph.around(net, spec.around, spec.hops, store.minter.base)
        else:
            assert spec.around is not None
            early = spec.force or types is not None  # --types may bring it under the limit: decide after it
            net = neighbourhood.around(store, spec.around, spec.hops, spec.max_nodes, early)
        if types is not None:
            net = subgraph.only_types(net, types)
        subgraph.check_size(net, spec.max_nodes, spec.force)
        return net
    net = load_network(store)
    if spec.query is not None:
        net = query_network(store, net, read_query(spec.query))
    if spec.source is not None:
        net = subgraph.only_source(net, store, spec.source)
    if spec.around is not None:
        net = subgraph.around(net, spec.around, spec.hops, store.minter.base)
    if types is not None:
        net = subgraph.only_types(net, types)
    subgraph.check_size(net, spec.max_nodes, spec.force)
    return net


def _source_file(store: KgStore, name: str) -> tuple[str, str] | None:
    """(file name, graph IRI) when --source names a source file; None when it may name a publication."""
    try:
        info = store.find_source(name)
    except InputError:
        return None
    return info.name, info.iri


def make_view(store: KgStore, spec: ViewSpec, target: Path, title: str) -> ViewResult:
    net = select(store, spec)
    scope = spec.describe()
    size = write_view(net, target, f"{title} — {scope}" if scope else title)
    return ViewResult(len(net.nodes), len(net.edges), size)


def default_title(store: KgStore) -> str:
    names = [info.name for info in store.sources()]
    shown = ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")
    return f"kg: {shown}" if shown else "kg: empty store"
