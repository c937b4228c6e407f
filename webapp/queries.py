"""The application's access to the store: a pool of killable query workers, made once."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask, current_app
from rdflib.term import Node

from politiraad_graph.store.worker import Answer, QueryRunner

_KEY = "politiraad_runner"


def init_app(app: Flask) -> None:
    """Attach a lazily started query runner to the application."""
    app.extensions[_KEY] = None


def runner() -> QueryRunner:
    """Return the application's query runner, starting its workers on first use."""
    app = current_app
    found: QueryRunner | None = app.extensions.get(_KEY)
    if found is None:
        settings = app.config["POLITIRAAD"]
        found = QueryRunner(settings, workers=int(app.config.get("QUERY_WORKERS", 2)))
        app.extensions[_KEY] = found
    return found


def run(
    text: str,
    bindings: Mapping[str, Node] | None = None,
    *,
    timeout: float | None = None,
    row_cap: int | None = None,
) -> Answer:
    """Run a query through the worker pool, logging its name-free timing in debug mode."""
    return runner().run(text, bindings=bindings, timeout=timeout, row_cap=row_cap)


def close(app: Flask) -> None:
    """Stop the workers (tests and shutdown)."""
    found: Any = app.extensions.get(_KEY)
    if found is not None:
        found.close()
        app.extensions[_KEY] = None
