"""Discovery for machines: the VoID description of the live dataset at ``/.well-known/void``.

RFC 5785 and the VoID guide (section 7.2) put a dataset's description at this well-known path,
so that a crawler that knows only the host finds the SPARQL endpoint, the IRI space and the size
of each named graph. Counts are computed once per store generation (a GROUP BY over every quad
takes seconds at millions of triples), like the page indexes.
"""

from __future__ import annotations

import threading

from flask import Blueprint, Response, current_app, url_for
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, VOID, XSD

from politiraad_graph.namespaces import GRAPH, ID
from webapp import search

bp = Blueprint("discovery", __name__)
SD = "http://www.w3.org/ns/sparql-service-description#"
_CACHE = "politiraad_void"
_LOCK = threading.Lock()


def graph_sizes() -> dict[str, int]:
    """Triples per named graph of the current generation (computed once per generation)."""
    generation = search.generation()
    cached = current_app.extensions.get(_CACHE)
    if cached is None or cached[0] != generation:
        with _LOCK:
            cached = current_app.extensions.get(_CACHE)
            if cached is None or cached[0] != generation:
                rows = search.select_all("void-graphs")
                sizes = {str(row["graph"]): int(row["triples"]) for row in rows}
                cached = current_app.extensions[_CACHE] = (generation, sizes)
    return dict(cached[1])


def void_graph(home: str, endpoint: str) -> Graph:
    """The VoID description of the dataset the server holds now."""
    graph = Graph()
    graph.bind("void", VOID)
    graph.bind("dcterms", DCTERMS)
    graph.bind("sd", SD)
    dataset = URIRef(home + ".well-known/void#dataset")
    sizes = graph_sizes()
    graph.add((dataset, RDF.type, VOID.Dataset))
    graph.add((dataset, DCTERMS.title, Literal("Politirådet i Oslo", lang="nb")))
    graph.add((dataset, DCTERMS.title, Literal("The police council of Oslo", lang="en")))
    graph.add((dataset, VOID.sparqlEndpoint, URIRef(endpoint)))
    graph.add((dataset, VOID.uriSpace, Literal(str(ID))))
    graph.add((dataset, VOID.rootResource, URIRef(home)))
    graph.add((dataset, VOID.triples, Literal(sum(sizes.values()), datatype=XSD.integer)))
    for name, size in sorted(sizes.items()):
        subset = URIRef(home + ".well-known/void#" + name.removeprefix(str(GRAPH)))
        graph.add((dataset, VOID.subset, subset))
        graph.add((subset, RDF.type, VOID.Dataset))
        graph.add((subset, URIRef(SD + "name"), URIRef(name)))
        graph.add((subset, VOID.triples, Literal(size, datatype=XSD.integer)))
    return graph


@bp.get("/.well-known/void")
def void() -> Response:
    home = url_for("pages.home", _external=True)
    endpoint = url_for("sparql.endpoint", _external=True)
    body = void_graph(home, endpoint).serialize(format="turtle")
    response = Response(body, mimetype="text/turtle")
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response
