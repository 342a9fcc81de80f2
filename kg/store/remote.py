"""A remote SPARQL 1.1 store: queries by the Protocol, writes by SPARQL Update and the Graph Store Protocol.

One keep-alive HTTP connection per backend (a backend is used by one thread). Answers are parsed
by pyoxigraph straight from the response stream, so a large export or query result is never held
whole. A source graph is replaced by one Graph Store ``PUT`` (one transaction on the server); without a
Graph Store endpoint it is written into a staging graph by SPARQL Update and moved into place by one
``MOVE``. Either way a failure midway never leaves a half-written source graph.

Nothing here prints or logs a credential: the Authorization header comes from the environment
(:mod:`kg.store.location`) and error messages name the endpoint URL only.
"""

from __future__ import annotations

import http.client
import urllib.parse
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import IO, Any, cast

import pyoxigraph as ox

from kg.errors import QueryError, StoreError
from kg.sparql import keywords, values
from kg.store.backend import GraphData, Object, QueryAnswer, Staged, Subject
from kg.store.location import Remote
from kg.store.merge import MergeQueue, copy_update
from kg.store.nt import SpilledSink

RESULTS_JSON = "application/sparql-results+json"
N_TRIPLES = "application/n-triples"
N_QUADS = "application/n-quads"
# Without a Graph Store endpoint, triples go over SPARQL Update in batches of this many lines.
UPDATE_BATCH = 20_000


class RemoteBackend:
    def __init__(self, remote: Remote) -> None:
        self.remote = remote
        self._conn: http.client.HTTPConnection | None = None

    # -- HTTP -----------------------------------------------------------------------------------
    def _connection(self, url: urllib.parse.SplitResult) -> http.client.HTTPConnection:
        conn = self._conn
        if conn is None or (conn.host, conn.port) != (url.hostname, url.port or _default_port(url)):
            self.close()
            kind = http.client.HTTPSConnection if url.scheme == "https" else http.client.HTTPConnection
            conn = kind(url.hostname or "", url.port, timeout=self.remote.timeout)
            self._conn = conn
        return conn

    def _request(self, method: str, url: str, body: bytes | Path | None = None,
                 headers: dict[str, str] | None = None) -> http.client.HTTPResponse:
        """Send one request (retried once on a stale keep-alive connection); raise on an error status."""
        parts = urllib.parse.urlsplit(url)
        target = parts.path or "/"
        if parts.query:
            target += "?" + parts.query
        sent = dict(headers or {})
        if self.remote.auth:
            sent["Authorization"] = self.remote.auth
        for attempt in (1, 2):
            conn = self._connection(parts)
            try:
                if isinstance(body, Path):
                    with body.open("rb") as stream:
                        sent["Content-Length"] = str(body.stat().st_size)
                        conn.request(method, target, body=stream, headers=sent)
                else:
                    conn.request(method, target, body=body, headers=sent)
                response = conn.getresponse()
                break
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError) as exc:
                self.close()
                if attempt == 2:
                    raise StoreError(f"{self.remote.label}: the server closed the connection ({exc})") from None
            except TimeoutError:
                self.close()
                raise StoreError(f"{self.remote.label}: no answer within {self.remote.timeout:g} s") from None
            except OSError as exc:
                self.close()
                raise StoreError(f"{self.remote.label}: cannot reach the store "
                                 f"({exc.strerror or type(exc).__name__})") from None
        if response.status >= 400:
            detail = " ".join(response.read(300).decode("utf-8", "replace").split())
            self.close()
            if response.status == 400:
                raise QueryError(f"{self.remote.label}: the server refused the request: {detail}")
            if response.status in (401, 403):
                raise StoreError(f"{self.remote.label}: HTTP {response.status}: not allowed "
                                 "(set KG_STORE_USER/KG_STORE_PASSWORD or KG_STORE_TOKEN)")
            raise StoreError(f"{self.remote.label}: HTTP {response.status} {response.reason}: {detail}")
        return response

    def _post_update(self, text: str) -> None:
        self._request("POST", self.remote.update, text.encode("utf-8"),
                      {"Content-Type": "application/sparql-update; charset=utf-8"}).read()

    # -- queries --------------------------------------------------------------------------------
    def query(self, text: str, **options: Any) -> QueryAnswer:
        text = _with_prefixes(text, options.get("prefixes"))
        substitutions = options.get("substitutions") or {}
        if substitutions:  # a trailing VALUES clause joins before the solution modifiers
            text += "\n" + values([v.value for v in substitutions], [tuple(substitutions.values())])
        if "FROM" in keywords(text) or set(options) & {"default_graph", "named_graphs", "use_default_graph_as_union"}:
            # a server might fetch a FROM IRI (safety rule S2); kg.query.dataset fetches the graphs by name instead
            raise QueryError(f"{self.remote.label}: kg sends no dataset (FROM, default-graph-uri) to a server")
        body = urllib.parse.urlencode({"query": text}).encode("ascii")
        response = self._request("POST", self.remote.query, body, {
            "Content-Type": "application/x-www-form-urlencoded",
            "Accept": f"{RESULTS_JSON}, {N_TRIPLES};q=0.9"})
        kind = (response.getheader("Content-Type") or "").split(";")[0].strip()
        try:
            if kind == N_TRIPLES:
                return list(ox.parse(_body(response), format=ox.RdfFormat.N_TRIPLES))
            return ox.parse_query_results(_body(response), format=ox.QueryResultsFormat.JSON)
        except SyntaxError as exc:
            self.close()
            raise StoreError(f"{self.remote.label}: unreadable answer ({kind or 'no type'}): {exc}") from None

    def graph_text(self, graph: ox.NamedNode) -> bytes:
        """One graph as N-Triples (empty if there is none), by a CONSTRUCT that names it: never a FROM."""
        query = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH {graph} {{ ?s ?p ?o }} }}"
        response = self._request("POST", self.remote.query, urllib.parse.urlencode({"query": query}).encode("ascii"),
                                 {"Content-Type": "application/x-www-form-urlencoded", "Accept": N_TRIPLES})
        try:
            return response.read()
        except (OSError, http.client.IncompleteRead) as exc:  # a timeout is an OSError
            self.close()
            raise StoreError(f"{self.remote.label}: the answer was cut off ({type(exc).__name__})") from None

    def update(self, text: str, **options: Any) -> None:
        self._post_update(_with_prefixes(text, options.get("prefixes")))

    # -- quads ----------------------------------------------------------------------------------
    def quads(self, subject: Subject | None = None, predicate: ox.NamedNode | None = None,
              obj: Object | None = None, graph: ox.NamedNode | None = None) -> Iterator[ox.Quad]:
        if (subject, predicate, obj, graph) == (None, None, None, None) and self.remote.graph_store:
            response = self._request("GET", self.remote.graph_store, headers={"Accept": N_QUADS})
            for quad in ox.parse(_body(response), format=ox.RdfFormat.N_QUADS):
                if isinstance(quad.graph_name, ox.NamedNode):
                    yield quad
            return
        terms = [_term(subject, "?s"), _term(predicate, "?p"), _term(obj, "?o"), _term(graph, "?g")]
        answer = self.query(f"SELECT * WHERE {{ GRAPH {terms[3]} {{ {terms[0]} {terms[1]} {terms[2]} }} }}")
        assert isinstance(answer, ox.QuerySolutions)
        for row in answer:
            s, p, o, g = (subject or row["s"], predicate or row["p"], obj or row["o"], graph or row["g"])
            assert isinstance(s, ox.NamedNode | ox.BlankNode | ox.Triple) and isinstance(p, ox.NamedNode)
            assert o is not None and isinstance(g, ox.NamedNode)
            yield ox.Quad(s, p, o, g)

    def graphs(self) -> list[ox.NamedNode]:
        answer = self.query("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
        assert isinstance(answer, ox.QuerySolutions)
        return [row["g"] for row in answer if isinstance(row["g"], ox.NamedNode)]

    def add(self, quads: Sequence[ox.Quad]) -> None:
        if quads:
            self._post_update(f"INSERT DATA {{ {_quad_block(quads)} }}")

    def remove(self, quads: Sequence[ox.Quad]) -> None:
        if quads:
            self._post_update(f"DELETE DATA {{ {_quad_block(quads)} }}")

    def drop(self, graph: ox.NamedNode) -> None:
        self._post_update(f"DROP SILENT GRAPH {graph}")

    def stage(self, sink: GraphData, staging: ox.NamedNode) -> Staged:
        """With a Graph Store endpoint nothing is staged: one PUT replaces the graph in one transaction.

        Without one, the triples go into the staging graph by SPARQL Update, in batches, and
        :meth:`swap` moves them into place with one ``MOVE``.
        """
        if self.remote.graph_store:
            return Staged(sink, staging)
        self.drop(staging)
        lines = sink.ntriples().splitlines()
        for start in range(0, len(lines), UPDATE_BATCH):
            batch = "\n".join(lines[start:start + UPDATE_BATCH])
            self._post_update(f"INSERT DATA {{ GRAPH {staging} {{\n{batch}\n}} }}")
        return Staged(sink, staging)

    def swap(self, staged: Staged, graph: ox.NamedNode) -> None:
        if self.remote.graph_store:
            target = _with_param(self.remote.graph_store, "graph", graph.value)
            sink = staged.sink  # a spilled source is sent from its file, never whole in memory
            body: bytes | Path = sink.path if isinstance(sink, SpilledSink) else sink.ntriples().encode("utf-8")
            self._request("PUT", target, body, {"Content-Type": f"{N_TRIPLES}; charset=utf-8"}).read()
        else:
            self._post_update(f"MOVE SILENT GRAPH {staged.staging} TO GRAPH {graph}")

    def merge_in(self, queue: MergeQueue) -> None:
        """The server copies the queued graphs into its default graph (nothing is sent but their names)."""
        self._post_update(copy_update(queue.graphs))

    def merge_rebuild(self, sources: list[ox.NamedNode]) -> None:
        update = "CLEAR SILENT DEFAULT"
        if sources:
            update += " ; " + copy_update(g.value for g in sources)
        self._post_update(update)

    def flush(self) -> None:
        """Every write is committed by the server when its request returns."""

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None


def _body(response: http.client.HTTPResponse) -> IO[bytes]:
    return cast(IO[bytes], _Body(response))


class _Body:
    """A response as the file object pyoxigraph reads (it wants read(n) and nothing else)."""

    def __init__(self, response: http.client.HTTPResponse) -> None:
        self.response: IO[bytes] = response

    def read(self, size: int = -1) -> bytes:
        try:
            return self.response.read(size) if size >= 0 else self.response.read()
        except (OSError, http.client.IncompleteRead) as exc:  # a timeout is an OSError
            raise StoreError(f"the answer was cut off ({type(exc).__name__})") from None


def _with_prefixes(text: str, prefixes: dict[str, str] | None) -> str:
    if not prefixes:
        return text
    return "".join(f"PREFIX {name}: <{iri}>\n" for name, iri in prefixes.items()) + text


def _term(term: Subject | ox.Literal | ox.NamedNode | None, variable: str) -> str:
    return variable if term is None else str(term)


def _quad_block(quads: Sequence[ox.Quad]) -> str:
    return " ".join(f"GRAPH {q.graph_name} {{ {q.subject} {q.predicate} {q.object} }}" for q in quads)


def _with_param(url: str, name: str, value: str) -> str:
    joiner = "&" if urllib.parse.urlsplit(url).query else "?"
    return f"{url}{joiner}{urllib.parse.urlencode({name: value})}"


def _default_port(url: urllib.parse.SplitResult) -> int:
    return 443 if url.scheme == "https" else 80
