"""Word and OpenDocument files: text, tables and metadata; zip bombs, entity bombs and external
entities refused before any XML is parsed (and nothing fetched)."""

from __future__ import annotations

import io
import time
import zipfile
from pathlib import Path

import pytest
from documents_support import Listener, make_docx, odt_bytes, real_texts

from kg.errors import InputError
from kg.ingest.article import read_article

TEXT = {t.name: t for t in real_texts()}["voa_zimbabwe_mdc_threat"]


def test_docx_gives_the_body_tables_and_properties_not_headers(tmp_path: Path) -> None:
    path = tmp_path / "memo.docx"
    make_docx(path, TEXT.title, TEXT.paragraphs, author="Desk Editor", header="Confidential draft",
              table=[["Name", "Role"], ["Nelson Chamisa", "spokesman"]])
    article = read_article(path)
    assert article.text.split("\n\n") == [TEXT.title, *TEXT.paragraphs, "Name | Role", "Nelson Chamisa | spokesman"]
    assert (article.meta.title, article.meta.author, article.meta.date) == (TEXT.title, ["Desk Editor"], "2019-03-14")
    assert "Confidential" not in article.text


def test_odt_gives_headings_paragraphs_and_meta(tmp_path: Path) -> None:
    path = tmp_path / "note.odt"
    path.write_bytes(odt_bytes(TEXT.title, TEXT.paragraphs, "Desk Editor"))
    article = read_article(path)
    assert article.text.split("\n\n") == [TEXT.title, *TEXT.paragraphs]
    assert (article.meta.title, article.meta.author, article.meta.date) == (TEXT.title, ["Desk Editor"], "2018-06-01")


def _docx_with(tmp_path: Path, part: str, body: bytes, name: str = "trap.docx") -> Path:
    """A real .docx with one part replaced."""
    good = tmp_path / "good.docx"
    make_docx(good, "Title", ["Body."])
    out = io.BytesIO()
    with zipfile.ZipFile(good) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info.filename, body if info.filename == part else source.read(info.filename))
    path = tmp_path / name
    path.write_bytes(out.getvalue())
    return path


LAUGHS = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
          + b"".join(b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10)
                     for i in range(1, 10))
          + b']><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p>'
          b"<w:r><w:t>&lol9;</w:t></w:r></w:p></w:body></w:document>")


def test_a_billion_laughs_part_is_refused(tmp_path: Path) -> None:
    path = _docx_with(tmp_path, "word/document.xml", LAUGHS)
    with pytest.raises(InputError) as caught:
        read_article(path)
    assert str(caught.value) == (f"{path}: part 'word/document.xml' of the Word document has a <!DOCTYPE> "
                                 "declaration; refused (entity expansion and external entities are never processed)")


@pytest.mark.parametrize("container", ["docx", "odt"])
def test_external_entities_naming_a_file_and_a_loopback_url_fetch_nothing(tmp_path: Path, container: str) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP SECRET 42")
    listener = Listener()
    try:
        xxe = (f'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY f SYSTEM "file://{secret}">'
               f'<!ENTITY u SYSTEM "{listener.url}/xxe">]>').encode()
        if container == "docx":
            part = xxe + (b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
                          b"<w:body><w:p><w:r><w:t>&f;&u;</w:t></w:r></w:p></w:body></w:document>")
            path = _docx_with(tmp_path, "word/document.xml", part)
        else:
            content = xxe.decode() + ('<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:'
                                      'office:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0">'
                                      "<office:body><office:text><text:p>&f;&u;</text:p></office:text></office:body>"
                                      "</office:document-content>")
            path = tmp_path / "trap.odt"
            path.write_bytes(odt_bytes("T", [], content=content))
        with pytest.raises(InputError) as caught:
            read_article(path)
        time.sleep(0.2)
        assert "<!DOCTYPE> declaration; refused" in str(caught.value)
        assert "TOP SECRET" not in str(caught.value)
        assert listener.connections == 0
    finally:
        listener.close()


def test_a_zip_bomb_is_refused_by_ratio_and_by_total_size(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    padding = b"<w:t>" + b" " * (50 * 1024 * 1024) + b"</w:t>"
    bomb = _docx_with(tmp_path, "word/styles.xml", padding, "bomb.docx")
    assert bomb.stat().st_size < 200_000
    with pytest.raises(InputError) as caught:
        read_article(bomb)
    assert str(caught.value) == (f"{bomb}: part 'word/styles.xml' of the Word document is compressed more than "
                                 "100:1 (KG_ZIP_MAX_RATIO); refused as a possible zip bomb")
    monkeypatch.setenv("KG_ZIP_MAX_BYTES", "20000")
    plain = tmp_path / "plain.docx"
    make_docx(plain, TEXT.title, TEXT.paragraphs)
    with pytest.raises(InputError) as caught:
        read_article(plain)
    assert str(caught.value) == (f"{plain}: the Word document unpacks to more than 20,000 bytes (KG_ZIP_MAX_BYTES); "
                                 "refused as a possible zip bomb")


def test_a_zip_of_more_parts_than_the_limit_is_refused_before_any_is_read(tmp_path: Path) -> None:
    from kg.ingest.zipsafe import MAX_MEMBERS

    many = tmp_path / "many.docx"
    make_docx(many, TEXT.title, TEXT.paragraphs)
    with zipfile.ZipFile(many, "a") as archive:
        for i in range(MAX_MEMBERS):
            archive.writestr(f"padding/part{i}.xml", b"")
    with pytest.raises(InputError) as caught:
        read_article(many)
    assert str(caught.value) == (f"{many}: the Word document holds {len(zipfile.ZipFile(many).infolist()):,} parts, "
                                 f"over the limit of {MAX_MEMBERS:,}")


@pytest.mark.parametrize(("name", "data", "message"), [
    ("empty-zip.docx", b"PK\x05\x06" + b"\0" * 18, "not a Word document (no word/document.xml inside)"),
    ("text.odt", b"just words", "not a readable OpenDocument text (it is not a valid zip container)"),
    ("cut.docx", None, None),
])
def test_broken_containers_are_one_line(tmp_path: Path, name: str, data: bytes | None, message: str | None) -> None:
    path = tmp_path / name
    if data is None:
        make_docx(tmp_path / "whole.docx", "Title", ["Body."])
        data = (tmp_path / "whole.docx").read_bytes()[:3000]
    path.write_bytes(data)
    with pytest.raises(InputError) as caught:
        read_article(path)
    text = str(caught.value)
    assert "\n" not in text
    if message:
        assert text == f"{path}: {message}"
    else:
        assert text.startswith(f"{path}: not a readable Word document (")
