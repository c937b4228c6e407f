"""A small builder for the RDF a release describes itself with (DCAT, VoID, reports, changes).

Statements are collected as N-Triples term strings and written with the same sorted Turtle
writer as the dumps, so that metadata files are as reproducible as the data.
"""

from __future__ import annotations

from collections.abc import Iterable

import pyoxigraph as ox

from politiraad_graph.publish.dataset import Triple, sort_triples
from politiraad_graph.publish.dumps import TermWriter, jsonld_nodes

NS: dict[str, str] = {
    "adms": "http://www.w3.org/ns/adms#",
    "cs": "http://purl.org/vocab/changeset/schema#",
    "dcat": "http://www.w3.org/ns/dcat#",
    "dcatap": "http://data.europa.eu/r5r/",
    "dcterms": "http://purl.org/dc/terms/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "locn": "http://www.w3.org/ns/locn#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "prov": "http://www.w3.org/ns/prov#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "sd": "http://www.w3.org/ns/sparql-service-description#",
    "sh": "http://www.w3.org/ns/shacl#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "spdx": "http://spdx.org/rdf/terms#",
    "vcard": "http://www.w3.org/2006/vcard/ns#",
    "void": "http://rdfs.org/ns/void#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "pol": "https://w3id.org/politiraad/ontology#",
    "polsh": "https://w3id.org/politiraad/shapes#",
    "geosparql": "http://www.opengis.net/ont/geosparql#",
    "schema": "https://schema.org/",
    "org": "http://www.w3.org/ns/org#",
    "oa": "http://www.w3.org/ns/oa#",
    "time": "http://www.w3.org/2006/time#",
}


def q(name: str) -> str:
    """Expand a prefixed name into an N-Triples IRI term.

    >>> q("dcat:Dataset")
    '<http://www.w3.org/ns/dcat#Dataset>'
    """
    prefix, local = name.split(":", 1)
    return f"<{NS[prefix]}{local}>"


def iri(value: str) -> str:
    return f"<{value}>"


def text(value: str, lang: str | None = None) -> str:
    return str(ox.Literal(value, language=lang)) if lang else str(ox.Literal(value))


def typed(value: object, datatype: str) -> str:
    """A typed literal; ``datatype`` is a prefixed name such as ``xsd:date``."""
    return str(ox.Literal(str(value), datatype=ox.NamedNode(q(datatype)[1:-1])))


class Statements:
    """Collects statements about things, without duplicates."""

    def __init__(self) -> None:
        self.triples: set[Triple] = set()

    def add(self, subject: str, predicate: str, *objects: str) -> None:
        for obj in objects:
            self.triples.add((subject, predicate, obj))

    def a(self, subject: str, *classes: str) -> None:
        """Type a thing; classes are prefixed names such as ``dcat:Dataset``."""
        self.add(subject, q("rdf:type"), *(q(c) for c in classes))

    def texts(self, subject: str, predicate: str, nb: str, en: str | None = None) -> None:
        self.add(subject, predicate, text(nb, "nb"))
        if en:
            self.add(subject, predicate, text(en, "en"))

    def sorted(self) -> list[Triple]:
        return sort_triples(self.triples)

    def __len__(self) -> int:
        return len(self.triples)


def turtle(triples: Iterable[Triple], prefixes: dict[str, str] | None = None) -> str:
    """A Turtle document of sorted triples, with the metadata prefixes."""
    from politiraad_graph.publish.dumps import _turtle_block

    terms = TermWriter(prefixes or NS, None)
    blocks = list(_turtle_block(sort_triples(triples), terms))
    return terms.header() + "\n".join(blocks)


def rdfxml(triples: Iterable[Triple]) -> bytes:
    """An RDF/XML document of the triples, in sorted order."""
    from politiraad_graph.publish.dataset import parse_terms

    data = ox.serialize(
        (x.triple for x in parse_terms(("", s, p, o) for s, p, o in sort_triples(triples))),
        format=ox.RdfFormat.RDF_XML,
        prefixes=NS,
    )
    assert isinstance(data, bytes)
    return data


def jsonld(triples: Iterable[Triple]) -> str:
    """A JSON-LD document of the triples with the metadata prefixes as its context."""
    import json

    from politiraad_graph.publish.dataset import parse_terms

    ordered = sort_triples(triples)
    nodes = list(jsonld_nodes(parse_terms(("", s, p, o) for s, p, o in ordered), NS))
    context = json.dumps(dict(sorted(NS.items())), ensure_ascii=False, indent=1)
    return '{\n"@context": ' + context + ',\n"@graph": [\n' + ",\n".join(nodes) + "\n]\n}\n"
