"""The one URL builder: thing IRIs to local paths and back, and every page's machine twins.

A thing's IRI is ``{base}id/{path}``; the server answers ``/id/{path}`` and sends browsers to
``/page/{path}`` (HTML) and clients to ``/data/{path}.{ext}`` (RDF), per "Cool URIs for the
Semantic Web".
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from urllib.parse import quote

from flask import Flask, current_app

RDF_FORMATS: dict[str, tuple[str, str]] = {
    # extension: (media type, rdflib serializer name)
    "ttl": ("text/turtle", "turtle"),
    "jsonld": ("application/ld+json", "json-ld"),
    "nt": ("application/n-triples", "nt"),
    "rdf": ("application/rdf+xml", "xml"),
}

TWIN_FORMATS = "POLITIRAAD_TWIN_FORMATS"
"""Config key: the extensions of the RDF documents a page links (all of RDF_FORMATS if unset).

The static site of a release sets it to the twins it writes next to each page, so that no
page links a document the release does not hold."""


def init_app(app: Flask) -> None:
    """Make the URL builder available to templates."""
    app.jinja_env.globals.update(
        local_url=local_url, page_url=page_url, data_url=data_url, twin_links=twin_links
    )


def base_iri() -> str:
    return str(current_app.config["POLITIRAAD"]["base_iri"])


def thing_path(iri: str) -> str | None:
    """Return the path of a thing under ``id/``, or None for an IRI outside our base."""
    prefix = base_iri() + "id/"
    if not iri.startswith(prefix):
        return None
    return iri[len(prefix) :]


def iri_for(path: str) -> str:
    return f"{base_iri()}id/{path}"


def page_url(iri: str) -> str | None:
    """The local HTML page of a thing, or None if the IRI is not ours."""
    path = thing_path(iri)
    if path is None:
        return None
    path, _, fragment = path.partition("#")
    url = "/page/" + quote(path, safe="/-_.~")
    return f"{url}#{quote(fragment, safe='=,')}" if fragment else url


def data_url(iri: str, ext: str = "ttl") -> str | None:
    """The local RDF document of a thing in one format."""
    path = thing_path(iri)
    if path is None or ext not in RDF_FORMATS:
        return None
    return "/data/" + quote(path.partition("#")[0], safe="/-_.~") + "." + ext


def local_url(iri: str) -> str | None:
    """Where a link to this IRI should point: our page for our things, nothing otherwise."""
    return page_url(iri)


def twin_links(twins: Iterable[Sequence[str | None]]) -> list[Sequence[str | None]]:
    """The (label, url, media type) twins of a page that this application offers."""
    offered = current_app.config.get(TWIN_FORMATS)
    if offered is None:
        return list(twins)
    return [twin for twin in twins if (twin[1] or "").rpartition(".")[2] in offered]
