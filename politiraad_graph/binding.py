"""Bind query parameters as RDF terms in a VALUES block, never by pasting text into a query.

Used where an engine has no binding API of its own (a remote SPARQL server) or where its API
cannot bind a variable (pyoxigraph substitutes only projected variables). A term is written in
its escaped N-Triples form, so a value with quotes, ``>``, ``}`` or newlines stays one term.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef
from rdflib.term import Node

_IRI_FORBIDDEN = re.compile(r'[\x00-\x20<>"{}|^`\\]')
_LANG = re.compile(r"^[a-zA-Z]+(-[a-zA-Z0-9]+)*$")
_VARIABLE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


class BindingError(ValueError):
    """A parameter that cannot be bound: not a valid term or not a valid variable name."""


def _escape(text: str) -> str:
    return (
        text.replace("\\", "\\\\")
        .replace('"', '\\"')
        .replace("\n", "\\n")
        .replace("\r", "\\r")
        .replace("\t", "\\t")
    )


def _valid_iri(value: str) -> bool:
    """Whether an engine accepts the IRI: RFC 3987, as Oxigraph checks it (code points such as
    U+FFFD or ``[`` in a path, a ``%`` without two hex digits, a second ``#`` are refused)."""
    try:
        ox.NamedNode(value)
    except ValueError:
        return False
    return True


def term_to_sparql(term: Node) -> str:
    """Write one term in SPARQL syntax, escaped; refuse what is not a valid term.

    >>> term_to_sparql(Literal('a "b" } \\n'))
    '"a \\\\"b\\\\" } \\\\n"'
    >>> term_to_sparql(URIRef("https://w3id.org/politiraad/id/person/x"))
    '<https://w3id.org/politiraad/id/person/x>'
    >>> term_to_sparql(URIRef("http://x/a> } ; DROP ALL #"))  # doctest: +IGNORE_EXCEPTION_DETAIL
    Traceback (most recent call last):
    BindingError: not a valid IRI: 'http://x/a> } ; DROP ALL #'
    """
    if isinstance(term, URIRef):
        value = str(term)
        if not value or _IRI_FORBIDDEN.search(value) or ":" not in value or not _valid_iri(value):
            raise BindingError(f"not a valid IRI: {value!r}")
        return f"<{value}>"
    if isinstance(term, Literal):
        body = f'"{_escape(str(term))}"'
        if term.language:
            if not _LANG.match(term.language):
                raise BindingError(f"not a valid language tag: {term.language!r}")
            return f"{body}@{term.language}"
        if term.datatype is not None:
            return f"{body}^^{term_to_sparql(URIRef(str(term.datatype)))}"
        return body
    if isinstance(term, BNode):
        raise BindingError("blank nodes cannot be bound as parameters")
    raise BindingError(f"cannot bind {term!r}")


def values_block(bindings: Mapping[str, Node]) -> str:
    """Return ``VALUES (?a ?b) { (t1 t2) }`` for the bindings.

    >>> values_block({"x": Literal(1)})
    'VALUES (?x) { ("1"^^<http://www.w3.org/2001/XMLSchema#integer>) }'
    """
    names = list(bindings)
    for name in names:
        if not _VARIABLE.match(name):
            raise BindingError(f"not a valid variable name: {name!r}")
    variables = " ".join(f"?{n}" for n in names)
    terms = " ".join(term_to_sparql(bindings[n]) for n in names)
    return f"VALUES ({variables}) {{ ({terms}) }}"


_TOKEN = re.compile(
    r"""
    (?P<comment>\#[^\n]*)
  | (?P<string>'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
               |'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*")
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<word>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<open>\{)
  | (?P<close>\})
  | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)


def _where_brace(query: str) -> int | None:
    """Return the offset of the ``{`` that opens the query's WHERE pattern, if found."""
    form: str | None = None
    depth = 0
    after_where = False
    for match in _TOKEN.finditer(query):
        kind = match.lastgroup
        if kind == "word":
            word = match.group().upper()
            if depth == 0 and form is None and word in {"SELECT", "ASK", "CONSTRUCT", "DESCRIBE"}:
                form = word
            elif depth == 0 and word == "WHERE":
                after_where = True
        elif kind == "open":
            if depth == 0 and (after_where or form in {"SELECT", "ASK", "DESCRIBE"}):
                return match.start()
            depth += 1
        elif kind == "close":
            depth -= 1
    return None


def bind_values(query: str, bindings: Mapping[str, Node]) -> str:
    """Return the query with the bindings joined in as a VALUES block at the top of WHERE.

    >>> bind_values("SELECT ?n WHERE { ?s <http://x/n> ?n }", {"s": URIRef("http://x/a")})
    'SELECT ?n WHERE { VALUES (?s) { (<http://x/a>) }\\n ?s <http://x/n> ?n }'
    >>> bind_values('ASK { ?s ?p "}" }', {"p": URIRef("http://x/p")})
    'ASK { VALUES (?p) { (<http://x/p>) }\\n ?s ?p "}" }'
    """
    if not bindings:
        return query
    block = values_block(bindings)
    brace = _where_brace(query)
    if brace is None:
        # No WHERE group to open (CONSTRUCT WHERE short form): a trailing VALUES joins the same.
        return f"{query.rstrip()}\n{block}"
    return f"{query[: brace + 1]} {block}\n{query[brace + 1 :]}"
