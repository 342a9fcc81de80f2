"""`kg extract` and `kg eval-extract`: article text -> case file, and scoring against gold.

The spaCy model is imported only inside these handlers: no other command pays for it.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kg.cli import progress
from kg.cli.common import Command, cluster_arguments, executor, follow_symlinks_argument, one_line
from kg.errors import ClusterError, InputError, KgError
from kg.fsutil import atomic_output

if TYPE_CHECKING:
    from collections.abc import Mapping

    from kg.build.remote import DaskExecutor
    from kg.ingest.folder import Admitted
    from kg.stages import Stages


def extract_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("files", nargs="+", metavar="FILE", help="articles: .txt, .md (front matter), .html, .pdf, "
                   ".docx, .odt, .eml, folders of them, or quoted patterns; NAME.meta.yaml next to one adds or "
                   "overrides its metadata")
    p.add_argument("--format", "-f", choices=["yaml", "json"], default="yaml", help="case-file syntax")
    p.add_argument("-o", "--output", default="-", metavar="OUT",
                   help="output file, a folder for several articles, or '-' for stdout (default)")
    p.add_argument("--processes", type=int, default=1, metavar="N", help="parse with N processes")
    follow_symlinks_argument(p)
    cluster_arguments(p)
    progress.add_options(p)


Extracted = tuple[Path, dict[str, Any], list[str]]  # an article, its case document and its warnings


def _extract_here(paths: list[Path], processes: int, stages: Stages, admitted: Mapping[Path, Admitted],
                  ) -> tuple[list[Extracted], list[KgError]]:
    from kg.extract.casewriter import article_case
    from kg.extract.run import extract_many
    from kg.ingest.article import Article, read_article

    articles: list[Article] = []
    failed: list[KgError] = []
    with stages.stage("read", total=len(paths)):
        for path in paths:
            try:
                articles.append(read_article(path, admitted=admitted.get(path)))
            except KgError as exc:
                failed.append(exc)
            stages.advance()
    done: list[Extracted] = []
    with stages.stage("extract", total=len(articles)):
        results = extract_many([(a.text, a.meta, a.analysis) for a in articles], n_process=processes)
        for article, result in zip(articles, results, strict=True):
            done.append((article.path, *article_case(article, result)))
            stages.advance()
    return done, failed


def _extract_on_cluster(paths: list[Path], on: DaskExecutor, stages: Stages, admitted: Mapping[Path, Admitted],
                        ) -> tuple[list[Extracted], list[KgError]]:
    """Each article read and extracted on a worker (kg.build.remote.extract_task), in order."""
    from kg.build.remote import extract_stream

    stream = extract_stream(on.client, paths, on.shared_path, admitted)
    done: list[Extracted] = []
    failed: list[KgError] = []
    try:
        with stages.stage("extract", total=len(paths)):
            for index, path in enumerate(paths):
                try:
                    document, warnings = stream.result(index)
                except ClusterError:
                    raise
                except KgError as exc:
                    failed.append(exc)
                    continue
                finally:
                    stages.advance()
                done.append((path, document, warnings))
    finally:
        stream.close()
    return done, failed


def cmd_extract(args: argparse.Namespace) -> int:
    from kg.extract.casewriter import dump
    from kg.ingest.article import ARTICLE_SUFFIXES, is_sidecar
    from kg.ingest.folder import expand

    found = expand(args.files, lambda p: p.suffix.lower() in ARTICLE_SUFFIXES and not is_sidecar(p),
                   args.follow_symlinks)
    paths = found.files
    if len(paths) > 1 and args.output != "-" and Path(args.output).suffix:
        raise InputError(f"{args.output}: several articles need -o DIR (one case file each) or '-'")
    code = 0
    for _, refusal in found.refused:
        print(f"kg: error: {one_line(refusal)}", file=sys.stderr)
        code = refusal.exit_code
    stages, bars = progress.stages_for(args)
    with executor(args) as on, (bars or contextlib.nullcontext()):  # --dask: each article on a worker there
        done, failed = (_extract_here(paths, args.processes, stages, found.admitted) if on is None
                        else _extract_on_cluster(paths, on, stages, found.admitted))
    for exc in failed:
        print(f"kg: error: {one_line(exc)}", file=sys.stderr)
        code = max(code, exc.exit_code)
    suffix = ".json" if args.format == "json" else ".yaml"
    for path, document, warnings in done:
        for warning in warnings:
            print(f"kg: warning: {path}: {warning}", file=sys.stderr)
        target = args.output
        if len(paths) > 1 and target != "-":
            target = str(Path(target) / (path.stem + ".case" + suffix))
        with atomic_output(target) as handle:
            if target == "-" and len(paths) > 1 and args.format == "yaml":
                handle.write(b"---\n")
            handle.write(dump(document, args.format).encode("utf-8"))
        counts = ", ".join(f"{len(document.get(k, []))} {k}" for k in ("people", "organizations", "claims"))
        where = "" if target == "-" else f" -> {target}"
        print(f"extracted {path}: {counts}{where}", file=sys.stderr)
    if code:
        print(f"kg: {len(failed) + len(found.refused)} article(s) failed", file=sys.stderr)
    return code


def eval_extract_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("directories", nargs="+", metavar="DIR",
                   help="folders of articles, each with NAME.gold.yaml (and optionally targets.yaml); "
                        "each is scored and reported on its own")
    p.add_argument("--verbose", "-v", action="store_true", help="list every miss and false find")


def cmd_eval_extract(args: argparse.Namespace) -> int:
    from kg.extract.evaluate import evaluate_dir, render, targets_for, unmet

    code = 0
    for number, directory in enumerate(Path(d) for d in args.directories):
        report = evaluate_dir(directory)
        targets = targets_for(directory)
        if number:
            print()
        print(render(report, verbose=args.verbose))
        below = unmet(report, targets)
        if below:
            print(f"kg: {directory}: below target: {'; '.join(below)}", file=sys.stderr)
            code = 1
        else:
            print("targets met: " + ", ".join(f"{part} {measure} >= {value}" for measure, parts in targets.items()
                                              for part, value in parts.items()))
    return code


COMMANDS = [
    Command("extract", cmd_extract, "find people, organizations, roles and attributed claims in articles and "
            "documents (.txt, .md, .html, .pdf, .docx, .odt, .eml) and write them as a case file to review and ingest",
            "kg extract article.html -o article.case.yaml   # review, correct, then: kg ingest article.case.yaml\n"
            "  kg extract news/*.txt -o extracted/            # one case file per article\n"
            "  kg extract report.pdf -o report.case.yaml      # evidence names its page", extract_arguments),
    Command("eval-extract", cmd_eval_extract, "score extraction against hand-written gold annotations "
            "(NAME.gold.yaml), each folder reported on its own",
            "kg eval-extract tests/data/articles             # scores; exit 1 if a folder misses its targets.yaml\n"
            "  kg eval-extract tests/data/articles --verbose   # every miss and false find",
            eval_extract_arguments),
]
