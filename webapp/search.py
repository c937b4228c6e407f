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
import logging
import re
import threading
import time
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flask import current_app, g, has_request_context
from rdflib import Literal
from rdflib.term import Node

from politiraad_graph.queries import NamedQuery, library
from politiraad_graph.store.base import AskResult, GraphResult, SelectResult
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
    for row in select_all("catalogue-labels"):
        thing, key, value = str(row["thing"]), str(row["key"]), row["value"]
        catalogue.values.setdefault(thing, {}).setdefault(key, []).append(text_of(value))
    for row in select_all("catalogue-types"):
        catalogue.types.setdefault(str(row["thing"]), set()).add(str(row["type"]))
    for row in select_all("catalogue-mentions"):
        mention = MentionRow(
            str(row["mention"]),
            str(row["target"]),
            str(row["meeting"]),
            str(row["passage"]),
            str(row.get("context") or ""),
        )
        catalogue.mentions_of.setdefault(mention.target, []).append(mention)
        catalogue.values.setdefault(mention.mention, {})["mentionOf"] = [Text(mention.target)]
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
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    return text.replace("ae", "a").replace("oe", "o").replace("aa", "a")


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
    for row in select_all("search-texts"):
        thing = str(row["thing"])
        if thing.startswith(base):
            texts[thing].append((str(row["key"]), text_of(row["text"])))
    links: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for row in select_all("search-links", scheme=base + "concept/topic"):
        links[str(row["thing"])][str(row["facet"])].add(str(row["value"]))
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
