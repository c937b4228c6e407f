"""The endpoint's query lexer (webapp/sparql.py) and the stores' (politiraad_graph/guard.py) are
linear and fast on hostile text, and decide exactly as the lexers they replaced.

The old lexers are kept in tests/lexer_reference.py. Hypothesis builds texts from the pieces
that matter to a lexer (quotes, backslashes, brackets, name characters, keywords, escapes),
and every field of the shape, every token and every guard answer must be the same.
"""

from __future__ import annotations

import contextlib
import os
import time

import lexer_reference as old
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from politiraad_graph import guard
from webapp import sparql

BASE = "http://localhost/sparql"
PIECES = [
    "'",
    '"',
    "'''",
    '"""',
    "\\",
    "\\'",
    '\\"',
    "\n",
    "\r",
    " ",
    "\t",
    "{",
    "}",
    "(",
    ")",
    "<",
    ">",
    "#",
    ":",
    ".",
    "-",
    "_",
    "?",
    "$",
    "@",
    "*",
    ";",
    ",",
    "%41",
    "%",
    "a",
    "b",
    "x9",
    "9",
    "é",
    "×",
    "·",
    "\u0301",
    "\u00d7a",
    "ex:",
    "ex:a",
    "_:b",
    "?s",
    "$o",
    "@en",
    "<http://g/>",
    "<rel>",
    "<a(b)>",
    "\\(",
    "\\u0046ROM",
    "\\u0053ERVICE",
    "\\u005Cu0046",
    "SERVICE",
    "service",
    "FROM",
    "from",
    "NAMED",
    "BASE",
    "PREFIX",
    "SELECT",
    "CONSTRUCT",
    "ASK",
    "DESCRIBE",
    "WHERE",
    "ORDER",
    "LIMIT",
    "VALUES",
    "INSERT",
    "DROP",
    "with",
    "DISTINCT",
    "ALL",
    "FROMx",
    "SERVICE:",
    "a.SERVICE",
    "9SERVICE",
    "_FROM",
    "FROM.",
    "FROM×",
]
texts = st.lists(st.sampled_from(PIECES), max_size=40).map("".join)
BOUNDED = settings(
    max_examples=int(os.environ.get("POLITIRAAD_LEXER_EXAMPLES", "1500")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)


def shapes_agree(text: str, placing: bool) -> None:
    new = sparql.read_shape.__wrapped__(text, BASE, placing=placing)
    assert new == old.read_shape(text, BASE, placing=placing), text


@BOUNDED
@given(texts, st.booleans())
def test_the_shape_is_the_old_lexers(text: str, placing: bool) -> None:
    shapes_agree(text, placing)


@BOUNDED
@given(texts)
def test_the_tokens_are_the_old_lexers(text: str) -> None:
    assert sparql.lex(text) == [
        sparql.Token(t.kind, t.text, t.start, t.end) for t in old.lex(text)
    ], text


@BOUNDED
@given(texts)
def test_the_guard_is_the_old_guard(text: str) -> None:
    refused = True
    try:
        guard.refuse_outside_access(text)
        refused = False
    except guard.QueryRefused:
        pass
    assert refused is old.guard_refuses(text), text
    assert guard.has_dataset_clause(text) is old.guard_has_dataset_clause(text), text
    assert guard.keywords(text) == old.guard_keywords(text), text


@pytest.mark.parametrize(
    "text",
    [
        "SELECT * { ?s ?p ?o }",
        "PREFIX g: <http://g/> SELECT * FROM g:a FROM NAMED <b> {}",
        "CONSTRUCT { ?s ?p ?o } FROM <http://g/> WHERE { ?s ?p ?o }",
        "CONSTRUCT { ?s ?p ?o { } } WHERE { ?s ?p ?o }",
        "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
        "SELECT DISTINCT * WHERE { ?b ?a ?c . ?a ?d ?b }",
        "BASE <http://b/> SELECT * { <s> ?p ?o }",
        "SELECT * FROM <rel> { <s> ?p ?o } BASE <http://b/>",
        "FROM {} FROM FROM <x> {",
        "SELECT * { ?s ?p 'a\\'b' } ; DROP ALL",
        "SELECT * { ?s ?p '\\' SERVICE <http://x/> {} }",
        'SELECT * { ?s ?p """\\""" } SERVICE <x> {}',
        "ASK { ?s ?p a.b.SERVICE }",
        "ASK { ?s ?p ex:a\\(b } INSERT DATA {}",
        "SELECT * WHERE { SERV\\u0049CE <http://x/> {} }",
        "SELECT * WHERE { ?s ?p ?o } # FROM <x>\nFROM <y>",
    ],
)
@pytest.mark.parametrize("placing", [False, True])
def test_known_queries_agree(text: str, placing: bool) -> None:
    shapes_agree(text, placing)


MEGABYTE = 1_000_000


def hostile(unit: str, head: str = "SELECT * WHERE { ?s ?p ?o } # FROM\nFROM SERVICE ") -> str:
    body = head + unit * ((MEGABYTE - len(head)) // len(unit) + 1)
    return body[:MEGABYTE]


#: Megabyte texts that made the old lexers slow: quadratic (the first five) or many tokens.
HOSTILE = {
    "escaped quotes in a string that never ends": "'''" + "\\'" * (MEGABYTE // 2),
    "escaped quotes on one line": hostile("\\'"),
    "dotted name without a colon": hostile("a."),
    "long word before a dot": "SELECT " + "a" * MEGABYTE + ".",
    "underscores before a dot": "SELECT " + "_" * MEGABYTE + ".",
    "unterminated quotes": hostile("'"),
    "quotes of both kinds": hostile("\"'"),
    "triple quotes": hostile("'''\"\"\"x"),
    "unicode escapes": hostile("\\u005Cu005Cu0046"),
    "angle brackets": hostile("<"),
    "braces": hostile("{"),
    "braces and words": hostile("{a"),
    "parentheses after SELECT": "SELECT " + "(" * MEGABYTE,
    "comments": hostile("# service from insert\n"),
    "keywords": hostile("from "),
    "variables after SELECT *": "SELECT * " + "?x " * (MEGABYTE // 3),
    "prefixed names": hostile("a:b "),
    "strings with braces": hostile('"{"'),
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_a_hostile_megabyte_is_read_quickly(name: str) -> None:
    text = HOSTILE[name]
    started = time.perf_counter()
    sparql.read_shape.__wrapped__(text, BASE, placing=True)
    with contextlib.suppress(guard.QueryRefused):
        guard.refuse_outside_access(text)
    guard.has_dataset_clause(text)
    # Well under 100 ms each on an idle machine; the bound leaves room for a loaded one.
    assert time.perf_counter() - started < 3.0, name
