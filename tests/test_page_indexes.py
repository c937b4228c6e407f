"""The page indexes (catalogue and search index) read in-process from the embedded store are
the same as read through the query workers, and can be built before the first request."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import make_pages_app
from flask import Flask

from webapp import queries, search


def catalogue_facts(names: search.Catalogue) -> tuple[object, ...]:
    values = {
        thing: {key: [(str(v), v.lang) for v in found] for key, found in keys.items()}
        for thing, keys in names.values.items()
    }
    return values, names.types, names.mentions_of


def index_facts(index: search.SearchIndex) -> tuple[object, ...]:
    documents = [
        (d.iri, d.kind, str(d.text), d.text.lang, d.meetings, d.years, d.topics)
        for d in index.documents
    ]
    return documents, index.postings, index.vocabulary


def test_in_process_indexes_are_those_of_the_workers(
    pages_app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    with pages_app.test_request_context("/"):
        gen = search.generation()
        assert Path(gen).is_dir()
        direct = search._build_catalogue(gen)
        direct_index = search._build_index(gen, direct)
        # The other stores' path: every index query through the query workers, as rdflib terms.
        monkeypatch.setattr(search, "_open_generation", lambda gen: None)
        workers = search._build_catalogue(gen)
        workers_index = search._build_index(gen, workers)
    assert len(direct.values) > 1000 and len(direct.mentions_of) > 50
    assert catalogue_facts(direct) == catalogue_facts(workers)
    assert len(direct_index.documents) > 100
    assert index_facts(direct_index) == index_facts(workers_index)


def test_the_indexes_can_be_built_before_the_first_request(pages_app: Flask) -> None:
    app = make_pages_app(Path(pages_app.config["POLITIRAAD"]["data_dir"]), store_path(pages_app))
    try:
        search.build_in_background(app).join(120)
        built = app.extensions.get("politiraad_search")
        assert built is not None
        with app.test_request_context("/"):
            assert built.generation == search.generation()
            assert search.search_index() is built  # the first request finds it ready
        assert app.test_client().get("/search?q=ungdom").status_code == 200
    finally:
        queries.close(app)


def store_path(app: Flask) -> Path:
    return Path(app.config["POLITIRAAD"]["store_path"])
