"""Decisions: what the council approved, adopted, signed, noted, deferred or scheduled.

Read from headings ("1. Dagsorden godkjent") and sentences ("Begge dokumentene ble vedtatt og
undertegnet av byrådsleder og politimester", "Dokumentene legges fram for godkjenning i
politirådets møte i mars", "Saken ble utsatt"). A deferral by wording alone ("vil komme tilbake
til", "avklares i") counts only when the sentence names the meeting it is deferred to.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from rdflib import URIRef

from politiraad_graph.ingest.agenda import AgendaItemFound, Structure
from politiraad_graph.ingest.layout import Layout
from politiraad_graph.ingest.meetings import MeetingFound

Span = tuple[int, int]

_TYPES: list[tuple[str, re.Pattern[str]]] = [
    (
        "scheduled-for-approval",
        re.compile(
            r"\b(?:legges|lagt|legge)\s+(?:fram|frem)\s+(?:til|for)\s+(?:godkjenning|vedtak|behandling)"
            r"|\bfremmes\s+(?:til|for)\s+(?:godkjenning|vedtak)|\btil\s+godkjenning\s+(?:i|på)\s",
            re.I,
        ),
    ),
    ("approved", re.compile(r"(?<!for\s)\b(?:godkjent|godkjennes|godkjente|godkjendt)\b", re.I)),
    ("adopted", re.compile(r"\b(?:vedtatt|vedtas|vedtok|vedtak\s+ble\s+fattet)\b", re.I)),
    ("signed", re.compile(r"\b(?:undertegnet|undertegnes|signert|signeres|underskrevet)\b", re.I)),
    ("noted", re.compile(r"\b(?:tatt|tas|tok\s+\S+(?:\s+\S+)?)\s+til\s+orientering\b", re.I)),
    ("deferred", re.compile(r"\b(?:utsatt|utsettes|utsette)\b", re.I)),
]
_DEFER_TO_MEETING = re.compile(
    r"\b(?:komme\s+(?:nærmere\s+)?tilbake\s+til|avklares|behandles|tas\s+opp(?:\s+igjen)?|"
    r"følges\s+opp)\b",
    re.I,
)
_NEGATED = re.compile(r"\bikke\s+(?:\w+\s+)?(?:godkjent|vedtatt|undertegnet|signert)\b", re.I)
_SIGNATORIES = re.compile(r"\b(?:undertegnet|signert|underskrevet)\s+av\s+(?P<who>[^.;]+)", re.I)


@dataclass
class DecisionFound:
    """One decision: its types, the sentence that says so, its item and what it concerns."""

    types: list[str]
    span: Span
    item: AgendaItemFound | None
    scheduled_for: MeetingFound | None = None
    signatory_text: str | None = None
    signatories: list[URIRef] = field(default_factory=list)
    objects: list[URIRef] = field(default_factory=list)
    confidence: float = 0.8
    in_followup: bool = False


def find_decisions(
    layout: Layout,
    structure: Structure,
    meetings: list[MeetingFound],
) -> list[DecisionFound]:
    """Find decisions in headings and sentences, in text order; one per item of a joint heading."""
    text = layout.text
    spans: list[Span] = []
    for agenda_item in structure.items:
        if agenda_item.heading not in spans:
            spans.append(agenda_item.heading)
    for span in layout.sentences():
        if not any(s <= span[0] < e for s, e in spans):
            spans.append(span)
    spans.sort()
    followup = structure.followup_section
    found: list[DecisionFound] = []
    for start, end in spans:
        sentence = text[start:end]
        if _NEGATED.search(sentence):
            continue
        types = [name for name, pattern in _TYPES if pattern.search(sentence)]
        if "scheduled-for-approval" in types and "approved" in types:
            types.remove("approved")
        target = _meeting_in(meetings, start, end)
        deferral = target is not None and _DEFER_TO_MEETING.search(sentence)
        if not types and deferral and target is not None and target.status == "planned":
            types = ["deferred"]
        if not types:
            continue
        scheduled = target if {"deferred", "scheduled-for-approval"} & set(types) else None
        signatory = _SIGNATORIES.search(sentence)
        item = structure.item_at(start)
        in_followup = followup is not None and followup[0] <= start < followup[1]
        items: list[AgendaItemFound | None] = [item]
        if item is not None and item.joint:
            items = [i for i in structure.items if i.position in {item.position, *item.joint}]
        for each in items:
            found.append(
                DecisionFound(
                    list(types),
                    (start, end),
                    None if in_followup else each,
                    scheduled,
                    signatory.group("who").strip() if signatory else None,
                    confidence=0.85 if item is not None and (start, end) == item.heading else 0.75,
                    in_followup=in_followup,
                )
            )
    return found


def _meeting_in(meetings: list[MeetingFound], start: int, end: int) -> MeetingFound | None:
    for meeting in meetings:
        if any(start <= s < end or s <= start < e for s, e in meeting.spans):
            return meeting
    return None
