"""Shared fixtures: a copy of the project's data to break, and the curated graph."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from rdflib import Graph

from politiraad_graph.build import BuildResult, load_sources
from politiraad_graph.config import PROJECT_ROOT


@pytest.fixture(scope="session")
def project_root() -> Path:
    return PROJECT_ROOT


@pytest.fixture(scope="session")
def curated() -> BuildResult:
    """Every curated file parsed into its named graph (read-only: do not modify)."""
    return load_sources(PROJECT_ROOT)


@pytest.fixture(scope="session")
def curated_union(curated: BuildResult) -> Graph:
    return curated.union()


@pytest.fixture
def project_copy(tmp_path: Path) -> Iterator[Path]:
    """A throw-away copy of ontology/, shapes/ and data/ that a test may corrupt."""
    root = tmp_path / "project"
    for name in ("ontology", "shapes", "data"):
        shutil.copytree(PROJECT_ROOT / name, root / name)
    yield root


# ---- BEGIN pages fixtures (issue 5: entity pages, search, feeds, browser) ----------------------
# The curated data built into a temporary Oxigraph store, the app over it, a test client and a
# real server on a free loopback port for the browser tests.

import threading  # noqa: E402
from collections.abc import Callable  # noqa: E402

from flask import Flask  # noqa: E402
from flask.testing import FlaskClient  # noqa: E402


def build_pages_store(root: Path, store_dir: Path) -> Path:
    """Build every curated file under ``root`` into a fresh Oxigraph store at ``store_dir``."""
    from politiraad_graph.store.oxigraph import OxigraphStore

    OxigraphStore(store_dir).replace_all(load_sources(root).graphs)
    return store_dir


def make_pages_app(root: Path, store_dir: Path) -> Flask:
    from webapp import create_app

    return create_app(
        {"store_path": str(store_dir), "data_dir": str(root), "store": "oxigraph", "TESTING": True}
    )


@pytest.fixture(scope="session")
def pages_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    """The web app over the bundled data (session-wide: pages only read)."""
    from webapp import queries

    store_dir = build_pages_store(PROJECT_ROOT, tmp_path_factory.mktemp("pages") / "store")
    app = make_pages_app(PROJECT_ROOT, store_dir)
    yield app
    queries.close(app)


@pytest.fixture(scope="session")
def pages_app_factory(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Callable[[Path], Flask]]:
    """Make an app over the data of another project folder (such as a changed copy)."""
    from webapp import queries

    made: list[Flask] = []

    def make(root: Path) -> Flask:
        store_dir = build_pages_store(root, tmp_path_factory.mktemp("pages-copy") / "store")
        app = make_pages_app(root, store_dir)
        made.append(app)
        return app

    yield make
    for app in made:
        queries.close(app)


@pytest.fixture
def pages_client(pages_app: Flask) -> FlaskClient:
    return pages_app.test_client()


@pytest.fixture(scope="session")
def pages_live_server(pages_app: Flask) -> Iterator[str]:
    """A real HTTP server for the app on a free loopback port; yields its base URL."""
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, pages_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)


# ---- END pages fixtures ------------------------------------------------------------------------


# ---- BEGIN virtuoso fixture (SparqlStore tests; the code is in bench/virtuoso.py) -------------
# A Virtuoso of this test session's own (one per xdist worker that asks for it) on free
# loopback ports, stopped at the end. Skips when virtuoso-t is missing; fails instead if
# POLITIRAAD_REQUIRE_VIRTUOSO=1.

from bench.virtuoso import VirtuosoServer, serve  # noqa: E402


@pytest.fixture(scope="session")
def virtuoso_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[VirtuosoServer]:
    yield from serve(tmp_path_factory.mktemp("virtuoso"))


# ---- END virtuoso fixture ----------------------------------------------------------------------


# ---- BEGIN sparql endpoint fixtures (tests/test_sparql_*.py, tests/test_w3c_protocol.py) --------
# A store built from the curated data, the app over it with a 2 s time limit and small request
# and row limits, and a real HTTP server on a free loopback port. Every app's query workers are
# stopped at the end of the session.

# (threading and Flask come from the pages block above.)
import contextlib  # noqa: E402
from dataclasses import dataclass  # noqa: E402
from typing import Any  # noqa: E402

SPARQL_TIME_LIMIT = 2.0
SPARQL_MAX_REQUEST = 50_000


@dataclass(frozen=True)
class SparqlServer:
    """A running HTTP server for one app: ``base`` URL and the ``/sparql`` endpoint URL."""

    base: str
    app: Flask

    @property
    def endpoint(self) -> str:
        return self.base + "/sparql"


@contextlib.contextmanager
def serve_app(app: Flask) -> Iterator[SparqlServer]:
    """Serve an app on a free loopback port (threaded, like waitress) until the block ends."""
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield SparqlServer(f"http://127.0.0.1:{server.server_port}", app)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def make_sparql_app(store_path: Path | None, **settings: Any) -> Flask:
    """The app over a store, with the endpoint's test limits unless ``settings`` says otherwise."""
    from webapp import create_app

    config: dict[str, Any] = {
        "store": "oxigraph",
        "query_timeout": SPARQL_TIME_LIMIT,
        "query_timeout_max": 5.0,
        "max_request_bytes": SPARQL_MAX_REQUEST,
        "TESTING": True,
        "QUERY_WORKERS": 2,
    }
    if store_path is not None:
        config["store_path"] = str(store_path)
    config.update(settings)
    app = create_app(config)
    # Start the query workers now: their start-up must not eat the first test's time limit.
    limit = str(config.get("query_timeout_max", 60))
    app.test_client().get("/sparql", query_string={"query": "ASK {}", "timeout": limit})
    return app


@pytest.fixture(scope="session")
def sparql_store_path(tmp_path_factory: pytest.TempPathFactory, curated: BuildResult) -> Path:
    """An Oxigraph store holding the curated graphs (the endpoint only reads it)."""
    from politiraad_graph.store.oxigraph import OxigraphStore

    root = tmp_path_factory.mktemp("sparql") / "store"
    OxigraphStore(root).replace_all(curated.graphs)
    return root


@pytest.fixture(scope="session")
def sparql_app(sparql_store_path: Path) -> Iterator[Flask]:
    from webapp import queries

    app = make_sparql_app(sparql_store_path)
    yield app
    queries.close(app)


@pytest.fixture(scope="session")
def sparql_capped_app(sparql_store_path: Path) -> Iterator[Flask]:
    """The same store with a row cap of 3, to see the cut in every format."""
    from webapp import queries

    app = make_sparql_app(sparql_store_path, row_cap=3, QUERY_WORKERS=1)
    yield app
    queries.close(app)


@pytest.fixture(scope="session")
def sparql_default_limits_app(sparql_store_path: Path) -> Iterator[Flask]:
    """The same store with the default time limit (20 s), for the canned queries' pages."""
    from webapp import queries

    app = make_sparql_app(sparql_store_path, query_timeout=20.0, query_timeout_max=60.0)
    yield app
    queries.close(app)


@pytest.fixture(scope="session")
def sparql_server(sparql_app: Flask) -> Iterator[SparqlServer]:
    with serve_app(sparql_app) as server:
        yield server


@pytest.fixture(scope="session", params=["oxigraph", "memory", "sparql"])
def sparql_backend_app(
    request: pytest.FixtureRequest, sparql_store_path: Path, curated: BuildResult
) -> Iterator[Flask]:
    """The app over each store backend in turn: embedded, rdflib memory, remote (Virtuoso)."""
    from webapp import queries

    if request.param == "oxigraph":
        app = make_sparql_app(sparql_store_path, QUERY_WORKERS=1)
    elif request.param == "memory":
        app = make_sparql_app(
            None,
            store="memory",
            data_dir=str(PROJECT_ROOT),
            query_timeout_max=60.0,
            QUERY_WORKERS=1,
        )
    else:
        from politiraad_graph.store.sparql import SparqlStore

        server = request.getfixturevalue("virtuoso_server")
        remote = SparqlStore.from_config(server.config())
        remote.replace_all(curated.graphs)
        remote.close()
        app = make_sparql_app(None, QUERY_WORKERS=1, **server.config())
    yield app
    queries.close(app)


# ---- END sparql endpoint fixtures ----------------------------------------------------------------


# ---- BEGIN remote-store endpoint fixtures (tests/test_endpoint_backends.py) --------------------
# The endpoint over the remote SPARQL store: a Virtuoso of its own (so the store conformance
# tests, which empty their server's store, cannot take the data away from under it) holding the
# curated graphs, loaded through the store API as `politiraad build` does, and the same apps as
# the endpoint block above builds over the embedded store.


@pytest.fixture(scope="session")
def remote_endpoint_settings(
    tmp_path_factory: pytest.TempPathFactory, curated: BuildResult
) -> Iterator[dict[str, Any]]:
    """The settings of a sparql store on a fresh Virtuoso that holds the curated graphs."""
    from politiraad_graph.store.sparql import SparqlStore

    for server in serve(tmp_path_factory.mktemp("virtuoso-endpoint")):
        remote = SparqlStore.from_config(server.config())
        remote.replace_all(curated.graphs)
        remote.close()
        yield server.config()


@pytest.fixture(scope="session")
def remote_sparql_app(remote_endpoint_settings: dict[str, Any]) -> Iterator[Flask]:
    """The app of ``sparql_app`` (2 s limit, small request limit) over the remote store."""
    from webapp import queries

    app = make_sparql_app(None, **remote_endpoint_settings)
    yield app
    queries.close(app)


@pytest.fixture(scope="session")
def remote_sparql_capped_app(remote_endpoint_settings: dict[str, Any]) -> Iterator[Flask]:
    """The remote store with a row cap of 3."""
    from webapp import queries

    app = make_sparql_app(None, row_cap=3, QUERY_WORKERS=1, **remote_endpoint_settings)
    yield app
    queries.close(app)


@pytest.fixture(scope="session")
def remote_sparql_default_limits_app(remote_endpoint_settings: dict[str, Any]) -> Iterator[Flask]:
    """The remote store with the default time limit (20 s), for the canned queries."""
    from webapp import queries

    app = make_sparql_app(
        None, query_timeout=20.0, query_timeout_max=60.0, **remote_endpoint_settings
    )
    yield app
    queries.close(app)


# ---- END remote-store endpoint fixtures --------------------------------------------------------
