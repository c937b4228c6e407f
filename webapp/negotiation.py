"""Content negotiation for the pages and the SPARQL endpoint: formats, ``Accept``, ``?format=``.

Each answer format has a short name (``?format=ttl``, the extension of a document URL), a media
type and its aliases, and the kinds of answer it can carry: SPARQL results (``select``,
``ask``), graphs (``graph``), or the service description. A request names a format with
``?format=`` (a short name or a media type) or asks for one with ``Accept`` (q-values and
wildcards as RFC 9110 says); the offer with the highest q-value wins, ties going to the order
of the offers, which is the caller's preference.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Format:
    """One answer format: a short name for ``?format=``, its media types and what it can carry."""

    name: str
    media_type: str
    aliases: tuple[str, ...]
    kinds: frozenset[str]
    label: str

    @property
    def media_types(self) -> tuple[str, ...]:
        return (self.media_type, *self.aliases)


_RESULTS = frozenset({"select", "ask"})
FORMATS: tuple[Format, ...] = (
    # Order matters: it is our preference when a client accepts several equally.
    Format("json", "application/sparql-results+json", ("application/json",), _RESULTS, "JSON"),
    Format(
        "xml", "application/sparql-results+xml", ("application/xml", "text/xml"), _RESULTS, "XML"
    ),
    Format("csv", "text/csv", (), frozenset({"select"}), "CSV"),
    Format("tsv", "text/tab-separated-values", (), frozenset({"select"}), "TSV"),
    Format(
        "ttl",
        "text/turtle",
        # Turtle is N3 too: clients that ask for N3 can read it.
        ("application/x-turtle", "text/n3", "text/rdf+n3"),
        frozenset({"graph"}),
        "Turtle",
    ),
    Format("nt", "application/n-triples", (), frozenset({"graph"}), "N-Triples"),
    Format("jsonld", "application/ld+json", (), frozenset({"graph"}), "JSON-LD"),
    Format("rdf", "application/rdf+xml", (), frozenset({"graph"}), "RDF/XML"),
    Format(
        "html",
        "text/html",
        ("application/xhtml+xml",),
        frozenset({"select", "ask", "graph", "description"}),
        "HTML",
    ),
)
BY_NAME = {f.name: f for f in FORMATS}
#: Names ``?format=`` accepts; one name may mean a results format or an RDF one.
FORMAT_NAMES: dict[str, tuple[str, ...]] = {
    "json": ("json", "jsonld"),
    "srj": ("json",),
    "xml": ("xml", "rdf"),
    "srx": ("xml",),
    "csv": ("csv",),
    "tsv": ("tsv",),
    "ttl": ("ttl",),
    "turtle": ("ttl",),
    "n3": ("ttl",),
    "nt": ("nt",),
    "ntriples": ("nt",),
    "n-triples": ("nt",),
    "jsonld": ("jsonld",),
    "json-ld": ("jsonld",),
    "rdf": ("rdf",),
    "rdfxml": ("rdf",),
    "rdf+xml": ("rdf",),
    "html": ("html",),
}
for _format in FORMATS:
    for _media in _format.media_types:
        FORMAT_NAMES.setdefault(_media, (_format.name,))


@dataclass(frozen=True)
class MediaRange:
    type: str
    subtype: str
    q: float

    def specificity(self, media_type: str) -> int | None:
        """How exactly this range names a media type (2, 1, 0), or None if it does not match."""
        kind, _, sub = media_type.partition("/")
        if self.type == "*":
            return 0
        if self.type != kind:
            return None
        if self.subtype == "*":
            return 1
        return 2 if self.subtype == sub else None


def parse_accept(header: str) -> list[MediaRange]:
    """Read an ``Accept`` header; malformed parts are skipped.

    >>> [(r.type, r.subtype, r.q) for r in parse_accept("text/csv;q=0.5, */*;q=0.1")]
    [('text', 'csv', 0.5), ('*', '*', 0.1)]
    """
    ranges = []
    for part in header.split(","):
        media, *params = (p.strip() for p in part.split(";"))
        kind, slash, sub = media.lower().partition("/")
        if not slash or not kind or not sub:
            continue
        q = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = float(value.strip())
                except ValueError:
                    q = -1.0
        if 0.0 <= q <= 1.0 and math.isfinite(q):
            ranges.append(MediaRange(kind, sub, q))
    return ranges


def quality(media_type: str, ranges: Sequence[MediaRange], *, exact: bool = False) -> float:
    """The q-value a client gives a media type: that of its most specific matching range.

    With ``exact``, only a range naming the media type itself counts (used for aliases, so
    ``text/*`` means CSV rather than ``text/xml``).
    """
    best: tuple[int, float] | None = None
    for media_range in ranges:
        found = media_range.specificity(media_type)
        if found is not None and (best is None or (found, media_range.q) > best):
            best = (found, media_range.q)
    if best is None or (exact and best[0] < 2):
        return 0.0
    return best[1]


def negotiate(header: str | None, offers: Sequence[Format]) -> tuple[Format, str] | None:
    """Choose the format and media type a client prefers; ties go to our order.

    >>> fmt, media = negotiate("text/html,application/xml;q=0.9,*/*;q=0.8", FORMATS)
    >>> fmt.name, media
    ('html', 'text/html')
    >>> negotiate("text/csv;q=0, */*", FORMATS[2:4])[0].name
    'tsv'
    >>> negotiate("image/png", FORMATS) is None
    True
    """
    if not offers:
        return None
    ranges = parse_accept(header or "")
    if not (header or "").strip() or not ranges:
        return offers[0], offers[0].media_type
    chosen: tuple[Format, str] | None = None
    best = 0.0
    for offer in offers:
        for media_type in offer.media_types:
            q = quality(media_type, ranges, exact=media_type != offer.media_type)
            if q > best:
                chosen, best = (offer, media_type), q
    return chosen


def named_format(requested: str, offers: Sequence[Format]) -> Format | None:
    """The offer a ``?format=`` value names (a short name or a media type), if any.

    >>> named_format("xml", [BY_NAME["ttl"], BY_NAME["rdf"]]).name
    'rdf'
    >>> named_format("text/turtle", [BY_NAME["html"], BY_NAME["ttl"]]).name
    'ttl'
    >>> named_format("pdf", FORMATS) is None
    True
    """
    names = FORMAT_NAMES.get(requested.strip().lower(), ())
    return next((offer for offer in offers if offer.name in names), None)


__all__ = [
    "BY_NAME",
    "FORMATS",
    "FORMAT_NAMES",
    "Format",
    "MediaRange",
    "named_format",
    "negotiate",
    "parse_accept",
    "quality",
]
