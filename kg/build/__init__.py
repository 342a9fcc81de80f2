"""Building a store from sources (``kg build``, ``kg ingest``): find the sources, prepare each one
(ingest, extract), resolve entities across all of them, then write each source's graph.

The layer that ties ingest, extract and resolve to the store; nothing below it imports it.
"""
