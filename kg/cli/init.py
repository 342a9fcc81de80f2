"""``kg init DIR``: a starter investigation folder that builds as it is and says, in comments, how to grow.

DIR gets ``kg.toml`` (where the store is, where the decisions are), ``data/case.yaml`` (a commented
case file: one publication, one organization, one person, one attributed claim) and
``data/curation.yaml`` (no decisions yet), so ``cd DIR && kg build`` works at once.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from kg.cli.common import Command
from kg.errors import InputError

KG_TOML = """\
# kg's settings for this investigation; kg reads kg.toml from the folder it is run in.
# Run kg from this folder: `kg build` builds data/ into the store below and writes outputs/.

[store]
path = "outputs/store"        # or: url = "http://127.0.0.1:7878" for an Oxigraph server

[build]
curation = "data/curation.yaml"   # the investigator's decisions (kg merge, split, reject, rename, retype)
"""

CASE_YAML = """\
# A case file: what the investigation knows, written by hand. Every claim says WHO said it and
# WHERE it was published; nothing here is stated as fact. Records refer to each other by `id`.
# The whole format: docs/case-files.md in kg's repository. Add more case files (.yaml, .json,
# .csv), articles (.txt, .md, .html) and RDF files beside this one; `kg build` reads them all.

case:
  id: my-investigation          # a stable key: claim identifiers are minted from it
  title: My investigation
  language: en

publications:
  - id: first-report
    type: NewsArticle           # NewsArticle, Report, ScholarlyArticle, ...
    title: The report that started it
    publisher: example-news
    date: "2024-01-15"
    reliability: C              # Admiralty grade of the source (A-F), yours to set

organizations:
  - id: example-news
    name: Example News
    kind: NewsOutlet

people:
  - id: first-witness
    name: Alex Example
    aliases: [A. Example]
    affiliations:
      - organization: example-news
        role: reporter
        source: first-report    # where the affiliation is stated

claims:
  - id: first-claim
    claimant: first-witness     # who said it
    appears_in: first-report    # where it was published
    about: [example-news]
    text: Example News was told about the deal a year before it was announced.
    kind: reported-speech       # direct-quote (give quote:), reported-speech or unattributed
"""

CURATION_YAML = """\
# Investigator decisions about entities, re-applied on every `kg build` (see `kg merge --help`).
# Written by kg merge / split / reject / rename / retype; safe to edit by hand.
decisions: []
"""


def init_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("directory", metavar="DIR", help="folder to create (must not exist or be empty)")


def cmd_init(args: argparse.Namespace) -> int:
    folder = Path(args.directory)
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise InputError(f"{folder}: exists and is not an empty folder; kg init writes a new one")
    (folder / "data").mkdir(parents=True, exist_ok=True)
    files = {folder / "kg.toml": KG_TOML, folder / "data" / "case.yaml": CASE_YAML,
             folder / "data" / "curation.yaml": CURATION_YAML}
    for path, text in files.items():
        path.write_text(text, encoding="utf-8")
        print(f"wrote {path}")
    print(f"next: cd {folder} && kg build    # then open outputs/graph.html")
    return 0


COMMANDS = [
    Command("init", cmd_init, "write a starter investigation folder: kg.toml, a commented case file, a curation file",
            "kg init my-case && cd my-case && kg build", init_arguments),
]
