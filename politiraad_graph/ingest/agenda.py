"""Agenda items: numbered headings ("1.", "Sak 1.", "Sak 1/25", "7. og 8:") or, in a seminar
summary, the bullets of its list of themes; and the other sections of the text (follow-up
points, attachments and notes at the end) that are not agenda items.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from politiraad_graph.ingest.layout import BULLET_RE, HEADING_RE, Layout, Line
from politiraad_graph.ingest.norsk import DASHES, key, normalise_space

Span = tuple[int, int]

_TAIL_RE = re.compile(
    r"^(?=[A-ZÆØÅ])(?:(?:vedlegg|forkortelser|kopi(?:\s+til)?|referent|underskrift(?:er)?|"
    r"signatur)\b\s*:?|om\s+[^:]{1,60}:|godkjent\s+av\s*:|med\s+vennlig\s+hilsen)",
    re.IGNORECASE,
)
_FOLLOWUP_HEADING_RE = re.compile(
    r"^(?:status\s+(?:for|på)\s+)?oppfølgingspunkt(?:er|ene)?\b", re.IGNORECASE
)
_DECISION_TAIL_RE = re.compile(
    r"[\s,:.–-]*(?:(?:er|ble|blir|vart)\s+)?(?:enstemmig\s+)?"
    r"(?:godkjent|godkjennes|vedtatt|vedtas|tatt\s+til\s+orientering|tas\s+til\s+orientering|"
    r"utsatt|utsettes)[.!]?\s*$",
    re.IGNORECASE,
)
_PREDICATE_RE = re.compile(
    r"\s+(?:ble|blir|er|vil\s+bli|skal|var)\s+(?:kort\s+|grundig\s+|nærmere\s+)?"
    r"(?:presentert|gjennomgått|diskutert|drøftet|behandlet|lagt\s+fram|lagt\s+frem|"
    r"orientert\s+om|tatt\s+opp|omtalt|vurdert)\b.*$",
    re.IGNORECASE | re.DOTALL,
)
_THEMES_RE = re.compile(
    r"(?:tema(?:er|ene)?|hovedtemaer|diskutert|drøftet|dagsorden|agenda|program(?:met)?|"
    r"saker|følgende)\s*:\s*$",
    re.IGNORECASE,
)


@dataclass
class AgendaItemFound:
    """An agenda item: number (if numbered), position, title, and the text it spans."""

    position: int
    number: int | None
    title: str
    heading: Span
    start: int
    end: int
    joint: list[int] = field(default_factory=list)  # positions treated together with this one
    case_number: str | None = None
    confidence: float = 0.9
    note: str = ""
    style: str = "numbered"  # or "bullet"

    def key(self) -> str:
        return str(self.number if self.number is not None else self.position)


@dataclass
class Structure:
    """The parts of the text: agenda items, a follow-up section, and tail sections."""

    items: list[AgendaItemFound]
    followup_section: Span | None
    tails: list[Span]
    text_end: int
    joint_parts: list[tuple[int, int, int]] = field(default_factory=list)  # start, end, position

    def item_at(self, offset: int) -> AgendaItemFound | None:
        """The item holding ``offset``; of items treated jointly, the one the passage is about."""
        for start, end, position in self.joint_parts:
            if start <= offset < end:
                return next(i for i in self.items if i.position == position)
        for item in self.items:
            if item.start <= offset < item.end:
                return item
        return None


def find_structure(layout: Layout) -> Structure:
    """Find the agenda items and the other sections of the minutes."""
    lines = [line for line in layout.lines if not layout.in_region(line.start, line.end)]
    end = len(layout.text)
    followup_start = _followup_start(lines)
    tails = _tails(lines)
    headings = [
        line for line in lines if line.kind == "heading" and line.start < (followup_start or end)
    ]
    items = _numbered(layout, headings, followup_start or end, tails)
    if not items:
        items = _bulleted(layout, lines, followup_start or end, tails)
    if items:
        tail_after = [t for t, _ in tails if t > items[-1].heading[1]]
        stop = min([followup_start or end, *tail_after])
        items[-1].end = min(items[-1].end, stop)
    followup = (
        (followup_start, _section_end(followup_start, tails, end)) if followup_start else None
    )
    structure = Structure(
        items, followup, [(s, _section_end(s, tails, end)) for s, _ in tails], end
    )
    structure.joint_parts = _joint_parts(layout, items)
    return structure


def _title_stems(title: str) -> set[str]:
    from politiraad_graph.ingest.norsk import stem

    return {stem(w) for w in re.findall(r"[^\W\d_]{4,}", title.lower())}


def _joint_parts(layout: Layout, items: list[AgendaItemFound]) -> list[tuple[int, int, int]]:
    """Split the text of items treated jointly ("7. og 8: A B") by which item each bullet or
    paragraph is about: the one whose title words it uses; if none or both, the one before."""
    parts: list[tuple[int, int, int]] = []
    done: set[int] = set()
    for item in items:
        if not item.joint or item.position in done:
            continue
        group = sorted(
            [item, *(i for i in items if i.position in item.joint)], key=lambda i: i.position
        )
        done.update(i.position for i in group)
        stems = {i.position: _title_stems(i.title) for i in group}
        shared = set.intersection(*stems.values()) if stems else set()
        stems = {p: s - shared for p, s in stems.items()}
        units: list[tuple[int, int]] = []
        for line in layout.body_lines(item.heading[1], item.end):
            new_unit = (
                line.kind in {"bullet", "heading"}
                or not units
                or (layout.lines[line.index - 1].paragraph != line.paragraph)
            )
            if new_unit:
                units.append((line.start, line.end))
            else:
                units[-1] = (units[-1][0], line.end)
        current = group[0].position
        parts.append((item.start, units[0][0] if units else item.end, current))
        for index, (start, end) in enumerate(units):
            words = set(re.findall(r"[^\W\d_]+", layout.text[start:end].lower()))
            scores = {
                p: sum(1 for s in st if any(w.startswith(s) for w in words))
                for p, st in stems.items()
            }
            best = max(scores.values(), default=0)
            winners = [p for p, v in scores.items() if v == best]
            if best > 0 and len(winners) == 1:
                current = winners[0]
            stop = units[index + 1][0] if index + 1 < len(units) else item.end
            parts.append((start, stop, current))
    return parts


def _followup_start(lines: list[Line]) -> int | None:
    for index, line in enumerate(lines):
        if line.kind in {"bullet", "heading"} or len(line.text.split()) > 16:
            continue
        if _FOLLOWUP_HEADING_RE.match(line.text):
            rest = lines[index + 1 : index + 6]
            if any(HEADING_RE.match(r.text) or BULLET_RE.match(r.text) for r in rest):
                return line.start
    return None


def _tails(lines: list[Line]) -> list[tuple[int, str]]:
    found = []
    for line in lines:
        if line.kind in {"heading"}:
            continue
        match = _TAIL_RE.match(line.text)
        if match and len(line.text.split()) <= 14:
            found.append((line.start, line.text.split(":")[0].strip()))
    return found


def _section_end(start: int, tails: list[tuple[int, str]], end: int) -> int:
    later = [t for t, _ in tails if t > start]
    return min(later) if later else end


def _heading_parts(line: Line) -> re.Match[str] | None:
    return HEADING_RE.match(line.text)


def _chain(
    parsed: list[tuple[Line, re.Match[str]]], case_style: bool, first_at_most: int | None
) -> list[tuple[Line, re.Match[str]]]:
    """The headings that number the agenda in sequence (1, 2, 3 ...; with "Sak n/yy" rising)."""
    chain: list[tuple[Line, re.Match[str]]] = []
    expected: int | None = None
    for line, match in parsed:
        number = int(match["number"])
        joint = int(match["joint"]) if match["joint"] else None
        if case_style:
            if match["year"] and (expected is None or number >= expected):
                chain.append((line, match))
                expected = (joint or number) + 1
            continue
        if expected is None:
            if first_at_most is not None and number > first_at_most:
                continue
        elif number != expected:
            continue
        chain.append((line, match))
        expected = (joint or number) + 1
    return chain


def _numbered(
    layout: Layout, headings: list[Line], stop: int, tails: list[tuple[int, str]]
) -> list[AgendaItemFound]:
    parsed = [(line, m) for line in headings if (m := _heading_parts(line)) is not None]
    case_style = sum(1 for _, m in parsed if m["year"]) >= max(2, len(parsed) // 2)
    chain = _chain(parsed, case_style, first_at_most=2) or _chain(parsed, case_style, None)
    hints = _attachment_hints(layout, tails)
    items: list[AgendaItemFound] = []
    for index, (line, match) in enumerate(chain):
        next_start = chain[index + 1][0].start if index + 1 < len(chain) else stop
        title = _clean_title(match["title"])
        number = int(match["number"])
        case_number = f"{number}/{match['year']}" if match["year"] else None
        heading = (line.start, line.end)
        if match["joint"]:
            numbers = list(range(number, int(match["joint"]) + 1))
            titles, note = _split_joint(title, numbers, hints)
            first_position = len(items) + 1
            positions = list(range(first_position, first_position + len(numbers)))
            for n, t, pos in zip(numbers, titles, positions, strict=True):
                items.append(
                    AgendaItemFound(
                        pos,
                        n,
                        t,
                        heading,
                        line.start,
                        next_start,
                        [p for p in positions if p != pos],
                        case_number,
                        0.8,
                        note,
                    )
                )
            continue
        items.append(
            AgendaItemFound(
                len(items) + 1, number, title, heading, line.start, next_start, [], case_number
            )
        )
    return items


def _clean_title(raw: str) -> str:
    title = suspended_hyphen(normalise_space(raw))
    title = _DECISION_TAIL_RE.sub("", title)
    return title.strip(" :.;,")


def _attachment_hints(layout: Layout, tails: list[tuple[int, str]]) -> dict[int, str]:
    """Titles given per item number at the end ("Pkt. 7 – Politirådsavtale 2023 – 2025")."""
    hints: dict[int, str] = {}
    pattern = re.compile(rf"^(?:pkt\.?|punkt|sak)\s*(\d{{1,2}})\s*[{DASHES}:.]\s*(.+)$", re.I)
    for line in layout.lines:
        match = pattern.match(line.text)
        if match:
            hints.setdefault(int(match.group(1)), normalise_space(match.group(2)).strip(" .:"))
    return hints


def _split_joint(title: str, numbers: list[int], hints: dict[int, str]) -> tuple[list[str], str]:
    """Titles of items treated jointly under one heading ("7. og 8: A B")."""
    if all(n in hints for n in numbers):
        found = [hints[n] for n in numbers]
        if all(key(t) in key(title) for t in found):
            return found, "titles of the joint heading split by the list of attachments"
    if len(numbers) == 2:
        for separator in (r"\s+/\s+", r"\s*;\s*", r"\s+og\s+"):
            parts = re.split(separator, title)
            if len(parts) == 2:
                return [p.strip() for p in parts], "joint heading split at its separator"
        years = list(re.finditer(rf"\d{{4}}\s*[{DASHES}]\s*\d{{4}}\s+(?=[A-ZÆØÅ])", title))
        if len(years) == 1:
            cut = years[0].end()
            return [
                title[:cut].strip(),
                title[cut:].strip(),
            ], "joint heading split after its period"
    return [title] * len(numbers), "joint heading not split; every item has the whole title"


def _bulleted(
    layout: Layout, lines: list[Line], stop: int, tails: list[tuple[int, str]]
) -> list[AgendaItemFound]:
    text = layout.text
    candidates = [line for line in lines if line.start < stop]
    start_index = None
    for index, line in enumerate(candidates):
        if line.kind == "bullet" and index > 0:
            before = text[max(0, line.start - 300) : line.start]
            if _THEMES_RE.search(before.rstrip()):
                start_index = index
                break
    if start_index is None:
        return []
    first = BULLET_RE.match(candidates[start_index].text)
    assert first is not None
    marker = first["marker"]
    tops: list[Line] = []
    last_end = candidates[start_index].end
    for line in candidates[start_index:]:
        match = BULLET_RE.match(line.text)
        if any(t == line.start for t, _ in tails):
            break
        if match and match["marker"] == marker:
            tops.append(line)
        elif line.kind != "bullet" and line.paragraph != layout.lines[line.index - 1].paragraph:
            break  # a new paragraph that is not a bullet ends the list
        last_end = line.end
    items: list[AgendaItemFound] = []
    for index, line in enumerate(tops):
        item_end = tops[index + 1].start if index + 1 < len(tops) else last_end
        body = text[line.start : item_end]
        title, heading_end, note = _bullet_title(body)
        items.append(
            AgendaItemFound(
                index + 1,
                None,
                title,
                (
                    line.start + (len(line.text) - len(line.text.lstrip("•▪●◦·*-–o ").lstrip())),
                    line.start + heading_end,
                ),
                line.start,
                item_end,
                [],
                None,
                0.75,
                note,
                "bullet",
            )
        )
    return items


def _bullet_title(body: str) -> tuple[str, int, str]:
    """The title of a bullet item: the subject of its first sentence (or of each sentence
    that says what "ble presentert/gjennomgått/diskutert"), and where that sentence ends."""
    marker = re.match(r"\s*(?:[•▪●◦·*]|[" + DASHES + r"]|o(?=\s))\s*", body)
    offset = marker.end() if marker else 0
    text = body[offset:]
    sentences = re.split(r"(?<=[.!?])\s+(?=[A-ZÆØÅ])", text)
    first = sentences[0]
    # A list introduced by ":" belongs to the item, not to its title.
    colon = re.search(r"\.\s|:\s*$|:\s*\n", first)
    first_end = offset + len(first)
    subjects = []
    for sentence in sentences:
        flat = normalise_space(sentence)
        cut = _PREDICATE_RE.search(flat)
        if not cut:
            break
        subjects.append(flat[: cut.start()])
    if subjects:
        joined = subjects[0] + "".join(" og " + s[:1].lower() + s[1:] for s in subjects[1:])
        title = _compact_periods(joined)
        note = "title taken from the subject of the bullet's sentences"
    else:
        flat = normalise_space(first)
        if colon and ":" in flat and len(flat.split(":")[0].split()) >= 2:
            flat = flat.split(":")[0]
        title = _compact_periods(flat.rstrip(" .:"))
        note = "title taken from the bullet's first sentence"
    return title, first_end, note


def suspended_hyphen(title: str) -> str:
    """Close up a compound hyphen a PDF spaced out: "Kriminalitets – og" → "Kriminalitets- og".

    >>> suspended_hyphen("Kriminalitets – og trusselbilde")
    'Kriminalitets- og trusselbilde'
    """
    return re.sub(rf"(?<=\w)\s+[{DASHES}]\s+(?=(?:og|eller)\s)", "- ", title)


def _compact_periods(title: str) -> str:
    """Write a period the short way: "for perioden 2026 – 2028" → "2026–2028"."""
    title = suspended_hyphen(title)
    title = re.sub(rf"\s*for\s+perioden\s+(\d{{4}})\s*[{DASHES}]\s*(\d{{4}})", r" \1–\2", title)
    return normalise_space(title)


def summary(layout: Layout, item: AgendaItemFound, limit: int = 900) -> str:
    """The item's text without its heading and without side boxes, cut at a sentence end."""
    parts = [
        layout.text[s:e]
        for s, e in layout.sentences(item.start, item.end)
        if not (s <= item.heading[0] < e) or item.style == "bullet"
    ]
    text = normalise_space(" ".join(parts))
    text = re.sub(r"(?:(?<=^)|(?<=\s))[-–•]\s?(?=\S)", "", text)
    if len(text) <= limit:
        return text
    cut = text.rfind(". ", 0, limit)
    return text[: cut + 1] if cut > 0 else text[:limit].rstrip() + " …"
