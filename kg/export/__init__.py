"""Exports: RDF serializations and the HTML network view."""
