"""The shape of the text: lines, paragraphs, sentences, and blocks that are not body text.

Text from PDFs of minutes comes in two styles: one line break per line and a blank line between
paragraphs, or (as pypdf writes many Word documents) a blank line after every line and a line
holding only a space between paragraphs. Both are read here into the same lines and paragraphs,
with offsets into the verbatim text.

A *meta block* is a run of lines that describe the meeting rather than record it: header fields
("Tid:", "Møtested:", "Saksbehandler:") and lists of who took part. At the top it is the header
block; in the middle of an agenda item it is a side box that PDF extraction put there.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

from politiraad_graph.ingest.norsk import DASHES, LETTER, UPPER
from politiraad_graph.ingest.source import Region

FIELD_LABELS = (
    "Tid",
    "Dato",
    "Sted",
    "Møtested",
    "Møtetid",
    "Møtegruppe",
    "Møteleder",
    "Møtedato",
    "Til stede",
    "Tilstede",
    "Deltakere",
    "Deltagere",
    "Medlemmer",
    "Andre deltakere",
    "Andre til stede",
    "Forfall",
    "Meldt forfall",
    "Fraværende",
    "Saksbehandler",
    "Referent",
    "Sekretær",
    "Sekretariat",
    "Observatør",
    "Observatører",
    "Inviterte",
    "Gjester",
    "Innledere",
    "Kopi",
    "Neste møte",
    "Arkivsak",
    "Saksnr",
    "Vår ref",
)
_LABEL_ALTERNATIVES = "|".join(sorted((re.escape(x) for x in FIELD_LABELS), key=len, reverse=True))
FIELD_RE = re.compile(rf"(?<![{LETTER}])(?P<label>{_LABEL_ALTERNATIVES})\s*:", re.IGNORECASE)
ROLE_HEADING_RE = re.compile(
    r"(?:medlemmer|deltakere|deltagere|til stede|tilstede|observatører?|forfall)\s*:?\s*$",
    re.IGNORECASE,
)
HEADING_RE = re.compile(
    rf"^(?:Sak\s+)?(?P<number>\d{{1,2}})(?:/(?P<year>\d{{2,4}}))?\s*[.:)]?\s+"
    rf"(?:(?:og|&|[{DASHES}])\s*(?P<joint>\d{{1,2}})\s*[.:)]?\s*)?(?P<title>[{UPPER}0-9«\"“].*)$"
)
BULLET_RE = re.compile(rf"^(?P<marker>[•▪●◦·*]|[{DASHES}]|o(?=\s))\s*(?P<rest>\S.*)$")
_NAME = (
    rf"[{UPPER}][{LETTER}'’{DASHES}]+(?:\s+(?:[{UPPER}]\.|[{UPPER}][{LETTER}'’{DASHES}]+)){{1,3}}"
)
ENTRY_RE = re.compile(rf"{_NAME}\s*\(")
_NO_END = (
    r"(?<!\b\d\.)(?<!\b\d\d\.)(?<!\bkl\.)(?<!\bca\.)(?<!\bnr\.)(?<!\bjf\.)(?<!\bpkt\.)"
    r"(?<!\bmill\.)(?<!\bmrd\.)(?<!\bkr\.)(?<!\bbl\.a\.)(?<!\bf\.eks\.)(?<!\bdvs\.)"
    rf"(?<!\b[{UPPER}]\.)"
)
_SENTENCE_END = re.compile(rf"(?<=[.!?]){_NO_END}[\s\u202f]+(?=[{UPPER}0-9«\"“({DASHES}•])")


@dataclass(frozen=True)
class Line:
    """One non-blank line: offsets of its stripped text, its paragraph, and what it looks like."""

    index: int
    start: int
    end: int
    text: str
    paragraph: int
    kind: str  # heading, bullet, field, role, entry, short, body


@dataclass
class Layout:
    text: str
    lines: list[Line]
    paragraphs: list[tuple[int, int]]
    regions: list[Region] = field(default_factory=list)
    _sentences: list[tuple[int, int]] = field(default_factory=list)

    def line_at(self, offset: int) -> Line | None:
        """The line holding ``offset``, if any."""
        starts = [line.start for line in self.lines]
        index = bisect.bisect_right(starts, offset) - 1
        if index >= 0 and self.lines[index].start <= offset <= self.lines[index].end:
            return self.lines[index]
        return None

    def region_at(self, offset: int) -> Region | None:
        """The meta block, header, footer or side box holding ``offset``, if any."""
        for region in self.regions:
            if region.start <= offset < region.end:
                return region
        return None

    def in_region(self, start: int, end: int) -> bool:
        return any(r.start < end and start < r.end for r in self.regions)

    def sentences(self, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
        """Sentences (stripped spans) lying within [start, end), outside regions."""
        end = len(self.text) if end is None else end
        if not self._sentences:
            self._sentences = _split_sentences(self)
        return [(s, e) for s, e in self._sentences if s >= start and e <= end]

    def sentence_at(self, offset: int) -> tuple[int, int] | None:
        """The sentence holding ``offset``."""
        for s, e in self.sentences():
            if s <= offset < e:
                return (s, e)
        return None

    def body_lines(self, start: int = 0, end: int | None = None) -> list[Line]:
        """Lines within [start, end) that are not inside a region."""
        end = len(self.text) if end is None else end
        return [
            line
            for line in self.lines
            if line.start >= start and line.end <= end and not self.in_region(line.start, line.end)
        ]


def _classify(text: str) -> str:
    stripped = text.strip()
    if HEADING_RE.match(stripped) and not re.match(r"^\d{1,2}\.\d", stripped):
        return "heading"
    if BULLET_RE.match(stripped):
        return "bullet"
    field = FIELD_RE.search(stripped)
    if field is not None and field.start() < 40:
        return "field"
    if ROLE_HEADING_RE.search(stripped) and len(stripped.split()) <= 4:
        return "role"
    if ENTRY_RE.search(stripped) or re.match(r"^\([^()]*\)", stripped):
        return "entry"
    words = stripped.split()
    if len(words) <= 6 and not stripped.endswith((".", "!", "?")):
        return "short"
    return "body"


def _paragraph_breaks(raw_lines: list[str]) -> set[int]:
    """Indices of raw lines that separate paragraphs, in either of the two styles."""
    blank = [i for i, line in enumerate(raw_lines) if not line.strip()]
    empty = [i for i in blank if raw_lines[i] == ""]
    spaced = [i for i in blank if raw_lines[i] != ""]
    filled = len(raw_lines) - len(blank)
    double_spaced = filled > 4 and len(empty) >= 0.6 * filled and spaced
    if double_spaced:
        return set(spaced)
    return set(blank)


def analyse(text: str, regions: list[Region] | None = None) -> Layout:
    """Read the lines, paragraphs and meta blocks of a text; keep regions already known."""
    raw_lines = text.split("\n")
    breaks = _paragraph_breaks(raw_lines)
    lines: list[Line] = []
    paragraphs: list[tuple[int, int]] = []
    paragraph, para_start, para_end = 0, -1, -1
    offset = 0
    for index, raw in enumerate(raw_lines):
        if index in breaks:
            if para_start >= 0:
                paragraphs.append((para_start, para_end))
                paragraph += 1
                para_start = -1
        elif raw.strip():
            left = len(raw) - len(raw.lstrip())
            start = offset + left
            end = offset + len(raw.rstrip())
            lines.append(Line(len(lines), start, end, text[start:end], paragraph, _classify(raw)))
            if para_start < 0:
                para_start = start
            para_end = end
        offset += len(raw) + 1
    if para_start >= 0:
        paragraphs.append((para_start, para_end))
    layout = Layout(text, lines, paragraphs, list(regions or []))
    known = list(layout.regions)
    for block in _meta_blocks(layout):
        # A box the PDF geometry found already is described once, as a side box.
        if not any(r.start < block.end and block.start < r.end for r in known):
            layout.regions.append(block)
    layout.regions.sort(key=lambda r: (r.start, r.end))
    return layout


_META_KINDS = {"field", "role", "entry", "short"}


def _meta_blocks(layout: Layout) -> list[Region]:
    """Runs of field, attendee-list and short lines holding at least one field or role line."""
    found: list[Region] = []
    lines = layout.lines
    seen_heading = False
    index = 0
    while index < len(lines):
        if lines[index].kind not in _META_KINDS:
            seen_heading = seen_heading or lines[index].kind == "heading"
            index += 1
            continue
        run_end = index
        while run_end + 1 < len(lines) and lines[run_end + 1].kind in _META_KINDS:
            run_end += 1
        run = lines[index : run_end + 1]
        anchors = [line for line in run if line.kind in {"field", "role"}]
        listed = [line for line in run if line.kind in {"field", "role", "entry"}]
        if (anchors and len(listed) >= 2) or any(FIELD_RE.match(line.text) for line in run):
            body_after = run_end + 1 < len(lines) and lines[run_end + 1].kind in {"body", "bullet"}
            if seen_heading and body_after:
                note = "attendee list and meeting details set inside the running text"
                found.append(Region(run[0].start, run[-1].end, "side-box", note))
            else:
                note = "meeting details and attendee list"
                found.append(Region(run[0].start, run[-1].end, "meeting-details", note))
        index = run_end + 1
    return found


def _split_sentences(layout: Layout) -> list[tuple[int, int]]:
    """Split each paragraph (outside regions) into sentences; lines that open a bullet or a
    heading always start a new sentence, and a heading is a sentence of its own."""
    spans: list[tuple[int, int]] = []
    current: list[Line] = []

    def flush() -> None:
        if not current:
            return
        start, end = current[0].start, current[-1].end
        chunk = layout.text[start:end]
        position = 0
        for match in _SENTENCE_END.finditer(chunk):
            piece = chunk[position : match.start()]
            if piece.strip():
                spans.append(_strip(start + position, start + match.start(), layout.text))
            position = match.end()
        if chunk[position:].strip():
            spans.append(_strip(start + position, end, layout.text))
        current.clear()

    last_paragraph = -1
    for line in layout.lines:
        if layout.in_region(line.start, line.end):
            flush()
            continue
        if (
            line.paragraph != last_paragraph
            or line.kind in {"heading", "bullet", "field"}
            or (current and _ends_title(current[-1]) and line.text[:1].isupper())
        ):
            flush()
        current.append(line)
        last_paragraph = line.paragraph
        if line.kind == "heading":
            flush()
    flush()
    return spans


def _ends_title(line: Line) -> bool:
    """A line that ends a title: in capitals, or short without closing punctuation."""
    letters = [ch for ch in line.text if ch.isalpha()]
    if letters and not any(ch.islower() for ch in letters):
        return True
    return line.kind == "short" and not line.text.rstrip().endswith((",", ";", ":", "og", "-", "–"))


def _strip(start: int, end: int, text: str) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return (start, end)
