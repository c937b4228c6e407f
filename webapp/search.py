"""What the pages know about the whole graph: named page queries, names and kinds, full-text search.

Pages run the named queries of ``webapp/page_queries/`` through the query workers, bound and never
pasted. Two in-process indexes are built at first use from the store and rebuilt when the store
generation changes: the *catalogue* (every thing's name and class, the few links pages navigate by,
and every mention by the thing it names, which topic threads and "mentioned in" lists are read
from) and the *search index* (labels, other names and source passages, folded and stemmed for
Norwegian, with facets by kind, meeting, year and topic).
"""

from __future__ import annotations

import bisect
import functools
import logging
import re
import threading
import time
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from flask import Flask, current_app, g, has_request_context
from rdflib import Literal
from rdflib.term import Node

from politiraad_graph.binding import bind_values
from politiraad_graph.queries import NamedQuery, library
from politiraad_graph.store.base import AskResult, GraphResult, SelectResult
from politiraad_graph.store.oxigraph import to_oxigraph, to_rdflib
from webapp import queries

log = logging.getLogger(__name__)

PAGE_QUERIES = Path(__file__).resolve().parent / "page_queries"
_CATALOGUE = "politiraad_catalogue"
_SEARCH = "politiraad_search"
_LOCK = threading.Lock()

POL = "https://w3id.org/politiraad/ontology#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
SCHEMA = "https://schema.org/"
ORG = "http://www.w3.org/ns/org#"
FOAF = "http://xmlns.com/foaf/0.1/"

# The kind of page a thing gets, by class; the first class that matches wins.
KINDS: tuple[tuple[str, str], ...] = (
    (POL + "Meeting", "meeting"),
    (POL + "AgendaItem", "item"),
    (POL + "Decision", "decision"),
    (POL + "FollowUpPoint", "followup"),
    (POL + "StatusUpdate", "status"),
    (POL + "Participation", "participation"),
    (POL + "PostHolding", "holding"),
    (POL + "MonetaryAmount", "amount"),
    (POL + "PriorityAreaEffort", "effort"),
    (POL + "Mention", "mention"),
    (POL + "Passage", "passage"),
    (POL + "SourceDocument", "source"),
    (SCHEMA + "Person", "person"),
    (POL + "Council", "organisation"),
    (ORG + "Organization", "organisation"),
    (ORG + "OrganizationalUnit", "organisation"),
    (ORG + "Post", "post"),
    (SCHEMA + "Place", "place"),
    (POL + "Programme", "programme"),
    (POL + "Plan", "plan"),
    (POL + "Agreement", "plan"),
    (POL + "PlanDocument", "plan"),
    (POL + "Incident", "incident"),
    (POL + "Document", "document"),
    (FOAF + "Document", "document"),
    (SKOS + "ConceptScheme", "scheme"),
    (SKOS + "Concept", "concept"),
)


class PageQueryError(RuntimeError):
    """A page query returned something other than what the page expects."""


def named(name: str) -> NamedQuery:
    """Return one of the page queries by its file name."""
    return library(PAGE_QUERIES)[name]


def _run(name: str, params: Mapping[str, str], timeout: float | None = None) -> object:
    query = named(name)
    bindings = query.bindings(dict(params), use_defaults=False)
    started = time.perf_counter()
    answer = queries.run(query.text, bindings, timeout=timeout)
    log.debug("page query %s took %.1f ms", name, 1000 * (time.perf_counter() - started))
    return answer.result


def select(name: str, **params: str) -> list[dict[str, Node]]:
    """Run a named SELECT page query with its parameters bound; return its rows."""
    result = _run(name, params)
    if not isinstance(result, SelectResult):
        raise PageQueryError(f"{name} is not a SELECT query")
    return result.rows


def select_all(name: str, **params: str) -> list[dict[str, Node]]:
    """Run a named SELECT over the whole graph (building an index) with the longest time limit."""
    limit = float(current_app.config["POLITIRAAD"]["query_timeout_max"])
    result = _run(name, params, timeout=limit)
    if not isinstance(result, SelectResult):
        raise PageQueryError(f"{name} is not a SELECT query")
    return result.rows


_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


class _Terms:
    """Reads the terms of an index query's rows as they came from the query workers (rdflib)."""

    def plain(self, term: Any) -> str:
        """An IRI, or a literal's text."""
        return str(term)

    def text(self, term: Any) -> Text:
        """A literal as a Text that keeps its language (any other term as its string)."""
        return text_of(term)


class _OxigraphTerms(_Terms):
    """Reads pyoxigraph's terms as the worker path would give them, without making rdflib ones."""

    def __init__(self) -> None:
        self._typed: dict[tuple[str, str], str] = {}

    def _lexical(self, term: ox.Literal) -> str:
        datatype = term.datatype.value
        if datatype == _XSD_STRING:
            return term.value
        key = (term.value, datatype)
        found = self._typed.get(key)
        if found is None:
            # rdflib may rewrite a typed value's form, as the worker's terms do: ask it once.
            found = self._typed[key] = str(to_rdflib(term))
        return found

    def plain(self, term: Any) -> str:
        if type(term) is ox.Literal and not term.language:
            return self._lexical(term)
        return term.value  # type: ignore[no-any-return]

    def text(self, term: Any) -> Text:
        if type(term) is ox.Literal:
            language = term.language
            if language:
                return Text(term.value, language)
            return Text(self._lexical(term))
        return Text(term.value)


def _index_rows(
    name: str, gen: str, columns: Sequence[str], **params: str
) -> tuple[Iterable[Sequence[Any]], _Terms]:
    """The rows of a page query over the whole graph (terms in ``columns`` order, None where
    unbound) and the way to read their terms.

    The indexes read every name, type, mention and passage of the graph: at a million triples,
    over a million rows. Through the query workers each row would become rdflib terms, be
    pickled, sent and unpickled: most of the build. These queries are ours, not a client's, so
    with the embedded store they run here, on the generation the index is for (``gen``, never
    a newer one), and their terms are read as plain strings; other stores use the workers.
    """
    store = _open_generation(gen)
    if store is None:
        rows = select_all(name, **params)
        return ([row.get(column) for column in columns] for row in rows), _Terms()
    query = named(name)
    bindings = query.bindings(dict(params), use_defaults=False)
    try:
        result = store.query(
            query.text,
            use_default_graph_as_union=True,
            substitutions={ox.Variable(k): to_oxigraph(v) for k, v in bindings.items()} or None,
        )
    except RuntimeError as error:
        if not bindings or "projection" not in str(error):
            raise
        # Oxigraph substitutes only projected variables; a VALUES join binds the rest.
        result = store.query(bind_values(query.text, bindings), use_default_graph_as_union=True)
    if not isinstance(result, ox.QuerySolutions):
        raise PageQueryError(f"{name} is not a SELECT query")
    order = [v.value for v in result.variables]
    if order == list(columns):
        return result, _OxigraphTerms()
    places = [order.index(column) for column in columns]
    return ([solution[p] for p in places] for solution in result), _OxigraphTerms()


def _open_generation(gen: str) -> ox.Store | None:
    """The embedded store's generation ``gen`` opened read-only here, or None (other stores)."""
    if current_app.config["POLITIRAAD"]["store"] != "oxigraph" or not Path(gen).is_dir():
        return None
    try:
        return ox.Store.read_only(gen)
    except (OSError, RuntimeError, ValueError) as error:
        # Pruned by a rebuild meanwhile: the workers answer, and the next request, seeing
        # the new generation, builds the indexes again.
        log.warning("generation %s cannot be opened here (%s): using the workers", gen, error)
        return None


def ask(name: str, **params: str) -> bool:
    """Run a named ASK page query."""
    result = _run(name, params)
    if not isinstance(result, AskResult):
        raise PageQueryError(f"{name} is not an ASK query")
    return result.value


def construct(name: str, **params: str) -> GraphResult:
    """Run a named CONSTRUCT page query."""
    result = _run(name, params)
    if not isinstance(result, GraphResult):
        raise PageQueryError(f"{name} is not a CONSTRUCT query")
    return result


def generation() -> str:
    """Name the store generation the workers answer from, so caches know when to rebuild."""
    settings = current_app.config["POLITIRAAD"]
    if settings["store"] == "oxigraph":
        from politiraad_graph.store.oxigraph import current_generation

        found = current_generation(Path(settings["store_path"]))
        return str(found) if found else "none"
    return "static"


def id_base() -> str:
    return str(current_app.config["POLITIRAAD"]["base_iri"]) + "id/"


class Text(str):
    """A text from the graph that knows its language tag ('' when it has none)."""

    lang: str

    def __new__(cls, value: str, lang: str = "") -> Text:
        text = super().__new__(cls, value)
        text.lang = lang
        return text


def text_of(node: Node | None) -> Text:
    """Turn a literal (or any term) into a Text keeping its language."""
    if node is None:
        return Text("")
    if isinstance(node, Literal):
        return Text(str(node), node.language or "")
    return Text(str(node))


def pick_text(values: Iterable[Text], lang: str) -> Text | None:
    """Choose the value in the page language, else untagged, else Norwegian, else any."""
    found = list(values)
    if not found:
        return None
    for wanted in (lang, "", "nb", "no", "nn", "en"):
        for value in found:
            if value.lang == wanted:
                return value
    return sorted(found)[0]


@dataclass(frozen=True)
class MentionRow:
    """One mention: the thing named, where, in which context, by which passage."""

    mention: str
    target: str
    meeting: str
    passage: str
    context: str


@dataclass
class Catalogue:
    """Every thing's names, classes and the links its derived name needs, for one generation."""

    generation: str
    values: dict[str, dict[str, list[Text]]] = field(default_factory=dict)
    types: dict[str, set[str]] = field(default_factory=dict)
    derived: dict[str, Any] = field(default_factory=dict)  # what pages compute from it, once
    mentions_of: dict[str, list[MentionRow]] = field(default_factory=dict)  # by thing named

    def first(self, iri: str, key: str) -> Text | None:
        found = self.values.get(iri, {}).get(key)
        return found[0] if found else None

    def all(self, iri: str, key: str) -> list[Text]:
        return self.values.get(iri, {}).get(key, [])

    def kind(self, iri: str) -> str:
        """The kind of page for a thing: meeting, person, topic, ... or 'thing'."""
        kinds: dict[str, str] = self.derived.setdefault("kinds", {})
        found = kinds.get(iri)
        if found is None:
            found = "thing"
            classes = self.types.get(iri, set())
            for cls, kind in KINDS:
                if cls in classes:
                    found = (
                        "topic" if kind == "concept" and self.first(iri, "topicScheme") else kind
                    )
                    break
            kinds[iri] = found
        return found

    def things_of(self, kind: str) -> list[str]:
        """Every thing of one kind, in IRI order (computed once per generation)."""
        by_kind: dict[str, list[str]] | None = self.derived.get("by_kind")
        if by_kind is None:
            by_kind = {}
            for iri in sorted(self.types):
                by_kind.setdefault(self.kind(iri), []).append(iri)
            self.derived["by_kind"] = by_kind
        return by_kind.get(kind, [])


def _build_catalogue(gen: str) -> Catalogue:
    started = time.perf_counter()
    catalogue = Catalogue(gen)
    topic_scheme = id_base() + "concept/topic"
    labels = catalogue.values
    rows, terms = _index_rows("catalogue-labels", gen, ("thing", "key", "value"))
    plain, text = terms.plain, terms.text
    for thing_term, key_term, value_term in rows:
        thing, key, value = plain(thing_term), plain(key_term), text(value_term)
        found = labels.get(thing)
        if found is None:
            found = labels[thing] = {}
        listed = found.get(key)
        if listed is None:
            found[key] = [value]
        else:
            listed.append(value)
    types = catalogue.types
    rows, terms = _index_rows("catalogue-types", gen, ("thing", "type"))
    plain = terms.plain
    for thing_term, type_term in rows:
        thing = plain(thing_term)
        found_types = types.get(thing)
        if found_types is None:
            types[thing] = {plain(type_term)}
        else:
            found_types.add(plain(type_term))
    columns = ("mention", "target", "meeting", "passage", "context")
    rows, terms = _index_rows("catalogue-mentions", gen, columns)
    plain = terms.plain
    mentions_of = catalogue.mentions_of
    for mention_term, target_term, meeting_term, passage_term, context_term in rows:
        mention = MentionRow(
            plain(mention_term),
            plain(target_term),
            plain(meeting_term),
            plain(passage_term),
            "" if context_term is None else plain(context_term),
        )
        mentions_of.setdefault(mention.target, []).append(mention)
        labels.setdefault(mention.mention, {})["mentionOf"] = [Text(mention.target)]
    for found in catalogue.values.values():
        for values in found.values():
            values.sort(key=lambda v: (v.lang, str(v)))
        if any(str(v) == topic_scheme for v in found.get("scheme", [])):
            found["topicScheme"] = [Text("yes")]
    log.info("catalogue built in %.0f ms", 1000 * (time.perf_counter() - started))
    return catalogue


def catalogue() -> Catalogue:
    """Return the catalogue of the current store generation, building it on first use.

    The generation is looked up once per request: a page asks for names hundreds of times.
    """
    cached: Catalogue | None = g.get(_CATALOGUE) if has_request_context() else None
    if cached is not None:
        return cached
    app = current_app
    gen = generation()
    found: Catalogue | None = app.extensions.get(_CATALOGUE)
    if found is None or found.generation != gen:
        with _LOCK:
            found = app.extensions.get(_CATALOGUE)
            if found is None or found.generation != gen:
                found = _build_catalogue(gen)
                app.extensions[_CATALOGUE] = found
    if has_request_context():
        setattr(g, _CATALOGUE, found)
    return found


def build_in_background(app: Flask) -> threading.Thread:
    """Build the catalogue and the search index of the current generation in a thread.

    At a million triples they take many seconds; started when the app starts serving, the
    first visitor does not wait for all of it (a request that comes sooner waits on the lock
    for the build under way, never starts another). A later generation is still built by the
    first request that sees it, as before: pages never mix two generations.
    """

    def build() -> None:
        with app.app_context():
            try:
                search_index()
            except Exception:  # the first request will try again, and say what fails
                log.exception("building the page indexes in the background failed")

    thread = threading.Thread(target=build, name="politiraad-page-indexes", daemon=True)
    thread.start()
    return thread


# --- Norwegian-aware folding and stemming --------------------------------------------------------

_FOLD = str.maketrans({"æ": "a", "ø": "o", "å": "a", "ä": "a", "ö": "o", "ü": "u", "ß": "ss"})
_WORD = re.compile(r"[0-9a-z]+")
_SUFFIXES = (
    "hetene",
    "heten",
    "ene",
    "ane",
    "ens",
    "ets",
    "ert",
    "ede",
    "ers",
    "het",
    "er",
    "en",
    "et",
    "ar",
    "te",
    "e",
    "a",
    "s",
)


def fold(text: str) -> str:
    """Lower-case, fold æøå to aoa (and ae/oe/aa likewise), drop other accents.

    >>> fold("Alstadsæter"), fold("ALSTADSAETER"), fold("Tøyen"), fold("Politiråd")
    ('alstadsater', 'alstadsater', 'toyen', 'politirad')
    """
    text = text.casefold().translate(_FOLD)
    if not text.isascii():  # decomposing ASCII changes nothing, and most texts are ASCII by now
        text = unicodedata.normalize("NFKD", text)
        text = "".join(c for c in text if not unicodedata.combining(c))
    return text.replace("ae", "a").replace("oe", "o").replace("aa", "a")


# The index stems each word of every passage: a few thousand distinct words, millions of times.
@functools.lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """Strip one common Norwegian inflection ending, keeping at least three letters.

    >>> stem("bydelene"), stem("bydeler"), stem("bydel"), stem("rekrutteringen")
    ('bydel', 'bydel', 'bydel', 'rekruttering')
    """
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


def tokens(text: str) -> list[str]:
    """Fold, split and stem a text into search tokens."""
    return [stem(w) for w in _WORD.findall(fold(text))]


# --- The search index ---------------------------------------------------------------------------

WEIGHTS = {"label": 4.0, "alt": 2.0, "quote": 1.0, "description": 1.0}
INDEXED_DESCRIPTIONS = {"decision", "followup", "amount"}


@dataclass
class Document:
    iri: str
    kind: str
    text: Text
    meetings: set[str] = field(default_factory=set)
    years: set[str] = field(default_factory=set)
    topics: set[str] = field(default_factory=set)


@dataclass
class Hit:
    document: Document
    score: float
    matched: set[str]


@dataclass
class SearchIndex:
    generation: str
    documents: list[Document] = field(default_factory=list)
    postings: dict[str, dict[int, float]] = field(default_factory=dict)
    vocabulary: list[str] = field(default_factory=list)

    def _expand(self, token: str, prefix: bool) -> list[str]:
        if not prefix:
            return [token] if token in self.postings else []
        start = bisect.bisect_left(self.vocabulary, token)
        found = []
        for word in self.vocabulary[start:]:
            if not word.startswith(token):
                break
            found.append(word)
        return found

    def search(self, query: str) -> list[Hit]:
        """Every document that has all query words (the last may be a word's beginning)."""
        words = tokens(query)
        if not words:
            return []
        scores: dict[int, float] | None = None
        matched: dict[int, set[str]] = defaultdict(set)
        for position, word in enumerate(words):
            prefix = position == len(words) - 1 or len(word) >= 4
            these: dict[int, float] = {}
            for variant in self._expand(word, prefix):
                exact = 1.0 if variant == word else 0.6
                for doc, weight in self.postings[variant].items():
                    if weight * exact > these.get(doc, 0.0):
                        these[doc] = weight * exact
                    matched[doc].add(variant)
            if scores is None:
                scores = these
            else:
                scores = {d: s + these[d] for d, s in scores.items() if d in these}
            if not scores:
                return []
        ranked = sorted((scores or {}).items(), key=lambda item: (-item[1], item[0]))
        return [Hit(self.documents[d], s, matched[d]) for d, s in ranked]


def _build_index(gen: str, names: Catalogue) -> SearchIndex:
    started = time.perf_counter()
    index = SearchIndex(gen)
    base = id_base()
    texts: dict[str, list[tuple[str, Text]]] = defaultdict(list)
    for thing, found in names.values.items():
        if not thing.startswith(base):
            continue
        for key, field_name in (("pref", "label"), ("title", "label"), ("rdfs", "label")):
            for value in found.get(key, []):
                texts[thing].append((field_name, value))
        if names.kind(thing) in INDEXED_DESCRIPTIONS:
            for value in found.get("description", []):
                texts[thing].append(("description", value))
    rows, terms = _index_rows("search-texts", gen, ("thing", "key", "text"))
    for thing_term, key_term, text_term in rows:
        thing = terms.plain(thing_term)
        if thing.startswith(base):
            texts[thing].append((terms.plain(key_term), terms.text(text_term)))
    links: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    rows, terms = _index_rows(
        "search-links", gen, ("thing", "facet", "value"), scheme=base + "concept/topic"
    )
    plain = terms.plain
    for thing_term, facet_term, value_term in rows:
        links[plain(thing_term)][plain(facet_term)].add(plain(value_term))
    years = {
        iri: str(names.first(iri, "start") or names.first(iri, "approx") or "")[:4]
        for iri in names.types
        if names.kind(iri) == "meeting"
    }
    for thing, fields in sorted(texts.items()):
        kind = names.kind(thing)
        if kind in {"mention", "participation", "holding", "thing"}:
            continue
        shown = next((v for f, v in fields if f in {"label", "quote"}), fields[0][1])
        document = Document(thing, kind, shown)
        document.meetings = set(links[thing]["meeting"]) | ({thing} if kind == "meeting" else set())
        document.topics = set(links[thing]["topic"]) | ({thing} if kind == "topic" else set())
        document.years = {years[m] for m in document.meetings if years.get(m)}
        number = len(index.documents)
        index.documents.append(document)
        weights: dict[str, float] = {}
        for field_name, value in fields:
            for word in tokens(value):
                weights[word] = max(weights.get(word, 0.0), WEIGHTS.get(field_name, 1.0))
        for word, weight in weights.items():
            index.postings.setdefault(word, {})[number] = weight
    index.vocabulary = sorted(index.postings)
    log.info(
        "search index of %d documents built in %.0f ms",
        len(index.documents),
        1000 * (time.perf_counter() - started),
    )
    return index


def search_index() -> SearchIndex:
    """Return the search index of the current store generation, building it on first use."""
    app = current_app
    names = catalogue()
    found: SearchIndex | None = app.extensions.get(_SEARCH)
    if found is not None and found.generation == names.generation:
        return found
    with _LOCK:
        found = app.extensions.get(_SEARCH)
        if found is None or found.generation != names.generation:
            found = _build_index(names.generation, names)
            app.extensions[_SEARCH] = found
    return found


FACETS = ("type", "year", "meeting", "topic")


@dataclass
class Results:
    query: str
    hits: list[Hit]
    total: int
    facets: dict[str, list[tuple[str, int]]]


def run_search(query: str, filters: Mapping[str, str], limit: int = 50) -> Results:
    """Search, keep the hits that pass every facet filter, and count facet values over them."""
    index = search_index()
    hits = index.search(query)

    def values(hit: Hit, facet: str) -> set[str]:
        document = hit.document
        if facet == "type":
            return {document.kind}
        if facet == "year":
            return document.years
        if facet == "meeting":
            return document.meetings
        return document.topics

    kept = [h for h in hits if all(not v or v in values(h, f) for f, v in filters.items())]
    facets: dict[str, list[tuple[str, int]]] = {}
    for facet in FACETS:
        counts: Counter[str] = Counter()
        for hit in kept:
            counts.update(values(hit, facet))
        facets[facet] = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return Results(query, kept[:limit], len(kept), facets)
