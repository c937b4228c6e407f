"""Real SPARQL clients against the running endpoint: SPARQLWrapper and rdflib's SPARQLStore.

Answers are compared with the same questions asked of the curated graph in-process.
"""

from __future__ import annotations

import os
import shutil
import urllib.error
import warnings
from collections.abc import Iterable, Iterator
from pathlib import Path

import pytest
from conftest import SparqlServer
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import RDF
from rdflib.plugins.stores.sparqlstore import SPARQLStore, SPARQLUpdateStore
from SPARQLWrapper import (
    CSV,
    GET,
    JSON,
    JSONLD,
    N3,
    POST,
    POSTDIRECTLY,
    RDFXML,
    TSV,
    TURTLE,
    XML,
    SPARQLWrapper,
)
from SPARQLWrapper.SPARQLExceptions import QueryBadFormed

POL = "https://w3id.org/politiraad/ontology#"
MEETING = URIRef("https://w3id.org/politiraad/id/meeting/2025-10-13")
# DISTINCT: a label stated in two named graphs is one triple of the merged graph.
LABELS = """PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT DISTINCT ?thing ?label WHERE { ?thing skos:prefLabel ?label }"""
CONSTRUCT = f"CONSTRUCT {{ ?m a <{POL}Meeting> }} WHERE {{ ?m a <{POL}Meeting> }}"


def expected_labels(curated_union: Graph) -> list[tuple[str, Literal]]:
    found = curated_union.query(LABELS)
    return ordered((str(row[0]), row[1]) for row in found)  # type: ignore[index]


def ordered(pairs: Iterable[tuple[str, Literal]]) -> list[tuple[str, Literal]]:
    """Sort answers the same way whatever order the engine gave them in."""
    return sorted(pairs, key=lambda p: (p[0], str(p[1]), p[1].language or ""))


def expected_meetings(curated_union: Graph) -> Graph:
    graph = Graph()
    for meeting in curated_union.subjects(RDF.type, URIRef(POL + "Meeting")):
        graph.add((meeting, RDF.type, URIRef(POL + "Meeting")))
    return graph


def wrapper(server: SparqlServer, query: str, fmt: str, method: str = GET) -> SPARQLWrapper:
    client = SPARQLWrapper(server.endpoint)
    client.setQuery(query)
    client.setReturnFormat(fmt)
    client.setMethod(method)
    return client


# --- SPARQLWrapper -------------------------------------------------------------------------------


@pytest.mark.parametrize("method", [GET, POST, POSTDIRECTLY])
def test_sparqlwrapper_select_json(
    sparql_server: SparqlServer, curated_union: Graph, method: str
) -> None:
    client = wrapper(sparql_server, LABELS, JSON, GET if method == GET else POST)
    if method == POSTDIRECTLY:
        client.setRequestMethod(POSTDIRECTLY)
    data = client.queryAndConvert()
    got = ordered(
        (b["thing"]["value"], Literal(b["label"]["value"], lang=b["label"].get("xml:lang")))
        for b in data["results"]["bindings"]  # type: ignore[index]
    )
    assert got == expected_labels(curated_union)
    assert data["truncated"] is False  # type: ignore[index]


def test_sparqlwrapper_select_xml_csv_tsv(
    sparql_server: SparqlServer, curated_union: Graph
) -> None:
    want = expected_labels(curated_union)
    document = wrapper(sparql_server, LABELS, XML).queryAndConvert()
    results = document.getElementsByTagName("result")  # type: ignore[union-attr]
    assert len(results) == len(want)
    for fmt in (CSV, TSV):
        text = wrapper(sparql_server, LABELS, fmt).queryAndConvert()
        assert isinstance(text, bytes)
        assert len(text.decode("utf-8").strip().splitlines()) == len(want) + 1


def test_sparqlwrapper_ask(sparql_server: SparqlServer) -> None:
    query = f"ASK {{ <{MEETING}> a <{POL}Meeting> }}"
    assert wrapper(sparql_server, query, JSON).queryAndConvert()["boolean"] is True  # type: ignore[index]
    no = f"ASK {{ <{MEETING}> a <{POL}Nothing> }}"
    assert wrapper(sparql_server, no, XML).queryAndConvert() is not None


@pytest.mark.parametrize("fmt", [RDFXML, TURTLE, N3, JSONLD])
def test_sparqlwrapper_construct(
    sparql_server: SparqlServer, curated_union: Graph, fmt: str
) -> None:
    client = wrapper(sparql_server, CONSTRUCT, fmt)
    with warnings.catch_warnings():
        # rdflib's JSON-LD parser (used by SPARQLWrapper for JSON) warns about its own internals.
        warnings.filterwarnings("ignore", "ConjunctiveGraph is deprecated", DeprecationWarning)
        result = client.queryAndConvert()
    if isinstance(result, bytes):
        # The endpoint answers N3 requests with Turtle (which is N3).
        syntax = {TURTLE: "turtle", N3: "turtle", JSONLD: "json-ld"}[fmt]
        graph = Graph().parse(data=result, format=syntax)
    else:
        assert isinstance(result, Graph)
        graph = result
    assert isomorphic(graph, expected_meetings(curated_union))


def test_sparqlwrapper_sees_errors(sparql_server: SparqlServer) -> None:
    with pytest.raises(QueryBadFormed):
        wrapper(sparql_server, "SELECT * WHERE {", JSON).queryAndConvert()
    update = SPARQLWrapper(sparql_server.endpoint, updateEndpoint=sparql_server.endpoint)
    update.setMethod(POST)
    update.setQuery("INSERT DATA { <urn:x:s> <urn:x:p> <urn:x:o> }")
    with pytest.raises(urllib.error.HTTPError) as refused:
        update.query()
    assert refused.value.code == 403


# --- rdflib's SPARQLStore ----------------------------------------------------------------------

# rdflib's SPARQLConnector reads each urlopen() answer without closing it; the socket is closed
# when the response is collected, with a ResourceWarning that is the client's, not ours.
RDFLIB_LEAKS = pytest.mark.filterwarnings(
    "ignore:unclosed <socket:ResourceWarning",
    "ignore::pytest.PytestUnraisableExceptionWarning",
)


@pytest.fixture
def remote(sparql_server: SparqlServer) -> Iterator[Graph]:
    store = SPARQLStore(sparql_server.endpoint, returnFormat="xml", method="GET")
    yield Graph(store=store)
    store.close()


@RDFLIB_LEAKS
def test_rdflib_sparqlstore_select(remote: Graph, curated_union: Graph) -> None:
    got = ordered((str(row[0]), row[1]) for row in remote.query(LABELS))  # type: ignore[index]
    assert got == expected_labels(curated_union)


@RDFLIB_LEAKS
@pytest.mark.parametrize(
    ("fmt", "method"), [("json", "POST"), ("xml", "POST_FORM"), ("csv", "GET")]
)
def test_rdflib_sparqlstore_formats_and_methods(
    sparql_server: SparqlServer, curated_union: Graph, fmt: str, method: str
) -> None:
    store = SPARQLStore(sparql_server.endpoint, returnFormat=fmt, method=method)
    try:
        rows = list(Graph(store=store).query(LABELS))
    finally:
        store.close()
    want = expected_labels(curated_union)
    assert len(rows) == len(want)
    if fmt != "csv":  # CSV carries no language tags
        assert ordered((str(r[0]), r[1]) for r in rows) == want  # type: ignore[index]


@RDFLIB_LEAKS
def test_rdflib_sparqlstore_ask_and_construct(remote: Graph, curated_union: Graph) -> None:
    assert remote.query(f"ASK {{ <{MEETING}> a <{POL}Meeting> }}").askAnswer is True
    got = remote.query(CONSTRUCT).graph
    assert got is not None and isomorphic(got, expected_meetings(curated_union))


@RDFLIB_LEAKS
def test_rdflib_sparqlstore_triples(remote: Graph, curated_union: Graph) -> None:
    got = set(remote.triples((MEETING, None, None)))
    assert got == set(curated_union.triples((MEETING, None, None)))


@RDFLIB_LEAKS
def test_rdflib_update_store_is_refused(sparql_server: SparqlServer) -> None:
    store = SPARQLUpdateStore(sparql_server.endpoint, sparql_server.endpoint)
    try:
        with pytest.raises(Exception, match="403"):
            store.update("INSERT DATA { <urn:x:s> <urn:x:p> <urn:x:o> }")
    finally:
        store.close()


# --- A browser: YASGUI under the editor's Content-Security-Policy ---------------------------------

CHROMIUM = os.environ.get("POLITIRAAD_CHROMIUM", "/usr/bin/chromium")


@pytest.mark.browser
def test_yasgui_runs_queries_in_a_real_browser(sparql_server: SparqlServer) -> None:
    """The editor loads, runs its default query and an example, with no CSP violation at all."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        if os.environ.get("POLITIRAAD_REQUIRE_BROWSER") == "1":
            pytest.fail("browser tests required but the playwright package is not installed")
        pytest.skip("the playwright package is not installed")
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        if os.environ.get("POLITIRAAD_REQUIRE_BROWSER") == "1":
            pytest.fail(f"browser tests required but there is no Chromium at {CHROMIUM}")
        pytest.skip(f"Chromium is not installed at {CHROMIUM}")
    problems: list[str] = []
    outside: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--headless", "--no-sandbox", "--disable-gpu"]
        )
        try:
            page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
            page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: problems.append(str(e)))
            page.on(
                "request",
                lambda r: None if r.url.startswith(sparql_server.base) else outside.append(r.url),
            )
            page.goto(sparql_server.endpoint)
            page.wait_for_selector(".yasgui .CodeMirror", timeout=15_000)
            assert page.is_hidden("#sparql-form")
            page.locator(".yasqe_queryButton:visible").click()
            page.wait_for_selector(".yasr:visible table tbody tr", timeout=15_000)
            assert page.locator(".yasr:visible table tbody tr").count() > 3
            page.locator("button[data-example='cq01-meetings']").click()
            page.locator(".yasqe_queryButton:visible").click()
            page.wait_for_selector(".yasr:visible th:has-text('meeting')", timeout=15_000)
            assert page.locator(".yasr:visible table tbody tr").count() > 1
        finally:
            browser.close()
    assert not problems, problems
    assert not outside, outside
