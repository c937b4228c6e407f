"""Turn an extraction into a draft graph in the project's model, and proposals for new
reference resources (people, organisations, posts, places, a council) in a graph of their own.

Every fact gets ``pol:evidence`` passages anchored to offsets in the source text; the draft
names its IRIs as docs/model.md says. What the minutes do not say is not invented: a value the
extractor had to infer is recorded with its basis (``pol:dateBasis``) or an editorial note.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, ORG, RDF, SKOS, XSD

from politiraad_graph.anchor import passage_iri
from politiraad_graph.ingest.agenda import summary
from politiraad_graph.ingest.followups import point_text
from politiraad_graph.ingest.meetings import MeetingFound
from politiraad_graph.ingest.names import Match, split_name
from politiraad_graph.ingest.norsk import normalise_space
from politiraad_graph.ingest.pipeline import Extraction
from politiraad_graph.namespaces import ID, OA, SCHEMA, bind_prefixes
from politiraad_graph.slug import slugify
from politiraad_graph.vocab import POL

Span = tuple[int, int]
_TYPE_WORDS = {"ordinary": "Møte", "extraordinary": "Ekstraordinært møte", "seminar": "Seminar"}
_TOPIC_LIKE = {"topic", "incident"}


@dataclass
class Draft:
    """The draft graph of a meeting, the proposed reference additions, and the review record."""

    graph: Graph
    proposals: Graph
    source_iri: URIRef
    meeting_iri: URIRef
    file_name: str
    facts: list[dict[str, object]] = field(default_factory=list)  # for the review
    new_things: list[dict[str, str]] = field(default_factory=list)
    covered: list[Span] = field(default_factory=list)


def concept(scheme: str, slug: str) -> URIRef:
    return ID[f"concept/{scheme}/{slug}"]


def file_name_for(extraction: Extraction) -> str:
    """The name the source text will have in data/sources/: <date>_<stem of the file>.txt."""
    stem = slugify(extraction.source.path.stem).replace("-", "_")
    stem = stem.removeprefix(extraction.date_key.replace("-", "_")).strip("_")
    return f"{extraction.date_key}_{stem or 'referat'}.txt"


class _Builder:
    def __init__(self, extraction: Extraction) -> None:
        self.x = extraction
        self.text = extraction.text
        self.g = bind_prefixes(Graph())
        self.p = bind_prefixes(Graph())
        self.date = extraction.date_key
        self.meeting = ID[f"meeting/{self.date}"]
        self.source = ID[f"source/{self.date}"]
        self.draft = Draft(self.g, self.p, self.source, self.meeting, file_name_for(extraction))
        self.proposed: set[URIRef] = set()

    # ------------------------------------------------------------------ helpers
    def passage(self, span: Span) -> URIRef:
        start, end = span
        while start < end and self.text[start].isspace():
            start += 1
        while end > start and self.text[end - 1].isspace():
            end -= 1
        iri = passage_iri(self.source, start, end)
        if (iri, RDF.type, POL.Passage) not in self.g:
            self.g.add((iri, RDF.type, POL.Passage))
            self.g.add((iri, OA.hasSource, self.source))
            self.g.add((iri, OA.exact, Literal(self.text[start:end])))
            self.g.add((iri, OA.start, Literal(start, datatype=XSD.integer)))
            self.g.add((iri, OA.end, Literal(end, datatype=XSD.integer)))
        return iri

    def evidence(self, node: URIRef, spans: list[Span], cover: bool = True) -> None:
        for span in spans:
            if span[1] > span[0]:
                self.g.add((node, POL.evidence, self.passage(span)))
                if cover:
                    self.draft.covered.append(span)

    def quote(self, span: Span) -> str:
        return normalise_space(self.text[span[0] : span[1]])

    def fact(
        self,
        kind: str,
        iri: URIRef,
        what: str,
        spans: list[Span],
        confidence: float,
        note: str = "",
    ) -> None:
        self.draft.facts.append(
            {
                "kind": kind,
                "iri": str(iri),
                "what": what,
                "quote": " … ".join(self.quote(s) for s in spans[:3]),
                "confidence": round(float(confidence), 2),
                "note": note,
            }
        )

    def propose(
        self, iri: URIRef, kind: str, label: str, span: Span | None, note: str = ""
    ) -> None:
        if iri in self.proposed or iri in self.x.reference.things:
            return
        self.proposed.add(iri)
        self.draft.new_things.append(
            {
                "kind": kind,
                "iri": str(iri),
                "label": label,
                "quote": self.quote(span) if span else "",
                "note": note,
            }
        )
        if span is not None:
            quote = BNode()
            self.p.add((iri, POL.evidence, quote))
            self.p.add((quote, OA.exact, Literal(self.quote(span))))
            self.p.add((quote, OA.hasSource, self.source))
        self.p.add(
            (
                iri,
                SKOS.editorialNote,
                Literal(
                    f"Proposed by 'politiraad ingest' from the minutes of {self.date}; "
                    f"check it before accepting. {note}".strip(),
                    lang="en",
                ),
            )
        )

    def person(self, match: Match, written: str, span: Span | None) -> URIRef | None:
        if match.iri is None:
            return None
        if match.is_new:
            words = [w for w in written.split() if not (len(w) <= 2 and w.endswith("."))]
            label = " ".join(words)
            self.p.add((match.iri, RDF.type, SCHEMA.Person))
            self.p.add((match.iri, SKOS.prefLabel, Literal(label)))
            if label != written:
                self.p.add((match.iri, SKOS.altLabel, Literal(written)))
            given, family = split_name(written)
            if given:
                self.p.add((match.iri, SCHEMA.givenName, Literal(given)))
            self.p.add((match.iri, SCHEMA.familyName, Literal(family)))
            self.propose(match.iri, "person", label, span, "Not found in the reference data.")
        return match.iri

    def organisation(self, iri: URIRef | None, written: str | None, span: Span | None) -> None:
        if iri is None or iri in self.x.reference.things or iri in self.proposed:
            return
        label = normalise_space(written or str(iri).rsplit("/", 1)[-1]).strip(" :")
        self.p.add((iri, RDF.type, ORG.Organization))
        self.p.add((iri, SKOS.prefLabel, Literal(label, lang="nb")))
        if label.isupper():
            self.p.add((iri, POL.abbreviation, Literal(label)))
        self.propose(iri, "organisation", label, span, "Not found in the reference data.")

    def post(
        self, iri: URIRef | None, title: str | None, org: URIRef | None, span: Span | None
    ) -> None:
        if iri is None or iri in self.x.reference.things or iri in self.proposed or org is None:
            return
        label = normalise_space(title or "")
        label = (
            label[:1].lower() + label[1:]
            if label[:2].lower() == label[:2].lower() and not label[:2].isupper()
            else label
        )
        self.p.add((iri, RDF.type, ORG.Post))
        self.p.add((iri, SKOS.prefLabel, Literal(label, lang="nb")))
        self.p.add((iri, ORG.postIn, org))
        self.propose(iri, "post", label, span, "Not found in the reference data.")

    # ------------------------------------------------------------------ meeting
    def meeting_title(self, meeting: MeetingFound) -> str:
        return f"{_TYPE_WORDS[meeting.type]} i {self.x.council.label} {meeting.label_date()}"

    def build(self) -> Draft:
        x, g = self.x, self.g
        m = x.meeting
        assert m.start is not None
        council = x.council.iri
        if x.council.new:
            self.p.add((council, RDF.type, POL.Council))
            self.p.add((council, SKOS.prefLabel, Literal(x.council.label, lang="nb")))
            self.propose(
                council,
                "council",
                x.council.label,
                x.council.span,
                "A politiråd not in the reference data.",
            )
        title = self.meeting_title(m)
        g.add((self.meeting, RDF.type, POL.Meeting))
        g.add((self.meeting, DCTERMS.title, Literal(title, lang="nb")))
        g.add((self.meeting, POL.council, council))
        g.add((self.meeting, POL.meetingType, concept("meeting-type", m.type)))
        g.add((self.meeting, POL.meetingStatus, concept("meeting-status", "held")))
        g.add((self.meeting, SCHEMA.startDate, Literal(m.start.isoformat(), datatype=XSD.date)))
        if m.end:
            g.add((self.meeting, SCHEMA.endDate, Literal(m.end.isoformat(), datatype=XSD.date)))
        if m.basis:
            g.add((self.meeting, POL.dateBasis, Literal(_sentence_case(m.basis), lang="en")))
        if m.times:
            g.add(
                (
                    self.meeting,
                    SCHEMA.startTime,
                    Literal(m.times.begins.isoformat(), datatype=XSD.time),
                )
            )
            if m.times.ends:
                g.add(
                    (
                        self.meeting,
                        SCHEMA.endTime,
                        Literal(m.times.ends.isoformat(), datatype=XSD.time),
                    )
                )
        g.add((self.meeting, POL.minutes, self.source))
        spans = list(m.spans)
        if x.place is not None and x.place.iri is not None:
            g.add((self.meeting, SCHEMA.location, x.place.iri))
            spans.append(x.place.span)
            if x.place.new:
                self.p.add((x.place.iri, RDF.type, SCHEMA.Place))
                self.p.add((x.place.iri, SKOS.prefLabel, Literal(x.place.written, lang="nb")))
                self.propose(
                    x.place.iri,
                    "place",
                    x.place.written,
                    x.place.span,
                    "A meeting place not in the reference data.",
                )
        if m.times:
            line = x.layout.line_at(m.times.start)
            if line is not None:
                spans.append((line.start, line.end))
        if x.convened_by is not None:
            g.add((self.meeting, POL.convenedBy, x.convened_by[0]))
            spans.append(x.convened_by[1])
        description = self.description()
        if description:
            g.add((self.meeting, DCTERMS.description, Literal(description, lang="nb")))
        self.evidence(self.meeting, sorted(set(spans)))
        self.fact(
            "meeting", self.meeting, f"{title} ({m.type}, held)", m.spans, m.confidence, m.basis
        )
        # the source document
        g.add((self.source, RDF.type, POL.SourceDocument))
        g.add((self.source, DCTERMS.title, Literal(f"Referat: {title}", lang="nb")))
        g.add((self.source, POL.fileName, Literal(self.draft.file_name)))
        g.add((self.source, POL.sha256, Literal(x.source.sha256)))
        g.add((self.source, DCTERMS.language, Literal("nb")))
        g.add((self.source, POL.recordsMeeting, self.meeting))
        self.items()
        self.participations()
        self.post_holdings()
        self.referenced_meetings()
        self.followups()
        self.decisions()
        self.amounts()
        self.mentions()
        return self.draft

    def description(self) -> str:
        x = self.x
        first = x.structure.items[0].start if x.structure.items else 0
        sentences = [
            self.quote(s)
            for s in x.layout.sentences(0, first)
            if not any(
                s[0] <= ms[0] < s[1] and ms[1] - ms[0] < 120 and s[1] - s[0] < 120
                for ms in x.meeting.spans
            )
            and len(self.text[s[0] : s[1]].split()) > 6
        ]
        text = " ".join(sentences)
        return text if len(text) < 1500 else text[: text.rfind(". ", 0, 1500) + 1]

    # ------------------------------------------------------------------ agenda
    def item_iri(self, position: int) -> URIRef:
        item = next(i for i in self.x.structure.items if i.position == position)
        return ID[f"meeting/{self.date}/item/{item.key()}"]

    def items(self) -> None:
        x, g = self.x, self.g
        exempt_n = 0
        hints = _attachment_lines(x)
        for item in x.structure.items:
            iri = self.item_iri(item.position)
            g.add((iri, RDF.type, POL.AgendaItem))
            g.add((iri, POL.meeting, self.meeting))
            g.add((iri, POL.position, Literal(item.position, datatype=XSD.integer)))
            if item.number is not None:
                g.add((iri, POL.itemNumber, Literal(item.number, datatype=XSD.integer)))
            g.add((iri, DCTERMS.title, Literal(item.title, lang="nb")))
            for other in item.joint:
                g.add((iri, POL.treatedJointlyWith, self.item_iri(other)))
            text = summary(x.layout, item)
            if text and text != item.title:
                g.add((iri, POL.summary, Literal(text, lang="nb")))
            for who in x.presenters.get(item.position, []):
                g.add((iri, POL.presentedBy, who))
            spans = [item.heading]
            body = [s for s in x.layout.sentences(item.heading[1], item.end)]
            if body:
                spans.append(body[0])
            self.evidence(iri, spans)
            for s in body:
                self.draft.covered.append(s) if len(self.text[s[0] : s[1]].split()) < 4 else None
            markers = [s for s in x.exempt if item.start <= s[0] < item.end]
            if markers:
                exempt_n += 1
                if "situasjonsbrief" in item.title.lower():
                    doc = ID[f"meeting/{self.date}/situation-brief"]
                else:
                    doc = ID[f"meeting/{self.date}/attachment/{100 + exempt_n}"]
                g.add((doc, RDF.type, POL.Document))
                g.add((doc, DCTERMS.title, Literal(item.title, lang="nb")))
                g.add((doc, DCTERMS.accessRights, concept("access-rights", "exempt")))
                g.add((iri, POL.attachment, doc))
                g.add((iri, DCTERMS.accessRights, concept("access-rights", "public")))
                self.evidence(iri, markers)
                self.fact(
                    "exempt",
                    doc,
                    f"content of item {item.key()} is exempt from disclosure",
                    markers,
                    0.85,
                    "Only the title and the fact that it is exempt are recorded.",
                )
            for number, (_, span, plans) in hints.items():
                if number == item.number:
                    for plan in plans:
                        g.add((iri, POL.concernsDocument, plan))
                    self.draft.covered.append(span)
            what = f"item {item.key()}: {item.title}"
            if item.joint:
                what += f" (treated together with {', '.join(str(j) for j in item.joint)})"
            self.fact("agenda item", iri, what, [item.heading], item.confidence, item.note)
        # A list of attachments at the end of the minutes
        attachments = _attachment_documents(x)
        for n, (title, span) in enumerate(attachments, start=1):
            doc = ID[f"meeting/{self.date}/attachment/{n}"]
            g.add((doc, RDF.type, POL.Document))
            g.add((doc, DCTERMS.title, Literal(title, lang="nb")))
            g.add((self.meeting, POL.attachment, doc))
            self.draft.covered.append(span)
            self.fact("attachment", doc, title, [span], 0.8)

    # ------------------------------------------------------------------ people
    def participations(self) -> None:
        x, g = self.x, self.g
        for p in x.participants:
            person = self.person(p.person, p.written, p.entry)
            if person is None:
                self.draft.new_things.append(
                    {
                        "kind": "ambiguous person",
                        "iri": "",
                        "label": p.written,
                        "quote": self.quote(p.entry),
                        "note": p.person.note,
                    }
                )
                continue
            slug = str(person).rsplit("/", 1)[-1]
            iri = ID[f"meeting/{self.date}/participation/{slug}"]
            g.add((iri, RDF.type, POL.Participation))
            g.add((iri, POL.meeting, self.meeting))
            g.add((iri, POL.participant, person))
            for role in p.roles:
                g.add((iri, POL.meetingRole, concept("meeting-role", role)))
            if p.organisation is not None:
                g.add((iri, POL.onBehalfOf, p.organisation))
                self.organisation(p.organisation, p.organisation_written, p.entry)
            if p.post is not None:
                self.organisation(p.post_organisation, p.organisation_written, p.entry)
                self.post(p.post, p.post_title, p.post_organisation, p.entry)
                g.add((iri, POL.inPost, p.post))
                holding = ID[f"meeting/{self.date}/post-holding/{slug}"]
                g.add((holding, RDF.type, POL.PostHolding))
                g.add((holding, POL.holder, person))
                g.add((holding, POL.heldPost, p.post))
                g.add((holding, POL.acting, Literal(False)))
                g.add((holding, POL.attestedIn, self.meeting))
                self.evidence(holding, [p.entry])
            self.evidence(iri, sorted(set(p.spans)))
            what = f"{p.written}: {', '.join(p.roles)}"
            if p.organisation:
                what += f", for {_short(p.organisation)}"
            if p.post:
                what += f", post {_short(p.post)}"
            self.fact("participant", iri, what, [p.entry], p.confidence, "; ".join(p.notes))
        for a in x.absences:
            self.fact(
                "absent",
                URIRef(""),
                f"{a.written} sent apologies (forfall); no participation recorded",
                [a.span],
                0.8,
            )
            self.draft.covered.append(a.span)

    def post_holdings(self) -> None:
        x, g = self.x, self.g
        for h in x.post_holdings:
            person = self.person(h.person, h.written, h.span)
            if person is None:
                continue
            slug = str(person).rsplit("/", 1)[-1]
            iri = ID[f"meeting/{self.date}/post-holding/{slug}"]
            if (iri, RDF.type, POL.PostHolding) in g and (iri, POL.heldPost, h.post) not in g:
                iri = ID[
                    f"meeting/{self.date}/post-holding/{slug}-{str(h.post).rsplit('/', 1)[-1]}"
                ]
            g.remove((iri, POL.acting, None))
            g.add((iri, RDF.type, POL.PostHolding))
            g.add((iri, POL.holder, person))
            g.add((iri, POL.heldPost, h.post))
            g.add((iri, POL.acting, Literal(h.acting)))
            if h.new_in_post is not None:
                g.add((iri, POL.newInPost, Literal(h.new_in_post)))
            g.add((iri, POL.attestedIn, self.meeting))
            if h.new_post:
                self.post(h.post, h.post_title, h.post_organisation, h.span)
            self.evidence(iri, [h.span])
            flags = ("acting " if h.acting else "") + ("new " if h.new_in_post else "")
            self.fact(
                "post holding", iri, f"{h.written}: {flags}{_short(h.post)}", [h.span], h.confidence
            )

    # ------------------------------------------------------------------ meetings referred to
    def referenced_meetings(self) -> None:
        g = self.g
        for m in self.x.meetings:
            iri = ID[f"meeting/{m.key}"]
            g.add((iri, RDF.type, POL.Meeting))
            g.add((iri, DCTERMS.title, Literal(self.meeting_title(m), lang="nb")))
            g.add((iri, POL.council, self.x.council.iri))
            g.add((iri, POL.meetingType, concept("meeting-type", m.type)))
            g.add((iri, POL.meetingStatus, concept("meeting-status", m.status)))
            if m.start is not None:
                g.add((iri, SCHEMA.startDate, Literal(m.start.isoformat(), datatype=XSD.date)))
                if m.end is not None:
                    g.add((iri, SCHEMA.endDate, Literal(m.end.isoformat(), datatype=XSD.date)))
            else:
                kind = XSD.gYearMonth if len(m.approximate or "") == 7 else XSD.gYear
                g.add((iri, POL.approximateDate, Literal(m.approximate, datatype=kind)))
            if m.times is not None:
                g.add(
                    (iri, SCHEMA.startTime, Literal(m.times.begins.isoformat(), datatype=XSD.time))
                )
                if m.times.ends:
                    g.add(
                        (iri, SCHEMA.endTime, Literal(m.times.ends.isoformat(), datatype=XSD.time))
                    )
            if m.basis:
                g.add((iri, POL.dateBasis, Literal(_sentence_case(m.basis), lang="en")))
            if m.description:
                g.add(
                    (
                        iri,
                        DCTERMS.description,
                        Literal(_sentence_case(m.description) + ".", lang="nb"),
                    )
                )
            g.add((iri, POL.scheduledIn, self.meeting))
            self.evidence(iri, m.spans)
            what = f"{self.meeting_title(m)} ({m.type}, {m.status})"
            self.fact("meeting referred to", iri, what, m.spans[-1:], m.confidence, m.basis)

    # ------------------------------------------------------------------ follow-up points
    def followups(self) -> None:
        x, g = self.x, self.g
        section = x.followups
        if section is None:
            return
        listed = None
        for n, (title, _) in enumerate(_attachment_documents(x), start=1):
            if "oppfølgingspunkt" in title.lower():
                listed = ID[f"meeting/{self.date}/attachment/{n}"]
        origin = next(
            (ID[f"meeting/{m.key}"] for m in x.meetings if m.key == f"{section.year}-seminar"), None
        )
        assert x.meeting.start is not None
        for point in section.points:
            iri = ID[f"followup/{point.year}-{point.number}"]
            g.add((iri, RDF.type, POL.FollowUpPoint))
            g.add((iri, POL.followUpYear, Literal(str(point.year), datatype=XSD.gYear)))
            g.add((iri, POL.number, Literal(point.number, datatype=XSD.integer)))
            g.add(
                (
                    iri,
                    DCTERMS.description,
                    Literal(point_text(x.layout, point.text_span), lang="nb"),
                )
            )
            for org in x.responsible.get(point.number, []):
                g.add((iri, POL.responsible, org))
            if listed is not None:
                g.add((iri, POL.listedIn, listed))
            if origin is not None:
                g.add((iri, POL.originMeeting, origin))
            self.evidence(iri, [point.text_span])
            self.fact(
                "follow-up point",
                iri,
                f"{point.year}-{point.number}",
                [point.text_span],
                point.confidence,
            )
            if point.status_span is None or point.status is None:
                continue
            status = ID[
                f"followup/{point.year}-{point.number}/status/{x.meeting.start.isoformat()}"
            ]
            g.add((status, RDF.type, POL.StatusUpdate))
            g.add((status, POL.followUp, iri))
            g.add((status, POL.status, concept("followup-status", point.status)))
            g.add(
                (
                    status,
                    POL.statusText,
                    Literal(point_text(x.layout, point.status_span), lang="nb"),
                )
            )
            g.add((status, POL.reportedIn, self.meeting))
            g.add((status, DCTERMS.date, Literal(x.meeting.start.isoformat(), datatype=XSD.date)))
            g.add(
                (
                    status,
                    SKOS.editorialNote,
                    Literal(
                        f"Status '{point.status}' read by ingest: {point.status_reason}.", lang="en"
                    ),
                )
            )
            self.evidence(status, [point.status_span])
            self.fact(
                "status update",
                status,
                f"{point.year}-{point.number}: {point.status}",
                [point.status_span],
                0.7,
                point.status_reason,
            )

    # ------------------------------------------------------------------ decisions
    def decisions(self) -> None:
        x, g = self.x, self.g
        agenda_doc = ID[f"meeting/{self.date}/agenda"]
        for n, d in enumerate(x.decisions, start=1):
            iri = ID[f"meeting/{self.date}/decision/{n}"]
            g.add((iri, RDF.type, POL.Decision))
            g.add((iri, POL.meeting, self.meeting))
            for t in d.types:
                g.add((iri, POL.decisionType, concept("decision-type", t)))
            sentence = self.quote(d.span)
            sentence = re.sub(r"^(?:[-–•]\s*|status\s*:\s*)+", "", sentence, flags=re.I)
            g.add(
                (
                    iri,
                    DCTERMS.description,
                    Literal(_sentence_case(_drop_number(sentence)), lang="nb"),
                )
            )
            if d.item is not None:
                g.add((iri, POL.agendaItem, self.item_iri(d.item.position)))
            if d.scheduled_for is not None:
                g.add((iri, POL.scheduledFor, ID[f"meeting/{d.scheduled_for.key}"]))
            objects = self.decision_objects(d)
            if (
                any(w in sentence.lower() for w in ("dagsorden", "saksliste", "innkalling"))
                and not objects
            ):
                g.add((agenda_doc, RDF.type, POL.Document))
                g.add((agenda_doc, DCTERMS.title, Literal("Dagsorden", lang="nb")))
                objects = [agenda_doc]
            for obj in objects:
                g.add((iri, POL.decisionObject, obj))
            for who in self.signatories(d.signatory_text):
                g.add((iri, POL.signatory, who))
            self.evidence(iri, [d.span])
            where = (
                f"item {d.item.key()}"
                if d.item
                else ("a follow-up status" if d.in_followup else "no item")
            )
            self.fact("decision", iri, f"{', '.join(d.types)} ({where})", [d.span], d.confidence)

    def decision_objects(self, d: object) -> list[URIRef]:
        from politiraad_graph.ingest.decisions import DecisionFound

        assert isinstance(d, DecisionFound)
        spans = [d.span]
        if d.item is not None:
            spans.append((d.item.heading[0], d.item.heading[1]))
        found: list[URIRef] = []
        for mention in self.x.mentions:
            if mention.kind == "plan" and any(s <= mention.span[0] < e for s, e in spans):
                if (
                    d.item is not None
                    and d.item.joint
                    and d.item.heading[0] <= mention.span[0] < d.item.heading[1]
                ):
                    if _plan_matches_title(self.x, mention.thing, d.item.title):
                        found.append(mention.thing)
                    continue
                found.append(mention.thing)
        return list(dict.fromkeys(found))

    def signatories(self, who: str | None) -> list[URIRef]:
        if not who:
            return []
        from politiraad_graph.ingest.names import PostMatcher
        from politiraad_graph.ingest.norsk import strip_definite

        posts = PostMatcher(self.x.reference)
        found = []
        for part in [p.strip() for p in who.replace(",", " og ").split(" og ") if p.strip()]:
            match = posts.match(strip_definite(part), [])
            if match.iri is not None:
                found.append(match.iri)
        return found

    # ------------------------------------------------------------------ amounts
    def amounts(self) -> None:
        x, g = self.x, self.g
        for n, a in enumerate(x.amounts, start=1):
            iri = ID[f"meeting/{self.date}/amount/{n}"]
            sentence = x.layout.sentence_at(a.span[0]) or a.span
            g.add((iri, RDF.type, POL.MonetaryAmount))
            lexical = format(Decimal(a.value), "f")
            lexical = lexical if "." in lexical else lexical + ".0"  # as Turtle writes a decimal
            g.add((iri, SCHEMA.value, Literal(lexical, datatype=XSD.decimal)))
            g.add((iri, SCHEMA.currency, Literal("NOK")))
            g.add((iri, POL.meeting, self.meeting))
            g.add(
                (iri, DCTERMS.description, Literal(self.quote(sentence).lstrip("-–• "), lang="nb"))
            )
            if a.year is not None:
                g.add((iri, POL.year, Literal(str(a.year), datatype=XSD.gYear)))
            if a.from_year is not None:
                g.add((iri, POL.fromYear, Literal(str(a.from_year), datatype=XSD.gYear)))
            if a.year_basis:
                g.add(
                    (
                        iri,
                        SKOS.editorialNote,
                        Literal(_sentence_case(a.year_basis) + ".", lang="en"),
                    )
                )
            for mention in x.mentions:
                if sentence[0] <= mention.span[0] < sentence[1] and mention.kind in {
                    "programme",
                    "plan",
                }:
                    g.add((iri, POL.purpose, mention.thing))
            self.evidence(iri, [sentence])
            year = (
                f", year {a.year}" if a.year else (f", from {a.from_year}" if a.from_year else "")
            )
            self.fact(
                "amount",
                iri,
                f"NOK {a.value:,}".replace(",", " ") + year,
                [sentence],
                a.confidence,
                a.year_basis,
            )

    # ------------------------------------------------------------------ mentions
    def context_of(self, offset: int, thing: URIRef | None = None) -> URIRef | None:
        x = self.x
        if x.layout.region_at(offset) is not None:
            return None
        # Lines that introduce a speaker or give the meeting's details describe the meeting.
        if any(p.entry[0] <= offset < p.entry[1] for p in x.participants):
            return None
        if any(s <= offset < e for s, e in x.meeting.spans):
            return None
        if x.followups is not None:
            for point in x.followups.points:
                if point.text_span[0] <= offset < point.text_span[1]:
                    return ID[f"followup/{point.year}-{point.number}"]
                if point.status_span and point.status_span[0] <= offset < point.status_span[1]:
                    assert x.meeting.start is not None
                    return ID[
                        f"followup/{point.year}-{point.number}/status/{x.meeting.start.isoformat()}"
                    ]
        item = x.structure.item_at(offset)
        if item is not None and item.joint and thing is not None:
            for position in [item.position, *item.joint]:
                other = next(i for i in x.structure.items if i.position == position)
                if other.heading[0] <= offset < other.heading[1] and _plan_matches_title(
                    x, thing, other.title
                ):
                    return self.item_iri(position)
        if item is not None:
            return self.item_iri(item.position)
        return None

    def mentions(self) -> None:
        g = self.g
        seen: set[URIRef] = set()
        for mention in self.x.mentions:
            slug = str(mention.thing).rsplit("/", 1)[-1]
            iri = ID[f"meeting/{self.date}/mention/{mention.span[0]}-{slug}"]
            if iri in seen:
                continue
            seen.add(iri)
            g.add((iri, RDF.type, POL.Mention))
            g.add((iri, POL.mentionOf, mention.thing))
            g.add((iri, POL.meeting, self.meeting))
            context = self.context_of(mention.span[0], mention.thing)
            if context is not None and (context, RDF.type, None) in g:
                g.add((iri, POL.context, context))
            self.evidence(iri, [mention.passage], cover=mention.kind in _TOPIC_LIKE)
            self.fact(
                "mention",
                iri,
                f"{mention.kind} {slug} ({mention.how})",
                [mention.span],
                mention.confidence,
            )


def _short(iri: URIRef) -> str:
    return str(iri).removeprefix(str(ID))


def _sentence_case(text: str) -> str:
    return text[:1].upper() + text[1:] if text else text


def _drop_number(text: str) -> str:
    import re

    return re.sub(r"^(?:Sak\s+)?\d{1,2}(?:/\d{2,4})?[.:)]\s+", "", text)


def _attachment_documents(x: Extraction) -> list[tuple[str, Span]]:
    """Attachments listed as "Vedlegg: 1. <title>" (one per numbered entry)."""
    import re

    found = []
    for line in x.layout.lines:
        match = re.match(r"^vedlegg\s*:?\s*(?:\d{1,2}[.)]\s*)?(?P<title>\S.{4,})$", line.text, re.I)
        if match:
            found.append((normalise_space(match["title"]).rstrip(" ."), (line.start, line.end)))
    return found


def _attachment_lines(x: Extraction) -> dict[int, tuple[str, Span, list[URIRef]]]:
    """ "Pkt. 7 – Politirådsavtale 2023 – 2025": attachment of item 7, with plans it names."""
    import re

    found: dict[int, tuple[str, Span, list[URIRef]]] = {}
    for line in x.layout.lines:
        match = re.match(r"^(?:pkt\.?|punkt|sak)\s*(\d{1,2})\s*[-–:.]\s*(.+)$", line.text, re.I)
        if match:
            plans = [
                m.thing
                for m in x.mentions
                if m.kind == "plan" and line.start <= m.span[0] < line.end
            ]
            found[int(match.group(1))] = (
                normalise_space(match.group(2)),
                (line.start, line.end),
                plans,
            )
    return found


def _plan_matches_title(x: Extraction, plan: URIRef, title: str) -> bool:
    from politiraad_graph.ingest.norsk import key

    thing = x.reference.get(plan)
    if thing is None:
        return False
    return any(key(label)[:12] in key(title) for label in thing.labels)


def build_draft(extraction: Extraction) -> Draft:
    """Build the draft graph and the proposed reference additions of one extraction."""
    return _Builder(extraction).build()
