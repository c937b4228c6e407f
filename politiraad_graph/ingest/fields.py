"""Header fields of minutes: "Tid:", "Sted:", "Til stede:", "Møtested:", "Møtetid:" ...

A field's value runs to the next field label or the end of its line; the fields that hold lists
of people ("Til stede:", "Forfall:") run on over the following lines up to the next field.
"""

from __future__ import annotations

from dataclasses import dataclass

from politiraad_graph.ingest.layout import FIELD_RE, Layout

# What each label means, in the words the extractors use.
CANONICAL: dict[str, str] = {
    "tid": "time",
    "dato": "date",
    "møtedato": "date",
    "møtetid": "time",
    "sted": "place",
    "møtested": "place",
    "møtegruppe": "council",
    "møteleder": "chair",
    "til stede": "present",
    "tilstede": "present",
    "deltakere": "present",
    "deltagere": "present",
    "medlemmer": "members",
    "andre deltakere": "others",
    "andre til stede": "others",
    "forfall": "absent",
    "meldt forfall": "absent",
    "fraværende": "absent",
    "saksbehandler": "case-officer",
    "referent": "case-officer",
    "sekretær": "case-officer",
    "sekretariat": "case-officer",
    "observatør": "observer",
    "observatører": "observer",
    "inviterte": "invited",
    "gjester": "invited",
    "innledere": "invited",
    "kopi": "copy",
    "neste møte": "next-meeting",
    "arkivsak": "reference",
    "saksnr": "reference",
    "vår ref": "reference",
}
LIST_FIELDS = {"present", "members", "others", "absent", "invited", "observer"}


@dataclass(frozen=True)
class Field:
    """One header field: its label as written, what it means, and the span of its value."""

    label: str
    meaning: str
    label_start: int
    value_start: int
    value_end: int

    def value(self, text: str) -> str:
        return " ".join(text[self.value_start : self.value_end].split())


def find_fields(layout: Layout, start: int = 0, end: int | None = None) -> list[Field]:
    """Find the header fields between start and end.

    >>> from politiraad_graph.ingest.layout import analyse
    >>> text = "Tid: 12. mars 2025 kl. 09.00\\nSted: Rådhuset\\nTil stede: Kari Moe,\\nOla Berg"
    >>> for f in find_fields(analyse(text)):
    ...     print(f.meaning, f.value(text))
    time 12. mars 2025 kl. 09.00
    place Rådhuset
    present Kari Moe, Ola Berg
    """
    text = layout.text
    end = len(text) if end is None else end
    raw: list[tuple[str, int, int]] = []  # label, label start, value start
    for line in layout.lines:
        if line.start < start or line.end > end:
            continue
        for match in FIELD_RE.finditer(line.text):
            before = line.text[: match.start()].rstrip()
            # A label counts at the start of a line, or after another field or a heading.
            if before and not before.endswith((":", ")")) and match.start() > 40:
                continue
            raw.append((match["label"], line.start + match.start(), line.start + match.end()))
    fields: list[Field] = []
    for index, (label, label_start, value_start) in enumerate(raw):
        meaning = CANONICAL.get(" ".join(label.lower().split()), "other")
        next_label = raw[index + 1][1] if index + 1 < len(raw) else end
        holder = layout.line_at(value_start) or layout.line_at(label_start)
        line_end = holder.end if holder is not None else next_label
        value_end = min(next_label, line_end)
        if meaning in LIST_FIELDS:
            value_end = _list_end(layout, value_start, next_label)
        while value_end > value_start and text[value_end - 1].isspace():
            value_end -= 1
        while value_start < value_end and text[value_start].isspace():
            value_start += 1
        fields.append(Field(label, meaning, label_start, value_start, value_end))
    return fields


def _list_end(layout: Layout, value_start: int, limit: int) -> int:
    """A list field runs over following lines until the next field, a heading or body text."""
    end = value_start
    first = layout.line_at(value_start)
    for line in layout.lines:
        if line.end <= value_start:
            continue
        if line.start >= limit:
            break
        later = first is not None and line.index > first.index
        if later and line.kind in {"heading", "body"} and not _looks_like_names(line.text):
            break
        new_paragraph = layout.lines[line.index - 1].paragraph != line.paragraph
        if later and new_paragraph and line.kind == "body":
            break
        end = line.end
    return min(end, limit) if end > value_start else value_start


def _looks_like_names(text: str) -> bool:
    """A line of an attendee list: comma-separated capitalised names, no full sentence."""
    parts = [p.strip() for p in text.replace(";", ",").split(",") if p.strip()]
    return bool(parts) and not text.rstrip().endswith(".") and all(p[:1].isupper() for p in parts)
