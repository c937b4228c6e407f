"""Disclosure: exempt content, planted with a unique marker, never leaves the public server.

The marker goes where exempt content may live and the public graph must never carry it:
``data/restricted/`` (Turtle and text), a draft in ``data/drafts/``, stray files beside the
curated ones (a ``.orig`` copy of a meeting file, notes, an unreferenced source text). Planting
it on the exempt document of a meeting file itself is refused by ``politiraad build`` (SHACL);
without that, the build succeeds and a live server serves the store. Then every page reachable
from the home page, the lists, the canned queries and the editor is visited -- machine twins,
feeds and the JSON API included -- every canned query runs in HTML, JSON and CSV, SPARQL asks
for everything there is (``SELECT * { GRAPH ?g { ?s ?p ?o } }`` page by page, a CONSTRUCT of
everything, DESCRIBE of the exempt document, the restricted graph by name in every way the
protocol allows), search looks for the marker, and paths try to climb out of ``/static/`` and
``/page/source/``. The marker is in no response body and no header; the store holds it nowhere.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import SparqlServer, make_sparql_app, serve_app

from hardening.support import Reply, crawl, record, server_getter
from politiraad_graph import queries as library
from politiraad_graph.config import PROJECT_ROOT, load_config
from politiraad_graph.namespaces import GRAPH
from politiraad_graph.store import open_store

CLI = [sys.executable, "-m", "politiraad_graph.cli"]
MARKER = "Qz7EXEMPTmarker41d"
WORD = "Vorpalsnicker"  # a second word only the exempt content has: search for it, too
BRIEF = "https://w3id.org/politiraad/id/meeting/2025-10-13/situation-brief"
SECRET = f"{MARKER} {WORD}: the content of the police situation brief"


def _turtle(subject: str) -> str:
    return (
        "@base <https://w3id.org/politiraad/id/> .\n"
        "@prefix pol: <https://w3id.org/politiraad/ontology#> .\n"
        "@prefix dcterms: <http://purl.org/dc/terms/> .\n"
        f'<{subject}> pol:content "{SECRET}" ;\n'
        f'    dcterms:description "{SECRET}"@nb .\n'
    )


def plant(root: Path) -> None:
    data = root / "data"
    restricted = data / "restricted"
    restricted.mkdir()
    (restricted / "situation-brief.ttl").write_text(
        _turtle("meeting/2025-10-13/situation-brief"), encoding="utf-8"
    )
    (restricted / "situation-brief.txt").write_text(SECRET + "\n", encoding="utf-8")
    draft = data / "drafts" / "2099-01-01"
    draft.mkdir(parents=True)
    (draft / "source.txt").write_text(SECRET + "\n", encoding="utf-8")
    (draft / "draft.ttl").write_text(_turtle("meeting/2099-01-01"), encoding="utf-8")
    (draft / "review.md").write_text(SECRET + "\n", encoding="utf-8")
    meeting = data / "meetings" / "2025-10-13.ttl"
    (data / "meetings" / "2025-10-13.ttl.orig").write_text(
        meeting.read_text(encoding="utf-8") + "\n" + _turtle("meeting/2025-10-13/situation-brief"),
        encoding="utf-8",
    )
    (data / "meetings" / "notes.md").write_text(SECRET + "\n", encoding="utf-8")
    (data / "reference" / "exempt-notes.txt").write_text(SECRET + "\n", encoding="utf-8")
    (data / "sources" / "2099-01-01_unntatt.txt").write_text(SECRET + "\n", encoding="utf-8")
    (root / "ontology" / "notes.ttl.bak").write_text(_turtle("x"), encoding="utf-8")


def build(root: Path, store: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*CLI, "build", "--data-dir", str(root), "--store-path", str(store)],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )


@pytest.fixture(scope="module")
def planted(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Path]]:
    root = tmp_path_factory.mktemp("disclosure") / "project"
    for name in ("ontology", "shapes", "data"):
        shutil.copytree(PROJECT_ROOT / name, root / name)
    store = root.parent / "store"
    # Exempt content on the exempt document itself: the shapes refuse it, nothing is built.
    meeting = root / "data" / "meetings" / "2025-10-13.ttl"
    original = meeting.read_text(encoding="utf-8")
    meeting.write_text(original + "\n" + _turtle("meeting/2025-10-13/situation-brief"), "utf-8")
    refused = build(root, store)
    assert refused.returncode == 1, refused.stdout[-2000:] + refused.stderr
    assert "ExemptContent_Shape" in refused.stdout
    assert not (store / "current").exists()
    meeting.write_text(original, encoding="utf-8")
    plant(root)
    done = build(root, store)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr
    yield root, store


@pytest.fixture(scope="module")
def public_server(planted: tuple[Path, Path]) -> Iterator[SparqlServer]:
    from webapp import queries

    root, store = planted
    app = make_sparql_app(store, data_dir=str(root), query_timeout=10.0, query_timeout_max=20.0)
    with serve_app(app) as server:
        yield server
    queries.close(app)


def leaks(url: str, reply: Reply, *, echo: str = "") -> list[str]:
    """Where the marker shows in an answer (``echo``: a part of the request the page repeats)."""
    found = []
    body = reply.body.decode("utf-8", "replace").lower()
    if echo:
        body = body.replace(echo.lower(), "")
    for needle in (MARKER.lower(), WORD.lower()):
        if needle in body:
            found.append(f"{url}: body ({reply.status})")
        if any(needle in f"{k}: {v}".lower() for k, v in reply.headers.items()):
            found.append(f"{url}: headers")
    return found


def test_the_store_holds_no_exempt_content(planted: tuple[Path, Path]) -> None:
    _, store_path = planted
    store = open_store(load_config({"store_path": str(store_path)}, environ={}), read_only=True)
    try:
        dump = store.dump_nquads().decode("utf-8")
        assert MARKER not in dump and WORD not in dump
        assert f"{GRAPH}restricted" not in store.graph_names()
        assert BRIEF in dump  # the exempt document itself is there: its title and exemption
    finally:
        store.close()


def test_no_page_of_the_site_discloses_exempt_content(public_server: SparqlServer) -> None:
    get = server_getter(public_server.base)
    starts = [
        "/",
        "/meetings",
        "/topics",
        "/people",
        "/organisations",
        "/places",
        "/programmes",
        "/followups",
        "/queries",
        "/queries.json",
        "/sparql",
        "/sparql?format=ttl",
        "/feeds/meetings.atom",
        "/api/followups",
        *(f"/api/list/{which}" for which in ("people", "meetings", "topics", "organisations")),
        *(f"/api/list/{which}" for which in ("places", "programmes")),
        "/page/meeting/2025-10-13/situation-brief",
        "/page/meeting/2025-10-13/situation-brief?lang=en",
        "/page/source/2025-10-13",
    ]
    for name in library.library():
        starts += [f"/queries/{name}", f"/queries/{name}.json"]

    def follow(url: str) -> bool:
        # The same description or rows in more syntaxes, and the English twin of every page
        # (the same data in the other language's frame), would double the crawl: Turtle and
        # JSON-LD, JSON and HTML, and a few English pages are enough.
        path = url.partition("?")[0]
        return not path.endswith((".nt", ".rdf", ".csv")) and "lang=" not in url

    seen = crawl(get, starts, follow=follow)
    assert len(seen) > 1_200, len(seen)
    problems = [p for url, reply in seen.items() for p in leaks(url, reply)]
    problems += [f"{url}: {reply.status}" for url, reply in seen.items() if reply.status >= 500]
    assert problems == [], problems[:10]
    record(
        "disclosure-crawl",
        answers=len(seen),
        html=sum(r.content_type.startswith("text/html") for r in seen.values()),
    )
    brief = seen["/page/meeting/2025-10-13/situation-brief"]
    assert brief.status == 200 and "Situasjonsbrief fra politiet" in brief.text


def sparql(server: SparqlServer, query: str, accept: str, **extra: str) -> Reply:
    get = server_getter(server.base)
    return get("/sparql?" + urllib.parse.urlencode({"query": query, "format": accept, **extra}))


EVERYTHING = [
    "SELECT * WHERE { GRAPH ?g { ?s ?p ?o } }",
    "SELECT * WHERE { ?s ?p ?o }",
    "CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }",
    "CONSTRUCT WHERE { ?s ?p ?o }",
    f"DESCRIBE <{BRIEF}>",
    f"SELECT * WHERE {{ {{ <{BRIEF}> ?p ?o }} UNION {{ ?s ?p <{BRIEF}> }} }}",
    "SELECT DISTINCT ?g WHERE { GRAPH ?g { } }",
    "SELECT ?o WHERE { ?s ?p ?o FILTER(isLiteral(?o)) } ORDER BY DESC(STRLEN(STR(?o)))",
]


def test_no_query_discloses_exempt_content(public_server: SparqlServer) -> None:
    problems = []
    tried = 0
    for query in EVERYTHING:
        formats = ["json", "csv", "html"]
        if query.startswith(("CONSTRUCT", "DESCRIBE")):
            formats = ["nt", "jsonld", "html"]
        for fmt in formats:
            # Page through everything: the row cap must not hide anything from this test.
            for offset in (0, 5_000, 10_000):
                text = (
                    query
                    if query.startswith(("CONSTRUCT", "DESCRIBE")) or offset == 0
                    else (f"{query} LIMIT 5000 OFFSET {offset}")
                )
                reply = sparql(public_server, text, fmt)
                assert reply.status == 200, (query, fmt, reply.text[:200])
                tried += 1
                problems += leaks(f"{query} [{fmt}]", reply)
                if text == query:
                    assert reply.headers.get("x-politiraad-truncated") == "false", query
                    break
    # The restricted graph by name, every way the protocol has: nothing, or a refusal.
    restricted = f"{GRAPH}restricted"
    for query, extra in [
        ("SELECT * WHERE { ?s ?p ?o }", {"default-graph-uri": restricted}),
        ("SELECT * WHERE { GRAPH ?g { ?s ?p ?o } }", {"named-graph-uri": restricted}),
        (f"SELECT * WHERE {{ GRAPH <{restricted}> {{ ?s ?p ?o }} }}", {}),
        (f"SELECT * FROM <{restricted}> WHERE {{ ?s ?p ?o }}", {}),
        (f"SELECT * FROM NAMED <{restricted}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}", {}),
    ]:
        reply = sparql(public_server, query, "json", **extra)
        tried += 1
        assert reply.status in {200, 400}, reply.text[:200]
        if reply.status == 200:
            assert json.loads(reply.body)["results"]["bindings"] == []
        problems += leaks(query, reply)
    # Asked for by its words, the store says it has none (the answer does not echo the query).
    for needle in (MARKER, WORD):
        query = f'ASK {{ ?s ?p ?o FILTER(CONTAINS(LCASE(STR(?o)), "{needle.lower()}")) }}'
        reply = sparql(public_server, query, "json")
        assert json.loads(reply.body)["boolean"] is False
    assert tried >= 25
    record("disclosure-queries", requests=tried + 2)
    assert problems == [], problems[:10]


def test_search_and_climbing_paths_disclose_nothing(public_server: SparqlServer) -> None:
    get = server_getter(public_server.base)
    problems = []
    for term in (MARKER, WORD, "situasjonsbrief", "unntatt", "content of the police"):
        for path in ("/search", "/api/search"):
            url = f"{path}?{urllib.parse.urlencode({'q': term})}"
            reply = get(url)
            assert reply.status == 200
            problems += leaks(url, reply, echo=term)
    api = get("/api/search?" + urllib.parse.urlencode({"q": WORD}))
    assert json.loads(api.body)["hits"] == []
    climbs = [
        "/static/../data/restricted/situation-brief.ttl",
        "/static/%2e%2e/data/restricted/situation-brief.txt",
        "/static/..%2f..%2fdata%2frestricted%2fsituation-brief.txt",
        "/static/%2e%2e%2f%2e%2e%2fdata/restricted/situation-brief.txt",
        "/page/source/..%2f..%2frestricted%2fsituation-brief",
        "/page/source/2099-01-01",
        "/data/restricted/situation-brief.ttl",
        "/data/meeting/2099-01-01.ttl",
        "/page/meeting/2099-01-01",
        "/id/meeting/2099-01-01",
        "/feeds/..%2frestricted.atom",
        "/data/drafts/2099-01-01/source.txt",
    ]
    for url in climbs:
        reply = get(url)
        assert reply.status in {400, 404}, (url, reply.status)
        problems += leaks(url, reply)
    assert problems == []
