"""FollowTheMoney JSON lines and CSV tables with a mapping as sources.

FtM files are checked with the followthemoney model and the real ``ftm`` command-line tools read
kg's FtM export (validate, export-gexf, export-cypher, export-excel). A round trip — kg export ftm,
ingest into a new store — gives the same entities and relations. Bad input is one line naming the
file, line and field, and leaves the store as it was.
"""

from __future__ import annotations

import csv
import gc
import io
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from kg.build import pipeline
from kg.cli import main
from kg.store import KgStore
from kg.synth.world import generate

from conftest import SAMPLE, dump_store

FTM = Path(sys.executable).parent / "ftm"


def _kg(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    """Run the command line in this process (faster than a subprocess); exit code and stderr."""
    capsys.readouterr()
    code = main(list(args))
    gc.collect()  # the closed store's RocksDB handle goes now, not whenever: dump_store opens the folder next
    return code, capsys.readouterr().err


def _build(data: Path, store: Path) -> None:
    with KgStore.open(store) as opened:
        report = pipeline.build(opened, data)
    assert not report.failed, [str(o.error) for o in report.failed]


def _tables(store: Path, out: Path) -> dict[str, list[dict[str, str]]]:
    assert main(["--store", str(store), "export", "--format", "csv", "-o", str(out)]) == 0
    return {name: list(csv.DictReader(io.StringIO((out / f"{name}.csv").read_text("utf-8"), newline="")))
            for name in ("entities", "claims", "relations")}


# what a generated case lacks: names in another script, a report as claimant and as subject, a Report
# (an FtM Document), grades, hedging, confidence and dates on a claim, an affiliation with a start
REPORT = "Доклад о выборах"  # noqa: RUF001 (Cyrillic on purpose)
OTHER_SCRIPT = f"""\
publications:
  - {{id: rep, type: Report, title: {REPORT}, publisher: ngo, date: 2021-03-04, url: https://example.org/r}}
  - {{id: art, type: NewsArticle, title: Coverage of the election report, publisher: ngo, reliability: B}}
organizations:
  - {{id: ngo, name: Голос, kind: NGO, aliases: [Golos]}}
people:
  - {{id: iv, name: Иван Петров, affiliations: [{{organization: ngo, role: analyst, start: 2019, source: art}}]}}
claims:
  - {{id: c1, claimant: rep, appears_in: art, about: [rep, iv], text: The report says the count was altered.,
     kind: reported-speech, credibility: 3, hedged: true, confidence: 0.7, date: 2021-03-05, quote: altered}}
"""


@pytest.fixture(scope="module")
def original(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("ftm")
    generate(3000, 11, root / "data", articles=False)
    shutil.copy(SAMPLE / "case.yaml", root / "data" / "case.yaml")
    (root / "data" / "elections.yaml").write_text(OTHER_SCRIPT, encoding="utf-8")
    _build(root / "data", root / "store")
    assert main(["--store", str(root / "store"), "export", "--format", "ftm", "-o", str(root / "case.ftm.jsonl")]) == 0
    return root


def test_the_ftm_tools_read_the_export(original: Path, tmp_path: Path) -> None:
    export = original / "case.ftm.jsonl"
    lines = export.read_text("utf-8").splitlines()
    schemas = {json.loads(line)["schema"] for line in lines}
    assert {"Person", "Organization", "Article", "Event", "Membership", "Employment", "Documentation"} <= schemas
    validated = subprocess.run([FTM, "validate", "-i", export], capture_output=True, text=True, check=True)
    assert len(validated.stdout.splitlines()) == len(lines)  # every entity survives re-parsing
    subprocess.run([FTM, "export-gexf", "-i", export, "-o", tmp_path / "ftm.gexf"], check=True, capture_output=True)
    subprocess.run([FTM, "export-cypher", "-i", export, "-o", tmp_path / "ftm.cypher"], check=True,
                   capture_output=True)
    subprocess.run([FTM, "export-excel", "-i", export, "-o", tmp_path / "ftm.xlsx"], check=True, capture_output=True)
    import networkx as nx
    from openpyxl import load_workbook

    gexf = nx.read_gexf(tmp_path / "ftm.gexf")
    people = [json.loads(line) for line in lines if json.loads(line)["schema"] == "Person"]
    assert {f"entity:{p['id']}" for p in people} <= set(gexf.nodes)  # ftm names nodes entity:ID
    cypher = (tmp_path / "ftm.cypher").read_text("utf-8")
    assert cypher.count("MERGE (p {") >= len(people) and ":MEMBERSHIP" in cypher
    sheets = load_workbook(tmp_path / "ftm.xlsx", read_only=True).sheetnames
    assert {"People", "Organizations", "Events"} <= set(sheets)


def test_round_trip_gives_the_same_entities_and_relations(original: Path, tmp_path: Path) -> None:
    data = tmp_path / "again"
    data.mkdir()
    shutil.copy(original / "case.ftm.jsonl", data / "case.ftm.jsonl")
    _build(data, tmp_path / "store")
    before, after = _tables(original / "store", tmp_path / "a"), _tables(tmp_path / "store", tmp_path / "b")

    def entities(tables: dict[str, list[dict[str, str]]]) -> set[tuple[str, ...]]:
        keep = ("entity", "label", "type", "kind", "aliases", "reliability", "date", "url", "publisher", "authors")
        return {tuple(row[k] for k in keep) for row in tables["entities"]}

    assert entities(before) == entities(after)
    assert any(row["label"] == "Иван Петров" for row in after["entities"])

    def claims(tables: dict[str, list[dict[str, str]]]) -> dict[str, tuple[str, ...]]:
        keep = ("text", "quote", "kind", "claimant", "publication", "first_publication", "about", "relayed_by",
                "credibility", "hedged", "confidence", "date")
        return {row["claim"]: tuple(row[k] for k in keep) for row in tables["claims"]}

    old, new = claims(before), claims(after)
    assert sorted(old.values()) == sorted(new.values())
    by_content = {v: k for k, v in new.items()}
    rename = {iri: by_content[content] for iri, content in old.items()}  # claims of several cases get new IRIs

    def relations(tables: dict[str, list[dict[str, str]]], names: dict[str, str]) -> set[tuple[str, ...]]:
        return {(names.get(r["subject"], r["subject"]), r["relation"], names.get(r["object"], r["object"]),
                 r["role"], r["start"], r["end"], r["stated_in"]) for r in tables["relations"]}

    assert relations(before, rename) == relations(after, {})


def test_an_aleph_style_file_maps_to_people_organizations_and_affiliations(tmp_path: Path,
                                                                          capsys: pytest.CaptureFixture[str]) -> None:
    entities = [
        {"id": "a1b2", "schema": "Person", "properties": {"name": ["Marta Kowalczyk"], "alias": ["M. Kowalczyk"],
                                                            "nationality": ["pl"]}},
        {"id": "c3d4", "schema": "Company", "properties": {"name": ["Baltic Freight Sp. z o.o."],
                                                             "jurisdiction": ["pl"]}},
        {"id": "e5f6", "schema": "Directorship", "properties": {"director": ["a1b2"], "organization": ["c3d4"],
                                                                  "role": ["management board"],
                                                                  "startDate": ["2019-04-02T00:00:00"]}},
        {"id": "g7h8", "schema": "Article", "properties": {"title": ["Freight firm under scrutiny"],
                                                             "publisher": ["Gazeta Portowa"],
                                                             "publishedAt": ["2021-06-01"]}},
        {"id": "i9j0", "schema": "Address", "properties": {"full": ["ul. Portowa 1, Gdynia"]}},
    ]
    (tmp_path / "aleph.ftm.json").write_text("\n".join(json.dumps(e) for e in entities) + "\n", encoding="utf-8")
    store = str(tmp_path / "store")
    code, err = _kg(capsys, "--store", store, "ingest", str(tmp_path / "aleph.ftm.json"))
    assert code == 0, err
    assert "skipped FtM entities kg does not hold: 1 Address" in err
    rows = _tables(tmp_path / "store", tmp_path / "t")
    labels = {r["label"]: r for r in rows["entities"]}
    assert labels["Baltic Freight Sp. z o.o."]["kind"] == "Company"
    assert labels["Marta Kowalczyk"]["aliases"] == "M. Kowalczyk"
    assert "e:a1b2" in labels["Marta Kowalczyk"]["same_as"]  # the FtM id, as ftm export-rdf names it
    assert labels["Freight firm under scrutiny"]["publisher_name"] == "Gazeta Portowa"
    member = [r for r in rows["relations"] if r["relation"] == "member of"]
    assert [(r["subject_name"], r["object_name"], r["role"], r["start"]) for r in member] == [
        ("Marta Kowalczyk", "Baltic Freight Sp. z o.o.", "management board", "2019-04-02")]


@pytest.mark.parametrize(("line", "message"), [
    ('{"id": "x1", "schema": "Spaceship", "properties": {}}', "field 'schema': 'Spaceship' is not a FollowTheMoney"),
    ('{"id": "x1", "schema": "Person", "properties": {"name": ["A"], "warpSpeed": ["9"]}}',
     "field 'properties.warpSpeed': Person has no such property"),
    ('{"id": "x1", "schema": "Person", "properties": {"name": "A"}}', "field 'properties.name' must be a list"),
    ('{"schema": "Person", "properties": {"name": ["A"]}}', "field 'id' is required"),
    ('{"id": "x1", "schema": "Person", ', "malformed JSON"),
])
def test_bad_ftm_is_one_line_and_changes_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str], line: str,
                                                 message: str) -> None:
    store = tmp_path / "store"
    assert _kg(capsys, "--store", str(store), "ingest", str(SAMPLE / "case.yaml"))[0] == 0
    before = dump_store(store)
    good = json.dumps({"id": "p1", "schema": "Person", "properties": {"name": ["Good Person"]}})
    (tmp_path / "bad.ftm.jsonl").write_text(f"{good}\n{line}\n", encoding="utf-8")
    code, err = _kg(capsys, "--store", str(store), "ingest", str(tmp_path / "bad.ftm.jsonl"))
    assert code == 2
    error = [e for e in err.splitlines() if e.startswith("kg: error:")]
    assert len(error) == 1 and "bad.ftm.jsonl:2: " in error[0] and message in error[0], err
    assert dump_store(store) == before


MAPPING = """\
case: {id: registry, title: Company registry extract}
tables:
  - file: people.csv
    kind: person
    id: Person no.
    fields:
      name: {template: "{First name} {Surname}"}
      aliases: {column: Also known as, split: ";"}
      reliability: {value: B}
  - file: companies.csv
    kind: organization
    id: Reg. number
    fields:
      name: Company
      kind: {value: Company}
  - file: boards.csv
    kind: affiliation
    fields:
      person: Person no.
      organization: Company reg.
      role: Position
      start: Since
"""


def _registry(folder: Path, mapping: str = MAPPING) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "registry.mapping.yaml").write_text(mapping, encoding="utf-8")
    (folder / "people.csv").write_text("Person no.,First name,Surname,Also known as\r\n"
                                       "17,Ana,Petrović,Ana P.;A. Petrovic\r\n18,Jonas,Berg,\r\n", encoding="utf-8")
    (folder / "companies.csv").write_text("Reg. number,Company\n0042,\"Nordhavn Holding, A/S\"\n", encoding="utf-8")
    (folder / "boards.csv").write_text("Person no.,Company reg.,Position,Since\n17,0042,chair,2018-05\n"
                                       "18,0042,director,\n", encoding="utf-8")
    return folder


def test_csv_tables_with_a_mapping_build_as_one_source(tmp_path: Path) -> None:
    data = _registry(tmp_path / "data")
    _build(data, tmp_path / "store")
    with KgStore.open_read_only(tmp_path / "store") as store:
        assert [s.name for s in store.sources()] == ["registry.mapping.yaml"]  # the tables are not sources
    rows = _tables(tmp_path / "store", tmp_path / "t")
    people = {r["label"]: r for r in rows["entities"] if r["type"] == "Person"}
    assert set(people) == {"Ana Petrović", "Jonas Berg"}
    assert people["Ana Petrović"]["aliases"] == "A. Petrovic|Ana P." and people["Ana Petrović"]["reliability"] == "B"
    board = sorted((r["subject_name"], r["role"], r["start"])
                   for r in rows["relations"] if r["relation"] == "member of")
    assert board == [("Ana Petrović", "chair", "2018-05"), ("Jonas Berg", "director", "")]
    # an edited table changes the source: the next build replaces it
    with (data / "people.csv").open("a", encoding="utf-8") as handle:
        handle.write("19,Lea,Holm,\n")
    with KgStore.open(tmp_path / "store") as store:
        report = pipeline.build(store, data)
    assert [o.status for o in report.outcomes] == ["replaced"]


@pytest.mark.parametrize(("change", "where", "message"), [
    (("name: {template: \"{First name} {Surname}\"}", "name: Full name"), "registry.mapping.yaml:3: tables[0]",
     "field 'name': column 'Full name' is not in people.csv (its columns: Person no., First name, Surname"),
    (("    id: Reg. number", "    id: Registration"), "registry.mapping.yaml:10: tables[1]",
     "'id': column 'Registration' is not in companies.csv"),
    (("      role: Position", "      rank: Position"), "registry.mapping.yaml:16: tables[2]",
     "field 'rank': a affiliation has no such field"),
    (("  - file: boards.csv", "  - file: board.csv"), "registry.mapping.yaml:16: tables[2]",
     "table 'board.csv' not found"),
    (("kind: {value: Company}", "kind: {value: Conglomerate}"), "companies.csv:2: organizations[0]",
     "field 'kind' 'Conglomerate' is not an organization kind"),
])
def test_bad_mapping_is_one_line_and_changes_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                     change: tuple[str, str], where: str, message: str) -> None:
    store = tmp_path / "store"
    assert _kg(capsys, "--store", str(store), "ingest", str(SAMPLE / "case.yaml"))[0] == 0
    before = dump_store(store)
    assert change[0] in MAPPING
    data = _registry(tmp_path / "data", MAPPING.replace(*change))
    code, err = _kg(capsys, "--store", str(store), "ingest", str(data / "registry.mapping.yaml"))
    assert code == 2
    error = [e for e in err.splitlines() if e.startswith("kg: error:")]
    assert len(error) == 1 and where in error[0] and message in error[0], err
    assert dump_store(store) == before


def test_a_row_referring_to_no_row_names_the_table_line_and_field(tmp_path: Path,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    data = _registry(tmp_path / "data")
    (data / "boards.csv").write_text("Person no.,Company reg.,Position,Since\n17,0043,chair,\n", encoding="utf-8")
    code, err = _kg(capsys, "--store", str(tmp_path / "store"), "ingest", str(data / "registry.mapping.yaml"))
    assert code == 2
    assert "boards.csv:2: field 'organization': no organization row has id '0043'" in err


def test_one_denormalised_table_read_three_ways(tmp_path: Path) -> None:
    """A spreadsheet with one row per membership: the same file is the people, the groups and the
    memberships; rows that repeat an id are one record."""
    data = tmp_path / "data"
    data.mkdir()
    (data / "members.csv").write_text(
        "member_id,name,group_code,group,role\n1,Ilse Vaart,G7,Water board,chair\n2,Oskar Lind,G7,Water board,member\n"
        "1,Ilse Vaart,G9,Harbour council,member\n", encoding="utf-8")
    (data / "members.mapping.yaml").write_text("""tables:
  - {file: members.csv, kind: person, id: member_id, fields: {name: name}}
  - {file: members.csv, kind: organization, id: group_code, fields: {name: group, kind: {value: GovernmentAgency}}}
  - {file: members.csv, kind: affiliation, fields: {person: member_id, organization: group_code, role: role}}
""", encoding="utf-8")
    _build(data, tmp_path / "store")
    rows = _tables(tmp_path / "store", tmp_path / "t")
    assert sorted(r["label"] for r in rows["entities"]) == ["Harbour council", "Ilse Vaart", "Oskar Lind",
                                                             "Water board"]
    assert sorted((r["subject_name"], r["object_name"], r["role"]) for r in rows["relations"]) == [
        ("Ilse Vaart", "Harbour council", "member"), ("Ilse Vaart", "Water board", "chair"),
        ("Oskar Lind", "Water board", "member")]


def test_what_ftm_map_csv_writes_is_a_source(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """FtM's own mapping tool makes the entities (hashed ids, fragments aggregated, datasets and
    referents keys), as an Aleph or OpenSanctions pipeline would."""
    (tmp_path / "board.csv").write_text("id,name,company,reg,role\n1,Rita Ameln,Fjord Shipping AS,NO-991,CEO\n"
                                        "2,Per Holt,Fjord Shipping AS,NO-991,board member\n", encoding="utf-8")
    (tmp_path / "board.yml").write_text("""board:
  queries:
    - entities:
        person: {schema: Person, keys: [id], properties: {name: {column: name}}}
        company: {schema: Company, keys: [reg], properties: {name: {column: company},
                                                             registrationNumber: {column: reg}}}
        seat: {schema: Directorship, keys: [id, reg], properties: {director: {entity: person},
                                                                   organization: {entity: company},
                                                                   role: {column: role}}}
""", encoding="utf-8")
    with (tmp_path / "board.csv").open("rb") as rows:
        fragments = subprocess.run([FTM, "map-csv", tmp_path / "board.yml"], stdin=rows, capture_output=True,
                                   check=True).stdout
    aggregated = subprocess.run([FTM, "aggregate"], input=fragments, capture_output=True, check=True).stdout
    (tmp_path / "board.ftm.jsonl").write_bytes(aggregated)
    code, err = _kg(capsys, "--store", str(tmp_path / "store"), "ingest", str(tmp_path / "board.ftm.jsonl"))
    assert code == 0, err
    rows = _tables(tmp_path / "store", tmp_path / "t")
    assert {r["label"]: r["kind"] for r in rows["entities"]} == {"Rita Ameln": "", "Per Holt": "",
                                                                "Fjord Shipping AS": "Company"}
    assert sorted((r["subject_name"], r["role"]) for r in rows["relations"]) == [("Per Holt", "board member"),
                                                                                 ("Rita Ameln", "CEO")]
