"""``kg serve`` is a real SPARQL 1.1 Protocol endpoint: standard clients get the same answers as
``kg query``; every path is as safe as the command line; updates need the token."""

from __future__ import annotations

import json
import shutil
import subprocess
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode

import pytest
import rdflib
from query_support import SAMPLE_FILES, Listener, Served, build_store, serving
from rdflib.plugins.stores.sparqlstore import SPARQLStore, SPARQLUpdateStore
from SPARQLWrapper import CSV, JSON, JSONLD, N3, RDFXML, TSV, TURTLE, XML, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import QueryBadFormed

from kg.query import saved
from kg.query.messages import StoreSpec
from kg.query.runner import QueryEngine
from kg.sparql import bind

from conftest import run_kg

CLAIMS = "SELECT ?claim ?text WHERE { ?claim a schema:Claim ; schema:text ?text } ORDER BY ?claim"
FULL_CLAIMS = ("PREFIX schema: <http://schema.org/>\n"
               "SELECT ?claim ?text WHERE { ?claim a schema:Claim ; schema:text ?text } ORDER BY ?claim")
TOKEN = "test-token-0123456789abcdef"
NOTES = "https://kg.example/graph/notes"


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_store(tmp_path_factory.mktemp("serve") / "store", SAMPLE_FILES)


@pytest.fixture(scope="module")
def server(store_dir: Path) -> Iterator[Served]:
    with serving(store_dir, "--workers", "1") as served:
        yield served


def http(url: str, data: bytes | None = None, headers: dict[str, str] | None = None,
         method: str | None = None) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, data=data, headers=headers or {}, method=method)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def get(server: Served, query: str, **extra: str) -> tuple[int, dict[str, str], bytes]:
    accept = extra.pop("accept", "")
    return http(f"{server.url}?{urlencode({'query': query, **extra})}", headers={"Accept": accept} if accept else {})


def _kg_json(store_dir: Path, *args: str) -> list[dict[str, dict[str, str]]]:
    result = run_kg("--store", str(store_dir), *args, "--format", "json")
    assert result.returncode == 0, result.stderr
    bindings: list[dict[str, dict[str, str]]] = json.loads(result.stdout)["results"]["bindings"]
    return bindings


def test_sparqlwrapper_gets_the_same_answers_as_kg_query(server: Served, store_dir: Path) -> None:
    client = SPARQLWrapper(server.url)
    client.setQuery(FULL_CLAIMS)
    client.setReturnFormat(JSON)
    for method in ("GET", "POST"):
        client.setMethod(method)
        answer = client.queryAndConvert()
        assert isinstance(answer, dict)
        assert answer["results"]["bindings"] == _kg_json(store_dir, "query", CLAIMS)
        assert len(answer["results"]["bindings"]) == 6


def test_a_saved_question_over_http_matches_kg_ask(server: Served, store_dir: Path) -> None:
    with QueryEngine(StoreSpec(path=store_dir)) as engine:
        question = saved.get("claims-about")
        text = bind(question.text, saved.bindings_for(engine, question, {"entity": "CCP"}))
    client = SPARQLWrapper(server.url)
    client.setQuery(text)
    client.setReturnFormat(JSON)
    answer = client.queryAndConvert()
    assert isinstance(answer, dict)
    expected = _kg_json(store_dir, "ask", "claims-about", "--param", "entity=CCP")
    assert answer["results"]["bindings"] == expected and len(expected) == 5


def test_rdflib_sparqlstore_gets_the_same_answers(server: Served, store_dir: Path) -> None:
    graph = rdflib.Graph(store=SPARQLStore(server.url))
    rows = {(str(r[0]), str(r[1])) for r in graph.query(FULL_CLAIMS)}  # type: ignore[index]
    expected = {(b["claim"]["value"], b["text"]["value"]) for b in _kg_json(store_dir, "query", CLAIMS)}
    assert rows == expected and len(rows) == 6
    assert graph.query("ASK { ?s a <http://schema.org/Claim> }").askAnswer is True
    built = graph.query("CONSTRUCT { ?c <http://schema.org/text> ?t } WHERE { ?c <http://schema.org/text> ?t }")
    assert built.graph is not None and len(built.graph) == 6


@pytest.mark.parametrize(("accept", "media", "check"), [
    ("application/sparql-results+json", "application/sparql-results+json", b'"bindings"'),
    ("application/sparql-results+xml", "application/sparql-results+xml", b"<sparql xmlns="),
    ("text/csv", "text/csv", b"claim,text\r\n"),
    ("text/tab-separated-values", "text/tab-separated-values", b"?claim\t?text\n"),
    ("text/html;q=0.9, text/csv;q=0.5, application/sparql-results+xml;q=0.7", "application/sparql-results+xml", b"<"),
    ("", "application/sparql-results+json", b'"head"'),
])
def test_content_negotiation_for_results(server: Served, accept: str, media: str, check: bytes) -> None:
    status, headers, body = get(server, CLAIMS, accept=accept)
    assert status == 200 and headers["Content-Type"].startswith(media) and check in body


@pytest.mark.parametrize(("accept", "media", "fmt"), [
    ("text/turtle", "text/turtle", "turtle"),
    ("application/n-triples", "application/n-triples", "nt"),
    ("application/ld+json", "application/ld+json", "json-ld"),
    ("application/rdf+xml", "application/rdf+xml", "xml"),
])
def test_content_negotiation_for_graphs(server: Served, accept: str, media: str, fmt: str) -> None:
    query = "CONSTRUCT { ?c schema:text ?t } WHERE { ?c a schema:Claim ; schema:text ?t }"
    status, headers, body = get(server, query, accept=accept)
    assert status == 200 and headers["Content-Type"].startswith(media)
    assert len(rdflib.Graph().parse(data=body, format=fmt)) == 6


FORMS = {
    "SELECT": "SELECT ?claim ?text WHERE { ?claim a schema:Claim ; schema:text ?text }",
    "ASK": "ASK { ?claim a schema:Claim }",
    "CONSTRUCT": "CONSTRUCT { ?claim schema:text ?text } WHERE { ?claim a schema:Claim ; schema:text ?text }",
    "DESCRIBE": "DESCRIBE ?claim WHERE { ?claim a schema:Claim ; schema:text ?text }",
}


@pytest.mark.parametrize("form", list(FORMS))
@pytest.mark.parametrize("fmt", [JSON, XML, TURTLE, N3, RDFXML, JSONLD, CSV, TSV])
def test_sparqlwrapper_every_return_format_and_query_form(server: Served, form: str, fmt: str) -> None:
    """What SPARQLWrapper sends (format=NAME and its Accept header), GET and POST, parsed by SPARQLWrapper."""
    graph_form = form in ("CONSTRUCT", "DESCRIBE")
    fits = fmt in ((JSON, XML, TURTLE, N3, RDFXML, JSONLD) if graph_form else (JSON, XML, CSV, TSV))
    for method in ("GET", "POST"):
        client = SPARQLWrapper(server.url)
        client.setQuery("PREFIX schema: <http://schema.org/> " + FORMS[form])
        client.setReturnFormat(fmt)
        client.setMethod(method)
        if not fits:  # SPARQLWrapper warns itself, and kg says which formats fit
            with pytest.warns(RuntimeWarning), pytest.raises(QueryBadFormed, match="does not fit"):
                client.query()
            continue
        answer = client.queryAndConvert()
        if graph_form:
            graph = answer if isinstance(answer, rdflib.Graph) else rdflib.Graph().parse(
                data=answer, format="n3" if fmt == N3 else "turtle")
            texts = set(graph.objects(None, rdflib.URIRef("http://schema.org/text")))
            assert len(texts) == 6, (fmt, method)
        elif form == "ASK":
            assert _ask_answer(answer, fmt) is True, (fmt, method)
        else:
            assert _row_count(answer, fmt) == 6, (fmt, method)


def _ask_answer(answer: object, fmt: str) -> bool:
    if fmt == JSON:
        assert isinstance(answer, dict)
        return bool(answer["boolean"])
    if fmt == XML:
        return answer.getElementsByTagName("boolean")[0].firstChild.data == "true"  # type: ignore[attr-defined, no-any-return]
    assert isinstance(answer, bytes)
    return answer.decode().split()[-1] == "true"


def _row_count(answer: object, fmt: str) -> int:
    if fmt == JSON:
        assert isinstance(answer, dict)
        return len(answer["results"]["bindings"])
    if fmt == XML:
        return len(answer.getElementsByTagName("result"))  # type: ignore[attr-defined]
    assert isinstance(answer, bytes)
    return len(answer.decode().strip().splitlines()) - 1


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_rdflib_sparqlstore_every_query_form(server: Served, fmt: str) -> None:
    """rdflib asks for results XML or JSON whatever the form, and reads the Content-Type that comes back."""
    graph = rdflib.Graph(store=SPARQLStore(server.url, returnFormat=fmt))
    assert len(list(graph.query("PREFIX schema: <http://schema.org/> " + FORMS["SELECT"]))) == 6
    assert graph.query("PREFIX schema: <http://schema.org/> " + FORMS["ASK"]).askAnswer is True
    for form in ("CONSTRUCT", "DESCRIBE"):
        built = graph.query("PREFIX schema: <http://schema.org/> " + FORMS[form]).graph
        assert built is not None and len(set(built.objects(None, rdflib.URIRef("http://schema.org/text")))) == 6
    assert len(list(graph.triples((None, rdflib.URIRef("http://schema.org/text"), None)))) == 6


@pytest.mark.parametrize(("args", "media", "check"), [
    (["--data-urlencode", "query=ASK {}", "-G"], "application/sparql-results+json", b'"boolean": true'),
    (["--data-urlencode", "query=ASK {}", "-G", "-H", "Accept: text/csv"], "text/csv", b"_askResult"),
    (["--data-urlencode", "query=CONSTRUCT WHERE { ?s a schema:Claim }", "-G", "--data", "format=rdf%2Bxml"],
     "application/rdf+xml", b"<rdf:RDF"),
    (["--data-urlencode", "query=CONSTRUCT WHERE { ?s a schema:Claim }", "-H", "Accept: application/n-triples"],
     "application/n-triples", b"<http://schema.org/Claim> ."),
    (["--data-binary", "ASK {}", "-H", "Content-Type: application/sparql-query", "-H",
      "Transfer-Encoding: chunked"], "application/sparql-results+json", b'"boolean": true'),
    (["-G"], "text/turtle", b"sd:Service"),
])
def test_curl(server: Served, args: list[str], media: str, check: bytes) -> None:
    curl = shutil.which("curl")
    assert curl is not None, "curl is installed by scripts/test.sh"
    done = subprocess.run([curl, "-s", "-D", "-", *args, server.url], capture_output=True, timeout=60, check=True)
    head, _, body = done.stdout.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 200") and f"content-type: {media}".encode() in head.lower(), head
    assert check in body


def test_the_service_description(server: Served) -> None:
    status, headers, body = http(server.url)
    assert status == 200 and headers["Content-Type"].startswith("text/turtle")
    graph = rdflib.Graph().parse(data=body, format="turtle", publicID=server.url)
    sd = rdflib.Namespace("http://www.w3.org/ns/sparql-service-description#")
    service = rdflib.URIRef(server.url)
    assert (service, rdflib.RDF.type, sd.Service) in graph and (service, sd.endpoint, service) in graph
    assert set(graph.objects(service, sd.supportedLanguage)) == {sd.SPARQL11Query}  # read-only
    json_results = rdflib.URIRef("http://www.w3.org/ns/formats/SPARQL_Results_JSON")
    assert json_results in set(graph.objects(service, sd.resultFormat))
    assert http(server.url, method="HEAD")[2] == b""


def test_every_results_format_parses_with_rdflib(server: Served) -> None:
    for fmt in ("json", "xml", "csv", "tsv"):
        status, _, body = get(server, CLAIMS, format=fmt)
        assert status == 200
        parsed = rdflib.query.Result.parse(source=__import__("io").BytesIO(body), format=fmt)
        assert len(list(parsed)) == 6
    status, _, body = get(server, "ASK { ?s a schema:Person }", format="xml")
    assert status == 200 and b"<boolean>true</boolean>" in body


def test_post_form_and_post_query_bodies(server: Served) -> None:
    form = urlencode({"query": CLAIMS}).encode()
    status, _, body = http(server.url, form, {"Content-Type": "application/x-www-form-urlencoded"})
    assert status == 200 and len(json.loads(body)["results"]["bindings"]) == 6
    status, _, body = http(server.url, CLAIMS.encode(), {"Content-Type": "application/sparql-query",
                                                         "Accept": "text/csv"})
    assert status == 200 and len(body.decode().splitlines()) == 7


@pytest.mark.parametrize(("method", "path", "data", "headers", "status", "text"), [
    ("GET", "?query=SELECT%20*%20WHERE%20%7B%20%3Fs%20%3Fp%20%7D", None, {}, 400,
     "bad query: line 1, column 25: expected a complete triple pattern"),
    ("GET", "?query=SELECT%20*%20WHERE%20%7B%20%3Fs%20%3Fp%20%3Fo", None, {}, 400,
     "bad query: line 1, column 16: this '{' is never closed"),
    ("GET", "?query=ASK%7B%7D&query=ASK%7B%7D", None, {}, 400, "expected exactly one 'query' parameter"),
    ("POST", "", b"x", {"Content-Type": "text/plain"}, 415, "application/sparql-query"),
    ("DELETE", "", None, {}, 405, "use GET or POST"),
    ("POST", "", b"", {"Content-Type": "application/x-www-form-urlencoded"}, 400, "exactly one 'query'"),
    ("GET", "/../nowhere", None, {}, 404, "not found"),
    ("POST", "", b"update=DELETE+WHERE+%7B%3Fs+%3Fp+%3Fo%7D", {"Content-Type": "application/x-www-form-urlencoded"},
     403, "read-only"),
    ("POST", "", b"DELETE WHERE { ?s ?p ?o }", {"Content-Type": "application/sparql-update"}, 403, "read-only"),
    ("GET", "?query=ASK%7B%7D&format=ttl", None, {}, 400, "does not fit a ASK result"),
    ("GET", "?query=ASK%7B%7D&default-graph-uri=not%20an%20iri", None, {}, 400, "is not an absolute IRI"),
    ("POST", "", b"x" * 1_000_001, {"Content-Type": "application/sparql-query"}, 413, "byte limit"),
    ("GET", "?query=ASK%7B%7D", None, {"Host": "attacker.example"}, 403, "DNS rebinding"),
])
def test_status_codes(server: Served, method: str, path: str, data: bytes | None, headers: dict[str, str],
                      status: int, text: str) -> None:
    url = server.url.removesuffix("/sparql") + path if path.startswith("/") else server.url + path
    code, _, body = http(url, data, headers, method)
    assert code == status and text in body.decode(), body


def test_the_query_page_works_offline(server: Served) -> None:
    status, headers, body = http(server.url.removesuffix("sparql"))
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    page = body.decode()
    assert "http://" not in page.replace("http://www.w3.org", "") and "https://" not in page  # no CDN, no remote asset
    policy = headers["Content-Security-Policy"]
    assert "default-src 'none'" in policy and "script-src 'sha256-" in policy and "connect-src 'self'" in policy
    assert "claims-about" in page and "innerHTML" not in page


def test_service_over_http_never_reaches_the_listener(server: Served) -> None:
    with Listener() as listener:
        target = f"http://127.0.0.1:{listener.port}/"
        status, _, body = get(server, f"SELECT * WHERE {{ SERVICE <{target}> {{ ?s ?p ?o }} }}")
        assert status == 400 and b"SERVICE is not allowed" in body
        time.sleep(0.2)
        assert listener.requests == []


def test_from_and_default_graph_uri_read_no_file(server: Served) -> None:
    status, _, body = get(server, "SELECT * FROM <file:///etc/hostname> WHERE { ?s ?p ?o }")
    assert status == 200 and json.loads(body)["results"]["bindings"] == []
    status, _, body = get(server, "SELECT * WHERE { ?s ?p ?o }", **{"default-graph-uri": "file:///etc/hostname"})
    assert status == 200 and json.loads(body)["results"]["bindings"] == []
    status, _, body = get(server, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
                          **{"default-graph-uri": "https://kg.example/source/case.yaml"})
    assert status == 200 and int(json.loads(body)["results"]["bindings"][0]["n"]["value"]) > 100


def test_a_runaway_query_gets_503_and_its_worker_is_replaced(store_dir: Path) -> None:
    cartesian = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n2 ?o }"
    with serving(store_dir, "--timeout", "1", "--workers", "1") as served:
        before = served.workers()
        assert len(before) == 1
        started = time.monotonic()
        status, _, body = get(served, cartesian)
        assert time.monotonic() - started < 3
        assert status == 503 and b"time limit" in body
        assert get(served, "ASK { ?s ?p ?o }")[0] == 200
        for _ in range(100):  # the killed worker is gone, and the one started while it ran long is the pool's
            after = served.workers()
            if len(after) == 1:
                break
            time.sleep(0.1)
        assert len(after) == 1 and before[0] not in after


def test_updates_need_the_token_and_never_load(store_dir: Path, tmp_path: Path) -> None:
    copy = build_store(tmp_path / "store", SAMPLE_FILES)
    count = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
    insert = "INSERT DATA { GRAPH <https://kg.example/graph/notes> { <https://kg.example/x> rdfs:label \"note\" } }"
    with serving(copy, "--allow-update", env={"KG_UPDATE_TOKEN": TOKEN}) as served:
        def total() -> int:
            return int(json.loads(get(served, count)[2])["results"]["bindings"][0]["n"]["value"])

        before = total()
        form = {"Content-Type": "application/x-www-form-urlencoded"}
        for auth in ({}, {"Authorization": "Bearer wrong-token-0123456789"}, {"Authorization": TOKEN}):
            status, _, body = http(served.url, urlencode({"update": insert}).encode(), {**form, **auth})
            assert status == 403 and b"token" in body
        assert total() == before
        bearer = {"Authorization": f"Bearer {TOKEN}"}
        status, _, body = http(served.url, urlencode({"update": "LOAD <file:///etc/hostname>"}).encode(),
                               {**form, **bearer})
        assert status == 400 and b"LOAD is not allowed" in body
        status, _, _ = http(f"{served.url}?using-graph-uri=https://kg.example/graph/notes", insert.encode(),
                              {"Content-Type": "application/sparql-update", **bearer})
        assert status == 400 and total() == before  # a dataset kg would not apply is refused, not ignored
        status, _, _ = http(served.url, insert.encode(), {"Content-Type": "application/sparql-update", **bearer})
        assert status == 200 and total() == before + 1
        # rdflib's SPARQLUpdateStore, as a script writes a graph through it (the token as a header)
        remote = SPARQLUpdateStore(served.url, served.url, headers={"Authorization": f"Bearer {TOKEN}"})
        notes = rdflib.Graph(store=remote, identifier=rdflib.URIRef("https://kg.example/graph/notes"))
        notes.add((rdflib.URIRef("https://kg.example/y"), rdflib.RDFS.label, rdflib.Literal("second note")))
        assert total() == before + 2 and len(notes) == 2
        notes.remove((None, None, None))
        assert total() == before and len(notes) == 0


def test_an_update_reaches_every_reader_without_restarting_them(tmp_path: Path) -> None:
    copy = build_store(tmp_path / "store", SAMPLE_FILES)
    count = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
    bearer = {"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/sparql-update"}
    # --max-workers 2: no worker is retired after a slow count on a busy machine (kg.serve.http LONG_AFTER)
    with serving(copy, "--allow-update", "--workers", "2", "--max-workers", "2", env={"KG_UPDATE_TOKEN": TOKEN}
                 ) as served:
        def totals() -> set[int]:  # several at once, so both reader workers answer
            answers: list[int] = []
            threads = [threading.Thread(target=lambda: answers.append(
                int(json.loads(get(served, count)[2])["results"]["bindings"][0]["n"]["value"]))) for _ in range(6)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            return set(answers)

        [before] = totals()
        workers = served.workers()
        assert len(workers) == 3  # two readers and the writer
        for n in range(3):
            insert = f'INSERT DATA {{ GRAPH <{NOTES}> {{ <https://kg.example/x> rdfs:label "{n}" }} }}'
            assert http(served.url, insert.encode(), bearer)[0] == 200
            assert totals() == {before + n + 1}  # every reader sees it at once: nothing stale
        assert served.workers() == workers  # readers reopened the new snapshot themselves


def test_update_mode_without_a_token_does_not_start(store_dir: Path) -> None:
    result = run_kg("--store", str(store_dir), "serve", "--allow-update", "--port", "0", env={"KG_UPDATE_TOKEN": ""})
    assert result.returncode == 2
    assert result.stderr == "kg: error: --allow-update needs $KG_UPDATE_TOKEN set to a secret of 16+ characters\n"


def test_binding_beyond_loopback_warns(store_dir: Path) -> None:
    with serving(store_dir, "--workers", "1", host="0.0.0.0") as served:
        assert served.process.stderr is not None
        first = served.process.stderr.readline()
        assert first.startswith("kg: warning: listening on 0.0.0.0, reachable from other machines")


def test_cors_only_for_the_configured_origin(store_dir: Path) -> None:
    origin = "http://localhost:8080"
    with serving(store_dir, "--workers", "1", "--cors", origin) as served:
        _, headers, _ = http(f"{served.url}?query=ASK%7B%7D", headers={"Origin": origin})
        assert headers["Access-Control-Allow-Origin"] == origin
        _, headers, _ = http(f"{served.url}?query=ASK%7B%7D", headers={"Origin": "http://evil.example"})
        assert "Access-Control-Allow-Origin" not in headers
        status, headers, _ = http(served.url, method="OPTIONS", headers={"Origin": origin})
        assert status == 204 and "POST" in headers["Access-Control-Allow-Methods"]


def test_no_cors_by_default(server: Served) -> None:
    _, headers, _ = http(f"{server.url}?query=ASK%7B%7D", headers={"Origin": "http://localhost:8080"})
    assert "Access-Control-Allow-Origin" not in headers
