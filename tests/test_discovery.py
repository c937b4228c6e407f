"""``/.well-known/void``: the live dataset's VoID description, with counts that are true."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient
from rdflib import Graph, URIRef
from rdflib.namespace import RDF, VOID

from politiraad_graph.namespaces import GRAPH

SD_NAME = URIRef("http://www.w3.org/ns/sparql-service-description#name")


def described(client: FlaskClient) -> Graph:
    response = client.get("/.well-known/void")
    assert response.status_code == 200
    assert response.mimetype == "text/turtle"
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    return Graph().parse(data=response.get_data(as_text=True), format="turtle")


def counted(client: FlaskClient, query: str) -> list[dict[str, str]]:
    response = client.post("/sparql", data={"query": query}, headers={"Accept": "application/json"})
    assert response.status_code == 200, response.get_data(as_text=True)
    rows = response.get_json()["results"]["bindings"]
    return [{k: v["value"] for k, v in row.items()} for row in rows]


def test_void_counts_equal_what_the_endpoint_counts(sparql_app: Flask) -> None:
    client = sparql_app.test_client()
    void = described(client)
    (dataset,) = void.subjects(VOID.sparqlEndpoint, None)
    assert (dataset, RDF.type, VOID.Dataset) in void
    assert str(void.value(dataset, VOID.sparqlEndpoint)) == "http://localhost/sparql"
    (total,) = counted(client, "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")
    assert int(void.value(dataset, VOID.triples)) == int(total["n"]) > 1000
    per_graph = {
        row["g"]: int(row["n"])
        for row in counted(
            client, "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
        )
    }
    subsets = {
        str(void.value(subset, SD_NAME)): int(void.value(subset, VOID.triples))
        for subset in void.objects(dataset, VOID.subset)
    }
    assert subsets == per_graph
    assert str(GRAPH) + "reference" in subsets


def test_void_links_resolve_on_the_server(sparql_app: Flask) -> None:
    client = sparql_app.test_client()
    void = described(client)
    for link in (*void.objects(None, VOID.sparqlEndpoint), *void.objects(None, VOID.rootResource)):
        path = str(link).removeprefix("http://localhost")
        assert client.get(path, headers={"Accept": "text/html"}).status_code == 200, path
