"""Find where the minutes name a known thing, from the reference data's labels.

Curators tag topics by hand (a topic is rarely named verbatim); organisations, people, places,
programmes, plans and incidents are named, so their mentions are found here and written to
``data/meetings/<date>.mentions.ttl`` beside the curated file, each with its passage.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, ORG, RDF, SKOS, XSD

from politiraad_graph.anchor import passage_iri, source_text
from politiraad_graph.namespaces import ID, OA, POL, SCHEMA
from politiraad_graph.slug import slugify

MENTIONABLE = (
    POL.Council,
    ORG.Organization,
    SCHEMA.Person,
    SCHEMA.Place,
    POL.Programme,
    POL.PlanDocument,
    POL.Plan,
    POL.Agreement,
    POL.Incident,
)
SECTION_CLASSES = (POL.AgendaItem, POL.FollowUpPoint, POL.StatusUpdate)
_SHORT = 3  # shorter labels (e.g. "NO") would match noise


@dataclass(frozen=True)
class Found:
    start: int
    end: int
    thing: URIRef


def _labels(reference: Graph) -> dict[str, set[URIRef]]:
    """Map each label to the things it may name."""
    things: set[URIRef] = set()
    for cls in MENTIONABLE:
        things |= {t for t in reference.subjects(RDF.type, cls) if isinstance(t, URIRef)}
    by_label: dict[str, set[URIRef]] = {}
    for thing in things:
        for predicate in (SKOS.prefLabel, SKOS.altLabel, POL.abbreviation, DCTERMS.title):
            for label in reference.objects(thing, predicate):
                text = " ".join(str(label).split())
                if len(text) >= _SHORT:
                    by_label.setdefault(text, set()).add(thing)
    return by_label


def _pattern(label: str) -> re.Pattern[str]:
    words = [re.escape(w) for w in label.split()]
    first = words[0]
    # A sentence may start with a capital: accept either case for the first letter only.
    if first[:1].isalpha() and not label.isupper():
        first = f"[{first[0].upper()}{first[0].lower()}]{first[1:]}"
    body = r"\s+".join([first, *words[1:]])
    # Not inside a word or a compound ("SaLTo-arbeidet" is SaLTo, "x-OPD" is not OPD), but a list
    # dash before a name is fine ("-OPD"); a genitive -s is the same name ("politiets").
    return re.compile(rf"(?<!\w)(?<!\w-){body}s?(?![\w])")


def find_mentions(text: str, reference: Graph) -> list[Found]:
    """Return non-overlapping mentions, longest label first, skipping ambiguous labels."""
    candidates: list[tuple[int, int, URIRef]] = []
    for label, things in _labels(reference).items():
        if len(things) != 1:
            continue
        (thing,) = things
        for match in _pattern(label).finditer(text):
            candidates.append((match.start(), match.end(), thing))
    candidates.sort(key=lambda c: (-(c[1] - c[0]), c[0]))
    taken: list[tuple[int, int]] = []
    found: list[Found] = []
    for start, end, thing in candidates:
        if any(start < t_end and t_start < end for t_start, t_end in taken):
            continue
        taken.append((start, end))
        found.append(Found(start, end, thing))
    return sorted(found, key=lambda f: (f.start, str(f.thing)))


def _spans(meeting: Graph, node: URIRef) -> list[tuple[int, int]]:
    spans = []
    for passage in meeting.objects(node, POL.evidence):
        start, end = meeting.value(passage, OA.start), meeting.value(passage, OA.end)
        if start is not None and end is not None:
            spans.append((int(start), int(end)))
    return spans


def _sections(meeting: Graph) -> tuple[list[int], list[URIRef], list[tuple[int, int]]]:
    """Return section starts (sorted), their nodes, and spans to leave without context."""
    starts: list[tuple[int, URIRef]] = []
    for cls in SECTION_CLASSES:
        for node in meeting.subjects(RDF.type, cls):
            spans = _spans(meeting, node)  # type: ignore[arg-type]
            if spans and isinstance(node, URIRef):
                starts.append((min(s for s, _ in spans), node))
    starts.sort()
    # Attendee lists and meeting metadata may sit inside an item's text (PDF side boxes).
    outside = [
        span
        for cls in (POL.Participation, POL.Meeting)
        for node in meeting.subjects(RDF.type, cls)
        for span in _spans(meeting, node)  # type: ignore[arg-type]
    ]
    return [s for s, _ in starts], [n for _, n in starts], outside


def mention_graph(meeting: Graph, reference: Graph, sources_dir: Path) -> Graph:
    """Build the mentions graph of one curated meeting."""
    out = Graph()
    meetings = [
        m
        for m in meeting.subjects(POL.minutes, None)
        if isinstance(m, URIRef) and (m, RDF.type, POL.Meeting) in meeting
    ]
    if len(meetings) != 1:
        raise ValueError("a meeting file must describe exactly one meeting with pol:minutes")
    meeting_iri = meetings[0]
    source = meeting.value(meeting_iri, POL.minutes)
    assert isinstance(source, URIRef)
    combined = meeting + reference
    text = source_text(combined, source, sources_dir)
    starts, nodes, outside = _sections(meeting)
    tail_end = max((e for n in nodes[-1:] for _, e in _spans(combined, n)), default=len(text))
    for found in find_mentions(text, reference):
        context: URIRef | None = None
        inside_list = any(s <= found.start < e for s, e in outside)
        index = bisect.bisect_right(starts, found.start) - 1
        if index >= 0 and not inside_list and (index < len(nodes) - 1 or found.start < tail_end):
            context = nodes[index]
        slug = slugify(str(found.thing).rsplit("/", 1)[-1])
        node = URIRef(f"{meeting_iri}/mention/{found.start}-{slug}")
        passage = passage_iri(source, found.start, found.end)
        out.add((node, RDF.type, POL.Mention))
        out.add((node, POL.mentionOf, found.thing))
        out.add((node, POL.meeting, meeting_iri))
        out.add((node, POL.evidence, passage))
        if context is not None:
            out.add((node, POL.context, context))
        out.add((passage, RDF.type, POL.Passage))
        out.add((passage, OA.hasSource, source))
        out.add((passage, OA.exact, Literal(text[found.start : found.end])))
        out.add((passage, OA.start, Literal(found.start, datatype=XSD.integer)))
        out.add((passage, OA.end, Literal(found.end, datatype=XSD.integer)))
    return out


def meeting_files(root: Path) -> Iterable[Path]:
    """The curated meeting files (not the generated mention files)."""
    return (
        p for p in sorted((root / "data" / "meetings").glob("*.ttl")) if ".mentions." not in p.name
    )


def mentions_path(meeting_file: Path) -> Path:
    return meeting_file.with_name(meeting_file.stem + ".mentions.ttl")


def reference_graph(root: Path) -> Graph:
    graph = Graph()
    for path in sorted((root / "data" / "reference").glob("*.ttl")):
        graph.parse(path, format="turtle", publicID=str(ID))
    return graph
