"""Fuzzing case files (YAML, JSON, CSV) and article sidecars with hypothesis, structure-aware.

Each example starts from a valid case (publications, organizations, people with nested
affiliations, affiliations, claims with evidence, all cross-referenced) and changes it as a
careless or hostile colleague would: wrong types, unknown or wrong-kind references, duplicate
ids, missing and unknown fields, huge and odd strings (controls, bidi marks, NUL, lone
surrogates), deep nesting, garbled bytes. Whatever comes out, kg either reads the file or refuses
it with one line that names the file and, for a change to one record's field, that record and
field; never another exception, never a hang, and a refused file leaves the store as it was.

Bounded in CI (derandomized, ``KG_FUZZ_EXAMPLES`` examples per test, 40 by default); set
``KG_FUZZ_EXAMPLES=2000`` for a long random run.
"""

from __future__ import annotations

import contextlib
import copy
import csv
import io
import json
import os
import signal
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kg.build import pipeline
from kg.build.sources import prepare
from kg.errors import InputError
from kg.ingest.article import read_article
from kg.ingest.guard import DEFAULT_MAX_LITERAL_CHARS
from kg.iris import Minter
from kg.store import KgStore

EXAMPLES = int(os.environ.get("KG_FUZZ_EXAMPLES", "40"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, derandomize=os.environ.get("KG_FUZZ_EXAMPLES") is None,
                database=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
MINTER = Minter()
HANG_SECONDS = 60  # far above the few milliseconds one small file takes, even on a loaded machine
MAX_MESSAGE = 600  # characters of a message beyond the file name: a refusal quotes values, it does not dump them

ODD = st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=30)  # controls, NUL, bidi, ...
NAMES = st.sampled_from(["Ana Reyes", "Ivo Brandt", "Østfold Ltd", "Jinato Liu", "Zoë", "Грета", "東京電力",
                         "Dr. A. N. Other", "O'Brien & Sons"])
WORDS = st.sampled_from(["said the port was closed", "denied it", "«quoted»", "a\nb", "tab\there"])
DEEP, HUGE, LONG = "__kg_fuzz_deep__", "__kg_fuzz_huge__", 123456789123456789  # made big in the file's text
HOSTILE = st.one_of(
    st.integers(), st.just(LONG), st.floats(), st.booleans(), st.none(),
    ODD, st.lists(ODD, max_size=3), st.dictionaries(ODD, ODD, max_size=2), st.just([{"a": [1, {"b": None}]}]),
    st.just(DEEP), st.just(HUGE), st.just("\ud800"), st.just("2020-13-45"), st.just("2020-02-30"),
    st.just("\u202eevil\u202c"), st.just("x\x00y"), st.just("\x1b[31mred"), st.just(""), st.just("   "),
)


@dataclass
class Change:
    """What was done to the valid case, so a refusal can be held to naming it."""

    what: str  # set | drop | unknown | ref | dup
    section: str = ""
    index: int = 0
    field: str = ""


# -- the valid case ---------------------------------------------------------------------------------

@st.composite
def valid_case(draw: st.DrawFn) -> dict[str, Any]:
    orgs = [{"id": f"o{i}", "name": f"{draw(NAMES)} Group {i}"} for i in range(draw(st.integers(1, 3)))]
    people = [{"id": f"p{i}", "name": f"{draw(NAMES)} {i}"} for i in range(draw(st.integers(1, 3)))]
    pubs = [{"id": f"d{i}", "title": f"Report {i}"} for i in range(draw(st.integers(1, 2)))]
    for org in orgs:
        if draw(st.booleans()):
            org.update(kind=draw(st.sampled_from(["NGO", "Company", "Court"])), aliases=[f"{org['name']} Inc"],
                       reliability=draw(st.sampled_from("ABCDEF")), url=f"https://example.org/{org['id']}")
    for person in people:
        if draw(st.booleans()):
            person["affiliations"] = [{"organization": orgs[0]["id"], "role": "director", "start": "2019"}]
        if draw(st.booleans()):
            person.update(aliases=[person["name"].split()[0] + " R."], note=draw(WORDS),
                          same_as=["https://www.wikidata.org/wiki/Q42"])
    for pub in pubs:
        if draw(st.booleans()):
            pub.update(type="Report", publisher=orgs[-1]["id"], author=[people[0]["id"]], date="2021-03-04",
                       language="en", url="https://example.org/report")
    case: dict[str, Any] = {"case": {"id": "fuzz", "title": "Fuzzed case"}, "publications": pubs,
                            "organizations": orgs, "people": people}
    if draw(st.booleans()):
        case["affiliations"] = [{"person": people[-1]["id"], "organization": orgs[0]["id"], "role": "member",
                                 "source": pubs[0]["id"], "start": "2020-01", "end": "2021-12-31"}]
    claims = []
    for i in range(draw(st.integers(0, 3))):
        claim: dict[str, Any] = {"id": f"c{i}", "claimant": people[0]["id"], "appears_in": pubs[-1]["id"],
                                 "text": draw(WORDS), "kind": draw(st.sampled_from(["direct-quote",
                                                                                   "reported-speech"]))}
        if draw(st.booleans()):
            claim.update(about=[orgs[0]["id"]], credibility="3", hedged=True, date="2021-03-04", confidence=0.5,
                         evidence={"exact": "closed", "prefix": "was ", "start": 20, "end": 26, "page": 2})
        if i and draw(st.booleans()):
            claim["disputes"] = ["c0"]
        claims.append(claim)
    if claims:
        case["claims"] = claims
    return case


REFS = {"publications": ["publisher", "author"], "people": [], "organizations": [],
        "affiliations": ["person", "organization", "source"],
        "claims": ["claimant", "appears_in", "about", "disputes", "relayed_by", "originally_in"]}


@st.composite
def changed_case(draw: st.DrawFn) -> tuple[dict[str, Any], dict[str, Any], Change]:
    """A valid case, and a copy with one change (or, now and then, several: then no Change to check)."""
    base = draw(valid_case())
    case = copy.deepcopy(base)
    records = [(section, i) for section in REFS for i in range(len(case.get(section, [])))]
    section, index = draw(st.sampled_from(records))
    record = case[section][index]
    what = draw(st.sampled_from(["set", "set", "set", "drop", "unknown", "ref", "dup", "meta", "shape", "many"]))
    change = Change(what, section, index)
    if what == "set":
        change.field = draw(st.sampled_from(sorted(record)) | st.sampled_from(["evidence", "affiliations", "kind"]))
        record[change.field] = draw(HOSTILE)
    elif what == "drop" and record:
        change.field = draw(st.sampled_from(sorted(record)))
        del record[change.field]
    elif what == "unknown":
        change.field = draw(ODD.filter(lambda k: k not in record) | st.just("colour"))
        record[change.field] = "x"
    elif what == "ref" and REFS[section]:
        change.field = draw(st.sampled_from(REFS[section]))
        target = draw(st.sampled_from(["nobody", "c0", "d0", "p0", "o0", "x y", ""]))
        record[change.field] = [target] if change.field in ("about", "disputes", "author") else target
    elif what == "dup" and "id" in record:
        others = [r["id"] for s in REFS for r in case.get(s, []) if "id" in r and r is not record]
        if others:
            record["id"] = draw(st.sampled_from(others))
            change.field = "id"
    elif what == "meta":
        case["case"][draw(st.sampled_from(["id", "title", "language", "note", "colour"]))] = draw(HOSTILE)
        change = Change("meta")
    elif what == "shape":
        spot = draw(st.sampled_from(["section", "record", "top", "nested"]))
        if spot == "section":
            case[section] = draw(HOSTILE)
        elif spot == "record":
            case[section][index] = draw(HOSTILE)
        elif spot == "top":
            case[draw(ODD)] = []
        else:
            case[section][index] = {"nested": {"deeper": [record]}}
        change = Change("shape")
    else:
        for _ in range(draw(st.integers(2, 5))):
            section, index = draw(st.sampled_from(records))
            target = case[section][index] if isinstance(case.get(section), list) else {}
            if isinstance(target, dict):
                target[draw(st.sampled_from(sorted(target) or ["id"]))] = draw(HOSTILE)
        change = Change("many")
    if change.what in ("set", "drop", "unknown", "ref", "dup") and not change.field:
        change = Change("many")
    return base, case, change


# -- writing it as a file ---------------------------------------------------------------------------

class _NoAliases(yaml.SafeDumper):
    def ignore_aliases(self, data: Any) -> bool:
        return True


def _expand(text: str, quote: str) -> str:
    text = text.replace(f"{quote}{DEEP}{quote}", "[" * 3000 + "]" * 3000).replace(DEEP, "[[[[]]]]")
    text = text.replace(HUGE, "h" * (DEFAULT_MAX_LITERAL_CHARS + 1))
    return text.replace(str(LONG), "9" * 5000)  # an integer of more digits than Python converts by default


def as_yaml(case: dict[str, Any]) -> bytes:
    text = yaml.dump(_no_surrogates(case), Dumper=_NoAliases, allow_unicode=True, sort_keys=False, width=10**6)
    return _expand(text, "").encode("utf-8")


def as_json(case: dict[str, Any]) -> bytes:
    return _expand(json.dumps(case), '"').encode("utf-8")  # ensure_ascii: a lone surrogate is a \\ud800 escape


def as_csv(case: dict[str, Any]) -> bytes:
    """One row per record (the CSV layout): lists joined with '|', nested mappings as 'a.b' columns."""
    rows: list[dict[str, str]] = []
    singular = {"publications": "publication", "organizations": "organization", "people": "person",
                "affiliations": "affiliation", "claims": "claim"}
    for section, kind in singular.items():
        items = case.get(section)
        if items is None:
            continue
        for item in items if isinstance(items, list) else [items]:
            row = {"record": kind}
            for key, value in (item.items() if isinstance(item, dict) else [("id", item)]):
                if isinstance(value, dict):
                    row.update({f"{key}.{k}": _cell(v) for k, v in value.items()})
                elif key != "affiliations":  # nested lists of mappings have no CSV form
                    row[str(key)] = _cell(value)
            rows.append(row)
    columns = list(dict.fromkeys(c for row in rows for c in row))
    out = io.StringIO()
    writer = csv.DictWriter(out, columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return _expand(_no_surrogates(out.getvalue()), "").encode("utf-8")


def _cell(value: Any) -> str:
    if isinstance(value, list):
        return "|".join(_cell(v) for v in value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


def _no_surrogates(value: Any) -> Any:
    if isinstance(value, str):
        return value.encode("utf-8", "replace").decode("utf-8")
    if isinstance(value, dict):
        return {_no_surrogates(k): _no_surrogates(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_no_surrogates(v) for v in value]
    return value


WRITERS = {".yaml": as_yaml, ".json": as_json, ".csv": as_csv}


def garble(data: bytes, spots: list[tuple[float, bytes]]) -> bytes:
    out = bytearray(data)
    for where, payload in spots:
        at = int(where * len(out))
        out[at:at + len(payload)] = payload
    return bytes(out)


# -- the checks -------------------------------------------------------------------------------------

@contextlib.contextmanager
def no_hang(seconds: int = HANG_SECONDS) -> Iterator[None]:
    def expired(signum: int, frame: FrameType | None) -> None:
        raise AssertionError(f"no answer within {seconds} s: a hang")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def check_refusal(error: InputError, path: Path, change: Change | None) -> None:
    message = str(error)
    assert "\n" not in message and "\r" not in message, message
    assert message.startswith(str(path)), message
    assert len(message) <= len(str(path)) + MAX_MESSAGE, f"{len(message):,} characters: {message[:300]}"
    if change is None or change.what not in ("set", "drop", "unknown", "ref", "dup"):
        return
    if "malformed" in message or "binary file" in message or "not valid UTF-8" in message:
        return  # the syntax itself broke (deep nesting, a huge cell, a NUL): named by line, before any record
    if change.field in ("id", "name", "title", "key") and ("named like" in message or "unknown id" in message):
        return  # the change made two records clash, or a reference to the old id fail: named where it shows
    assert f"{change.section}[{change.index}]" in message, message
    assert repr(change.field)[1:-1] in message or change.field == "", message


def prepared_or_refused(path: Path, data: bytes, change: Change | None) -> bool:
    path.write_bytes(data)
    with no_hang():
        try:
            prepare(path, path.name, MINTER)
        except InputError as error:
            check_refusal(error, path, change)
            return False
    return True


@FUZZ
@given(changed_case(), st.sampled_from(sorted(WRITERS)))
def test_a_changed_case_file_is_read_or_refused_naming_record_and_field(
        cases: tuple[dict[str, Any], dict[str, Any], Change], suffix: str) -> None:
    base, case, change = cases
    with tempfile.TemporaryDirectory(prefix="kg-fuzz-") as folder:
        assert prepared_or_refused(Path(folder) / f"base{suffix}", WRITERS[suffix](base), None)
        prepared_or_refused(Path(folder) / f"case{suffix}", WRITERS[suffix](case), change)


@FUZZ
@given(valid_case(), st.sampled_from(sorted(WRITERS)),
       st.lists(st.tuples(st.floats(0, 1), st.binary(min_size=1, max_size=6)), min_size=1, max_size=4))
def test_a_garbled_case_file_is_read_or_refused_in_one_line(case: dict[str, Any], suffix: str,
                                                            spots: list[tuple[float, bytes]]) -> None:
    with tempfile.TemporaryDirectory(prefix="kg-fuzz-") as folder:
        prepared_or_refused(Path(folder) / f"garbled{suffix}", garble(WRITERS[suffix](case), spots), None)


@settings(FUZZ, max_examples=max(EXAMPLES // 4, 5))
@given(changed_case(), st.sampled_from(sorted(WRITERS)))
def test_a_refused_case_file_leaves_the_store_as_it_was(cases: tuple[dict[str, Any], dict[str, Any], Change],
                                                        suffix: str) -> None:
    base, case, change = cases
    with tempfile.TemporaryDirectory(prefix="kg-fuzz-") as folder:
        path = Path(folder) / f"case{suffix}"
        path.write_bytes(WRITERS[suffix](base))
        store = KgStore.in_memory()
        assert not pipeline.ingest(store, [path], Path(folder)).failed
        before = set(store.quads(include_log=True))
        path.write_bytes(WRITERS[suffix](case))
        with no_hang():
            report = pipeline.ingest(store, [path], Path(folder))
        if report.failed:
            error = report.failed[0].error
            assert isinstance(error, InputError), error
            check_refusal(error, path, change)
            assert set(store.quads(include_log=True)) == before


# -- sidecars and front matter ----------------------------------------------------------------------

META = st.fixed_dictionaries({}, optional={
    "title": st.just("The port report") | HOSTILE, "author": st.just(["Ana Reyes"]) | st.just("A and B") | HOSTILE,
    "publisher": st.just("Desk") | HOSTILE, "date": st.just("2021-03-04") | HOSTILE,
    "url": st.just("https://example.org/a") | HOSTILE, "type": st.just("NewsArticle") | HOSTILE,
    "language": st.just("en") | HOSTILE, "encoding": st.sampled_from(["utf-8", "latin-1", "rot13", "nope"]) | HOSTILE,
    "colour": st.just("blue")})


@FUZZ
@given(META, st.sampled_from(["sidecar", "front matter"]), st.booleans())
def test_article_metadata_is_read_or_refused_in_one_line(meta: dict[str, Any], where: str, as_json: bool) -> None:
    text = _expand(json.dumps(meta) if as_json else yaml.dump(_no_surrogates(meta), Dumper=_NoAliases,
                                                               allow_unicode=True, width=10**6), '"' if as_json else "")
    body = "Ana Reyes said on Monday that the port was closed.\n"
    with tempfile.TemporaryDirectory(prefix="kg-fuzz-") as folder:
        if where == "sidecar":
            article = Path(folder) / "a.txt"
            article.write_text(body, encoding="utf-8")
            (Path(folder) / "a.meta.yaml").write_text(text, encoding="utf-8", errors="surrogatepass")
        else:
            article = Path(folder) / "a.md"
            article.write_text(f"---\n{text}---\n{body}", encoding="utf-8", errors="surrogatepass")
        with no_hang():
            try:
                read_article(article)
            except InputError as error:
                message = str(error)
                assert "\n" not in message and message.startswith(folder), message
                assert len(message) <= len(folder) + MAX_MESSAGE, message[:300]


# -- what fuzzing found, fixed: each once, with its exact message ----------------------------------

PERSON = "people:\n- id: p1\n  name: Ana\n"
CLAIM = ("people:\n- {id: p1, name: Ana}\npublications:\n- {id: d1, title: T}\n"
         "claims:\n- {id: c1, claimant: p1, appears_in: d1, text: t, kind: direct-quote, evidence: {exact: ab, %s}}\n")
LAUGHS = "".join(f"l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 9) if i else 'lol'}]\n" for i in range(8))
FOUND = [  # (file name, text, the message after "PATH" -- or None when the file is now read)
    ("long.yaml", CLAIM % f"start: {'9' * 5000}, end: 2",
     f":6: claims[0].evidence[0] 'c1': field 'start' '{'9' * 60}'... (5,000 characters) is not a whole number"),
    ("long-name.yaml", f"people:\n- id: p1\n  name: {'9' * 5000}\n", None),  # a number as a name is text
    ("surrogate.json", '{"people": [{"id": "p1", "name": "Ana \\ud800"}]}',
     ": malformed JSON: \\ud800 is half of a surrogate pair, not a character"),
    ("pair.json", '{"people": [{"id": "p1", "name": "Ana \\ud83d\\ude00"}]}', None),
    ("nan.json", '{"people": [{"id": "p1", "name": NaN}]}', ": people[0] 'p1': field 'name' must be text, not nan"),
    ("control.yaml", "\x01" + PERSON, ":1: malformed YAML: character U+0001 is not allowed (control characters are "
     "not allowed)"),
    ("meta.yaml", "case: {title: {a: 1}}\n" + PERSON, ": case: field 'title' must be text, not dict"),
    ("meta-keys.yaml", "case: {1: a, b: c}\n" + PERSON, ": case: unknown field '1' (expected id, title, language, "
     "note)"),
    ("unknown.yaml", "people:\n- {id: p1, name: Ana}\npublications:\n- {id: d1, title: T, publisher: " + "o" * 9000
     + "}\n", f":4: publications[0] 'd1': field 'publisher': unknown id '{'o' * 60}'... (9,000 characters) "
     "(no record with that id; expected organization)"),
]


def test_what_fuzzing_found_in_case_files_is_fixed(tmp_path: Path) -> None:
    for name, text, expected in FOUND:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        if expected is None:
            assert prepare(path, name, MINTER).content_triples > 0, name
            continue
        try:
            prepare(path, name, MINTER)
        except InputError as error:
            assert str(error) == f"{path}{expected}"
        else:
            raise AssertionError(f"{name} was read")


SIDECARS = [  # (sidecar text, the message after "PATH/a.meta.yaml", or a warning when read)
    (LAUGHS + "title: *l7\n", ":8: YAML aliases and merge keys (*name, <<) are not allowed in sidecars; write the "
     "value out"),
    ("title: " + "[" * 5000 + "]" * 5000 + "\n", ":1: malformed YAML: exceeded maximum nesting depth (while "
     "increasing flow level started on line 1)"),
    ("title: !!binary aGVsbG8=\n", ": sidecar: field 'title' must be text, not bytes"),
    ("author: !!set {a, b}\n", ": sidecar: field 'author' must be a name or a list of names, not set"),
    ("date: 2020-13-45\n", "warning: date '2020-13-45' is not YYYY-MM-DD; left out"),
]


def test_what_fuzzing_found_in_sidecars_is_fixed(tmp_path: Path) -> None:
    article = tmp_path / "a.txt"
    article.write_text("Ana Reyes said the port was closed.\n", encoding="utf-8")
    for text, expected in SIDECARS:
        (tmp_path / "a.meta.yaml").write_text(text, encoding="utf-8")
        with no_hang():
            try:
                warnings = read_article(article).warnings
            except InputError as error:
                assert str(error) == f"{tmp_path / 'a.meta.yaml'}{expected}"
            else:
                assert [f"warning: {w}" for w in warnings] == [expected]
    (tmp_path / "a.meta.yaml").write_text("encoding: \"x\\0y\"\n", encoding="utf-8")
    try:
        read_article(article)
    except InputError as error:
        assert str(error) == f"{article}: cannot be read as 'x\\x00y' text"
    else:
        raise AssertionError("a NUL in an encoding's name was read")
