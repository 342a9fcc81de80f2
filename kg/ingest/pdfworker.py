"""The PDF worker: a separate process that opens one PDF with PDFium and reports its lines.

PDFium is native code reading hostile bytes, and neither it nor a decompression bomb inside a PDF
can be interrupted in-process. So the parent (:mod:`kg.ingest.pdf`) runs this module as a child
process with the PDF on standard input, under an address-space limit (which caps what decompressed
streams and rendered pages can take) and a wall-clock limit after which the parent kills the whole
process group, Tesseract included. The child prints one JSON object on standard output:

``{"pages": [[width, height, [[text, left, bottom, right, top, size], ...]], ...], "meta": {...},
"ocr": bool, "attachments": N}`` or ``{"error": "encrypted" | "corrupt" | "pages" | "text", ...}``.

No forms environment is set up, so JavaScript in the document never runs; embedded files are
counted, never read.
"""

from __future__ import annotations

import json
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
from typing import Any

Line = list[Any]  # [text, left, bottom, right, top, font size]
OCR_DPI = 300


def _limit_memory(megabytes: int) -> None:
    cap = megabytes * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (cap, cap))


def _text_lines(textpage: Any, raw: Any) -> list[Line]:
    """The text layer of one page, one entry per line, with the box of its first and last characters
    and its font size (enough to find headers, footers, titles and paragraph breaks). PDFium glues
    the line after a hyphenated line end onto it, marking the hyphen U+FFFE: such lines are split
    again there (the mark stays at the end of the first part)."""
    text: str = textpage.get_text_range()
    lines: list[Line] = []
    position = 0
    for piece in re.split(r"(?<=\ufffe)|\r\n", text):
        stripped = piece.strip()
        if stripped:
            first = position + len(piece) - len(piece.lstrip())
            last = position + len(piece.rstrip()) - 1
            left, bottom, _, top = textpage.get_charbox(first)
            _, last_bottom, right, last_top = textpage.get_charbox(last)
            sizes = sorted(float(raw.FPDFText_GetFontSize(textpage.raw, i)) for i in (first, (first + last) // 2, last))
            lines.append([stripped, round(left, 1), round(min(bottom, last_bottom), 1), round(right, 1),
                          round(max(top, last_top), 1), round(sizes[1], 1)])  # median size: a drop capital or
        position += len(piece) + (0 if piece.endswith("\ufffe") else 2)  # a note mark does not decide it
    return lines


def _ocr_lines(page: Any, height: float, tesseract: str) -> list[Line]:
    """Render the page at 300 dpi in grey and read it with Tesseract; lines in PDF points."""
    scale = OCR_DPI / 72
    bitmap = page.render(scale=scale, grayscale=True)
    width_px, height_px, stride = bitmap.width, bitmap.height, bitmap.stride
    buffer = bytes(bitmap.buffer)
    rows = b"".join(buffer[y * stride:y * stride + width_px] for y in range(height_px))
    image = f"P5 {width_px} {height_px} 255\n".encode("ascii") + rows  # PGM, which Tesseract reads from stdin
    done = subprocess.run([tesseract, "stdin", "stdout", "-l", "eng", "tsv"], input=image, capture_output=True,
                          check=False)
    if done.returncode != 0:
        raise RuntimeError("tesseract failed: " + done.stderr.decode("utf-8", "replace").strip()[:200])
    grouped: dict[tuple[str, str, str], list[list[str]]] = {}
    for row in done.stdout.decode("utf-8", "replace").splitlines()[1:]:
        cols = row.split("\t")
        if len(cols) == 12 and cols[0] == "5" and cols[11].strip():
            grouped.setdefault((cols[2], cols[3], cols[4]), []).append(cols)
    lines: list[Line] = []
    for words in grouped.values():
        left = min(int(w[6]) for w in words) / scale
        top_px = min(int(w[7]) for w in words)
        bottom_px = max(int(w[7]) + int(w[9]) for w in words)
        right = max(int(w[6]) + int(w[8]) for w in words) / scale
        text = " ".join(w[11].strip() for w in words)
        lines.append([text, round(left, 1), round(height - bottom_px / scale, 1), round(right, 1),
                      round(height - top_px / scale, 1), round((bottom_px - top_px) / scale, 1)])
    # A line's box height depends on its letters (ascenders, descenders): body lines get the page's
    # typical height as their size, so only clearly bigger type (a title) stands out.
    typical = statistics.median(line[5] for line in lines) if lines else 0.0
    for line in lines:
        if line[5] < typical * 1.3:
            line[5] = round(typical, 1)
    return lines


def run(data: bytes, max_pages: int, max_chars: int, ocr: bool) -> dict[str, Any]:
    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    try:
        document = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        return {"error": "encrypted" if "password" in str(exc).lower() else "corrupt", "detail": str(exc)}
    count = len(document)
    if count > max_pages:
        return {"error": "pages", "pages": count}
    meta = {k: v for k, v in document.get_metadata_dict(skip_empty=True).items() if isinstance(v, str)}
    tesseract = shutil.which("tesseract") if ocr else None
    pages: list[list[Any]] = []
    chars = 0
    used_ocr = False
    for number in range(count):
        page = document[number]
        width, height = page.get_size()
        textpage = page.get_textpage()
        lines = _text_lines(textpage, raw)
        textpage.close()
        if not lines and tesseract:
            lines = _ocr_lines(page, height, tesseract)
            used_ocr = used_ocr or bool(lines)
        page.close()
        chars += sum(len(line[0]) + 1 for line in lines)
        if chars > max_chars:
            return {"error": "text", "page": number + 1, "chars": max_chars}
        pages.append([round(width, 1), round(height, 1), lines])
    attachments = int(raw.FPDFDoc_GetAttachmentCount(document.raw))
    document.close()
    return {"pages": pages, "meta": meta, "ocr": used_ocr, "tesseract": bool(tesseract), "attachments": attachments}


def main() -> None:
    max_pages, max_chars, memory_mb, ocr = (int(v) for v in sys.argv[1:5])
    _limit_memory(memory_mb)
    data = sys.stdin.buffer.read()
    try:
        result = run(data, max_pages, max_chars, bool(ocr))
    except MemoryError:
        result = {"error": "memory"}
    except Exception as exc:  # PDFium or Tesseract tripped on this file: report it as this file's problem
        result = {"error": "corrupt", "detail": f"{type(exc).__name__}: {exc}"[:300]}
    sys.stdout.write(json.dumps(result))
    sys.stdout.flush()
    os._exit(0)


if __name__ == "__main__":
    main()
