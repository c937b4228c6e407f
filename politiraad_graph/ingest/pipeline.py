"""Run every extractor over one file of minutes and collect what they found."""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import URIRef

from politiraad_graph.ingest.agenda import AgendaItemFound, Structure, find_structure
from politiraad_graph.ingest.amounts import AmountFound, find_amounts
from politiraad_graph.ingest.decisions import DecisionFound, find_decisions
from politiraad_graph.ingest.exempt import find_exempt_markers
from politiraad_graph.ingest.fields import Field, find_fields
from politiraad_graph.ingest.followups import FollowUpSection, find_followups
from politiraad_graph.ingest.layout import Layout, analyse
from politiraad_graph.ingest.meetings import (
    MeetingFound,
    YearContext,
    find_own_meeting,
    find_referenced_meetings,
)
from politiraad_graph.ingest.mentions import MentionFinder, MentionFound
from politiraad_graph.ingest.names import OrgMatcher, PersonMatcher, PostMatcher
from politiraad_graph.ingest.norsk import key, normalise_space, strip_definite
from politiraad_graph.ingest.participants import (
    Absence,
    Matchers,
    Participant,
    PostHoldingFound,
    find_participants,
    find_post_holdings,
    find_speakers,
)
from politiraad_graph.ingest.reference import Reference
from politiraad_graph.ingest.source import IngestError, Source, read_source
from politiraad_graph.namespaces import ID
from politiraad_graph.slug import slugify

Span = tuple[int, int]
_COUNCIL_RE = re.compile(
    r"(?<![\w])(?i:politiråd(?:et)?[ \t]+(?:i|for))[ \t]+"
    r"(?P<place>[A-ZÆØÅ][\wæøå\-]+(?:[ \t]+(?:og[ \t]+)?[A-ZÆØÅ][\wæøå\-]+)?)"
)
_MINUTES_WORDS = re.compile(r"politiråd|referat|møte|dagsorden|sak\s+\d", re.IGNORECASE)


@dataclass
class CouncilFound:
    iri: URIRef
    label: str
    new: bool
    span: Span | None


@dataclass
class PlaceFound:
    iri: URIRef | None
    written: str
    new: bool
    span: Span


@dataclass
class Extraction:
    """Everything read from one file of minutes."""

    source: Source
    layout: Layout
    reference: Reference
    council: CouncilFound
    meeting: MeetingFound
    fields: list[Field]
    structure: Structure
    place: PlaceFound | None = None
    participants: list[Participant] = field(default_factory=list)
    absences: list[Absence] = field(default_factory=list)
    post_holdings: list[PostHoldingFound] = field(default_factory=list)
    decisions: list[DecisionFound] = field(default_factory=list)
    followups: FollowUpSection | None = None
    meetings: list[MeetingFound] = field(default_factory=list)
    amounts: list[AmountFound] = field(default_factory=list)
    mentions: list[MentionFound] = field(default_factory=list)
    exempt: list[Span] = field(default_factory=list)
    convened_by: tuple[URIRef, Span] | None = None
    presenters: dict[int, list[URIRef]] = field(default_factory=dict)
    responsible: dict[int, list[URIRef]] = field(default_factory=dict)
    seconds: float = 0.0
    warnings: list[str] = field(default_factory=list)

    @property
    def date_key(self) -> str:
        return self.meeting.key

    @property
    def text(self) -> str:
        return self.source.text


def extract(path: Path, project_root: Path, reference: Reference | None = None) -> Extraction:
    """Read one file of minutes and run every extractor; raise IngestError on bad input."""
    started = time.perf_counter()
    source = read_source(path)
    reference = reference or Reference.load(project_root)
    return extract_source(source, reference, started)


def extract_source(
    source: Source, reference: Reference, started: float | None = None
) -> Extraction:
    """Run every extractor over a source already read."""
    started = time.perf_counter() if started is None else started
    text = source.text
    path = source.path
    if not re.search(r"politiråd", text, re.IGNORECASE) or len(_MINUTES_WORDS.findall(text)) < 2:
        raise IngestError(
            f"{path}: this does not look like minutes of a politiråd "
            "(no 'politiråd', 'referat', 'møte' or agenda items in the text)"
        )
    layout = analyse(text, source.regions)
    fields = find_fields(layout)
    structure = find_structure(layout)
    dated = any(f.meaning in {"time", "date"} for f in fields)
    titled = re.search(r"\b(?:referat|møte|seminar)\b", text[:600], re.IGNORECASE)
    if not structure.items and not dated and not titled:
        raise IngestError(
            f"{path}: this does not look like minutes (no agenda items and no meeting date)"
        )
    fallback = re.search(r"(?<!\d)(20\d\d)(?!\d)", path.name)
    try:
        meeting = find_own_meeting(
            layout, fields, structure, int(fallback.group(1)) if fallback else None
        )
    except IngestError as error:
        raise IngestError(f"{path}: {error}") from error
    council = _council(layout, fields, reference)
    matchers = Matchers(
        PersonMatcher(reference),
        OrgMatcher(reference),
        PostMatcher(reference),
        _home(reference, council),
    )
    extraction = Extraction(source, layout, reference, council, meeting, fields, structure)
    extraction.place = _place(layout, fields, reference)
    participants, absences = find_participants(layout, layout.regions, matchers)
    items = [(i.start, i.end) for i in structure.items]
    participants.extend(find_speakers(layout, items, matchers, participants))
    extraction.participants = participants
    extraction.absences = absences
    holdings = find_post_holdings(layout, matchers)
    extraction.post_holdings = holdings
    extraction.followups = find_followups(layout, structure)
    extraction.meetings = find_referenced_meetings(
        layout, structure, meeting, fields, _year_context(extraction)
    )
    extraction.decisions = find_decisions(layout, structure, extraction.meetings)
    extraction.amounts = find_amounts(
        text,
        [s for s in layout.sentences()],
        meeting.start.year if meeting.start else None,
    )
    extraction.mentions = MentionFinder(reference).find(text, layout.sentences())
    extraction.exempt = find_exempt_markers(text, layout.sentences())
    extraction.convened_by = _convener(layout, matchers)
    extraction.presenters = {
        i.position: _presenters(i, matchers, reference, extraction.council) for i in structure.items
    }
    if extraction.followups:
        for point in extraction.followups.points:
            extraction.responsible[point.number] = _responsible(
                text[point.text_span[0] : point.text_span[1]],
                matchers,
                reference,
                extraction.council,
            )
    if not structure.items:
        extraction.warnings.append("no agenda items were found: check the structure of the minutes")
    extraction.seconds = time.perf_counter() - started
    return extraction


def _year_context(extraction: Extraction) -> YearContext:
    """Dates in a follow-up point's own text are of the point's year (when it was set)."""
    section = extraction.followups

    def context(offset: int) -> tuple[int, str] | None:
        if section is None:
            return None
        for point in section.points:
            if point.text_span[0] <= offset < point.text_span[1]:
                return point.year, (
                    f"follow-up point {point.year}-{point.number} was set in {point.year}; "
                    f"a month it names without a year is read as of {point.year}"
                )
        return None

    return context


def _council(layout: Layout, fields: list[Field], reference: Reference) -> CouncilFound:
    text = layout.text
    candidates: list[tuple[str, Span]] = []
    for f in fields:
        if f.meaning == "council":
            candidates.append((f.value(text), (f.value_start, f.value_end)))
    for match in _COUNCIL_RE.finditer(text):
        place = match.group("place")
        candidates.append(
            (
                f"Politirådet i {place.title() if place.isupper() else place}",
                (match.start(), match.end()),
            )
        )
    councils = reference.of_kind("council")
    for written, span in candidates:
        for council in councils:
            if any(key(label) == key(written) for label in council.labels):
                return CouncilFound(council.iri, council.label, False, span)
    if candidates:
        written, span = candidates[0]
        place = re.sub(r"(?i)^politirådet\s+(?:i|for)\s+", "", written)
        return CouncilFound(
            ID[f"council/politiradet-{slugify(place)}"], f"Politirådet i {place}", True, span
        )
    if len(councils) == 1:
        return CouncilFound(councils[0].iri, councils[0].label, False, None)
    raise IngestError("the minutes do not say which politiråd met")


def _home(reference: Reference, council: CouncilFound) -> set[URIRef]:
    """The council's member organisations and everything below them: where a post named without
    its organisation ("ordfører") is looked for."""
    members = set(reference.council_members(council.iri))
    home = set(members)
    for thing in reference.of_kind("organisation"):
        if members & set(reference.ancestors(thing.iri)):
            home.add(thing.iri)
    return home


def _place(layout: Layout, fields: list[Field], reference: Reference) -> PlaceFound | None:
    text = layout.text
    for f in fields:
        if f.meaning != "place":
            continue
        written = f.value(text).strip(" .")
        if not written:
            continue
        for place in reference.of_kind("place"):
            if any(key(label) == key(written) for label in place.labels):
                return PlaceFound(place.iri, written, False, (f.label_start, f.value_end))
        return PlaceFound(
            ID[f"place/{slugify(written)}"], written, True, (f.label_start, f.value_end)
        )
    return None


_CONVENE_RE = re.compile(
    r"^(?P<who>[A-ZÆØÅ][\wæøå]+(?:\s+[a-zæøå]+)?)\s+(?:inviterte|innkalte|kalte\s+inn)\b",
    re.UNICODE,
)


def _convener(layout: Layout, matchers: Matchers) -> tuple[URIRef, Span] | None:
    for s, e in layout.sentences()[:6]:
        match = _CONVENE_RE.match(layout.text[s:e])
        if match:
            found = matchers.posts.match(strip_definite(match["who"]), [])
            if found.iri is not None:
                return found.iri, (s, e)
    return None


_GENERIC = {"politiet": "police", "kommunen": "municipality", "kommune": "municipality"}


def _member(reference: Reference, council: CouncilFound, which: str) -> URIRef | None:
    for member in reference.council_members(council.iri):
        thing = reference.get(member)
        if thing is None:
            continue
        is_police = "politi" in key(thing.label) or any(
            "politi" in str(a) for a in reference.ancestors(member)
        )
        if (which == "police") == is_police:
            return member
    return None


def _presenters(
    item: AgendaItemFound, matchers: Matchers, reference: Reference, council: CouncilFound
) -> list[URIRef]:
    match = re.search(r"\b(?:fra|ved|v/)\s+(?P<who>[^,.:;()]+)$", item.title, re.IGNORECASE)
    if not match:
        return []
    found: list[URIRef] = []
    for part in re.split(r"\s+og\s+|\s*,\s*", match["who"]):
        part = part.strip()
        if not part:
            continue
        generic = _GENERIC.get(part.lower().split()[-1])
        member = _member(reference, council, generic) if generic else None
        if member is not None:
            found.append(member)
            continue
        post = matchers.posts.match(strip_definite(part), [])
        if post.iri is not None:
            found.append(post.iri)
            continue
        org = matchers.organisations.match(part)
        if org.iri is not None:
            found.append(org.iri)
            continue
        person = matchers.people.match(part)
        if person.iri is not None and not person.is_new:
            found.append(person.iri)
    return found


def _responsible(
    text: str, matchers: Matchers, reference: Reference, council: CouncilFound
) -> list[URIRef]:
    """The council's member organisations a follow-up point names, by name or as "kommunen" and
    "politiet"."""
    members = reference.council_members(council.iri)
    found: list[URIRef] = []
    for member in members:
        thing = reference.get(member)
        if thing is None:
            continue
        labels = [*thing.labels, *thing.abbreviations]
        if any(
            re.search(
                rf"(?<![\w]){re.escape(label)}(?![\w])",
                text,
                re.IGNORECASE if not label.isupper() else 0,
            )
            for label in labels
        ):
            found.append(member)
    for word, which in (("kommunen", "municipality"), ("politiet", "police")):
        if re.search(rf"\b{word}\b", text, re.IGNORECASE):
            generic = _member(reference, council, which)
            if generic is not None and generic not in found:
                found.append(generic)
    return sorted(found, key=str)


def sentence_text(text: str, span: Span) -> str:
    return normalise_space(text[span[0] : span[1]])
