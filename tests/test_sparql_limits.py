"""The endpoint's limits over real HTTP: pathological queries are stopped in time while other
requests are answered, and no query reaches the network."""

from __future__ import annotations

import json
import socket
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
import pytest
from conftest import SPARQL_TIME_LIMIT, SparqlServer
from flask import Flask
from rdflib import Graph, Literal, URIRef

from politiraad_graph.guard import QueryRefused
from politiraad_graph.store.base import AskResult
from politiraad_graph.store.memory import MemoryStore
from politiraad_graph.store.oxigraph import OxigraphStore
from politiraad_graph.store.worker import QueryRunner, Writing

RDF_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
PATHOLOGICAL = {
    "triple cross product": "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }",
    "(p|^p)* path": f"SELECT (COUNT(*) AS ?n) WHERE {{ ?x ({RDF_TYPE}|^{RDF_TYPE})* ?y }}",
    # Oxigraph's regex engine does not backtrack, so the pattern alone is quick: run it over
    # every pair of literals to make the work catastrophic anyway.
    "catastrophic regex over all literals": """SELECT (COUNT(*) AS ?n) WHERE {
        ?s ?p ?o . ?t ?q ?v
        FILTER(isLiteral(?o) && isLiteral(?v) && REGEX(CONCAT(STR(?o), STR(?v)), "^(a|aa)+$"))
    }""",
}
GRACE = 2.0


@dataclass
class Reply:
    status: int
    content_type: str
    body: bytes
    seconds: float


def ask(server: SparqlServer, query: str, io_timeout: float = 30.0, **params: str) -> Reply:
    """POST a query as a form and read the whole answer, whatever its status."""
    data = urllib.parse.urlencode({"query": query, **params}).encode()
    request = urllib.request.Request(server.endpoint, data=data, method="POST")
    request.add_header("Content-Type", "application/x-www-form-urlencoded")
    started = time.monotonic()
    try:
        with urllib.request.urlopen(request, timeout=io_timeout) as response:
            body = response.read()
            status, content_type = response.status, response.headers["Content-Type"]
    except urllib.error.HTTPError as error:
        with error:
            body = error.read()
            status, content_type = error.code, error.headers["Content-Type"]
    return Reply(status, content_type or "", body, time.monotonic() - started)


# --- Time limit ---------------------------------------------------------------------------------


@pytest.mark.parametrize("name", list(PATHOLOGICAL))
def test_pathological_query_is_stopped_in_time(sparql_server: SparqlServer, name: str) -> None:
    reply = ask(sparql_server, PATHOLOGICAL[name])
    assert reply.status == 503, reply.body[:300]
    assert reply.seconds < SPARQL_TIME_LIMIT + GRACE
    # A clear message and no partial rows: plain text, never a results document.
    assert reply.content_type.startswith("text/plain")
    assert b"timed out" in reply.body and b"bindings" not in reply.body


def test_a_shorter_time_limit_on_request(sparql_server: SparqlServer) -> None:
    reply = ask(sparql_server, PATHOLOGICAL["triple cross product"], timeout="0.5")
    assert reply.status == 503 and reply.seconds < 0.5 + GRACE
    assert b"0.5 s" in reply.body


def test_the_endpoint_answers_others_meanwhile(sparql_server: SparqlServer) -> None:
    answers_others_meanwhile(sparql_server, PATHOLOGICAL["(p|^p)* path"])


def answers_others_meanwhile(sparql_server: SparqlServer, slow_query: str) -> None:
    """While a slow query runs to its limit, quick ones are answered, and the pool recovers."""
    slow: list[Reply] = []
    worker = threading.Thread(
        target=lambda: slow.append(ask(sparql_server, slow_query)),
        daemon=True,
    )
    worker.start()
    time.sleep(0.3)
    quick: list[Reply] = []
    while worker.is_alive():
        quick.append(ask(sparql_server, "ASK { ?s ?p ?o }"))
        time.sleep(0.1)
    worker.join()
    assert slow and slow[0].status == 503
    assert len(quick) >= 3
    assert all(r.status == 200 for r in quick), [r.body[:200] for r in quick]
    assert max(r.seconds for r in quick) < 1.5
    # And the worker that was killed has been replaced: the endpoint still has its full pool.
    assert all(ask(sparql_server, "ASK {}").status == 200 for _ in range(4))


# --- Nothing reaches the network ----------------------------------------------------------------


@dataclass
class Listener:
    """A TCP listener on loopback that counts (and closes) every connection made to it."""

    url: str
    sock: socket.socket
    connections: int = 0
    stop: threading.Event = field(default_factory=threading.Event)

    def run(self) -> None:
        self.sock.settimeout(0.05)
        while not self.stop.is_set():
            try:
                connection, _ = self.sock.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self.connections += 1
            connection.close()


@pytest.fixture
def listener() -> Iterator[Listener]:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    sock.listen(16)
    found = Listener(f"http://127.0.0.1:{sock.getsockname()[1]}/", sock)
    thread = threading.Thread(target=found.run, daemon=True)
    thread.start()
    yield found
    found.stop.set()
    thread.join(timeout=5)
    sock.close()


def test_service_and_from_never_reach_a_listener(
    sparql_server: SparqlServer, listener: Listener
) -> None:
    url = listener.url
    refused = [
        f"SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ SERVICE SILENT <{url}sparql> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ BIND(<{url}> AS ?e) SERVICE ?e {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ \\u0053ERVICE <{url}> {{ ?s ?p ?o }} }}",
        f"SELECT * FROM <{url}data.ttl> WHERE {{ ?s ?p ?o }}",
        f"SELECT * FROM NAMED <{url}data.ttl> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}",
        f"CONSTRUCT {{ ?s ?p ?o }} FROM <{url}> WHERE {{ ?s ?p ?o }}",
        f"DESCRIBE <{url}> FROM <{url}>",
    ]
    for query in refused:
        reply = ask(sparql_server, query)
        assert reply.status == 400, (query, reply.body[:200])
    # Protocol graphs we do not hold are empty, never fetched.
    for param in ("default-graph-uri", "named-graph-uri"):
        query = "SELECT * WHERE { { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } } LIMIT 1"
        reply = ask(sparql_server, query, **{param: url})
        assert reply.status == 200, reply.body[:200]
    # Updates that would load are refused before anything runs.
    update = urllib.parse.urlencode({"update": f"LOAD <{url}data.ttl>"}).encode()
    with pytest.raises(urllib.error.HTTPError) as error:
        urllib.request.urlopen(urllib.request.Request(sparql_server.endpoint, data=update))
    assert error.value.code == 403
    error.value.close()
    time.sleep(0.3)
    assert listener.connections == 0


# --- Defence in depth: what the engines themselves do -------------------------------------------


def test_oxigraph_never_loads_from_graphs(listener: Listener) -> None:
    store = ox.Store()
    store.add(ox.Quad(ox.NamedNode("urn:x:s"), ox.NamedNode("urn:x:p"), ox.Literal("o")))
    for query in (
        f"SELECT * FROM <{listener.url}> WHERE {{ ?s ?p ?o }}",
        f"SELECT * FROM NAMED <{listener.url}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}",
    ):
        assert list(store.query(query)) == []  # type: ignore[arg-type]
    time.sleep(0.2)
    assert listener.connections == 0


def test_rdflib_memory_store_never_loads_from_graphs(listener: Listener) -> None:
    memory = MemoryStore()
    data = Graph()
    data.add((URIRef("urn:x:s"), URIRef("urn:x:p"), Literal("o")))
    memory.replace_all({"urn:x:g": data})
    # rdflib would copy named graphs into its default graph for FROM: the store refuses FROM.
    with pytest.raises(QueryRefused):
        memory.query(f"SELECT * FROM <{listener.url}> WHERE {{ ?s ?p ?o }}")
    time.sleep(0.2)
    assert listener.connections == 0


def test_the_engines_would_run_service_so_every_store_refuses_it(
    listener: Listener, tmp_path: Path
) -> None:
    # pyoxigraph and rdflib both send SERVICE requests themselves (no switch from Python), so
    # the store layer refuses any query with SERVICE before an engine sees it.
    query = f"SELECT * WHERE {{ SERVICE <{listener.url}> {{ ?s ?p ?o }} }}"
    escaped = query.replace("SERVICE", "SERV\\u0049CE")
    for store in (MemoryStore(), OxigraphStore(tmp_path / "store")):
        for text in (query, escaped):
            with pytest.raises(QueryRefused):
                store.query(text)
    time.sleep(0.2)
    assert listener.connections == 0


# --- Results written by the workers -----------------------------------------------------------


def test_the_workers_write_the_asked_format_and_say_where_they_cut(
    sparql_app: Flask,
) -> None:
    """What crosses the pipe is the finished body, cut at the row cap with the flag set."""
    runner = QueryRunner(sparql_app.config["POLITIRAAD"], workers=1)
    writing = Writing({"select": "json", "graph": "nt"}, order=("o", "s", "p"))
    try:
        select = runner.run("SELECT * WHERE { ?s ?p ?o }", row_cap=3, writing=writing)
        graph = runner.run("CONSTRUCT WHERE { ?s ?p ?o }", row_cap=3, writing=writing)
        ask = runner.run("ASK { ?s ?p ?o }", row_cap=3, writing=writing)
        whole = runner.run("SELECT ?s WHERE { ?s ?p ?o } LIMIT 2", row_cap=3, writing=writing)
    finally:
        runner.close()
    assert select.result is None and select.kind == "select" and select.truncated
    document = json.loads(select.body or b"")
    assert document["head"]["vars"] == ["o", "s", "p"]
    assert len(document["results"]["bindings"]) == 3 and document["truncated"] is True
    assert graph.result is None and graph.kind == "graph" and graph.truncated
    assert len(Graph().parse(data=(graph.body or b"").decode(), format="nt")) == 3
    # A kind without a format comes back as terms.
    assert ask.body is None and ask.result == AskResult(True) and ask.kind == "ask"
    assert not whole.truncated and json.loads(whole.body or b"")["truncated"] is False


def test_a_result_its_format_cannot_carry_gets_a_clear_answer(sparql_app: Flask) -> None:
    # RDF/XML writes a predicate only as a namespace and a local name; this one has no name.
    query = "CONSTRUCT { <urn:x:a> <http://example.org/1> <urn:x:b> } WHERE {}"
    client = sparql_app.test_client()
    reply = client.get("/sparql", query_string={"query": query, "format": "rdf"})
    assert reply.status_code == 406, reply.get_data(as_text=True)
    assert "cannot be given in that format" in reply.get_data(as_text=True)
    triples = client.get("/sparql", query_string={"query": query, "format": "nt"})
    assert triples.status_code == 200
    assert triples.data == b"<urn:x:a> <http://example.org/1> <urn:x:b> .\n"
