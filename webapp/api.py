"""JSON API for scripts: small, stable, documented; the JSON twins of search and the tracker."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify, request

from webapp import pages
from webapp import search as store
from webapp.urls import page_url

bp = Blueprint("api", __name__, url_prefix="/api")


@bp.get("/search")
def search() -> Response:
    """``/api/search?q=...&type=&year=&meeting=&topic=``: hits and facet counts."""
    query = request.args.get("q", "").strip()[:200]
    filters = {f: request.args[f] for f in store.FACETS if request.args.get(f)}
    if not query:
        return jsonify({"query": "", "total": 0, "hits": [], "facets": {}})
    results = store.run_search(query, filters)
    hits: list[dict[str, Any]] = [
        {
            "iri": hit.document.iri,
            "kind": hit.document.kind,
            "name": str(pages.name(hit.document.iri)),
            "text": str(hit.document.text),
            "page": page_url(hit.document.iri),
            "score": round(hit.score, 3),
            "meetings": sorted(hit.document.meetings),
            "years": sorted(hit.document.years),
            "topics": sorted(hit.document.topics),
        }
        for hit in results.hits
    ]
    return jsonify(
        {
            "query": query,
            "filters": filters,
            "total": results.total,
            "hits": hits,
            "facets": {f: dict(v) for f, v in results.facets.items()},
        }
    )


@bp.get("/followups")
def followups() -> Response:
    """``/api/followups?year=``: every follow-up point with its status history."""
    year = request.args.get("year", "").strip()
    points = pages.followup_points(year if year.isdigit() and len(year) == 4 else "")
    status = request.args.get("status", "").strip()
    responsible = request.args.get("responsible", "").strip()
    if status:
        points = [p for p in points if p.latest and p.latest["status"] == status]
    if responsible:
        points = [p for p in points if responsible in p.responsible]
    return jsonify(
        [
            {
                "iri": p.iri,
                "year": p.year,
                "number": p.number,
                "description": str(p.description or ""),
                "responsible": sorted(p.responsible),
                "origin": p.origin or None,
                "statuses": [
                    {
                        "iri": u["iri"],
                        "date": u["date"],
                        "status": u["status"],
                        "text": str(u["text"] or ""),
                        "reportedIn": u["reported_in"] or None,
                    }
                    for u in p.updates
                ],
            }
            for p in points
        ]
    )


@bp.get("/list/<which>")
def things(which: str) -> Response:
    """``/api/list/people`` (or meetings, topics, organisations, places, programmes)."""
    if which not in pages.LISTS:
        missing = jsonify({"error": f"no list {which!r}", "lists": sorted(pages.LISTS)})
        missing.status_code = 404
        return missing
    names = store.catalogue()
    _, kinds = pages.LISTS[which]
    base = store.id_base()
    return jsonify(
        [
            {"iri": iri, "kind": kind, "name": str(pages.name(iri, names)), "page": page_url(iri)}
            for kind in kinds
            for iri in names.things_of(kind)
            if iri.startswith(base)
        ]
    )
