"""What a query asks of the outside world, read from its tokens: SERVICE and FROM clauses.

Both embedded engines would send a ``SERVICE`` request over HTTP, so every store refuses such a
query before it runs, whoever calls it. A ``FROM`` clause only selects named graphs we hold;
the stores use it to tell a query with its own dataset from one over the union of all graphs.
"""

from __future__ import annotations

import re

_UNICODE_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_TOKEN = re.compile(
    r"""
    (?P<comment>\#[^\n]*)
  | (?P<string>'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
               |'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*")
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<prefixed>[A-Za-z_][\w.-]*:[\w.:%-]*|:[\w.:%-]*)
  | (?P<variable>[?$][\w]+)
  | (?P<word>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)


class QueryRefused(ValueError):
    """A query that would make the engine reach outside the store."""


def _unescape(text: str) -> str:
    # SPARQL applies \u escapes before parsing, so "SERV\u0049CE" is the keyword SERVICE.
    return _UNICODE_ESCAPE.sub(lambda m: chr(int(m.group(1) or m.group(2), 16)), text)


def keywords(text: str) -> set[str]:
    """Return the upper-cased bare words of a query, outside strings, IRIs and comments.

    >>> sorted(keywords('SELECT * { ?s ?p "SERVICE" } # FROM'))
    ['SELECT']
    >>> "SERVICE" in keywords("SELECT * { SERV\\\\u0049CE <http://x/> { ?s ?p ?o } }")
    True
    """
    return {m.group().upper() for m in _TOKEN.finditer(_unescape(text)) if m.lastgroup == "word"}


def _may_hold(text: str, word: str) -> bool:
    """Whether a keyword can be among the words at all: most queries have neither SERVICE nor
    FROM, and a search for the letters costs little next to reading every token."""
    return word in _unescape(text).lower() if "\\" in text else word in text.lower()


def refuse_outside_access(text: str) -> None:
    """Raise QueryRefused for a query with SERVICE, which would send a request elsewhere."""
    if _may_hold(text, "service") and "SERVICE" in keywords(text):
        raise QueryRefused("SERVICE is not allowed: a query never sends requests to other servers")


def has_dataset_clause(text: str) -> bool:
    """Tell whether a query names its own dataset with FROM or FROM NAMED.

    >>> has_dataset_clause("SELECT * FROM <http://g/> { ?s ?p ?o }")
    True
    >>> has_dataset_clause('SELECT * { ?s ?p "FROM" }'), has_dataset_clause("ASK {}")
    (False, False)
    """
    return _may_hold(text, "from") and "FROM" in keywords(text)
