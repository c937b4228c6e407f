"""Write query results in the W3C formats (JSON, XML, CSV, TSV) and as a terminal table."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Mapping
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from rdflib import BNode, Literal, URIRef
from rdflib.term import Node

from politiraad_graph.store.base import AskResult, SelectResult


def _json_term(term: Node) -> dict[str, str]:
    if isinstance(term, URIRef):
        return {"type": "uri", "value": str(term)}
    if isinstance(term, BNode):
        return {"type": "bnode", "value": str(term)}
    assert isinstance(term, Literal)
    out = {"type": "literal", "value": str(term)}
    if term.language:
        out["xml:lang"] = term.language
    elif term.datatype is not None:
        out["datatype"] = str(term.datatype)
    return out


def select_json(result: SelectResult, *, extra: Mapping[str, Any] | None = None) -> str:
    """SPARQL 1.1 Query Results JSON; ``extra`` adds top-level members (such as a truncation flag).

    >>> select_json(SelectResult(("x",), [{"x": Literal(1)}]))  # doctest: +NORMALIZE_WHITESPACE
    '{"head": {"vars": ["x"]}, "results": {"bindings": [{"x": {"type": "literal", "value": "1",
      "datatype": "http://www.w3.org/2001/XMLSchema#integer"}}]}}'
    """
    doc: dict[str, Any] = {
        "head": {"vars": list(result.variables)},
        "results": {
            "bindings": [{k: _json_term(v) for k, v in row.items()} for row in result.rows]
        },
    }
    if extra:
        doc.update(extra)
    # One line: results can be large, and every client parses JSON anyway.
    return json.dumps(doc, ensure_ascii=False)


def ask_json(result: AskResult) -> str:
    return json.dumps({"head": {}, "boolean": result.value})


# Characters XML 1.0 cannot carry at all, even escaped.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _xml_text(text: str) -> str:
    return escape(_NOT_XML.sub("\ufffd", text))


def _xml_term(term: Node) -> str:
    if isinstance(term, URIRef):
        return f"<uri>{_xml_text(str(term))}</uri>"
    if isinstance(term, BNode):
        return f"<bnode>{_xml_text(str(term))}</bnode>"
    assert isinstance(term, Literal)
    if term.language:
        return f"<literal xml:lang={quoteattr(term.language)}>{_xml_text(str(term))}</literal>"
    if term.datatype is not None:
        datatype = quoteattr(str(term.datatype))
        return f"<literal datatype={datatype}>{_xml_text(str(term))}</literal>"
    return f"<literal>{_xml_text(str(term))}</literal>"


def select_xml(result: SelectResult) -> str:
    """SPARQL Query Results XML."""
    out = ['<?xml version="1.0"?>', '<sparql xmlns="http://www.w3.org/2005/sparql-results#">']
    out.append("<head>" + "".join(f"<variable name={quoteattr(v)}/>" for v in result.variables))
    out.append("</head><results>")
    for row in result.rows:
        cells = "".join(
            f"<binding name={quoteattr(k)}>{_xml_term(v)}</binding>" for k, v in row.items()
        )
        out.append(f"<result>{cells}</result>")
    out.append("</results></sparql>")
    return "\n".join(out)


def ask_xml(result: AskResult) -> str:
    value = "true" if result.value else "false"
    return (
        '<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">'
        f"<head/><boolean>{value}</boolean></sparql>"
    )


def select_csv(result: SelectResult) -> str:
    """SPARQL 1.1 CSV: plain values, CRLF line ends."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(result.variables)
    for row in result.rows:
        writer.writerow(
            [
                ("_:" + str(row[v]) if isinstance(row.get(v), BNode) else str(row[v]))
                if v in row
                else ""
                for v in result.variables
            ]
        )
    return buffer.getvalue()


_XSD = "http://www.w3.org/2001/XMLSchema#"
# The Turtle forms of numbers: a TSV value written this way reads back with the same datatype.
_TURTLE_NUMBER = {
    _XSD + "integer": re.compile(r"[+-]?[0-9]+"),
    _XSD + "decimal": re.compile(r"[+-]?[0-9]*\.[0-9]+"),
    _XSD + "double": re.compile(r"[+-]?(?:[0-9]+\.[0-9]*[eE][+-]?[0-9]+|\.?[0-9]+[eE][+-]?[0-9]+)"),
}


def _tsv_term(term: Node) -> str:
    """One RDF term in Turtle syntax, numbers in their short form when Turtle reads them back.

    >>> from rdflib.namespace import XSD
    >>> _tsv_term(Literal("5", datatype=XSD.decimal))
    '"5"^^<http://www.w3.org/2001/XMLSchema#decimal>'
    >>> _tsv_term(Literal("2.2", datatype=XSD.decimal))
    '2.2'
    """
    if isinstance(term, URIRef):
        return f"<{term}>"
    if isinstance(term, BNode):
        return f"_:{term}"
    assert isinstance(term, Literal)
    text = (
        str(term)
        .replace("\\", "\\\\")
        .replace('"', '\\"')
        .replace("\n", "\\n")
        .replace("\r", "\\r")
        .replace("\t", "\\t")
    )
    if term.language:
        return f'"{text}"@{term.language}'
    if term.datatype is not None:
        number = _TURTLE_NUMBER.get(str(term.datatype))
        if number is not None and number.fullmatch(str(term)):
            return str(term)
        return f'"{text}"^^<{term.datatype}>'
    return f'"{text}"'


def select_tsv(result: SelectResult) -> str:
    """SPARQL 1.1 TSV: RDF terms in Turtle syntax."""
    lines = ["\t".join(f"?{v}" for v in result.variables)]
    for row in result.rows:
        lines.append("\t".join(_tsv_term(row[v]) if v in row else "" for v in result.variables))
    return "\n".join(lines) + "\n"


def table(result: SelectResult, *, width: int = 60) -> str:
    """A plain text table for a terminal."""

    def show(term: Node | None) -> str:
        if term is None:
            return ""
        text = str(term).replace("\n", " ")
        return text if len(text) <= width else text[: width - 1] + "…"

    rows = [[show(row.get(v)) for v in result.variables] for row in result.rows]
    widths = [max([len(v), *(len(r[i]) for r in rows)]) for i, v in enumerate(result.variables)]
    line = "  ".join(v.ljust(w) for v, w in zip(result.variables, widths, strict=True))
    out = [line, "  ".join("-" * w for w in widths)]
    out += ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) for r in rows]
    out.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(out)
