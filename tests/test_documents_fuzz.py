"""Fuzzing the document readers' outer layer: random bytes and corrupted real documents of every
format give an article or one InputError line, never another exception and never a hang.

Bounded in CI (derandomized, ``KG_FUZZ_EXAMPLES`` examples per format, 15 by default); set
``KG_FUZZ_EXAMPLES=2000`` for a long random run.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from documents_support import make_docx, make_eml, make_pdf, odt_bytes, real_texts
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kg.errors import InputError
from kg.ingest.article import read_article

EXAMPLES = int(os.environ.get("KG_FUZZ_EXAMPLES", "15"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, derandomize=EXAMPLES <= 50, database=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
TEXT = real_texts()[0]


def _pdf(folder: Path) -> bytes:
    make_pdf(folder / "seed.pdf", TEXT.title, TEXT.paragraphs[:1], author="Desk")
    return (folder / "seed.pdf").read_bytes()


def _docx(folder: Path) -> bytes:
    make_docx(folder / "seed.docx", TEXT.title, TEXT.paragraphs[:1], table=[["a", "b"]])
    return (folder / "seed.docx").read_bytes()


def _eml(folder: Path) -> bytes:
    return make_eml(None, TEXT.title, "Desk <d@example.org>", TEXT.paragraphs[0],
                    html=f"<p>{TEXT.paragraphs[0]}</p>", attachments=(("a.txt", "text/plain", b"Attached words."),))


SEEDS: dict[str, Callable[[Path], bytes]] = {
    ".pdf": _pdf, ".docx": _docx, ".eml": _eml,
    ".odt": lambda _: odt_bytes(TEXT.title, TEXT.paragraphs[:1], "Desk"),
    ".html": lambda _: (f"<html lang=en><head><title>{TEXT.title}</title></head><body><article>"
                        f"<p>{TEXT.paragraphs[0]}</p></article></body></html>").encode(),
}

edits = st.lists(st.tuples(st.sampled_from(["flip", "insert", "delete", "cut"]), st.floats(0, 1),
                           st.binary(min_size=1, max_size=8)), min_size=1, max_size=6)


def mutate(data: bytes, changes: list[tuple[str, float, bytes]]) -> bytes:
    out = bytearray(data)
    for op, where, payload in changes:
        at = int(where * max(len(out) - 1, 0))
        if op == "flip" and out:
            out[at:at + len(payload)] = bytes(b ^ p for b, p in zip(out[at:at + len(payload)], payload, strict=False))
        elif op == "insert":
            out[at:at] = payload
        elif op == "delete":
            del out[at:at + len(payload) * 8]
        elif op == "cut":
            del out[max(at, 1):]
    return bytes(out)


def _read(path: Path, data: bytes) -> None:
    path.write_bytes(data)
    try:
        article = read_article(path)
    except InputError as exc:
        assert "\n" not in str(exc) and str(exc).startswith(str(path))
        return
    assert len(article.text) == len(article.analysis)


@pytest.mark.parametrize("suffix", sorted(SEEDS))
def test_corrupted_documents_never_raise_anything_but_input_errors(tmp_path: Path, suffix: str,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KG_PDF_TIMEOUT", "30")
    seed = SEEDS[suffix](tmp_path)

    @FUZZ
    @given(changes=edits)
    def corrupted(changes: list[tuple[str, float, bytes]]) -> None:
        _read(tmp_path / f"fuzz{suffix}", mutate(seed, changes))

    corrupted()


@pytest.mark.parametrize("suffix", sorted(SEEDS))
def test_random_bytes_never_raise_anything_but_input_errors(tmp_path: Path, suffix: str) -> None:
    @FUZZ
    @given(data=st.binary(min_size=1, max_size=4096))
    def random_bytes(data: bytes) -> None:
        _read(tmp_path / f"random{suffix}", data)

    random_bytes()
