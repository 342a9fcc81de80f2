"""A real article extracts the same whether it arrives as plain text, PDF, Word, OpenDocument or
e-mail: the document readers give extraction the article's words, in order, and nothing else."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from documents_support import DATA, make_docx, make_eml, make_pdf, odt_bytes, real_texts

from kg.extract.evaluate import evaluate_dir


def _folder(root: Path, kind: str) -> Path:
    folder = root / kind
    folder.mkdir()
    for text in real_texts():
        target = folder / f"{text.name}.{kind}"
        body = "\n\n".join(text.paragraphs)
        if kind == "txt":
            target.write_text(f"{text.title}\n\n{body}\n", encoding="utf-8")
        elif kind == "pdf":
            make_pdf(target, text.title, text.paragraphs, header="Public record | kg tests")
        elif kind == "docx":
            make_docx(target, text.title, text.paragraphs)
        elif kind == "odt":
            target.write_bytes(odt_bytes(text.title, text.paragraphs))
        else:
            make_eml(target, text.title, "Desk <desk@example.org>", f"{text.title}\n\n{body}")
        shutil.copy(DATA / f"{text.name}.gold.yaml", folder)
    return folder


@pytest.mark.parametrize("kind", ["pdf", "docx", "odt", "eml"])
def test_each_document_form_scores_exactly_like_the_plain_text(tmp_path: Path, kind: str) -> None:
    plain = evaluate_dir(_folder(tmp_path, "txt"))
    document = evaluate_dir(_folder(tmp_path, kind))
    assert document.articles == plain.articles == 3
    # entities, claims and roles; title/byline (meta/...) legitimately differ: a PDF or e-mail carries its own date
    assert {k: (s.tp, s.fp, s.fn) for k, s in document.scores.items() if not k.startswith("meta/")} == \
        {k: (s.tp, s.fp, s.fn) for k, s in plain.scores.items() if not k.startswith("meta/")}
