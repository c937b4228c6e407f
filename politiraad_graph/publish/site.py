"""The static site of a release: every entity page pre-rendered by the browser's own templates.

Pages are rendered through the Flask application (``app.test_client()``), so they are the pages
staff see, and saved as ``page/{path}.html`` with the entity's own statements next to them as
``page/{path}.ttl`` and ``page/{path}.jsonld``. The application answers its queries from the
public dataset in memory (never from a store or the curated files), so a page can only show what
the release publishes. Links are rewritten to relative ones that work from any host path and
from the file system; links to what a static server cannot answer (search, SPARQL, feeds) go to
the live service at the configured base URL.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import posixpath
import re
import shutil
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
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


class _StoreRunner:
    """Answer the application's queries from an in-memory store, in this process."""

    def __init__(self, store: ox.Store) -> None:
        from politiraad_graph.store.oxigraph import OxigraphStore

        class _InMemory(OxigraphStore):
            def __init__(self, found: ox.Store) -> None:
                super().__init__(Path("/nonexistent"), read_only=True)
                self._store = found

        self.store = _InMemory(store)

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

    def close(self) -> None:
        """Nothing to stop: the queries run in this process."""


def make_app(store: ox.Store, project_root: Path) -> Any:
    """Create the application answering from ``store``; refuse if it would read anything else."""
    from webapp import create_app, queries

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
    runner = _StoreRunner(store)
    app.extensions[queries._KEY] = runner
    with app.app_context():
        if cast(object, queries.runner()) is not runner:
            raise SiteError("the web application does not take the release's query runner")
    return app


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


def _write(folder: Path, name: str, text: str) -> None:
    target = folder / name
    if target.parent not in _MADE:
        target.parent.mkdir(parents=True, exist_ok=True)
        _MADE.add(target.parent)
    with open(target, "wb") as handle:
        handle.write(text.encode("utf-8"))


def _render_entities(
    client: Any, paths: Iterable[str], linker: Linker, folder: Path
) -> Iterator[tuple[str, int]]:
    for path in paths:
        status, html = _render(client, "/page/" + quote(path, safe="/-_.~,="))
        if status == 200:
            name = f"page/{path}.html"
            _write(folder, name, linker.html(html, name))
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
    _WORKER.update(entities=frozenset(found), folder=Path(folder), live=live, client=None)
    try:
        _WORKER["client"] = make_app(store, Path(project_root)).test_client()
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


def _render_chunk(things: dict[str, list[Triple]], pages: dict[str, str]) -> list[tuple[str, int]]:
    """Write the twins and render the pages of some entities."""
    folder = _WORKER["folder"]
    for path, triples in things.items():
        _write(folder, f"page/{path}.ttl", turtle_text(triples))
        _write(folder, f"page/{path}.jsonld", jsonld_graph_text(triples))
    if _WORKER["client"] is None:
        return [(path, 0) for path in things]
    linker = _WORKER.get("linker")
    if linker is None or linker.pages != pages:
        linker = _WORKER["linker"] = Linker(_WORKER["entities"], pages, _WORKER["live"])
    return list(_render_entities(_WORKER["client"], list(things), linker, folder))


def _call(task: tuple[Any, ...]) -> tuple[Any, list[str]]:
    """Run one task in a rendering process; return its result and the errors it met."""
    found = _crawl(task[1]) if task[0] == "crawl" else _render_chunk(task[1], task[2])
    errors = _WORKER.pop("errors", [])
    if "broken" in _WORKER:
        errors.insert(0, _WORKER["broken"])
    return found, errors


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

    Pages are rendered in separate processes that load the public data from ``dump`` (the
    release's N-Quads file) and run with a fixed string-hash seed, so that the same input gives
    the same pages.
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
    context = mp.get_context("spawn")
    saved = os.environ.get("PYTHONHASHSEED")
    os.environ["PYTHONHASHSEED"] = HASH_SEED
    try:
        pool = context.Pool(
            parallel,
            initializer=_init_worker,
            initargs=(str(dump), str(project_root), str(folder), live),
        )
    finally:
        if saved is None:
            del os.environ["PYTHONHASHSEED"]
        else:
            os.environ["PYTHONHASHSEED"] = saved
    with pool:
        texts, errors = pool.apply(_call, (("crawl", LIST_PAGES),))
        result.note(errors)
        pages = {p: page_file(p) for p, html in texts.items() if not html.startswith("\x00")}
        result.failed += [
            (p, int(html[1:]))
            for p, html in texts.items()
            if html.startswith("\x00") and p in LIST_PAGES
        ]
        linker = Linker(frozenset(paths), pages, live)
        for path in sorted(pages):
            _write(folder, pages[path], linker.html(texts[path], pages[path]))
        result.other_pages = sorted(pages.values())
        chunks = [{p: grouped[p] for p in paths[i : i + 100]} for i in range(0, total, 100)]
        done = 0
        statuses: list[tuple[str, int]] = []
        tasks = (("render", chunk, pages) for chunk in chunks)
        for part, errors in pool.imap_unordered(_call, tasks):
            statuses += part
            result.note(errors)
            done += len(part)
            if count:
                count(done, total)
    failed = sorted((p, s) for p, s in statuses if s != 200)
    result.entity_pages = total - len(failed)
    result.failed += [("/page/" + p, s) for p, s in failed]
    if failed:
        _unlink_failed(folder, {p for p, _ in failed}, linker.live)
    return result


def _unlink_failed(folder: Path, failed: set[str], live: str) -> None:
    """Point links to pages that failed to render at the live service instead."""
    for page in folder.rglob("*.html"):
        name = page.relative_to(folder).as_posix()
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


def write_sitemap(folder: Path, release_url: str) -> int:
    """Write ``sitemap.xml`` (an index of parts when it would pass 50,000 addresses)."""
    files = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*.html") if p.is_file())
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
