"""Write query results in the W3C formats (JSON, XML, CSV, TSV) and as a terminal table."""

from __future__ import annotations

import csv
import io
import json
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
    """SPARQL 1.1 Query Results JSON."""
    doc: dict[str, Any] = {
        "head": {"vars": list(result.variables)},
        "results": {
            "bindings": [{k: _json_term(v) for k, v in row.items()} for row in result.rows]
        },
    }
    if extra:
        doc.update(extra)
    return json.dumps(doc, ensure_ascii=False, indent=1)


def ask_json(result: AskResult) -> str:
    return json.dumps({"head": {}, "boolean": result.value})


def _xml_term(term: Node) -> str:
    if isinstance(term, URIRef):
        return f"<uri>{escape(str(term))}</uri>"
    if isinstance(term, BNode):
        return f"<bnode>{escape(str(term))}</bnode>"
    assert isinstance(term, Literal)
    if term.language:
        return f"<literal xml:lang={quoteattr(term.language)}>{escape(str(term))}</literal>"
    if term.datatype is not None:
        return f"<literal datatype={quoteattr(str(term.datatype))}>{escape(str(term))}</literal>"
    return f"<literal>{escape(str(term))}</literal>"


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


def _tsv_term(term: Node) -> str:
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
        numeric = str(term.datatype).rsplit("#", 1)[-1] in {"integer", "decimal", "double"}
        return str(term) if numeric else f'"{text}"^^<{term.datatype}>'
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
