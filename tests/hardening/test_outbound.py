"""No outbound requests: nothing a client or a data file says makes the system connect anywhere.

Listeners on 127.0.0.1 and [::1] count every connection. Queries name them (and the cloud
metadata address, a decimal, hex and octal 127.0.0.1, ``file:///etc/passwd``) in ``SERVICE``,
``SERVICE ?x`` bound by ``VALUES``, ``FROM`` / ``FROM NAMED`` and the protocol's
``default-graph-uri`` / ``named-graph-uri``, by every method, with odd casing, comments, escapes
and in bodies long enough to take the endpoint's token-only path; JSON-LD with a remote
``@context`` is given to the endpoint and to every command that reads input (``diff``,
``publish --from-nquads``, ``ingest``, ``validate``). Every listener counts zero each time, and
no socket to the metadata address is ever opened.
"""

from __future__ import annotations

import json
import socket
import struct
import subprocess
import sys
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import SparqlServer, make_sparql_app, serve_app

from hardening.support import Listeners, Reply, record, request, tcp_peers
from politiraad_graph import queries as library
from politiraad_graph.config import PROJECT_ROOT

CLI = [sys.executable, "-m", "politiraad_graph.cli"]
METADATA = "169.254.169.254"
METADATA_HEX = f"{struct.unpack('<I', socket.inet_aton(METADATA))[0]:08X}"


def targets(listeners: Listeners) -> list[str]:
    """Addresses a query may try to reach: the listeners under many spellings, and others."""
    port = listeners.v4.port
    found = [
        listeners.v4.url + "sparql",
        f"http://2130706433:{port}/",  # 127.0.0.1 as one decimal number
        f"http://0x7f000001:{port}/",
        f"http://0177.0.0.1:{port}/",
        f"http://127.1:{port}/",
        f"http://localhost:{port}/sparql",
        f"http://user:secret@127.0.0.1:{port}/",
        f"https://127.0.0.1:{port}/",
        f"http://{METADATA}/latest/meta-data/",
        "file:///etc/passwd",
    ]
    if listeners.v6 is not None:
        found += [listeners.v6.url + "sparql", f"http://[::ffff:127.0.0.1]:{port}/"]
    return found


SERVICE_QUERIES = [
    "SELECT * WHERE {{ SERVICE <{u}> {{ ?s ?p ?o }} }}",
    "SELECT * WHERE {{ SERVICE SILENT <{u}> {{ ?s ?p ?o }} }}",
    "select * where {{ service <{u}> {{ ?s ?p ?o }} }}",
    "SELECT * WHERE {{ SeRvIcE# a comment\n<{u}>{{ ?s ?p ?o }} }}",
    "SELECT * WHERE {{ \\u0053ERVICE <{u}> {{ ?s ?p ?o }} }}",
    "SELECT * WHERE {{ SERV\\u0049CE\t<{u}> {{ }} }}",
    "PREFIX e: <{u}> SELECT * WHERE {{ SERVICE e:sparql {{ ?s ?p ?o }} }}",
    "BASE <{u}> SELECT * WHERE {{ SERVICE <sparql> {{ ?s ?p ?o }} }}",
    "SELECT * WHERE {{ VALUES ?x {{ <{u}> }} SERVICE ?x {{ ?s ?p ?o }} }}",
    'SELECT * WHERE {{ BIND(IRI("{u}") AS ?x) SERVICE ?x {{ ?s ?p ?o }} }}',
    "SELECT * WHERE {{ ?s ?p ?o OPTIONAL {{ SERVICE <{u}> {{ ?s ?q ?r }} }} }} LIMIT 1",
    "ASK {{ FILTER NOT EXISTS {{ SERVICE <{u}> {{ }} }} }}",
    "SELECT * WHERE {{ {{ SELECT ?s WHERE {{ SERVICE <{u}> {{ ?s ?p ?o }} }} }} }}",
    "SELECT * WHERE {{ ?s ?p ?o MINUS {{ SERVICE <{u}> {{ ?s ?p ?o }} }} }} LIMIT 1",
    "CONSTRUCT {{ ?s ?p ?o }} WHERE {{ SERVICE <{u}> {{ ?s ?p ?o }} }}",
    "DESCRIBE ?s WHERE {{ SERVICE <{u}> {{ ?s ?p ?o }} }}",
]
FROM_QUERIES = [
    "SELECT * FROM <{u}> WHERE {{ ?s ?p ?o }}",
    "SELECT * FROM NAMED <{u}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}",
    "select * from named <{u}> where {{ graph ?g {{ }} }}",
    "PREFIX e: <{u}> SELECT * FROM e:data WHERE {{ ?s ?p ?o }}",
    "BASE <{u}> SELECT * FROM <data.ttl> WHERE {{ ?s ?p ?o }}",
    "CONSTRUCT {{ ?s ?p ?o }} FROM <{u}> WHERE {{ ?s ?p ?o }}",
    "DESCRIBE <{u}> FROM <{u}>",
    "ASK FROM <{u}> FROM NAMED <{u}x> {{ }}",
]
# Queries the endpoint may run or refuse; either way nothing may be fetched.
HARMLESS_QUERIES = [
    "SELECT * WHERE {{ GRAPH <{u}> {{ ?s ?p ?o }} }}",
    "DESCRIBE <{u}>",
    "SELECT * \\u0046ROM <{u}> WHERE {{ ?s ?p ?o }} LIMIT 1",
    'SELECT (IRI("{u}") AS ?x) WHERE {{ }}',
    "LOAD <{u}>",
    "LOAD <{u}> INTO GRAPH <urn:x:g>",
]
JSONLD = '{{"@context": "{u}context.jsonld", "@id": "urn:x:s", "name": "x"}}'


def send(server: str, how: str, query: str, **extra: str) -> Reply:
    endpoint = "/sparql"
    if how == "get":
        return request(server, "GET", endpoint + "?" + urllib.parse.urlencode({"query": query}))
    if how == "form":
        body = urllib.parse.urlencode({"query": query, **extra}).encode()
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        return request(server, "POST", endpoint, body, headers)
    headers = {"Content-Type": "application/sparql-query"}
    target = endpoint + ("?" + urllib.parse.urlencode(extra) if extra else "")
    return request(server, "POST", target, query.encode(), headers)


def assert_nothing_reached(listeners: Listeners) -> None:
    assert listeners.connections() == 0
    assert METADATA_HEX not in tcp_peers(), "a socket to the metadata address was opened"


@pytest.fixture(scope="module")
def roomy_server(sparql_store_path: Path) -> Iterator[SparqlServer]:
    """The endpoint with the default request size (1 MB), for bodies above 64 KiB."""
    from webapp import queries

    app = make_sparql_app(sparql_store_path, max_request_bytes=1_000_000, QUERY_WORKERS=1)
    with serve_app(app) as server:
        yield server
    queries.close(app)


def test_service_to_anywhere_is_refused_and_reaches_nothing(
    sparql_server: SparqlServer, listeners: Listeners
) -> None:
    tried = 0
    for url in targets(listeners):
        for template in SERVICE_QUERIES:
            for how in ("get", "form", "direct"):
                reply = send(sparql_server.base, how, template.format(u=url))
                assert reply.status == 400, (template, url, how, reply.text[:200])
                assert "SERVICE is not allowed" in reply.text
                tried += 1
    assert tried >= 400
    assert_nothing_reached(listeners)
    record(
        "outbound-service", requests=tried, targets=len(targets(listeners)), ipv6=bool(listeners.v6)
    )


def test_from_anywhere_is_refused_and_reaches_nothing(
    sparql_server: SparqlServer, listeners: Listeners
) -> None:
    for url in targets(listeners):
        for template in FROM_QUERIES:
            for how in ("get", "form", "direct"):
                reply = send(sparql_server.base, how, template.format(u=url))
                assert reply.status == 400, (template, url, how, reply.text[:200])
        for template in HARMLESS_QUERIES:
            reply = send(sparql_server.base, "form", template.format(u=url))
            assert reply.status in {200, 400, 403}, (template, url, reply.text[:200])
    assert_nothing_reached(listeners)
    count = len(targets(listeners)) * (3 * len(FROM_QUERIES) + len(HARMLESS_QUERIES))
    record("outbound-from", requests=count)


def test_protocol_graphs_are_never_fetched(
    sparql_server: SparqlServer, listeners: Listeners
) -> None:
    query = "SELECT * WHERE { { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } } LIMIT 3"
    urls = targets(listeners)
    for url in urls:
        for parameter in ("default-graph-uri", "named-graph-uri"):
            for how in ("form", "direct"):
                reply = send(sparql_server.base, how, query, **{parameter: url})
                assert reply.status == 200, (parameter, url, reply.text[:200])
                assert json.loads(reply.body)["results"]["bindings"] == []
    # All of them at once, by GET.
    pairs = [("query", query)] + [
        (p, u) for u in urls for p in ("default-graph-uri", "named-graph-uri")
    ]
    reply = request(sparql_server.base, "GET", "/sparql?" + urllib.parse.urlencode(pairs))
    assert reply.status == 200, reply.text[:200]
    assert_nothing_reached(listeners)
    record("outbound-protocol-graphs", requests=len(urls) * 4 + 1)


def test_service_in_a_long_body_is_refused(
    roomy_server: SparqlServer, listeners: Listeners
) -> None:
    url = listeners.v4.url
    service = f"SERVICE <{url}> {{ ?s ?p ?o }}"
    bodies = {
        "comment padding": "# " + "x" * 70_000 + "\nSELECT * WHERE { " + service + " }",
        "filter padding": "SELECT * WHERE { ?s ?p ?o " + "FILTER(true) " * 6_000 + service + " }",
        "string padding": 'SELECT * WHERE { BIND("' + "y" * 80_000 + '" AS ?y) ' + service + " }",
        "near the limit": "SELECT * WHERE { " + " " * 990_000 + service + " }",
        "escaped, long": "# "
        + "z" * 70_000
        + "\nSELECT * WHERE { \\u0053ERVICE <"
        + url
        + "> {} }",
    }
    for name, query in bodies.items():
        assert len(query.encode()) > 64 * 1024
        for how in ("form", "direct"):
            reply = send(roomy_server.base, how, query)
            assert reply.status == 400, (name, how, reply.text[:200])
            assert "SERVICE is not allowed" in reply.text, name
    long_from = "# " + "x" * 70_000 + f"\nSELECT * FROM <{url}data.ttl> WHERE {{ ?s ?p ?o }}"
    for how in ("form", "direct"):
        reply = send(roomy_server.base, how, long_from)
        assert reply.status == 400, reply.text[:200]
    assert_nothing_reached(listeners)
    record("outbound-long-bodies", requests=2 * len(bodies) + 2)


def test_canned_query_parameters_are_never_fetched(
    sparql_server: SparqlServer, listeners: Listeners
) -> None:
    with_iri = [
        (q.name, p.name)
        for q in library.library().values()
        for p in q.parameters
        if p.type == "iri"
    ]
    assert with_iri
    for name, parameter in with_iri:
        for url in targets(listeners):
            for suffix in ("", ".json", ".csv"):
                target = f"/queries/{name}{suffix}?" + urllib.parse.urlencode({parameter: url})
                reply = request(sparql_server.base, "GET", target)
                assert reply.status in {200, 400}, (target, reply.text[:200])
    assert_nothing_reached(listeners)
    record("outbound-canned", requests=len(with_iri) * len(targets(listeners)) * 3)


@pytest.mark.parametrize(
    "content_type",
    [
        "application/ld+json",
        "application/json",
        "text/turtle",
        "application/n-quads",
        "application/trig",
        "application/rdf+xml",
        "multipart/form-data; boundary=x",
        "application/sparql-query",
        "application/x-www-form-urlencoded",
    ],
)
def test_jsonld_bodies_are_not_queries(
    sparql_server: SparqlServer, listeners: Listeners, content_type: str
) -> None:
    document = JSONLD.format(u=listeners.v4.url)
    body = document.encode()
    if content_type == "application/x-www-form-urlencoded":
        body = urllib.parse.urlencode({"query": document}).encode()
    for target in ("/sparql", "/sparql/"):
        reply = request(sparql_server.base, "POST", target, body, {"Content-Type": content_type})
        assert reply.status == 400, (content_type, reply.text[:200])
    assert_nothing_reached(listeners)


def _run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*CLI, *args], cwd=cwd, capture_output=True, text=True, timeout=120, check=False
    )


def test_commands_that_read_input_never_fetch(
    listeners: Listeners, project_copy: Path, tmp_path: Path
) -> None:
    url = listeners.v4.url
    document = JSONLD.format(u=url)
    # diff reads TriG and N-Quads; a JSON-LD file (by name or in disguise) is refused.
    (tmp_path / "a.jsonld").write_text(document, encoding="utf-8")
    (tmp_path / "b.nq").write_text(document, encoding="utf-8")
    (tmp_path / "c.trig").write_text(
        f"@prefix e: <{url}> .\n@base <{url}> .\n"
        f"<{url}g> {{ e:s <http://www.w3.org/2002/07/owl#imports> <{url}onto.ttl> . }}\n",
        encoding="utf-8",
    )
    (tmp_path / "d.nq").write_text(
        f"<urn:x:s> <http://www.w3.org/2000/01/rdf-schema#seeAlso> <{url}> <{url}g> .\n",
        encoding="utf-8",
    )
    assert (
        _run("diff", str(tmp_path / "a.jsonld"), str(tmp_path / "d.nq"), cwd=tmp_path).returncode
        == 2
    )
    assert (
        _run("diff", str(tmp_path / "b.nq"), str(tmp_path / "d.nq"), cwd=tmp_path).returncode == 2
    )
    done = _run("diff", str(tmp_path / "c.trig"), str(tmp_path / "d.nq"), cwd=tmp_path)
    assert done.returncode in {0, 1}, done.stderr
    # publish from a file: JSON-LD is not N-Quads.
    for name in ("a.jsonld", "b.nq"):
        done = _run(
            "publish",
            "--out",
            str(tmp_path / "out"),
            "--from-nquads",
            str(tmp_path / name),
            "--quiet",
            cwd=tmp_path,
        )
        assert done.returncode == 2, done.stderr
        assert "Traceback" not in done.stderr
    # ingest reads .txt and .pdf; JSON-LD as a file type is refused, as text it is only text.
    assert (
        _run(
            "ingest", str(tmp_path / "a.jsonld"), "--data-dir", str(project_copy), cwd=tmp_path
        ).returncode
        == 2
    )
    minutes = (
        PROJECT_ROOT / "tests" / "data" / "ingest" / "politirad_navn_rolle_org.txt"
    ).read_text(encoding="utf-8")
    text = tmp_path / "minutes.txt"
    text.write_text(minutes + "\n" + document + f"\nSe {url} og <{url}x>.\n", encoding="utf-8")
    done = _run(
        "ingest",
        str(text),
        "--data-dir",
        str(project_copy),
        "--out",
        str(tmp_path / "drafts"),
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    pdf = _pdf_with_remote_links(tmp_path / "minutes.pdf", url, minutes)
    done = _run(
        "ingest",
        str(pdf),
        "--data-dir",
        str(project_copy),
        "--out",
        str(tmp_path / "drafts2"),
        cwd=tmp_path,
    )
    assert done.returncode in {0, 2}, done.stderr
    assert "Traceback" not in done.stderr
    # validate (what build runs first): data that imports or points at the listener, a JSON-LD
    # file beside the Turtle files, and a shapes file that names a remote shapes graph.
    (project_copy / "data" / "reference" / "remote.jsonld").write_text(document, encoding="utf-8")
    with (project_copy / "data" / "reference" / "places.ttl").open("a", encoding="utf-8") as out:
        out.write(
            f"\n<{url}onto> <http://www.w3.org/2002/07/owl#imports> <{url}onto.ttl> .\n"
            f"<place/mortensrud> <http://www.w3.org/2000/01/rdf-schema#seeAlso> <{url}> .\n"
        )
    with (project_copy / "ontology" / "politiraad.ttl").open("a", encoding="utf-8") as out:
        out.write(
            f"\n<https://w3id.org/politiraad/ontology> <http://www.w3.org/2002/07/owl#imports> "
            f"<{url}ontology.ttl> .\n"
        )
    done = _run("validate", "--data-dir", str(project_copy), cwd=tmp_path)
    assert done.returncode in {0, 1}, done.stderr
    assert_nothing_reached(listeners)
    record("outbound-commands", runs=9)


def _pdf_with_remote_links(path: Path, url: str, text: str) -> Path:
    """A PDF whose text is the minutes, with a link annotation and a URI action to ``url``."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    page = canvas.Canvas(str(path), pagesize=A4)
    y = 800
    for line in text.splitlines()[:60]:
        page.drawString(40, y, line[:100])
        y -= 12
        if y < 60:
            page.showPage()
            y = 800
    page.linkURL(url + "link", (40, 40, 200, 60), relative=0)
    page.drawString(40, 45, url + "link")
    page.showPage()
    page.save()
    return path
