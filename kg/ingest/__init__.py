"""Readers: source files (case files, articles, RDF) -> validated records and triples.

``casefile``/``casemodel``/``fields`` read case files into records, ``triples`` turns records into
triples, ``article`` reads articles (text and metadata), ``rdf`` reads RDF; ``guard`` caps sizes.
"""
