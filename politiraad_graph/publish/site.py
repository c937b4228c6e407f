"""The static site of a release: every entity page pre-rendered by the browser's own templates.

Pages are rendered by the Flask application's own request handling, so they are the pages
staff see, and saved as ``page/{path}.html`` with the entity's own statements next to them as
``page/{path}.ttl`` and ``page/{path}.jsonld`` (the pages link these two and not the live
service's N-Triples and RDF/XML documents). The application answers its queries from the public
dataset in memory (never from a store or the curated files), so a page can only show what the
release publishes; the few queries every entity page runs are answered by index look-ups. Links
are rewritten to relative ones that work from any host path and from the file system; links to
what a static server cannot answer (search, SPARQL, the JSON API, feeds) go to the live service
at the configured base URL.

One process loads the data and builds the application once, then forks the other renderers,
which share what it built.
"""

from __future__ import annotations

import hashlib
import multiprocessing as mp
import os
import posixpath
import re
import shutil
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from io import BytesIO
from pathlib import Path
from typing import Any, cast
from urllib.parse import quote, unquote
from xml.sax.saxutils import escape

import pyoxigraph as ox

from politiraad_graph.namespaces import ID
from politiraad_graph.publish.dataset import PublicDataset, Triple
from politiraad_graph.publish.dumps import jsonld_graph_text, turtle_text

LIST_PAGES = (
    "/",
    "/meetings",
    "/topics",
    "/people",
    "/organisations",
    "/places",
    "/programmes",
    "/followups",
)
"""Where the crawl of the pages that are not entity pages starts."""

DYNAMIC = ("/api/", "/sparql", "/search", "/feeds/", "/static/", "/page/", "/id/", "/data/")
"""Paths a static server cannot answer, or that are handled on their own."""

SITEMAP_LIMIT = 50_000
_ATTRIBUTE = re.compile(r'(\s(?:href|src|action)=")([^"]*)(")')
_WORKERS_FROM = 400
"""Render in parallel processes from this many entity pages on."""


class SiteError(RuntimeError):
    """The application could not be set up to render from the public data."""


@dataclass
class SiteResult:
    """What the static site holds, and what could not be rendered."""

    entity_pages: int = 0
    other_pages: list[str] = field(default_factory=list)
    failed: list[tuple[str, int]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    """The first errors met while rendering, for the report."""
    sitemap_urls: int = 0
    digests: dict[str, str] = field(default_factory=dict, repr=False)
    """The SHA-256 of every file the site wrote, by its path in the release: the checksums
    then need not read the files again."""

    @property
    def complete(self) -> bool:
        return not self.failed

    def note(self, errors: Iterable[str], limit: int = 20) -> None:
        """Keep the first few distinct errors."""
        for error in errors:
            if error not in self.errors and len(self.errors) < limit:
                self.errors.append(error)


# ------------------------------------------------------------------------------- entities


def entity_path(subject: str) -> str | None:
    """The path under ``id/`` of the entity a subject belongs to (fragments belong to theirs).

    >>> entity_path("<https://w3id.org/politiraad/id/source/2023-01-13#char=1,5>")
    'source/2023-01-13'
    >>> entity_path("<https://example.org/x>") is None
    True
    """
    prefix = f"<{ID}"
    if not subject.startswith(prefix):
        return None
    path = subject[len(prefix) : -1].split("#", 1)[0]
    return path or None


def entities(triples: Iterable[Triple]) -> dict[str, list[Triple]]:
    """Group the statements of the public graph by the entity their subject belongs to."""
    found: dict[str, list[Triple]] = defaultdict(list)
    for triple in triples:
        path = entity_path(triple[0])
        if path is not None:
            found[path].append(triple)
    return dict(found)


def _safe_file(path: str) -> bool:
    parts = path.split("/")
    return all(part not in {"", ".", ".."} for part in parts) and "\\" not in path


# ----------------------------------------------------------------------------------- links


@dataclass
class Linker:
    """Turn the application's absolute paths into relative links between the site's files."""

    entities: frozenset[str]
    pages: Mapping[str, str]
    """Other rendered pages: application path → file."""
    live: str
    """Base URL of the live service, for what a static server cannot answer."""
    done: dict[str, str] = field(default_factory=dict, repr=False, compare=False)
    """Links already rewritten, by the folder of the page and the link."""

    def target(self, path: str) -> str | None:
        """The site file an application path is saved as, or None."""
        for prefix in ("/page/", "/id/"):
            if path.startswith(prefix):
                thing = path[len(prefix) :]
                return f"page/{thing}.html" if thing in self.entities else None
        if path.startswith("/data/"):
            found = re.fullmatch(r"/data/(.+)\.(ttl|jsonld)", path)
            if found and found.group(1) in self.entities:
                return f"page/{found.group(1)}.{found.group(2)}"
            return None
        if path.startswith("/static/"):
            return path[1:]
        return self.pages.get(path)

    def rewrite(self, url: str, current: str) -> str:
        if not url.startswith("/") or url.startswith("//"):
            return url
        cut = min((i for i in (url.find("?"), url.find("#")) if i >= 0), default=len(url))
        path, rest = unquote(url[:cut]), url[cut:]
        target = self.target(path)
        if target is None:
            return self.live + url[1:]
        return quote(relative(target, current), safe="/-_.~,=") + rest

    def html(self, text: str, current: str) -> str:
        """Rewrite every link of a page saved as ``current``."""
        folder = current.rpartition("/")[0]
        done = self.done

        def one(match: re.Match[str]) -> str:
            # Pages in one folder share most of their links (the menus): remember them.
            key = folder + "\x00" + match.group(2)
            found = done.get(key)
            if found is None:
                found = self.rewrite(_unescape(match.group(2)), current).replace("&", "&amp;")
                if len(done) < 100_000:
                    done[key] = found
            return match.group(1) + found + match.group(3)

        return _ATTRIBUTE.sub(one, text)


def relative(target: str, current: str) -> str:
    """The relative link from the file ``current`` to the file ``target`` (both site paths).

    >>> relative("page/person/x.html", "page/meeting/2023-01-13/item/9.html")
    '../../../person/x.html'
    >>> relative("home.html", "home.html")
    'home.html'
    """
    here = current.split("/")[:-1]
    there = target.split("/")
    common = 0
    while common < len(here) and common < len(there) - 1 and here[common] == there[common]:
        common += 1
    return "/".join([".."] * (len(here) - common) + there[common:])


def _unescape(value: str) -> str:
    return value.replace("&amp;", "&")


def links(text: str) -> list[str]:
    """The href, src and action values of an HTML text."""
    return [_unescape(m.group(2)) for m in _ATTRIBUTE.finditer(text)]


def crawlable(url: str) -> str | None:
    """The path of an internal link to a page that is not an entity page, or None."""
    if not url.startswith("/") or url.startswith("//"):
        return None
    path = unquote(re.split(r"[?#]", url, maxsplit=1)[0])
    if path.startswith(DYNAMIC) or path in {"/sparql", "/search"}:
        return None
    if "." in path.rsplit("/", 1)[-1]:
        return None
    return path


def page_file(path: str) -> str:
    """Where a non-entity page is saved: ``/`` as ``home.html``, ``/a/b`` as ``a/b.html``."""
    if path == "/":
        return "home.html"
    return path.strip("/") + ".html"


# ------------------------------------------------------------------------------ rendering


_POL = "https://w3id.org/politiraad/ontology#"
_OA = "http://www.w3.org/ns/oa#"
_XSD_NUMBERS = frozenset(
    "http://www.w3.org/2001/XMLSchema#" + name
    for name in ("integer", "int", "long", "short", "nonNegativeInteger", "decimal", "double")
)

# The page queries a page of one thing runs (webapp/page_queries/thing-*.rq), as their text
# reads without comments and with spaces collapsed. Pages run them once per entity page, and
# parsing and planning each one costs more than the answer; the runner answers these texts from
# the store's indexes instead. A query file that changes no longer matches its text here and is
# then answered by SPARQL again, so a page never shows a stale answer.
_PATTERN_QUERIES = {
    "SELECT DISTINCT ?p ?o WHERE { ?thing ?p ?o . }": "outgoing",
    "PREFIX oa: <http://www.w3.org/ns/oa#> PREFIX pol: <https://w3id.org/politiraad/ontology#> "
    "SELECT DISTINCT ?s ?p WHERE { ?s ?p ?thing . "
    "FILTER(?p NOT IN (pol:mentionOf, oa:hasSource)) } ORDER BY ?p ?s": "incoming",
    "PREFIX oa: <http://www.w3.org/ns/oa#> PREFIX pol: <https://w3id.org/politiraad/ontology#> "
    "SELECT DISTINCT ?passage ?exact ?source ?start WHERE { ?thing pol:evidence ?passage . "
    "?passage oa:exact ?exact ; oa:hasSource ?source ; oa:start ?start . } "
    "ORDER BY ?source ?start": "evidence",
    "PREFIX oa: <http://www.w3.org/ns/oa#> PREFIX pol: <https://w3id.org/politiraad/ontology#> "
    "SELECT DISTINCT ?source WHERE { ?fact ?link ?thing . ?fact pol:evidence ?passage . "
    "?passage oa:hasSource ?source . }": "sources",
    "ASK { { ?thing ?p ?o } UNION { ?s ?p ?thing } }": "exists",
}


def _normalised(text: str) -> str:
    """A query's text without comment lines and with every run of spaces made one space."""
    lines = (line for line in text.splitlines() if not line.lstrip().startswith("#"))
    return " ".join(" ".join(lines).split())


def _order_key(term: Any) -> tuple[int, Any, str]:
    """SPARQL's ORDER BY for the terms these queries sort: blank nodes, IRIs, then literals,
    numbers by value."""
    if isinstance(term, ox.BlankNode):
        return (0, 0, term.value)
    if isinstance(term, ox.NamedNode):
        return (1, 0, term.value)
    if term.datatype.value in _XSD_NUMBERS:
        try:
            return (2, float(term.value), term.value)
        except ValueError:
            pass
    return (3, 0, term.value)


def _converter() -> Callable[[Any], Any]:
    """Terms of one answer to rdflib, each distinct term converted once (as the store does)."""
    from politiraad_graph.store.oxigraph import to_rdflib

    done: dict[Any, Any] = {}

    def convert(term: Any) -> Any:
        found = done.get(term)
        if found is None:
            found = done[term] = to_rdflib(term)
        return found

    return convert


class _StoreRunner:
    """Answer the application's queries from an in-memory store, in this process.

    The page queries of one thing (:data:`_PATTERN_QUERIES`) are answered by index look-ups
    with the same rows in the same order as SPARQL gives; every other query by SPARQL.
    """

    def __init__(self, store: ox.Store) -> None:
        from politiraad_graph.store.oxigraph import OxigraphStore

        class _InMemory(OxigraphStore):
            def __init__(self, found: ox.Store) -> None:
                super().__init__(Path("/nonexistent"), read_only=True)
                self._store = found

        self.store = _InMemory(store)
        self.oxigraph = store
        self._kinds: dict[str, str | None] = {}

    def run(
        self,
        text: str,
        *,
        bindings: Mapping[str, Any] | None = None,
        timeout: float | None = None,
        row_cap: int | None = None,
    ) -> Any:
        from politiraad_graph.store.base import SelectResult, StoreError
        from politiraad_graph.store.worker import Answer, QueryError

        limit = None if row_cap is None else row_cap + 1
        try:
            result = self._by_pattern(text, bindings)
            if result is None:
                result = self.store.query(text, bindings=bindings, max_rows=limit)
        except StoreError:
            raise
        except Exception as error:
            raise QueryError(str(error)) from error
        truncated = False
        if isinstance(result, SelectResult) and row_cap is not None and len(result.rows) > row_cap:
            result = SelectResult(result.variables, result.rows[:row_cap])
            truncated = True
        return Answer(result, truncated)

    def _by_pattern(self, text: str, bindings: Mapping[str, Any] | None) -> Any:
        """The answer of a page query of one thing from the indexes, or None to ask SPARQL."""
        from rdflib import URIRef

        from politiraad_graph.store.base import AskResult, SelectResult

        kind = self._kinds.get(text, "")
        if kind == "":
            kind = self._kinds[text] = _PATTERN_QUERIES.get(_normalised(text))
        if kind is None or not bindings or set(bindings) != {"thing"}:
            return None
        bound = bindings["thing"]
        if type(bound) is not URIRef:
            return None
        thing = ox.NamedNode(str(bound))
        store = self.oxigraph
        convert = _converter()
        if kind == "exists":
            found = next(iter(store.quads_for_pattern(thing, None, None)), None) or next(
                iter(store.quads_for_pattern(None, None, thing)), None
            )
            return AskResult(found is not None)
        if kind == "outgoing":
            seen: set[tuple[Any, ...]] = set()
            rows = []
            for quad in store.quads_for_pattern(thing, None, None):
                pair = (quad.predicate, quad.object)
                if pair not in seen:
                    seen.add(pair)
                    rows.append({"p": convert(quad.predicate), "o": convert(quad.object)})
            return SelectResult(("p", "o"), rows)
        if kind == "incoming":
            skip = {_POL + "mentionOf", _OA + "hasSource"}
            pairs = {
                (quad.subject, quad.predicate)
                for quad in store.quads_for_pattern(None, None, thing)
                if quad.predicate.value not in skip
            }
            ordered = sorted(pairs, key=lambda sp: (_order_key(sp[1]), _order_key(sp[0])))
            return SelectResult(
                ("s", "p"), [{"s": convert(s), "p": convert(p)} for s, p in ordered]
            )
        if kind == "evidence":
            return self._evidence(thing, convert)
        sources: list[Any] = []
        for fact in {q.subject for q in store.quads_for_pattern(None, None, thing)}:
            for evidence in store.quads_for_pattern(fact, ox.NamedNode(_POL + "evidence"), None):
                passage = evidence.object
                if isinstance(passage, ox.Literal):
                    continue  # no statement has a literal subject
                for source in store.quads_for_pattern(
                    passage, ox.NamedNode(_OA + "hasSource"), None
                ):
                    if source.object not in sources:
                        sources.append(source.object)
        return SelectResult(("source",), [{"source": convert(s)} for s in sources])

    def _evidence(self, thing: ox.NamedNode, convert: Callable[[Any], Any]) -> Any:
        from politiraad_graph.store.base import SelectResult

        store = self.oxigraph

        def objects(subject: Any, predicate: str) -> list[Any]:
            found: list[Any] = []
            if isinstance(subject, ox.Literal):
                return found  # no statement has a literal subject
            for quad in store.quads_for_pattern(subject, ox.NamedNode(predicate), None):
                if quad.object not in found:
                    found.append(quad.object)
            return found

        rows = {
            (passage, exact, source, start)
            for passage in objects(thing, _POL + "evidence")
            for exact in objects(passage, _OA + "exact")
            for source in objects(passage, _OA + "hasSource")
            for start in objects(passage, _OA + "start")
        }
        ordered = sorted(rows, key=lambda r: (_order_key(r[2]), _order_key(r[3]), str(r)))
        names = ("passage", "exact", "source", "start")
        return SelectResult(
            names, [{n: convert(v) for n, v in zip(names, row, strict=True)} for row in ordered]
        )

    def close(self) -> None:
        """Nothing to stop: the queries run in this process."""


STATIC_TWINS = ("ttl", "jsonld")
"""The RDF documents written next to every entity page; pages link these and no other."""


def make_app(store: ox.Store, project_root: Path) -> Any:
    """Create the application answering from ``store``; refuse if it would read anything else."""
    from webapp import create_app, queries
    from webapp.urls import TWIN_FORMATS

    # A store that does not exist: if the runner below were ever bypassed, the application
    # would fail instead of reading a store or the curated files.
    app = create_app(
        {
            "store": "oxigraph",
            "store_path": "/nonexistent/politiraad-publish",
            "data_dir": str(project_root),
        }
    )
    # Errors reach _render, which reports them, instead of being logged page by page.
    app.config["PROPAGATE_EXCEPTIONS"] = True
    app.config[TWIN_FORMATS] = STATIC_TWINS
    runner = _StoreRunner(store)
    app.extensions[queries._KEY] = runner
    with app.app_context():
        if cast(object, queries.runner()) is not runner:
            raise SiteError("the web application does not take the release's query runner")
    return app


class _Requests:
    """GET requests straight into the application, without a test client.

    The test client builds each request anew, which cost as much as the queries of a page; here
    one request environment is built once and only its path changes. The application sees the
    same environment as the test client's (the pages are the same bytes).
    """

    def __init__(self, app: Any) -> None:
        from flask.testing import EnvironBuilder

        self.app = app
        builder = EnvironBuilder(app, path="/")
        try:
            self.base = builder.get_environ()
        finally:
            builder.close()
        self.base.update(app.test_client().environ_base)

    def get(self, path: str) -> Any:
        """Answer ``path`` (quoted, no query string) as the application would."""
        environ = dict(self.base)
        raw = path.encode().decode("latin1")
        environ.update(
            {
                "PATH_INFO": unquote(path).encode().decode("latin1"),
                "REQUEST_URI": raw,
                "RAW_URI": raw,
                "wsgi.input": BytesIO(),
            }
        )
        with self.app.request_context(environ):
            return self.app.full_dispatch_request()


def _render(client: Any, path: str) -> tuple[int, str]:
    try:
        response = client.get(path)
    except Exception as error:  # a page that fails to render is reported, not fatal
        _WORKER.setdefault("errors", []).append(f"{path}: {type(error).__name__}: {error}")
        return 500, ""
    if response.status_code != 200 or not response.content_type.startswith("text/html"):
        return response.status_code, ""
    return 200, response.get_data(as_text=True)


_MADE: set[Path] = set()


def _write(folder: Path, name: str, text: str, digests: dict[str, str] | None = None) -> None:
    """Write a file of the site; note its SHA-256 in ``digests``."""
    target = folder / name
    if target.parent not in _MADE:
        target.parent.mkdir(parents=True, exist_ok=True)
        _MADE.add(target.parent)
    data = text.encode("utf-8")
    with open(target, "wb") as handle:
        handle.write(data)
    if digests is not None:
        digests[name] = hashlib.sha256(data).hexdigest()


def _render_entities(
    client: Any,
    paths: Iterable[str],
    linker: Linker,
    folder: Path,
    digests: dict[str, str] | None = None,
) -> Iterator[tuple[str, int]]:
    for path in paths:
        status, html = _render(client, "/page/" + quote(path, safe="/-_.~,="))
        if status == 200:
            name = f"page/{path}.html"
            _write(folder, name, linker.html(html, name), digests)
        yield path, status


# Per-process state of the renderers.
_WORKER: dict[str, Any] = {}
HASH_SEED = "0"
"""Python's string-hash seed in the rendering processes: where the application lists things in
set order, the order (and so the page) is then the same in every run."""


def _init_worker(dump: str, project_root: str, folder: str, live: str) -> None:
    from politiraad_graph.publish.dataset import load_file

    _MADE.clear()
    store = ox.Store()
    store.bulk_extend(load_file(Path(dump)))
    found = set()
    for quad in store.quads_for_pattern(None, None, None, None):
        path = entity_path(str(quad.subject))
        if path is not None and _safe_file(path):
            found.add(path)
    _WORKER.update(
        entities=frozenset(found), folder=Path(folder), live=live, client=None, requests=None
    )
    try:
        app = make_app(store, Path(project_root))
        _WORKER["client"] = app.test_client()
        _WORKER["requests"] = _Requests(app)
    except Exception as error:  # no pages then, but the twins and a report of why
        _WORKER["broken"] = (
            f"the web application cannot render pages: {type(error).__name__}: {error}"
        )


def _crawl(seeds: tuple[str, ...], limit: int = 500) -> dict[str, str]:
    """Render the pages that are not entity pages, from the seeds on; return their HTML."""
    client = _WORKER["client"]
    texts: dict[str, str] = {}
    if client is None:
        return {path: "\x000" for path in seeds}
    queue = list(seeds)
    seen = set(queue)
    while queue and len(seen) <= limit:
        path = queue.pop(0)
        status, html = _render(client, path)
        if status != 200:
            texts[path] = f"\x00{status}"
            continue
        texts[path] = html
        for url in links(html):
            found = crawlable(url)
            if found and found not in seen:
                seen.add(found)
                queue.append(found)
    return texts


def _render_chunk(
    things: dict[str, list[Triple]], pages: dict[str, str]
) -> tuple[list[tuple[str, int]], dict[str, str]]:
    """Write the twins and render the pages of some entities; return their statuses and the
    SHA-256 of the files written."""
    folder = _WORKER["folder"]
    digests: dict[str, str] = {}
    for path, triples in things.items():
        _write(folder, f"page/{path}.ttl", turtle_text(triples), digests)
        _write(folder, f"page/{path}.jsonld", jsonld_graph_text(triples), digests)
    if _WORKER["requests"] is None:
        return [(path, 0) for path in things], digests
    linker = _WORKER.get("linker")
    if linker is None or linker.pages != pages:
        linker = _WORKER["linker"] = Linker(_WORKER["entities"], pages, _WORKER["live"])
    statuses = list(_render_entities(_WORKER["requests"], list(things), linker, folder, digests))
    return statuses, digests


def _call(task: tuple[Any, ...]) -> tuple[Any, list[str]]:
    """Run one task in a rendering process; return its result and the errors it met."""
    if task[0] == "crawl":
        found: Any = _crawl(task[1])
    else:
        things = _WORKER["chunks"][task[1]] if task[0] == "chunk" else task[1]
        found = _render_chunk(things, task[2])
    errors = _WORKER.pop("errors", [])
    if "broken" in _WORKER:
        errors.insert(0, _WORKER["broken"])
    return found, errors


def _list_pages(texts: Mapping[str, str]) -> dict[str, str]:
    """The pages that are not entity pages and rendered: application path → file."""
    return {p: page_file(p) for p, html in texts.items() if not html.startswith("\x00")}


def _site_process(
    setup: tuple[str, str, str, str],
    chunks: list[dict[str, list[Triple]]],
    parallel: int,
    queue: Any,
) -> None:
    """Render the whole site; send what was rendered to ``queue`` as it is done.

    Runs in a process of its own, started with the fixed string-hash seed. It loads the data
    and builds the application's indexes once, then forks the other renderers, which share
    them (and the chunks) instead of loading and building them again.
    """
    try:
        _init_worker(*setup)
        _WORKER["chunks"] = chunks
        # The list pages come first: rendering them builds the application's catalogue, which
        # the forked renderers then inherit.
        texts, errors = _call(("crawl", LIST_PAGES))
        pages = _list_pages(texts)
        tasks = [("chunk", index, pages) for index in range(len(chunks))]
        if parallel > 1:
            # Forked before this process starts the queue's thread: a child holds no lock.
            with mp.get_context("fork").Pool(parallel) as pool:
                queue.put(("crawl", texts, errors))
                for found in pool.imap_unordered(_call, tasks):
                    queue.put(("chunk", *found))
        else:
            queue.put(("crawl", texts, errors))
            for task in tasks:
                queue.put(("chunk", *_call(task)))
        queue.put(("done",))
    except BaseException as error:  # the parent raises it: this process only reports it
        queue.put(("error", f"{type(error).__name__}: {error}"))
        raise


def _messages(queue: Any, process: Any) -> Iterator[tuple[Any, ...]]:
    """What the site process sends, until it is done; SiteError if it fails or dies."""
    import queue as queues

    while True:
        try:
            message = queue.get(timeout=1.0)
        except queues.Empty:
            if not process.is_alive():
                raise SiteError(
                    f"the site renderer stopped (exit code {process.exitcode})"
                ) from None
            continue
        if message[0] == "done":
            return
        if message[0] == "error":
            raise SiteError(f"the site renderer failed: {message[1]}")
        yield message


def build_site(
    data: PublicDataset,
    folder: Path,
    *,
    project_root: Path,
    live: str,
    dump: Path,
    workers: int | None = None,
    count: Callable[[int, int], None] | None = None,
) -> SiteResult:
    """Render the static site into ``folder`` (the release folder); return what it holds.

    Pages are rendered in a separate process that loads the public data from ``dump`` (the
    release's N-Quads file) and runs with a fixed string-hash seed, so that the same input gives
    the same pages; for a large site it forks further renderers (``workers`` in all).
    """
    _MADE.clear()
    result = SiteResult()
    grouped = entities(data.union)
    paths = sorted(p for p in grouped if _safe_file(p))
    static = Path(__file__).resolve().parents[2] / "webapp" / "static"
    if static.is_dir():
        shutil.copytree(static, folder / "static", dirs_exist_ok=True)

    total = len(paths)
    parallel = workers if workers is not None else min(os.cpu_count() or 1, 4)
    parallel = max(1, parallel if total >= _WORKERS_FROM else 1)
    chunks = [{p: grouped[p] for p in paths[i : i + 100]} for i in range(0, total, 100)]
    context = mp.get_context("spawn")
    queue = context.Queue()
    process = context.Process(
        target=_site_process,
        args=((str(dump), str(project_root), str(folder), live), chunks, parallel, queue),
        name="politiraad-site",
    )
    saved = os.environ.get("PYTHONHASHSEED")
    os.environ["PYTHONHASHSEED"] = HASH_SEED
    try:
        process.start()
    finally:
        if saved is None:
            del os.environ["PYTHONHASHSEED"]
        else:
            os.environ["PYTHONHASHSEED"] = saved
    del chunks
    linker = Linker(frozenset(paths), {}, live)
    done = 0
    statuses: list[tuple[str, int]] = []
    try:
        for message in _messages(queue, process):
            if message[0] == "crawl":
                texts, errors = message[1], message[2]
                result.note(errors)
                pages = _list_pages(texts)
                result.failed += [
                    (p, int(html[1:]))
                    for p, html in texts.items()
                    if html.startswith("\x00") and p in LIST_PAGES
                ]
                linker = Linker(frozenset(paths), pages, live)
                for path in sorted(pages):
                    name = pages[path]
                    _write(folder, name, linker.html(texts[path], name), result.digests)
                result.other_pages = sorted(pages.values())
                continue
            (part, digests), errors = message[1], message[2]
            statuses += part
            result.digests.update(digests)
            result.note(errors)
            done += len(part)
            if count:
                count(done, total)
    finally:
        process.join(timeout=60)
        if process.is_alive():
            process.kill()
            process.join()
    failed = sorted((p, s) for p, s in statuses if s != 200)
    result.entity_pages = total - len(failed)
    result.failed += [("/page/" + p, s) for p, s in failed]
    if failed:
        for name in _unlink_failed(folder, {p for p, _ in failed}, linker.live):
            result.digests.pop(name, None)
    return result


def site_files(folder: Path) -> list[str]:
    """Every file under ``folder``, as sorted relative POSIX paths (a walk, not a glob: it
    runs over hundreds of thousands of files)."""
    found: list[str] = []
    for directory, _, files in os.walk(folder):
        relative = os.path.relpath(directory, folder)
        prefix = "" if relative == "." else relative.replace(os.sep, "/") + "/"
        found.extend(prefix + name for name in files)
    return sorted(found)


def _unlink_failed(folder: Path, failed: set[str], live: str) -> list[str]:
    """Point links to pages that failed to render at the live service instead; return the
    files changed."""
    changed = []
    for name in site_files(folder):
        if not name.endswith(".html"):
            continue
        page = folder / name
        text = original = page.read_text(encoding="utf-8")
        for path in failed:
            relative = quote(
                posixpath.relpath(f"page/{path}.html", posixpath.dirname(name) or "."),
                safe="/-_.~,=",
            )
            for end in ('"', "?", "#"):
                text = text.replace(f'="{relative}{end}', f'="{live}page/{path}{end}')
        if text != original:
            page.write_text(text, encoding="utf-8", newline="\n")
            changed.append(name)
    return changed


def write_sitemap(folder: Path, release_url: str) -> int:
    """Write ``sitemap.xml`` (an index of parts when it would pass 50,000 addresses)."""
    files = [name for name in site_files(folder) if name.endswith(".html")]
    urls = [release_url + quote(f, safe="/-_.~,=") for f in files]
    head = '<?xml version="1.0" encoding="UTF-8"?>\n'
    ns = 'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'
    parts = [urls[i : i + SITEMAP_LIMIT] for i in range(0, len(urls), SITEMAP_LIMIT)] or [[]]

    def urlset(chunk: list[str]) -> str:
        body = "".join(f"  <url><loc>{escape(u)}</loc></url>\n" for u in chunk)
        return f"{head}<urlset {ns}>\n{body}</urlset>\n"

    if len(parts) == 1:
        (folder / "sitemap.xml").write_text(urlset(parts[0]), encoding="utf-8")
        return len(urls)
    entries = []
    for number, chunk in enumerate(parts, start=1):
        name = f"sitemap-{number}.xml"
        (folder / name).write_text(urlset(chunk), encoding="utf-8")
        entries.append(f"  <sitemap><loc>{escape(release_url + name)}</loc></sitemap>\n")
    (folder / "sitemap.xml").write_text(
        f"{head}<sitemapindex {ns}>\n{''.join(entries)}</sitemapindex>\n", encoding="utf-8"
    )
    return len(urls)
