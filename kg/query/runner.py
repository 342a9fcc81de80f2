"""Run SPARQL against a kg store safely: checked, bound, in a killable worker, with a row cap.

Every query path (``kg query``, ``kg ask``, the endpoint) goes through :class:`QueryEngine`. The
ontology's prefixes (``kg:``, ``schema:``, ``prov:`` ...) are predeclared. The default graph is the
merge of all source graphs (a set: :mod:`kg.store.merge`) unless the query's ``FROM`` clauses, or the
protocol's ``default-graph-uri``, pick graphs of the store itself (:mod:`kg.query.dataset`).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from types import TracebackType
from typing import TYPE_CHECKING

import pyoxigraph as ox

from kg.errors import QueryError, StoreError
from kg.iris import check_iri
from kg.query import dataset
from kg.query.execute import parse_rows
from kg.query.messages import Boolean, Request, Rows, StoreSpec, Triples
from kg.query.safety import check_query, check_update, projected
from kg.query.worker import WorkerPool
from kg.sparql import Term, bind

if TYPE_CHECKING:  # only for the type of for_store: queries run in workers, which open the store themselves
    from kg.store import KgStore

DEFAULT_TIMEOUT = 30.0
DEFAULT_MAX_ROWS = 10_000

Cell = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple | None


@dataclass
class Result:
    """A query's answer: rows for SELECT, a boolean for ASK, triples for CONSTRUCT/DESCRIBE."""

    form: str
    variables: list[str] = field(default_factory=list)
    rows: list[tuple[Cell, ...]] = field(default_factory=list)
    boolean: bool | None = None
    triples: list[ox.Triple] = field(default_factory=list)
    truncated: bool = False
    max_rows: int = DEFAULT_MAX_ROWS
    seconds: float = 0.0

    @property
    def is_graph(self) -> bool:
        return self.form in ("CONSTRUCT", "DESCRIBE")

    def column(self, name: str) -> list[str | None]:
        """One column's values as plain strings (IRIs and literal lexical forms)."""
        index = self.variables.index(name)
        return [None if row[index] is None else _plain(row[index]) for row in self.rows]


def _plain(term: Cell) -> str:
    if isinstance(term, ox.Triple):
        return str(term)
    assert term is not None
    return str(term.value)


class QueryEngine:
    """Queries (and, when opened for it, updates) through a pool of killable workers."""

    def __init__(self, spec: StoreSpec, timeout: float = DEFAULT_TIMEOUT, max_rows: int = DEFAULT_MAX_ROWS,
                 workers: int = 1, start_method: str | None = None, allow_update: bool = False) -> None:
        if timeout <= 0 or max_rows <= 0:
            raise QueryError("--timeout and --max-rows must be positive")
        self.timeout, self.max_rows = timeout, max_rows
        self.readers = WorkerPool(spec, workers, start_method)
        self.writer: WorkerPool | None = None
        if allow_update:
            if spec.path is None:
                raise QueryError("updates need a store on disk")
            self.writer = WorkerPool(StoreSpec(path=spec.path, writable=True), 1, start_method)

    @classmethod
    def for_store(cls, store: KgStore, **options: object) -> QueryEngine:
        store.settle()  # what was written so far is in the default graph before a worker reads it
        if store.location.remote is not None:
            spec = StoreSpec(remote=store.location.remote)
        else:
            spec = StoreSpec(memory=store.ox) if store.path is None else StoreSpec(path=store.path)
        return cls(spec, **options)  # type: ignore[arg-type]

    def prepare(self, text: str, bindings: dict[str, Term] | None = None, *,
                default_graph: list[str] | None = None, named_graphs: list[str] | None = None,
                max_rows: int | None = None) -> tuple[str, Request]:
        """Check and bind: the query's form and exactly what the worker will run."""
        checked = check_query(text)
        for iri in (default_graph or []) + (named_graphs or []):
            check_iri(iri, "graph")
        bindings = bindings or {}
        substitute = checked.form == "SELECT" and bool(bindings) and set(bindings) <= projected(text)
        if substitute:
            for name, term in bindings.items():
                bind("SELECT * WHERE { }", {name: term})  # the same checks on names and terms as VALUES gets
        chosen = dataset.chosen(text, default_graph, named_graphs) if checked.has_dataset or default_graph \
            or named_graphs else None
        request = Request(text if substitute else bind(text, bindings), dataset=chosen,
                          max_rows=max_rows or self.max_rows, substitutions=bindings if substitute else {})
        return checked.form, request

    def query(self, text: str, bindings: dict[str, Term] | None = None, *, default_graph: list[str] | None = None,
              named_graphs: list[str] | None = None, timeout: float | None = None,
              max_rows: int | None = None) -> Result:
        form, request = self.prepare(text, bindings, default_graph=default_graph, named_graphs=named_graphs,
                                     max_rows=max_rows)
        started = time.perf_counter()
        reply = self.readers.run(request, timeout or self.timeout)
        result = Result(form, max_rows=request.max_rows)
        if isinstance(reply, Boolean):
            result.boolean = reply.value
        elif isinstance(reply, Rows):
            result.variables, result.rows, result.truncated = reply.variables, parse_rows(reply.tsv), reply.truncated
        elif isinstance(reply, Triples):
            result.triples, result.truncated = reply.triples, reply.truncated
        else:
            raise StoreError(f"query worker: unexpected reply {type(reply).__name__} to a query")
        result.seconds = time.perf_counter() - started
        return result

    def update(self, text: str, timeout: float | None = None) -> None:
        if self.writer is None:
            raise QueryError("this store is read-only here (updates need kg serve --allow-update)")
        check_update(text)
        self.writer.run(Request(text, update=True), timeout or self.timeout)  # publishes a read snapshot

    def start_writer(self) -> None:
        """Open the writer now, so a locked store is reported at start-up, not at the first update."""
        if self.writer is not None:
            self.writer.run(Request("ASK {}"), self.timeout)

    def worker_pids(self) -> list[int]:
        pids = self.readers.pids()
        return pids + (self.writer.pids() if self.writer is not None else [])

    def close(self) -> None:
        self.readers.close()
        if self.writer is not None:
            self.writer.close()

    def __enter__(self) -> QueryEngine:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()
