"""kg as a Python library: open a case's store, build it, ask it questions, take the network out.

``import kg`` gives :func:`open` and :class:`Case` (loaded on first use, so ``import kg.store`` stays
light). Everything here calls the same library functions as the command line; docs/api.md shows it
in use (tests/test_api.py runs every example there, in order).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox

from kg import vocab
from kg.defaults import EXPORT_FORMATS
from kg.errors import InputError, KgError
from kg.store import KgStore
from kg.store.location import Location, locate, parse

if TYPE_CHECKING:
    import networkx as nx
    import pandas as pd  # type: ignore[import-untyped]

    from kg.build.pipeline import Report
    from kg.export.formats import Exported
    from kg.export.viewspec import ViewResult
    from kg.query.lookup import Entity
    from kg.query.path import Connection
    from kg.query.runner import QueryEngine, Result
    from kg.query.stats import Stats
    from kg.resolve.stored import StoredEntity

_SUFFIX_FORMATS = {".ttl": "ttl", ".trig": "trig", ".nt": "nt", ".nq": "nq", ".jsonld": "jsonld",
                   ".graphml": "graphml", ".gexf": "gexf", ".ftm.json": "ftm", ".ftm.jsonl": "ftm"}
_NUMBERS = {vocab.XSD.iri + name: kind for kind, names in (
    (int, ("integer", "int", "long", "short", "byte", "nonNegativeInteger", "positiveInteger",
           "nonPositiveInteger", "negativeInteger", "unsignedInt", "unsignedLong", "unsignedShort", "unsignedByte")),
    (float, ("double", "float")), (Decimal, ("decimal",))) for name in names}


def open(where: str | Path | None = None, *, base: str | None = None, write: bool = False) -> Case:
    """Open a store: a folder, ``"memory:"`` or a SPARQL 1.1 server's URL (default: ``$KG_STORE``,
    kg.toml's ``[store]``, else outputs/store). ``write=True`` takes the writer lock (needed to build
    or ingest a folder or server); an in-memory store is always writable."""
    location = locate(None) if where is None else (parse(str(where)) if isinstance(where, str)
                                                   else Location("disk", where))
    store = KgStore.at(location, base, writable=write or location.kind == "memory")
    return Case(store)


@dataclass
class Answer:
    """A query's answer. ``rows`` are dicts of Python values (IRIs as ``str``, numbers as numbers,
    unbound as ``None``); :meth:`df` is the same as a pandas DataFrame; ``boolean`` for ASK;
    ``triples`` (pyoxigraph triples) for CONSTRUCT and DESCRIBE."""

    result: Result

    @property
    def columns(self) -> list[str]:
        return list(self.result.variables)

    @property
    def rows(self) -> list[dict[str, Any]]:
        names = self.result.variables
        return [{n: python_value(v) for n, v in zip(names, row, strict=True)} for row in self.result.rows]

    @property
    def boolean(self) -> bool | None:
        return self.result.boolean

    @property
    def triples(self) -> list[ox.Triple]:
        return list(self.result.triples)

    @property
    def truncated(self) -> bool:
        """The row cap stopped the answer (raise ``max_rows``)."""
        return self.result.truncated

    def df(self) -> pd.DataFrame:
        try:
            import pandas as pd
        except ImportError:
            raise KgError("Answer.df() needs pandas: pip install pandas (or use .rows)") from None
        return pd.DataFrame(self.rows, columns=self.columns)

    def __iter__(self) -> Iterator[dict[str, Any]]:
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.result.rows)


def python_value(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple | None) -> Any:
    """An RDF term as the Python value a table shows: IRI -> str, typed numbers and booleans -> numbers
    and bools, dates -> ``datetime.date``, other literals -> their text, a blank node -> ``_:id``."""
    if term is None or isinstance(term, ox.NamedNode):
        return None if term is None else term.value
    if isinstance(term, ox.BlankNode | ox.Triple):
        return str(term)
    datatype = term.datatype.value
    try:
        if datatype in _NUMBERS:
            return _NUMBERS[datatype](term.value)
        if datatype == vocab.XSD_BOOLEAN:
            return term.value in ("true", "1")
        if datatype == vocab.XSD_DATE:
            return dt.date.fromisoformat(term.value)
    except ValueError:
        pass  # an ill-typed literal: keep its text
    return term.value


@dataclass(frozen=True)
class Evidence:
    """Where a claim's words are: the quoted text, the publication holding it (label and IRI) and
    the character offsets into that publication's stored text, when known."""

    exact: str
    publication: str | None
    publication_iri: str | None
    start: int | None
    end: int | None


@dataclass(frozen=True)
class Claim:
    """One attributed claim as plain Python: who said it, about whom, where it appeared, which
    source files state it, and the evidence for it. Entities are given by label (``claimant``,
    ``about``, ``appears_in``) and by IRI (``claimant_iris``, ``about_iris``)."""

    iri: str
    text: str
    kind: str | None
    date: str | None
    claimant: list[str]
    about: list[str]
    appears_in: list[str]
    claimant_iris: list[str]
    about_iris: list[str]
    sources: list[str]
    evidence: list[Evidence]


class Case:
    """An open store. Use it as a context manager, or call :meth:`close`."""

    def __init__(self, store: KgStore) -> None:
        self.store = store
        self.root: Path | None = None  # the folder last built: where ``case.yaml#id`` names are read
        self._engine: QueryEngine | None = None
        self._published = True  # queries run in workers that read the last published snapshot

    # -- writing ------------------------------------------------------------------------------------
    def build(self, directory: str | Path, prune: bool = True) -> Report:
        """Ingest every source under ``directory`` (as ``kg build``, without writing the outputs);
        sources no longer there are retracted unless ``prune=False``."""
        from kg.build import pipeline

        report = pipeline.build(self.store, Path(directory), prune=prune)
        self.root = Path(directory)
        self._published = False
        return report

    def ingest(self, *files: str | Path, root: str | Path | None = None) -> Report:
        """Add or replace single sources; ``root`` names them relative to a folder."""
        from kg.build import pipeline
        from kg.defaults import CURATION_FILE

        folder = Path(root) if root is not None else None
        report = pipeline.ingest(self.store, [Path(f) for f in files], folder,
                                 folder / CURATION_FILE if folder else None)
        self._published = False
        return report

    def retract(self, source: str) -> str:
        """Remove what one source contributed; its name."""
        info = self.store.retract(source)
        self._published = False
        return info.name

    # -- asking -------------------------------------------------------------------------------------
    def query(self, sparql: str, params: Mapping[str, str | ox.NamedNode | ox.Literal] | None = None, *,
              timeout: float | None = None, max_rows: int | None = None) -> Answer:
        """Run SPARQL (prefixes kg:, schema:, prov:, ... predeclared) in a killable worker. ``params``
        bind variables: a ``str`` becomes a literal, or pass pyoxigraph terms; never pasted into text."""
        bindings = {k: ox.Literal(v) if isinstance(v, str) else v for k, v in (params or {}).items()}
        return Answer(self._queries().query(sparql, bindings, timeout=timeout, max_rows=max_rows))

    def ask(self, question: str, timeout: float | None = None, **params: str) -> Answer:
        """A saved question (``kg ask --list`` names them): ``case.ask("claims-about", entity="CCP")``."""
        from kg.query import saved

        options = {"timeout": timeout} if timeout is not None else {}
        return Answer(saved.ask(self._queries(), question, dict(params), **options))

    def find(self, name: str, kinds: list[str] | None = None) -> Entity:
        """The one entity ``name`` means (IRI, person/slug, case.yaml#id, name or alias; kg.query.lookup)."""
        from kg.query.lookup import Lookup

        return Lookup.of_store(self.store, root=self.root or Path.cwd()).find(name, kinds, "name").entity

    def entities(self, kind: str | None = None) -> list[StoredEntity]:
        """People, organizations and publications with their names per source (as ``kg entities``)."""
        from kg import schema
        from kg.resolve.stored import stored_entities

        wanted = schema.parse_kind(kind, [k.name for k in schema.load().entity_kinds]).name if kind else None
        return [e for e in stored_entities(self.store) if wanted is None or e.kind == wanted]

    def claims(self, about: str | None = None, by: str | None = None) -> list[Claim]:
        """Every claim (or those ``about`` an entity, or said ``by`` one; names as :meth:`find` takes
        them), in IRI order, with its sources and evidence."""
        from kg.query.records import read_records

        records = read_records(self.store)
        about_iri = self.find(about).iri if about is not None else None
        by_iri = self.find(by).iri if by is not None else None
        found = []
        for claim in records.of("claim"):
            if (about_iri and about_iri not in claim.all("about")) or (by_iri and by_iri not in claim.all("claimant")):
                continue
            found.append(Claim(
                claim.iri, claim.first("text") or "", claim.first("claim_kind"), claim.first("claim_date"),
                [records.label(i) for i in claim.all("claimant")], [records.label(i) for i in claim.all("about")],
                [records.label(i) for i in claim.all("appears_in")], claim.all("claimant"), claim.all("about"),
                sorted(claim.sources),
                [Evidence(e.exact, records.label(e.source) if e.source else None, e.source, e.start, e.end)
                 for e in claim.evidence]))
        return found

    def stats(self) -> Stats:
        from kg.query import stats

        return stats.compute(self.store)

    def paths(self, a: str, b: str, max_hops: int = 4, limit: int = 5) -> list[Connection]:
        """Shortest connections between two entities (as ``kg path``)."""
        from kg.query import path
        from kg.query.network import load_network

        net = load_network(self.store)
        return path.find_paths(net, self.find(a).iri, self.find(b).iri, max_hops, limit)

    # -- taking it out ------------------------------------------------------------------------------
    def network(self) -> nx.MultiDiGraph:
        """The entity network as networkx: nodes are IRIs (``type``, ``label``, ``aliases``, ``sources``),
        one edge per relation (``relation``, ``sources``, ``publications``), in the view's direction."""
        import networkx as nx

        from kg.query.network import load_network

        net = load_network(self.store)
        graph = nx.MultiDiGraph()
        for iri in sorted(net.nodes):
            node = net.nodes[iri]
            graph.add_node(iri, type=node.type, label=node.label, aliases=list(node.aliases),
                           sources=sorted(node.sources))
        for key in sorted(net.edges):
            edge = net.edges[key]
            graph.add_edge(edge.source, edge.target, key=edge.relation, relation=edge.relation,
                           sources=sorted(edge.sources), publications=sorted(edge.publications))
        return graph

    def export(self, target: str | Path, fmt: str | None = None, include_log: bool = False) -> Exported:
        """Write the graph as ``kg export`` does: RDF (ttl, trig, nt, nq, jsonld), graphml, gexf or
        ftm to a file (``fmt`` or the file's suffix), csv or neo4j into a folder. Files are
        replaced whole; what was written (paths and bytes) comes back."""
        from kg.export import formats

        name = Path(target).name.lower()
        chosen = fmt or next((f for suffix, f in sorted(_SUFFIX_FORMATS.items(), key=lambda i: -len(i[0]))
                              if name.endswith(suffix)), None)
        if chosen is None:
            raise InputError(f"{target}: say which format (fmt= one of {', '.join(EXPORT_FORMATS)})")
        return formats.export(self.store, chosen, str(target), include_log=include_log)

    def serialize(self, fmt: str = "ttl", include_log: bool = False) -> bytes:
        from kg.export import rdf

        return rdf.serialize(self.store, fmt, include_log=include_log)

    def view(self, target: str | Path, title: str | None = None, **spec: Any) -> ViewResult:
        """The offline HTML network view (as ``kg view``); ``spec``: ViewSpec fields (around, hops, types, ...)."""
        from kg.export.viewspec import ViewSpec, default_case, make_view

        return make_view(self.store, ViewSpec(**spec), Path(target), default_case(self.store), title)

    # -- lifetime -----------------------------------------------------------------------------------
    def _queries(self) -> QueryEngine:
        from kg.query.runner import QueryEngine

        if not self._published:  # let the workers see what this case wrote
            if self.store.location.kind == "memory" and self._engine is not None:
                self._engine.close()  # its workers forked the store before the write: fork new ones
                self._engine = None
            self.store.publish()
            self._published = True
        if self._engine is None:
            self._engine = QueryEngine.for_store(self.store)
        return self._engine

    def close(self) -> None:
        if self._engine is not None:
            self._engine.close()
            self._engine = None
        self.store.close()

    def __enter__(self) -> Case:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<kg.Case {self.store.location}>"
