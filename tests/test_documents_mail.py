"""E-mail: From/Date/Subject as author, date and title; attachments as sources of their own, linked
to the message; nesting, count and size limits as one line each."""

from __future__ import annotations

from email.message import EmailMessage
from pathlib import Path

import pytest
from documents_support import make_docx, make_eml, make_pdf, real_texts

from kg.build import pipeline
from kg.errors import InputError
from kg.ingest.article import read_article
from kg.store import KgStore

TEXTS = {t.name: t for t in real_texts()}
MAIL = TEXTS["eu_juncker_council"]
ATTACHED = TEXTS["gov_humanrights_toner_iran_report"]


def test_headers_become_author_date_and_title_and_the_body_the_text(tmp_path: Path) -> None:
    path = tmp_path / "mail.eml"
    make_eml(path, MAIL.title, '"Spokesperson, Press Office" <press@example.org>', "\n\n".join(MAIL.paragraphs),
             date="2016-06-29")
    article = read_article(path)
    assert article.text.split("\n\n") == MAIL.paragraphs
    assert article.meta.title == MAIL.title
    assert article.meta.author == ["Spokesperson, Press Office"]  # one sender, not two people
    assert article.meta.date == "2016-06-29"
    assert article.media_type == "message/rfc822"


def test_an_html_only_body_is_read_as_a_web_page(tmp_path: Path) -> None:
    message = EmailMessage()
    message["From"] = "Desk <desk@example.org>"
    message["Subject"] = "Statement"
    message.set_content("<html><body><nav>Home | News</nav><p>" + MAIL.paragraphs[0] + "</p></body></html>",
                        subtype="html")
    path = tmp_path / "html.eml"
    path.write_bytes(message.as_bytes())
    assert read_article(path).text == MAIL.paragraphs[0]


def _mail_with_attachments(tmp_path: Path, with_docx: bool = True) -> Path:
    pdf, docx = tmp_path / "report.pdf", tmp_path / "notes.docx"
    make_pdf(pdf, ATTACHED.title, ATTACHED.paragraphs, author="State Department")
    make_docx(docx, "Notes", ["Chamisa said the MDC is a legitimate opposition party."])
    attachments = [("report.pdf", "application/pdf", pdf.read_bytes()), ("logo.png", "image/png", b"\x89PNG....")]
    if with_docx:
        attachments.append(("../../notes.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml."
                            "document", docx.read_bytes()))
    data = tmp_path / "data"
    data.mkdir(exist_ok=True)
    path = data / "tip.eml"
    make_eml(path, "Documents for the story", "Source <source@example.org>", MAIL.paragraphs[0],
             attachments=tuple(attachments))
    return path


def test_attachments_are_sources_of_their_own_linked_to_the_message(tmp_path: Path) -> None:
    path = _mail_with_attachments(tmp_path)
    with KgStore.open(tmp_path / "store") as store:
        report = pipeline.build(store, path.parent)
        assert [(o.name, o.status) for o in report.outcomes] == [
            ("tip.eml", "added"), ("tip.eml/report.pdf", "added"), ("tip.eml/notes.docx", "added")]
        assert report.notes == [f"{path}/logo.png: attachment of a type kg does not read; left out"]
        rows = store.select("SELECT ?name WHERE { GRAPH ?g { ?a <https://w3id.org/kg/ns#attachmentOf> ?m . "
                           "?a <https://w3id.org/kg/ns#fileName> ?name } } ORDER BY ?name")
        assert [str(r[0].value) for r in rows] == ["tip.eml/notes.docx", "tip.eml/report.pdf"]
        pages = store.select("SELECT ?n WHERE { GRAPH ?g { ?s <https://w3id.org/kg/ns#pageCount> ?n } }")
        assert [int(r[0].value) for r in pages] == [3]
        # the message loses an attachment: the next build retracts that source
        _mail_with_attachments(tmp_path, with_docx=False)
        again = pipeline.build(store, path.parent)
        assert sorted((o.name, o.status) for o in again.outcomes) == [
            ("tip.eml", "replaced"), ("tip.eml/notes.docx", "removed"), ("tip.eml/report.pdf", "unchanged")]
        # the message itself goes: so do its attachments
        path.unlink()
        (path.parent / "other.txt").write_text("The council met on Monday.\n")
        gone = pipeline.build(store, path.parent)
        assert sorted(o.name for o in gone.outcomes if o.status == "removed") == ["tip.eml", "tip.eml/report.pdf"]


def test_a_bad_attachment_fails_alone(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    make_eml(data / "tip.eml", "Files", "a@example.org", "See the attached report.",
             attachments=(("broken.pdf", "application/pdf", b"%PDF-1.7 not really"),))
    with KgStore.open(tmp_path / "store") as store:
        report = pipeline.build(store, data)
    assert [(o.name, o.status) for o in report.outcomes] == [("tip.eml", "added"), ("tip.eml/broken.pdf", "failed")]
    assert str(report.outcomes[1].error).startswith(f"{data / 'tip.eml' / 'broken.pdf'}: not a readable PDF (")


def _nested(depth: int) -> bytes:
    message = EmailMessage()
    message["Subject"] = "inner"
    message.set_content("The innermost text.")
    for level in range(depth):
        outer = EmailMessage()
        outer["Subject"] = f"level {level}"
        outer.set_content("wrapper")
        outer.add_attachment(message)
        message = outer
    return message.as_bytes()


@pytest.mark.parametrize(("env", "data", "message"), [
    ({}, _nested(6), "the message nests MIME parts more than 8 deep (KG_EML_MAX_DEPTH)"),
    ({"KG_EML_MAX_ATTACHMENTS": "2"}, make_eml(None, "s", "a@b.example", "body", attachments=tuple(
        (f"f{i}.txt", "text/plain", b"words") for i in range(3))), "the message has more than 2 attachments "
     "(KG_EML_MAX_ATTACHMENTS)"),
    ({"KG_EML_MAX_ATTACHMENT_BYTES": "1000"}, make_eml(None, "s", "a@b.example", "body", attachments=(
        ("big.txt", "text/plain", b"word " * 400),)), "attachment 'big.txt' is 2,000 bytes, over the 1,000-byte "
     "limit (KG_EML_MAX_ATTACHMENT_BYTES)"),
])
def test_mail_limits_are_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, env: dict[str, str], data: bytes,
                                  message: str) -> None:
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    path = tmp_path / "m.eml"
    path.write_bytes(data)
    with pytest.raises(InputError) as caught:
        read_article(path)
    assert str(caught.value) == f"{path}: {message}"
