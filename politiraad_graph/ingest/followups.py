"""Follow-up points ("oppfølgingspunkter") of a year, each with its "Status:" text.

A follow-up section starts at a line such as "Oppfølgingspunkter Politirådet i Oslo 2025 –
status pr januar 2026" and holds numbered (or bulleted) points; a point's status follows
"Status:" on the same line or the next. The status is classified from its wording.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from rdflib import URIRef

from politiraad_graph.ingest.agenda import Structure
from politiraad_graph.ingest.layout import BULLET_RE, HEADING_RE, Layout
from politiraad_graph.ingest.norsk import normalise_space

Span = tuple[int, int]

_STATUS_RE = re.compile(r"(?im)^[ \t\u202f]*status\s*:[ \t\u202f]*")
_COMPLETED = re.compile(
    r"\b(?:ble|er|var)\s+(?:\S+\s+)?(?:godkjent|vedtatt|gjennomført|ferdigstilt|avsluttet|"
    r"levert|implementert|fullført|etablert)\b|\b(?:er\s+)?(?:ferdig|avsluttet|fullført)\b\.?$",
    re.I,
)
_CONTINUOUS = re.compile(
    r"\b(?:kontinuerlig\w*|langsiktig\w*|løpende|fortløpende|fremdeles|fortsatt|"
    r"følges\s+opp|i\s+en\s+rekke\s+sammenhenger|jevnlig|varig\w*|permanent\w*)\b",
    re.I,
)
_NOT_STARTED = re.compile(
    r"\b(?:ikke\s+(?:startet|påbegynt|igangsatt|begynt)|ikke\s+kommet\s+i\s+gang|"
    r"gjenstår\s+å\s+starte)\b",
    re.I,
)


@dataclass
class FollowUpFound:
    """One follow-up point and its status text."""

    year: int
    number: int
    text_span: Span
    status_span: Span | None
    status: str | None  # not-started, in-progress, continuous, completed
    status_reason: str = ""
    responsible: list[URIRef] = field(default_factory=list)
    confidence: float = 0.85


@dataclass
class FollowUpSection:
    """The heading of the follow-up section and its points."""

    heading: Span
    year: int
    points: list[FollowUpFound]
    status_year: int | None = None


def classify_status(status: str) -> tuple[str, str]:
    """Classify a status text; return the status and the words that decided it.

    >>> classify_status("Planen ble godkjent i politirådet i juni 2025. Arbeidet følges opp.")[0]
    'completed'
    >>> classify_status("Dette er et langsiktig arbeid.")[0]
    'continuous'
    >>> classify_status("Rapporten har frist 1. mars.")[0]
    'in-progress'
    """
    flat = normalise_space(status)
    lead = re.split(r"(?<=[.!?])\s+", flat)[0] if flat else ""
    completed = _COMPLETED.search(lead)
    if completed:
        return "completed", f"the status opens with «{completed.group(0)}»"
    not_started = _NOT_STARTED.search(flat)
    if not_started:
        return "not-started", f"«{not_started.group(0)}»"
    continuous = _CONTINUOUS.search(flat)
    if continuous:
        return "continuous", f"«{continuous.group(0)}» describes ongoing work"
    return "in-progress", "no completion or ongoing-work wording; work under way"


def find_followups(layout: Layout, structure: Structure) -> FollowUpSection | None:
    """Read the follow-up section: its year and numbered points with statuses."""
    if structure.followup_section is None:
        return None
    text = layout.text
    start, end = structure.followup_section
    heading_line = layout.line_at(start)
    if heading_line is None:
        return None
    heading = (heading_line.start, heading_line.end)
    years = [int(y) for y in re.findall(r"(?<!\d)(20\d\d)(?!\d)", heading_line.text)]
    if not years:
        return None
    year = years[0]
    status_year = years[1] if len(years) > 1 else None
    lines = [line for line in layout.body_lines(heading_line.end, end)]
    starts: list[tuple[int, int]] = []  # (line start, number)
    expected = 1
    for line in lines:
        match = HEADING_RE.match(line.text)
        if (
            (match and int(match["number"]) == expected)
            or (not starts and BULLET_RE.match(line.text))
            or (
                starts and BULLET_RE.match(line.text) and not HEADING_RE.match(text[starts[0][0] :])
            )
        ):
            starts.append((line.start, expected))
            expected += 1
    points: list[FollowUpFound] = []
    for index, (point_start, number) in enumerate(starts):
        point_end = starts[index + 1][0] if index + 1 < len(starts) else end
        body = text[point_start:point_end]
        status_match = _STATUS_RE.search(body)
        number_prefix = re.match(r"\s*(?:\d{1,2}[.)]|[•▪●◦·*\-–])\s*", body)
        text_start = point_start + (number_prefix.end() if number_prefix else 0)
        if status_match:
            text_span = _trim(text, text_start, point_start + status_match.start())
            status_span = _trim(text, point_start + status_match.end(), point_end)
        else:
            text_span, status_span = _trim(text, text_start, point_end), None
        status, reason = (None, "")
        if status_span and status_span[1] > status_span[0]:
            status, reason = classify_status(_without_regions(layout, *status_span))
        else:
            status_span = None
        points.append(FollowUpFound(year, number, text_span, status_span, status, reason))
    return FollowUpSection(heading, year, points, status_year)


def _trim(text: str, start: int, end: int) -> Span:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return (start, end)


def _without_regions(layout: Layout, start: int, end: int) -> str:
    """The text between start and end, leaving out regions (clipped sentence by sentence)."""
    parts = [
        layout.text[max(s, start) : min(e, end)]
        for s, e in layout.sentences()
        if s < end and start < e
    ]
    return " ".join(parts)


def point_text(layout: Layout, span: Span) -> str:
    """The text of a point or status, without page headers or side boxes, on one line."""
    return normalise_space(_without_regions(layout, *span))
