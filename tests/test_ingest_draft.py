"""The draft graph: our model, IRIs as docs/model.md says, every fact with anchored evidence."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, SKOS, XSD

from politiraad_graph.ingest.draft import Draft, build_draft, file_name_for
from politiraad_graph.ingest.pipeline import Extraction, extract
from politiraad_graph.ingest.reference import Reference
from politiraad_graph.namespaces import ID, OA, SCHEMA
from politiraad_graph.vocab import POL

DATA = Path(__file__).parent / "data" / "ingest"
FACTS = (
    POL.Meeting, POL.AgendaItem, POL.Participation, POL.PostHolding, POL.Decision,
    POL.FollowUpPoint, POL.StatusUpdate, POL.MonetaryAmount, POL.Mention,
)  # fmt: skip


@pytest.fixture(scope="module")
def reference() -> Reference:
    return Reference.from_graph(Graph().parse(DATA / "reference.ttl", publicID=str(ID)))


def draft_of(name: str, reference: Reference) -> tuple[Extraction, Draft]:
    extraction = extract(DATA / name, DATA, reference)
    return extraction, build_draft(extraction)


@pytest.mark.parametrize(
    "name", ["mote_tid_sted_sak.txt", "politirad_navn_rolle_org.txt", "seminar_med_punkter.txt"]
)
def test_every_fact_has_an_anchored_passage(reference: Reference, name: str) -> None:
    extraction, draft = draft_of(name, reference)
    g = draft.graph
    for cls in FACTS:
        for fact in g.subjects(RDF.type, cls):
            passages = list(g.objects(fact, POL.evidence))
            assert passages, fact
            for passage in passages:
                start, end = (
                    int(str(g.value(passage, OA.start))),
                    int(str(g.value(passage, OA.end))),
                )
                assert str(g.value(passage, OA.exact)) == extraction.text[start:end]
                assert str(passage) == f"{draft.source_iri}#char={start},{end}"
                assert g.value(passage, OA.hasSource) == draft.source_iri


def test_meeting_and_source(reference: Reference) -> None:
    extraction, draft = draft_of("mote_tid_sted_sak.txt", reference)
    g, meeting = draft.graph, ID["meeting/2025-03-12"]
    assert draft.meeting_iri == meeting
    assert g.value(meeting, SCHEMA.startDate) == Literal("2025-03-12", datatype=XSD.date)
    assert g.value(meeting, SCHEMA.startTime) == Literal("09:00:00", datatype=XSD.time)
    assert g.value(meeting, SCHEMA.endTime) == Literal("11:30:00", datatype=XSD.time)
    assert g.value(meeting, POL.council) == ID["council/politiradet-tromso"]
    assert g.value(meeting, POL.meetingType) == ID["concept/meeting-type/ordinary"]
    assert g.value(meeting, POL.meetingStatus) == ID["concept/meeting-status/held"]
    assert str(g.value(meeting, DCTERMS.title)) == "Møte i Politirådet i Tromsø 12.03.2025"
    source = draft.source_iri
    assert source == ID["source/2025-03-12"]
    assert g.value(source, POL.fileName) == Literal(file_name_for(extraction))
    assert str(g.value(source, POL.sha256)) == extraction.source.sha256
    assert g.value(meeting, POL.minutes) == source


def test_iris_follow_the_model(reference: Reference) -> None:
    _, draft = draft_of("politirad_navn_rolle_org.txt", reference)
    g = draft.graph
    base = "https://w3id.org/politiraad/id/meeting/2024-03-15/"
    for cls, pattern in (
        (POL.AgendaItem, r"item/\d+"),
        (POL.Participation, r"participation/[a-z0-9-]+"),
        (POL.Decision, r"decision/\d+"),
        (POL.MonetaryAmount, r"amount/\d+"),
        (POL.Mention, r"mention/\d+-[a-z0-9-]+"),
        (POL.PostHolding, r"post-holding/[a-z0-9-]+"),
    ):
        import re

        for node in g.subjects(RDF.type, cls):
            assert re.fullmatch(re.escape(base) + pattern, str(node)), node
    participation = URIRef(base + "participation/ida-melbo-oystese")
    assert g.value(participation, POL.participant) == ID["person/ida-melbo-oystese"]
    assert g.value(participation, POL.inPost) == ID["post/opd-politimester"]
    assert g.value(participation, POL.onBehalfOf) == ID["organisation/opd"]


def test_new_people_and_posts_are_proposed_apart(reference: Reference) -> None:
    _, draft = draft_of("politirad_navn_rolle_org.txt", reference)
    p = draft.proposals
    kari = ID["person/kari-nordvik"]
    assert (kari, RDF.type, SCHEMA.Person) in p and (
        kari,
        RDF.type,
        SCHEMA.Person,
    ) not in draft.graph
    assert str(p.value(kari, SKOS.prefLabel)) == "Kari Nordvik"
    assert str(p.value(kari, SCHEMA.familyName)) == "Nordvik"
    post = ID["post/vel-seksjonssjef"]
    assert p.value(post, URIRef("http://www.w3.org/ns/org#postIn")) == ID["organisation/vel"]
    assert {t["iri"] for t in draft.new_things} >= {str(kari), str(post)}


def test_exempt_content_keeps_only_its_title(reference: Reference) -> None:
    _, draft = draft_of("politirad_navn_rolle_org.txt", reference)
    g = draft.graph
    exempt = list(g.subjects(DCTERMS.accessRights, ID["concept/access-rights/exempt"]))
    assert exempt == [ID["meeting/2024-03-15/situation-brief"]]
    for predicate in (DCTERMS.description, POL.summary):
        assert g.value(exempt[0], predicate) is None
    assert (ID["meeting/2024-03-15/item/4"], POL.attachment, exempt[0]) in g


def test_decisions_point_to_items_and_meetings(reference: Reference) -> None:
    _, draft = draft_of("politirad_navn_rolle_org.txt", reference)
    g = draft.graph
    deferred = ID["meeting/2024-03-15/decision/3"]
    assert g.value(deferred, POL.decisionType) == ID["concept/decision-type/deferred"]
    assert g.value(deferred, POL.agendaItem) == ID["meeting/2024-03-15/item/3"]
    assert g.value(deferred, POL.scheduledFor) == ID["meeting/2024-06-14"]
    assert (ID["meeting/2024-06-14"], POL.meetingStatus, ID["concept/meeting-status/planned"]) in g
    approved = ID["meeting/2024-03-15/decision/1"]
    assert g.value(approved, POL.decisionObject) == ID["meeting/2024-03-15/agenda"]


def test_follow_up_points_and_statuses(reference: Reference) -> None:
    _, draft = draft_of("seminar_med_punkter.txt", reference)
    g = draft.graph
    point = ID["followup/2024-1"]
    assert g.value(point, POL.followUpYear) == Literal("2024", datatype=XSD.gYear)
    status = ID["followup/2024-1/status/2024-09-04"]
    assert g.value(status, POL.followUp) == point
    assert g.value(status, POL.status) == ID["concept/followup-status/completed"]
    assert g.value(status, DCTERMS.date) == Literal("2024-09-04", datatype=XSD.date)
    # the year was inferred: the basis is in the graph
    assert "september 2024" in str(g.value(draft.meeting_iri, POL.dateBasis))


def test_amounts(reference: Reference) -> None:
    _, draft = draft_of("mote_tid_sted_sak.txt", reference)
    g = draft.graph
    first = ID["meeting/2025-03-12/amount/1"]
    assert float(str(g.value(first, SCHEMA.value))) == 1_200_000
    assert g.value(first, SCHEMA.currency) == Literal("NOK")
    assert g.value(first, POL.year) == Literal("2025", datatype=XSD.gYear)
    assert g.value(ID["meeting/2025-03-12/amount/2"], POL.fromYear) == Literal(
        "2026", datatype=XSD.gYear
    )
