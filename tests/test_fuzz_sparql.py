"""The SPARQL safety check against the engine itself, driven by hypothesis.

Generated queries hide SERVICE (and updates hide LOAD) in every grammatical position a pattern or an
operation can take (OPTIONAL, UNION, MINUS, EXISTS, NOT EXISTS, sub-select, GRAPH, LATERAL, nested
groups, CONSTRUCT/ASK/DESCRIBE), spelled in any case, with comments and odd whitespace between the
tokens, the endpoint as an IRI, a prefixed name or a bound variable. Each one is run on a bare
pyoxigraph store whose data makes every pattern match, with the endpoint a local listener: when the
engine sends a request there, ``check_query``/``check_update`` must have refused that text. Decoys
(the word in strings, IRIs, comments, names) show that what the engine never executes still passes.
The dataset reader (kg.query.dataset.from_clauses) is held to the engine the same way: the graphs it
reads from FROM/FROM NAMED are the ones pyoxigraph takes.

Examples per property: a bounded, derandomized number in CI; ``KG_FUZZ_EXAMPLES=N`` for more (random).
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterator

import pyoxigraph as ox
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from query_support import Listener

from kg.errors import KgError, UnsafeQueryError
from kg.query.dataset import from_clauses
from kg.query.safety import check_query, check_update

EXAMPLES = int(os.environ.get("KG_FUZZ_EXAMPLES", "120"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, derandomize="KG_FUZZ_EXAMPLES" not in os.environ,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
GRAPHS = "http://graphs.example/"
SUBJECT, PREDICATE, OBJECT, GRAPH = (ox.NamedNode(f"urn:x:{n}") for n in "spog")


@pytest.fixture(scope="module")
def listener() -> Iterator[Listener]:
    with Listener() as running:
        yield running


def _data() -> ox.Store:
    """One triple in the default graph and in a named graph, so every pattern below matches."""
    store = ox.Store()
    store.extend([ox.Quad(SUBJECT, PREDICATE, OBJECT, ox.DefaultGraph()), ox.Quad(SUBJECT, PREDICATE, OBJECT, GRAPH)])
    return store


def _case(word: str) -> st.SearchStrategy[str]:
    return st.lists(st.booleans(), min_size=len(word), max_size=len(word)).map(
        lambda upper: "".join(c.upper() if u else c.lower() for c, u in zip(word, upper, strict=True)))


gaps = st.sampled_from([" ", "  ", "\t", "\n", "\r\n", " #c\n", "\n# SERVICE in a comment\n", "\t#\n\t"])
endpoint_forms = st.sampled_from(["iri", "prefixed", "variable"])
inner = st.sampled_from(["{ ?a ?b ?c }", "{}", "{ ?a ?b ?c FILTER(true) }", "{ { ?a ?b ?c } }"])
WRAPS: list[Callable[[str], str]] = [
    lambda p: f"?s ?p ?o . {p}",
    lambda p: f"{p} ?s ?p ?o .",
    lambda p: f"?s ?p ?o OPTIONAL {{ {p} }}",
    lambda p: f"{{ ?s ?p ?o }} UNION {{ {p} }}",
    lambda p: f"{{ {p} }} UNION {{ ?s ?p ?o }}",
    lambda p: f"?s ?p ?o MINUS {{ {p} }}",
    lambda p: f"?s ?p ?o FILTER EXISTS {{ {p} }}",
    lambda p: f"?s ?p ?o FILTER NOT EXISTS {{ {p} }}",
    lambda p: f"{{ SELECT * WHERE {{ ?s ?p ?o {p} }} }}",
    lambda p: f"GRAPH ?g {{ ?s ?p ?o {p} }}",
    lambda p: f"?s ?p ?o LATERAL {{ {p} }}",
    lambda p: f"{{ {{ ?s ?p ?o {p} }} }}",
    lambda p: f"?s ?p ?o BIND(1 AS ?one) {p}",
]
FORMS: list[Callable[[str], str]] = [
    lambda w: f"SELECT * WHERE {{ {w} }}",
    lambda w: f"SELECT (COUNT(*) AS ?n) WHERE {{ {w} }} GROUP BY ?s",
    lambda w: f"ASK {{ {w} }}",
    lambda w: f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ {w} }}",
    lambda w: f"DESCRIBE ?s WHERE {{ {w} }}",
]


@st.composite
def service_queries(draw: st.DrawFn, url: str) -> str:
    keyword, gap, after = draw(_case("service")), draw(gaps), draw(gaps)
    silent = draw(st.sampled_from(["", "SILENT", "silent"]))
    form = draw(endpoint_forms)
    target = {"iri": f"<{url}>", "prefixed": "svc:", "variable": "?endpoint"}[form]
    pattern = f"{keyword}{gap}{silent}{after if silent else ''}{target}{draw(gaps)}{draw(inner)}"
    if form == "variable":
        pattern = f"VALUES ?endpoint {{ <{url}> }} {pattern}"
    for _ in range(draw(st.integers(1, 3))):
        pattern = draw(st.sampled_from(WRAPS))(pattern)
    query = draw(st.sampled_from(FORMS))(pattern)
    return (f"PREFIX svc: <{url}>\n" if form == "prefixed" else "") + query


DECOYS = [
    'SELECT * WHERE {{ ?s ?p "SERVICE <{url}> {{ }}" }}',
    "SELECT * WHERE {{ ?s ?p ?o }} # SERVICE <{url}> {{ }}",
    "SELECT * WHERE {{ ?s <{url}SERVICE> ?o }}",
    "SELECT ?service WHERE {{ ?service ?p ?o }}",
    'SELECT * WHERE {{ ?s ?p """ SERVICE <{url}> {{ }} """ }}',
]


def _run(store: ox.Store, text: str) -> object:
    """Run a query to the end (an ASK answers at once; solutions and triples are read out)."""
    result = store.query(text)
    return bool(result) if isinstance(result, ox.QueryBoolean) else list(result)


def _engine_calls_out(listener: Listener, run: Callable[[], object]) -> bool:
    before = len(listener.requests)
    with contextlib.suppress(SyntaxError, OSError, RuntimeError, ValueError):
        run()
    return len(listener.requests) > before


def _refused(check: Callable[[str], object], text: str) -> bool:
    try:
        check(text)
    except UnsafeQueryError:
        return True
    except KgError:  # refused for another reason (not a query, unterminated string): never run either
        return True
    return False


def test_the_check_never_passes_a_query_the_engine_would_send_out(listener: Listener) -> None:
    url = f"http://127.0.0.1:{listener.port}/sparql"
    store = _data()
    seen = {"called": 0}

    @FUZZ
    @given(service_queries(url))
    def check(text: str) -> None:
        if _engine_calls_out(listener, lambda: _run(store, text)):
            seen["called"] += 1
            assert _refused(check_query, text), text

    check()
    assert seen["called"] >= EXAMPLES // 3  # the generated queries really reach the engine's HTTP client


def test_what_the_engine_never_executes_passes(listener: Listener) -> None:
    url = f"http://127.0.0.1:{listener.port}/x"
    store = _data()
    for decoy in DECOYS:
        text = decoy.format(url=url)
        assert not _engine_calls_out(listener, lambda t=text: _run(store, t))  # type: ignore[misc]
        assert check_query(text).form == "SELECT"


@st.composite
def load_updates(draw: st.DrawFn, url: str) -> str:
    keyword, gap = draw(_case("load")), draw(gaps)
    silent = draw(st.sampled_from(["", "SILENT ", "silent\t"]))
    into = draw(st.sampled_from(["", " INTO GRAPH <urn:x:into>", " into graph <urn:x:into>"]))
    operation = f"{keyword}{gap}{silent}<{url}>{into}"
    before = draw(st.sampled_from(["", "INSERT DATA { <urn:x:a> <urn:x:b> <urn:x:c> } ;\n", "CLEAR SILENT DEFAULT ; "]))
    after = draw(st.sampled_from(["", " ; DROP SILENT GRAPH <urn:x:none>", ";\n#c\nINSERT DATA { }"]))
    return draw(st.sampled_from(["", "PREFIX ex: <urn:x:>\n"])) + before + operation + after


def test_the_update_check_never_passes_a_load_the_engine_would_fetch(listener: Listener) -> None:
    url = f"http://127.0.0.1:{listener.port}/data.nt"
    seen = {"called": 0}

    @FUZZ
    @given(load_updates(url))
    def check(text: str) -> None:
        store = _data()
        if _engine_calls_out(listener, lambda: store.update(text)):
            seen["called"] += 1
            assert _refused(check_update, text), text

    check()
    assert seen["called"] >= EXAMPLES // 3


@st.composite
def datasets(draw: st.DrawFn) -> tuple[str, set[str], set[str]]:
    """A query with FROM / FROM NAMED clauses in varied spellings, and the graphs it names."""
    default = draw(st.lists(st.integers(0, 3), max_size=3, unique=True))
    named = draw(st.lists(st.integers(0, 3), max_size=3, unique=True))
    clauses = []
    for n, is_named in [(n, False) for n in default] + [(n, True) for n in named]:
        iri = draw(st.sampled_from([f"<{GRAPHS}{n}>", f"g:{n}", f"<{n}>", f"<./{n}>"]))  # also relative to BASE
        clauses.append(f"{draw(_case('from'))}{draw(gaps)}{draw(_case('named')) + ' ' if is_named else ''}{iri}")
    order = draw(st.permutations(clauses))
    text = f"BASE <{GRAPHS}>\nPREFIX g: <{GRAPHS}>\nSELECT ?v ?n " + " ".join(order) + draw(gaps) + \
        "WHERE { { ?s <urn:x:in> ?v } UNION { GRAPH ?n { ?s <urn:x:in> ?w } } }"
    return text, {f"{GRAPHS}{n}" for n in default}, {f"{GRAPHS}{n}" for n in named}


@FUZZ
@given(datasets())
def test_the_dataset_reader_sees_the_graphs_the_engine_uses(case: tuple[str, set[str], set[str]]) -> None:
    text, default, named = case
    store = ox.Store()
    store.extend([ox.Quad(SUBJECT, ox.NamedNode("urn:x:in"), ox.Literal(f"{GRAPHS}{n}"), ox.NamedNode(f"{GRAPHS}{n}"))
                  for n in range(4)])
    rows = list(store.query(text))
    engine_default = {str(r["v"].value) for r in rows if r["v"] is not None}
    engine_named = {r["n"].value for r in rows if r["n"] is not None}
    read = from_clauses(text)
    if not default and not named:
        assert read is None
        return
    assert read is not None
    assert set(read.default) == engine_default == default
    assert set(read.named) == engine_named == named


def test_regression_a_relative_from_iri_resolves_as_the_engine_resolves_it() -> None:
    """Found by the property above: urllib's urljoin left '<0>' against a BASE as '0'."""
    read = from_clauses(f"BASE <{GRAPHS}>\nSELECT * FROM <0> FROM <./1> FROM NAMED <sub/../2> WHERE {{ }}")
    assert read is not None
    assert read.default == (f"{GRAPHS}0", f"{GRAPHS}1") and read.named == (f"{GRAPHS}2",)
