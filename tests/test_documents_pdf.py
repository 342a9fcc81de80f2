"""PDFs: text without running heads, page numbers or line-end hyphens, a page map that evidence
keeps, metadata or layout titles, OCR of scans, and hostile PDFs refused with one line each.

The PDFs are made here with reportlab from real, openly licensed articles (tests/data/documents).
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import pytest
from documents_support import Listener, make_pdf, make_scan, real_texts, text_page_pdf

from kg.errors import InputError
from kg.ingest.article import read_article
from kg.ingest.document import page_of

TEXTS = {t.name: t for t in real_texts()}
TONER = TEXTS["gov_humanrights_toner_iran_report"]


def words(text: str) -> list[str]:
    return text.split()


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, object]:
    path = tmp_path_factory.mktemp("pdf") / "report.pdf"
    placed = make_pdf(path, TONER.title, TONER.paragraphs, author="Desk Editor", date="2011-10-19",
                      header="Deputy Spokesperson Toner | Public record")
    return path, placed


def test_pdf_text_is_the_article_without_running_heads_page_numbers_or_hyphens(report: tuple[Path, object]) -> None:
    path, placed = report
    article = read_article(path)
    assert placed.pages == 3 and len(placed.hyphenated) >= 3  # the layout did break words at line ends
    assert words(article.text) == words(TONER.title + " " + " ".join(TONER.paragraphs))
    assert article.text.split("\n\n")[1:] == TONER.paragraphs  # paragraphs found again, title apart
    assert (article.meta.title, article.meta.author, article.meta.date) == (TONER.title, ["Desk Editor"],
                                                                             "2011-10-19")
    assert article.media_type == "application/pdf"


def test_every_offset_maps_to_the_page_it_was_printed_on(report: tuple[Path, object]) -> None:
    path, placed = report
    article = read_article(path)
    assert article.page_starts is not None and len(article.page_starts) == placed.pages
    for paragraph, page in zip(TONER.paragraphs, placed.page_of_paragraph, strict=True):
        assert page_of(article.page_starts, article.text.index(paragraph[:40])) == page


def test_two_columns_without_metadata_title_from_the_largest_type(tmp_path: Path) -> None:
    text = TEXTS["voa_zimbabwe_mdc_threat"]
    path = tmp_path / "columns.pdf"
    make_pdf(path, text.title, text.paragraphs, metadata=False, columns=2, header="Archive copy",
             footnote="* Reproduced from the public record.")
    article = read_article(path)
    assert article.meta.title == text.title
    flat = " ".join(article.text.split())
    for paragraph in text.paragraphs:  # each column's lines joined back in reading order
        assert paragraph in flat
    assert "Archive copy" not in article.text and "Page 1" not in article.text
    assert "* Reproduced from the public record." in article.text.split("\n\n")  # a footnote is its own paragraph


def test_a_scan_is_read_by_tesseract(tmp_path: Path) -> None:
    text = TEXTS["eu_juncker_council"]
    printed = tmp_path / "printed.pdf"
    make_pdf(printed, text.title, text.paragraphs[:1], page_size=(420.0, 595.0))
    scan = tmp_path / "scan.pdf"
    make_scan(scan, printed)
    article = read_article(scan)
    expected = set(words(text.paragraphs[0]))
    found = set(words(article.text))
    assert len(expected & found) / len(expected) > 0.9
    assert article.warnings == ["text read by OCR (Tesseract) from page images; check quotes against the original"]


def test_a_scan_without_tesseract_says_how_to_enable_ocr(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    printed, scan = tmp_path / "printed.pdf", tmp_path / "scan.pdf"
    make_pdf(printed, "Notice", ["The board met on Monday and said nothing."])
    make_scan(scan, printed, dpi=72)
    monkeypatch.setenv("PATH", str(Path(sys.executable).parent))  # the venv: no tesseract there
    with pytest.raises(InputError) as caught:
        read_article(scan)
    assert str(caught.value) == (f"{scan}: the PDF has no text layer (a scan?); install Tesseract OCR to read it "
                                 "(Debian/Ubuntu: apt-get install tesseract-ocr tesseract-ocr-eng)")


def test_javascript_never_runs_and_embedded_files_are_not_read(tmp_path: Path) -> None:
    listener = Listener()
    try:
        action = (b"<< /S /JavaScript /JS (app.launchURL(\"" + listener.url.encode() + b"/js\", true); "
                  b"this.submitForm(\"" + listener.url.encode() + b"/form\");) >>")
        pdf = text_page_pdf("The board approved the budget.", b"/OpenAction 6 0 R /Names << /EmbeddedFiles "
                            b"<< /Names [(secret.txt) 7 0 R] >> >>",
                            [action, b"<< /Type /Filespec /F (secret.txt) /EF << /F 8 0 R >> >>",
                             b"<< /Type /EmbeddedFile /Length 13 >>\nstream\nTOP SECRET 42\nendstream"])
        path = tmp_path / "active.pdf"
        path.write_bytes(pdf)
        article = read_article(path)
        time.sleep(0.3)
        assert article.text == "The board approved the budget."
        assert article.warnings == ["the PDF carries 1 embedded file(s); they were not read"]
        assert listener.connections == 0
    finally:
        listener.close()


def _tesseracts() -> int:
    """Running (not zombie) tesseract processes, after giving killed ones a moment to go."""
    count = 0
    for _ in range(20):
        count = 0
        for entry in Path("/proc").iterdir():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)
                count += "(tesseract" in fields[0] and fields[1].split()[0] != "Z"
            except (OSError, IndexError):
                continue
        if not count:
            break
        time.sleep(0.1)
    return count


def test_the_worker_is_killed_at_its_time_limit_tesseract_too(tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    printed, scan = tmp_path / "printed.pdf", tmp_path / "scan.pdf"
    text = TEXTS["gov_humanrights_toner_iran_report"]
    make_pdf(printed, text.title, text.paragraphs * 3)
    make_scan(scan, printed)
    monkeypatch.setenv("KG_PDF_TIMEOUT", "1")
    before = _tesseracts()
    with pytest.raises(InputError) as caught:
        read_article(scan)
    assert str(caught.value) == (f"{scan}: reading this PDF took longer than the 1-second limit per document "
                                 "(KG_PDF_TIMEOUT); it was stopped")
    assert _tesseracts() <= before


@pytest.mark.parametrize(("name", "make", "env", "message"), [
    ("locked.pdf", "encrypted", {}, "the PDF is encrypted with a password; save an unprotected copy to read it"),
    ("cut.pdf", "truncated", {}, None),
    ("junk.pdf", "junk", {}, None),
    ("long.pdf", "report", {"KG_PDF_MAX_PAGES": "2"}, "the PDF has 3 pages, over the 2-page limit (KG_PDF_MAX_PAGES)"),
    ("bomb.pdf", "bomb", {"KG_PDF_MEMORY_MB": "200"},
     "reading this PDF needed more than the 200 MiB memory limit (KG_PDF_MEMORY_MB); it was stopped"),
])
def test_bad_pdfs_are_refused_with_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, make: str,
                                           env: dict[str, str], message: str | None) -> None:
    from documents_support import flate_bomb_pdf

    path = tmp_path / name
    if make == "encrypted":
        make_pdf(path, TONER.title, TONER.paragraphs[:1], encrypt="secret")
    elif make in ("truncated", "report"):
        make_pdf(path, TONER.title, TONER.paragraphs)
        if make == "truncated":
            path.write_bytes(path.read_bytes()[:2000])
    elif make == "junk":
        path.write_bytes(b"%PDF-1.7\n" + os.urandom(3000))
    else:
        path.write_bytes(flate_bomb_pdf(400))
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    with pytest.raises(InputError) as caught:
        read_article(path)
    text = str(caught.value)
    assert "\n" not in text and text.startswith(f"{path}: ")
    if message is not None:
        assert text == f"{path}: {message}"
    else:
        assert text.startswith(f"{path}: not a readable PDF (")
