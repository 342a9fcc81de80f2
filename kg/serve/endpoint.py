"""``kg serve``: a SPARQL 1.1 Protocol endpoint over the store, and an offline query page.

``/sparql`` takes GET ``?query=``, POST ``application/x-www-form-urlencoded`` and POST
``application/sparql-query``, with ``default-graph-uri``/``named-graph-uri``; ``GET /sparql`` without
a query returns the SPARQL 1.1 Service Description (:mod:`kg.serve.description`). Results are
content negotiated for every query form, by Accept or ``format=`` (:mod:`kg.serve.negotiate`). A bad
query is a 400 saying where and what was expected. Everything runs through
:class:`kg.query.runner.QueryEngine` (no SERVICE, no LOAD, killable workers, row cap).

Read-only unless started with ``allow_update`` and a token in ``$KG_UPDATE_TOKEN``; updates must
carry ``Authorization: Bearer <token>``. Loopback by default; requests whose Host header is not a
loopback name are refused then (DNS rebinding). Request lines, headers and bodies are size-capped
(:mod:`kg.serve.http`, the h11-based HTTP/1.1 front end that runs the requests).

A query becomes a :class:`Job` for a worker: the form is known before it runs, so the format is
negotiated first and the worker sends back the finished document; this process does no per-row work.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import ipaddress
import json
import os
import re
import signal
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from importlib.resources import files
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from kg.errors import KgError, QueryError, ServeError, StoreError
from kg.query import saved
from kg.query.messages import Document, Reply, Request, StoreSpec
from kg.query.runner import DEFAULT_MAX_ROWS, DEFAULT_TIMEOUT, QueryEngine
from kg.query.safety import check_update
from kg.query.saved import SavedQuery
from kg.serve.description import MEDIA_TYPE as DESCRIPTION_TYPE
from kg.serve.description import service_description
from kg.serve.http import HttpServer, Job, Response, error_response
from kg.serve.negotiate import media_type, negotiate

TOKEN_ENV = "KG_UPDATE_TOKEN"
MIN_TOKEN = 16
_LOOPBACK_NAMES = {"localhost", "127.0.0.1", "[::1]", "::1"}


@dataclass
class ServeConfig:
    store: Path
    host: str = "127.0.0.1"
    port: int = 7878
    timeout: float = DEFAULT_TIMEOUT
    max_rows: int = DEFAULT_MAX_ROWS
    workers: int = 2
    max_workers: int = 16  # the pool grows up to this many while queries run long (each long one gets its own)
    allow_update: bool = False
    max_body: int = 1_000_000
    cors: str | None = None  # an origin allowed to read results from a browser (e.g. a YASGUI page); off by default
    token: str | None = field(default=None, repr=False)


# The query page: one self-contained file (no CDN). Its inline script and style are allowed by sha256
# in the Content-Security-Policy, connections go to this origin only; saved questions are embedded as
# a JSON data block with '<' escaped; results are written with textContent, never parsed as HTML.
_INLINE = re.compile(r"<(script|style)>(.*?)</\1>", re.DOTALL)


def _hash(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii") + "'"


def page(questions: dict[str, SavedQuery]) -> tuple[bytes, str]:
    """The page's bytes and the Content-Security-Policy header that goes with them."""
    template = (files("kg.query") / "page.html").read_text(encoding="utf-8")
    data = [{"name": q.name, "title": q.title, "description": q.description, "text": q.text,
             "params": [p.name for p in q.params]} for q in questions.values()]
    blob = json.dumps(data).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    html = template.replace("__SAVED__", blob)
    scripts = [_hash(body) for tag, body in _INLINE.findall(html) if tag == "script"]
    styles = [_hash(body) for tag, body in _INLINE.findall(html) if tag == "style"]
    csp = (f"default-src 'none'; script-src {' '.join(scripts)}; style-src {' '.join(styles)}; "
           "connect-src 'self'; img-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
    return html.encode("utf-8"), csp


def is_loopback(host: str) -> bool:
    if host in _LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


@lru_cache(maxsize=256)
def _parameters(query_string: str) -> dict[str, list[str]]:
    """The URL's parameters (clients repeat the same requests: decoding them again costs ~40 us)."""
    return parse_qs(query_string, keep_blank_values=True)


class Endpoint:
    """The protocol logic, independent of the socket server (so it is easy to test and reason about)."""

    def __init__(self, config: ServeConfig, engine: QueryEngine) -> None:
        self.config = config
        self.engine = engine
        self.page, self.page_csp = page(saved.registry())
        self.description = service_description(config.allow_update)

    def handle(self, method: str, target: str, headers: dict[str, str], body: bytes) -> Response | Job:
        url = urlsplit(target)
        if not self._host_ok(headers.get("host", "")):
            return Response(403, b"Host header not allowed for a loopback endpoint (DNS rebinding guard)\n")
        if url.path in ("/", "/index.html") and method in ("GET", "HEAD"):
            return Response(200, self.page, "text/html; charset=utf-8", {"Content-Security-Policy": self.page_csp})
        if url.path != "/sparql":
            return Response(404, b"not found: the endpoint is /sparql, the query page is /\n")
        if method == "OPTIONS":
            return Response(204, headers={"Allow": "GET, POST, OPTIONS", **self._cors(headers, preflight=True)})
        if method not in ("GET", "HEAD", "POST"):
            return Response(405, b"use GET or POST\n", headers={"Allow": "GET, HEAD, POST, OPTIONS"})
        try:
            answer = self._sparql("GET" if method == "HEAD" else method, url.query, headers, body)
        except KgError as exc:
            return error_response(exc)
        cors = self._cors(headers)
        if isinstance(answer, Response):
            answer.headers.update(cors)
            return answer
        finish = answer.finish

        def with_cors(reply: Reply) -> Response:
            response = finish(reply)
            response.headers.update(cors)
            return response

        answer.finish = with_cors
        return answer

    def _cors(self, headers: dict[str, str], preflight: bool = False) -> dict[str, str]:
        """CORS headers for the one configured origin (never '*': the graph may be confidential)."""
        origin = headers.get("origin")
        if not self.config.cors or origin != self.config.cors:
            return {}
        out = {"Access-Control-Allow-Origin": origin, "Vary": "Origin, Accept"}
        if preflight:
            out |= {"Access-Control-Allow-Methods": "GET, POST, OPTIONS",
                    "Access-Control-Allow-Headers": "Content-Type, Accept", "Access-Control-Max-Age": "600"}
        return out

    def _host_ok(self, host: str) -> bool:
        if not is_loopback(self.config.host):
            return True
        name = host.rsplit(":", 1)[0] if not host.endswith("]") else host
        return is_loopback(name) or name == ""

    def _sparql(self, method: str, query_string: str, headers: dict[str, str], body: bytes) -> Response | Job:
        params = {key: list(values) for key, values in _parameters(query_string).items()}
        kind = headers.get("content-type", "").split(";")[0].strip().lower()
        text: str | None = None
        update: str | None = None
        if method == "POST":
            if kind == "application/x-www-form-urlencoded":
                form = parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True)
                for key, values in form.items():
                    params.setdefault(key, []).extend(values)
            elif kind == "application/sparql-query":
                text = body.decode("utf-8", "replace")
            elif kind == "application/sparql-update":
                update = body.decode("utf-8", "replace")
            else:
                return Response(415, b"POST bodies must be application/x-www-form-urlencoded, "
                                     b"application/sparql-query or application/sparql-update\n")
        if "update" in params:
            if method != "POST":
                return Response(400, b"updates must be sent with POST\n")
            update = params["update"][0]
        if update is not None:
            if params.get("using-graph-uri") or params.get("using-named-graph-uri"):
                # SPARQL 1.1 Protocol 2.2.3: these would set the update's dataset; running it on another is wrong
                return Response(400, b"using-graph-uri/using-named-graph-uri are not supported here: "
                                     b"name the graphs in the update itself (USING, WITH or GRAPH)\n")
            return self._update(update, headers)
        if text is None:
            if method == "GET" and not params.get("query"):  # the SPARQL 1.1 Service Description
                return Response(200, self.description, DESCRIPTION_TYPE, {"Vary": "Accept"})
            if len(params.get("query", [])) != 1:
                return Response(400, b"expected exactly one 'query' parameter (GET ?query=... or a POST form)\n")
            text = params["query"][0]
        query_form, request = self.engine.prepare(text, default_graph=params.get("default-graph-uri") or None,
                                                  named_graphs=params.get("named-graph-uri") or None)
        chosen = params.get("format") or params.get("output")
        request.fmt = negotiate(query_form, headers.get("accept", ""), chosen[0] if chosen else None)
        content_type = media_type(request.fmt)

        def finish(reply: Reply) -> Response:
            if not isinstance(reply, Document):
                raise StoreError(f"query worker: expected a document, not {type(reply).__name__}")
            extra = {"Vary": "Accept"}
            if reply.truncated:
                extra["X-KG-Truncated"] = f"stopped at the row cap of {request.max_rows}"
            return Response(200, reply.data, content_type, extra)

        return Job(self.engine.readers, request, self.engine.timeout, finish)

    def _update(self, text: str, headers: dict[str, str]) -> Response | Job:
        if not self.config.allow_update or not self.config.token:
            return Response(403, b"this endpoint is read-only (start it with --allow-update and a token)\n")
        sent = headers.get("authorization", "")
        scheme, _, token = sent.partition(" ")
        if scheme.lower() != "bearer" or not hmac.compare_digest(token.strip().encode(), self.config.token.encode()):
            return Response(403, b"update refused: missing or wrong 'Authorization: Bearer' token\n")
        if self.engine.writer is None:
            raise QueryError("this store is read-only here (updates need kg serve --allow-update)")
        check_update(text)
        return Job(self.engine.writer, Request(text, update=True), self.engine.timeout,
                   lambda reply: Response(200, b"update applied\n"))


def make_server(config: ServeConfig) -> tuple[HttpServer, QueryEngine]:
    """Bind the socket and start the workers; the caller runs ``serve_forever``."""
    if config.allow_update:
        config.token = config.token or os.environ.get(TOKEN_ENV)
        if not config.token or len(config.token) < MIN_TOKEN:
            raise ServeError(f"--allow-update needs ${TOKEN_ENV} set to a secret of {MIN_TOKEN}+ characters")
    if not 0 <= config.port < 65536:
        raise ServeError(f"port {config.port} out of range")
    engine = QueryEngine(StoreSpec(path=config.store), timeout=config.timeout, max_rows=config.max_rows,
                         workers=max(config.workers, 1), start_method="subprocess", allow_update=config.allow_update)
    try:
        engine.readers.start_all()  # each opens the store now: a bad store fails here, not on first request
        engine.start_writer()
        server = HttpServer(Endpoint(config, engine), config.host, config.port, config.max_body)
        engine.readers.elastic(max(config.max_workers, config.workers), server.worker_started)
    except OSError as exc:
        engine.close()
        raise ServeError(f"cannot listen on {config.host}:{config.port} ({exc.strerror})") from None
    except BaseException:
        engine.close()
        raise
    return server, engine


def run(config: ServeConfig, log: Callable[[str], None]) -> int:
    server, engine = make_server(config)
    host, port = str(server.server_address[0]), int(server.server_address[1])
    shown = f"[{host}]" if ":" in host else host
    if not is_loopback(config.host):
        log(f"kg: warning: listening on {config.host}, reachable from other machines; the graph is readable by "
            "anyone who can connect (use the default 127.0.0.1 unless you mean it)")
    mode = "read-write (token required)" if config.allow_update else "read-only"
    log(f"kg: SPARQL endpoint http://{shown}:{port}/sparql ({mode}); query page http://{shown}:{port}/")
    signal.signal(signal.SIGTERM, _interrupt)  # a terminated server stops its workers too, even mid-query
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        log("kg: stopped")
    finally:
        server.server_close()
        engine.close()
    return 0


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt
