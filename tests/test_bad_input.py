"""Bad input through the real CLI: the exact one-line message, exit code 2, and a store left untouched.

Every case runs ``kg ingest FILE`` against a copy of a store that already holds the sample case, then
compares a sorted N-Quads dump of the whole store (log graph included) with the dump from before.
"""

from __future__ import annotations

import http.server
import json
import shutil
import threading
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar

import pytest

from kg.build.sources import NAMED_KINDS, SOURCE_SUFFIXES

from conftest import SAMPLE_CASE, dump_store, run_kg

PUB = "publications:\n  - id: p\n    title: T\n"
CLAIM = "claims:\n  - id: c\n    claimant: p\n    appears_in: p\n    text: t\n    kind: unattributed\n"
PUB_JSON = '{"id": "p", "title": "T"}'
CSV_HEAD = ("record,id,title,name,claimant,appears_in,text,kind,credibility,date,"
            "evidence.exact,evidence.start,evidence.end")
CSV_PUB = "publication,p,T,,,,,,,,,,"
RDF_NS = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
UNKNOWN_PUBLISHER = ("publications[0] 'p': field 'publisher': unknown id 'nope' "
                     "(no record with that id; expected organization)")
PERSON_FIELDS = "id, name, aliases, affiliations, reliability, note, same_as, key"
SUFFIXES = ", ".join((*SOURCE_SUFFIXES, *NAMED_KINDS))
EVIDENCE_END = "claims[0].evidence[0] 'c': field 'end' minus 'start' is 2, but 'exact' has 5 characters"


@dataclass
class Bad:
    """One bad input: files to create (name -> bytes), the argument to ingest, the exact stderr line."""

    id: str
    files: dict[str, bytes]
    expected: str
    arg: str = ""
    env: dict[str, str] = field(default_factory=dict)

    @property
    def target(self) -> str:
        return self.arg or next(iter(self.files))


def one(name: str, text: str | bytes, expected: str, env: dict[str, str] | None = None) -> Bad:
    data = text.encode() if isinstance(text, str) else text
    return Bad(name, {name: data}, expected, env=env or {})


def csv_rows(*rows: str) -> str:
    return "\n".join((CSV_HEAD, *rows)) + "\n"


def claim_json(**fields: object) -> str:
    claim = {"id": "c", "claimant": "p", "appears_in": "p", "text": "t", "kind": "unattributed", **fields}
    claim = {k: v for k, v in claim.items() if v is not None}
    return json.dumps({"publications": [json.loads(PUB_JSON)], "claims": [claim]})


LAUGHS = "people:\n  - id: x\n    name: A\n    note:\n      a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"      a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]\n" for i in range(1, 9))

CASES = [
    # -- malformed syntax, with the line ------------------------------------------------------------
    one("bad.yaml", "people:\n  - id: x\n    name: [A,\n  - id: y\n",
        "bad.yaml:4: malformed YAML: did not find expected node content (while parsing a flow node started on "
        "line 4)"),
    one("quoted.yaml", 'people:\n  - id: x\n    name: "A\n', "quoted.yaml:4: malformed YAML: found unexpected end of "
        "stream (while scanning a quoted scalar started on line 3)"),
    one("tag.yaml", "people: !!python/object:os.system x\n", "tag.yaml:1: malformed YAML: could not determine a "
        "constructor for the tag 'tag:yaml.org,2002:python/object:os.system'"),
    one("bad.json", '{"people": [\n  {"id": "x",}\n]}',
        "bad.json:2: malformed JSON: Expecting property name enclosed in double quotes (column 14)"),
    one("bad.csv", 'record,id,name\nperson,x,A\nperson,"y,B\n', "bad.csv:3: malformed CSV: unexpected end of data"),
    one("quote.csv", 'record,id,name\nperson,x,A\n\nperson,"y"z,B\n',
        "quote.csv:4: malformed CSV: ',' expected after '\"'"),
    one("norecord.csv", "id,name\nx,A\n", "norecord.csv:1: CSV case file needs a 'record' column "
        "(publication, organization, person, affiliation, claim)"),
    one("wide.csv", "record,id,name\nperson,x,A,extra\n", "wide.csv:2: malformed CSV: 4 fields, but the header has 3"),
    one("laughs.yaml", LAUGHS, "laughs.yaml:5: YAML aliases and merge keys (*name, <<) are not allowed in case "
        "files; write the value out"),
    one("deep.json", '{"people": ' + "[" * 100_000 + "]" * 100_000 + "}",
        "deep.json: malformed JSON: nested too deeply"),
    one("deep.yaml", "people: " + "[" * 100_000 + "]" * 100_000 + "\n", "deep.yaml:1: malformed YAML: exceeded "
        "maximum nesting depth (while increasing flow level started on line 1)"),
    one("digits.json", '{"people": [{"id": "x", "name": 1' + "0" * 5000 + "}]}", "digits.json: malformed JSON: "
        "Exceeds the limit (4300 digits) for integer string conversion: value has 5001 digits"),
    one("digits.jsonld", '{"@id": "http://a/s", "http://a/p": 1' + "0" * 5000 + "}", "digits.jsonld: malformed "
        "JSON-LD: Exceeds the limit (4300 digits) for integer string conversion: value has 5001 digits"),
    one("twice.yaml", "people:\n  - id: x\n    name: A\n    name: B\n", "twice.yaml:4: malformed YAML: found "
        "duplicate key 'name' (while constructing a mapping started on line 2)"),
    one("sections.yaml", "people:\n  - id: x\n    name: A\npeople:\n  - id: y\n    name: B\n", "sections.yaml:4: "
        "malformed YAML: found duplicate key 'people' (while constructing a mapping started on line 1)"),
    one("twice.json", '{"people": [{"id": "x", "name": "A", "name": "B"}]}', "twice.json: malformed JSON: "
        "duplicate key 'name' in one object"),
    one("list.yaml", "- 1\n- 2\n", "list.yaml: a case file must be a mapping with sections publications, "
        "organizations, people, affiliations, claims"),
    # -- unknown reference: record, field and missing id ---------------------------------------------
    one("ref.yaml", "publications:\n  - id: p\n    title: T\n    publisher: nope\n",
        f"ref.yaml:2: {UNKNOWN_PUBLISHER}"),
    one("ref.json", '{"publications": [{"id": "p", "title": "T", "publisher": "nope"}]}',
        f"ref.json: {UNKNOWN_PUBLISHER}"),
    one("ref.csv", "record,id,title,publisher\npublication,p,T,nope\n", f"ref.csv:2: {UNKNOWN_PUBLISHER}"),
    one("claimref.yaml", PUB + CLAIM.replace("claimant: p", "claimant: ghost"), "claimref.yaml:5: claims[0] 'c': "
        "field 'claimant': unknown id 'ghost' (no record with that id; expected person or organization or "
        "publication)"),
    # -- duplicate id ------------------------------------------------------------------------------------
    one("dup.yaml", "people:\n  - id: x\n    name: A\n  - id: x\n    name: B\n",
        "dup.yaml:4: people[1] 'x': duplicate id 'x' (first used by people[0] at line 2)"),
    one("dup.json", '{"people": [{"id": "x", "name": "A"}], "organizations": [{"id": "x", "name": "B"}]}',
        "dup.json: people[0] 'x': duplicate id 'x' (first used by organizations[0])"),
    one("dup.csv", "record,id,name\nperson,x,A\nperson,x,B\n",
        "dup.csv:3: people[1] 'x': duplicate id 'x' (first used by people[0] at line 2)"),
    # -- grades outside A-F / 1-6 ----------------------------------------------------------------------
    one("grade.yaml", "people:\n  - id: x\n    name: A\n    reliability: G\n", "grade.yaml:2: people[0] 'x': "
        "field 'reliability' 'G' is not an Admiralty reliability grade (A, B, C, D, E, F)"),
    one("grade.json", '{"people": [{"id": "x", "name": "A", "reliability": 3}]}', "grade.json: people[0] 'x': "
        "field 'reliability' '3' is not an Admiralty reliability grade (A, B, C, D, E, F)"),
    one("grade.csv", "record,id,name,reliability\nperson,x,A,a\n", "grade.csv:2: people[0] 'x': "
        "field 'reliability' 'a' is not an Admiralty reliability grade (A, B, C, D, E, F)"),
    one("cred.yaml", PUB + CLAIM + "    credibility: 7\n", "cred.yaml:5: claims[0] 'c': field 'credibility' '7' is not "
        "an Admiralty credibility grade (1, 2, 3, 4, 5, 6)"),
    one("cred.json", claim_json(credibility=0), "cred.json: claims[0] 'c': field 'credibility' '0' is not "
        "an Admiralty credibility grade (1, 2, 3, 4, 5, 6)"),
    one("cred.csv", csv_rows(CSV_PUB, "claim,c,,,p,p,t,unattributed,F,,,,"), "cred.csv:3: claims[0] 'c': field "
        "'credibility' 'F' is not an Admiralty credibility grade (1, 2, 3, 4, 5, 6)"),
    # -- a claim needs a claimant and a publication ------------------------------------------------------
    one("noclaimant.yaml", PUB + CLAIM.replace("    claimant: p\n", ""), "noclaimant.yaml:5: claims[0] 'c': field "
        "'claimant' is required (who made the claim: a person, organization or publication id)"),
    one("noclaimant.json", claim_json(claimant=None), "noclaimant.json: claims[0] 'c': field 'claimant' is required "
        "(who made the claim: a person, organization or publication id)"),
    one("noclaimant.csv", csv_rows(CSV_PUB, "claim,c,,,,p,t,unattributed,,,,,"), "noclaimant.csv:3: claims[0] 'c': "
        "field 'claimant' is required (who made the claim: a person, organization or publication id)"),
    one("nopub.yaml", PUB + CLAIM.replace("    appears_in: p\n", ""), "nopub.yaml:5: claims[0] 'c': field "
        "'appears_in' is required (the publication the claim appeared in)"),
    one("nopub.json", claim_json(appears_in=""), "nopub.json: claims[0] 'c': field 'appears_in' is required "
        "(the publication the claim appeared in)"),
    one("nopub.csv", csv_rows(CSV_PUB, "claim,c,,,p,,t,unattributed,,,,,"), "nopub.csv:3: claims[0] 'c': field "
        "'appears_in' is required (the publication the claim appeared in)"),
    one("notpub.yaml", PUB + "people:\n  - id: x\n    name: A\n" + CLAIM.replace("appears_in: p", "appears_in: x"),
        "notpub.yaml:8: claims[0] 'c': field 'appears_in': 'x' is a person, expected publication"),
    # -- unknown fields and sections ---------------------------------------------------------------------
    one("field.yaml", "people:\n  - id: x\n    name: A\n    age: 3\n",
        f"field.yaml:2: people[0] 'x': field 'age' unknown field (expected one of: {PERSON_FIELDS})"),
    one("field.json", '{"people": [{"id": "x", "name": "A", "age": 3}]}',
        f"field.json: people[0] 'x': field 'age' unknown field (expected one of: {PERSON_FIELDS})"),
    one("field.csv", "record,id,name,age\nperson,x,A,3\n",
        f"field.csv:2: people[0] 'x': field 'age' unknown field (expected one of: {PERSON_FIELDS})"),
    one("section.yaml", "persons:\n  - id: x\n", "section.yaml: unknown section 'persons' (expected case, "
        "publications, organizations, people, affiliations, claims)"),
    # -- wrong types -------------------------------------------------------------------------------------
    one("type.yaml", "people:\n  - id: x\n    name: [A, B]\n", "type.yaml:2: people[0] 'x': field 'name' must be text, "
        "not list"),
    one("type.json", '{"people": [{"id": "x", "name": "A", "aliases": [1, 2]}]}',
        "type.json: people[0] 'x': field 'aliases' must be a text or a list of texts"),
    one("type.csv", csv_rows(CSV_PUB, "claim,c,,,p,p,t,unattributed,,,,,").replace("credibility", "confidence")
        .replace("unattributed,,", "unattributed,high,"), "type.csv:3: claims[0] 'c': field 'confidence' 'high' is "
        "not a number between 0 and 1"),
    one("section.json", '{"people": {"x": 1}}', "section.json: section 'people' must be a list of records"),
    one("record.yaml", "people:\n  - just a name\n", "record.yaml: people[0]: a record must be a mapping, not str"),
    one("nothing.yaml", "people:\n  -\n", "nothing.yaml: people[0]: a record must be a mapping, not nothing"),
    # -- bad dates -----------------------------------------------------------------------------------------
    one("date.yaml", PUB + "    date: 2020-13-45\n", "date.yaml:2: publications[0] 'p': field 'date' '2020-13-45' "
        "is not a valid calendar date"),
    one("date.json", '{"publications": [{"id": "p", "title": "T", "date": "2021-02-29"}]}', "date.json: "
        "publications[0] 'p': field 'date' '2021-02-29' is not a valid calendar date"),
    one("date.csv", csv_rows("publication,p,T,,,,,,,last week,,,"), "date.csv:2: publications[0] 'p': field 'date' "
        "'last week' is not a date (YYYY, YYYY-MM or YYYY-MM-DD)"),
    # -- evidence offsets ----------------------------------------------------------------------------------
    one("evidence.yaml", PUB + CLAIM + "    evidence:\n      exact: hello\n      start: 3\n      end: 5\n",
        f"evidence.yaml:5: {EVIDENCE_END}"),
    one("evidence.json", claim_json(evidence={"exact": "hello", "start": 3, "end": 5}),
        f"evidence.json: {EVIDENCE_END}"),
    one("evidence.csv", csv_rows(CSV_PUB, "claim,c,,,p,p,t,unattributed,,,hello,3,5"),
        f"evidence.csv:3: {EVIDENCE_END}"),
    one("infinite.json", claim_json(evidence={"exact": "hello", "start": float("inf"), "end": 5}),
        "infinite.json: claims[0].evidence[0] 'c': field 'start' inf is not a whole number"),
    one("fraction.yaml", PUB + CLAIM + "    evidence:\n      exact: hello\n      start: 1.5\n      end: 6.5\n",
        "fraction.yaml:5: claims[0].evidence[0] 'c': field 'start' 1.5 is not a whole number"),
    one("half.yaml", PUB + CLAIM + "    evidence:\n      exact: hello\n      start: 3\n",
        "half.yaml:5: claims[0].evidence[0] 'c': field 'start' and 'end' must be given together"),
    # -- empty, whitespace, binary, encoding, size ------------------------------------------------------
    one("empty.yaml", "", "empty.yaml: file is empty"),
    one("empty.json", "", "empty.json: file is empty"),
    one("empty.csv", "", "empty.csv: file is empty"),
    one("empty.ttl", "", "empty.ttl: file is empty"),
    one("blank.yaml", "  \n\t\n", "blank.yaml: file holds only whitespace"),
    one("blank.csv", "\n\n", "blank.csv: file holds only whitespace"),
    one("empty.txt", "", "empty.txt: file is empty"),  # articles pass the same guard
    one("blank.md", " \n\n", "blank.md: file holds only whitespace"),
    one("header.csv", "record,id,name\n", "header.csv: no records in CSV case file"),
    one("binary.yaml", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary.yaml: binary file (contains NUL bytes), "
        "expected UTF-8 text"),
    one("binary.ttl", b"\x00\x01\x02\x03", "binary.ttl: binary file (contains NUL bytes), expected UTF-8 text"),
    one("latin1.yaml", "people:\n  - id: x\n    name: Caf\xe9\n".encode("latin-1"),
        "latin1.yaml:3: not valid UTF-8 (byte 0xe9 at offset 31)"),
    one("latin1.csv", "record,id,name\nperson,x,Caf\xe9\n".encode("latin-1"),
        "latin1.csv:2: not valid UTF-8 (byte 0xe9 at offset 27)"),
    one("big.yaml", PUB, "big.yaml: file is 37 bytes, over the 20-byte cap (KG_MAX_SOURCE_BYTES)",
        env={"KG_MAX_SOURCE_BYTES": "20"}),
    one("big.nt", "<http://a/s> <http://a/p> <http://a/o> .\n", "big.nt: file is 41 bytes, over the 40-byte cap "
        "(KG_MAX_SOURCE_BYTES)", env={"KG_MAX_SOURCE_BYTES": "40"}),
    one("long.yaml", "people:\n  - id: x\n    name: A\n    note: " + "a" * 1_000_001 + "\n", "long.yaml:2: people[0] "
        "'x': field 'note': text of 1,000,001 characters is over the 1,000,000-character cap"),
    one("long.nt", '<http://a/s> <http://a/p> "' + "a" * 1_000_001 + '" .\n', "long.nt: a literal of 1,000,001 "
        "characters is over the 1,000,000-character cap"),
    one("cap.yaml", PUB, "KG_MAX_SOURCE_BYTES: 'lots' is not a whole number of bytes",
        env={"KG_MAX_SOURCE_BYTES": "lots"}),
    # -- RDF -------------------------------------------------------------------------------------------------
    one("bad.ttl", "@prefix ex: <http://e/> .\nex:a ex:b ex:c .\nex:a ex:b .\n",
        "bad.ttl:3: malformed Turtle: line 3 column 11: . is not a valid RDF object"),
    one("prefix.ttl", "ex:a ex:b ex:c .\n", "prefix.ttl:1: malformed Turtle: line 1 between columns 1 and 5: "
        "The prefix ex: has not been declared"),
    one("bad.nt", "<http://a/s> <http://a/p> <http://a/o> .\n<http://a/s> <http://a/p> .\n",
        "bad.nt:2: malformed N-Triples: line 2 column 27: The object of a triple must be an IRI, a blank node or "
        "a literal"),
    one("bad.nq", "<http://a/s> <http://a/p> <http://a/o> <http://a/g> <x> .\n", "bad.nq:1: malformed N-Quads: line 1 "
        "between columns 53 and 56: No scheme found in an absolute IRI"),
    one("bad.trig", "<http://a/g> {\n  <http://a/s> <http://a/p> <http://a/o> .\n", "bad.trig:3: malformed TriG: "
        "line 3 column 1: Unexpected end"),
    one("nothing.ttl", "@prefix ex: <http://e/> .\n", "nothing.ttl: no triples in Turtle file"),
    one("bad.jsonld", '{"@id": "http://a/s",\n "http://a/p": }', "bad.jsonld:2: malformed JSON-LD: Expecting value "
        "(column 16)"),
    one("doctype.rdf", f'<?xml version="1.0"?>\n<!DOCTYPE r [<!ENTITY a "aaaaaaaaaa">]>\n'
        f'<rdf:RDF xmlns:rdf="{RDF_NS}"/>',
        "doctype.rdf:2: XML with a <!DOCTYPE> declaration is refused (entity expansion attacks); remove the DTD"),
    one("entity.owl", f'<?xml version="1.0"?>\n<rdf:RDF xmlns:rdf="{RDF_NS}">\n<!ENTITY a "b">\n</rdf:RDF>',
        "entity.owl:3: XML with a <!ENTITY> declaration is refused (entity expansion attacks); remove the DTD"),
    one("utf16.rdf", f'<?xml version="1.0" encoding="UTF-16"?>\n<!DOCTYPE r>\n<rdf:RDF xmlns:rdf="{RDF_NS}"/>'
        .encode("utf-16"), "utf16.rdf: binary file (contains NUL bytes), expected UTF-8 text"),
    # -- the file itself -------------------------------------------------------------------------------------
    one("notes.xlsx", "people: []\n", f"notes.xlsx: unsupported file type '.xlsx' (expected one of {SUFFIXES})"),
    one("notes.docx", "people: []\n", "notes.docx: not a readable Word document (it is not a valid zip container)"),
    one("README", "people: []\n", f"README: unsupported file type '(none)' (expected one of {SUFFIXES})"),
    Bad("missing", {}, "missing.yaml: no such file", arg="missing.yaml"),
    Bad("directory", {"folder.yaml/notes.bin": b"x"}, "folder.yaml: a folder with no source files in it",
        arg="folder.yaml"),
]


dump = dump_store


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    """A store holding the sample case, and its dump."""
    store = tmp_path_factory.mktemp("seeded") / "store"
    result = run_kg("--store", str(store), "ingest", str(SAMPLE_CASE))
    assert result.returncode == 0, result.stderr
    before = dump(store)
    assert any("Sophia Bryskine" in line for line in before)
    return store, before


@pytest.fixture
def store_copy(seeded: tuple[Path, list[str]], tmp_path: Path) -> Iterator[Path]:
    target = tmp_path / "store"
    shutil.copytree(seeded[0], target)
    yield target
    assert dump(target) == seeded[1], "a refused source changed the store"


def write_files(folder: Path, files: dict[str, bytes]) -> None:
    for name, data in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bad_input_is_refused_with_one_exact_line(case: Bad, tmp_path: Path, store_copy: Path) -> None:
    write_files(tmp_path, case.files)
    result = run_kg("--store", str(store_copy), "ingest", case.target, cwd=tmp_path, env=case.env)
    assert result.stderr == f"kg: error: {case.expected}\n"
    assert result.returncode == 2
    assert result.stdout == ""


def test_every_syntax_is_covered_by_the_table() -> None:
    suffixes = {Path(case.target).suffix for case in CASES}
    assert suffixes >= {".yaml", ".json", ".csv", ".ttl", ".nt", ".nq", ".trig", ".jsonld", ".rdf", ".owl"}


def test_a_message_is_one_line_even_when_the_file_name_is_not(tmp_path: Path, store_copy: Path) -> None:
    name = "two\nlines.yaml"
    (tmp_path / name).write_bytes(b"")
    result = run_kg("--store", str(store_copy), "ingest", name, cwd=tmp_path)
    assert result.stderr == "kg: error: two lines.yaml: file is empty\n"
    assert result.returncode == 2


def test_one_bad_file_among_good_ones(tmp_path: Path, seeded: tuple[Path, list[str]]) -> None:
    store_copy = tmp_path / "store"
    shutil.copytree(seeded[0], store_copy)
    write_files(tmp_path, {"good.yaml": b"people:\n  - id: ann\n    name: Ann Example\n",
                           "bad.yaml": b"people:\n  - id: x\n    name: A\n    reliability: Z\n",
                           "good.nt": b"<http://a.example/s> <http://a.example/p> \"o\" .\n"})
    result = run_kg("--store", str(store_copy), "ingest", "good.yaml", "bad.yaml", "good.nt", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        "kg: error: bad.yaml:2: people[0] 'x': field 'reliability' 'Z' is not an Admiralty reliability grade "
        "(A, B, C, D, E, F)",
        "kg: 1 source(s) failed and were left as they were: bad.yaml",
    ]
    assert "added  good.yaml" in result.stdout and "added  good.nt" in result.stdout
    after = dump(store_copy)
    assert set(seeded[1]) <= set(after)
    assert any('"Ann Example"' in q and "/source/good.yaml>" in q for q in after)
    assert any("<http://a.example/s> <http://a.example/p> \"o\"" in q for q in after)
    assert not any("/source/bad.yaml>" in q for q in after)


def test_a_bad_version_of_a_stored_source_keeps_the_good_one(tmp_path: Path, store_copy: Path) -> None:
    (tmp_path / "case.yaml").write_bytes(SAMPLE_CASE.read_bytes().replace(b"reliability: C", b"reliability: X"))
    result = run_kg("--store", str(store_copy), "ingest", "case.yaml", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.startswith("kg: error: case.yaml:17: publications[0] 'cbn-organ-harvesting': field "
                                    "'reliability' 'X' is not")


class _Recorder(http.server.BaseHTTPRequestHandler):
    requests: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        self.requests.append(self.path)
        body = b'{"@context": {"name": "http://schema.org/name"}}'
        self.send_response(200)
        self.send_header("Content-Type", "application/ld+json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def listener() -> Iterator[tuple[str, list[str]]]:
    """A local HTTP server on 127.0.0.1 that records every request it gets."""
    requests: list[str] = []
    handler = type("Handler", (_Recorder,), {"requests": requests})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", requests
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@pytest.mark.parametrize("shape", ["string", "list", "import", "scoped"])
def test_jsonld_remote_context_is_refused_and_never_fetched(shape: str, tmp_path: Path, store_copy: Path,
                                                            listener: tuple[str, list[str]]) -> None:
    url, requests = listener
    with urllib.request.urlopen(f"{url}/control") as response:  # the listener does see requests
        assert b"@context" in response.read()
    assert requests == ["/control"]
    context: object = {
        "string": f"{url}/ctx",
        "list": [{"name": "http://schema.org/name"}, f"{url}/ctx"],
        "import": {"@import": f"{url}/ctx"},
        "scoped": {"knows": {"@id": "http://schema.org/knows", "@context": f"{url}/ctx"}},
    }[shape]
    document = {"@context": context, "@id": "http://a.example/s", "http://schema.org/name": "x"}
    (tmp_path / "remote.jsonld").write_text(json.dumps(document), encoding="utf-8")
    result = run_kg("--store", str(store_copy), "ingest", "remote.jsonld", cwd=tmp_path)
    assert result.stderr == (f"kg: error: remote.jsonld: JSON-LD with a remote @context '{url}/ctx' is refused "
                             "(kg never fetches URLs); inline the context\n")
    assert result.returncode == 2
    assert requests == ["/control"]


def test_jsonld_with_an_inline_context_is_accepted(tmp_path: Path, store_path: Path) -> None:
    document = {"@context": {"name": "http://schema.org/name"}, "@id": "http://a.example/s", "name": "x"}
    (tmp_path / "inline.jsonld").write_text(json.dumps(document), encoding="utf-8")
    result = run_kg("--store", str(store_path), "ingest", "inline.jsonld", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert '<http://a.example/s> <http://schema.org/name> "x"' in "\n".join(dump(store_path))


USAGE = [
    (["export", "--format", "xyz"], "kg export: error: argument --format/-f: invalid choice: 'xyz' (choose from "
     "'ttl', 'trig', 'nt', 'nq', 'jsonld', 'graphml', 'gexf', 'ftm', 'csv', 'neo4j') (see 'kg export --help')"),
    (["ingest"], "kg ingest: error: the following arguments are required: FILE (see 'kg ingest --help')"),
    (["stats", "--everything"], "kg: error: unrecognized arguments: --everything (see 'kg --help')"),
    (["retract", "nope.yaml"], "kg: error: no source named 'nope.yaml' in the store (sources: case.yaml)"),
    (["retract", "case"], "kg: error: no source named 'case' in the store (sources: case.yaml)"),
]


@pytest.mark.parametrize(("args", "expected"), USAGE, ids=[" ".join(a) for a, _ in USAGE])
def test_a_wrong_command_line_is_one_line_and_exit_2(args: list[str], expected: str, store_copy: Path,
                                                     tmp_path: Path) -> None:
    result = run_kg("--store", str(store_copy), *args, cwd=tmp_path)
    assert result.stderr == expected + "\n"
    assert result.returncode == 2
    assert result.stdout == ""
