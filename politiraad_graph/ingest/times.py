"""Clock times of a meeting: "klokken 12.30 - 13.40", "kl. 09.00–11.00", "13:30–15:30"."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import time

from politiraad_graph.ingest.norsk import DASHES

_CLOCK = r"(?:kl\.?|klokken|klokka)"
_RANGE_RE = re.compile(
    rf"(?:{_CLOCK}\s*|fra\s+)?(?<![\d.:])(?P<h1>\d{{1,2}})[.:](?P<m1>\d{{2}})"
    rf"\s*(?:[{DASHES}]|til)\s*(?:{_CLOCK}\s*)?(?P<h2>\d{{1,2}})[.:](?P<m2>\d{{2}})(?![\d.:]\d)",
    re.IGNORECASE,
)
_SINGLE_RE = re.compile(
    rf"{_CLOCK}\s*(?P<h1>\d{{1,2}})(?:[.:](?P<m1>\d{{2}}))?(?![\d.:]\d)", re.IGNORECASE
)


@dataclass(frozen=True)
class TimeRange:
    """A start time and, when given, an end time, with the span of text that says so."""

    start: int
    end: int
    begins: time
    ends: time | None


def _clock(hour: str, minute: str | None) -> time | None:
    h, m = int(hour), int(minute or 0)
    return time(h, m) if h <= 23 and m <= 59 else None


def find_times(text: str) -> list[TimeRange]:
    """Find clock times and time ranges, in text order.

    >>> [(t.begins.isoformat(), t.ends.isoformat()) for t in find_times("klokken 12.30 - 13.40")]
    [('12:30:00', '13:40:00')]
    >>> [(t.begins.isoformat(), t.ends) for t in find_times("Møtet startet kl. 9")]
    [('09:00:00', None)]
    """
    found: list[TimeRange] = []
    taken: list[tuple[int, int]] = []
    for match in _RANGE_RE.finditer(text):
        begins = _clock(match["h1"], match["m1"])
        ends = _clock(match["h2"], match["m2"])
        explicit = match.group(0)[:1].isalpha()
        # Without "kl."/"klokken", 13.30-15.30 is a time range only if it cannot be a date range.
        if begins and ends and (explicit or begins < ends):
            found.append(TimeRange(match.start(), match.end(), begins, ends))
            taken.append((match.start(), match.end()))
    for match in _SINGLE_RE.finditer(text):
        if any(s < match.end() and match.start() < e for s, e in taken):
            continue
        begins = _clock(match["h1"], match["m1"])
        if begins:
            found.append(TimeRange(match.start(), match.end(), begins, None))
    return sorted(found, key=lambda t: t.start)
