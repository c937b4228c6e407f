"""Norwegian dates in the forms minutes use, with the year inferred (and why) when it is missing.

Forms: "13.10.25", "13.10.2025", "13. oktober 2025", "1.mars", "29.-30. januar", "17.-18.11.22",
"30.11.- 01.12", "21.04", "juni 2025", "i mars". A date written without a year is resolved
against a reference date (the meeting's) or a year the context gives ("Møtedatoer for 2023"),
and the basis of that inference is kept for the review and for ``pol:dateBasis``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date

from politiraad_graph.ingest.norsk import DASHES, MONTH_PATTERN, month_number, two_digit_year
from politiraad_graph.ingest.times import find_times

_D = r"(?<![\d.,])(\d{1,2})"
_Y = r"(\d{4}|\d{2})(?![\d])"
_SEP = rf"\s*[{DASHES}]\s*"
_MONTH = rf"({MONTH_PATTERN})(?![a-zæøå])"

_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("iso", re.compile(r"(?<!\d)(\d{4})-(\d{2})-(\d{2})(?!\d)")),
    # 30.11.2023 - 01.12.2023, 30.11.- 01.12
    (
        "num-cross",
        re.compile(
            rf"{_D}\.(\d{{1,2}})\.?(?:(\d{{4}}|\d{{2}}))?{_SEP}(\d{{1,2}})\.(\d{{1,2}})\.?(?:{_Y})?"
        ),
    ),
    # 17.-18.11.22
    ("num-range", re.compile(rf"{_D}\.?{_SEP}(\d{{1,2}})\.(\d{{1,2}})\.{_Y}")),
    # 13.10.25, 13.01.2023
    ("num", re.compile(rf"{_D}\.(\d{{1,2}})\.{_Y}(?!\.\d)")),
    # 30. november - 1. desember 2023
    (
        "text-cross",
        re.compile(rf"{_D}\.\s*{_MONTH}{_SEP}(\d{{1,2}})\.\s*{_MONTH}(?:\s+(\d{{4}}))?", re.I),
    ),
    # 29.-30. januar (2026)
    ("text-range", re.compile(rf"{_D}\.?{_SEP}(\d{{1,2}})\.\s*{_MONTH}(?:\s+(\d{{4}}))?", re.I)),
    # 13. oktober 2025, 1.mars
    ("text", re.compile(rf"{_D}\.\s*{_MONTH}(?:\s+(\d{{4}}))?", re.I)),
    # 21.04, 30.01.
    ("num-short", re.compile(rf"{_D}\.(\d{{1,2}})\.?(?![\d])(?!\.\d)")),
    # juni 2025, januar 2026
    ("month-year", re.compile(rf"(?<![\w]){_MONTH}\s+(\d{{4}})(?!\d)", re.I)),
    # i mars, i slutten av januar
    ("month", re.compile(rf"(?<=\bi\s){_MONTH}|(?<=\bav\s){_MONTH}", re.I)),
]


@dataclass(frozen=True)
class DateMention:
    """A date as written: what it says (parts may be missing) and where."""

    start: int
    end: int
    form: str
    day: int | None
    month: int
    year: int | None
    end_day: int | None = None
    end_month: int | None = None
    end_year: int | None = None
    year_note: str = ""  # how a written year was read ("25" → 2025)

    @property
    def precision(self) -> str:
        return "day" if self.day is not None else "month"


@dataclass(frozen=True)
class ResolvedDate:
    """A date made concrete: first and last day (or month), and how its year was found."""

    mention: DateMention
    first: date | None
    last: date | None
    year: int
    month: int
    basis: str  # empty when the text gives the year

    @property
    def precision(self) -> str:
        return self.mention.precision

    @property
    def inferred(self) -> bool:
        return bool(self.basis)

    def key(self) -> str:
        """The date part of a meeting IRI: YYYY-MM-DD, or YYYY-MM when only the month is known."""
        if self.first is not None:
            return self.first.isoformat()
        return f"{self.year:04d}-{self.month:02d}"


def _year(text: str | None) -> tuple[int | None, str]:
    if not text:
        return None, ""
    value = int(text)
    if value < 100:
        full = two_digit_year(value)
        return full, f"the two-digit year {text} is read as {full}"
    return value, ""


def _valid(day: int | None, month: int | None) -> bool:
    return month is not None and 1 <= month <= 12 and (day is None or 1 <= day <= 31)


def _build(form: str, match: re.Match[str]) -> DateMention | None:
    g = match.groups()
    s, e = match.start(), match.end()
    year: int | None
    month: int | None
    if form == "iso":
        return DateMention(s, e, form, int(g[2]), int(g[1]), int(g[0]))
    if form == "num-cross":
        y1, note1 = _year(g[2])
        y2, note2 = _year(g[5])
        d1, m1, d2, m2 = int(g[0]), int(g[1]), int(g[3]), int(g[4])
        if not (_valid(d1, m1) and _valid(d2, m2)) or (m1, d1) == (m2, d2):
            return None
        return DateMention(s, e, form, d1, m1, y1 or y2, d2, m2, y2 or y1, note2 or note1)
    if form == "num-range":
        year, note = _year(g[3])
        d1, d2, month = int(g[0]), int(g[1]), int(g[2])
        assert month is not None
        if not (_valid(d1, month) and _valid(d2, month)) or d2 <= d1:
            return None
        return DateMention(s, e, form, d1, month, year, d2, month, year, note)
    if form == "num":
        year, note = _year(g[2])
        d, m = int(g[0]), int(g[1])
        return DateMention(s, e, form, d, m, year, year_note=note) if _valid(d, m) else None
    if form == "text-cross":
        first_month, last_month = month_number(g[1]), month_number(g[3])
        year = int(g[4]) if g[4] else None
        if first_month is None or last_month is None:
            return None
        return DateMention(s, e, form, int(g[0]), first_month, year, int(g[2]), last_month, year)
    if form == "text-range":
        month = month_number(g[2])
        year = int(g[3]) if g[3] else None
        d1, d2 = int(g[0]), int(g[1])
        if month is None or d2 <= d1:
            return None
        return DateMention(s, e, form, d1, month, year, d2, month, year)
    if form == "text":
        month = month_number(g[1])
        year = int(g[2]) if g[2] else None
        d = int(g[0])
        if month is None or not _valid(d, month):
            return None
        return DateMention(s, e, form, d, month, year)
    if form == "num-short":
        d, m = int(g[0]), int(g[1])
        return DateMention(s, e, form, d, m, None) if _valid(d, m) else None
    if form == "month-year":
        month = month_number(g[0])
        return DateMention(s, e, form, None, month, int(g[1])) if month else None
    if form == "month":
        word = g[0] or g[1]
        month = month_number(word)
        if month is None or (word.lower().rstrip(".") in {"mar", "mai"} and not word.islower()):
            return None
        return DateMention(s, e, form, None, month, None)
    raise AssertionError(form)


def find_dates(text: str) -> list[DateMention]:
    """Find every date expression, longest first where they overlap, in text order.

    >>> [(d.form, d.day, d.month, d.year) for d in find_dates("møtet 13.10.25 og 4. desember")]
    [('num', 13, 10, 2025), ('text', 4, 12, None)]
    >>> d = find_dates("seminar 29.-30.januar")[0]
    >>> (d.day, d.end_day, d.month, d.year)
    (29, 30, 1, None)
    """
    taken = [(t.start, t.end) for t in find_times(text)]
    found: list[DateMention] = []
    for form, pattern in _PATTERNS:
        for match in pattern.finditer(text):
            if any(s < match.end() and match.start() < e for s, e in taken):
                continue
            mention = _build(form, match)
            if mention is not None:
                found.append(mention)
                taken.append((match.start(), match.end()))
    return sorted(found, key=lambda d: d.start)


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def resolve(
    mention: DateMention,
    *,
    reference: date | None = None,
    year: int | None = None,
    year_basis: str = "",
    direction: str = "nearest",
) -> ResolvedDate | None:
    """Make a date concrete.

    The written year wins; else ``year`` (with ``year_basis``, e.g. a heading "for 2023");
    else the year that puts the date ``direction`` of ``reference``: "future" (the next such
    date on or after it), "past" (the last one before it) or "nearest".

    >>> m = find_dates("21.04")[0]
    >>> r = resolve(m, year=2023, year_basis="from the heading 'Møtedatoer for 2023'")
    >>> r.first.isoformat(), r.basis
    ('2023-04-21', "from the heading 'Møtedatoer for 2023'")
    >>> m = find_dates("i mars")[0]
    >>> r = resolve(m, reference=date(2026, 1, 29), direction="future")
    >>> r.key(), r.basis
    ('2026-03', 'no year is written; 2026 makes it the next March after 2026-01-29')
    """
    basis = mention.year_note
    chosen = mention.year
    if chosen is None and year is not None:
        chosen, basis = year, year_basis
    if chosen is None:
        if reference is None:
            return None
        chosen, basis = _nearest_year(mention, reference, direction)
    first = _safe_date(chosen, mention.month, mention.day) if mention.day else None
    if mention.day is not None and first is None:
        return None
    last = None
    if mention.end_day is not None and mention.end_month is not None:
        end_year = mention.end_year if mention.end_year is not None else chosen
        if mention.end_year is None and mention.end_month < mention.month:
            end_year = chosen + 1  # 30.12 - 02.01 runs into the next year
        last = _safe_date(end_year, mention.end_month, mention.end_day)
    return ResolvedDate(mention, first, last, chosen, mention.month, basis)


def _nearest_year(mention: DateMention, reference: date, direction: str) -> tuple[int, str]:
    day = mention.day or 15
    month_name = _MONTH_EN[mention.month - 1]
    when = f"{month_name} {mention.day}" if mention.day else month_name
    candidates = {
        y: _safe_date(y, mention.month, day)
        for y in (reference.year - 1, reference.year, reference.year + 1)
    }
    same = candidates[reference.year]
    if direction == "future":
        if mention.day is None:
            chosen = reference.year if mention.month >= reference.month else reference.year + 1
        else:
            chosen = reference.year if same and same >= reference else reference.year + 1
        return chosen, f"no year is written; {chosen} makes it the next {when} after {reference}"
    if direction == "past":
        if mention.day is None:
            chosen = reference.year if mention.month <= reference.month else reference.year - 1
        else:
            chosen = reference.year if same and same <= reference else reference.year - 1
        return chosen, f"no year is written; {chosen} makes it the last {when} before {reference}"
    distances = {y: abs((d - reference).days) for y, d in candidates.items() if d is not None}
    best = min(distances, key=lambda y: distances[y])
    return best, f"no year is written; {best} puts {when} nearest to {reference}"


_MONTH_EN = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]


def with_year(mention: DateMention, year: int) -> DateMention:
    """The same mention with a year filled in (for tests and callers that know it)."""
    return replace(mention, year=year, end_year=mention.end_year or year)
