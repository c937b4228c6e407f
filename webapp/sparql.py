"""The SPARQL 1.1 endpoint for analysts: the protocol, the query editor and canned queries.

``/sparql`` speaks the SPARQL 1.1 Protocol for queries: ``GET ?query=``, ``POST`` form-encoded or
``application/sparql-query``, ``default-graph-uri`` / ``named-graph-uri``, results chosen by
``Accept`` (with q-values) or ``?format=``. Without a query it answers a SPARQL Service
Description, or the query editor when a browser asks for HTML.

It is read-only and closed to the outside: SPARQL Update in any form is refused (403), and so is
a query that would reach the network (``SERVICE``) or name a graph we do not hold (``FROM``,
``FROM NAMED``: 400). Protocol graphs we do not hold are empty, never fetched. The check reads
the query's tokens with a SPARQL lexer (strings, IRIs, comments and prefixed names are tokens of
their own, so ``"SERVICE"`` or ``ex:FROM`` are not keywords; ``\\u`` escapes are applied first, as
the engines do). The same tokens tell an update sent as a query (``INSERT``, ``DROP`` ... outside
any group), refused before any worker sees it, and give the ``FROM`` / ``FROM NAMED`` graphs.
Nothing else reads the query in the web process: lexing is linear in the text, while a full
parse (rdflib's) can take seconds and cannot be interrupted there. A text without the letters
of any of these keywords is not lexed at all. The query form comes from the engine's answer;
the engine alone judges the syntax (400 with its message).

The dataset is written into the query as ``FROM`` / ``FROM NAMED`` clauses, which the protocol's
``default-graph-uri`` / ``named-graph-uri`` replace; without either the default graph is the union
of all named graphs (``sd:UnionDefaultGraph``).

Limits, each said in the response: a time limit (``query_timeout``; a client may choose another
with ``?timeout=`` in seconds, never above ``query_timeout_max``) enforced by killing the worker;
a query past it gets **503** with a plain-text message, never partial rows. A row cap
(``row_cap``) on SELECT rows and CONSTRUCT/DESCRIBE triples: ``X-Politiraad-Truncated`` and
``X-Politiraad-Row-Cap`` on every result, and ``"truncated"`` in SELECT JSON. A request body over
``max_request_bytes`` gets 413.

``/queries`` lists the named queries of the library, and ``/queries/<name>`` runs one with its
typed parameters bound as RDF terms (never pasted into the text), with ``.json`` and ``.csv``
twins taking the same parameters as query-string arguments.
"""

from __future__ import annotations

import dataclasses
import functools
import itertools
import json
import math
import re
import threading
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urljoin, urlsplit

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    url_for,
)
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, RDF
from rdflib.term import Node
from werkzeug.exceptions import RequestEntityTooLarge

from politiraad_graph import results as writers
from politiraad_graph.binding import BindingError, term_to_sparql
from politiraad_graph.guard import (
    QuoteForms,
    loud_quotes,
    quiet_skips,
    scan,
    string_end,
)
from politiraad_graph.namespaces import PREFIXES, sparql_prologue
from politiraad_graph.queries import NamedQuery, ParameterError, library
from politiraad_graph.queries import get as get_named_query
from politiraad_graph.store.base import (
    AskResult,
    GraphResult,
    QueryRejected,
    QueryResult,
    QueryTimeout,
    QueryTooLarge,
    SelectResult,
    StoreError,
)
from politiraad_graph.store.worker import (
    QueryError,
    QueryRunner,
    ResultWriteError,
    Writing,
    cap,
    kind_of,
    write,
)
from webapp import queries
from webapp.i18n import current_lang
from webapp.negotiation import BY_NAME, FORMAT_NAMES, FORMATS, Format, named_format, negotiate
from webapp.urls import local_url

bp = Blueprint("sparql", __name__)

SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
FORMATS_NS = Namespace("http://www.w3.org/ns/formats/")

#: The graph that stands for "an empty default graph" in a rewritten query; it never exists.
EMPTY_GRAPH = "urn:x-politiraad:no-graph"
TRUNCATED_HEADER = "X-Politiraad-Truncated"
ROW_CAP_HEADER = "X-Politiraad-Row-Cap"
TIME_LIMIT_HEADER = "X-Politiraad-Time-Limit"
EXPOSED_HEADERS = f"{TRUNCATED_HEADER}, {ROW_CAP_HEADER}, {TIME_LIMIT_HEADER}, Server-Timing"
UPDATE_PARAMETERS = ("update", "using-graph-uri", "using-named-graph-uri")

# --- The words of the interface (bokmål, English) ----------------------------------------------

WORDS: dict[str, tuple[str, str]] = {
    "editor_title": ("SPARQL-spørringer", "SPARQL queries"),
    "editor_intro": (
        "Still dine egne spørsmål til kunnskapsgrafen med SPARQL 1.1. Endepunktet er åpent for "
        "alle, kan bare leses, og svarer i JSON, XML, CSV, TSV, Turtle, N-Triples, JSON-LD og "
        "RDF/XML.",
        "Ask the knowledge graph your own questions in SPARQL 1.1. The endpoint is open to "
        "everyone, read-only, and answers in JSON, XML, CSV, TSV, Turtle, N-Triples, JSON-LD "
        "and RDF/XML.",
    ),
    "limits": ("Grenser", "Limits"),
    "limit_time": (
        "En spørring får {timeout} sekunder (høyst {max} med ?timeout=), ellers stoppes den og "
        "svaret er 503.",
        "A query gets {timeout} seconds (at most {max} with ?timeout=); past that it is "
        "stopped and the answer is 503.",
    ),
    "limit_rows": (
        "Høyst {rows} rader; et avkortet svar sier det i overskriften X-Politiraad-Truncated.",
        "At most {rows} rows; a cut result says so in the X-Politiraad-Truncated header.",
    ),
    "limit_network": (
        "Spørringer kan ikke hente data fra nettet (SERVICE, FROM med ukjente grafer).",
        "Queries cannot fetch from the web (SERVICE, FROM with graphs we do not hold).",
    ),
    "examples": ("Eksempler", "Examples"),
    "examples_intro": (
        "Spørringene i biblioteket, klare til å kjøre. Hver har også en egen side med skjema "
        "for parametrene.",
        "The queries of the library, ready to run. Each also has its own page with a form for "
        "its parameters.",
    ),
    "open_in_editor": ("Åpne i editoren", "Open in the editor"),
    "query": ("Spørring", "Query"),
    "format": ("Format", "Format"),
    "run": ("Kjør", "Run"),
    "noscript": (
        "Uten JavaScript: skriv spørringen her og velg format.",
        "Without JavaScript: write the query here and choose a format.",
    ),
    "service_description": ("Tjenestebeskrivelse", "Service description"),
    "queries_title": ("Ferdige spørringer", "Canned queries"),
    "queries_intro": (
        "Navngitte spørringer med typede parametre. Verdiene bindes som RDF-termer, aldri "
        "limt inn i spørringsteksten. Hver side har faste lenker til JSON og CSV.",
        "Named queries with typed parameters. Values are bound as RDF terms, never pasted into "
        "the query text. Each page has stable links to JSON and CSV.",
    ),
    "parameters": ("Parametre", "Parameters"),
    "no_parameters": ("Spørringen har ingen parametre.", "The query has no parameters."),
    "results": ("Resultat", "Results"),
    "rows": ("rader", "rows"),
    "row": ("rad", "row"),
    "truncated": (
        "Svaret er avkortet ved {rows} rader. Bruk SPARQL-endepunktet med LIMIT og OFFSET for "
        "resten.",
        "The result is cut at {rows} rows. Use the SPARQL endpoint with LIMIT and OFFSET for "
        "the rest.",
    ),
    "no_rows": ("Ingen treff.", "No results."),
    "yes": ("Ja (true)", "Yes (true)"),
    "no": ("Nei (false)", "No (false)"),
    "query_text": ("Spørringsteksten", "The query text"),
    "downloads": ("Last ned", "Download"),
    "error": ("Spørringen kunne ikke kjøres", "The query could not be run"),
    "default": ("standard", "default"),
    "type": ("type", "type"),
    "seconds": ("sekunder", "seconds"),
    "all_queries": ("Alle ferdige spørringer", "All canned queries"),
    "editor_link": ("SPARQL-editoren", "The SPARQL editor"),
    "took": ("Tid", "Time"),
}


def tr(key: str, **values: object) -> str:
    """Return an interface text in the page language, with ``{name}`` fields filled."""
    nb, en = WORDS[key]
    text = en if current_lang() == "en" else nb
    return text.format(**values) if values else text


# --- Media types and negotiation ---------------------------------------------------------------

_RDF_SERIALIZERS = {"ttl": "turtle", "nt": "nt", "jsonld": "json-ld", "rdf": "xml"}
# Graph descriptions (the service description) are RDF, never query results.
_DESCRIPTION_FORMATS = tuple(BY_NAME[n] for n in ("ttl", "rdf", "jsonld", "nt", "html"))


# --- Reading a query's shape without running it ------------------------------------------------

_PN_BASE_WIDE = (
    "\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02ff\u0370-\u037d\u037f-\u1fff\u200c-\u200d"
    "\u2070-\u218f\u2c00-\u2fef\u3001-\ud7ff\uf900-\ufdcf\ufdf0-\ufffd\U00010000-\U000effff"
)
_PN_CHARS_BASE = "A-Za-z" + _PN_BASE_WIDE
_PN_CHARS_U = _PN_CHARS_BASE + "_"
_PN_CHARS = _PN_CHARS_U + r"\-0-9\u00b7\u0300-\u036f\u203f-\u2040"
_PLX = r"%[0-9A-Fa-f]{2}|\\[_~.\-!$&'()*+,;=/?#@%]"
_PN_PREFIX = f"[{_PN_CHARS_BASE}](?:[{_PN_CHARS}.]*[{_PN_CHARS}])?"
_PN_LOCAL = (
    f"(?:[{_PN_CHARS_U}:0-9]|{_PLX})(?:(?:[{_PN_CHARS}.:]|{_PLX})*(?:[{_PN_CHARS}:]|{_PLX}))?"
)
_VARNAME = f"[{_PN_CHARS_U}0-9][{_PN_CHARS_U}0-9\u00b7\u0300-\u036f\u203f-\u2040]*+"
#: A word followed by one of these is not a keyword but part of a name (``ex:FROM``, ``a.b``).
_NAME_NEXT = r"A-Za-z0-9_.:\-\u00b7\u00c0-\U000effff"
_WORD_TAIL = rf"[A-Za-z0-9_]*+(?![{_NAME_NEXT}])"
_WORD = f"[A-Za-z_]{_WORD_TAIL}"
# Name characters that are not a prefix name (no ":" after them) are single-character tokens
# but for a last word; read one by one, each would read the rest of the name again looking for
# that ":", which is quadratic. These read such a stretch at once: the characters of a name
# that fails as a prefix name, up to its last word when that word stands (``a.SERVICE``);
# digits; and underscores that start no word or blank node.
_NAME_REST = (
    rf"(?![{_PN_CHARS}.]*+(?<!\.):)"
    rf"(?:[A-Za-z0-9_]++(?=[{_NAME_NEXT}])|[.\-\u00b7\u0300-\u036f\u203f-\u2040{_PN_BASE_WIDE}]++)*+"
)
_NOT_A_NAME = (
    rf"[A-Za-z](?=[A-Za-z0-9_]*+[{_NAME_NEXT}]){_NAME_REST}|[{_PN_BASE_WIDE}]{_NAME_REST}"
    r"|[0-9]++|_(?!:)(?:_(?!:)|[0-9])*+"
)
_IRI = r"<[^<>\"{}|^`\\\x00-\x20]*+>"
_STRING_FORMS = (
    r"'''(?:[^'\\]|\\.|'(?!''))*+'''",
    r'"""(?:[^"\\]|\\.|"(?!""))*+"""',
    r"'(?:[^'\\\n\r]|\\.)*+'",
    r'"(?:[^"\\\n\r]|\\.)*+"',
)
_BNODE = f"_:[{_PN_CHARS_U}0-9](?:[{_PN_CHARS}.]*[{_PN_CHARS}])?"
_PNAME = f"{_PN_PREFIX}:(?:{_PN_LOCAL})?|:(?:{_PN_LOCAL})?"
_LANGTAG = r"@[a-zA-Z]+(?:-[a-zA-Z0-9]+)*"
# Order matters twice: for speed (the common tokens first) and for meaning (a keyword is a word
# not followed by name characters, else it is part of a prefixed name such as ``ex:FROM``).
_LEXER = re.compile(
    rf"(?P<ws>\s++)|(?P<comment>\#[^\r\n]*+)|(?P<var>[?$]{_VARNAME})|(?P<word>{_WORD})"
    rf"|(?P<run>{_NOT_A_NAME})|(?P<iri>{_IRI})|(?P<string>{'|'.join(_STRING_FORMS)})"
    rf"|(?P<bnode>{_BNODE})|(?P<pname>{_PNAME})|(?P<langtag>{_LANGTAG})|(?P<other>.)",
    re.DOTALL,
)
#: The string forms for a quote that has no backslash before it (checked after the opening
#: quotes, so that the engine can skip the whole form on its first character).
_UNESCAPED_STRINGS = tuple(
    form[:n] + rf"(?<!\\{form[:n]})" + form[n:]
    for form, n in zip(_STRING_FORMS, (3, 3, 1, 1), strict=True)
)
_QUOTES: QuoteForms = {
    q: (re.compile(long, re.DOTALL), re.compile(short, re.DOTALL), re.compile(scan, re.DOTALL))
    for q, long, short, scan in (
        ("'", _STRING_FORMS[0], _STRING_FORMS[2], r"'(?:[^'\\\n\r]|\\.)*+"),
        ('"', _STRING_FORMS[1], _STRING_FORMS[3], r'"(?:[^"\\\n\r]|\\.)*+'),
    )
}
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
_KEYWORDS = _UPDATE_VERBS | _FORMS | _AFTER_DATASET | {"SERVICE", "FROM", "BASE", "PREFIX"}
_KEYWORD = (
    "(?:"
    + "|".join("".join(f"[{c}{c.lower()}]" for c in w) for w in sorted(_KEYWORDS))
    + f")(?![{_NAME_NEXT}])"
)
#: A word that is not a keyword (the check comes after the first letter: see _scanner).
_PLAIN_WORD = rf"[A-Za-z_](?<=(?!{_KEYWORD})[A-Za-z_]){_WORD_TAIL}"


#: Tokens with no bracket in them, read along with brackets so that brackets between words
#: (``{a{a{a``) make one run to count, not one stop each. Anything else ends the run: a token
#: that may hold a bracket, or that is not one of these (it is read again from there, exactly).
_BRACKETLESS = "|".join(
    (
        r"[\s{}()]++",
        rf"[^\s#?$<'\":@A-Za-z_{{}}(){_PN_BASE_WIDE}]++",
        r"\#[^\r\n{}()]*+(?![{}()])",
        f"[?$]{_VARNAME}",
        _PLAIN_WORD,
        _NOT_A_NAME,
        r"<[^<>\"{}|^`\\\x00-\x20()]*+>",
        r"(?<!\\)(?!'''|\"\"\")"
        r"(?:'(?:[^'\\\n\r{}()]|\\[^{}()])*+'|\"(?:[^\"\\\n\r{}()]|\\[^{}()])*+\")",
    )
)


# Compiled when first needed: each takes tens of milliseconds, and most processes never see a
# quote after a backslash.
@functools.cache
def _scanner(event: str, quiet: frozenset[str]) -> re.Pattern[str]:
    """A match from a token's start that skips, inside the regular-expression engine, every
    token the shape does not need, and stops at the next one it needs (a group named after its
    kind), at a quote after a backslash (``quote``, see ``string_end``) or at the end.

    ``event`` is what is needed: ``shape`` (keywords, and brackets as runs), ``var`` (variables)
    or ``relative`` (IRIs without a scheme). The skipped tokens are those of ``_LEXER``, tried in
    the same order, so the tokens that stop it are exactly those ``lex`` would give. ``quiet``
    are the quotes known to start no string (see ``quiet_skips``).
    """
    needed = {
        "shape": {"keyword": _KEYWORD, "brackets": rf"[{{}}()](?:{_BRACKETLESS})*+"},
        "var": {"var": f"[?$]{_VARNAME}"},
        "relative": {"relative": r"<(?![A-Za-z][A-Za-z0-9+.\-]*+:)[^<>\"{}|^`\\\x00-\x20]*+>"},
    }[event]
    events = "|".join(f"(?P<{name}>{pattern})" for name, pattern in needed.items())
    firsts = {"shape": "A-Za-z{}()", "var": "?$", "relative": "<"}[event]
    starts = firsts + ("\\\\" if quiet else "")
    long_quote = "(?<=(?!'''|\"\"\").)" if quiet else ""
    word = _PLAIN_WORD if event == "shape" else _WORD
    iri = rf"(?=<[A-Za-z][A-Za-z0-9+.\-]*+:){_IRI}" if event == "relative" else _IRI
    brackets = "{}()" if event == "shape" else ""
    # Where quotes are quiet no long string is read: it may run past the quiet stretch.
    strings = (
        tuple(form[:1] + r"(?!\'\'|\"\")" + form[1:] for form in _UNESCAPED_STRINGS[2:])
        if quiet
        else _UNESCAPED_STRINGS
    )
    # Backslashes are read by quiet_skips when there are quiet quotes.
    backslash = "\\\\" if quiet else ""
    line_ends = r"\n\r"
    skip = "|".join(
        (
            *quiet_skips(quiet, line_ends),
            # Characters that are a token of their own wherever they stand.
            *([] if quiet else [r"\s++"]),
            rf"[^\s#?$<'\":@A-Za-z_{brackets}{_PN_BASE_WIDE}{backslash}]++",
            r"\#[^\r\n]*+",
            *([] if event == "var" else [f"[?$]{_VARNAME}"]),
            word,
            _NOT_A_NAME,
            iri,
            *strings,
            _BNODE,
            _PNAME,
            _LANGTAG,
            # Not where a needed token may start: if one does not, the exact reading takes over.
            rf"[^{starts}{line_ends if quiet else ''}](?<!\\['\"]){long_quote}",
            # A "?" that is no variable, a "<" that is no IRI without a scheme.
            *([] if event == "shape" else [rf"[{firsts}](?<=(?!{needed[event]}).)"]),
        )
    )
    return re.compile(rf"(?:{skip})*+(?:{events}{loud_quotes(quiet)})?", re.DOTALL)


@dataclass(frozen=True)
class Token:
    kind: str
    text: str
    start: int
    end: int

    def word(self) -> str:
        return self.text.upper() if self.kind == "word" else ""


def _token_at(text: str, position: int, failed: dict[str, int]) -> Token:
    """The token at this place, exactly as ``lex`` gives it."""
    if text[position] in "'\"" and text[position - 1 : position] == "\\":
        end = string_end(text, position, failed, _QUOTES)
        return Token("string" if end > position + 1 else "other", text[position:end], position, end)
    found = _LEXER.match(text, position)
    assert found is not None  # "other" matches any character
    kind = found.lastgroup or "other"
    if kind == "run":
        # Each character of such a stretch is a token of its own.
        return Token("other", text[position], position, position + 1)
    return Token(kind, found.group(), position, found.end())


def lex(text: str) -> list[Token]:
    """Split a query into SPARQL tokens, leaving out white space and comments.

    >>> [t.text for t in lex('SELECT * { ?s ?p "SERVICE" } # FROM')]
    ['SELECT', '*', '{', '?s', '?p', '"SERVICE"', '}']
    """
    found = []
    failed: dict[str, int] = {}
    position = 0
    while position < len(text):
        token = _token_at(text, position, failed)
        if token.kind not in {"ws", "comment"}:
            found.append(token)
        position = token.end
    return found


def _next_token(text: str, position: int) -> Token | None:
    """The token after this place (which is a token's end), past white space and comments."""
    failed: dict[str, int] = {}
    while position < len(text):
        token = _token_at(text, position, failed)
        if token.kind not in {"ws", "comment"}:
            return token
        position = token.end
    return None


def _events(text: str, event: str, position: int = 0) -> Iterator[tuple[str, int, int]]:
    """The tokens a shape needs, as (kind, start, end), in order, from a token's start."""

    def exact(at: int, failed: dict[str, int]) -> tuple[tuple[str, int, int] | None, int]:
        token = _token_at(text, at, failed)
        kind = {
            "shape": "keyword" if token.word() in _KEYWORDS else "brackets",
            "var": "var",
            "relative": "relative",
        }[event]
        wanted = (
            (kind == "keyword")
            or (kind == "brackets" and token.text in {"{", "}", "(", ")"})
            or (kind == "var" and token.kind == "var")
            or (kind == "relative" and _RELATIVE_IRI.fullmatch(token.text) is not None)
        )
        return ((kind, token.start, token.end) if wanted else None), token.end

    return scan(text, functools.partial(_scanner, event), _QUOTES, exact, position)


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


def _has_update(text: str, events: Sequence[tuple[str, int, int]]) -> bool:
    """``is_update`` over the needed tokens only: a run of brackets counts at once."""
    depth = 0
    for kind, start, end in events:
        if kind == "brackets":
            run = text[start:end]
            depth += run.count("{") + run.count("(") - run.count("}") - run.count(")")
        elif depth == 0 and text[start:end].upper() in _UPDATE_VERBS:
            return True
    return False


@dataclass(frozen=True)
class QueryShape:
    """What the endpoint must know about a query before running it.

    ``service`` is True when the text has a ``SERVICE`` keyword, ``update`` when it is an
    update rather than a query; ``default_graphs`` and
    ``named_graphs`` are its ``FROM`` and ``FROM NAMED`` IRIs; ``clauses`` are the spans of those
    clauses in the text, and ``insert_at`` is where a dataset clause would go.
    """

    service: bool = False
    update: bool = False
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()
    clauses: tuple[tuple[int, int], ...] = ()
    insert_at: int = 0
    relative_iris: bool = False
    star_order: tuple[str, ...] = ()
    #: When the text had ``\u`` escapes: the text with them applied, which the spans refer to.
    source: str | None = None

    @property
    def has_dataset(self) -> bool:
        return bool(self.clauses)


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


def _brackets_after(
    text: str, events: Sequence[tuple[str, int, int]], start: int
) -> Iterator[tuple[str, int]]:
    """The brackets one by one and the keywords (upper-cased) from ``start``, with places."""
    for kind, begin, end in events:
        if end <= start:
            continue
        if kind == "keyword":
            yield text[begin:end].upper(), begin
        else:
            for offset, char in enumerate(text[max(begin, start) : end]):
                if char in "{}()":
                    yield char, max(begin, start) + offset


def _insertion_point(text: str, events: Sequence[tuple[str, int, int]]) -> int:
    """Where a dataset clause goes: after the query form's head, before its WHERE pattern."""
    form = next(
        (
            (text[s:e].upper(), e)
            for k, s, e in events
            if k == "keyword" and text[s:e].upper() in _FORMS
        ),
        None,
    )
    if form is None:
        return len(text)
    name, position = form
    tokens = _brackets_after(text, events, position)
    following = _next_token(text, position)
    if name == "CONSTRUCT" and following is not None and following.text == "{":
        # The template's braces, up to the one that closes it.
        depth = 0
        for token, _ in tokens:
            depth += {"{": 1, "}": -1}.get(token, 0)
            if depth == 0:
                break
        else:
            return len(text)
    parens = 0
    for token, at in tokens:
        if token == "(":
            parens += 1
        elif token == ")":
            parens -= 1
        elif parens == 0 and (token == "{" or token in _AFTER_DATASET or token == "FROM"):
            return at
    return len(text)


@functools.lru_cache(maxsize=512)
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
    events = list(_events(source, "shape"))
    service = any(k == "keyword" and source[s:e].upper() == "SERVICE" for k, s, e in events)
    update = _has_update(source, events)
    if source != text:
        # An engine that does not apply escapes would read the raw tokens: refuse what either
        # reading finds.
        raw = list(_events(text, "shape"))
        service = service or any(
            k == "keyword" and text[s:e].upper() == "SERVICE" for k, s, e in raw
        )
        update = update or _has_update(text, raw)
    prefixes: dict[str, str] = {}
    current_base = base
    default: list[str] = []
    named: list[str] = []
    clauses: list[tuple[int, int]] = []
    targets: set[int] = set()
    base_at: int | None = None
    depth = 0
    skipped = 0  # the end of the last FROM clause: its tokens are not read again
    for kind, start, end in events:
        if end <= skipped:
            continue
        if kind == "brackets":
            run = source[max(start, skipped) : end]
            depth += run.count("{") - run.count("}")
            continue
        word = source[start:end].upper()
        if depth != 0 or start < skipped:
            continue
        if word == "BASE":
            target = _next_token(source, end)
            if target is not None:
                current_base = _resolve(target, current_base, prefixes) or current_base
                base_at = start if base_at is None else base_at
        elif word == "PREFIX":
            name = _next_token(source, end)
            target = _next_token(source, name.end) if name is not None else None
            if name is not None and target is not None:
                resolved = _resolve(target, current_base, prefixes)
                if name.text.endswith(":") and resolved is not None:
                    prefixes[name.text[:-1]] = resolved
        elif word == "FROM":
            first = _next_token(source, end)
            is_named = first is not None and first.word() == "NAMED"
            target = _next_token(source, first.end) if is_named and first is not None else first
            if target is not None:
                resolved = _resolve(target, current_base, prefixes)
                (named if is_named else default).append(resolved or target.text)
                clauses.append((start, target.end))
                targets.add(target.start)
                skipped = target.end
    # An IRI without a scheme before any BASE, but for a FROM clause's own.
    relative = any(
        start not in targets
        for _, start, _ in itertools.takewhile(
            lambda event: base_at is None or event[1] < base_at, _events(source, "relative")
        )
    )
    insert_at = clauses[0][0] if clauses else _insertion_point(source, events)
    return QueryShape(
        service,
        update,
        tuple(default),
        tuple(named),
        tuple(clauses),
        insert_at,
        relative,
        _star_order(source, events),
        source if source != text else None,
    )


def _star_order(text: str, events: Sequence[tuple[str, int, int]]) -> tuple[str, ...]:
    """For ``SELECT *``, the variables in the order they first appear (else nothing).

    Engines order ``SELECT *`` columns as they like (Oxigraph sorts them); people and the W3C
    tests expect the order of the query.
    """
    form = next(
        (
            (text[s:e].upper(), e)
            for k, s, e in events
            if k == "keyword" and text[s:e].upper() in _FORMS
        ),
        None,
    )
    if form is None or form[0] != "SELECT":
        return ()
    following = []
    position = form[1]
    for _ in range(2):
        token = _next_token(text, position)
        if token is None:
            break
        following.append(token.word() or token.text)
        position = token.end
    if "*" not in following or any(w not in {"*", "DISTINCT", "REDUCED"} for w in following[:1]):
        return ()
    return tuple(dict.fromkeys(text[s + 1 : e] for _, s, e in _events(text, "var", form[1])))


def with_dataset(text: str, shape: QueryShape, default: Sequence[str], named: Sequence[str]) -> str:
    """Return the query with its dataset clauses replaced by these graphs.

    >>> shape = read_shape("SELECT * WHERE { ?s ?p ?o }", "http://x/", placing=True)
    >>> with_dataset("SELECT * WHERE { ?s ?p ?o }", shape, ["http://g/1"], [])
    'SELECT * FROM <http://g/1> WHERE { ?s ?p ?o }'
    """
    clauses = [f"FROM {term_to_sparql(URIRef(g))}" for g in default]
    clauses += [f"FROM NAMED {term_to_sparql(URIRef(g))}" for g in named]
    if not default and not named:
        # No FROM NAMED either: an empty default graph and no named graphs.
        clauses.append(f"FROM <{EMPTY_GRAPH}>")
    pieces = []
    last = 0
    for start, end in shape.clauses:
        pieces.append(text[last:start])
        last = end
    pieces.append(text[last:])
    stripped = "".join(pieces)
    removed = sum(end - start for start, end in shape.clauses if end <= shape.insert_at)
    at = shape.insert_at - removed
    return f"{stripped[:at].rstrip()} {' '.join(clauses)} {stripped[at:].lstrip()}".strip()


# --- The protocol ------------------------------------------------------------------------------


class ProtocolError(Exception):
    """A request the endpoint refuses: the status and a message a person can act on."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass
class Operation:
    """One query request, read from the URL and the body."""

    query: str | None
    default_graphs: list[str] = field(default_factory=list)
    named_graphs: list[str] = field(default_factory=list)
    format: str | None = None
    timeout: float | None = None


def _decode_pairs(raw: bytes, where: str) -> list[tuple[str, str]]:
    try:
        text = raw.decode("utf-8")
        return parse_qsl(
            text, keep_blank_values=True, encoding="utf-8", errors="strict", max_num_fields=1000
        )
    except UnicodeDecodeError as error:
        raise ProtocolError(
            400, f"The {where} is not valid UTF-8 (byte {error.start}): send UTF-8 percent-encoded."
        ) from error
    except ValueError as error:
        raise ProtocolError(400, f"The {where} cannot be read: {error}.") from error


def _charset_ok(params: Mapping[str, str]) -> bool:
    charset = params.get("charset")
    return charset is None or charset.strip().strip('"').lower() in {"utf-8", "utf8", "us-ascii"}


def read_operation() -> Operation:
    """Read the query, dataset and options of a SPARQL Protocol request; raise ProtocolError."""
    settings = current_app.config["POLITIRAAD"]
    if len(request.query_string) > settings["max_request_bytes"]:
        raise ProtocolError(414, "The URL is too long: send the query by POST instead.")
    pairs = _decode_pairs(request.query_string, "query string")
    direct_query: str | None = None
    if request.method == "POST":
        content_type = request.mimetype
        try:
            body = request.get_data(cache=False)
        except RequestEntityTooLarge as error:
            raise ProtocolError(
                413, f"The request body is larger than {settings['max_request_bytes']} bytes."
            ) from error
        if content_type == "application/sparql-update":
            raise ProtocolError(403, _READ_ONLY)
        if not content_type:
            raise ProtocolError(
                400,
                "The POST has no Content-Type: send application/x-www-form-urlencoded "
                "(query=...) or application/sparql-query (the query as the body).",
            )
        if content_type not in {"application/x-www-form-urlencoded", "application/sparql-query"}:
            raise ProtocolError(
                400,
                f"Content-Type {content_type} is not a SPARQL query: send "
                "application/x-www-form-urlencoded or application/sparql-query.",
            )
        if not _charset_ok(request.mimetype_params):
            raise ProtocolError(
                400, f"The body must be UTF-8, not {request.mimetype_params.get('charset')}."
            )
        if content_type == "application/x-www-form-urlencoded":
            pairs += _decode_pairs(body, "form body")
        else:
            try:
                direct_query = body.decode("utf-8").removeprefix("\ufeff")
            except UnicodeDecodeError as error:
                raise ProtocolError(
                    400, f"The query body is not valid UTF-8 (byte {error.start})."
                ) from error
    names = {name for name, _ in pairs}
    if names & set(UPDATE_PARAMETERS):
        raise ProtocolError(403, _READ_ONLY)
    found = [value for name, value in pairs if name == "query"]
    if direct_query is not None:
        found.insert(0, direct_query)
    if len(found) > 1:
        raise ProtocolError(400, "The query is given more than once: send exactly one.")
    operation = Operation(found[0] if found else None)
    for name, value in pairs:
        if name == "default-graph-uri":
            operation.default_graphs.append(_graph_iri(value))
        elif name == "named-graph-uri":
            operation.named_graphs.append(_graph_iri(value))
    # Clients repeat it (SPARQLWrapper sends format=rdf+xml&format=): empty values do not count.
    # It may come as a name and as a media type (format=tsv&format=text/tab-separated-values).
    # SPARQLWrapper also sends a list (format=application/ld+json,application/x-json+ld).
    formats = {
        _first_known_format(value) for name, value in pairs if name == "format" and value.strip()
    }
    if len({FORMAT_NAMES.get(f.lower(), (f,)) for f in formats}) > 1:
        raise ProtocolError(400, f"Several formats are asked for: {', '.join(sorted(formats))}.")
    operation.format = min(formats, key=lambda f: ("/" in f, f)) if formats else None
    timeouts = [value for name, value in pairs if name == "timeout"]
    if timeouts:
        operation.timeout = _read_timeout(timeouts[-1], settings)
    if operation.query is not None and not operation.query.strip():
        raise ProtocolError(400, "The query is empty.")
    return operation


_READ_ONLY = (
    "This endpoint is read-only: SPARQL Update (INSERT, DELETE, LOAD, CLEAR, DROP ...) is not "
    "accepted. The graph is built from the curated files in the project's repository."
)


def _first_known_format(value: str) -> str:
    """The first format of a comma-separated list that we know, else the value as given."""
    choices = [v.strip() for v in value.split(",") if v.strip()]
    return next((c for c in choices if c.lower() in FORMAT_NAMES), value.strip())


def _graph_iri(value: str) -> str:
    try:
        term_to_sparql(URIRef(value.strip()))
    except BindingError as error:
        raise ProtocolError(400, f"Not a graph IRI: {value!r}.") from error
    return value.strip()


def _read_timeout(value: str, settings: Mapping[str, Any]) -> float:
    try:
        seconds = float(value)
    except ValueError:
        seconds = math.nan
    if not math.isfinite(seconds) or seconds <= 0:
        raise ProtocolError(400, f"timeout must be a number of seconds above 0, not {value!r}.")
    return min(seconds, float(settings["query_timeout_max"]))


def _time_limit(operation_timeout: float | None) -> float:
    settings = current_app.config["POLITIRAAD"]
    chosen = operation_timeout or float(settings["query_timeout"])
    return min(chosen, float(settings["query_timeout_max"]))


# --- The graphs we hold ------------------------------------------------------------------------

_GRAPHS_KEY = "politiraad_sparql_graphs"
_GRAPHS_TTL = 30.0
_graphs_lock = threading.Lock()


def held_graphs() -> frozenset[str]:
    """The named graphs of the store, asked at most every 30 s (or on a new store generation)."""
    settings = current_app.config["POLITIRAAD"]
    generation = ""
    if settings["store"] == "oxigraph":
        from pathlib import Path

        from politiraad_graph.store.oxigraph import current_generation

        generation = str(current_generation(Path(settings["store_path"])))
    now = time.monotonic()
    cached = current_app.extensions.get(_GRAPHS_KEY)
    if cached and cached[0] == generation and now - cached[1] < _GRAPHS_TTL:
        return frozenset(cached[2])
    names: frozenset[str] = frozenset()
    # GRAPH ?g {} lists the graphs without reading them (Oxigraph, rdflib); Virtuoso answers
    # it with nothing, so then the graphs are found through their triples.
    for text in (
        "SELECT DISTINCT ?g WHERE { GRAPH ?g { } }",
        "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }",
    ):
        try:
            result = queries.run(text).result
        except (QueryTimeout, QueryError, StoreError) as error:
            raise ProtocolError(503, f"The list of graphs could not be read: {error}") from error
        names = frozenset(
            str(row["g"])
            for row in (result.rows if isinstance(result, SelectResult) else [])
            if isinstance(row.get("g"), URIRef)
        )
        if names:
            break
    with _graphs_lock:
        current_app.extensions[_GRAPHS_KEY] = (generation, now, names)
    return names


# --- Answering ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    """A query's result and what the limits did to it.

    The result is there as terms, or, when the worker was asked to write it (``Writing``), as
    ``body``: the bytes of the format asked for its ``kind``.
    """

    result: QueryResult | None
    truncated: bool
    row_cap: int
    time_limit: float
    seconds: float
    kind: str = ""
    body: bytes | None = None

    @property
    def terms(self) -> QueryResult:
        """The result as terms (for a result table); only when no body was written."""
        if self.result is None:
            raise ValueError("the result was written by the worker, not kept as terms")
        return self.result


def prepare(text: str, operation: Operation, base: str) -> tuple[str, QueryShape]:
    """Check a query against our rules and return the text to run; raise ProtocolError."""
    protocol_dataset = bool(operation.default_graphs or operation.named_graphs)
    shape = read_shape(text, base, placing=protocol_dataset)
    default: Sequence[str]
    named: Sequence[str]
    if shape.update:
        raise ProtocolError(403, _READ_ONLY)
    if shape.service:
        raise ProtocolError(
            400,
            "SERVICE is not allowed: this endpoint never sends requests to other servers. "
            "Run federated queries from your own SPARQL client.",
        )
    if shape.source is not None and (shape.has_dataset or protocol_dataset):
        # The dataset was read, and is rewritten, in the text with its escapes applied: that
        # text is the one to run, so the engine's dataset is the one checked.
        text = shape.source
    if shape.has_dataset:
        default, named = shape.default_graphs, shape.named_graphs
        if not protocol_dataset:
            unknown = sorted((set(default) | set(named)) - held_graphs())
            if unknown:
                raise ProtocolError(
                    400,
                    f"FROM names a graph this endpoint does not hold: <{unknown[0]}>. Queries "
                    "never load graphs from the web; the service description "
                    "(GET /sparql) lists the graphs there are.",
                )
    if protocol_dataset:
        held = held_graphs()
        default = [g for g in operation.default_graphs if g in held]
        named = [g for g in operation.named_graphs if g in held]
        if operation.default_graphs and not default:
            default = [EMPTY_GRAPH]
        text = with_dataset(text, shape, default, named)
    if shape.relative_iris:
        # The protocol lets the service choose the base IRI: ours is the endpoint's URL.
        # On the first line, so the engine's line numbers still match the client's text.
        text = f"BASE {term_to_sparql(URIRef(base))} {text}"
    return text, shape


def execute(
    text: str,
    *,
    bindings: Mapping[str, Node] | None = None,
    timeout: float | None = None,
    writing: Writing | None = None,
) -> Outcome:
    """Run a query through the worker pool within the time limit and the row cap.

    With ``writing``, the worker writes the result in the format asked for its kind, and the
    outcome holds that body (a kind without a format comes back as terms).
    """
    settings = current_app.config["POLITIRAAD"]
    row_cap = int(settings["row_cap"])
    limit = _time_limit(timeout)
    started = time.perf_counter()
    try:
        runner = queries.runner()
        if writing is not None and isinstance(runner, QueryRunner):
            answer = runner.run(
                text, bindings=bindings, timeout=limit, row_cap=row_cap, writing=writing
            )
        else:
            # A runner of another kind (the static site's) answers with terms only.
            answer = queries.run(text, bindings, timeout=limit, row_cap=row_cap)
    except QueryTooLarge as error:
        raise ProtocolError(
            503,
            f"Query stopped for its memory: {error}. Nothing was returned. Make the query more "
            "selective (LIMIT, fewer OPTIONALs, no cross products, no ORDER BY over everything).",
        ) from error
    except QueryTimeout as error:
        raise ProtocolError(
            503,
            f"Query timed out: {error}. Nothing was returned. Make the query more selective "
            f"(LIMIT, fewer OPTIONALs, no unbounded paths), or ask for up to "
            f"{float(settings['query_timeout_max']):g} s with the timeout parameter.",
        ) from error
    except QueryError as error:
        raise ProtocolError(400, f"Query error: {error}") from error
    except ResultWriteError as error:
        # Another format carries it (RDF/XML cannot write every predicate IRI): not our fault,
        # and not the client's query either.
        raise ProtocolError(
            406, f"This result cannot be given in that format: {error}. Ask for another one."
        ) from error
    except QueryRejected as error:
        # A remote SPARQL server found the query wrong, not itself broken.
        raise ProtocolError(400, f"Query error: {error}") from error
    except StoreError as error:
        raise ProtocolError(500, f"Store error: {error}") from error
    seconds = time.perf_counter() - started
    if answer.body is not None:
        kind = answer.kind or ""
        return Outcome(None, answer.truncated, row_cap, limit, seconds, kind, answer.body)
    assert answer.result is not None
    # Query workers cut graphs at the cap themselves; other runners may not.
    result, cut = cap(answer.result, row_cap)
    truncated = answer.truncated or cut
    return Outcome(result, truncated, row_cap, limit, seconds, kind_of(result))


def reorder(outcome: Outcome, order: Sequence[str]) -> Outcome:
    """Put a SELECT result's columns in this order, when the order names them all."""
    result = outcome.terms
    assert isinstance(result, SelectResult)
    if set(order) >= set(result.variables):
        wanted = tuple(v for v in order if v in result.variables)
        result = SelectResult(wanted, result.rows)
        return dataclasses.replace(outcome, result=result)
    return outcome


KINDS = ("select", "ask", "graph")


def choose_format(requested: str | None, kinds: Iterable[str]) -> tuple[Format, str]:
    """Pick the answer format from ``?format=`` or ``Accept``; raise 400 or 406."""
    return _choose_format(requested, frozenset(kinds), request.headers.get("Accept"))


def formats_by_kind(requested: str | None) -> dict[str, tuple[Format, str]]:
    """The answer format for each kind of result this request may get; raise 400 or 406 when
    no kind can be answered at all."""
    accept = request.headers.get("Accept")
    _choose_format(requested, frozenset(KINDS), accept)
    found = {}
    for kind in KINDS:
        try:
            found[kind] = _choose_format(requested, frozenset({kind}), accept)
        except ProtocolError:
            continue
    return found


# Clients send the same few Accept headers again and again: negotiating costs more than the
# lookup. Refusals raise, so they are never kept.
@functools.lru_cache(maxsize=256)
def _choose_format(
    requested: str | None, wanted: frozenset[str], accept: str | None
) -> tuple[Format, str]:
    offers = [f for f in FORMATS if f.kinds & wanted]
    if requested:
        names = FORMAT_NAMES.get(requested.lower())
        if names is None:
            known = ", ".join(sorted(n for n in FORMAT_NAMES if "/" not in n))
            raise ProtocolError(400, f"Unknown format {requested!r}: use one of {known}.")
        for offer in offers:
            if offer.name in names:
                media = requested.lower() if "/" in requested else offer.media_type
                return offer, media
        raise ProtocolError(
            406, f"This result cannot be given as {requested}: {_offer_list(offers)}."
        )
    chosen = negotiate(accept, offers)
    if chosen is None:
        raise ProtocolError(
            406, f"None of the media types in Accept can be given: {_offer_list(offers)}."
        )
    return chosen


def _offer_list(offers: Iterable[Format]) -> str:
    return "available are " + ", ".join(f.media_type for f in offers)


def serialize(result: QueryResult, fmt: Format, *, truncated: bool) -> bytes:
    """Write a result in one of the SPARQL results formats or an RDF syntax."""
    return write(result, fmt.name, truncated=truncated)


def result_response(outcome: Outcome, fmt: Format, media_type: str, **page: Any) -> Response:
    """The HTTP answer for a result, with the limits in its headers."""
    if outcome.body is not None:
        body: str | bytes = outcome.body
        mimetype = media_type
    elif fmt.name == "html":
        body = render_template(
            "sparql/results.html",
            table=result_table(outcome.terms),
            outcome=outcome,
            tr=tr,
            **page,
        )
        mimetype = "text/html"
    else:
        body = serialize(outcome.terms, fmt, truncated=outcome.truncated)
        mimetype = media_type
    return limit_headers(Response(body, mimetype=mimetype), outcome)


def limit_headers(response: Response, outcome: Outcome) -> Response:
    response.headers[TRUNCATED_HEADER] = "true" if outcome.truncated else "false"
    response.headers[ROW_CAP_HEADER] = str(outcome.row_cap)
    response.headers[TIME_LIMIT_HEADER] = f"{outcome.time_limit:g}"
    response.headers["Server-Timing"] = f"query;dur={outcome.seconds * 1000:.1f}"
    return response


def error_response(status: int, message: str) -> Response:
    """A plain-text error a person can read, with the status a client can act on."""
    from http import HTTPStatus

    phrase = HTTPStatus(status).phrase
    return Response(f"{status} {phrase}: {message}\n", status=status, mimetype="text/plain")


def _endpoint_url() -> str:
    return url_for("sparql.endpoint", _external=True)


@bp.route("/sparql/", methods=["GET", "HEAD", "POST", "OPTIONS"])
@bp.route("/sparql", methods=["GET", "HEAD", "POST", "OPTIONS"])
def endpoint() -> Response:
    """The SPARQL 1.1 Protocol endpoint, the service description and the query editor."""
    if request.method == "OPTIONS":
        return preflight()
    try:
        operation = read_operation()
        if operation.query is None:
            if request.method == "POST":
                raise ProtocolError(400, "The POST has no query: send query=... or a body.")
            return describe_service(operation.format)
        # Refuse an impossible Accept before any work is done.
        offers = formats_by_kind(operation.format)
        base = _endpoint_url()
        text, shape = prepare(operation.query, operation, base)
        # The worker writes the result itself, except as HTML (a page needs the terms).
        writing = Writing(
            {kind: fmt.name for kind, (fmt, _) in offers.items() if fmt.name != "html"},
            shape.star_order,
        )
        outcome = execute(text, timeout=operation.timeout, writing=writing)
        if outcome.body is None and shape.star_order and outcome.kind == "select":
            outcome = reorder(outcome, shape.star_order)
        if outcome.kind in offers:
            fmt, media_type = offers[outcome.kind]
        else:
            fmt, media_type = choose_format(operation.format, {outcome.kind})  # raises 406
        response = result_response(outcome, fmt, media_type, query_text=operation.query)
    except ProtocolError as error:
        response = error_response(error.status, error.message)
    response.vary.add("Accept")
    return response


def preflight() -> Response:
    """Answer a CORS preflight: any origin may query, with the headers it asks for."""
    response = Response(status=204)
    response.headers["Allow"] = "GET, HEAD, POST, OPTIONS"
    response.headers["Access-Control-Allow-Methods"] = "GET, HEAD, POST, OPTIONS"
    asked = request.headers.get("Access-Control-Request-Headers", "")
    names = [n.strip() for n in asked.split(",") if re.fullmatch(r"[A-Za-z0-9-]+", n.strip())]
    response.headers["Access-Control-Allow-Headers"] = ", ".join(
        dict.fromkeys(["Accept", "Content-Type", *names])
    )
    response.headers["Access-Control-Max-Age"] = "86400"
    return response


@bp.after_request
def cors(response: Response) -> Response:
    """Let query editors and scripts on other origins use the endpoint and the canned queries."""
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Access-Control-Expose-Headers"] = EXPOSED_HEADERS
    return response


# --- The service description and the editor ----------------------------------------------------


def service_description(endpoint_url: str) -> Graph:
    """Describe the endpoint in the SPARQL 1.1 Service Description vocabulary."""
    settings = current_app.config["POLITIRAAD"]
    graph = Graph()
    graph.bind("sd", SD)
    graph.bind("formats", FORMATS_NS)
    graph.bind("dcterms", DCTERMS)
    service = URIRef(endpoint_url)
    graph.add((service, RDF.type, SD.Service))
    graph.add((service, SD.endpoint, service))
    graph.add((service, SD.supportedLanguage, SD.SPARQL11Query))
    graph.add((service, SD.feature, SD.UnionDefaultGraph))
    for name in (
        "SPARQL_Results_JSON",
        "SPARQL_Results_XML",
        "SPARQL_Results_CSV",
        "SPARQL_Results_TSV",
        "Turtle",
        "N-Triples",
        "JSON-LD",
        "RDF_XML",
    ):
        graph.add((service, SD.resultFormat, FORMATS_NS[name]))
    graph.add((service, DCTERMS.title, Literal("Politirådet i Oslo: SPARQL-endepunkt", lang="nb")))
    graph.add((service, DCTERMS.title, Literal("Oslo Police Council: SPARQL endpoint", lang="en")))
    graph.add(
        (
            service,
            DCTERMS.description,
            Literal(
                "Read-only. The default graph is the union of all named graphs. "
                f"Time limit {float(settings['query_timeout']):g} s "
                f"(timeout parameter up to {float(settings['query_timeout_max']):g} s), "
                f"at most {int(settings['row_cap'])} rows, "
                f"request bodies up to {int(settings['max_request_bytes'])} bytes. "
                "No SERVICE; FROM only with the named graphs listed here.",
                lang="en",
            ),
        )
    )
    dataset = BNode()
    default_graph = BNode()
    graph.add((service, SD.defaultDataset, dataset))
    graph.add((dataset, RDF.type, SD.Dataset))
    graph.add((dataset, SD.defaultGraph, default_graph))
    graph.add((default_graph, RDF.type, SD.Graph))
    for name in sorted(held_graphs()):
        named = BNode()
        graph.add((dataset, SD.namedGraph, named))
        graph.add((named, RDF.type, SD.NamedGraph))
        graph.add((named, SD.name, URIRef(name)))
    return graph


def describe_service(requested: str | None) -> Response:
    fmt, media_type = _choose_description_format(requested)
    if fmt.name == "html":
        return editor()
    graph = service_description(_endpoint_url())
    body = graph.serialize(format=_RDF_SERIALIZERS[fmt.name], encoding="utf-8")
    response = Response(body, mimetype=media_type)
    return response


def _choose_description_format(requested: str | None) -> tuple[Format, str]:
    if requested:
        named = named_format(requested, _DESCRIPTION_FORMATS)
        if named is None:
            raise ProtocolError(406, f"The service description cannot be given as {requested}.")
        return named, named.media_type
    chosen = negotiate(request.headers.get("Accept"), _DESCRIPTION_FORMATS)
    if chosen is None:
        raise ProtocolError(406, f"The service description is {_offer_list(_DESCRIPTION_FORMATS)}.")
    return chosen


#: The editor's Content-Security-Policy: the app's strict one plus a single exception. YASGUI's
#: column resizer (column-resizer 1.4) inserts one fixed ``<style>`` element for its grips, which
#: ``style-src 'self'`` blocks; its hash allows exactly that text and nothing else. Scripts stay
#: ``'self'`` only (no inline script, no eval), and queries go to this origin only. Everything else
#: YASGUI styles goes through the CSSOM (``element.style``), which the policy does not govern; the
#: one inline ``style`` attribute left (underlining in Yasqe's syntax-error tooltip) is dropped.
YASGUI_STYLE_HASH = "'sha256-zCK2EVMoPc04mRF/g5CotUvxbJPWS+8V0b+s9ptqQIk='"
EDITOR_CSP = (
    f"default-src 'self'; script-src 'self'; style-src 'self' {YASGUI_STYLE_HASH}; "
    "img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "frame-ancestors 'none'; form-action 'self'"
)

DEFAULT_QUERY = """SELECT ?class (COUNT(?thing) AS ?things)
WHERE { ?thing a ?class }
GROUP BY ?class
ORDER BY DESC(?things)
LIMIT 25
"""


def editor() -> Response:
    """The query editor page: YASGUI with our prefixes and the library as examples."""
    settings = current_app.config["POLITIRAAD"]
    lang = current_lang()
    examples = [
        {
            "name": q.name,
            "title": q.title(lang),
            "description": q.description(lang),
            "query": q.text,
            "page": url_for("sparql.canned_query", name=q.name),
        }
        for q in library().values()
    ]
    default_query = sparql_prologue() + "\n" + DEFAULT_QUERY
    config = {
        "endpoint": _endpoint_url(),
        "defaultQuery": default_query,
        "examples": examples,
        "openExample": request.args.get("example", ""),
        "labels": {"openInEditor": tr("open_in_editor")},
    }
    body = render_template(
        "sparql/editor.html",
        title=tr("editor_title"),
        config=config,
        examples=examples,
        default_query=default_query,
        formats=[f for f in FORMATS if f.name != "html"],
        settings=settings,
        tr=tr,
        twins=[
            (
                tr("service_description") + " (Turtle)",
                url_for("sparql.endpoint", format="ttl"),
                "text/turtle",
            ),
        ],
    )
    response = Response(body, mimetype="text/html")
    response.headers["Content-Security-Policy"] = EDITOR_CSP
    return response


# --- Result tables -----------------------------------------------------------------------------

_SAFE_SCHEMES = {"http", "https"}


@dataclass(frozen=True)
class Cell:
    """One value of a result table, ready for a template: text, optional link, its kind."""

    text: str = ""
    href: str | None = None
    kind: str = "empty"
    title: str = ""
    lang: str = ""
    datatype: str = ""
    external: bool = False


def compact(iri: str) -> str:
    """Write an IRI with one of our prefixes when it has one.

    >>> compact("http://www.w3.org/2004/02/skos/core#prefLabel")
    'skos:prefLabel'
    """
    best = ""
    found = iri
    for prefix, namespace in PREFIXES.items():
        ns = str(namespace)
        if iri.startswith(ns) and len(ns) > len(best):
            local = iri[len(ns) :]
            if re.fullmatch(r"[A-Za-z0-9_][A-Za-z0-9_.\-]*", local or "_") and not local.endswith(
                "."
            ):
                best, found = ns, f"{prefix}:{local}"
    return found


def cell(term: Node | None) -> Cell:
    """Turn a term into a cell; only our pages and http(s) IRIs become links."""
    if term is None:
        return Cell()
    if isinstance(term, URIRef):
        iri = str(term)
        local = local_url(iri)
        if local:
            return Cell(compact(iri), local, "iri", iri)
        scheme = urlsplit(iri).scheme.lower() if ":" in iri else ""
        if scheme in _SAFE_SCHEMES:
            return Cell(compact(iri), iri, "iri", iri, external=True)
        return Cell(compact(iri), None, "iri", iri)
    if isinstance(term, BNode):
        return Cell(f"_:{term}", None, "bnode")
    if isinstance(term, Literal):
        lang = term.language or ""
        if lang and not re.fullmatch(r"[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*", lang):
            lang = ""
        datatype = compact(str(term.datatype)) if term.datatype is not None else ""
        return Cell(str(term), None, "literal", lang=lang, datatype=datatype)
    return Cell(str(term))


@dataclass(frozen=True)
class Table:
    kind: str
    columns: tuple[str, ...] = ()
    rows: tuple[tuple[Cell, ...], ...] = ()
    boolean: bool | None = None


def result_table(result: QueryResult) -> Table:
    """Lay a result out as a table: SELECT rows, an ASK answer, or a graph's triples."""
    if isinstance(result, AskResult):
        return Table("ask", boolean=result.value)
    if isinstance(result, GraphResult):
        triples = sorted(result.graph)
        return Table(
            "graph",
            ("subject", "predicate", "object"),
            tuple((cell(s), cell(p), cell(o)) for s, p, o in triples),
        )
    assert isinstance(result, SelectResult)
    return Table(
        "select",
        result.variables,
        tuple(tuple(cell(row.get(v)) for v in result.variables) for row in result.rows),
    )


def as_select(result: QueryResult) -> SelectResult:
    """A graph result as subject/predicate/object rows, for CSV and JSON twins."""
    if isinstance(result, GraphResult):
        rows: list[dict[str, Node]] = [
            {"subject": s, "predicate": p, "object": o} for s, p, o in sorted(result.graph)
        ]
        return SelectResult(("subject", "predicate", "object"), rows)
    assert isinstance(result, SelectResult)
    return result


# --- Canned queries ----------------------------------------------------------------------------

_INPUT_TYPES = {
    "iri": ("url", None),
    "date": ("date", None),
    "gYearMonth": ("month", None),
    "gYear": ("text", r"\d{4}"),
    "integer": ("number", None),
    "string": ("text", None),
    "langString@nb": ("text", None),
}
#: Query-string arguments that belong to the site, not to a query's parameters.
_SITE_ARGUMENTS = {"lang"}


def _named_or_404(name: str) -> NamedQuery:
    try:
        return get_named_query(name)
    except KeyError:
        abort(404)


def _parameter_values(query: NamedQuery) -> dict[str, str]:
    return {k: v for k, v in request.args.items() if k not in _SITE_ARGUMENTS}


def run_named(
    query: NamedQuery, values: Mapping[str, str], writing: Writing | None = None
) -> Outcome:
    """Run a library query with the user's values bound as typed terms; raise ProtocolError."""
    try:
        bindings = query.bindings(values)
    except ParameterError as error:
        raise ProtocolError(400, f"Parameter error: {error}") from error
    return execute(query.text, bindings=bindings, writing=writing)


@bp.get("/queries")
def canned_queries() -> str:
    """The list of canned queries."""
    lang = current_lang()
    return render_template(
        "sparql/queries.html",
        title=tr("queries_title"),
        queries=[(q, q.title(lang), q.description(lang)) for q in library().values()],
        tr=tr,
        api_twin=url_for("sparql.canned_queries_json"),
    )


@bp.get("/queries.json")
def canned_queries_json() -> Response:
    """The canned queries as JSON: names, titles, descriptions, parameters and URLs."""
    items = []
    for q in library().values():
        items.append(
            {
                "name": q.name,
                "title": dict(q.titles),
                "description": dict(q.descriptions),
                "parameters": [
                    {"name": p.name, "type": p.type, "default": p.default} for p in q.parameters
                ],
                "page": url_for("sparql.canned_query", name=q.name, _external=True),
                "json": url_for(
                    "sparql.canned_query_data", name=q.name, ext="json", _external=True
                ),
                "csv": url_for("sparql.canned_query_data", name=q.name, ext="csv", _external=True),
            }
        )
    return Response(
        json.dumps({"queries": items}, ensure_ascii=False, indent=1), mimetype="application/json"
    )


@bp.get("/queries/<name>")
def canned_query(name: str) -> Response:
    """One canned query: description, parameter form, result table and its twins."""
    query = _named_or_404(name)
    if query.name != name:
        kept: dict[str, Any] = dict(request.args)
        target = url_for("sparql.canned_query", name=query.name, **kept)
        return redirect(target, 308)  # type: ignore[return-value]
    lang = current_lang()
    values = _parameter_values(query)
    status = 200
    outcome: Outcome | None = None
    problem = ""
    try:
        outcome = run_named(query, values)
    except ProtocolError as error:
        status, problem = error.status, error.message
    args: dict[str, Any] = {k: v for k, v in values.items() if v != ""}
    twins = [
        (
            "JSON",
            url_for("sparql.canned_query_data", name=query.name, ext="json", **args),
            "application/sparql-results+json",
        ),
        (
            "CSV",
            url_for("sparql.canned_query_data", name=query.name, ext="csv", **args),
            "text/csv",
        ),
    ]
    fields = []
    for param in query.parameters:
        input_type, pattern = _INPUT_TYPES.get(param.type, ("text", None))
        fields.append(
            {
                "name": param.name,
                "type": param.type,
                "input": input_type,
                "pattern": pattern,
                "value": values.get(param.name, ""),
                "default": param.default or "",
            }
        )
    body = render_template(
        "sparql/query.html",
        title=query.title(lang),
        query=query,
        description=query.description(lang),
        fields=fields,
        outcome=outcome,
        table=result_table(outcome.terms) if outcome else None,
        problem=problem,
        twins=twins,
        tr=tr,
    )
    response = Response(body, status=status, mimetype="text/html")
    return limit_headers(response, outcome) if outcome else response


@bp.get("/queries/<name>.<any(json, csv):ext>")
def canned_query_data(name: str, ext: str) -> Response:
    """A canned query's result as SPARQL JSON or CSV, parameters from the query string."""
    query = _named_or_404(name)
    if query.name != name:
        kept: dict[str, Any] = dict(request.args)
        target = url_for("sparql.canned_query_data", name=query.name, ext=ext, **kept)
        return redirect(target, 308)  # type: ignore[return-value]
    # The worker writes SELECT rows (and an ASK answer in JSON) itself; graphs become rows here.
    formats = {"select": "json", "ask": "json"} if ext == "json" else {"select": "csv"}
    try:
        outcome = run_named(query, _parameter_values(query), Writing(formats))
    except ProtocolError as error:
        if ext == "json":
            response = Response(
                json.dumps({"error": error.message, "status": error.status}),
                status=error.status,
                mimetype="application/json",
            )
            return response
        return error_response(error.status, error.message)
    if outcome.body is not None:
        mimetype = "application/sparql-results+json" if ext == "json" else "text/csv"
        response = Response(outcome.body, mimetype=mimetype)
        if ext == "csv":
            response.headers["Content-Disposition"] = f'inline; filename="{query.name}.csv"'
        return limit_headers(response, outcome)
    result = outcome.terms
    if ext == "json":
        if isinstance(result, AskResult):
            body = writers.ask_json(result)
        else:
            body = writers.select_json(as_select(result), extra={"truncated": outcome.truncated})
        response = Response(body, mimetype="application/sparql-results+json")
    else:
        if isinstance(result, AskResult):
            result = SelectResult(("boolean",), [{"boolean": Literal(result.value)}])
        response = Response(writers.select_csv(as_select(result)), mimetype="text/csv")
        response.headers["Content-Disposition"] = f'inline; filename="{query.name}.csv"'
    return limit_headers(response, outcome)


__all__ = [
    "EDITOR_CSP",
    "FORMATS",
    "Format",
    "Operation",
    "ProtocolError",
    "QueryShape",
    "bp",
    "lex",
    "negotiate",
    "read_shape",
    "with_dataset",
]
