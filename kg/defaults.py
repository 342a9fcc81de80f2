"""Defaults shared by the library and the command line, in a module that imports nothing.

The CLI reads these while building its parser; keeping them here means `kg --help` and
`kg query` start without importing rdflib, pyvis or spaCy.
"""

from __future__ import annotations

from pathlib import Path

DEFAULT_STORE = Path("outputs/store")
CURATION_FILE = "curation.yaml"
DEFAULT_NODE_LIMIT = 5000
EXPORT_FORMATS = ("ttl", "trig", "nt", "nq", "jsonld")
