"""The review report of a draft, in Markdown and HTML: what was extracted, with its quote and a
confidence, and first of all what needs a human (new or ambiguous names, inferred years,
passages nothing was extracted from, layout the PDF scrambled, content exempt from disclosure).
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from dataclasses import dataclass

from politiraad_graph.ingest.draft import Draft
from politiraad_graph.ingest.pipeline import Extraction

Span = tuple[int, int]
_LOW = 0.7  # facts below this confidence are listed for a check


@dataclass
class Section:
    title: str
    intro: str
    header: list[str]
    rows: list[list[str]]


def _quote(text: str, limit: int = 220) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def _uncovered(extraction: Extraction, draft: Draft) -> list[Span]:
    """Sentences of five words or more that no extracted fact quotes."""
    covered = sorted(draft.covered)
    found = []
    for start, end in extraction.layout.sentences():
        if len(extraction.text[start:end].split()) < 5:
            continue
        if any(s < end and start < e for s, e in covered):
            continue
        found.append((start, end))
    return found


def sections(extraction: Extraction, draft: Draft) -> list[Section]:
    """The sections of the report, needs-a-human first."""
    x = extraction
    text = x.text
    out: list[Section] = []
    new = [t for t in draft.new_things if t["kind"] != "ambiguous person"]
    out.append(
        Section(
            "Nye i referansedata / New in the reference data",
            "Not found in data/reference/. Each is proposed in new-reference.ttl: correct or "
            "delete it there (or point the draft to an existing resource) before "
            "`politiraad accept`.",
            ["kind", "proposed IRI", "label", "quote"],
            [[t["kind"], t["iri"], t["label"], _quote(t["quote"])] for t in new],
        )
    )
    ambiguous = [t for t in draft.new_things if t["kind"] == "ambiguous person"]
    ambiguous += [
        {
            "kind": "person",
            "label": p.written,
            "quote": text[p.entry[0] : p.entry[1]],
            "note": p.person.note,
        }
        for p in x.participants
        if p.person.status == "variant"
    ]
    ambiguous += [
        {
            "kind": "person",
            "label": h.written,
            "quote": text[h.span[0] : h.span[1]],
            "note": h.person.note,
        }
        for h in x.post_holdings
        if h.person.status == "variant"
    ]
    out.append(
        Section(
            "Usikre navn / Names to check",
            "Names that matched a known person only approximately, or fit several.",
            ["kind", "written", "quote", "why"],
            [
                [str(t["kind"]), str(t["label"]), _quote(str(t["quote"])), str(t.get("note", ""))]
                for t in ambiguous
            ],
        )
    )
    inferred = []
    if x.meeting.basis:
        inferred.append(["this meeting", x.meeting.key, x.meeting.basis])
    inferred += [[f"meeting {m.key}", m.key, m.basis] for m in x.meetings if m.basis]
    inferred += [
        [f"amount {a.value}", str(a.year), a.year_basis] for a in x.amounts if a.year_basis
    ]
    out.append(
        Section(
            "Utledede år / Inferred years",
            "Dates whose year the text does not write; the basis is recorded as pol:dateBasis.",
            ["what", "date", "basis"],
            inferred,
        )
    )
    layout_rows = [
        [r.kind, f"{r.start}–{r.end}", _quote(text[r.start : r.end], 160), r.note]
        for r in x.layout.regions
    ]
    out.append(
        Section(
            "Oppsett / Layout",
            "Page headers and footers, and boxes of meeting details set beside or inside the "
            "body text. They stay in source.txt as they are; no agenda item or mention context "
            "is taken from them.",
            ["kind", "offsets", "text", "note"],
            layout_rows,
        )
    )
    exempt = [[_quote(text[s:e])] for s, e in x.exempt]
    out.append(
        Section(
            "Unntatt offentlighet / Exempt from disclosure",
            "Markers that content is exempt; only the title of that content and the fact that "
            "it is exempt are in the draft.",
            ["quote"],
            exempt,
        )
    )
    low = [f for f in draft.facts if float(str(f["confidence"])) < _LOW]
    out.append(
        Section(
            "Lav sikkerhet / Low confidence",
            f"Extracted facts with a confidence below {_LOW}.",
            ["kind", "what", "quote", "confidence", "note"],
            [
                [
                    str(f["kind"]),
                    str(f["what"]),
                    _quote(str(f["quote"])),
                    f"{f['confidence']:.2f}",
                    str(f["note"]),
                ]
                for f in low
            ],
        )
    )
    out.append(
        Section(
            "Ikke brukt / Passages nothing was extracted from",
            "Sentences no fact quotes (besides the agenda item they belong to): read them for "
            "anything missed.",
            ["offsets", "text"],
            [[f"{s}–{e}", _quote(text[s:e], 300)] for s, e in _uncovered(x, draft)],
        )
    )
    if x.warnings or x.source.notes:
        out.append(
            Section(
                "Merknader / Warnings",
                "",
                ["warning"],
                [[w] for w in [*x.warnings, *x.source.notes]],
            )
        )
    kinds: dict[str, list[dict[str, object]]] = {}
    for fact in draft.facts:
        kinds.setdefault(str(fact["kind"]), []).append(fact)
    for kind, facts in kinds.items():
        out.append(
            Section(
                f"Uttrukket: {kind} / Extracted: {kind}",
                "",
                ["what", "quote", "confidence", "IRI", "note"],
                [
                    [
                        str(f["what"]),
                        _quote(str(f["quote"])),
                        f"{f['confidence']:.2f}",
                        str(f["iri"]),
                        str(f["note"]),
                    ]
                    for f in facts
                ],
            )
        )
    return out


def _summary_lines(extraction: Extraction, draft: Draft) -> list[tuple[str, str]]:
    x = extraction
    m = x.meeting
    lines = [
        ("Møte / Meeting", str(draft.meeting_iri)),
        ("Dato / Date", m.label_date() + (" (year inferred)" if m.basis else "")),
        ("Type", m.type),
        ("Politiråd / Council", f"{x.council.label} ({x.council.iri})"),
        (
            "Kilde / Source",
            f"{x.source.path.name} ({x.source.format}) → data/sources/{draft.file_name}",
        ),
        ("sha256", x.source.sha256),
        (
            "Tid / Time",
            f"{m.times.begins:%H:%M}–{m.times.ends:%H:%M}" if m.times and m.times.ends else "—",
        ),
        ("Sted / Place", x.place.written if x.place else "—"),
        ("Lest på / Read in", f"{x.seconds:.2f} s"),
    ]
    return lines


def to_markdown(extraction: Extraction, draft: Draft) -> str:
    """The report as Markdown."""
    out = [f"# Gjennomgang av utkast / Review of draft: {draft.meeting_iri.rsplit('/', 1)[-1]}", ""]
    out += [f"- **{k}**: {_md(v)}" for k, v in _summary_lines(extraction, draft)]
    out += [
        "",
        "Accept with `politiraad accept data/drafts/<date>` once everything below is checked.",
        "",
    ]
    for section in sections(extraction, draft):
        out += [f"## {section.title}", ""]
        if section.intro:
            out += [section.intro, ""]
        if not section.rows:
            out += ["_None._", ""]
            continue
        out.append("| " + " | ".join(section.header) + " |")
        out.append("|" + "---|" * len(section.header))
        out += ["| " + " | ".join(_md(c) for c in row) + " |" for row in section.rows]
        out.append("")
    return "\n".join(out)


def _md(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


_CSS = """
body { font-family: system-ui, sans-serif; margin: 2rem; max-width: 80rem; }
table { border-collapse: collapse; width: 100%; margin-bottom: 1.5rem; }
th, td { border: 1px solid #ccc; padding: .3rem .5rem; text-align: left; vertical-align: top; }
th { background: #f2f2f2; } h2 { margin-top: 2rem; } .none { color: #666; font-style: italic; }
"""


def to_html(extraction: Extraction, draft: Draft) -> str:
    """The report as one self-contained HTML page."""
    e = html.escape
    title = f"Gjennomgang av utkast / Review of draft: {draft.meeting_iri.rsplit('/', 1)[-1]}"
    out = [
        "<!doctype html>",
        '<html lang="nb"><head><meta charset="utf-8">',
        f"<title>{e(title)}</title><style>{_CSS}</style></head><body>",
        f"<h1>{e(title)}</h1><dl>",
    ]
    for k, v in _summary_lines(extraction, draft):
        out.append(f"<dt>{e(k)}</dt><dd>{e(v)}</dd>")
    out.append("</dl>")
    for section in sections(extraction, draft):
        out.append(f"<h2>{e(section.title)}</h2>")
        if section.intro:
            out.append(f"<p>{e(section.intro)}</p>")
        if not section.rows:
            out.append('<p class="none">Ingen / None.</p>')
            continue
        out.append(
            "<table><thead><tr>"
            + "".join(f"<th>{e(h)}</th>" for h in section.header)
            + "</tr></thead><tbody>"
        )
        out += ["<tr>" + "".join(f"<td>{e(c)}</td>" for c in row) + "</tr>" for row in section.rows]
        out.append("</tbody></table>")
    out.append("</body></html>")
    return "\n".join(out)


def counts(rows: Iterable[Section]) -> dict[str, int]:
    return {s.title: len(s.rows) for s in rows}
