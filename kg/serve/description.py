"""The endpoint's SPARQL 1.1 Service Description (W3C), in Turtle: what ``GET /sparql`` without a query returns.

Clients and tools (YASGUI, SPARQL crawlers) read it to learn which languages and formats the endpoint
speaks. The service is written with relative IRIs (``<>`` is the endpoint itself, the URL the
description was fetched from), so no Host header ever reaches the document.
"""

from __future__ import annotations

from kg import vocab
from kg.query import formats

SD = "http://www.w3.org/ns/sparql-service-description#"
W3C_FORMATS = "http://www.w3.org/ns/formats/"
# kg's short format names and the W3C's IRIs for them (https://www.w3.org/ns/formats/)
_FORMAT_IRIS = {"json": "SPARQL_Results_JSON", "xml": "SPARQL_Results_XML", "csv": "SPARQL_Results_CSV",
                "tsv": "SPARQL_Results_TSV", "ttl": "Turtle", "nt": "N-Triples", "jsonld": "JSON-LD",
                "rdfxml": "RDF_XML", "n3": "N3"}
MEDIA_TYPE = "text/turtle; charset=utf-8"
_ABOUT = ("kg: people, organizations, publications and attributed claims. SERVICE and LOAD are refused; "
          "each query runs with a time limit and a row cap.")


def service_description(allow_update: bool) -> bytes:
    """The description of this endpoint (read-only, or also taking SPARQL Update)."""
    languages = "sd:SPARQL11Query, sd:SPARQL11Update" if allow_update else "sd:SPARQL11Query"
    shown = [*formats.RESULT_FORMATS, *formats.GRAPH_FORMATS]
    results = ", ".join(f"<{W3C_FORMATS}{_FORMAT_IRIS[name]}>" for name in shown)
    text = f"""@prefix sd: <{SD}> .
@prefix rdfs: <{vocab.RDFS.iri}> .

<> a sd:Service ;
    sd:endpoint <> ;
    sd:supportedLanguage {languages} ;
    sd:resultFormat {results} ;
    sd:defaultDataset [
        a sd:Dataset ;
        sd:defaultGraph [ a sd:Graph ;
            rdfs:comment "The RDF merge of every source graph: a triple several sources state is in it once." ] ;
        rdfs:comment "One named graph per source (GRAPH ?g says which sources state a triple), and the ingest log."
    ] ;
    rdfs:comment "{_ABOUT}" .
"""
    return text.encode("utf-8")
