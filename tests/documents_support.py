"""Documents made at test time: PDFs laid out like reports (running heads, page numbers, words
hyphenated at line ends, two columns, footnotes), scans of them, Word, OpenDocument and e-mail.

The text is real: openly licensed articles under tests/data/documents/ (source and licence in
its README). Each maker returns where every paragraph landed, so tests can check page numbers.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import os
import socket
import threading
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path

import yaml

DATA = Path(__file__).parent / "data" / "documents"


@dataclass
class RealText:
    name: str
    title: str
    paragraphs: list[str]
    url: str
    licence: str


def real_texts() -> list[RealText]:
    listed = yaml.safe_load((DATA / "sources.yaml").read_text(encoding="utf-8"))
    texts = []
    for entry in listed:
        body = (DATA / entry["file"]).read_text(encoding="utf-8")
        paragraphs = [" ".join(p.split()) for p in body.split("\n\n") if p.strip()]
        texts.append(RealText(Path(entry["file"]).stem, entry["title"], paragraphs, entry["url"], entry["licence"]))
    return texts


@dataclass
class Placed:
    pages: int = 0
    page_of_paragraph: list[int] = field(default_factory=list)
    hyphenated: list[str] = field(default_factory=list)  # words split across a line end


def make_pdf(path: Path, title: str, paragraphs: list[str], *, author: str | None = None,
             date: str | None = None, metadata: bool = True, header: str | None = None, page_numbers: bool = True,
             columns: int = 1, footnote: str | None = None, page_size: tuple[float, float] = (300.0, 420.0),
             body_size: float = 10.0, encrypt: str | None = None) -> Placed:
    """A PDF drawn line by line with reportlab: a title in large type on page 1, justified-width
    lines that break words with a hyphen when a long word does not fit, a running header and a
    "Page N of M" footer on every page, optionally two columns and a footnote on page 1."""
    from reportlab.pdfbase.pdfmetrics import stringWidth
    from reportlab.pdfgen import canvas

    width, height = page_size
    margin, gutter, leading = 40.0, 18.0, body_size * 1.3
    column_width = (width - 2 * margin - gutter * (columns - 1)) / columns
    placed = Placed()
    title_lines = _wrap(title, width - 2 * margin, 16, stringWidth, "Helvetica-Bold")
    lines: list[tuple[str, int]] = []  # (line, paragraph index); "" marks a paragraph gap
    for index, paragraph in enumerate(paragraphs):
        current = ""
        for word in paragraph.split():
            trial = f"{current} {word}" if current else word
            if stringWidth(trial, "Helvetica", body_size) <= column_width:
                current = trial
                continue
            head, tail = _hyphenate(current, word, column_width, body_size, stringWidth)
            if head:
                placed.hyphenated.append(word)
                lines.append((f"{current} {head}-".strip(), index))
                current = tail
            else:
                lines.append((current, index))
                current = word
        lines.append((current, index))
        lines.append(("", index))
    # lay the lines out in columns and pages
    pages: list[list[tuple[float, float, str]]] = [[]]
    top = height - margin - 20 - (len(title_lines) + 0.8) * 20  # below the header and the title on page 1
    bottom = margin + 30 + (30 if footnote else 0)
    column, y = 0, top
    for text, index in lines:
        if y < bottom:
            column += 1
            if column == columns:
                pages.append([])
                column = 0
            y = height - margin - 20
            if not text:
                continue
        if text:
            pages[-1].append((margin + column * (column_width + gutter), y, text))
            if len(placed.page_of_paragraph) <= index:
                placed.page_of_paragraph.append(len(pages))
        y -= leading if text else leading * 0.8
    placed.pages = len(pages)
    epoch = dt.datetime.fromisoformat(date or "2000-01-01").replace(tzinfo=dt.UTC).timestamp()
    with _source_date(int(epoch)):  # reportlab stamps the creation date from SOURCE_DATE_EPOCH
        pdf = canvas.Canvas(str(path), pagesize=page_size, encrypt=encrypt, invariant=True)
    if metadata:
        pdf.setTitle(title)
        if author:
            pdf.setAuthor(author)
    for number, drawn in enumerate(pages, 1):
        if header:
            pdf.setFont("Helvetica", 8)
            pdf.drawString(margin, height - margin + 8, header)
        if number == 1:
            pdf.setFont("Helvetica-Bold", 16)
            for row, part in enumerate(title_lines):
                pdf.drawString(margin, height - margin - 20 - row * 20, part)
            if footnote:
                pdf.setFont("Helvetica", 7)
                pdf.drawString(margin, margin + 30, footnote)
        pdf.setFont("Helvetica", body_size)
        for x, y_pos, text in drawn:
            pdf.drawString(x, y_pos, text)
        if page_numbers:
            pdf.setFont("Helvetica", 8)
            pdf.drawCentredString(width / 2, margin - 10, f"Page {number} of {len(pages)}")
        pdf.showPage()
    pdf.save()
    return placed


@contextlib.contextmanager
def _source_date(epoch: int) -> Iterator[None]:
    old = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = str(epoch)
    try:
        yield
    finally:
        if old is None:
            del os.environ["SOURCE_DATE_EPOCH"]
        else:
            os.environ["SOURCE_DATE_EPOCH"] = old


def _wrap(text: str, width: float, size: float, measure: object, font: str) -> list[str]:
    lines, current = [], ""
    for word in text.split():
        trial = f"{current} {word}".strip()
        if current and measure(trial, font, size) > width:  # type: ignore[operator]
            lines.append(current)
            current = word
        else:
            current = trial
    return [*lines, current] if current else lines


def _hyphenate(current: str, word: str, width: float, size: float, measure: object) -> tuple[str, str]:
    """Split a long word so its head fits on the line: ("gov", "ernment"), or ("", word)."""
    letters = word.rstrip(".,;:!?\"'\u201d\u2019)")
    if len(letters) < 8 or not letters.isalpha() or not letters.islower():
        return "", word
    for cut in range(len(letters) - 3, 3, -1):
        head = letters[:cut]
        trial = f"{current} {head}-".strip()
        if measure(trial, "Helvetica", size) <= width:  # type: ignore[operator]
            return head, word[cut:]
    return "", word


def make_scan(path: Path, text_pdf: Path, dpi: int = 150) -> None:
    """An image-only PDF: every page of ``text_pdf`` rendered to a picture (what a scanner gives)."""
    import pypdfium2 as pdfium
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    source = pdfium.PdfDocument(str(text_pdf))
    first = source[0]
    out = canvas.Canvas(str(path), pagesize=first.get_size(), invariant=True)
    for index in range(len(source)):
        page = source[index]
        width, height = page.get_size()
        image = page.render(scale=dpi / 72, grayscale=True).to_pil()
        out.setPageSize((width, height))
        out.drawImage(ImageReader(image), 0, 0, width, height)
        out.showPage()
    out.save()


def make_docx(path: Path, title: str, paragraphs: list[str], *, author: str | None = None,
              table: list[list[str]] | None = None, header: str | None = None) -> None:
    import docx

    document = docx.Document()
    document.add_paragraph(title, style="Title")
    for paragraph in paragraphs:
        document.add_paragraph(paragraph)
    if table:
        grid = document.add_table(rows=len(table), cols=len(table[0]))
        for r, row in enumerate(table):
            for c, cell in enumerate(row):
                grid.cell(r, c).text = cell
    if header:
        document.sections[0].header.paragraphs[0].text = header
        document.sections[0].footer.paragraphs[0].text = header
    document.core_properties.title = title
    if author:
        document.core_properties.author = author
    document.core_properties.created = dt.datetime(2019, 3, 14, 9, 30)
    document.save(str(path))


_ODT_CONTENT = """<?xml version="1.0" encoding="UTF-8"?>
<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
 xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.3">
<office:body><office:text>{body}</office:text></office:body></office:document-content>"""
_ODT_META = """<?xml version="1.0" encoding="UTF-8"?>
<office:document-meta xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
 xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0">
<office:meta><dc:title>{title}</dc:title><dc:creator>{author}</dc:creator>
<meta:creation-date>2018-06-01T10:00:00</meta:creation-date></office:meta></office:document-meta>"""


def odt_bytes(title: str, paragraphs: list[str], author: str = "", content: str | None = None) -> bytes:
    from xml.sax.saxutils import escape

    body = f'<text:h text:outline-level="1">{escape(title)}</text:h>' + "".join(
        f"<text:p>{escape(p)}</text:p>" for p in paragraphs)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.text")
        archive.writestr("content.xml", content if content is not None else _ODT_CONTENT.format(body=body))
        archive.writestr("meta.xml", _ODT_META.format(title=escape(title), author=escape(author)))
    return buffer.getvalue()


def make_eml(path: Path | None, subject: str, sender: str, body: str, *, html: str | None = None,
             attachments: tuple[tuple[str, str, bytes], ...] = (), date: str = "2019-03-14") -> bytes:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = "desk@newsroom.example"
    message["Subject"] = subject
    message["Date"] = format_datetime(dt.datetime.fromisoformat(date + "T08:15:00+00:00"))
    message.set_content(body)
    if html:
        message.add_alternative(html, subtype="html")
    for name, mime, data in attachments:
        maintype, subtype = mime.split("/")
        message.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)
    raw = message.as_bytes()
    if path is not None:
        path.write_bytes(raw)
    return raw


class Listener:
    """A loopback TCP server that only counts who connects: a document that makes kg fetch anything
    (a link, an image, an external entity, a script) shows up in ``connections``."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.1)
        self.port: int = self.sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.connections = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.connections += 1
            conn.close()

    def close(self) -> None:
        self._stop.set()
        self._thread.join()
        self.sock.close()


def raw_pdf(objects: list[bytes], root: int = 1) -> bytes:
    """A PDF written object by object, with a correct cross-reference table (for hostile PDFs that
    reportlab will not make: JavaScript actions, embedded files, decompression bombs)."""
    out = bytearray(b"%PDF-1.7\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, root, xref)
    return bytes(out)


def text_page_pdf(text: str, extra_catalog: bytes = b"", extra_objects: list[bytes] = ()) -> bytes:  # type: ignore[assignment]
    """One page showing ``text`` in Helvetica; ``extra_catalog`` goes into the document catalog."""
    stream = b"BT /F1 12 Tf 72 720 Td (" + text.encode("latin-1") + b") Tj ET"
    objects = [b"<< /Type /Catalog /Pages 2 0 R " + extra_catalog + b" >>",
               b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
               b"/Resources << /Font << /F1 5 0 R >> >> >>",
               b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
               b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>", *extra_objects]
    return raw_pdf(objects)


def flate_bomb_pdf(megabytes: int) -> bytes:
    """A one-page PDF whose content stream inflates to ``megabytes`` MiB of spaces."""
    import zlib

    packer = zlib.compressobj(9)
    chunk = b" " * (1 << 20)
    packed = b"".join(packer.compress(chunk) for _ in range(megabytes)) + packer.flush()
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>",
               b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(packed) + packed + b"\nendstream"]
    return raw_pdf(objects)
