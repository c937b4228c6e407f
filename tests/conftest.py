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


# ---- END pages fixtures ---------------------------------------------------------------------------
