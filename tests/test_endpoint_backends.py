"""The endpoint's tests again, with the app over the remote SPARQL store (issue 4, item 6).

The tests are the ones of test_sparql_endpoint.py and test_sparql_limits.py, imported here by
name and run with this module's fixtures, which put a Virtuoso of the session's own behind the
same apps (fixtures ``remote_*`` in conftest.py): the protocol (formats, Accept, 400/406/413),
the row cap and its flag, read-only (updates refused, checksum unchanged), SERVICE / FROM with a
loopback listener that must see no connection, and the time limit. What only the remote store
needs is below them: the competency queries give the embedded store's answers, and a query that
Virtuoso itself stops (HTTP 200 with partial rows and ``X-SQL-State: S1TAT``) is a time-out.

Without Virtuoso these tests skip, unless POLITIRAAD_REQUIRE_VIRTUOSO=1 makes them fail.

The fixtures the shared tests ask for by name (``client``, ``capped``, ``sparql_server``,
``unchanged``...) are defined again here over the remote store's apps.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import test_sparql_endpoint as shared_endpoint
import test_sparql_limits as shared_limits
from conftest import SPARQL_TIME_LIMIT, SparqlServer, make_sparql_app, serve_app
from flask import Flask
from flask.testing import FlaskClient
from test_sparql_endpoint import (  # noqa: F401
    test_406_and_400_for_formats_it_cannot_give,
    test_413_beyond_the_request_size,
    test_ask_in_csv_is_not_acceptable,
    test_ask_in_json_and_xml,
    test_bad_requests_are_400_with_a_reason,
    test_canned_parameter_injection_is_a_400,
    test_canned_parameters_are_bound_not_pasted,
    test_construct_defaults_to_turtle_and_json_means_json_ld,
    test_construct_in_every_rdf_format,
    test_default_graph_uri_narrows_the_default_graph,
    test_describe_is_rdf,
    test_every_update_form_is_refused,
    test_format_parameter_overrides_accept,
    test_from_a_graph_we_do_not_hold_is_refused,
    test_from_named_a_graph_we_hold,
    test_get_select,
    test_head_answers_like_get_without_a_body,
    test_limits_are_in_the_headers,
    test_named_graph_uri_chooses_the_named_graphs,
    test_post_form_and_post_direct_agree_with_get,
    test_row_cap_cuts_and_says_so_in_every_results_format,
    test_row_cap_cuts_graphs_and_says_so,
    test_select_in_every_results_format,
    test_service_in_a_string_or_comment_is_fine,
    test_service_is_refused,
    test_under_the_cap_nothing_is_flagged,
)
from test_sparql_limits import (  # noqa: F401
    GRACE,
    PATHOLOGICAL,
    Reply,
    ask,
    listener,
    test_a_shorter_time_limit_on_request,
    test_service_and_from_never_reach_a_listener,
)

from politiraad_graph.queries import library
from politiraad_graph.store.base import checksum
from politiraad_graph.store.sparql import SparqlStore

# -- the same fixture names as the shared tests use, over the remote store ----------------------


@pytest.fixture(scope="module")
def sparql_app(remote_sparql_app: Flask) -> Flask:
    return remote_sparql_app


@pytest.fixture(scope="module")
def sparql_capped_app(remote_sparql_capped_app: Flask) -> Flask:
    return remote_sparql_capped_app


@pytest.fixture
def client(sparql_app: Flask) -> FlaskClient:
    return sparql_app.test_client()


@pytest.fixture
def capped(sparql_capped_app: Flask) -> FlaskClient:
    return sparql_capped_app.test_client()


@pytest.fixture(scope="module")
def sparql_server(remote_sparql_app: Flask) -> Iterator[SparqlServer]:
    with serve_app(remote_sparql_app) as server:
        yield server


@pytest.fixture
def unchanged(remote_sparql_app: Flask, remote_endpoint_settings: dict[str, Any]) -> Iterator[None]:
    """Check that the remote store's checksum is the same after the test."""
    store = SparqlStore.from_config(remote_endpoint_settings)
    before = checksum(store)
    yield
    remote_sparql_app.test_client().get("/sparql", query_string={"query": "ASK {}"})
    assert checksum(store) == before


def test_the_app_reads_the_remote_store(remote_sparql_app: Flask) -> None:
    """Not the embedded store by accident: the app's settings name the Virtuoso endpoint."""
    settings = remote_sparql_app.config["POLITIRAAD"]
    assert settings["store"] == "sparql"
    assert settings["sparql_query_url"].endswith("/sparql-auth")


# -- where Virtuoso answers differently: errors and limits --------------------------------------


def test_syntax_error_is_a_readable_400(client: FlaskClient) -> None:
    shared_endpoint.test_syntax_error_is_a_readable_400(client)


def test_syntax_error_from_the_server_is_a_readable_400(client: FlaskClient) -> None:
    """What holds today: a 400 with Virtuoso's message and the line of the query as written."""
    response = client.get("/sparql", query_string={"query": "SELEKT * WHERE { ?s ?p ?o }"})
    assert response.status_code == 400
    text = response.get_data(as_text=True)
    assert "syntax error at 'SELEKT'" in text and "line 1:" in text
    assert "DEFINE input:" not in text  # the store's dataset pragmas are not shown


@pytest.mark.parametrize("name", [n for n in PATHOLOGICAL if n != "(p|^p)* path"])
def test_pathological_query_is_stopped_in_time(sparql_server: SparqlServer, name: str) -> None:
    shared_limits.test_pathological_query_is_stopped_in_time(sparql_server, name)


def test_a_path_virtuoso_cannot_run_ends_at_once(sparql_server: SparqlServer) -> None:
    """Virtuoso 7.2 refuses a path with neither end bound ("transitive start not given", an
    HTTP 500 with an SQLSTATE of the query's class): the query's fault, so a 400."""
    reply = ask(sparql_server, PATHOLOGICAL["(p|^p)* path"])
    assert reply.status == 400 and reply.seconds < SPARQL_TIME_LIMIT
    assert b"Query error" in reply.body
    assert b"transitive start not given" in reply.body and b"bindings" not in reply.body


def test_the_endpoint_answers_others_meanwhile(sparql_server: SparqlServer) -> None:
    """As the shared test, with a slow query Virtuoso runs (it refuses the unbounded path)."""
    shared_limits.answers_others_meanwhile(sparql_server, PATHOLOGICAL["triple cross product"])


# -- the competency queries give the embedded store's answers ------------------------------------


@pytest.fixture(scope="module")
def embedded_app(sparql_store_path: Path) -> Iterator[Flask]:
    """The embedded store under the default limits, to compare answers with."""
    from webapp import queries

    app = make_sparql_app(sparql_store_path, query_timeout=20.0, query_timeout_max=60.0)
    yield app
    queries.close(app)


def answer_rows(web: FlaskClient, url: str) -> Counter[tuple[tuple[str, str, str], ...]]:
    """The rows of a JSON results document as a multiset of (variable, type, value) triples."""
    response = web.get(url)
    assert response.status_code == 200, response.get_data(as_text=True)[-1000:]
    document = response.get_json()
    assert document["truncated"] is False
    return Counter(
        tuple(sorted((name, term["type"], term["value"]) for name, term in row.items()))
        for row in document["results"]["bindings"]
    )


# Virtuoso 7.2 gets some query shapes wrong; the library's queries avoid them (see the comments in
# cq04, cq07, cq11 and cq15: computed booleans cast to xsd:boolean, no path joined on both ends,
# no FILTER over OPTIONAL values, no outer variable in a branch of an OPTIONAL's UNION, and a path
# that may reach a node twice made distinct first), so every query must answer alike.
@pytest.mark.parametrize("name", sorted(library()))
def test_competency_queries_answer_as_on_the_embedded_store(
    name: str, embedded_app: Flask, remote_sparql_default_limits_app: Flask
) -> None:
    url = f"/queries/{name}.json"
    embedded = answer_rows(embedded_app.test_client(), url)
    remote = answer_rows(remote_sparql_default_limits_app.test_client(), url)
    assert remote == embedded


# -- a query Virtuoso stops itself ---------------------------------------------------------------

# The limit of the app below; the store asks Virtuoso for two seconds less (it stops on a
# two-second tick), so Virtuoso's own stop comes before the query worker would be killed.
SERVER_LIMITED = 4.0


@pytest.fixture(scope="module")
def server_limited(remote_endpoint_settings: dict[str, Any]) -> Iterator[SparqlServer]:
    """An app whose limit the remote store passes on: Virtuoso is asked to stop at 2 s of 4 s."""
    from webapp import queries

    app = make_sparql_app(
        None,
        query_timeout=SERVER_LIMITED,
        query_timeout_max=SERVER_LIMITED,
        QUERY_WORKERS=1,
        **remote_endpoint_settings,
    )
    with serve_app(app) as server:
        yield server
    queries.close(app)


def test_the_servers_own_stop_is_a_timeout(server_limited: SparqlServer) -> None:
    """Virtuoso answers HTTP 200, partial rows and X-SQL-State: S1TAT; we answer 503, no rows."""
    reply = ask(server_limited, PATHOLOGICAL["triple cross product"])
    assert reply.seconds < SERVER_LIMITED + GRACE
    assert b"bindings" not in reply.body
    assert reply.status == 503, reply.body[:300]
    assert b"cut short by the server" in reply.body


def test_the_servers_own_stop_is_never_a_result(server_limited: SparqlServer) -> None:
    """Whatever the status, the partial rows Virtuoso sends are not passed on, and quickly."""
    started = time.monotonic()
    reply = ask(server_limited, PATHOLOGICAL["triple cross product"])
    assert time.monotonic() - started < SERVER_LIMITED + GRACE
    assert reply.status >= 500
    assert b"bindings" not in reply.body and b"S1TAT" in reply.body
