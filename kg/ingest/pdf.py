"""PDF -> text, page map and metadata, through PDFium (pypdfium2) in a killable worker.

The worker (:mod:`kg.ingest.pdfworker`) runs in its own process group under a memory limit and a
wall-clock limit; when either is passed, the group is killed and the file is refused with one line
naming the limit. Pages without a text layer are read by Tesseract OCR when ``tesseract`` is on the
PATH; a PDF with no text at all and no Tesseract is refused with how to enable OCR.

Limits (environment variables, defaults): ``KG_PDF_MAX_PAGES`` (2,000 pages),
``KG_PDF_TIMEOUT`` (120 s per document, OCR included), ``KG_PDF_MEMORY_MB`` (1,024 MiB of
address space for the worker: decompressed streams and rendered pages live within it).
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

from kg.errors import InputError
from kg.ingest import pdfworker
from kg.ingest.document import Document, env_limit
from kg.ingest.pdflayout import lay_out

DEFAULT_MAX_PAGES = 2000
DEFAULT_TIMEOUT = 120
DEFAULT_MEMORY_MB = 1024
_PDF_DATE = re.compile(r"^(?:D:)?(\d{4})(\d{2})?(\d{2})?")
_JUNK_TITLE = re.compile(r"(\.(pdf|docx?|odt|rtf|txt|indd|qxd|tex)$|^microsoft (word|powerpoint) - |^untitled\b|"
                         r"^document\d*$|^binder\d*$|^slide \d+$)", re.IGNORECASE)
_JUNK_AUTHOR = re.compile(r"^(admin(istrator)?|user|owner|unknown|anonymous|author|default|dell|hp|lenovo|pc)$",
                          re.IGNORECASE)


def _worker(path: Path, data: bytes, max_chars: int) -> dict[str, Any]:
    pages = env_limit("KG_PDF_MAX_PAGES", DEFAULT_MAX_PAGES)
    timeout = env_limit("KG_PDF_TIMEOUT", DEFAULT_TIMEOUT)
    memory = env_limit("KG_PDF_MEMORY_MB", DEFAULT_MEMORY_MB)
    # run as a script, not ``-m``: the worker imports nothing of kg, so it starts without kg's package imports
    command = [sys.executable, str(Path(pdfworker.__file__)), str(pages), str(max_chars), str(memory), "1"]
    child = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             start_new_session=True)
    try:
        out, err = child.communicate(data, timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(child.pid, signal.SIGKILL)
        child.communicate()
        raise InputError(f"{path}: reading this PDF took longer than the {timeout}-second limit per document "
                         "(KG_PDF_TIMEOUT); it was stopped") from None
    finally:
        if child.poll() is None:
            os.killpg(child.pid, signal.SIGKILL)
            child.wait()
    try:
        result: dict[str, Any] = json.loads(out)
    except ValueError:
        if (child.returncode and child.returncode < 0) or b"MemoryError" in err or b"memory" in err.lower():
            raise InputError(f"{path}: reading this PDF needed more than the {memory:,} MiB memory limit "
                             "(KG_PDF_MEMORY_MB); it was stopped") from None
        raise InputError(f"{path}: not a readable PDF (the PDF reader stopped with exit code "
                         f"{child.returncode})") from None
    error = result.get("error")
    if error == "encrypted":
        raise InputError(f"{path}: the PDF is encrypted with a password; save an unprotected copy to read it")
    if error == "pages":
        raise InputError(f"{path}: the PDF has {result['pages']:,} pages, over the {pages:,}-page limit "
                         "(KG_PDF_MAX_PAGES)")
    if error == "text":
        raise InputError(f"{path}: the PDF's text passes the {max_chars:,}-character limit of one extraction "
                         f"at page {result['page']}; split it into several files")
    if error == "memory":
        raise InputError(f"{path}: reading this PDF needed more than the {memory:,} MiB memory limit "
                         "(KG_PDF_MEMORY_MB); it was stopped")
    if error:
        raise InputError(f"{path}: not a readable PDF ({str(result.get('detail', error)).splitlines()[0][:160]})")
    return result


def _date(value: str | None) -> str | None:
    match = _PDF_DATE.match(value or "")
    if not match or not 1900 < int(match.group(1)) < 2200:
        return None
    return "-".join(part for part in match.groups() if part)


def read_pdf(path: Path, data: bytes, max_chars: int) -> Document:
    result = _worker(path, data, max_chars)
    layout = lay_out(result["pages"])
    if not any(ch.isalpha() for ch in layout.text):
        if not result.get("tesseract"):
            raise InputError(f"{path}: the PDF has no text layer (a scan?); install Tesseract OCR to read it "
                             "(Debian/Ubuntu: apt-get install tesseract-ocr tesseract-ocr-eng)")
        raise InputError(f"{path}: the PDF has no text, and OCR found none on its pages")
    meta = result.get("meta", {})
    fields: dict[str, Any] = {}
    title = " ".join(str(meta.get("Title", "")).split())
    fields["title"] = title if title and not _JUNK_TITLE.search(title) else layout.title
    author = " ".join(str(meta.get("Author", "")).split())
    if author and not _JUNK_AUTHOR.match(author):
        fields["author"] = author
    date = _date(meta.get("CreationDate")) or _date(meta.get("ModDate"))
    if date:
        fields["date"] = date
    warnings = []
    if result.get("ocr"):
        warnings.append("text read by OCR (Tesseract) from page images; check quotes against the original")
    if result.get("attachments"):
        warnings.append(f"the PDF carries {result['attachments']} embedded file(s); they were not read")
    return Document(layout.text, {k: v for k, v in fields.items() if v}, "application/pdf",
                    page_starts=layout.page_starts, warnings=warnings)
