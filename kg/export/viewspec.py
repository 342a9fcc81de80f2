"""What `kg view` draws: the whole network or a part of it, checked against the node limit.

The narrowing options apply in a fixed order: ``--query`` picks the starting network, then
``--source`` keeps what one source file or publication contributed, ``--around NAME --hops N``
keeps a neighbourhood (claims count as a hop: person -> claim -> subject is two), and ``--types``
keeps node types (without claims, claimant -> subject edges carry the claim counts), and
``--from/--to`` keep claims and publications of that period (kg.export.timeline).

The page's title says what the view shows ("Around Sophia Bryskine (2 hops)", "Whole network"),
then the case; the same title heads the pictures (``--svg``, ``--png``: kg.export.picture).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from kg.errors import InputError
from kg.export import communities, neighbourhood, picture, subgraph, timeline
from kg.export.html import write_view
from kg.export.layout import force_positions
from kg.export.payload import first_shown
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
    communities: bool = False  # colour and group by Louvain community
    start: str | None = None  # --from, as given
    end: str | None = None  # --to, as given

    def describe(self) -> str:
        """What the view shows, for its title: "Around X (2 hops) · only Organization, Person"."""
        parts = []
        if self.query:
            parts.append(f"query {self.query.name}")
        if self.source:
            parts.append(f"from source {self.source}")
        if self.around:
            parts.append(f"around {self.around} ({self.hops} hop{'s' if self.hops != 1 else ''})")
        if self.types:
            parts.append("only " + ", ".join(sorted(subgraph.parse_types(self.types))))
        if self.start or self.end:
            span = " ".join(p for p in (f"from {self.start}" if self.start else "",
                                        f"to {self.end}" if self.end else "") if p)
            parts.append(f"claims {span}")
        if not parts:
            return "Whole network"
        text = " · ".join(parts)
        return text[0].upper() + text[1:]

    def period(self) -> tuple[str | None, str | None]:
        start = timeline.bound(self.start, "--from") if self.start else None
        end = timeline.end_of(self.end) if self.end else None
        if start is not None and end is not None and start > end:
            raise InputError(f"--from {self.start} is after --to {self.end}")
        return start, end


@dataclass
class ViewResult:
    nodes: int
    edges: int
    size: int  # bytes of the page (0 when no page was written)
    layout_seconds: float = 0.0


def select(store: KgStore, spec: ViewSpec) -> Network:
    """The network the spec describes, refused (ViewTooLarge) if over the limit without --force."""
    types = subgraph.parse_types(spec.types) if spec.types is not None else None
    period = spec.period()
    if period != (None, None):  # narrowed after loading: the period is checked against what was read
        net = select(store, ViewSpec(spec.around, spec.hops, spec.types, spec.source, spec.query,
                                     max_nodes=spec.max_nodes, force=True, communities=spec.communities))
        net = timeline.within(net, *period)
        subgraph.check_size(net, spec.max_nodes, spec.force)
        return net
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


def make_view(store: KgStore, spec: ViewSpec, target: Path | None, case: str, title: str | None = None,
              svg: Path | None = None, png: Path | None = None) -> ViewResult:
    """Write the page (``target``) and any pictures of the view; ``case`` names the case in the
    subtitle; ``title`` replaces the title that says what the view shows."""
    net = select(store, spec)
    heading = title or spec.describe()
    subtitle = f"{case} · {len(net.nodes):,} nodes, {len(net.edges):,} edges"
    groups = communities.communities(net) if spec.communities else None
    layout = force_positions(net, shown=first_shown(net), communities=groups)
    size = write_view(net, target, heading, subtitle, layout) if target is not None else 0
    if svg is not None:
        picture.write_svg(net, layout, svg, heading, subtitle)
    if png is not None:
        picture.write_png(net, layout, png, heading, subtitle)
    return ViewResult(len(net.nodes), len(net.edges), size, layout.seconds)


def default_case(store: KgStore) -> str:
    """The case, as the subtitle names it: its source files, the first few by name."""
    names = [info.name for info in store.sources()]
    shown = ", ".join(names[:2]) + (f" and {len(names) - 2} more" if len(names) > 2 else "")
    return f"{len(names)} source{'s' if len(names) != 1 else ''}: {shown}" if names else "empty store"
