"""One case folder mixing PDF, Word, OpenDocument, e-mail, a web page and plain text: `kg build`
reads them all, PDF evidence keeps its page, the store passes its shapes, bad documents fail alone."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
from documents_support import make_docx, make_eml, make_pdf, odt_bytes, real_texts

from kg.ingest.article import read_article
from kg.ingest.document import page_of

from conftest import run_kg

TEXTS = {t.name: t for t in real_texts()}

PAGES = """
PREFIX oa: <http://www.w3.org/ns/oa#>
PREFIX kg: <https://w3id.org/kg/ns#>
SELECT ?claim ?exact ?start ?page ?value WHERE {
  ?claim kg:hasEvidence/oa:hasTarget ?target .
  ?target oa:hasSelector ?quote, ?position, ?fragment .
  ?quote a oa:TextQuoteSelector ; oa:exact ?exact .
  ?position a oa:TextPositionSelector ; oa:start ?start .
  ?fragment a oa:FragmentSelector ; kg:page ?page ; <http://www.w3.org/1999/02/22-rdf-syntax-ns#value> ?value .
}"""


def test_a_mixed_folder_builds_offline_with_pages_on_pdf_evidence(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    toner, mdc, eu = (TEXTS[n] for n in ("gov_humanrights_toner_iran_report", "voa_zimbabwe_mdc_threat",
                                         "eu_juncker_council"))
    make_pdf(data / "report.pdf", toner.title, toner.paragraphs, author="State Department", date="2011-10-19",
             header="Press statement | Public record")
    make_docx(data / "memo.docx", mdc.title, mdc.paragraphs, author="Desk Editor")
    (data / "brief.odt").write_bytes(odt_bytes(eu.title, eu.paragraphs, "Desk Editor"))
    make_eml(data / "tip.eml", "Forwarded statement", "Source <s@example.org>", "\n\n".join(mdc.paragraphs[:1]),
             attachments=(("statement.pdf", "application/pdf", (data / "report.pdf").read_bytes()),))
    (data / "page.html").write_text(f"<html><body><article><h1>{eu.title}</h1>"
                                    + "".join(f"<p>{p}</p>" for p in eu.paragraphs) + "</article></body></html>")
    (data / "wire.txt").write_text(mdc.title + "\n\n" + "\n\n".join(mdc.paragraphs) + "\n")
    (data / "locked.pdf").write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\nnot a pdf at all\n")
    store, out = tmp_path / "store", tmp_path / "outputs"
    result = run_kg("--store", str(store), "build", str(data), "-o", str(out))
    assert result.returncode == 2  # the broken PDF, alone
    assert [line for line in result.stderr.splitlines() if line.startswith("kg: error:")] == [
        f"kg: error: {data / 'locked.pdf'}: not a readable PDF (Failed to load document (PDFium: Data format "
        "error).)"]
    for name in ("brief.odt", "memo.docx", "page.html", "report.pdf", "tip.eml", "tip.eml/statement.pdf", "wire.txt"):
        assert f"added  {name}  (" in result.stdout
    assert run_kg("--store", str(store), "validate").returncode == 0
    graph = ox.Store()
    graph.load(path=str(out / "graph.trig"), format=ox.RdfFormat.TRIG)
    rows = list(graph.query(PAGES, use_default_graph_as_union=True))
    article = read_article(data / "report.pdf")
    assert article.page_starts is not None
    assert rows and {int(r["page"].value) for r in rows} <= {1, 2, 3}
    for row in rows:
        start = int(row["start"].value)
        assert article.text[start:start + len(row["exact"].value)] == row["exact"].value
        assert int(row["page"].value) == page_of(article.page_starts, start)
        assert row["value"].value == f"page={row['page'].value}"


def test_kg_extract_and_kg_ingest_read_each_document_type(tmp_path: Path) -> None:
    toner, mdc = TEXTS["gov_humanrights_toner_iran_report"], TEXTS["voa_zimbabwe_mdc_threat"]
    docs = tmp_path / "docs"
    docs.mkdir()
    make_pdf(docs / "report.pdf", toner.title, toner.paragraphs, header="Public record")
    make_docx(docs / "memo.docx", mdc.title, mdc.paragraphs)
    (docs / "note.odt").write_bytes(odt_bytes(mdc.title, mdc.paragraphs))
    make_eml(docs / "tip.eml", mdc.title, "Desk <desk@example.org>", "\n\n".join(mdc.paragraphs),
             attachments=(("memo.docx", "application/octet-stream", (docs / "memo.docx").read_bytes()),))
    out = tmp_path / "extracted"
    out.mkdir()
    result = run_kg("extract", str(docs), "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in out.iterdir()) == ["memo.case.yaml", "note.case.yaml", "report.case.yaml",
                                                      "tip.case.yaml"]
    assert "    page: " in (out / "report.case.yaml").read_text(encoding="utf-8")
    assert "Nelson Chamisa" in (out / "tip.case.yaml").read_text(encoding="utf-8")
    assert f"kg: warning: {docs / 'tip.eml'}: attachment memo.docx is not extracted here" in result.stderr
    ingested = run_kg("--store", str(tmp_path / "store"), "ingest", str(docs), "--root", str(docs))
    assert ingested.returncode == 0, ingested.stderr
    assert [line.split()[:2] for line in ingested.stdout.splitlines()[:5]] == [
        ["added", "memo.docx"], ["added", "note.odt"], ["added", "report.pdf"], ["added", "tip.eml"],
        ["added", "tip.eml/memo.docx"]]
    retracted = run_kg("--store", str(tmp_path / "store"), "retract", "tip.eml")
    assert retracted.stdout.splitlines()[1].startswith("retracted tip.eml/memo.docx (")
