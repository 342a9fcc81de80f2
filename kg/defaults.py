"""Defaults shared by the library and the command line, in a module that imports nothing.

The CLI reads these while building its parser; keeping them here means `kg --help` and
`kg query` start without importing rdflib, pyvis or spaCy.
"""

from __future__ import annotations

from pathlib import Path

DEFAULT_STORE = Path("outputs/store")
CURATION_FILE = "curation.yaml"
DEFAULT_NODE_LIMIT = 5000
RDF_EXPORT_FORMATS = ("ttl", "trig", "nt", "nq", "jsonld")
FILE_EXPORT_FORMATS = (*RDF_EXPORT_FORMATS, "graphml", "gexf", "ftm")  # one file: stdout unless -o
FOLDER_EXPORT_FORMATS = ("csv", "neo4j")  # several files: -o DIR
EXPORT_FORMATS = (*FILE_EXPORT_FORMATS, *FOLDER_EXPORT_FORMATS)
