"""A store on any SPARQL 1.1 server, over HTTP (tested against Debian's Virtuoso 7.2).

How it keeps to the :class:`~politiraad_graph.store.base.GraphStore` contract on a server it does
not own:

* **Its own graphs only.** A server holds graphs the store did not write (Virtuoso keeps its
  system graphs, such as ``virtrdf#`` with ~2,500 triples, in the same quad table, and its
  default graph is the union of *every* graph). The store therefore records the graphs it wrote
  in a small *manifest* graph (``urn:x-politiraad:store``) and sends every query with that list
  as its dataset (``default-graph-uri`` and ``named-graph-uri`` protocol parameters). So a query
  sees the union of the store's graphs, ``GRAPH ?g`` ranges over them, and neither foreign graphs
  nor half-loaded staging graphs are ever seen. On Virtuoso the dataset is sent as ``DEFINE
  input:default-graph-uri`` / ``input:named-graph-uri`` pragmas in the query text, which is what
  its endpoint makes of the protocol parameters - but it also echoes each parameter as a
  response header, and past 100 graphs ``http.client`` refused such an answer. A query with its
  own ``FROM`` / ``FROM NAMED`` reads what it names (a part it leaves out is empty, as SPARQL
  says): the caller chose those graphs (the web endpoint allows only graphs the store holds).
  ``replace_all`` never touches a graph outside the manifest (it must not: ``DROP ALL`` on
  Virtuoso would take its system graphs with it).
* **Staged writes.** ``replace_graph`` and ``replace_all`` load the new content into fresh
  staging graphs first (``INSERT DATA`` of at most ``chunk_triples`` triples a request, or Graph
  Store Protocol ``POST`` when a GSP URL is set), then switch in update requests of at most
  ``switch_graphs`` (100) graphs each - one request for a store of up to 100 graphs::

      (manifest: unlist the graphs that go) ; DROP SILENT GRAPH <g> ;
      MOVE SILENT <staging> TO <g> ; ... ; (manifest: list the new graphs)

  Virtuoso refuses a switch of ~1,000 graphs in one request as too large (SQ200).
  A graph that holds nothing on the server yet (a first build) is loaded *in place* instead:
  it is not in the manifest, so no query sees it until the switch lists it, and it needs no
  ``MOVE``, which costs Virtuoso about as much as the load itself (measured at 100k triples in
  100 graphs: 3-14 s for the switch of a reload, 4-6 s for the load). Request bodies are
  N-Triples written by the store itself (each IRI checked once a load), not by rdflib.
  A load that fails (a term that cannot be written, a data source that raises, a server error)
  drops the staging graphs and the graphs it loaded in place, and leaves the old content and
  the manifest untouched: nothing is switched before every graph is written. A switch of
  several requests that fails after the first leaves part of the new content in place and
  says so.
* **What is atomic on Virtuoso 7.2** (Debian 7.2.5; measured with a writer replacing a
  20,000-triple graph ten times while a reader polled it with a GROUP BY count):

  - a failed *load* leaves the old graph whole, on every server: nothing is switched until
    every chunk is staged, and the staging graphs are dropped on failure (tested);
  - the *switch* request is not one all-or-nothing transaction: an operation that fails
    outright does not undo the ones before it in the same request (``DROP ...; INSERT ...;
    CREATE GRAPH <existing>`` leaves the DROP and INSERT applied). The switch uses only
    operations that do not fail on valid input (``DROP SILENT``, ``MOVE SILENT``,
    ``INSERT``/``DELETE DATA``). A switch that waits too long for readers' locks fails with
    ``SR171 Transaction timed out`` and *is* rolled back whole (old graph intact, observed); the
    store retries it (``switch_attempts``, back-off 0.5/1/2 s), but only after checking that
    every staging graph is still whole, and otherwise raises a StoreError saying the store may
    hold part of the new content;
  - it is **not atomic for readers**: Virtuoso reads at *read committed* without snapshots, so
    a query running while the ``MOVE`` commits can see part of the old and part of the new graph
    (measured: about one read per switch saw a mix such as 9,000 old + 11,001 new triples;
    10 of 49 reads in one run). Under that constant read load a switch took ~30 s (lock
    waits; ~1 s without readers) and some attempts hit SR171.

  A server with real update transactions and snapshot reads (Oxigraph, Jena TDB2 under Fuseki)
  makes the switch atomic for readers; Virtuoso does not, and no client can fix that. Rebuild a
  Virtuoso store while nobody reads it, or behind a second server that readers are switched to.
* **Virtuoso quirks handled.** Its SPARQL compiler runs out of parser stack at about 5,000
  triples in one ``INSERT DATA`` (hence ``chunk_triples`` = 1,000); blank nodes are kept in one
  request per connected group so chunking does not split them; results come back with
  ``typed-literal`` JSON terms, ``xsd:string`` datatypes and language tags in any case, which are
  normalised (plain literals, lower-case tags: equal to what Oxigraph returns); a query that hits
  Virtuoso's anytime limit (``MaxQueryExecutionTime``, or the per-request ``timeout`` the store
  sends) answers HTTP 200 with *incomplete* results and the header ``X-SQL-State: S1TAT`` - the
  store raises :class:`QueryTimeout` instead of returning them; a query whose *estimated* cost
  is over ``MaxQueryCostEstimationTime`` is refused up front, which is also a QueryTimeout;
  ``DESCRIBE`` there also gives the triples a resource is the object of and stops at blank
  nodes, so the store asks Virtuoso for the Concise Bounded Description (``DEFINE
  sql:describe-mode "CBD"``), which is what Oxigraph and rdflib give. Virtuoso keeps only its
  own form of a typed value (``"1.50"^^xsd:decimal`` comes back as ``"1.5"``, ``"007"`` as
  ``"7"``, ``"1e3"^^xsd:double`` as ``"1000.0"``), refuses ``"TRUE"^^xsd:boolean``, ill-typed
  literals (``"abc"^^xsd:integer``) and every ``xsd:duration``: checksums agree with the other
  backends for data written in canonical form, which is what rdflib's Turtle parser gives for
  the project's numbers, dates, times and booleans. Its Graph Store Protocol loader does not
  refuse those but changes them (``"abc"^^xsd:integer`` to ``"0"``, ``"PT1H"`` to
  ``"3600.0"``, an integer past 64 bits to a decimal), so the store refuses them itself before
  sending (:func:`_refuse_for_virtuoso_loader`). Both ways, a double comes back with six
  significant digits (``3.14159265358979`` as ``3.14159``) and an ``xsd:gYearMonth`` as an
  ``xsd:gYear``: keep such values as strings on Virtuoso.
  Virtuoso cuts every result (rows of a SELECT, triples of a CONSTRUCT) at ``ResultSetMaxRows``
  (Debian: 10,000) **without saying so**. The store cannot see the cut on a SELECT: configure the
  server with ``ResultSetMaxRows`` above any result the project asks for (the test server uses
  1,000,000,000). ``dump_nquads`` does check: it compares each graph's CONSTRUCT with its COUNT
  and raises :class:`StoreError` if the server cut it.
* **Time limits.** ``timeout`` is enforced client-side (the socket timeout of SPARQLWrapper's
  request; Virtuoso sends nothing before the result is complete, so this is the limit on the
  whole answer) and raises :class:`QueryTimeout`. On Virtuoso the store also asks the server to
  stop (``timeout`` parameter), two seconds before our limit since Virtuoso checks it on a
  two-second tick, so an abandoned query does not go on using the server and the server's own
  stop usually comes first. A query given no limit gets ``query_time_limit`` (from the setting
  ``query_timeout_max``). A time-out the server reports as an error (``S1T00``, SR171) is a
  :class:`QueryTimeout` as well.
* **Credentials** come from the configuration and are answered for HTTP Digest (Virtuoso's
  ``/sparql-auth``) or Basic, whichever the server asks for, through a password manager private
  to the store (not SPARQLWrapper's, which installs a process-wide opener and prints the
  password in its ``str()``). The password is not kept in an attribute and never appears in a
  repr, a log line or an exception message.
"""

from __future__ import annotations

import http.client
import json
import logging
import math
import re
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Iterable, Iterator, Mapping, Sequence
from http.client import HTTPResponse
from typing import Any, TypeVar

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node
from SPARQLWrapper import JSON, POST, TURTLE, SPARQLWrapper
from SPARQLWrapper.Wrapper import QueryResult as WrapperResult

from politiraad_graph.binding import BindingError, bind_values, term_to_sparql
from politiraad_graph.guard import refuse_outside_access
from politiraad_graph.store.base import (
    AskResult,
    GraphResult,
    QueryRejected,
    QueryResult,
    QueryTimeout,
    SelectResult,
    StoreError,
    normalise_literal,
)

log = logging.getLogger(__name__)

MANIFEST_GRAPH = "urn:x-politiraad:store"
_HAS_GRAPH = "urn:x-politiraad:store#graph"
_STAGING_PREFIX = "urn:x-politiraad:staging:"
# Named in the dataset of a query when the store has no graph yet, so the server's own default
# graph (on Virtuoso: every graph it holds) is not used instead.
_EMPTY_GRAPH = "urn:x-politiraad:empty"
_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_RDF_LANGSTRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
_NTRIPLES = "application/n-triples"
_ACCEPT_GRAPH = "application/n-triples, text/plain;q=0.9, text/turtle;q=0.8"
_BODY_EXCERPT = 600
_RETRYABLE = re.compile(r"SR171|Transaction timed out|40001|[Dd]eadlock")

_QUERY_FORMS = ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")
_UPDATE_WORDS = {
    "INSERT",
    "DELETE",
    "LOAD",
    "CLEAR",
    "CREATE",
    "DROP",
    "COPY",
    "MOVE",
    "ADD",
    "WITH",
}
_FORM_TOKEN = re.compile(
    r"""
    (?P<comment>\#[^\n]*)
  | (?P<string>'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
               |'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*")
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<word>[A-Za-z_][A-Za-z0-9_-]*)
  | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)


#: Virtuoso answers 500 for some queries it will not run, with an SQLSTATE of class 22 (data
#: exception, e.g. "TR...: transitive start not given"), 37 (syntax) or 42 (syntax or access
#: rule): the query's fault, not the server's.
_QUERY_FAULT = re.compile(r"\b(?:22|37|42)[0-9A-Z]{3} Error\b")


def query_form(text: str) -> str:
    """Return SELECT, ASK, CONSTRUCT or DESCRIBE; refuse an update or an unknown form.

    >>> query_form("PREFIX ex: <http://x/> # SELECT\\nASK { ?s ex:p 'DROP' }")
    'ASK'
    >>> query_form("DROP ALL")  # doctest: +IGNORE_EXCEPTION_DETAIL
    Traceback (most recent call last):
    QueryRejected: not a query: an update (DROP) cannot be run as a query
    """
    for match in _FORM_TOKEN.finditer(text):
        if match.lastgroup != "word":
            continue
        word = match.group().upper()
        if word in _QUERY_FORMS:
            return word
        if word in _UPDATE_WORDS:
            raise QueryRejected(f"not a query: an update ({word}) cannot be run as a query")
    raise QueryRejected("not a query: no SELECT, ASK, CONSTRUCT or DESCRIBE found")


def _words(text: str) -> set[str]:
    return {m.group().upper() for m in _FORM_TOKEN.finditer(text) if m.lastgroup == "word"}


def own_dataset(text: str) -> tuple[bool, bool]:
    """Whether the query names its own default graph (``FROM``) and named graphs (``FROM NAMED``).

    Keywords only: not in strings, IRIs or comments, nor part of a prefixed name or a variable.

    >>> own_dataset("SELECT * FROM <http://x/g> { ?s ?p ?o }")
    (True, False)
    >>> own_dataset("SELECT ?FROM { ?s x:FROM 'FROM NAMED' } # FROM NAMED")
    (False, False)
    """
    default = named = False
    previous = ""
    words: list[str] = []
    for match in _FORM_TOKEN.finditer(text):
        kind = match.lastgroup
        if kind == "other" and match.group().isspace():
            continue
        if kind == "word" and previous not in {":", "?", "$"}:
            words.append(match.group().upper())
        else:
            words.append("")
        previous = match.group() if kind == "other" else ""
    for word, following in zip(words, [*words[1:], ""], strict=True):
        if word == "FROM":
            if following == "NAMED":
                named = True
            else:
                default = True
    return default, named


def safe_url(url: str) -> str:
    """Return the URL without any user name or password in it, for messages and logs.

    >>> safe_url("http://me:secret@127.0.0.1:8890/sparql-auth")
    'http://127.0.0.1:8890/sparql-auth'
    """
    parts = urllib.parse.urlsplit(url)
    if parts.username is None and parts.password is None:
        return url
    host = parts.hostname or ""
    if parts.port is not None:
        host = f"{host}:{parts.port}"
    return urllib.parse.urlunsplit(parts._replace(netloc=host))


def plain_term(term: Node) -> Node:
    """Return the term as every backend answers it: xsd:string dropped, language tag lower case.

    >>> plain_term(Literal("x", lang="nb-NO")).language
    'nb-no'
    """
    if isinstance(term, Literal):
        if term.language:
            return Literal(str(term), lang=term.language.lower())
        return normalise_literal(term)
    return term


def _term_from_json(value: Mapping[str, Any]) -> Node:
    kind = value.get("type")
    text = str(value.get("value", ""))
    if kind == "uri":
        return URIRef(text)
    if kind == "bnode":
        return BNode(text.removeprefix("nodeID://").removeprefix("_:"))
    if kind in {"literal", "typed-literal"}:
        language = value.get("xml:lang") or value.get("lang")
        if language:
            return Literal(text, lang=str(language).lower())
        datatype = value.get("datatype")
        if datatype and datatype not in {_XSD_STRING, _RDF_LANGSTRING}:
            return Literal(text, datatype=URIRef(str(datatype)))
        return Literal(text)
    raise StoreError(f"the server returned a term of unknown type {kind!r}")


def _term_to_ntriples(term: Node, labels: dict[BNode, str]) -> str:
    """Write one term of data in N-Triples syntax (which is also SPARQL and Turtle syntax)."""
    if isinstance(term, BNode):
        label = labels.get(term)
        if label is None:
            label = labels[term] = f"b{len(labels)}"
        return f"_:{label}"
    if isinstance(term, Literal) and not term.language and str(term.datatype) == _XSD_STRING:
        return term_to_sparql(Literal(str(term)))
    return term_to_sparql(term)


def _escape(text: str) -> str:
    r"""Escape a literal's text as ``term_to_sparql`` does (N-Triples' ECHAR escapes).

    >>> print(_escape('a "b" \\ \n'))
    a \"b\" \\ \n
    """
    return (
        text.replace("\\", "\\\\")
        .replace('"', '\\"')
        .replace("\n", "\\n")
        .replace("\r", "\\r")
        .replace("\t", "\\t")
    )


_XSD = "http://www.w3.org/2001/XMLSchema#"
_DURATIONS = {f"{_XSD}duration", f"{_XSD}dayTimeDuration", f"{_XSD}yearMonthDuration"}
_INTEGERS = {
    f"{_XSD}{name}"
    for name in [
        "integer",
        "long",
        "int",
        "short",
        "byte",
        "nonNegativeInteger",
        "nonPositiveInteger",
        "positiveInteger",
        "negativeInteger",
        "unsignedLong",
        "unsignedInt",
        "unsignedShort",
        "unsignedByte",
    ]
}


def _refuse_for_virtuoso_loader(literal: Literal) -> None:
    """Refuse a typed literal that Virtuoso's Turtle loader (its Graph Store Protocol) would
    change without a word, where its ``INSERT DATA`` refuses it (measured on 7.2.5):
    ``"abc"^^xsd:integer`` became ``"0"``, ``"P1D"^^xsd:duration`` ``"86400.0"``, an integer
    past 64 bits an ``xsd:decimal``. Refused, the load fails and the old graphs stay.

    >>> _refuse_for_virtuoso_loader(Literal("12", datatype=URIRef(_XSD + "integer")))
    >>> _refuse_for_virtuoso_loader(Literal("P1D", datatype=URIRef(_XSD + "duration")))
    ... # doctest: +IGNORE_EXCEPTION_DETAIL
    Traceback (most recent call last):
    StoreError: Virtuoso's loader would change "P1D"^^<...#duration> (it stores a duration ...
    """
    datatype = str(literal.datatype)
    if not datatype.startswith(_XSD):
        return
    why = ""
    if datatype in _DURATIONS:
        why = "it stores a duration as a number of seconds"
    elif literal.ill_typed:
        why = "it stores an ill-typed value as another value"
    elif datatype in _INTEGERS and not -(2**63) <= int(literal) < 2**63:
        why = "it stores an integer past 64 bits as a decimal"
    if why:
        shown = term_to_sparql(Literal(str(literal)[:80], datatype=literal.datatype))
        raise StoreError(f"Virtuoso's loader would change {shown} ({why}): not loaded")


class _TermWriter:
    r"""Writes the terms of a load in N-Triples syntax, fast: each IRI is checked once per load.

    ``term_to_sparql`` validates an IRI through Oxigraph's parser, which at a million triples is
    seconds of the client's time on a machine whose cores the server needs; the same predicates,
    classes, datatypes and subjects come back on most lines, so their checked form is kept.
    The output is that of :func:`_term_to_ntriples`.

    >>> w = _TermWriter()
    >>> print(w.triple((URIRef("http://x/a"), URIRef("http://x/p"), Literal("é\n", lang="nb")), {}))
    <http://x/a> <http://x/p> "é\n"@nb .
    <BLANKLINE>
    """

    _CACHE_MAX = 200_000

    def __init__(self, *, virtuoso_loader: bool = False) -> None:
        self._iris: dict[str, str] = {}
        self._languages: set[str] = set()
        self._virtuoso_loader = virtuoso_loader

    def iri(self, value: str) -> str:
        written = self._iris.get(value)
        if written is None:
            written = term_to_sparql(URIRef(value))
            if len(self._iris) >= self._CACHE_MAX:
                self._iris.clear()
            self._iris[value] = written
        return written

    def term(self, term: Node, labels: dict[BNode, str]) -> str:
        if isinstance(term, URIRef):
            return self.iri(term)
        if isinstance(term, Literal):
            language = term.language
            if language:
                if language not in self._languages:
                    term_to_sparql(term)  # refuses an invalid tag
                    self._languages.add(language)
                return f'"{_escape(str(term))}"@{language}'
            datatype = term.datatype
            if datatype is None or str(datatype) == _XSD_STRING:
                return f'"{_escape(str(term))}"'
            if self._virtuoso_loader:
                _refuse_for_virtuoso_loader(term)
            return f'"{_escape(str(term))}"^^{self.iri(datatype)}'
        return _term_to_ntriples(term, labels)

    def triple(self, triple: Triple, labels: dict[BNode, str]) -> str:
        s, p, o = triple
        return f"{self.term(s, labels)} {self.term(p, labels)} {self.term(o, labels)} .\n"


def dataset_pragmas(default: Iterable[str], named: Iterable[str]) -> str:
    """Write a query's dataset as Virtuoso ``DEFINE input:...`` pragmas, to go before its text.

    No line break: the server's messages then give the line numbers of the query as written.

    >>> dataset_pragmas(["http://x/a"], ["http://x/b"])
    'DEFINE input:default-graph-uri <http://x/a> DEFINE input:named-graph-uri <http://x/b> '
    """
    pragmas = [f"DEFINE input:default-graph-uri {term_to_sparql(URIRef(g))} " for g in default]
    pragmas += [f"DEFINE input:named-graph-uri {term_to_sparql(URIRef(g))} " for g in named]
    return "".join(pragmas)


Triple = tuple[Node, Node, Node]
_Item = TypeVar("_Item")


def _insert_request(target: str, chunk: Sequence[Triple], writer: _TermWriter | None = None) -> str:
    """Write one chunk of triples as an update that inserts them into the graph ``target``.

    Without blank nodes: ``INSERT DATA``. With them (Virtuoso refuses blank nodes in ``INSERT
    DATA``): a template with one fresh blank node per label, in which every typed literal is
    built by ``STRDT`` in the WHERE clause, because Virtuoso 7.2 cannot read some typed constants
    in a template (``"10:00:00"^^xsd:time`` fails there, and is read fine everywhere else).

    >>> b = BNode()
    >>> print(_insert_request("<http://x/g>", [(b, URIRef("http://x/p"), Literal(1))]))
    INSERT { GRAPH <http://x/g> {
    _:b0 <http://x/p> ?v0 .
    } } WHERE { BIND(STRDT("1", <http://www.w3.org/2001/XMLSchema#integer>) AS ?v0) }
    """
    labels: dict[BNode, str] = {}
    writer = writer or _TermWriter()
    if not any(isinstance(t, BNode) for triple in chunk for t in triple):
        body = "".join(writer.triple(triple, labels) for triple in chunk)
        return f"INSERT DATA {{ GRAPH {target} {{\n{body}}} }}"
    binds: list[str] = []
    lines: list[str] = []
    for triple in chunk:
        terms: list[str] = []
        for term in triple:
            if (
                isinstance(term, Literal)
                and term.datatype is not None
                and not term.language
                and str(term.datatype) != _XSD_STRING
            ):
                variable = f"?v{len(binds)}"
                lexical = term_to_sparql(Literal(str(term)))
                datatype = term_to_sparql(URIRef(str(term.datatype)))
                binds.append(f"BIND(STRDT({lexical}, {datatype}) AS {variable})")
                terms.append(variable)
            else:
                terms.append(writer.term(term, labels))
        lines.append(" ".join(terms) + " .")
    body = "\n".join(lines)
    return f"INSERT {{ GRAPH {target} {{\n{body}\n}} }} WHERE {{ {' '.join(binds)} }}"


def chunk_triples(triples: Iterable[Triple], size: int) -> Iterator[list[Triple]]:
    """Split triples into chunks of about ``size``, keeping blank-node-connected triples together.

    A blank node label is scoped to one request, so triples that share a blank node (directly or
    through other blank nodes) must travel in the same chunk; such a group larger than ``size``
    makes a chunk of its own.

    >>> a, p, b = URIRef("http://x/a"), URIRef("http://x/p"), BNode()
    >>> data = [(a, p, b), (b, p, Literal(1)), (a, p, a)]
    >>> [len(c) for c in chunk_triples(data, 1)]
    [1, 2]
    """
    parent: dict[BNode, BNode] = {}

    def find(node: BNode) -> BNode:
        root = node
        while parent.setdefault(root, root) != root:
            root = parent[root]
        while parent[node] != root:
            parent[node], node = root, parent[node]
        return root

    plain: list[Triple] = []
    linked: list[tuple[BNode, Triple]] = []
    for triple in triples:
        bnodes = [t for t in triple if isinstance(t, BNode)]
        if not bnodes:
            plain.append(triple)
            if len(plain) >= size:
                yield plain
                plain = []
            continue
        first = find(bnodes[0])
        for other in bnodes[1:]:
            root = find(other)
            if root != first:
                parent[root] = first
        linked.append((bnodes[0], triple))
    groups: dict[BNode, list[Triple]] = {}
    for node, triple in linked:
        groups.setdefault(find(node), []).append(triple)
    chunk = plain
    for group in groups.values():
        if chunk and len(chunk) + len(group) > size:
            yield chunk
            chunk = []
        chunk.extend(group)
    if chunk:
        yield chunk


class _Wrapper(SPARQLWrapper):
    """SPARQLWrapper sending through the store's own opener (its credentials, its timeout)."""

    def __init__(self, endpoint: str, opener: urllib.request.OpenerDirector) -> None:
        super().__init__(endpoint)
        self._opener = opener
        self._timeout: float | None = None

    def set_timeout(self, seconds: float | None) -> None:
        # SPARQLWrapper.setTimeout truncates to whole seconds (0.5 s would mean no limit).
        self._timeout = seconds
        self.timeout = None

    def _query(self) -> tuple[HTTPResponse, str]:
        request = self._createRequest()
        if self._timeout is None:
            response = self._opener.open(request)
        else:
            response = self._opener.open(request, timeout=self._timeout)
        return response, self.returnFormat

    def __str__(self) -> str:
        return f"<SPARQL request to {safe_url(self.endpoint)}>"

    __repr__ = __str__


def _answered(answer: Any, request: urllib.request.Request, response: Any, *args: Any) -> Any:
    """Run an auth handler's answer to a 401 and close the 401 response once it is answered.

    urllib leaves the challenge's response open when it retries with credentials, which leaks a
    socket per authenticated request (a ResourceWarning at garbage collection).
    """
    try:
        result = answer(request, response, *args)
    except BaseException:
        response.close()
        raise
    if result is not None:
        response.close()
    return result


class _DigestAuth(urllib.request.HTTPDigestAuthHandler):
    def http_error_401(self, req: Any, fp: Any, code: Any, msg: Any, headers: Any) -> Any:
        return _answered(super().http_error_401, req, fp, code, msg, headers)


class _BasicAuth(urllib.request.HTTPBasicAuthHandler):
    def http_error_401(self, req: Any, fp: Any, code: Any, msg: Any, headers: Any) -> Any:
        return _answered(super().http_error_401, req, fp, code, msg, headers)


class SparqlStore:
    """Named graphs on a SPARQL 1.1 server; queries see the union of the store's graphs."""

    name = "sparql"

    def __init__(
        self,
        query_url: str,
        *,
        update_url: str | None = None,
        gsp_url: str | None = None,
        user: str | None = None,
        password: str | None = None,
        chunk_triples: int = 1000,
        gsp_chunk_triples: int = 50_000,
        io_timeout: float = 600.0,
        manifest_graph: str = MANIFEST_GRAPH,
        graph_list_ttl: float = 0.0,
        switch_attempts: int = 4,
        switch_graphs: int = 100,
        query_time_limit: float | None = None,
    ) -> None:
        """Connect to the server at ``query_url`` (no request is made yet).

        ``graph_list_ttl`` is how long, in seconds, the list of the store's graphs may be reused
        before a query asks the server again; 0 (the default) asks before every query, which
        costs one small request but means a graph added by another process is seen at once.
        ``switch_graphs`` is how many graphs one update request of the final switch moves (or
        drops, or lists in the manifest); Virtuoso refuses ~1,000 in one request.
        ``query_time_limit`` is the limit of a query given none (``from_config``: the setting
        ``query_timeout_max``, the endpoint's hard cap): a query worker killed at its deadline
        cannot tell the server to stop, so the server must be told before it starts.
        """
        if not query_url:
            raise StoreError("the sparql store needs sparql_query_url")
        if chunk_triples < 1 or gsp_chunk_triples < 1 or switch_graphs < 1:
            raise ValueError("chunk sizes must be positive")
        self.query_url = query_url
        self.update_url = update_url or query_url
        self.gsp_url = gsp_url or None
        self.user = user or None
        self.chunk_triples = chunk_triples
        self.gsp_chunk_triples = gsp_chunk_triples
        self.io_timeout = io_timeout
        self.manifest_graph = manifest_graph
        self.graph_list_ttl = graph_list_ttl
        self.switch_attempts = max(1, switch_attempts)
        self.switch_graphs = switch_graphs
        self.query_time_limit = query_time_limit
        self._graphs: tuple[float, list[str]] | None = None
        self._virtuoso: bool | None = None
        self._opener = self._make_opener(user, password)

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> SparqlStore:
        """Open the store the settings ``sparql_*`` describe."""
        return cls(
            str(config.get("sparql_query_url") or ""),
            update_url=str(config.get("sparql_update_url") or "") or None,
            gsp_url=str(config.get("sparql_gsp_url") or "") or None,
            user=str(config.get("sparql_user") or "") or None,
            password=str(config.get("sparql_password") or "") or None,
            query_time_limit=float(config.get("query_timeout_max") or 0) or None,
        )

    def _make_opener(self, user: str | None, password: str | None) -> urllib.request.OpenerDirector:
        handlers: list[urllib.request.BaseHandler] = []
        if user and password is not None:
            manager = urllib.request.HTTPPasswordMgrWithDefaultRealm()
            for url in {self.query_url, self.update_url, self.gsp_url}:
                if url:
                    manager.add_password(None, url, user, password)
            # Digest before Basic: each answers only the scheme the server's challenge names.
            handlers.append(_DigestAuth(manager))
            handlers.append(_BasicAuth(manager))
        return urllib.request.build_opener(*handlers)

    def __repr__(self) -> str:
        return (
            f"SparqlStore(query_url={safe_url(self.query_url)!r}, "
            f"update_url={safe_url(self.update_url)!r}, "
            f"gsp_url={safe_url(self.gsp_url) if self.gsp_url else None!r}, user={self.user!r})"
        )

    # -- HTTP ----------------------------------------------------------------------------------

    def _fail(self, what: str, url: str, error: BaseException) -> StoreError:
        if isinstance(error, urllib.error.HTTPError):
            try:
                body = error.read().decode("utf-8", "replace") if error.fp else ""
            except Exception:  # pragma: no cover - a broken error body
                body = ""
            finally:
                error.close()
            # Virtuoso follows its message with the query it ran, which starts with the
            # store's dataset pragmas (hundreds of graphs): the message is what matters.
            body = body.split("SPARQL query:", 1)[0]
            excerpt = " ".join(body.split())[:_BODY_EXCERPT]
            message = f"{what} at {safe_url(url)} failed: HTTP {error.code} {error.reason}"
            if "exceeds the limit" in body and "estimated execution time" in body:
                return QueryTimeout(f"{message}: the server refused it as too slow: {excerpt}")
            if what == "query" and "S1T00" in body:
                # SQLSTATE S1T00 is "timeout expired": the query ran (or waited for a writer's
                # locks) past Virtuoso's limit where it could not be cut to partial rows (SR171
                # "Transaction timed out", seen on analytic queries at 100k triples).
                return QueryTimeout(f"{message}: the server stopped it at its time limit")
            if what == "query" and "HY008" in body:
                # SQLSTATE HY008 is "operation cancelled": Virtuoso's own time limit cancels a
                # query this way instead of cutting it to partial rows (seen on a cross product).
                return QueryTimeout(
                    f"{message}: cut short by the server at its time limit (HY008, cancelled)"
                )
            found = f"{message}: {excerpt}" if excerpt else message
            if what == "query" and (error.code == 400 or _QUERY_FAULT.search(body)):
                return QueryRejected(found)
            return StoreError(found)
        reason = getattr(error, "reason", error)
        return StoreError(f"{what} at {safe_url(url)} failed: {reason}")

    def _note_server(self, headers: Mapping[str, str] | Any) -> None:
        if self._virtuoso is None:
            server = headers.get("Server") or ""
            self._virtuoso = str(server).startswith("Virtuoso")

    def _request(
        self,
        text: str,
        *,
        update: bool,
        accept: str,
        dataset: Sequence[str] | None = None,
        named: Sequence[str] | None = None,
        timeout: float | None = None,
        form: str = "SELECT",
    ) -> tuple[bytes, str]:
        """POST one query or update through SPARQLWrapper; return the body and its media type."""
        url = self.update_url if update else self.query_url
        wrapper = _Wrapper(self.query_url, self._opener)
        wrapper.updateEndpoint = self.update_url
        wrapper.setMethod(POST)
        wrapper.setOnlyConneg(True)
        # The format only decides SPARQLWrapper's default Accept header (replaced below); a
        # format it does not expect for the query form makes it warn.
        wrapper.setReturnFormat(TURTLE if form in {"CONSTRUCT", "DESCRIBE"} else JSON)
        # Both set directly (the text below): SPARQLWrapper's own guess of the form warns on text
        # it does not parse and would send anything that looks like an update to the update
        # endpoint.
        wrapper.queryType = "INSERT" if update else form
        if self._virtuoso and not update:
            # Virtuoso answers every protocol dataset parameter with a response header of its
            # own (X-SPARQL-default-graph / X-SPARQL-named-graph), so a store of ~100 graphs or
            # more got answers that http.client refuses ("got more than 100 headers"). Its
            # endpoint turns those parameters into these pragmas; writing them here means the
            # same dataset with no echo (and no quadratic header building on the server).
            text = dataset_pragmas(dataset or (), named or ()) + text
        else:
            for graph in dataset or ():
                wrapper.addParameter("default-graph-uri", graph)
            for graph in named or ():
                wrapper.addParameter("named-graph-uri", graph)
        wrapper.queryString = text
        if timeout is not None and self._virtuoso and not update:
            wrapper.addParameter("timeout", str(self._server_timeout_ms(timeout)))
        wrapper.addCustomHttpHeader("Accept", accept)
        wrapper.set_timeout(timeout if timeout is not None else self.io_timeout)
        what = "update" if update else "query"
        started = time.monotonic()
        try:
            response: HTTPResponse = WrapperResult(wrapper._query()).response
            with response:
                headers = response.headers
                self._note_server(headers)
                body = response.read()
        except urllib.error.HTTPError as error:
            self._note_server(error.headers)
            raise self._fail(what, url, error) from None
        except TimeoutError as error:
            raise self._timeout_error(what, url, timeout) from error
        except urllib.error.URLError as error:
            if isinstance(error.reason, TimeoutError):
                raise self._timeout_error(what, url, timeout) from error
            raise self._fail(what, url, error) from None
        except OSError as error:
            raise self._fail(what, url, error) from None
        except http.client.HTTPException as error:
            # Not an OSError: a response http.client cannot read (mis-framed, too many headers).
            raise StoreError(
                f"{what} at {safe_url(url)} failed: the server's response could not be read "
                f"({type(error).__name__}: {error})"
            ) from None
        elapsed = time.monotonic() - started
        log.debug("%s at %s: %d bytes in %.3f s", what, safe_url(url), len(body), elapsed)
        state = headers.get("X-SQL-State") or ""
        if state:
            message = headers.get("X-SQL-Message") or ""
            raise QueryTimeout(
                f"{what} at {safe_url(url)} was cut short by the server after {elapsed:.1f} s "
                f"({state}: {' '.join(message.split())[:200]}); its partial result is discarded"
            )
        return body, headers.get_content_type()

    def _server_timeout_ms(self, timeout: float) -> int:
        """The time limit asked of Virtuoso (its ``timeout`` parameter is in milliseconds).

        Virtuoso 7.2 checks its limit on a two-second tick (measured on a cross product: asked
        for 1 s or 2 s it stops at 2.0 s, asked for 3 s at 4.0 s), so it is asked for two
        seconds less than our limit (at least 1 s): its own stop ("cut short", which frees the
        server at once and says why) then comes before our deadline instead of after it.

        >>> [SparqlStore("http://x/")._server_timeout_ms(t) for t in (0.5, 2.0, 4.0, 20.0)]
        [1000, 1000, 2000, 18000]
        """
        return max(1, math.ceil(timeout) - 2) * 1000

    def _timeout_error(self, what: str, url: str, timeout: float | None) -> QueryTimeout:
        limit = timeout if timeout is not None else self.io_timeout
        return QueryTimeout(f"{what} at {safe_url(url)} ran past its time limit of {limit:g} s")

    def _update(self, text: str) -> None:
        self._request(text, update=True, accept="application/sparql-results+json, */*;q=0.1")

    def _select(
        self,
        text: str,
        *,
        dataset: Sequence[str] | None = None,
        named: Sequence[str] | None = None,
        timeout: float | None = None,
    ) -> SelectResult:
        body, _ = self._request(
            text,
            update=False,
            accept="application/sparql-results+json",
            dataset=dataset,
            named=named,
            timeout=timeout,
            form="SELECT",
        )
        return _parse_select(body)

    def _construct(
        self,
        text: str,
        *,
        form: str = "CONSTRUCT",
        dataset: Sequence[str] | None = None,
        named: Sequence[str] | None = None,
        timeout: float | None = None,
    ) -> Graph:
        body, media = self._request(
            text,
            update=False,
            accept=_ACCEPT_GRAPH,
            dataset=dataset,
            named=named,
            timeout=timeout,
            form=form,
        )
        return _parse_graph(body, media)

    # -- the store's graphs --------------------------------------------------------------------

    def _dataset(self) -> list[str]:
        return self.graph_names() or [_EMPTY_GRAPH]

    def graph_names(self) -> list[str]:
        if self._graphs is not None and time.monotonic() - self._graphs[0] < self.graph_list_ttl:
            return list(self._graphs[1])
        result = self._select(
            f"SELECT DISTINCT ?g WHERE {{ GRAPH <{self.manifest_graph}> "
            f"{{ <{self.manifest_graph}> <{_HAS_GRAPH}> ?g }} }}",
            named=[self.manifest_graph],
        )
        names = sorted(str(row["g"]) for row in result.rows if isinstance(row.get("g"), URIRef))
        self._graphs = (time.monotonic(), names)
        return list(names)

    def _forget_graphs(self) -> None:
        self._graphs = None

    def count(self, graph_name: str | None = None) -> int:
        if graph_name is not None:
            target = term_to_sparql(URIRef(graph_name))
            rows = self._select(
                f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH {target} {{ ?s ?p ?o }} }}",
                named=[graph_name],
            ).rows
            return int(str(rows[0]["n"])) if rows else 0
        return sum(self._counts().values())

    def _counts(self) -> dict[str, int]:
        names = self.graph_names()
        if not names:
            return {}
        rows = self._select(
            "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g",
            named=names,
        ).rows
        return {str(row["g"]): int(str(row["n"])) for row in rows}

    def dump_nquads(self) -> bytes:
        counts = self._counts()
        lines: list[str] = []
        for name in sorted(counts):
            target = term_to_sparql(URIRef(name))
            graph = self._construct(
                f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH {target} {{ ?s ?p ?o }} }}",
                named=[name],
            )
            if len(graph) != counts[name]:
                raise StoreError(
                    f"the server returned {len(graph)} of the {counts[name]} triples of <{name}>: "
                    "it cuts results (Virtuoso: raise ResultSetMaxRows in virtuoso.ini)"
                )
            labels: dict[BNode, str] = {}
            for s, p, o in graph:
                terms = " ".join(_term_to_ntriples(plain_term(t), labels) for t in (s, p, o))
                lines.append(f"{terms} {target} .\n")
        lines.sort()
        return "".join(lines).encode("utf-8")

    # -- queries -------------------------------------------------------------------------------

    def query(
        self,
        text: str,
        *,
        bindings: Mapping[str, Node] | None = None,
        timeout: float | None = None,
        max_rows: int | None = None,
    ) -> QueryResult:
        # Virtuoso and others federate SERVICE calls; a query of ours never reaches elsewhere.
        refuse_outside_access(text)
        if bindings:
            text = bind_values(text, bindings)
        try:
            form = query_form(text)
        except StoreError:
            if _UPDATE_WORDS.intersection(_words(text)):
                raise
            # No query form found: the server judges the syntax and says where it is wrong.
            form = "SELECT"
        if timeout is None:
            timeout = self.query_time_limit
        if timeout is not None and timeout <= 0:
            raise QueryTimeout("the time limit was used up before the query started")
        started = time.monotonic()
        dataset = self._dataset()
        # The query's own FROM / FROM NAMED clauses say what it reads (the endpoint writes the
        # protocol's default-graph-uri / named-graph-uri there): the store's dataset would
        # override them. A part the query leaves out is empty, as SPARQL says.
        own_default, own_named = own_dataset(text)
        default_graphs: list[str] | None = dataset
        named_graphs: list[str] | None = dataset
        if own_default or own_named:
            if self._virtuoso:
                # Virtuoso's pragmas override FROM and FROM NAMED separately.
                default_graphs = None if own_default else [_EMPTY_GRAPH]
                named_graphs = None if own_named else [_EMPTY_GRAPH]
            else:
                # The protocol's parameters would override the query's whole dataset.
                default_graphs = named_graphs = None
        if timeout is not None:
            timeout = max(0.001, timeout - (time.monotonic() - started))
        if form == "ASK":
            body, _ = self._request(
                text,
                update=False,
                accept="application/sparql-results+json",
                dataset=default_graphs,
                named=named_graphs,
                timeout=timeout,
                form=form,
            )
            return _parse_ask(body)
        if form == "DESCRIBE" and self._virtuoso:
            # Virtuoso describes a resource by the triples it is subject *and object* of, and
            # does not follow blank nodes; this asks for the Concise Bounded Description that
            # Oxigraph and rdflib give.
            text = f'DEFINE sql:describe-mode "CBD" {text}'
        if form in {"CONSTRUCT", "DESCRIBE"}:
            graph = self._construct(
                text, form=form, dataset=default_graphs, named=named_graphs, timeout=timeout
            )
            return GraphResult(graph)
        result = self._select(text, dataset=default_graphs, named=named_graphs, timeout=timeout)
        if max_rows is not None and len(result.rows) > max_rows:
            return SelectResult(result.variables, result.rows[:max_rows])
        return result

    # -- writes --------------------------------------------------------------------------------

    def _load(self, targets: Iterable[tuple[str, Iterable[Triple]]]) -> dict[str, int]:
        """Write each data source into its graph; return how many triples each graph was sent.

        One request at a time: two in flight were no faster on Virtuoso (measured on 2 cores,
        100k triples, GSP: 38k triples/s either way) and two concurrent ``INSERT DATA`` made it
        answer "SR...: Transaction deadlock".
        """
        sent: dict[str, int] = {}
        # One writer a load: its checked IRIs serve every graph of the load.
        writer = _TermWriter(virtuoso_loader=bool(self.gsp_url and self._virtuoso))
        for graph, data in targets:
            sent[graph] = 0
            if self.gsp_url:
                for chunk in chunk_triples(data, self.gsp_chunk_triples):
                    labels: dict[BNode, str] = {}
                    body = "".join([writer.triple(triple, labels) for triple in chunk])
                    self._gsp_post(graph, body.encode("utf-8"))
                    sent[graph] += len(chunk)
                continue
            target = writer.iri(graph)
            for chunk in chunk_triples(data, self.chunk_triples):
                self._update(_insert_request(target, chunk, writer))
                sent[graph] += len(chunk)
        return sent

    def _unused(self, names: Sequence[str]) -> set[str]:
        """The names among ``names`` of graphs that hold nothing on the server.

        Such a graph can be loaded in place rather than staged and moved (a ``MOVE`` costs the
        server about as much as the load): it is not in the manifest, so no query sees it
        until the switch lists it, and a failed load drops it. A graph of the same name that
        the store did not write still holds something, so it is staged as before.
        """
        used: set[str] = set()
        for part in _parts(names, self.switch_graphs):
            values = " ".join(term_to_sparql(URIRef(g)) for g in part)
            # No dataset: GRAPH ?g ranges over every graph on the server, not only the store's.
            rows = self._select(
                f"SELECT DISTINCT ?g WHERE {{ VALUES ?g {{ {values} }} GRAPH ?g {{ ?s ?p ?o }} }}"
            ).rows
            used.update(str(row["g"]) for row in rows if "g" in row)
        return {g for g in names if g not in used}

    def _abandon(self, staging: Iterable[str], in_place: Iterable[str], switching: bool) -> None:
        """Drop what a failed replace wrote: its staging graphs, and the graphs it loaded in
        place that the manifest does not list (after a switch that failed part-way, those it
        lists hold the new content and stay)."""
        drop = list(staging)
        fresh = list(in_place)
        if fresh and switching:
            self._forget_graphs()
            try:
                listed = set(self.graph_names())
            except StoreError as error:
                log.warning("could not read the manifest after a failed switch: %s", error)
                listed = set(fresh)  # a stray graph no query sees beats a listed one emptied
            fresh = [g for g in fresh if g not in listed]
        self._drop_silently(drop + fresh)

    def _gsp_post(self, graph: str, body: bytes) -> None:
        assert self.gsp_url is not None
        separator = "&" if "?" in self.gsp_url else "?"
        url = f"{self.gsp_url}{separator}{urllib.parse.urlencode({'graph': graph})}"
        request = urllib.request.Request(
            url,
            data=body,
            method="POST",
            # N-Triples is Turtle, and every Graph Store Protocol server reads Turtle.
            headers={"Content-Type": "text/turtle; charset=utf-8"},
        )
        try:
            with self._opener.open(request, timeout=self.io_timeout) as response:
                self._note_server(response.headers)
                response.read()
        except urllib.error.HTTPError as error:
            raise self._fail("Graph Store Protocol POST", self.gsp_url, error) from None
        except OSError as error:
            raise self._fail("Graph Store Protocol POST", self.gsp_url, error) from None

    def _drop_silently(self, graphs: Iterable[str]) -> None:
        operations = [f"DROP SILENT GRAPH {term_to_sparql(URIRef(g))}" for g in graphs]
        for start in range(0, len(operations), self.switch_graphs):
            try:
                self._update(" ;\n".join(operations[start : start + self.switch_graphs]))
            except StoreError as error:  # the original failure matters more
                log.warning("could not drop staging graphs: %s", error)

    def _staging_name(self, token: str, index: int) -> str:
        return f"{_STAGING_PREFIX}{token}:{index}"

    def _switch_requests(
        self,
        moves: Mapping[str, str | None],
        drops: Iterable[str],
        listed: Iterable[str],
        unlisted: Iterable[str],
    ) -> list[tuple[str, list[str]]]:
        """The switch as update requests of at most ``switch_graphs`` graphs each.

        Each request is given with the staging graphs it moves. A graph's ``DROP`` and ``MOVE``
        travel together; graphs are unlisted from the manifest before they are dropped and
        listed once they hold their new content, so the manifest never names a graph that is
        about to go. For a store of up to ``switch_graphs`` graphs this is one request, as the
        switch has always been.
        """
        manifest = term_to_sparql(URIRef(self.manifest_graph))
        has = f"{manifest} <{_HAS_GRAPH}>"

        # Units: operations that must share a request, the staging graphs they move and how
        # many graphs they touch.
        Unit = tuple[list[str], list[str], int]

        def manifest_ops(word: str, graphs: Sequence[str]) -> list[Unit]:
            units: list[Unit] = []
            for part in _parts(graphs, self.switch_graphs):
                triples = " ".join(f"{has} {term_to_sparql(URIRef(g))} ." for g in part)
                units.append(
                    ([f"{word} DATA {{ GRAPH {manifest} {{ {triples} }} }}"], [], len(part))
                )
            return units

        units = manifest_ops("DELETE", list(unlisted))
        units += [([f"DROP SILENT GRAPH {term_to_sparql(URIRef(g))}"], [], 1) for g in drops]
        for graph, staging in moves.items():
            target = term_to_sparql(URIRef(graph))
            switch = [f"DROP SILENT GRAPH {target}"]
            if staging is not None:
                switch.append(f"MOVE SILENT GRAPH <{staging}> TO GRAPH {target}")
            units.append((switch, [staging] if staging else [], 1))
        units += manifest_ops("INSERT", list(listed))
        requests: list[tuple[str, list[str]]] = []
        operations: list[str] = []
        moving: list[str] = []
        weight = 0
        for ops, stagings, graphs in units:
            if operations and weight + graphs > self.switch_graphs:
                requests.append((" ;\n".join(operations), moving))
                operations, moving, weight = [], [], 0
            operations += ops
            moving += stagings
            weight += graphs
        if operations:
            requests.append((" ;\n".join(operations), moving))
        return requests

    def _switch(
        self,
        moves: Mapping[str, str | None],
        *,
        drops: Iterable[str] = (),
        listed: Iterable[str] = (),
        unlisted: Iterable[str] = (),
        staged: Mapping[str, int] | None = None,
    ) -> None:
        """Swap staged graphs in and update the manifest, in bounded update requests.

        ``moves`` maps each target graph to its staging graph (None: the target becomes empty);
        ``drops`` are graphs to remove; ``listed``/``unlisted`` are added to/removed from the
        manifest; ``staged`` gives the number of triples in each staging graph, to check before
        a retry. Virtuoso refuses one update of ~1,000 graph moves as too large (SQ200), so a
        big switch is several requests: nothing is switched before every graph is staged (a
        failed *load* still leaves the old content whole), but a request that fails after
        others succeeded leaves part of the new content in place, which the error says.
        """
        staged = staged or {}
        requests = self._switch_requests(moves, drops, listed, unlisted)
        for done, (text, moving) in enumerate(requests):
            try:
                self._switch_one(text, {s: staged[s] for s in moving if s in staged})
            except StoreError as error:
                if done == 0:
                    raise
                raise StoreError(
                    f"the switch to the new graphs failed after {done} of {len(requests)} "
                    f"update requests ({error}); the store holds part of the new content: "
                    "load it again"
                ) from error

    def _switch_one(self, text: str, staged: Mapping[str, int]) -> None:
        for attempt in range(self.switch_attempts):
            try:
                self._update(text)
                return
            except StoreError as error:
                if attempt + 1 == self.switch_attempts or not _RETRYABLE.search(str(error)):
                    raise
                # Virtuoso gives up a write that waits too long for readers' locks ("SR171
                # Transaction timed out") and rolls it back. Try again only if every staging
                # graph is still whole, i.e. no MOVE of this request took effect.
                for staging, expected in staged.items():
                    if self.count(staging) != expected:
                        raise StoreError(
                            f"the switch to the new graphs failed part-way ({error}); "
                            "the store may now hold part of the new content: load it again"
                        ) from error
                log.warning("switch retried (attempt %d): %s", attempt + 2, error)
                time.sleep(0.5 * 2**attempt)

    def replace_graph(self, graph_name: str, data: Graph) -> None:
        target = URIRef(graph_name)
        term_to_sparql(target)  # refuse an invalid graph name before loading anything
        if graph_name == self.manifest_graph or graph_name.startswith(_STAGING_PREFIX):
            raise BindingError(f"<{graph_name}> is reserved for the store's own bookkeeping")
        self._forget_graphs()
        # The manifest is written only when the graph comes or goes: every query reads it.
        listed = graph_name in self.graph_names()
        in_place = not listed and bool(self._unused([graph_name]))
        physical = graph_name if in_place else self._staging_name(uuid.uuid4().hex, 0)
        switching = False
        try:
            sent = self._load([(physical, data)])[physical]
            switching = True
            if in_place:
                if sent:
                    self._switch({}, listed=[graph_name])
            elif sent:
                self._switch(
                    {graph_name: physical},
                    listed=[] if listed else [graph_name],
                    staged={physical: sent},
                )
            else:
                self._switch({graph_name: None}, unlisted=[graph_name] if listed else [])
        except BaseException:
            if in_place:
                self._abandon([], [physical], switching)
            else:
                self._abandon([physical], [], switching)
            raise
        finally:
            self._forget_graphs()

    def replace_all(self, graphs: Mapping[str, Graph]) -> None:
        for name in graphs:
            term_to_sparql(URIRef(name))
            if name == self.manifest_graph or name.startswith(_STAGING_PREFIX):
                raise BindingError(f"<{name}> is reserved for the store's own bookkeeping")
        self._forget_graphs()
        old = self.graph_names()
        in_place = self._unused([name for name in graphs if name not in old])
        token = uuid.uuid4().hex
        physical = {
            name: name if name in in_place else self._staging_name(token, index)
            for index, name in enumerate(graphs)
        }
        staging = [physical[name] for name in graphs if name not in in_place]
        switching = False
        try:
            sizes = self._load((physical[name], data) for name, data in graphs.items())
            kept = {name for name in graphs if sizes.get(physical[name])}
            # A graph loaded in place is only listed; a staged one is moved over the old one
            # (None: the graph is now empty and goes).
            moves = {
                name: physical[name] if name in kept else None
                for name in graphs
                if name not in in_place
            }
            switching = True
            # The manifest changes by its difference only: rewriting it whole would be one more
            # request of every graph's name, and an empty manifest between two requests.
            self._switch(
                moves,
                drops=[g for g in old if g not in graphs],
                listed=sorted(kept.difference(old)),
                unlisted=[g for g in old if g not in kept],
                staged={physical[n]: sizes[physical[n]] for n in moves if moves[n] is not None},
            )
        except BaseException:
            self._abandon(staging, in_place, switching)
            raise
        finally:
            self._forget_graphs()

    def close(self) -> None:
        self._forget_graphs()


def _parts(items: Sequence[_Item], size: int) -> Iterator[Sequence[_Item]]:
    """Cut a sequence into consecutive parts of at most ``size`` items.

    >>> [list(p) for p in _parts([1, 2, 3], 2)]
    [[1, 2], [3]]
    """
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _parse_json(body: bytes) -> dict[str, Any]:
    try:
        parsed = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise StoreError(f"the server's answer is not SPARQL JSON results: {error}") from None
    if not isinstance(parsed, dict):
        raise StoreError("the server's answer is not SPARQL JSON results")
    return parsed


def _parse_select(body: bytes) -> SelectResult:
    parsed = _parse_json(body)
    variables = tuple(str(v) for v in parsed.get("head", {}).get("vars", []))
    rows: list[dict[str, Node]] = []
    for binding in parsed.get("results", {}).get("bindings", []):
        rows.append({str(k): _term_from_json(v) for k, v in binding.items()})
    return SelectResult(variables, rows)


def _parse_ask(body: bytes) -> AskResult:
    parsed = _parse_json(body)
    value = parsed.get("boolean")
    if not isinstance(value, bool):
        raise StoreError("the server's answer to ASK has no boolean")
    return AskResult(value)


def _parse_graph(body: bytes, media: str) -> Graph:
    fmt = "turtle" if media in {"text/turtle", "application/x-turtle"} else "nt"
    raw = Graph()
    try:
        raw.parse(data=body.decode("utf-8"), format=fmt)
    except Exception as error:
        raise StoreError(f"the server's {media} answer could not be read: {error}") from None
    graph = Graph()
    for s, p, o in raw:
        graph.add((s, p, plain_term(o)))
    return graph
