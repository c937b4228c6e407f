"""The query lexers as they were before they were made linear: the reference the fast ones must
agree with (tests/test_query_lexer.py).

Copied from webapp/sparql.py and politiraad_graph/guard.py as they were; quadratic on some
hostile texts, so only ever given short ones. Not used by the application.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from urllib.parse import urljoin

from webapp.sparql import QueryShape

# --- webapp/sparql.py -------------------------------------------------------------------------

_PN_CHARS_BASE = (
    "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02ff\u0370-\u037d\u037f-\u1fff\u200c-\u200d"
    "\u2070-\u218f\u2c00-\u2fef\u3001-\ud7ff\uf900-\ufdcf\ufdf0-\ufffd\U00010000-\U000effff"
)
_PN_CHARS_U = _PN_CHARS_BASE + "_"
_PN_CHARS = _PN_CHARS_U + r"\-0-9\u00b7\u0300-\u036f\u203f-\u2040"
_PLX = r"%[0-9A-Fa-f]{2}|\\[_~.\-!$&'()*+,;=/?#@%]"
_PN_PREFIX = f"[{_PN_CHARS_BASE}](?:[{_PN_CHARS}.]*[{_PN_CHARS}])?"
_PN_LOCAL = (
    f"(?:[{_PN_CHARS_U}:0-9]|{_PLX})(?:(?:[{_PN_CHARS}.:]|{_PLX})*(?:[{_PN_CHARS}:]|{_PLX}))?"
)
_VARNAME = f"[{_PN_CHARS_U}0-9][{_PN_CHARS_U}0-9\u00b7\u0300-\u036f\u203f-\u2040]*"
# Order matters twice: for speed (the common tokens first) and for meaning (a keyword is a word
# not followed by name characters, else it is part of a prefixed name such as ``ex:FROM``).
_LEXER = re.compile(
    r"(?P<ws>\s+)"
    r"|(?P<comment>\#[^\r\n]*)"
    f"|(?P<var>[?$]{_VARNAME})"
    r"|(?P<word>[A-Za-z_][A-Za-z0-9_]*(?![A-Za-z0-9_.:\-\u00b7\u00c0-\U000effff]))"
    r"|(?P<iri><[^<>\"{}|^`\\\x00-\x20]*>)"
    r"|(?P<string>'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^\"\\]|\\.|\"(?!\"\"))*\"\"\""
    r"|'(?:[^'\\\n\r]|\\.)*'|\"(?:[^\"\\\n\r]|\\.)*\")"
    f"|(?P<bnode>_:[{_PN_CHARS_U}0-9](?:[{_PN_CHARS}.]*[{_PN_CHARS}])?)"
    f"|(?P<pname>(?:{_PN_PREFIX})?:(?:{_PN_LOCAL})?)"
    r"|(?P<langtag>@[a-zA-Z]+(?:-[a-zA-Z0-9]+)*)"
    r"|(?P<other>.)",
    re.DOTALL,
)
_CODEPOINT = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_PN_ESCAPE = re.compile(r"\\([_~.\-!$&'()*+,;=/?#@%])")
_FORMS = {"SELECT", "CONSTRUCT", "DESCRIBE", "ASK"}
_AFTER_DATASET = {"WHERE", "ORDER", "GROUP", "HAVING", "LIMIT", "OFFSET", "VALUES"}
_ABSOLUTE = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:")
_RELATIVE_IRI = re.compile(r"<(?![A-Za-z][A-Za-z0-9+.\-]*:)[^<>\"{}|^`\\\x00-\x20]*>")
_BASE_DECLARATION = re.compile(r"(?i)\bBASE\s*<")
_SELECT_STAR = re.compile(r"(?i)\bSELECT\s+(?:(?:DISTINCT|REDUCED)\s+)?\*")
#: The verbs of SPARQL Update; none is a keyword of a query outside its groups.
_UPDATE_VERBS = frozenset(
    {"INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH"}
)
_MAYBE_UPDATE = re.compile(r"(?i)\b(?:insert|delete|load|clear|drop|create|add|move|copy|with)\b")


@dataclass(frozen=True)
class Token:
    kind: str
    text: str
    start: int
    end: int

    def word(self) -> str:
        return self.text.upper() if self.kind == "word" else ""


def lex(text: str) -> list[Token]:
    """Split a query into SPARQL tokens, leaving out white space and comments.

    >>> [t.text for t in lex('SELECT * { ?s ?p "SERVICE" } # FROM')]
    ['SELECT', '*', '{', '?s', '?p', '"SERVICE"', '}']
    """
    found = []
    for match in _LEXER.finditer(text):
        kind = match.lastgroup or "other"
        if kind not in {"ws", "comment"}:
            found.append(Token(kind, match.group(), match.start(), match.end()))
    return found


def unescape_codepoints(text: str) -> str:
    r"""Apply ``\u`` and ``\U`` escapes, which some engines (rdflib) apply before parsing.

    >>> unescape_codepoints(r"\u0053ERVICE")
    'SERVICE'
    """
    if "\\u" not in text and "\\U" not in text:
        return text

    def char(match: re.Match[str]) -> str:
        code = int(match.group(1) or match.group(2), 16)
        return chr(code) if code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF else match.group()

    return _CODEPOINT.sub(char, text)


def unescape_fully(text: str) -> str:
    r"""Apply ``\u`` escapes until none is left, so that an engine applying them once more
    cannot find a keyword we did not see.

    >>> unescape_fully(r"\u005Cu0046ROM")
    'FROM'
    """
    for _ in range(8):
        done = unescape_codepoints(text)
        if done == text:
            break
        text = done
    return text


def is_update(toks: Sequence[Token]) -> bool:
    """Whether the tokens hold an update verb outside any group or parentheses.

    A query has only its own keywords there, so this finds an update however it is dressed:
    after a prologue or comments, in any case, or behind a query and ``;``.

    >>> is_update(lex("PREFIX x: <urn:x:> # c\\n drop ALL"))
    True
    >>> is_update(lex('SELECT * { ?s <urn:x:drop> "DROP ALL" } ORDER BY ?s'))
    False
    """
    depth = 0
    for token in toks:
        if token.kind == "word":
            if depth == 0 and token.text.upper() in _UPDATE_VERBS:
                return True
        elif token.text in "{(":
            depth += 1
        elif token.text in "})":
            depth -= 1
    return False


def _resolve(token: Token, base: str, prefixes: Mapping[str, str]) -> str | None:
    if token.kind == "iri":
        iri = unescape_codepoints(token.text[1:-1])
        return iri if _ABSOLUTE.match(iri) else urljoin(base, iri)
    if token.kind == "pname":
        prefix, _, local = token.text.partition(":")
        if prefix not in prefixes:
            return None
        return prefixes[prefix] + _PN_ESCAPE.sub(r"\1", local)
    return None


def _relative_before_base(text: str) -> bool:
    """Whether a relative IRI may come before any BASE (then the query needs a base IRI).

    >>> _relative_before_base("CONSTRUCT { <s> <p> 1 } WHERE {}")
    True
    >>> _relative_before_base("BASE <http://b/> SELECT * { <s> ?p ?o }")
    False
    """
    relative = _RELATIVE_IRI.search(text)
    if relative is None:
        return False
    declared = _BASE_DECLARATION.search(text)
    return declared is None or declared.start() > relative.start()


def _insertion_point(toks: Sequence[Token], text: str) -> int:
    """Where a dataset clause goes: after the query form's head, before its WHERE pattern."""
    index = next((i for i, t in enumerate(toks) if t.word() in _FORMS), None)
    if index is None:
        return len(text)
    form = toks[index].word()
    i = index + 1
    if form == "CONSTRUCT" and i < len(toks) and toks[i].text == "{":
        depth = 0
        while i < len(toks):
            depth += {"{": 1, "}": -1}.get(toks[i].text, 0)
            i += 1
            if depth == 0:
                break
    parens = 0
    while i < len(toks):
        token = toks[i]
        if token.text == "(":
            parens += 1
        elif token.text == ")":
            parens -= 1
        elif parens == 0 and (
            token.text == "{" or token.word() in _AFTER_DATASET or token.word() == "FROM"
        ):
            return token.start
        i += 1
    return len(text)


def read_shape(text: str, base: str, *, placing: bool = False) -> QueryShape:
    """Read a query's SERVICE use and dataset clauses from its tokens.

    ``placing`` asks for the place of a dataset clause even when the query has none. The
    answer depends on the text alone, so the last few hundred are kept: clients repeat queries.

    >>> shape = read_shape("PREFIX g: <http://g/> SELECT * FROM g:a FROM NAMED <b> {}", "http://x/")
    >>> shape.default_graphs, shape.named_graphs
    (('http://g/a',), ('http://x/b',))
    >>> read_shape('ASK { ?s ?p "SERVICE <http://evil/>" }', "http://x/").service
    False
    """
    # Engines apply \u escapes before parsing: the tokens that count are those of that text.
    source = unescape_fully(text)
    lowered = source.lower()
    if (
        "service" not in lowered
        and "from" not in lowered
        and not placing
        and not _SELECT_STAR.search(source)
        and not _MAYBE_UPDATE.search(source)
    ):
        # No token can be a keyword we look for and nothing is to be placed: lexing would tell
        # nothing.
        return QueryShape(insert_at=len(text), relative_iris=_relative_before_base(text))
    toks = lex(source)
    service = any(t.word() == "SERVICE" for t in toks)
    update = is_update(toks)
    if source != text:
        # An engine that does not apply escapes would read the raw tokens: refuse what either
        # reading finds.
        raw = lex(text)
        service = service or any(t.word() == "SERVICE" for t in raw)
        update = update or is_update(raw)
    prefixes: dict[str, str] = {}
    current_base = base
    default: list[str] = []
    named: list[str] = []
    clauses: list[tuple[int, int]] = []
    relative = False
    seen_base = False
    depth = 0
    i = 0
    while i < len(toks):
        token = toks[i]
        if token.kind == "iri" and not seen_base and not _ABSOLUTE.match(token.text[1:-1]):
            relative = True
        if token.text == "{":
            depth += 1
        elif token.text == "}":
            depth -= 1
        elif depth == 0 and token.word() == "BASE" and i + 1 < len(toks):
            resolved = _resolve(toks[i + 1], current_base, prefixes)
            current_base = resolved or current_base
            seen_base = True
        elif depth == 0 and token.word() == "PREFIX" and i + 2 < len(toks):
            name = toks[i + 1].text
            resolved = _resolve(toks[i + 2], current_base, prefixes)
            if name.endswith(":") and resolved is not None:
                prefixes[name[:-1]] = resolved
        elif depth == 0 and token.word() == "FROM":
            is_named = i + 1 < len(toks) and toks[i + 1].word() == "NAMED"
            target_index = i + 2 if is_named else i + 1
            if target_index < len(toks):
                target = toks[target_index]
                resolved = _resolve(target, current_base, prefixes)
                (named if is_named else default).append(resolved or target.text)
                clauses.append((token.start, target.end))
                i = target_index
        i += 1
    insert_at = clauses[0][0] if clauses else _insertion_point(toks, source)
    return QueryShape(
        service,
        update,
        tuple(default),
        tuple(named),
        tuple(clauses),
        insert_at,
        relative,
        _star_order(toks),
        source if source != text else None,
    )


def _star_order(toks: Sequence[Token]) -> tuple[str, ...]:
    """For ``SELECT *``, the variables in the order they first appear (else nothing).

    Engines order ``SELECT *`` columns as they like (Oxigraph sorts them); people and the W3C
    tests expect the order of the query.
    """
    index = next((i for i, t in enumerate(toks) if t.word() in _FORMS), None)
    if index is None or toks[index].word() != "SELECT":
        return ()
    following = [t.word() or t.text for t in toks[index + 1 : index + 3]]
    if "*" not in following or any(w not in {"*", "DISTINCT", "REDUCED"} for w in following[:1]):
        return ()
    return tuple(dict.fromkeys(t.text[1:] for t in toks[index:] if t.kind == "var"))


# --- politiraad_graph/guard.py ------------------------------------------------------------

_GUARD_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_GUARD_TOKEN = re.compile(
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


def _guard_unescape(text: str) -> str:
    # SPARQL applies \u escapes before parsing, so "SERV\u0049CE" is the keyword SERVICE.
    return _GUARD_ESCAPE.sub(lambda m: chr(int(m.group(1) or m.group(2), 16)), text)


def guard_keywords(text: str) -> set[str]:
    """Return the upper-cased bare words of a query, outside strings, IRIs and comments.

    >>> sorted(guard_keywords('SELECT * { ?s ?p "SERVICE" } # FROM'))
    ['SELECT']
    >>> "SERVICE" in guard_keywords("SELECT * { SERV\\\\u0049CE <http://x/> { ?s ?p ?o } }")
    True
    """
    return {
        m.group().upper()
        for m in _GUARD_TOKEN.finditer(_guard_unescape(text))
        if m.lastgroup == "word"
    }


def _guard_may_hold(text: str, word: str) -> bool:
    """Whether a keyword can be among the words at all: most queries have neither SERVICE nor
    FROM, and a search for the letters costs little next to reading every token."""
    return word in _guard_unescape(text).lower() if "\\" in text else word in text.lower()


def guard_refuses(text: str) -> bool:
    """Raise QueryRefused for a query with SERVICE, which would send a request elsewhere."""
    return _guard_may_hold(text, "service") and "SERVICE" in guard_keywords(text)


def guard_has_dataset_clause(text: str) -> bool:
    """Tell whether a query names its own dataset with FROM or FROM NAMED.

    >>> guard_has_dataset_clause("SELECT * FROM <http://g/> { ?s ?p ?o }")
    True
    >>> guard_has_dataset_clause('SELECT * { ?s ?p "FROM" }'), guard_has_dataset_clause("ASK {}")
    (False, False)
    """
    return _guard_may_hold(text, "from") and "FROM" in guard_keywords(text)
