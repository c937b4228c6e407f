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
rdflib does); a query with ``FROM`` is also parsed by rdflib into its algebra to read its
dataset. A text without the letters of either keyword is not lexed at all. The query form comes
from the engine's answer; the engine alone judges the syntax (400 with its message).

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
import json
import math
import re
import threading
import time
from collections.abc import Iterable, Mapping, Sequence
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
from politiraad_graph.namespaces import PREFIXES, bind_prefixes, sparql_prologue
from politiraad_graph.queries import NamedQuery, ParameterError, library
from politiraad_graph.queries import get as get_named_query
from politiraad_graph.store.base import (
    AskResult,
    GraphResult,
    QueryResult,
    QueryTimeout,
    SelectResult,
    StoreError,
)
from politiraad_graph.store.worker import QueryError
from webapp import queries
from webapp.i18n import current_lang
from webapp.urls import local_url

bp = Blueprint("sparql", __name__)

SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
FORMATS_NS = Namespace("http://www.w3.org/ns/formats/")

#: The graph that stands for "an empty default graph" in a rewritten query; it never exists.
EMPTY_GRAPH = "urn:x-politiraad:no-graph"
#: Above this size the dataset clauses are read from the tokens alone: rdflib's parser takes
#: seconds on large texts, in the web process, and cannot be interrupted.
MAX_PARSED_QUERY = 64 * 1024
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


@dataclass(frozen=True)
class Format:
    """One answer format: a short name for ``?format=``, its media types and what it can carry."""

    name: str
    media_type: str
    aliases: tuple[str, ...]
    kinds: frozenset[str]
    label: str

    @property
    def media_types(self) -> tuple[str, ...]:
        return (self.media_type, *self.aliases)


_RESULTS = frozenset({"select", "ask"})
FORMATS: tuple[Format, ...] = (
    # Order matters: it is our preference when a client accepts several equally.
    Format("json", "application/sparql-results+json", ("application/json",), _RESULTS, "JSON"),
    Format(
        "xml", "application/sparql-results+xml", ("application/xml", "text/xml"), _RESULTS, "XML"
    ),
    Format("csv", "text/csv", (), frozenset({"select"}), "CSV"),
    Format("tsv", "text/tab-separated-values", (), frozenset({"select"}), "TSV"),
    Format(
        "ttl",
        "text/turtle",
        # Turtle is N3 too: clients that ask for N3 can read it.
        ("application/x-turtle", "text/n3", "text/rdf+n3"),
        frozenset({"graph"}),
        "Turtle",
    ),
    Format("nt", "application/n-triples", (), frozenset({"graph"}), "N-Triples"),
    Format("jsonld", "application/ld+json", (), frozenset({"graph"}), "JSON-LD"),
    Format("rdf", "application/rdf+xml", (), frozenset({"graph"}), "RDF/XML"),
    Format(
        "html",
        "text/html",
        ("application/xhtml+xml",),
        frozenset({"select", "ask", "graph", "description"}),
        "HTML",
    ),
)
_BY_NAME = {f.name: f for f in FORMATS}
_RDF_SERIALIZERS = {"ttl": "turtle", "nt": "nt", "jsonld": "json-ld", "rdf": "xml"}
#: Names ``?format=`` accepts; one name may mean a results format or an RDF one.
FORMAT_NAMES: dict[str, tuple[str, ...]] = {
    "json": ("json", "jsonld"),
    "srj": ("json",),
    "xml": ("xml", "rdf"),
    "srx": ("xml",),
    "csv": ("csv",),
    "tsv": ("tsv",),
    "ttl": ("ttl",),
    "turtle": ("ttl",),
    "n3": ("ttl",),
    "nt": ("nt",),
    "ntriples": ("nt",),
    "n-triples": ("nt",),
    "jsonld": ("jsonld",),
    "json-ld": ("jsonld",),
    "rdf": ("rdf",),
    "rdfxml": ("rdf",),
    "rdf+xml": ("rdf",),
    "html": ("html",),
}
for _format in FORMATS:
    for _media in _format.media_types:
        FORMAT_NAMES.setdefault(_media, (_format.name,))
# Graph descriptions (the service description) are RDF, never query results.
_DESCRIPTION_FORMATS = tuple(_BY_NAME[n] for n in ("ttl", "rdf", "jsonld", "nt", "html"))


@dataclass(frozen=True)
class MediaRange:
    type: str
    subtype: str
    q: float

    def specificity(self, media_type: str) -> int | None:
        """How exactly this range names a media type (2, 1, 0), or None if it does not match."""
        kind, _, sub = media_type.partition("/")
        if self.type == "*":
            return 0
        if self.type != kind:
            return None
        if self.subtype == "*":
            return 1
        return 2 if self.subtype == sub else None


def parse_accept(header: str) -> list[MediaRange]:
    """Read an ``Accept`` header; malformed parts are skipped.

    >>> [(r.type, r.subtype, r.q) for r in parse_accept("text/csv;q=0.5, */*;q=0.1")]
    [('text', 'csv', 0.5), ('*', '*', 0.1)]
    """
    ranges = []
    for part in header.split(","):
        media, *params = (p.strip() for p in part.split(";"))
        kind, slash, sub = media.lower().partition("/")
        if not slash or not kind or not sub:
            continue
        q = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = float(value.strip())
                except ValueError:
                    q = -1.0
        if 0.0 <= q <= 1.0 and math.isfinite(q):
            ranges.append(MediaRange(kind, sub, q))
    return ranges


def quality(media_type: str, ranges: Sequence[MediaRange], *, exact: bool = False) -> float:
    """The q-value a client gives a media type: that of its most specific matching range.

    With ``exact``, only a range naming the media type itself counts (used for aliases, so
    ``text/*`` means CSV rather than ``text/xml``).
    """
    best: tuple[int, float] | None = None
    for media_range in ranges:
        found = media_range.specificity(media_type)
        if found is not None and (best is None or (found, media_range.q) > best):
            best = (found, media_range.q)
    if best is None or (exact and best[0] < 2):
        return 0.0
    return best[1]


def negotiate(header: str | None, offers: Sequence[Format]) -> tuple[Format, str] | None:
    """Choose the format and media type a client prefers; ties go to our order.

    >>> fmt, media = negotiate("text/html,application/xml;q=0.9,*/*;q=0.8", FORMATS)
    >>> fmt.name, media
    ('html', 'text/html')
    >>> negotiate("text/csv;q=0, */*", FORMATS[2:4])[0].name
    'tsv'
    >>> negotiate("image/png", FORMATS) is None
    True
    """
    if not offers:
        return None
    ranges = parse_accept(header or "")
    if not (header or "").strip() or not ranges:
        return offers[0], offers[0].media_type
    chosen: tuple[Format, str] | None = None
    best = 0.0
    for offer in offers:
        for media_type in offer.media_types:
            q = quality(media_type, ranges, exact=media_type != offer.media_type)
            if q > best:
                chosen, best = (offer, media_type), q
    return chosen


# --- Reading a query's shape without running it ------------------------------------------------

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


@dataclass(frozen=True)
class QueryShape:
    """What the endpoint must know about a query before running it.

    ``service`` is True when the text has a ``SERVICE`` keyword; ``default_graphs`` and
    ``named_graphs`` are its ``FROM`` and ``FROM NAMED`` IRIs; ``clauses`` are the spans of those
    clauses in the text, and ``insert_at`` is where a dataset clause would go.
    """

    service: bool = False
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()
    clauses: tuple[tuple[int, int], ...] = ()
    insert_at: int = 0
    relative_iris: bool = False
    star_order: tuple[str, ...] = ()

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
    unescaped = unescape_codepoints(text)
    lowered = unescaped.lower()
    if (
        "service" not in lowered
        and "from" not in lowered
        and not placing
        and not _SELECT_STAR.search(unescaped)
    ):
        # No token can be SERVICE or FROM and nothing is to be placed: lexing would tell nothing.
        return QueryShape(insert_at=len(text), relative_iris=_relative_before_base(text))
    toks = lex(text)
    service = any(t.word() == "SERVICE" for t in toks)
    if unescaped != text:
        service = service or any(t.word() == "SERVICE" for t in lex(unescaped))
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
    insert_at = clauses[0][0] if clauses else _insertion_point(toks, text)
    return QueryShape(
        service,
        tuple(default),
        tuple(named),
        tuple(clauses),
        insert_at,
        relative,
        _star_order(toks),
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


def dataset_by_parser(text: str, base: str) -> tuple[tuple[str, ...], tuple[str, ...]] | None:
    """Read the dataset clauses with rdflib's SPARQL parser and algebra; None if it cannot."""
    from rdflib.plugins.sparql.algebra import translateQuery
    from rdflib.plugins.sparql.parser import parseQuery

    try:
        algebra = translateQuery(parseQuery(text), base=base).algebra
    except Exception:  # rdflib's parser raises many kinds; the engine will judge the syntax
        return None
    default: list[str] = []
    named: list[str] = []
    # A CompValue's get() answers the key itself when it is missing: test membership instead.
    clauses = algebra["datasetClause"] if "datasetClause" in algebra else None  # noqa: SIM401
    for clause in clauses or []:
        if "default" in clause:
            default.append(str(clause["default"]))
        elif "named" in clause:
            named.append(str(clause["named"]))
    return tuple(default), tuple(named)


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
    """A query's result and what the limits did to it."""

    result: QueryResult
    truncated: bool
    row_cap: int
    time_limit: float
    seconds: float


def prepare(text: str, operation: Operation, base: str) -> tuple[str, QueryShape]:
    """Check a query against our rules and return the text to run; raise ProtocolError."""
    protocol_dataset = bool(operation.default_graphs or operation.named_graphs)
    shape = read_shape(text, base, placing=protocol_dataset)
    default: Sequence[str]
    named: Sequence[str]
    if shape.service:
        raise ProtocolError(
            400,
            "SERVICE is not allowed: this endpoint never sends requests to other servers. "
            "Run federated queries from your own SPARQL client.",
        )
    if shape.has_dataset:
        declared: tuple[tuple[str, ...], tuple[str, ...]] | None = None
        if len(text) <= MAX_PARSED_QUERY:
            declared = dataset_by_parser(text, base)
        default, named = declared or (shape.default_graphs, shape.named_graphs)
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


# What SparqlStore says when the query itself is wrong: it could not tell the form, or the
# server answered 400. (It raises StoreError for both; a distinct error type would be better.)
_REMOTE_BAD_REQUEST = re.compile(r"^(?:query at \S+ failed: HTTP 400\b|not a query:)")


def execute(
    text: str,
    *,
    bindings: Mapping[str, Node] | None = None,
    timeout: float | None = None,
) -> Outcome:
    """Run a query through the worker pool within the time limit and the row cap."""
    settings = current_app.config["POLITIRAAD"]
    cap = int(settings["row_cap"])
    limit = _time_limit(timeout)
    started = time.perf_counter()
    try:
        answer = queries.run(text, bindings, timeout=limit, row_cap=cap)
    except QueryTimeout as error:
        raise ProtocolError(
            503,
            f"Query timed out: {error}. Nothing was returned. Make the query more selective "
            f"(LIMIT, fewer OPTIONALs, no unbounded paths), or ask for up to "
            f"{float(settings['query_timeout_max']):g} s with the timeout parameter.",
        ) from error
    except QueryError as error:
        raise ProtocolError(400, f"Query error: {error}") from error
    except StoreError as error:
        # A remote SPARQL server that answers 400 found the query wrong, not itself broken.
        if _REMOTE_BAD_REQUEST.search(str(error)):
            raise ProtocolError(400, f"Query error (from the SPARQL server): {error}") from error
        raise ProtocolError(500, f"Store error: {error}") from error
    seconds = time.perf_counter() - started
    result = answer.result
    assert result is not None
    truncated = answer.truncated
    if isinstance(result, GraphResult) and len(result.graph) > cap:
        kept = Graph()
        for triple in sorted(result.graph)[:cap]:
            kept.add(triple)
        result, truncated = GraphResult(kept), True
    return Outcome(result, truncated, cap, limit, seconds)


def reorder(outcome: Outcome, order: Sequence[str]) -> Outcome:
    """Put a SELECT result's columns in this order (names it does not know go last)."""
    result = outcome.result
    assert isinstance(result, SelectResult)
    if set(order) >= set(result.variables):
        wanted = tuple(v for v in order if v in result.variables)
        result = SelectResult(wanted, result.rows)
        return dataclasses.replace(outcome, result=result)
    return outcome


def kind_of(result: QueryResult) -> str:
    if isinstance(result, SelectResult):
        return "select"
    if isinstance(result, AskResult):
        return "ask"
    return "graph"


def choose_format(requested: str | None, kinds: Iterable[str]) -> tuple[Format, str]:
    """Pick the answer format from ``?format=`` or ``Accept``; raise 400 or 406."""
    wanted = set(kinds)
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
    chosen = negotiate(request.headers.get("Accept"), offers)
    if chosen is None:
        raise ProtocolError(
            406, f"None of the media types in Accept can be given: {_offer_list(offers)}."
        )
    return chosen


def _offer_list(offers: Iterable[Format]) -> str:
    return "available are " + ", ".join(f.media_type for f in offers)


def serialize(result: QueryResult, fmt: Format, *, truncated: bool) -> str | bytes:
    """Write a result in one of the SPARQL results formats or an RDF syntax."""
    if isinstance(result, SelectResult):
        if fmt.name == "json":
            return writers.select_json(result, extra={"truncated": truncated})
        if fmt.name == "xml":
            return writers.select_xml(result)
        if fmt.name == "csv":
            return writers.select_csv(result)
        return writers.select_tsv(result)
    if isinstance(result, AskResult):
        return writers.ask_json(result) if fmt.name == "json" else writers.ask_xml(result)
    assert isinstance(result, GraphResult)
    graph = bind_prefixes(result.graph)
    return graph.serialize(format=_RDF_SERIALIZERS[fmt.name], encoding="utf-8")


def result_response(outcome: Outcome, fmt: Format, media_type: str, **page: Any) -> Response:
    """The HTTP answer for a result, with the limits in its headers."""
    if fmt.name == "html":
        body: str | bytes = render_template(
            "sparql/results.html",
            table=result_table(outcome.result),
            outcome=outcome,
            tr=tr,
            **page,
        )
        mimetype = "text/html"
    else:
        body = serialize(outcome.result, fmt, truncated=outcome.truncated)
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
        choose_format(operation.format, {"select", "ask", "graph"})
        base = _endpoint_url()
        text, shape = prepare(operation.query, operation, base)
        outcome = execute(text, timeout=operation.timeout)
        if shape.star_order and isinstance(outcome.result, SelectResult):
            outcome = reorder(outcome, shape.star_order)
        fmt, media_type = choose_format(operation.format, {kind_of(outcome.result)})
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
        names = FORMAT_NAMES.get(requested.lower(), ())
        for offer in _DESCRIPTION_FORMATS:
            if offer.name in names:
                return offer, offer.media_type
        raise ProtocolError(406, f"The service description cannot be given as {requested}.")
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


def run_named(query: NamedQuery, values: Mapping[str, str]) -> Outcome:
    """Run a library query with the user's values bound as typed terms; raise ProtocolError."""
    try:
        bindings = query.bindings(values)
    except ParameterError as error:
        raise ProtocolError(400, f"Parameter error: {error}") from error
    return execute(query.text, bindings=bindings)


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
        table=result_table(outcome.result) if outcome else None,
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
    try:
        outcome = run_named(query, _parameter_values(query))
    except ProtocolError as error:
        if ext == "json":
            response = Response(
                json.dumps({"error": error.message, "status": error.status}),
                status=error.status,
                mimetype="application/json",
            )
            return response
        return error_response(error.status, error.message)
    result = outcome.result
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
    "dataset_by_parser",
    "lex",
    "negotiate",
    "read_shape",
    "with_dataset",
]
