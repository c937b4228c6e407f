"""The SPARQL endpoint through Flask's test client: the protocol matrix, the read-only rules,
the limits, the service description, the editor page and the canned queries."""

from __future__ import annotations

import csv
import io
import json
import re
import warnings
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from flask import Flask
from flask.testing import FlaskClient
from rdflib import Graph, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import RDF

from politiraad_graph.queries import library
from politiraad_graph.store.base import checksum
from politiraad_graph.store.oxigraph import OxigraphStore
from webapp import sparql

POL = "https://w3id.org/politiraad/ontology#"
GRAPH = "https://w3id.org/politiraad/graph/"
MEETING = "https://w3id.org/politiraad/id/meeting/2025-10-13"
SD = "http://www.w3.org/ns/sparql-service-description#"
MEETINGS = f"SELECT ?m WHERE {{ ?m a <{POL}Meeting> }} ORDER BY ?m"
CONSTRUCT = f"CONSTRUCT {{ ?m a <{POL}Meeting> }} WHERE {{ ?m a <{POL}Meeting> }}"
SELECT_MEDIA = {
    "application/sparql-results+json": "json",
    "application/json": "json",
    "application/sparql-results+xml": "xml",
    "application/xml": "xml",
    "text/csv": "csv",
    "text/tab-separated-values": "tsv",
}
GRAPH_MEDIA = {
    "text/turtle": "turtle",
    "application/n-triples": "nt",
    "application/ld+json": "json-ld",
    "application/rdf+xml": "xml",
}


@pytest.fixture
def client(sparql_app: Flask) -> FlaskClient:
    return sparql_app.test_client()


def parse_rdf(data: bytes, syntax: str) -> Graph:
    """Parse an answer; rdflib's JSON-LD parser warns about its own use of ConjunctiveGraph."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "ConjunctiveGraph is deprecated", DeprecationWarning)
        return Graph().parse(data=data, format=syntax)


def static_status(client: FlaskClient, path: str) -> int:
    """Fetch a static file and close it (Flask streams it from an open file)."""
    with client.get(path) as response:
        return response.status_code


def meetings(curated_union: Graph) -> list[str]:
    return sorted(str(s) for s in curated_union.subjects(RDF.type, URIRef(POL + "Meeting")))


def rows(response_json: dict[str, object]) -> list[dict[str, str]]:
    bindings = response_json["results"]["bindings"]  # type: ignore[index]
    return [{k: v["value"] for k, v in row.items()} for row in bindings]  # type: ignore[union-attr]


# --- Unit: negotiation and the query's shape -----------------------------------------------------


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        (None, "json"),
        ("", "json"),
        ("*/*", "json"),
        ("text/csv", "csv"),
        ("text/csv;q=0.5, application/sparql-results+xml;q=0.8", "xml"),
        ("text/*", "csv"),
        ("application/sparql-results+json;q=0, */*;q=0.1", "xml"),
        ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "html"),
        ("application/sparql-results+json,*/*;q=0.9", "json"),
        ("TEXT/CSV", "csv"),
        ("text/csv;q=bogus, text/tab-separated-values", "tsv"),
    ],
)
def test_negotiate_picks_the_clients_preference(accept: str | None, expected: str) -> None:
    offers = [f for f in sparql.FORMATS if "select" in f.kinds]
    chosen = sparql.negotiate(accept, offers)
    assert chosen is not None and chosen[0].name == expected


def test_negotiate_refuses_what_it_cannot_give() -> None:
    offers = [f for f in sparql.FORMATS if "graph" in f.kinds and f.name != "html"]
    assert sparql.negotiate("application/sparql-results+json", offers) is None
    assert sparql.negotiate("text/turtle;q=0, application/rdf+xml;q=0", offers[:1]) is None


@pytest.mark.parametrize(
    ("text", "service"),
    [
        ("SELECT * { SERVICE <http://x/> { ?s ?p ?o } }", True),
        ("select * { service silent <http://x/> { ?s ?p ?o } }", True),
        ("SELECT * { ?a ?b ?c OPTIONAL { SERVICE ?x { ?s ?p ?o } } }", True),
        ("SELECT * { \\u0053ERVICE <http://x/> { ?s ?p ?o } }", True),
        ('SELECT * { ?s ?p "SERVICE <http://x/> {}" }', False),
        ("SELECT * { ?s ?p ?o } # SERVICE <http://x/> {}", False),
        ("PREFIX e: <http://e/> SELECT * { ?s e:SERVICE ?o }", False),
        ("SELECT * { ?s <http://x/SERVICE> ?o }", False),
        ("SELECT ?SERVICE { ?SERVICE ?p ?o }", False),
    ],
)
def test_read_shape_finds_service_keywords_only(text: str, service: bool) -> None:
    assert sparql.read_shape(text, "http://localhost/sparql").service is service


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("SELECT * WHERE { ?s ?p ?o }", "SELECT * FROM <g:1> WHERE { ?s ?p ?o }"),
        ("SELECT * { ?s ?p ?o }", "SELECT * FROM <g:1> { ?s ?p ?o }"),
        ("ASK { }", "ASK FROM <g:1> { }"),
        (
            "SELECT (EXISTS { ?a ?b ?c } AS ?e) WHERE { }",
            "SELECT (EXISTS { ?a ?b ?c } AS ?e) FROM <g:1> WHERE { }",
        ),
        (
            "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }",
            "CONSTRUCT { ?s ?p ?o } FROM <g:1> WHERE { ?s ?p ?o }",
        ),
        ("CONSTRUCT WHERE { ?s ?p ?o }", "CONSTRUCT FROM <g:1> WHERE { ?s ?p ?o }"),
        ("DESCRIBE <x:a>", "DESCRIBE <x:a> FROM <g:1>"),
        ("DESCRIBE <x:a> LIMIT 1", "DESCRIBE <x:a> FROM <g:1> LIMIT 1"),
        ("SELECT * FROM <h:9> FROM NAMED <h:8> { }", "SELECT * FROM <g:1> { }"),
    ],
)
def test_with_dataset_puts_the_clause_where_sparql_wants_it(text: str, expected: str) -> None:
    shape = sparql.read_shape(text, "http://localhost/sparql", placing=True)
    assert sparql.with_dataset(text, shape, ["g:1"], []) == expected


def test_read_shape_resolves_prefixes_and_base() -> None:
    text = "PREFIX g: <http://g/> BASE <http://b/> SELECT * FROM g:a FROM NAMED <c> { }"
    shape = sparql.read_shape(text, "http://x/")
    assert (shape.default_graphs, shape.named_graphs) == (("http://g/a",), ("http://b/c",))
    assert shape.source is None


def test_read_shape_reads_the_dataset_with_escapes_applied() -> None:
    # Engines apply \u escapes before parsing, twice-escaped ones included once they reach one.
    for keyword in (r"FR\u004FM", r"FR\u005Cu004FM"):
        text = f"SELECT * {keyword} <http://remote/g> {{ ?s ?p ?o }}"
        shape = sparql.read_shape(text, "http://x/")
        assert shape.default_graphs == ("http://remote/g",)
        assert shape.source == "SELECT * FROM <http://remote/g> { ?s ?p ?o }"


@pytest.mark.parametrize(
    ("text", "update"),
    [
        ("DROP ALL", True),
        ("PREFIX x: <urn:x:>\nBASE <http://b/>\ninsert data { <s> <p> 1 }", True),
        ("# a comment\nWITH <urn:g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }", True),
        ("ASK {}\n;\nCLEAR ALL", True),
        (r"\u0044\u0052OP ALL", True),
        ("\ufeffLOAD <file:///etc/passwd>", True),
        ('SELECT * { ?s <urn:x:drop> "DROP ALL" } ORDER BY ?s', False),
        ("SELECT (COUNT(*) AS ?copy) { ?s x:add ?o } # INSERT", False),
        ("CONSTRUCT { ?s <urn:with> ?o } WHERE { ?s ?p ?o }", False),
    ],
)
def test_read_shape_tells_an_update_from_a_query(text: str, update: bool) -> None:
    assert sparql.read_shape(text, "http://localhost/sparql").update is update


# --- The protocol: operations -------------------------------------------------------------------


def test_get_select(client: FlaskClient, curated_union: Graph) -> None:
    response = client.get("/sparql", query_string={"query": MEETINGS})
    assert response.status_code == 200
    assert response.mimetype == "application/sparql-results+json"
    assert [r["m"] for r in rows(response.get_json())] == meetings(curated_union)


def test_post_form_and_post_direct_agree_with_get(client: FlaskClient) -> None:
    by_get = client.get("/sparql", query_string={"query": MEETINGS}).get_json()
    by_form = client.post("/sparql", data={"query": MEETINGS}).get_json()
    by_body = client.post(
        "/sparql", data=MEETINGS.encode(), content_type="application/sparql-query"
    ).get_json()
    assert by_get == by_form == by_body


def test_trailing_slash_is_the_same_endpoint(client: FlaskClient) -> None:
    response = client.get("/sparql/", query_string={"query": "ASK {}"})
    assert response.status_code == 200 and response.get_json()["boolean"] is True


def test_ask_in_json_and_xml(client: FlaskClient) -> None:
    query = f"ASK {{ <{MEETING}> a <{POL}Meeting> }}"
    assert client.get("/sparql", query_string={"query": query}).get_json() == {
        "head": {},
        "boolean": True,
    }
    xml = client.get("/sparql", query_string={"query": query}, headers={"Accept": "text/xml"})
    assert xml.mimetype == "text/xml"
    assert "<boolean>true</boolean>" in xml.get_data(as_text=True)


def test_ask_in_csv_is_not_acceptable(client: FlaskClient) -> None:
    response = client.get("/sparql", query_string={"query": "ASK {}", "format": "csv"})
    assert response.status_code == 406
    assert "application/sparql-results+json" in response.get_data(as_text=True)


@pytest.mark.parametrize(("media", "kind"), SELECT_MEDIA.items())
def test_select_in_every_results_format(
    client: FlaskClient, curated_union: Graph, media: str, kind: str
) -> None:
    response = client.get("/sparql", query_string={"query": MEETINGS}, headers={"Accept": media})
    assert response.status_code == 200
    assert response.mimetype == media
    text = response.get_data(as_text=True)
    expected = meetings(curated_union)
    if kind == "json":
        assert [r["m"] for r in rows(json.loads(text))] == expected
    elif kind == "xml":
        assert re.findall(r"<uri>([^<]*)</uri>", text) == expected
    elif kind == "csv":
        assert text.endswith("\r\n")
        assert [r[0] for r in csv.reader(io.StringIO(text))] == ["m", *expected]
    else:
        assert text.splitlines() == ["?m", *(f"<{m}>" for m in expected)]


@pytest.mark.parametrize("name", ["json", "xml", "csv", "tsv", "srj", "text/csv"])
def test_format_parameter_overrides_accept(client: FlaskClient, name: str) -> None:
    response = client.get(
        "/sparql", query_string={"query": MEETINGS, "format": name}, headers={"Accept": "image/png"}
    )
    assert response.status_code == 200
    expected = {"srj": "json", "text/csv": "csv"}.get(name, name)
    assert sparql.FORMAT_NAMES[response.mimetype][0] == expected


@pytest.mark.parametrize(("media", "syntax"), GRAPH_MEDIA.items())
def test_construct_in_every_rdf_format(
    client: FlaskClient, curated_union: Graph, media: str, syntax: str
) -> None:
    response = client.get("/sparql", query_string={"query": CONSTRUCT}, headers={"Accept": media})
    assert response.status_code == 200 and response.mimetype == media
    got = parse_rdf(response.get_data(), syntax)
    expected = Graph()
    for meeting in meetings(curated_union):
        expected.add((URIRef(meeting), RDF.type, URIRef(POL + "Meeting")))
    assert isomorphic(got, expected)


def test_construct_defaults_to_turtle_and_json_means_json_ld(client: FlaskClient) -> None:
    assert client.get("/sparql", query_string={"query": CONSTRUCT}).mimetype == "text/turtle"
    as_json = client.get("/sparql", query_string={"query": CONSTRUCT, "format": "json"})
    assert as_json.mimetype == "application/ld+json"


def test_describe_is_rdf(client: FlaskClient) -> None:
    response = client.get("/sparql", query_string={"query": f"DESCRIBE <{MEETING}>"})
    assert response.status_code == 200 and response.mimetype == "text/turtle"
    graph = Graph().parse(data=response.get_data(), format="turtle")
    assert (URIRef(MEETING), RDF.type, URIRef(POL + "Meeting")) in graph


def test_browsers_get_an_html_table(client: FlaskClient) -> None:
    response = client.get(
        "/sparql",
        query_string={"query": MEETINGS},
        headers={"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"},
    )
    assert response.status_code == 200 and response.mimetype == "text/html"
    assert 'href="/page/meeting/2025-10-13"' in response.get_data(as_text=True)


def test_head_answers_like_get_without_a_body(client: FlaskClient) -> None:
    get = client.get("/sparql", query_string={"query": MEETINGS})
    head = client.head("/sparql", query_string={"query": MEETINGS})
    assert head.status_code == 200 and head.data == b""
    assert head.headers["Content-Type"] == get.headers["Content-Type"]
    assert head.headers["Content-Length"] == get.headers["Content-Length"]
    assert client.head("/sparql").status_code == 200


@pytest.mark.parametrize(
    ("accept", "format_"),
    [("image/png", None), ("application/sparql-results+json", None), (None, "rdf+json")],
)
def test_406_and_400_for_formats_it_cannot_give(
    client: FlaskClient, accept: str | None, format_: str | None
) -> None:
    query = {"query": CONSTRUCT} if accept != "image/png" else {"query": MEETINGS}
    if format_:
        query["format"] = format_
    headers = {"Accept": accept} if accept else {}
    response = client.get("/sparql", query_string=query, headers=headers)
    assert response.status_code == (400 if format_ else 406)
    assert response.mimetype == "text/plain"


# --- The protocol: readable 400s -----------------------------------------------------------------


def test_syntax_error_is_a_readable_400(client: FlaskClient) -> None:
    response = client.get("/sparql", query_string={"query": "SELEKT * WHERE { ?s ?p ?o }"})
    assert response.status_code == 400
    text = response.get_data(as_text=True)
    assert text.startswith("400 Bad Request: Query error:") and "1:" in text


@pytest.mark.parametrize(
    ("method", "url", "body", "content_type", "needle"),
    [
        ("GET", "/sparql?query=ASK%7B%7D&query=ASK%7B%7D", None, None, "more than once"),
        (
            "POST",
            "/sparql?query=ASK%7B%7D",
            "query=ASK%7B%7D",
            "application/x-www-form-urlencoded",
            "more than once",
        ),
        ("POST", "/sparql?query=ASK%7B%7D", "ASK {}", "application/sparql-query", "more than once"),
        ("POST", "/sparql", "ASK {}", "text/plain", "Content-Type text/plain"),
        ("POST", "/sparql", "query=ASK%7B%7D", None, "no Content-Type"),
        ("POST", "/sparql", "ASK {}", None, "no Content-Type"),
        ("POST", "/sparql", b"\xff\xfeA\x00S\x00K\x00", "application/sparql-query", "UTF-8"),
        ("POST", "/sparql", "ASK {}", "application/sparql-query; charset=UTF-16", "UTF-16"),
        ("POST", "/sparql", "query=%FF%FE", "application/x-www-form-urlencoded", "UTF-8"),
        ("GET", "/sparql?query=%FF", None, None, "UTF-8"),
        ("GET", "/sparql?query=%20", None, None, "empty"),
        ("POST", "/sparql", "", "application/x-www-form-urlencoded", "no query"),
        ("GET", "/sparql?query=ASK%7B%7D&timeout=soon", None, None, "timeout"),
        ("GET", "/sparql?query=ASK%7B%7D&timeout=-1", None, None, "timeout"),
        (
            "GET",
            "/sparql?query=ASK%7B%7D&default-graph-uri=not%20an%20iri",
            None,
            None,
            "graph IRI",
        ),
    ],
)
def test_bad_requests_are_400_with_a_reason(
    client: FlaskClient,
    method: str,
    url: str,
    body: str | bytes | None,
    content_type: str | None,
    needle: str,
) -> None:
    headers = {"Content-Type": content_type} if content_type else {}
    data = body.encode() if isinstance(body, str) else body
    response = client.open(url, method=method, data=data, headers=headers)
    assert response.status_code == 400, response.get_data(as_text=True)
    assert needle in response.get_data(as_text=True)
    assert response.headers["Access-Control-Allow-Origin"] == "*"


def test_other_methods_are_405(client: FlaskClient) -> None:
    for method in ("PUT", "DELETE", "PATCH"):
        assert client.open("/sparql?query=ASK%7B%7D", method=method).status_code == 405


# --- Read-only: every update form refused, nothing changed --------------------------------------

UPDATES = [
    "INSERT DATA { <urn:x:s> <urn:x:p> <urn:x:o> }",
    "DELETE DATA { GRAPH <https://w3id.org/politiraad/graph/reference> { ?s ?p ?o } }",
    "DELETE WHERE { ?s ?p ?o }",
    "WITH <https://w3id.org/politiraad/graph/reference> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
    "LOAD <http://127.0.0.1:9/data.ttl>",
    "LOAD SILENT <http://127.0.0.1:9/data.ttl> INTO GRAPH <urn:x:g>",
    "CLEAR ALL",
    "CLEAR DEFAULT",
    "DROP ALL",
    "DROP GRAPH <https://w3id.org/politiraad/graph/reference>",
    "CREATE GRAPH <urn:x:g>",
    "ADD <https://w3id.org/politiraad/graph/reference> TO <urn:x:g>",
    "MOVE <https://w3id.org/politiraad/graph/reference> TO <urn:x:g>",
    "COPY <https://w3id.org/politiraad/graph/reference> TO <urn:x:g>",
]


@pytest.fixture
def unchanged(sparql_app: Flask, sparql_store_path: Path) -> Iterator[None]:
    """Check that the store's checksum is the same after the test."""
    before = checksum(OxigraphStore(sparql_store_path, read_only=True))
    yield
    sparql_app.test_client().get("/sparql", query_string={"query": "ASK {}"})
    assert checksum(OxigraphStore(sparql_store_path, read_only=True)) == before


@pytest.mark.usefixtures("unchanged")
@pytest.mark.parametrize("update", UPDATES)
def test_every_update_form_is_refused(client: FlaskClient, update: str) -> None:
    attempts = [
        client.get("/sparql", query_string={"update": update}),
        client.post("/sparql", data={"update": update}),
        client.post("/sparql", data=update.encode(), content_type="application/sparql-update"),
        client.post("/sparql", data={"query": update}),
        client.get("/sparql", query_string={"query": update}),
        client.post("/sparql", data=update.encode(), content_type="application/sparql-query"),
        client.post("/sparql", data={"query": "ASK {}", "update": update}),
    ]
    for response in attempts:
        assert 400 <= response.status_code < 500, response.get_data(as_text=True)
    assert attempts[0].status_code == attempts[1].status_code == attempts[2].status_code == 403
    assert "read-only" in attempts[2].get_data(as_text=True)


# --- Closed to the outside: SERVICE and FROM ----------------------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }",
        "SELECT * WHERE { SERVICE SILENT <http://127.0.0.1:9/sparql> { ?s ?p ?o } }",
        "SELECT * WHERE { BIND(<http://127.0.0.1:9/> AS ?e) SERVICE ?e { ?s ?p ?o } }",
        "SELECT * WHERE { \\u0053ERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }",
        "ASK { FILTER EXISTS { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } } }",
    ],
)
def test_service_is_refused(client: FlaskClient, query: str) -> None:
    response = client.get("/sparql", query_string={"query": query})
    assert response.status_code == 400
    assert "SERVICE is not allowed" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * FROM <http://127.0.0.1:9/data.ttl> WHERE { ?s ?p ?o }",
        "SELECT * FROM NAMED <http://127.0.0.1:9/data.ttl> WHERE { GRAPH ?g { ?s ?p ?o } }",
        "PREFIX r: <http://127.0.0.1:9/> ASK FROM r:data {}",
        f"SELECT * FROM <{GRAPH}reference> FROM <{GRAPH}meeting/1999-01-01> {{ ?s ?p ?o }}",
    ],
)
def test_from_a_graph_we_do_not_hold_is_refused(client: FlaskClient, query: str) -> None:
    response = client.get("/sparql", query_string={"query": query})
    assert response.status_code == 400
    assert "does not hold" in response.get_data(as_text=True)


def test_service_in_a_string_or_comment_is_fine(client: FlaskClient) -> None:
    query = 'ASK { BIND("SERVICE <http://127.0.0.1:9/> {}" AS ?x) } # SERVICE <http://x/> {}'
    assert client.get("/sparql", query_string={"query": query}).status_code == 200


def test_from_named_a_graph_we_hold(client: FlaskClient) -> None:
    query = f"SELECT DISTINCT ?g FROM NAMED <{GRAPH}reference> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}"
    response = client.get("/sparql", query_string={"query": query})
    assert response.status_code == 200
    assert rows(response.get_json()) == [{"g": GRAPH + "reference"}]


def test_named_graph_uri_chooses_the_named_graphs(client: FlaskClient) -> None:
    query = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } } ORDER BY ?g"
    both = [GRAPH + "reference", GRAPH + "ontology"]
    response = client.get(
        "/sparql",
        query_string=[("query", query), *(("named-graph-uri", g) for g in both)],
    )
    assert [r["g"] for r in rows(response.get_json())] == sorted(both)
    # A graph we do not hold is empty, never fetched; the protocol dataset overrides FROM NAMED.
    response = client.get(
        "/sparql",
        query_string={
            "query": query.replace("WHERE", f"FROM NAMED <{GRAPH}ontology> WHERE"),
            "named-graph-uri": "http://127.0.0.1:9/elsewhere",
        },
    )
    assert response.status_code == 200 and rows(response.get_json()) == []


def test_default_graph_uri_narrows_the_default_graph(client: FlaskClient) -> None:
    query = f"ASK {{ ?m a <{POL}Meeting> }}"
    response = client.get(
        "/sparql", query_string={"query": query, "default-graph-uri": GRAPH + "ontology"}
    )
    assert response.get_json()["boolean"] is False


# --- Limits -------------------------------------------------------------------------------------


def test_limits_are_in_the_headers(client: FlaskClient) -> None:
    response = client.get("/sparql", query_string={"query": MEETINGS})
    assert response.headers[sparql.TRUNCATED_HEADER] == "false"
    assert response.headers[sparql.ROW_CAP_HEADER] == "10000"
    assert response.headers[sparql.TIME_LIMIT_HEADER] == "2"
    assert response.get_json()["truncated"] is False
    asked = client.get("/sparql", query_string={"query": MEETINGS, "timeout": "0.5"})
    assert asked.headers[sparql.TIME_LIMIT_HEADER] == "0.5"
    capped = client.get("/sparql", query_string={"query": MEETINGS, "timeout": "999"})
    assert capped.headers[sparql.TIME_LIMIT_HEADER] == "5"


@pytest.fixture
def capped(sparql_capped_app: Flask) -> FlaskClient:
    return sparql_capped_app.test_client()


ALL_TRIPLES = "SELECT ?s ?p ?o WHERE { ?s ?p ?o }"


@pytest.mark.parametrize("media", [*SELECT_MEDIA, "text/html"])
def test_row_cap_cuts_and_says_so_in_every_results_format(capped: FlaskClient, media: str) -> None:
    response = capped.get("/sparql", query_string={"query": ALL_TRIPLES}, headers={"Accept": media})
    assert response.status_code == 200
    assert response.headers[sparql.TRUNCATED_HEADER] == "true"
    assert response.headers[sparql.ROW_CAP_HEADER] == "3"
    text = response.get_data(as_text=True)
    kind = SELECT_MEDIA.get(media, "html")
    if kind == "json":
        document = json.loads(text)
        assert document["truncated"] is True and len(document["results"]["bindings"]) == 3
    elif kind == "xml":
        assert text.count("<result>") == 3
    elif kind == "csv":
        assert len(list(csv.reader(io.StringIO(text)))) == 4
    elif kind == "tsv":
        assert len(text.splitlines()) == 4
    else:
        assert text.count("<tr>") == 4 and "3" in text


@pytest.mark.parametrize("media", GRAPH_MEDIA)
def test_row_cap_cuts_graphs_and_says_so(capped: FlaskClient, media: str) -> None:
    query = "CONSTRUCT WHERE { ?s ?p ?o }"
    response = capped.get("/sparql", query_string={"query": query}, headers={"Accept": media})
    assert response.headers[sparql.TRUNCATED_HEADER] == "true"
    assert len(parse_rdf(response.get_data(), GRAPH_MEDIA[media])) == 3


def test_under_the_cap_nothing_is_flagged(capped: FlaskClient) -> None:
    response = capped.get("/sparql", query_string={"query": ALL_TRIPLES + " LIMIT 3"})
    assert response.headers[sparql.TRUNCATED_HEADER] == "false"
    assert response.get_json()["truncated"] is False


@pytest.mark.parametrize(
    "content_type", ["application/sparql-query", "application/x-www-form-urlencoded"]
)
def test_413_beyond_the_request_size(client: FlaskClient, content_type: str) -> None:
    padding = "#" + "x" * 60_000 + "\n"
    body = padding + "ASK {}"
    if content_type.endswith("urlencoded"):
        body = "query=" + quote(body)
    response = client.post("/sparql", data=body.encode(), content_type=content_type)
    assert response.status_code == 413
    assert response.headers["Access-Control-Allow-Origin"] == "*"


def test_414_for_a_huge_url(client: FlaskClient) -> None:
    response = client.get("/sparql", query_string={"query": "ASK {} #" + "x" * 60_000})
    assert response.status_code == 414


# --- CORS ---------------------------------------------------------------------------------------


def test_cors_on_answers_and_preflight(client: FlaskClient) -> None:
    origin = {"Origin": "https://editor.example"}
    for response in (
        client.get("/sparql", query_string={"query": "ASK {}"}, headers=origin),
        client.post("/sparql", data={"query": "ASK {}"}, headers=origin),
        client.get("/sparql", headers=origin),
    ):
        assert response.headers["Access-Control-Allow-Origin"] == "*"
        assert sparql.TRUNCATED_HEADER in response.headers["Access-Control-Expose-Headers"]
    preflight = client.options(
        "/sparql",
        headers={
            **origin,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type, x-requested-with",
        },
    )
    assert preflight.status_code == 204
    assert preflight.headers["Access-Control-Allow-Origin"] == "*"
    assert "POST" in preflight.headers["Access-Control-Allow-Methods"]
    allowed = preflight.headers["Access-Control-Allow-Headers"].lower()
    assert "content-type" in allowed and "x-requested-with" in allowed


# --- Service description and editor -------------------------------------------------------------


@pytest.mark.parametrize(
    ("accept", "syntax"),
    [
        (None, "turtle"),
        ("text/turtle", "turtle"),
        ("application/rdf+xml", "xml"),
        ("application/ld+json", "json-ld"),
    ],
)
def test_service_description_parses(
    client: FlaskClient, curated_union: Graph, accept: str | None, syntax: str
) -> None:
    response = client.get("/sparql", headers={"Accept": accept} if accept else {})
    assert response.status_code == 200
    graph = parse_rdf(response.get_data(), syntax)
    service = URIRef("http://localhost/sparql")
    assert (service, RDF.type, URIRef(SD + "Service")) in graph
    assert (service, URIRef(SD + "endpoint"), service) in graph
    assert (service, URIRef(SD + "supportedLanguage"), URIRef(SD + "SPARQL11Query")) in graph
    names = {str(o) for o in graph.objects(None, URIRef(SD + "name"))}
    assert names == {GRAPH + "ontology", GRAPH + "reference"} | {
        GRAPH + f"meeting/{d}" for d in ("2023-01-13", "2025-10-13", "2026-01-29")
    }


def test_editor_for_browsers(client: FlaskClient) -> None:
    response = client.get("/sparql", headers={"Accept": "text/html,*/*;q=0.8"})
    assert response.status_code == 200 and response.mimetype == "text/html"
    page = response.get_data(as_text=True)
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-eval" not in csp
    assert f"style-src 'self' {sparql.YASGUI_STYLE_HASH};" in csp and "unsafe-inline" not in csp
    for script in re.findall(r"<script\b[^>]*>", page):
        assert 'src="/static/' in script or 'type="application/json"' in script, script
    for asset in re.findall(r'(?:src|href)="(/static/[^"]+)"', page):
        assert static_status(client, asset) == 200, asset
    config = json.loads(re.search(r'id="sparql-config">(.*?)</script>', page, re.S).group(1))  # type: ignore[union-attr]
    assert config["endpoint"] == "http://localhost/sparql"
    assert config["defaultQuery"].startswith("PREFIX pol: <https://w3id.org/politiraad/ontology#>")
    assert {e["name"] for e in config["examples"]} == set(library())
    # Without JavaScript the page still has a form that runs queries.
    assert 'name="query"' in page and 'action="/sparql"' in page


def test_editor_form_runs_a_query(client: FlaskClient) -> None:
    response = client.post("/sparql", data={"query": MEETINGS, "format": "html"})
    assert response.status_code == 200 and response.mimetype == "text/html"
    assert "/page/meeting/2025-10-13" in response.get_data(as_text=True)


def test_yasgui_is_vendored_with_its_licence(client: FlaskClient) -> None:
    for name in ("yasgui.min.js", "yasgui.min.css", "LICENSE", "THIRD-PARTY-LICENSES.txt"):
        assert static_status(client, f"/static/vendor/yasgui/{name}") == 200


# --- Escaping -----------------------------------------------------------------------------------


def test_values_from_data_are_escaped_and_never_script_links(client: FlaskClient) -> None:
    query = """SELECT ?evil ?js ?data ?web WHERE {
      BIND("<script>alert(1)</script>" AS ?evil)
      BIND(IRI("javascript:alert(1)") AS ?js)
      BIND(IRI("data:text/html,<b>x</b>") AS ?data)
      BIND(IRI("https://example.org/\\"onmouseover=\\"x") AS ?web)
    }"""
    page = client.post("/sparql", data={"query": query, "format": "html"}).get_data(as_text=True)
    assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)" in page
    assert 'href="javascript:' not in page and 'href="data:' not in page
    assert '"onmouseover' not in page


# --- Canned queries -----------------------------------------------------------------------------


def test_canned_query_list(client: FlaskClient) -> None:
    response = client.get("/queries")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    for name in library():
        assert f'href="/queries/{name}"' in page
    listing = client.get("/queries.json").get_json()
    assert [q["name"] for q in listing["queries"]] == list(library())


@pytest.mark.parametrize("name", sorted(library()))
def test_every_canned_query_has_a_working_page(sparql_default_limits_app: Flask, name: str) -> None:
    # Some competency queries take seconds: these pages run under the default 20 s limit.
    client = sparql_default_limits_app.test_client()
    response = client.get(f"/queries/{name}")
    assert response.status_code == 200, response.get_data(as_text=True)[-2000:]
    page = response.get_data(as_text=True)
    assert f'href="/queries/{name}.json' in page and f'href="/queries/{name}.csv' in page
    assert client.get(f"/queries/{name}.json").status_code == 200
    assert client.get(f"/queries/{name}.csv").status_code == 200


def test_canned_parameters_are_bound_not_pasted(client: FlaskClient) -> None:
    for year in ("2023", "2025"):
        data = client.get("/queries/cq01-meetings.json", query_string={"year": year})
        assert data.status_code == 200
        found = rows(data.get_json())
        assert found and {row["date"][:4] for row in found} == {year}
        table = client.get("/queries/cq01-meetings.csv", query_string={"year": year})
        lines = list(csv.reader(io.StringIO(table.get_data(as_text=True))))
        assert lines[0][0] == "meeting" and len(lines) == len(found) + 1
    everything = rows(client.get("/queries/cq01-meetings.json").get_json())
    assert len({row["date"][:4] for row in everything}) > 2
    default = client.get("/queries/cq02-participants.json").get_json()
    assert {row["meeting"] for row in rows(default)} == {MEETING}
    page = client.get("/queries/cq01-meetings", query_string={"year": "2023"})
    assert page.status_code == 200 and 'value="2023"' in page.get_data(as_text=True)


@pytest.mark.usefixtures("unchanged")
@pytest.mark.parametrize(
    "value",
    [
        "http://x/a> } ; DROP ALL #",
        'x" . ?s ?p ?o } #',
        "javascript:alert(1)>",
    ],
)
def test_canned_parameter_injection_is_a_400(client: FlaskClient, value: str) -> None:
    for url in ("/queries/cq02-participants", "/queries/cq02-participants.json"):
        response = client.get(url, query_string={"meeting": value})
        assert response.status_code == 400
        assert "not a valid IRI" in response.get_data(as_text=True)


def test_canned_errors_and_names(client: FlaskClient) -> None:
    assert client.get("/queries/no-such-query").status_code == 404
    assert client.get("/queries/no-such-query.json").status_code == 404
    unknown = client.get("/queries/cq02-participants.json", query_string={"nonsense": "1"})
    assert unknown.status_code == 400 and "nonsense" in unknown.get_json()["error"]
    short = client.get("/queries/cq2", query_string={"lang": "en"})
    assert short.status_code == 308
    assert short.headers["Location"].startswith("/queries/cq02-participants")
    assert client.get("/queries/cq02-participants", query_string={"lang": "en"}).status_code == 200


def test_canned_page_shows_a_parameter_error(client: FlaskClient) -> None:
    response = client.get("/queries/cq01-meetings", query_string={"year": "twenty"})
    assert response.status_code == 400
    assert "not a year" in response.get_data(as_text=True)


# --- Every store backend ------------------------------------------------------------------------


def test_the_protocol_on_every_backend(sparql_backend_app: Flask, curated_union: Graph) -> None:
    client = sparql_backend_app.test_client()
    select = client.get("/sparql", query_string={"query": MEETINGS})
    assert select.status_code == 200, select.get_data(as_text=True)
    assert [r["m"] for r in rows(select.get_json())] == meetings(curated_union)
    ask = client.post(
        "/sparql",
        data=f"ASK {{ <{MEETING}> ?p ?o }}".encode(),
        content_type="application/sparql-query",
    )
    assert ask.get_json()["boolean"] is True
    construct = client.get("/sparql", query_string={"query": CONSTRUCT, "format": "nt"})
    assert len(Graph().parse(data=construct.get_data(), format="nt")) == len(
        meetings(curated_union)
    )
    for form in ("CLEAR ALL", "DROP ALL"):
        assert client.post("/sparql", data={"update": form}).status_code == 403
    bad = client.get("/sparql", query_string={"query": "SELEKT"})
    assert bad.status_code == 400, bad.get_data(as_text=True)
    service = "SELECT * { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }"
    assert client.get("/sparql", query_string={"query": service}).status_code == 400
    assert client.get("/sparql", query_string={"query": MEETINGS}).get_json() == select.get_json()
    description = Graph().parse(data=client.get("/sparql").get_data(), format="turtle")
    assert len(list(description.objects(None, URIRef(SD + "name")))) == 5
    table = client.get("/queries/cq02-participants.json")
    assert table.status_code == 200 and rows(table.get_json())
