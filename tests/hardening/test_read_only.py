"""Read-only: no update form, by any method or in any disguise, changes one quad of the store.

Every SPARQL Update operation (INSERT DATA, DELETE DATA, DELETE/INSERT WHERE, WITH, LOAD, CLEAR,
DROP, CREATE, ADD, MOVE, COPY, several in one request) is written plainly, in odd casing, after
comments and prologues, with ``\\u`` escapes, and behind a query; each is sent to a live server
as ``update=`` (GET and POST), as an ``application/sparql-update`` body (in several spellings of
the media type), and as a query (``query=`` by GET and POST, an ``application/sparql-query``
body). Every answer is 4xx, and the checksum of the whole store is the same afterwards.
"""

from __future__ import annotations

import urllib.parse
from pathlib import Path

from conftest import SparqlServer
from flask import Flask

from hardening.support import record, request, store_checksum
from politiraad_graph.namespaces import GRAPH
from politiraad_graph.store.worker import QueryError, QueryRunner

REFERENCE = f"<{GRAPH}reference>"
THING = "<https://w3id.org/politiraad/id/person/rune-alstadsaeter>"
OPERATIONS = [
    'INSERT DATA { <urn:x:s> <urn:x:p> "planted" }',
    f'INSERT DATA {{ GRAPH {REFERENCE} {{ <urn:x:s> <urn:x:p> "planted" }} }}',
    f"DELETE DATA {{ GRAPH {REFERENCE} {{ {THING} a <https://schema.org/Person> }} }}",
    "DELETE WHERE { ?s ?p ?o }",
    f"DELETE {{ GRAPH ?g {{ ?s ?p ?o }} }} WHERE {{ GRAPH ?g {{ ?s ?p ?o }} "
    f"FILTER(?s = {THING}) }}",
    'INSERT { ?s <urn:x:p> "x" } WHERE { ?s ?p ?o }',
    f"WITH {REFERENCE} DELETE {{ ?s ?p ?o }} INSERT {{ ?s ?p 1 }} WHERE {{ ?s ?p ?o }}",
    "LOAD <file:///etc/passwd>",
    "LOAD SILENT <http://127.0.0.1:9/data.ttl> INTO GRAPH <urn:x:g>",
    "CLEAR ALL",
    "CLEAR DEFAULT",
    "CLEAR NAMED",
    f"CLEAR SILENT GRAPH {REFERENCE}",
    "DROP ALL",
    f"DROP GRAPH {REFERENCE}",
    "DROP SILENT NAMED",
    "CREATE GRAPH <urn:x:new>",
    f"ADD {REFERENCE} TO <urn:x:copy>",
    f"MOVE {REFERENCE} TO <urn:x:elsewhere>",
    f"COPY DEFAULT TO {REFERENCE}",
    f"COPY {REFERENCE} TO DEFAULT",
    "CLEAR ALL ; DROP ALL ; CREATE GRAPH <urn:x:new>",
]


def disguises(operation: str) -> list[str]:
    """The same operation as a client might hide it."""
    first, _, rest = operation.partition(" ")
    escaped = "".join(f"\\u{ord(c):04X}" for c in first[:2]) + first[2:]
    return [
        operation,
        operation.lower(),
        first.capitalize() + " " + rest,
        "".join(c.lower() if i % 2 else c for i, c in enumerate(first)) + " " + rest,
        "# an innocent comment\n" + operation,
        "PREFIX x: <urn:x:>\nBASE <http://example.org/>\n" + operation,
        escaped + " " + rest,
        operation.replace(" ", "\n\t# c\n", 1),
        "SELECT * WHERE { ?s ?p ?o } ; " + operation,
        "ASK {}\n;\n" + operation,
        "\ufeff" + operation,
    ]


UPDATE_TYPES = [
    "application/sparql-update",
    "application/sparql-update; charset=utf-8",
    "APPLICATION/SPARQL-UPDATE",
    "application/sparql-update ;charset=UTF-8",
]


def attempts(server: str, update: str) -> list[tuple[str, int]]:
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    quoted = urllib.parse.urlencode
    tried = [
        ("GET update=", request(server, "GET", "/sparql?" + quoted({"update": update}))),
        (
            "POST update=",
            request(server, "POST", "/sparql", quoted({"update": update}).encode(), form),
        ),
        ("GET query=", request(server, "GET", "/sparql?" + quoted({"query": update}))),
        (
            "POST query=",
            request(server, "POST", "/sparql/", quoted({"query": update}).encode(), form),
        ),
        (
            "POST sparql-query",
            request(
                server,
                "POST",
                "/sparql",
                update.encode(),
                {"Content-Type": "application/sparql-query"},
            ),
        ),
        (
            "POST query= and update=",
            request(
                server,
                "POST",
                "/sparql?" + quoted({"update": update}),
                quoted({"query": "ASK {}"}).encode(),
                form,
            ),
        ),
    ]
    for media in UPDATE_TYPES:
        tried.append(
            (media, request(server, "POST", "/sparql", update.encode(), {"Content-Type": media}))
        )
    return [(how, reply.status) for how, reply in tried]


def test_no_update_form_changes_the_store(
    sparql_server: SparqlServer, sparql_store_path: Path
) -> None:
    before = store_checksum(sparql_store_path)
    generation = sorted(p.name for p in (sparql_store_path / "generations").iterdir())
    tried = 0
    for operation in OPERATIONS:
        for update in disguises(operation):
            for how, status in attempts(sparql_server.base, update):
                assert 400 <= status < 500, (how, update, status)
                tried += 1
    assert tried >= 2_000
    record(
        "read-only",
        requests=tried,
        operations=len(OPERATIONS),
        forms_each=len(disguises("DROP ALL")),
    )
    assert store_checksum(sparql_store_path) == before
    assert sorted(p.name for p in (sparql_store_path / "generations").iterdir()) == generation
    # And the store still answers.
    reply = request(
        sparql_server.base,
        "GET",
        "/sparql?" + urllib.parse.urlencode({"query": "ASK { ?s ?p ?o }"}),
    )
    assert reply.status == 200 and b"true" in reply.body


def test_update_protocol_methods_and_graph_store_requests_are_refused(
    sparql_server: SparqlServer, sparql_store_path: Path
) -> None:
    before = store_checksum(sparql_store_path)
    turtle = b'<urn:x:s> <urn:x:p> "planted" .'
    for method in ("PUT", "DELETE", "PATCH"):
        for target in (
            "/sparql",
            "/sparql?graph=urn:x:g",
            "/sparql?default",
            "/data/person/rune-alstadsaeter.ttl",
        ):
            reply = request(
                sparql_server.base, method, target, turtle, {"Content-Type": "text/turtle"}
            )
            assert reply.status in {404, 405}, (method, target, reply.status)
    for target in ("/sparql?graph=urn:x:g", "/sparql?default", "/id/person/rune-alstadsaeter"):
        for media in ("text/turtle", "application/n-triples", "application/ld+json"):
            reply = request(sparql_server.base, "POST", target, turtle, {"Content-Type": media})
            assert reply.status in {400, 405}, (target, media, reply.status)
    assert store_checksum(sparql_store_path) == before


def test_updates_in_a_query_are_refused_before_a_worker_sees_them(sparql_app: Flask) -> None:
    from webapp import queries

    with sparql_app.app_context():
        runner = queries.runner()
    original = runner.run
    reached: list[str] = []

    def recording(text: str, **kwargs: object) -> object:
        reached.append(text)
        return original(text, **kwargs)  # type: ignore[arg-type]

    runner.run = recording  # type: ignore[method-assign]
    sent = [update for operation in OPERATIONS for update in disguises(operation)]
    try:
        client = sparql_app.test_client()
        answers = []
        for update in sent:
            answers += [
                client.post("/sparql", data={"query": update}),
                client.get("/sparql", query_string={"query": update}),
                client.post(
                    "/sparql", data=update.encode(), content_type="application/sparql-query"
                ),
            ]
    finally:
        runner.run = original  # type: ignore[method-assign]
    assert [a.status_code for a in answers] == [403] * 3 * len(sent)
    assert all("read-only" in a.get_data(as_text=True) for a in answers)
    assert reached == []


def test_the_workers_refuse_updates_themselves(sparql_app: Flask) -> None:
    """Defence in depth: even text that got past the endpoint could not write."""
    runner = QueryRunner(sparql_app.config["POLITIRAAD"], workers=1)
    try:
        for operation in OPERATIONS:
            try:
                runner.run(operation, timeout=10)
            except QueryError:
                continue
            raise AssertionError(f"a worker ran an update: {operation}")
    finally:
        runner.close()
