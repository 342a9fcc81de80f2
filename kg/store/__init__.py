"""Storage: the kg store (one named graph per source plus a log graph) over an embedded, in-memory
or remote SPARQL 1.1 backend, with its writer locks, read snapshots and store locations.

The lowest layer above kg's base modules: it imports nothing from ingest, extract, resolve, build,
query, export or the CLI (tests/test_layers.py checks).
"""

from kg.store.kgstore import KgStore, SourceGraph, SourceInfo
from kg.store.remotelock import unlock

__all__ = ["KgStore", "SourceGraph", "SourceInfo", "unlock"]
