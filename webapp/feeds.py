"""Atom feeds, so staff can follow new meetings and a topic's thread without visiting."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import UTC, datetime

from flask import Blueprint, Response, abort, request, url_for

from webapp import pages
from webapp.i18n import current_lang
from webapp.search import catalogue, pick_text
from webapp.urls import iri_for, page_url

bp = Blueprint("feeds", __name__, url_prefix="/feeds")

ATOM = "http://www.w3.org/2005/Atom"
FEED_MEETINGS = 50  # a feed covers the latest meetings
ET.register_namespace("", ATOM)


def _stamp(day: str) -> str:
    """An Atom date-time for a date, month or year (the first moment of it, UTC)."""
    parts = (day or "1970")[:10].split("-")
    while len(parts) < 3:
        parts.append("01")
    try:
        moment = datetime(int(parts[0]), int(parts[1]), int(parts[2]), tzinfo=UTC)
    except ValueError:
        moment = datetime(1970, 1, 1, tzinfo=UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _add(parent: ET.Element, tag: str, text: str | None = None, **attributes: str) -> ET.Element:
    element = ET.SubElement(parent, f"{{{ATOM}}}{tag}", attributes)
    if text is not None:
        element.text = text
    return element


def _feed(feed_id: str, title: str, entries: list[dict[str, str]]) -> Response:
    root = ET.Element(f"{{{ATOM}}}feed", {"xml:lang": current_lang()})
    _add(root, "id", feed_id)
    _add(root, "title", title)
    _add(root, "updated", max((e["updated"] for e in entries), default=_stamp("")))
    _add(root, "link", rel="self", href=request.base_url)
    _add(root, "link", rel="alternate", type="text/html", href=request.host_url)
    _add(root, "rights", "NLOD 2.0 – Politirådet i Oslo")
    author = _add(root, "author")
    _add(author, "name", "Politirådet i Oslo")
    for entry in entries:
        element = _add(root, "entry")
        _add(element, "id", entry["id"])
        _add(element, "title", entry["title"])
        _add(element, "updated", entry["updated"])
        _add(element, "link", rel="alternate", type="text/html", href=entry["link"])
        if entry.get("summary"):
            _add(element, "summary", entry["summary"])
    body = ET.tostring(root, encoding="unicode", xml_declaration=False)
    response = Response('<?xml version="1.0" encoding="utf-8"?>\n' + body)
    response.headers["Content-Type"] = "application/atom+xml; charset=utf-8"
    return response


def _absolute(path: str | None) -> str:
    return request.host_url.rstrip("/") + (path or "/")


@bp.get("/meetings.atom")
def meetings_feed() -> Response:
    """The council's latest meetings, newest first."""
    entries = []
    for meeting in reversed(pages.all_meetings()[-FEED_MEETINGS:]):
        facts = catalogue()
        summary = pick_text(facts.all(meeting.iri, "description"), current_lang())
        entries.append(
            {
                "id": meeting.iri,
                "title": f"{pages.fmt_date(meeting.when)}: {pages.name(meeting.iri)}",
                "updated": _stamp(meeting.when),
                "link": _absolute(page_url(meeting.iri)),
                "summary": str(summary or ""),
            }
        )
    return _feed(_absolute(url_for("feeds.meetings_feed")), pages.w("feed_meetings"), entries)


@bp.get("/<path:path>.atom")
def topic_feed(path: str) -> Response:
    """A topic's thread: one entry per agenda item, decision or follow-up, newest first."""
    iri = iri_for(path)
    if catalogue().kind(iri) != "topic":
        abort(404)
    entries: list[dict[str, str]] = []
    latest = pages.topic_thread(iri)[-FEED_MEETINGS:]
    pages.fill_thread(iri, latest)
    for group in reversed(latest):
        for entry in group.entries:
            about = entry.context or group.meeting
            quotes = " … ".join(f"«{q['exact']}»" for q in entry.quotes)
            entries.append(
                {
                    "id": f"{about}#topic={path.rsplit('/', 1)[-1]}",
                    "title": f"{pages.fmt_date(group.when)}: {pages.name(about)}",
                    "updated": _stamp(group.when),
                    "link": _absolute(page_url(about)),
                    "summary": quotes,
                }
            )
    title = f"{pages.w('feed_topic')}: {pages.name(iri)}"
    return _feed(iri, title, entries)
