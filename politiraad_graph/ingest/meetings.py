"""Meetings: the one the minutes record (date, time, place, type, council) and the council
meetings they refer to — earlier ones ("Referat fra seminaret 17.-18.11.22"), scheduled ones
("Møtedatoer for 2023", "i det ordinære politirådsmøtet 31.10.25", "i politirådets møte i mars").
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, time

from politiraad_graph.ingest.agenda import Structure
from politiraad_graph.ingest.dates import DateMention, ResolvedDate, find_dates, resolve
from politiraad_graph.ingest.fields import Field
from politiraad_graph.ingest.layout import Layout
from politiraad_graph.ingest.norsk import MONTH_NAMES
from politiraad_graph.ingest.source import IngestError
from politiraad_graph.ingest.times import TimeRange, find_times

Span = tuple[int, int]
YearContext = Callable[[int], tuple[int, str] | None]

_PAST = re.compile(r"\b(?:ble|var|hadde|har\s+vært|avholdt|fant\s+sted|la|fikk)\b", re.I)
_FUTURE = re.compile(
    r"\b(?:vil|skal|legges|blir|neste|kommende|planlagt|avklares|tas\s+opp|fremmes|kommer)\b", re.I
)
_ANCHOR_RE = re.compile(
    r"(?<![\w])(?:"
    r"(?:det\s+)?(?P<k1>ordinære|ekstraordinære)?\s*politirådsmøte(?:t|ne)?(?![\w])"
    r"|politirådets\s+(?:(?P<k2>ordinære|ekstraordinære|neste|årlige)\s+)?(?P<w2>møte|seminar)"
    r"|(?P<w3>møte(?:t)?|seminar(?:et)?)\s+i\s+politirådet(?![\w])"
    r"|(?:i|på|av)\s+politirådet(?![\w])"
    r"|referat(?:et)?\s+fra\s+(?P<w5>møtet|seminaret)"
    r"|(?:på|i|fra)\s+(?P<w6>seminaret)"
    r"|(?P<w7>neste\s+møte)"
    r")\s*(?:den\s+|i\s+|på\s+|,\s*)?",
    re.IGNORECASE,
)
_SCHEDULE_TITLE_RE = re.compile(
    r"møtedatoer|møteplan|møtekalender|neste\s+møter?|møter\s+i\s+\d{4}", re.I
)


@dataclass
class MeetingFound:
    """A meeting of the council, as the minutes give it."""

    key: str  # the date part of its IRI: YYYY-MM-DD, YYYY-MM or YYYY-seminar
    start: date | None
    end: date | None
    approximate: str | None  # "2025-04" or "2025" when only month or year is known
    type: str  # ordinary, extraordinary, seminar
    status: str  # held, planned
    spans: list[Span]
    basis: str = ""
    times: TimeRange | None = None
    description: str = ""
    confidence: float = 0.8
    notes: list[str] = field(default_factory=list)

    def label_date(self) -> str:
        if self.start is not None and self.end is not None:
            return f"{self.start:%d.%m.}–{self.end:%d.%m.%Y}"
        if self.start is not None:
            return f"{self.start:%d.%m.%Y}"
        if self.approximate and len(self.approximate) == 7:
            year, month = self.approximate.split("-")
            return f"{MONTH_NAMES[int(month)]} {year}"
        return self.approximate or self.key


def _type_of(text: str) -> str:
    lower = text.lower()
    if "ekstraordin" in lower:
        return "extraordinary"
    if "seminar" in lower:
        return "seminar"
    return "ordinary"


def _trim(text: str, start: int, end: int) -> Span:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return (start, end)


def find_own_meeting(
    layout: Layout, fields: list[Field], structure: Structure, fallback_year: int | None = None
) -> MeetingFound:
    """The meeting these minutes record: its dates, times, type; held by definition."""
    text = layout.text
    first_item = structure.items[0].start if structure.items else min(len(text), 1500)
    candidates: list[tuple[float, DateMention, Span]] = []
    for f in fields:
        if f.meaning in {"time", "date"}:
            for d in find_dates(text[f.value_start : f.value_end]):
                shifted = _shift(d, f.value_start)
                candidates.append((0.95, shifted, (f.label_start, f.value_end)))
    head_lines = [line for line in layout.lines if line.start < first_item][:6]
    for line in head_lines:
        for d in find_dates(line.text):
            score = 0.9 if line.index < 3 else 0.8
            if d.form in {"month", "month-year"}:
                continue
            candidates.append((score, _shift(d, line.start), (line.start, line.end)))
    if not candidates:
        for s, e in layout.sentences(0, first_item):
            for d in find_dates(text[s:e]):
                if d.form not in {"month", "month-year"}:
                    candidates.append((0.6, _shift(d, s), (s, e)))
    if not candidates:
        raise IngestError(
            "no meeting date found (no 'Tid:'/'Dato:' field and no date in the heading)"
        )
    candidates.sort(key=lambda c: (-c[0], c[1].year is None, c[1].start))
    score, mention, span = candidates[0]
    year, basis = None, ""
    if mention.year is None:
        year, basis = _infer_own_year(text, mention, fallback_year)
        score = min(score, 0.7)
    resolved = resolve(mention, year=year, year_basis=basis)
    if resolved is None or resolved.first is None:
        raise IngestError(
            f"the meeting date {text[mention.start : mention.end]!r} is not a valid date"
        )
    spans = [_trim(text, *span)]
    head = " ".join(
        text[s:e] for s, e in ([(line.start, line.end) for line in head_lines[:2]] + [span])
    )
    meeting_type = _type_of(head)
    times = None
    for f in fields:
        if f.meaning in {"time", "date"}:
            found = find_times(text[f.value_start : f.value_end])
            if found:
                t = found[0]
                times = TimeRange(t.start + f.value_start, t.end + f.value_start, t.begins, t.ends)
    if times is None:
        found = find_times(text[span[0] : span[1]])
        if found:
            t = found[0]
            times = TimeRange(t.start + span[0], t.end + span[0], t.begins, t.ends)
    return MeetingFound(
        key=resolved.key(),
        start=resolved.first,
        end=resolved.last,
        approximate=None,
        type=meeting_type,
        status="held",
        spans=spans,
        basis=resolved.basis,
        times=times,
        confidence=score,
    )


def _shift(d: DateMention, offset: int) -> DateMention:
    from dataclasses import replace

    return replace(d, start=d.start + offset, end=d.end + offset)


def _infer_own_year(text: str, mention: DateMention, fallback: int | None) -> tuple[int, str]:
    """The year of a meeting date written without one: from "<month> <year>" of the same month
    elsewhere in the text, else the year the text names most often, else the file name."""
    dates = find_dates(text)
    same_month = [
        d for d in dates if d.form == "month-year" and d.month == mention.month and d.year
    ]
    if same_month:
        counts = Counter(d.year for d in same_month if d.year is not None)
        year = counts.most_common(1)[0][0]
        written = dict.fromkeys(" ".join(text[d.start : d.end].split()) for d in same_month)
        quotes = ", ".join(f"«{w}»" for w in list(written)[:3])
        return year, (
            f"the minutes write {' '.join(text[mention.start : mention.end].split())!r} without a "
            f"year; {year} is taken from {quotes} in the same text"
        )
    years = Counter(int(y) for y in re.findall(r"(?<!\d)(20\d\d)(?!\d)", text))
    if years:
        year = years.most_common(1)[0][0]
        return (
            year,
            f"no year is written with the date; {year} is the year the text names most often",
        )
    if fallback is not None:
        return fallback, f"no year in the text; {fallback} is taken from the file name"
    raise IngestError("the meeting date has no year and the text names none")


def find_referenced_meetings(
    layout: Layout,
    structure: Structure,
    own: MeetingFound,
    fields: list[Field],
    year_context: YearContext | None = None,
) -> list[MeetingFound]:
    """Council meetings the minutes refer to or schedule, merged by date."""
    text = layout.text
    assert own.start is not None
    found: list[MeetingFound] = []
    # 1. A list of meeting dates ("Møtedatoer for 2023").
    for item in structure.items:
        if not _SCHEDULE_TITLE_RE.search(item.title):
            continue
        heading_year = re.search(r"(?<!\d)(20\d\d)(?!\d)", item.title)
        for line in layout.body_lines(item.heading[1], item.end):
            for d in find_dates(line.text):
                if d.form in {"month", "month-year"}:
                    continue
                mention = _shift(d, line.start)
                if heading_year:
                    year = int(heading_year.group(1))
                    resolved = resolve(
                        mention,
                        year=year,
                        year_basis=f"the minutes write {_written(text, mention)!r}; the year "
                        f"{year} comes from the heading of item {item.key()}, {item.title!r}",
                    )
                else:
                    resolved = resolve(mention, reference=own.start, direction="future")
                if resolved is None or resolved.first is None:
                    continue
                rest = text[mention.end : line.end]
                times = find_times(rest)
                t = times[0] if times else None
                time_range = (
                    TimeRange(t.start + mention.end, t.end + mention.end, t.begins, t.ends)
                    if t
                    else None
                )
                leftover = re.sub(
                    r"(?:kl\.?|klokken)?\s*\d{1,2}[.:]\d{2}\s*(?:[-–]\s*\d{1,2}[.:]\d{2})?",
                    "",
                    rest,
                )
                leftover = leftover.strip(" ,.;:-–")
                found.append(
                    _referenced(
                        resolved,
                        own,
                        _type_of(line.text),
                        [item.heading, (line.start, line.end)],
                        text,
                        time_range,
                        leftover,
                        0.85,
                        "planned" if resolved.first > own.start else "held",
                    )
                )
    # 2. "Neste møte:" fields.
    for f in fields:
        if f.meaning == "next-meeting":
            for d in find_dates(text[f.value_start : f.value_end]):
                resolved = resolve(
                    _shift(d, f.value_start), reference=own.start, direction="future"
                )
                if resolved is not None:
                    found.append(
                        _referenced(
                            resolved,
                            own,
                            "ordinary",
                            [(f.label_start, f.value_end)],
                            text,
                            None,
                            "",
                            0.85,
                            "planned",
                        )
                    )
    # 3. References in sentences.
    dates = find_dates(text)
    by_start = {d.start: d for d in dates}
    for s, e in layout.sentences():
        sentence = text[s:e]
        for match in _ANCHOR_RE.finditer(text, s, e):
            after = match.end()
            kind_word = match.group(0)
            found_date = by_start.get(after)
            seminar = "seminar" in kind_word.lower()
            if found_date is None:
                written_year = re.match(r"(20\d\d)(?!\d)", text[after : after + 4])
                if seminar and written_year:
                    year = int(written_year.group(1))
                    found.append(_seminar_of_year(year, own, (s, e), sentence))
                continue
            d = found_date
            if match["w6"] and d.form not in {"month", "month-year"} and d.day is None:
                continue
            direction = (
                "past" if _PAST.search(sentence) and not _FUTURE.search(sentence) else "future"
            )
            context = year_context(after) if year_context else None
            if d.year is None and context is not None:
                resolved = resolve(d, year=context[0], year_basis=context[1])
            else:
                resolved = resolve(d, reference=own.start, direction=direction)
            if resolved is None:
                continue
            if _FUTURE.search(sentence) and not _PAST.search(sentence):
                status = "planned"
            elif _PAST.search(sentence) and not _FUTURE.search(sentence):
                status = "held"
            else:
                status = (
                    "planned"
                    if (resolved.first or date(resolved.year, resolved.month, 28)) > own.start
                    else "held"
                )
            meeting_type = _type_of(kind_word)
            found.append(
                _referenced(resolved, own, meeting_type, [(s, e)], text, None, "", 0.75, status)
            )
    return _merge(found, own)


def _written(text: str, mention: DateMention) -> str:
    return " ".join(text[mention.start : mention.end].split())


def _referenced(
    resolved: ResolvedDate,
    own: MeetingFound,
    meeting_type: str,
    spans: list[Span],
    text: str,
    times: TimeRange | None,
    description: str,
    confidence: float,
    status: str,
) -> MeetingFound:
    if resolved.first is not None:
        key, approximate = resolved.first.isoformat(), None
    else:
        key = approximate = f"{resolved.year:04d}-{resolved.month:02d}"
    return MeetingFound(
        key=key,
        start=resolved.first,
        end=resolved.last,
        approximate=approximate,
        type=meeting_type,
        status=status,
        spans=[_trim(text, *span) for span in spans],
        basis=resolved.basis,
        times=times,
        description=description,
        confidence=confidence
        if not resolved.basis or resolved.mention.year_note
        else confidence - 0.1,
    )


def _seminar_of_year(year: int, own: MeetingFound, span: Span, sentence: str) -> MeetingFound:
    assert own.start is not None
    status = "held" if year < own.start.year else "planned"
    return MeetingFound(
        key=f"{year}-seminar",
        start=None,
        end=None,
        approximate=str(year),
        type="seminar",
        status=status,
        spans=[span],
        confidence=0.7,
        notes=["known only by its year: " + " ".join(sentence.split())[:120]],
    )


def _merge(found: list[MeetingFound], own: MeetingFound) -> list[MeetingFound]:
    """One meeting per date; a month-only reference joins a dated meeting of that month."""
    merged: dict[str, MeetingFound] = {}
    dated = sorted((m for m in found if m.start is not None), key=lambda m: -m.confidence)
    for meeting in dated:
        if meeting.key == own.key:
            continue
        if meeting.key in merged:
            _join(merged[meeting.key], meeting)
        else:
            merged[meeting.key] = meeting
    for meeting in (m for m in found if m.start is None):
        month_mates = [
            m
            for m in [*merged.values(), own]
            if m.start is not None
            and m.approximate is None
            and meeting.approximate
            and len(meeting.approximate) == 7
            and m.start.strftime("%Y-%m") == meeting.approximate
        ]
        if month_mates:
            if month_mates[0] is not own:
                _join(month_mates[0], meeting)
            continue
        if meeting.key in merged:
            _join(merged[meeting.key], meeting)
        else:
            merged[meeting.key] = meeting
    return sorted(merged.values(), key=lambda m: m.key)


def _join(into: MeetingFound, other: MeetingFound) -> None:
    into.spans.extend(s for s in other.spans if s not in into.spans)
    if into.times is None:
        into.times = other.times
    if into.type == "ordinary" and other.type != "ordinary":
        into.type = other.type
    if not into.description:
        into.description = other.description
    if not into.basis:
        into.basis = other.basis


def meeting_time(value: time | None) -> str | None:
    return value.strftime("%H:%M:%S") if value else None
