"""The web application: SPARQL endpoint for analysts, entity pages for staff."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask, Response

from politiraad_graph.config import load_config


def create_app(test_config: Mapping[str, Any] | None = None) -> Flask:
    """Create the application: defaults, then file and environment, then ``test_config``."""
    app = Flask(__name__)
    settings = load_config({k: v for k, v in (test_config or {}).items() if k.islower()})
    app.config.from_mapping(POLITIRAAD=settings, MAX_CONTENT_LENGTH=settings["max_request_bytes"])
    app.config.update({k: v for k, v in (test_config or {}).items() if k.isupper()})

    from webapp import i18n, queries, urls

    queries.init_app(app)
    i18n.init_app(app)
    urls.init_app(app)

    from webapp import api, discovery, pages, sparql

    app.register_blueprint(sparql.bp)
    app.register_blueprint(pages.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(discovery.bp)

    @app.after_request
    def security_headers(response: Response) -> Response:
        response.headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'",
        )
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        return response

    return app
