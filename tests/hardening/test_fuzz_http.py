"""Property-based fuzzing of the HTTP surface through the Flask test client: no input gives a 500,
and no exception escapes (the test app propagates every exception).

- the endpoint's request parsing: random methods, content types (with parameters), bodies
  (bytes, forms, query texts), query strings (protocol parameters with odd values, raw bytes)
  and ``Accept`` headers with odd q-values; the query texts are put together from pieces of
  SPARQL (forms, dataset clauses, patterns, modifiers, escapes, comments) and then perhaps cut
  or spliced with noise, so they reach the engine as well as the parser;
- content negotiation on ``/id/`` and ``/data/``: real and random paths and extensions, random
  ``Accept`` headers and ``format=`` values;
- the pages' own parameters (search and its facets, the follow-up filters, the topic pager,
  ``lang``) and the canned queries' typed parameters.

Bounded for CI by the "ci" profile; ``HYPOTHESIS_PROFILE=long`` runs fifty times as many examples
(see tests/hardening/README.md).
"""

from __future__ import annotations

import urllib.parse
from collections import Counter
from collections.abc import Iterator

import pytest
from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hardening.support import examples, record
from politiraad_graph import queries as library

BASE = "https://w3id.org/politiraad/"
#: Statuses by test, written to test-artifacts/hardening/fuzz-http.json at the end.
SEEN: dict[str, Counter[int]] = {}


@pytest.fixture(scope="module", autouse=True)
def _summary() -> Iterator[None]:
    yield
    record(
        "fuzz-http",
        examples={name: sum(c.values()) for name, c in SEEN.items()},
        statuses={name: dict(sorted(c.items())) for name, c in SEEN.items()},
    )


def seen(test: str, status: int) -> None:
    SEEN.setdefault(test, Counter())[status] += 1


def fuzz(count: int) -> settings:
    """Settings of one fuzz test: ``count`` examples in CI (see ``examples``), no deadline."""
    return settings(
        max_examples=examples(count),
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )


SAFE_TEXT = st.text(
    st.characters(min_codepoint=0x20, max_codepoint=0x7E, exclude_characters="\r\n"), max_size=40
)
ANY_TEXT = st.text(max_size=60)

# --- Accept headers with odd q-values ----------------------------------------------------------

MEDIA = [
    "*/*",
    "text/*",
    "application/*",
    "text/html",
    "application/xhtml+xml",
    "application/sparql-results+json",
    "application/sparql-results+xml",
    "application/json",
    "application/xml",
    "text/xml",
    "text/csv",
    "text/tab-separated-values",
    "text/turtle",
    "application/x-turtle",
    "text/n3",
    "application/n-triples",
    "application/ld+json",
    "application/rdf+xml",
    "image/png",
    "*/html",
    "text",
    "/",
    "",
    "*",
    "text/html/extra",
]
Q_VALUES = ["1", "0", "0.5", "1.0", "0.001", "-1", "2", "nan", "inf", "-0", "1e1", "abc", "", "0."]
PARAMS = st.sampled_from(
    [
        *(f";q={q}" for q in Q_VALUES),
        "; q = 0.3",
        ";Q=0.9",
        ";charset=utf-8",
        ";level=1",
        ";q=0.5;q=0.1",
        ";",
        ";=",
    ]
)
MEDIA_RANGE = st.builds(
    lambda media, params: media + "".join(params),
    st.one_of(st.sampled_from(MEDIA), SAFE_TEXT),
    st.lists(PARAMS, max_size=3),
)
ACCEPT = st.one_of(
    st.none(),
    st.lists(MEDIA_RANGE, max_size=5).map(", ".join),
    SAFE_TEXT,
)

# --- Query texts: pieces of SPARQL, perhaps spoilt ------------------------------------------------

FORMS = [
    "SELECT *",
    "SELECT ?s",
    "SELECT DISTINCT ?s ?o",
    "SELECT (COUNT(*) AS ?n)",
    "SELECT REDUCED *",
    "ASK",
    "CONSTRUCT { ?s ?p ?o }",
    "CONSTRUCT",
    "DESCRIBE ?s",
    f"DESCRIBE <{BASE}id/person/rune-alstadsaeter>",
    "select *",
    "\\u0053ELECT *",
    "INSERT DATA { <urn:a> <urn:b> <urn:c> }",
    "DROP ALL",
    "LOAD <http://127.0.0.1:9/>",
]
PROLOGUES = [
    "",
    f"PREFIX id: <{BASE}id/>",
    "BASE <http://example.org/>",
    "PREFIX : <urn:x:>",
    "# comment\n",
    "\ufeff",
]
DATASETS = [
    "",
    f"FROM <{BASE}graph/reference>",
    f"FROM NAMED <{BASE}graph/reference>",
    "FROM <http://127.0.0.1:9/data.ttl>",
    "FROM <urn:x:none>",
    "FROM NAMED <relative>",
]
PATTERNS = [
    "?s ?p ?o",
    "?s a ?t",
    "GRAPH ?g { ?s ?p ?o }",
    "VALUES ?s { <urn:a> <urn:b> }",
    "?s <http://www.w3.org/2004/02/skos/core#prefLabel> ?o",
    "BIND(1 AS ?x)",
    "FILTER(?s != <urn:a>)",
    "OPTIONAL { ?s ?q ?r }",
    "SERVICE <http://127.0.0.1:9/> { }",
    '?s ?p "Rune Alstadsæter"',
    '?s ?p ?o FILTER(REGEX(STR(?o), "^R"))',
    '?s ?p ?o FILTER(LANG(?o) = "nb")',
    "?s id:nothing ?o",
    "{ ?s ?p ?o } UNION { ?o ?p ?s }",
    "MINUS { ?s a ?t }",
    "",
]
MODIFIERS = ["LIMIT 3", "LIMIT 3 OFFSET 2", "ORDER BY ?s LIMIT 2", "GROUP BY ?s LIMIT 2", "LIMIT 0"]


@st.composite
def sparql(draw: st.DrawFn) -> str:
    where = " . ".join(draw(st.lists(st.sampled_from(PATTERNS), min_size=1, max_size=2)))
    text = " ".join(
        [
            draw(st.sampled_from(PROLOGUES)),
            draw(st.sampled_from(FORMS)),
            draw(st.sampled_from(DATASETS)),
            draw(st.sampled_from(["WHERE", "", "where"])),
            "{",
            where,
            "}",
            draw(st.sampled_from(MODIFIERS)),
        ]
    )
    spoil = draw(st.integers(0, 5))
    if spoil == 1:  # cut somewhere
        text = text[: draw(st.integers(0, len(text)))]
    elif spoil == 2:  # noise spliced in
        at = draw(st.integers(0, len(text)))
        text = text[:at] + draw(ANY_TEXT) + text[at:]
    return text


PARAMETER_NAMES = [
    "query",
    "update",
    "default-graph-uri",
    "named-graph-uri",
    "format",
    "timeout",
    "using-graph-uri",
    "using-named-graph-uri",
    "lang",
    "example",
]
VALUES = st.one_of(
    sparql(),
    ANY_TEXT,
    st.sampled_from(
        [
            "json",
            "xml",
            "csv",
            "tsv",
            "ttl",
            "html",
            "srj",
            "text/csv",
            "application/ld+json,application/x-json+ld",
            "0",
            "-1",
            "nan",
            "inf",
            "1e400",
            "0.0001",
            "1",
            f"{BASE}graph/reference",
            "http://127.0.0.1:9/",
            "<x>",
            "",
        ]
    ),
)
PAIRS = st.lists(
    st.tuples(st.one_of(st.sampled_from(PARAMETER_NAMES), SAFE_TEXT), VALUES), max_size=4
)
QUERY_STRING = st.one_of(
    PAIRS.map(lambda pairs: urllib.parse.urlencode(pairs).encode()),
    st.binary(max_size=120),
    st.sampled_from([b"query", b"query=", b"query=%", b"query=%ZZ", b"query=%ff%fe", b"&&&="]),
)
CONTENT_TYPES = st.one_of(
    st.none(),
    st.sampled_from(
        [
            "application/x-www-form-urlencoded",
            "application/sparql-query",
            "application/sparql-update",
            "application/sparql-query; charset=utf-8",
            "application/sparql-query; charset=latin-1",
            "application/x-www-form-urlencoded; charset=UTF-16",
            'application/sparql-query; charset="utf-8"',
            "multipart/form-data; boundary=xyz",
            "multipart/form-data",
            "text/plain",
            "application/json",
            "application/ld+json",
            "APPLICATION/SPARQL-QUERY",
            "",
            ";",
            "application/sparql-query;;;",
        ]
    ),
    SAFE_TEXT,
)
BODY = st.one_of(
    st.binary(max_size=300),
    sparql().map(str.encode),
    PAIRS.map(lambda pairs: urllib.parse.urlencode(pairs).encode()),
    st.just(b""),
)
METHODS = st.sampled_from(
    ["GET", "GET", "POST", "POST", "POST", "HEAD", "OPTIONS", "PUT", "DELETE", "PATCH", "TRACE"]
)


@st.composite
def protocol_requests(draw: st.DrawFn) -> tuple[str, bytes, str | None, bytes]:
    """A request as a SPARQL client would send it (a query by GET, form or body), or noise."""
    shape = draw(st.sampled_from(["get", "form", "direct", "noise"]))
    query = draw(sparql())
    extra = draw(PAIRS)
    if shape == "get":
        return "GET", urllib.parse.urlencode([("query", query), *extra]).encode(), None, b""
    if shape == "form":
        body = urllib.parse.urlencode([("query", query), *extra]).encode()
        return "POST", b"", "application/x-www-form-urlencoded", body
    if shape == "direct":
        qs = urllib.parse.urlencode(extra).encode()
        return "POST", qs, "application/sparql-query", query.encode()
    return draw(METHODS), draw(QUERY_STRING), draw(CONTENT_TYPES), draw(BODY)


@fuzz(300)
@given(
    sent=protocol_requests(),
    path=st.sampled_from(["/sparql", "/sparql/"]),
    accept=ACCEPT,
)
def test_the_endpoint_never_fails(
    sparql_app: Flask,
    sent: tuple[str, bytes, str | None, bytes],
    path: str,
    accept: str | None,
) -> None:
    method, query_string, content_type, body = sent
    headers = {"Accept": accept} if accept is not None else {}
    if content_type is not None:
        headers["Content-Type"] = content_type
    # The query string as a server passes it on: its bytes, one character each (latin-1).
    response = sparql_app.test_client().open(
        path + "?" + query_string.decode("latin-1"),
        method=method,
        data=body if method not in {"GET", "HEAD"} else None,
        headers=headers,
    )
    seen("endpoint", response.status_code)
    assert response.status_code != 500, response.get_data(as_text=True)[:300]
    assert response.status_code in {200, 204, 303, 400, 403, 404, 405, 406, 413, 414, 415, 503}
    if method == "HEAD":
        assert response.get_data() == b""
    if response.status_code == 200 and method != "OPTIONS":
        assert response.mimetype


THINGS = [
    "person/rune-alstadsaeter",
    "meeting/2025-10-13",
    "meeting/2023-01-13/item/9",
    "organisation/opd",
    "topic/children-and-youth-in-crime",
    "place/mortensrud",
    "source/2025-10-13",
    "followup/2025-4",
    "concept/access-rights/exempt",
]
EXTENSIONS = ["ttl", "jsonld", "nt", "rdf", "html", "json", "xml", "", "TTL", "ttl.ttl"]
PATHS = st.one_of(
    st.sampled_from(THINGS),
    st.sampled_from(THINGS),
    st.builds(lambda a, b: a + b, st.sampled_from(THINGS), ANY_TEXT),
    ANY_TEXT,
)


@fuzz(150)
@given(
    path=PATHS,
    ext=st.one_of(st.sampled_from(EXTENSIONS), SAFE_TEXT),
    accept=ACCEPT,
    fmt=st.one_of(st.none(), st.sampled_from([*EXTENSIONS, "text/turtle", "text/html"]), SAFE_TEXT),
    data=st.booleans(),
)
def test_content_negotiation_never_fails(
    sparql_app: Flask, path: str, ext: str, accept: str | None, fmt: str | None, data: bool
) -> None:
    quoted = urllib.parse.quote(path, safe="/")
    url = f"/data/{quoted}.{urllib.parse.quote(ext, safe='')}" if data else f"/id/{quoted}"
    headers = {"Accept": accept} if accept is not None else {}
    query = {"format": fmt} if fmt is not None else {}
    response = sparql_app.test_client().get(url, headers=headers, query_string=query)
    seen("negotiation", response.status_code)
    assert response.status_code in {200, 303, 308, 400, 404, 406}, (url, response.status_code)
    if response.status_code == 303:
        location = response.headers["Location"]
        assert location.startswith(("/page/", "/data/")), location
    if response.status_code == 308:  # the router merges double slashes: a local redirect
        target = urllib.parse.urlsplit(response.headers["Location"])
        assert target.netloc in {"", "localhost"} and "//" in url, target
    if response.status_code == 200:
        assert response.mimetype in {
            "text/turtle",
            "application/ld+json",
            "application/n-triples",
            "application/rdf+xml",
            "text/html",
        }


PAGE_ARGS = st.dictionaries(
    st.sampled_from(
        ["q", "type", "year", "meeting", "topic", "lang", "page", "status", "responsible", "x"]
    ),
    st.one_of(ANY_TEXT, st.sampled_from(["2025", "en", "nb", "0", "-1", "999999999999", ""])),
    max_size=4,
)
PAGE_PATHS = [
    "/",
    "/search",
    "/api/search",
    "/followups",
    "/api/followups",
    "/meetings",
    "/topics",
    "/page/topic/children-and-youth-in-crime",
    "/page/meeting/2025-10-13",
    "/api/list/people",
    "/feeds/meetings.atom",
    "/queries",
]


@fuzz(100)
@given(path=st.sampled_from(PAGE_PATHS), args=PAGE_ARGS, accept=ACCEPT)
def test_page_parameters_never_fail(
    sparql_app: Flask, path: str, args: dict[str, str], accept: str | None
) -> None:
    headers = {"Accept": accept} if accept is not None else {}
    response = sparql_app.test_client().get(path, query_string=args, headers=headers)
    seen("pages", response.status_code)
    assert response.status_code in {200, 400, 404, 406}, (path, args, response.status_code)


NAMED = sorted(library.library())
TYPED_VALUES = st.one_of(
    ANY_TEXT,
    st.sampled_from(
        [
            f"{BASE}id/meeting/2025-10-13",
            f"{BASE}id/person/rune-alstadsaeter",
            "2025",
            "2025-10",
            "2025-10-13",
            "2025-13-45",
            "10",
            "-0",
            "+7",
            "99999999999999999999999",
            "http://x/a> } ; DROP ALL #",
            "urn:x",
            "",
        ]
    ),
)


@fuzz(100)
@given(
    name=st.sampled_from(NAMED),
    suffix=st.sampled_from(["", ".json", ".csv"]),
    values=st.lists(TYPED_VALUES, min_size=1, max_size=3),
)
def test_canned_query_parameters_never_fail(
    sparql_app: Flask, name: str, suffix: str, values: list[str]
) -> None:
    parameters = [p.name for p in library.library()[name].parameters] or ["x"]
    args = dict(zip(parameters, values, strict=False))
    response = sparql_app.test_client().get(f"/queries/{name}{suffix}", query_string=args)
    seen("canned", response.status_code)
    assert response.status_code in {200, 400, 503}, (name, args, response.status_code)
