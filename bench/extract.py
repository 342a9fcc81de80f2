"""Extraction throughput: kg's full article extraction vs bare ``nlp.pipe`` of the same model.

    python bench/extract.py [--articles 240] [--seed 3] [--processes 1 2] [--pdf-pages 200] [--json PATH]

Generates a seeded corpus of fictional news articles (wire reports, statements, study coverage,
denials; quotes, reported speech, "according to", roles), then times, in one run and on the same
texts: the unmodified en_core_web_sm pipeline through ``nlp.pipe`` and kg's extraction
(normalisation, kg's pipeline components, linking, attribution, roles), with 1 and 2 processes.
Prints words/s, articles/s, kg's share of bare spaCy's throughput, and peak RSS.

PDF text extraction is measured beside it: the same texts laid out by reportlab as a paged PDF
(running header, page numbers), read by kg (PDFium in its killable worker, then headers, page
numbers and hyphens removed and paragraphs rebuilt) against bare pypdfium2 reading every page's
text in-process: pages/s of each, and CPU seconds (the worker's included).
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import textwrap
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import cpu_seconds, peak_mb, row, write_json

from kg.extract import nlp
from kg.extract.run import extract_many
from kg.ingest.article import ArticleMeta

SYL = ["ka", "lo", "ren", "mar", "vel", "to", "sa", "nik", "dor", "bel", "an", "ri", "os", "ter", "mun", "ga"]
ORG_TAIL = ["Trust", "Group", "Institute", "Council", "Holdings", "Network", "Foundation", "Union", "Agency"]
OUTLETS = ["Herald", "Courier", "Gazette", "Ledger", "Times"]
ROLES = ["spokeswoman", "spokesman", "director", "chief executive", "chairman", "researcher", "lawyer"]
TOPICS = ["the contract", "the payments", "the closure", "the audit", "the merger", "the permit", "the inquiry"]
CLAIMS = ["{t} had been approved without a tender", "{t} broke no rules", "the figures in {t} were wrong",
          "nobody had been told about {t}", "{t} would cost far more than planned", "{t} was politically motivated"]


def _name(rng: random.Random, parts: int) -> str:
    return " ".join("".join(rng.choice(SYL) for _ in range(rng.randint(2, 3))).title() for _ in range(parts))


def article(rng: random.Random) -> str:
    orgs = [f"{_name(rng, 1)} {rng.choice(ORG_TAIL)}" for _ in range(3)]
    people = [_name(rng, 2) for _ in range(4)]
    outlet = f"The {_name(rng, 1)} {rng.choice(OUTLETS)}"
    topic = rng.choice(TOPICS)

    def claim() -> str:
        return rng.choice(CLAIMS).format(t=topic)

    p, o = people, orgs
    paragraphs = [
        f"{o[0]} faces questions over {topic}",
        f"{o[0]} said on {rng.choice(['Monday', 'Tuesday', 'Friday'])} that {claim()}, according to documents "
        f"seen by {outlet}.",
        f'"{claim().capitalize()}," said {p[0]}, a {rng.choice(ROLES)} for {o[0]}. "We will publish '
        f'everything," {p[0].split()[1]} added.',
        f"{p[1]}, {rng.choice(ROLES)} of {o[1]}, told reporters that {claim()}. She said the group had "
        f"written to the regulator twice.",
        f"According to {o[2]}, {claim()}. A study by the {o[2]} found that {claim()}.",
        f"{o[1]} {rng.choice(ROLES)} {p[2]} warned that {claim()}. \"This is not the end of it,\" he said.",
        f"{p[3]} denied the allegations. \"{claim().capitalize()},\" {p[3].split()[1]} told {outlet}.",
        f"The company reportedly plans to appeal. {o[0]} did not respond to a request for comment.",
    ]
    body = paragraphs[1:] + rng.sample(paragraphs[1:], 4)
    rng.shuffle(body)
    return "\n\n".join([paragraphs[0], *body]) + "\n"


CPU: dict[str, float] = {}


def _timed(run: Callable[[], int], label: str = "") -> tuple[float, int]:
    """Wall seconds (what the user waits) and the result; CPU seconds of this process go to CPU."""
    start, cpu = time.perf_counter(), time.process_time()
    count = run()
    CPU[label] = min(CPU.get(label, float("inf")), time.process_time() - cpu)
    return time.perf_counter() - start, count


def make_pdf(path: Path, texts: list[str], pages: int) -> None:
    """``pages`` A4 pages of the texts in 10-point lines, with a running header and a page number."""
    from reportlab.pdfgen import canvas

    lines = [line for text in texts for para in text.split("\n\n") for line in [*textwrap.wrap(para, 95), ""]]
    pdf = canvas.Canvas(str(path), invariant=True)
    per_page = 60
    for number in range(pages):
        pdf.setFont("Helvetica", 8)
        pdf.drawString(56, 800, "Extraction benchmark | generated report")
        pdf.drawString(290, 30, str(number + 1))
        pdf.setFont("Helvetica", 10)
        for row_number in range(per_page):
            pdf.drawString(56, 770 - row_number * 12, lines[(number * per_page + row_number) % len(lines)])
        pdf.showPage()
    pdf.save()


def bare_pdf(path: Path) -> int:
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(str(path))
    chars = 0
    for index in range(len(document)):
        page = document[index]
        textpage = page.get_textpage()
        chars += len(textpage.get_text_range())
        textpage.close()
        page.close()
    document.close()
    return chars


def pdf_rows(texts: list[str], pages: int, repeat: int) -> list[dict[str, Any]]:
    from kg.ingest.article import MAX_TEXT_CHARS
    from kg.ingest.pdf import read_pdf

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.pdf"
        make_pdf(path, texts, pages)
        data = path.read_bytes()
        bare_s = kg_s = bare_cpu = kg_cpu = float("inf")
        for _ in range(repeat):
            cpu, start = cpu_seconds(), time.perf_counter()
            bare_pdf(path)
            bare_s, bare_cpu = min(bare_s, time.perf_counter() - start), min(bare_cpu, cpu_seconds() - cpu)
            cpu, start = cpu_seconds(), time.perf_counter()
            document = read_pdf(path, data, MAX_TEXT_CHARS * 10)
            kg_s, kg_cpu = min(kg_s, time.perf_counter() - start), min(kg_cpu, cpu_seconds() - cpu)
    print(f"PDF, {pages} pages ({len(data):,} bytes): bare pypdfium2 {pages / bare_s:,.0f} pages/s, kg "
          f"{pages / kg_s:,.0f} pages/s ({bare_s / kg_s:.0%} of bare); CPU s kg {kg_cpu:.2f} (worker included) / "
          f"bare {bare_cpu:.2f}; {len(document.text):,} characters kept")
    return [row("pdf text", f"{pages} pages", f"{len(data):,} bytes", kg_s=kg_s, anchor="bare pypdfium2 text",
                anchor_s=bare_s, notes=f"kg {pages / kg_s:,.0f} pages/s, bare {pages / bare_s:,.0f} pages/s; CPU s "
                f"{kg_cpu:.2f} / {bare_cpu:.2f}")]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=240)
    parser.add_argument("--seed", type=int, default=3)
    parser.add_argument("--processes", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--repeat", type=int, default=2, help="runs of each, best kept (default: 2)")
    parser.add_argument("--pdf-pages", type=int, default=200, help="pages of the PDF benchmark (0: skip it)")
    parser.add_argument("--json", help="also write the result rows here (JSON list)")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    texts = [article(rng) for _ in range(args.articles)]
    words = sum(len(t.split()) for t in texts)
    bare, _ = nlp.bare(), nlp.load()  # load once, outside the timings
    list(bare.pipe(texts[:4]))
    list(extract_many([(t, ArticleMeta(), None) for t in texts[:4]]))
    print(f"corpus: {len(texts)} articles, {words:,} words (seed {args.seed}); model {nlp.model_name()} "
          f"{nlp.model_version()}")
    print(f"{'processes':>9} {'bare words/s':>13} {'kg words/s':>11} {'kg/bare':>8} {'kg articles/s':>14} "
          f"{'claims':>7}")
    rows: list[dict[str, Any]] = []
    for processes in args.processes:
        bare_s = kg_s = float("inf")
        for _ in range(args.repeat):  # alternate, keep the best of each: the machine is shared
            seconds, _ = _timed(lambda n=processes: sum(1 for _ in bare.pipe(texts, n_process=n, batch_size=16)),
                                f"bare{processes}")
            bare_s = min(bare_s, seconds)
            seconds, claims = _timed(lambda n=processes: sum(len(r.claims) for r in extract_many(
                [(t, ArticleMeta(), None) for t in texts], n_process=n, batch_size=16)), f"kg{processes}")
            kg_s = min(kg_s, seconds)
        print(f"{processes:>9} {words / bare_s:>13,.0f} {words / kg_s:>11,.0f} {bare_s / kg_s:>8.1%} "
              f"{len(texts) / kg_s:>14.1f} {claims:>7}")
        cpu = f"CPU s {CPU[f'kg{processes}']:.1f} / {CPU[f'bare{processes}']:.1f}; " if processes == 1 else ""
        rows.append(row("extraction", f"{processes} process{'es' if processes > 1 else ''}",
                        f"{len(texts)} articles", kg_s=kg_s, anchor="bare spaCy nlp.pipe", anchor_s=bare_s,
                        target="<= 1.25x", notes=f"{cpu}{words:,} words; kg keeps {bare_s / kg_s:.0%} of bare "
                        f"spaCy's words/s (target >= 80%); {claims} claims"))
    if "bare1" in CPU:  # on a shared machine CPU time is steadier than wall time
        print(f"1 process, CPU seconds: bare {CPU['bare1']:.1f}, kg {CPU['kg1']:.1f} "
              f"(kg/bare throughput by CPU: {CPU['bare1'] / CPU['kg1']:.1%})")
    if args.pdf_pages:
        rows += pdf_rows(texts, args.pdf_pages, args.repeat)
    own, both = peak_mb(), peak_mb(children=True)
    print(f"peak RSS: {own:,.0f} MB (this process), {both - own:,.0f} MB (largest worker process)")
    write_json(args.json, [{**r, "peak_rss_mb": both} for r in rows])


if __name__ == "__main__":
    main()
