"""Readers that turn source files (case files, RDF) into one source graph each."""
