"""Result formats: the W3C SPARQL 1.1 result formats for SELECT/ASK, RDF syntaxes for graphs.

JSON (application/sparql-results+json), XML (application/sparql-results+xml), CSV and TSV follow
their W3C specifications; Turtle, N-Triples, JSON-LD, RDF/XML and N3 are written by pyoxigraph's serializers.
Rows are serialized here (not by pyoxigraph) because the row cap cuts the result first.
"""

from __future__ import annotations

import csv
import io
import json

import pyoxigraph as ox

from kg import vocab
from kg.errors import QueryError
from kg.query.runner import Cell, Result

RESULT_FORMATS: dict[str, str] = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
}
GRAPH_FORMATS: dict[str, ox.RdfFormat] = {
    "ttl": ox.RdfFormat.TURTLE,
    "nt": ox.RdfFormat.N_TRIPLES,
    "jsonld": ox.RdfFormat.JSON_LD,
    "rdfxml": ox.RdfFormat.RDF_XML,
    "n3": ox.RdfFormat.N3,
}
MEDIA_TYPES: dict[str, str] = {**RESULT_FORMATS, **{k: f.media_type for k, f in GRAPH_FORMATS.items()}}
_RESULTS_NS = "http://www.w3.org/2005/sparql-results#"
_XML_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;"})


def escape(text: str) -> str:
    """XML text and attribute escaping (xml.sax.saxutils would import urllib: slower start-up)."""
    return text.translate(_XML_ESCAPES)


def quoteattr(text: str) -> str:
    return '"' + escape(text).replace("\n", "&#10;").replace("\r", "&#13;").replace("\t", "&#9;") + '"'


def serialize(result: Result, fmt: str) -> bytes:
    """``result`` in ``fmt`` (json, xml, csv, tsv for SELECT/ASK; ttl, nt, jsonld, rdfxml, n3 for graphs)."""
    if result.is_graph:
        if fmt not in GRAPH_FORMATS:
            raise QueryError(f"a {result.form} result is a graph: use --format {', '.join(GRAPH_FORMATS)}")
        triples = sorted(result.triples, key=str)
        prefixes = vocab.PREFIXES if fmt in ("ttl", "n3", "rdfxml") else None
        return ox.serialize(triples, format=GRAPH_FORMATS[fmt], prefixes=prefixes) or b""
    writer = {"json": _json, "xml": _xml, "csv": _csv, "tsv": _tsv}.get(fmt)
    if writer is None:
        raise QueryError(f"a {result.form} result is a table: use --format table, {', '.join(RESULT_FORMATS)}")
    return writer(result)


def _json_term(term: Cell) -> dict[str, object]:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Triple):
        return {"type": "triple", "value": {"subject": _json_term(term.subject),
                                            "predicate": _json_term(term.predicate),
                                            "object": _json_term(term.object)}}
    assert isinstance(term, ox.Literal)
    out: dict[str, object] = {"type": "literal", "value": term.value}
    if term.language:
        out["xml:lang"] = term.language
    elif term.datatype.value != vocab.XSD_STRING:
        out["datatype"] = term.datatype.value
    return out


def _json(result: Result) -> bytes:
    if result.boolean is not None:
        return json.dumps({"head": {}, "boolean": result.boolean}).encode("utf-8")
    bindings = [{name: _json_term(term) for name, term in zip(result.variables, row, strict=True)
                 if term is not None} for row in result.rows]
    doc = {"head": {"vars": result.variables}, "results": {"bindings": bindings}}
    return json.dumps(doc, ensure_ascii=False).encode("utf-8")


def _xml_term(term: Cell) -> str:
    if isinstance(term, ox.NamedNode):
        return f"<uri>{escape(term.value)}</uri>"
    if isinstance(term, ox.BlankNode):
        return f"<bnode>{escape(term.value)}</bnode>"
    if isinstance(term, ox.Triple):
        parts = zip(("subject", "predicate", "object"), (term.subject, term.predicate, term.object), strict=True)
        return "<triple>" + "".join(f"<{n}>{_xml_term(t)}</{n}>" for n, t in parts) + "</triple>"
    assert isinstance(term, ox.Literal)
    if term.language:
        return f"<literal xml:lang={quoteattr(term.language)}>{_xml_text(term.value)}</literal>"
    if term.datatype.value != vocab.XSD_STRING:
        return f"<literal datatype={quoteattr(term.datatype.value)}>{_xml_text(term.value)}</literal>"
    return f"<literal>{_xml_text(term.value)}</literal>"


def _xml_text(text: str) -> str:
    # XML 1.0 cannot carry most control characters even escaped: write them as U+FFFD
    cleaned = "".join(c if c in "\t\n\r" or c >= " " else "\ufffd" for c in text)
    return escape(cleaned)


def _xml(result: Result) -> bytes:
    out = ['<?xml version="1.0" encoding="utf-8"?>\n', f'<sparql xmlns="{_RESULTS_NS}">\n<head>']
    out += [f"<variable name={quoteattr(name)}/>" for name in result.variables]
    out.append("</head>\n")
    if result.boolean is not None:
        out.append(f"<boolean>{'true' if result.boolean else 'false'}</boolean>\n")
    else:
        out.append("<results>\n")
        for row in result.rows:
            cells = "".join(f"<binding name={quoteattr(name)}>{_xml_term(term)}</binding>"
                            for name, term in zip(result.variables, row, strict=True) if term is not None)
            out.append(f"<result>{cells}</result>\n")
        out.append("</results>\n")
    out.append("</sparql>\n")
    return "".join(out).encode("utf-8")


def _csv_value(term: Cell) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, ox.Triple):
        return str(term)
    return str(term.value)


def _csv(result: Result) -> bytes:
    return labelled_csv(result, None)


def labelled_csv(result: Result, labels: dict[str, str] | None) -> bytes:
    """SPARQL 1.1 CSV; with ``labels`` (IRI -> label), each column that holds IRIs is followed by
    ``NAME_label`` with their labels, for spreadsheets (then no longer the W3C format exactly)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    if result.boolean is not None:
        writer.writerow(["_askResult"])
        writer.writerow(["true" if result.boolean else "false"])
        return buffer.getvalue().encode("utf-8")
    named = [labels is not None and any(isinstance(row[i], ox.NamedNode) for row in result.rows)
             for i in range(len(result.variables))]
    writer.writerow([n for name, add in zip(result.variables, named, strict=True)
                     for n in ((name, f"{name}_label") if add else (name,))])
    for row in result.rows:
        cells: list[str] = []
        for term, add in zip(row, named, strict=True):
            cells.append(_csv_value(term))
            if add:
                cells.append((labels or {}).get(term.value, "") if isinstance(term, ox.NamedNode) else "")
        writer.writerow(cells)
    return buffer.getvalue().encode("utf-8")


def _tsv_value(term: Cell) -> str:
    if term is None:
        return ""
    return str(term).replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def _tsv(result: Result) -> bytes:
    if result.boolean is not None:
        return f"?_askResult\n{'true' if result.boolean else 'false'}\n".encode()
    lines = ["\t".join(f"?{name}" for name in result.variables)]
    lines += ["\t".join(_tsv_value(t) for t in row) for row in result.rows]
    return ("\n".join(lines) + "\n").encode("utf-8")
