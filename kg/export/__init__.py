"""Exports: RDF serializations and the HTML network view (drawn from kg.query.network)."""
