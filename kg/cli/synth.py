"""``kg synth``: write a seeded, fictional investigation for trials and benchmarks."""

from __future__ import annotations

import argparse
from pathlib import Path

from kg.cli.common import Command


def synth_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--triples", type=int, default=100_000, metavar="N",
                   help="about how many triples the case make (default: 100000); without --articles, about 2%% "
                   "of them come from articles")
    p.add_argument("--articles", type=int, metavar="M",
                   help="write M articles (about 350 triples each) on top of N triples of case files: an "
                   "article-heavy corpus for trials of extraction at scale")
    p.add_argument("--seed", type=int, default=1, metavar="S",
                   help="random seed: the same seed gives the same bytes (default: 1)")
    p.add_argument("-o", "--output", required=True, metavar="DIR", help="folder to create (must not exist or be empty)")


def cmd_synth(args: argparse.Namespace) -> int:
    from kg.synth import world

    result = world.generate(args.triples, args.seed, Path(args.output), args.articles)
    articles = f"{result.articles:,} article{'s' if result.articles != 1 else ''}"
    print(f"wrote {result.case_files} case files ({result.records:,} records) and {articles} "
          f"(about {result.triples:,} triples once ingested) to {args.output}")
    return 0


COMMANDS = [
    Command("synth", cmd_synth, "write a synthetic, fictional investigation (seeded case files and articles) for "
            "trials and benchmarks",
            "kg synth --triples 20000 --seed 7 -o outputs/synth && kg --store outputs/synth-store build "
            "outputs/synth -o outputs/synth-out\n"
            "  kg synth --triples 2000 --articles 400 --seed 3 -o outputs/news   # article-heavy", synth_arguments),
]
