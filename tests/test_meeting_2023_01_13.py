"""The curated meeting of 13 January 2023 says what its minutes say."""

from __future__ import annotations

import hashlib
from datetime import date, time
from decimal import Decimal
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, XSD

from politiraad_graph.namespaces import ID, OA, POL, SCHEMA, sparql_prologue

DATA = Path(__file__).resolve().parent.parent / "data"
MEETING_FILE = DATA / "meetings" / "2023-01-13.ttl"
SOURCE_FILE = DATA / "sources" / "2023-01-13_referat_politiradet.txt"

MEETING = ID["meeting/2023-01-13"]
FACT_CLASSES = (
    POL.Meeting,
    POL.AgendaItem,
    POL.Participation,
    POL.PostHolding,
    POL.Decision,
    POL.FollowUpPoint,
    POL.StatusUpdate,
    POL.MonetaryAmount,
    POL.Mention,
)


@pytest.fixture(scope="module")
def graph() -> Graph:
    return Graph().parse(MEETING_FILE, format="turtle", publicID=str(ID))


def item(n: int) -> URIRef:
    return ID[f"meeting/2023-01-13/item/{n}"]


def select(graph: Graph, query: str) -> list[tuple[object, ...]]:
    return [tuple(row) for row in graph.query(sparql_prologue() + query)]


def test_meeting_is_an_ordinary_held_meeting_of_the_council(graph: Graph) -> None:
    assert (MEETING, RDF.type, POL.Meeting) in graph
    assert graph.value(MEETING, POL.council) == ID["council/politiradet-oslo"]
    assert graph.value(MEETING, POL.meetingType) == ID["concept/meeting-type/ordinary"]
    assert graph.value(MEETING, POL.meetingStatus) == ID["concept/meeting-status/held"]
    assert graph.value(MEETING, SCHEMA.startDate).toPython() == date(2023, 1, 13)
    assert graph.value(MEETING, POL.minutes) == ID["source/2023-01-13"]


def test_source_document_names_its_file_and_checksum(graph: Graph) -> None:
    source = ID["source/2023-01-13"]
    assert (source, RDF.type, POL.SourceDocument) in graph
    assert str(graph.value(source, POL.fileName)) == SOURCE_FILE.name
    digest = hashlib.sha256(SOURCE_FILE.read_bytes()).hexdigest()
    assert str(graph.value(source, POL.sha256)) == digest
    assert graph.value(source, POL.recordsMeeting) == MEETING


def test_twelve_agenda_items_numbered_one_to_twelve(graph: Graph) -> None:
    rows = select(
        graph,
        """SELECT ?n ?pos WHERE {
            ?i a pol:AgendaItem ; pol:meeting <https://w3id.org/politiraad/id/meeting/2023-01-13> ;
               pol:itemNumber ?n ; pol:position ?pos }""",
    )
    assert sorted(int(n) for n, _ in rows) == list(range(1, 13))
    assert all(int(n) == int(pos) for n, pos in rows)


def test_items_seven_and_eight_are_treated_jointly(graph: Graph) -> None:
    assert (item(7), POL.treatedJointlyWith, item(8)) in graph
    assert (item(8), POL.treatedJointlyWith, item(7)) in graph
    assert graph.value(item(7), POL.concernsDocument) == ID["plan/politiradsavtale-2023-2025"]
    assert (item(8), POL.concernsDocument, ID["plan/salto-handlingsprogram-2023-2025"]) in graph


def test_items_ten_and_twelve_have_no_business(graph: Graph) -> None:
    for n in (10, 12):
        assert graph.value(item(n), POL.summary) == Literal("Ingen saker.", lang="nb")


def test_briefings_are_presented_by_posts(graph: Graph) -> None:
    assert graph.value(item(3), POL.presentedBy) == ID["post/opd-politimester"]
    assert graph.value(item(4), POL.presentedBy) == ID["post/oslo-kommune-byradsleder"]


def test_decisions_and_their_objects(graph: Graph) -> None:
    rows = select(
        graph,
        """SELECT ?item ?type ?object WHERE {
            ?d a pol:Decision ; pol:meeting <https://w3id.org/politiraad/id/meeting/2023-01-13> ;
               pol:agendaItem ?item ; pol:decisionType ?type ; pol:decisionObject ?object }""",
    )
    found = {(item_, type_, object_) for item_, type_, object_ in rows}
    approved = ID["concept/decision-type/approved"]
    adopted = ID["concept/decision-type/adopted"]
    signed = ID["concept/decision-type/signed"]
    expected = {
        (item(1), approved, ID["meeting/2023-01-13/agenda"]),
        (item(2), approved, ID["meeting/2022-11-17/minutes"]),
        (item(7), adopted, ID["plan/politiradsavtale-2023-2025"]),
        (item(7), signed, ID["plan/politiradsavtale-2023-2025"]),
        (item(8), adopted, ID["plan/salto-handlingsprogram-2023-2025"]),
        (item(8), signed, ID["plan/salto-handlingsprogram-2023-2025"]),
    }
    assert found == expected


def test_plans_signed_by_byradsleder_and_politimester(graph: Graph) -> None:
    for plan in ("plan/politiradsavtale-2023-2025", "plan/salto-handlingsprogram-2023-2025"):
        decision = graph.value(predicate=POL.decisionObject, object=ID[plan])
        assert set(graph.objects(decision, POL.signatory)) == {
            ID["post/oslo-kommune-byradsleder"],
            ID["post/opd-politimester"],
        }


def test_agenda_and_earlier_minutes_are_documents(graph: Graph) -> None:
    assert (ID["meeting/2023-01-13/agenda"], RDF.type, POL.Document) in graph
    assert (ID["meeting/2022-11-17/minutes"], RDF.type, POL.Document) in graph


def test_seminar_of_november_2022_is_held_without_minutes(graph: Graph) -> None:
    seminar = ID["meeting/2022-11-17"]
    assert graph.value(seminar, POL.meetingType) == ID["concept/meeting-type/seminar"]
    assert graph.value(seminar, POL.meetingStatus) == ID["concept/meeting-status/held"]
    assert graph.value(seminar, SCHEMA.startDate).toPython() == date(2022, 11, 17)
    assert graph.value(seminar, SCHEMA.endDate).toPython() == date(2022, 11, 18)
    assert graph.value(seminar, POL.minutes) is None
    assert graph.value(seminar, POL.scheduledIn) == MEETING


def test_post_holdings(graph: Graph) -> None:
    rows = select(
        graph,
        """SELECT ?person ?post ?acting ?new WHERE {
            ?h a pol:PostHolding ; pol:holder ?person ; pol:heldPost ?post ; pol:acting ?acting ;
               pol:attestedIn <https://w3id.org/politiraad/id/meeting/2023-01-13> .
            OPTIONAL { ?h pol:newInPost ?new } }""",
    )
    found = {
        (person, post, acting.toPython(), new.toPython() if new is not None else None)
        for person, post, acting, new in rows
    }
    assert found == {
        (ID["person/tore-soldal"], ID["post/opd-visepolitimester"], True, None),
        (ID["person/joachim-dyrdal"], ID["post/opd-enhet-sentrum-leder"], True, None),
        (ID["person/rune-alstadsaeter"], ID["post/opd-kommunikasjonsdirektor"], False, True),
    }


def test_nobody_is_said_to_hold_the_vacant_politimester_post(graph: Graph) -> None:
    assert graph.value(predicate=POL.heldPost, object=ID["post/opd-politimester"]) is None


def test_scheduled_meetings_of_2023(graph: Graph) -> None:
    rows = select(
        graph,
        """SELECT ?m ?start ?end ?from ?to WHERE {
            ?m a pol:Meeting ; pol:scheduledIn <https://w3id.org/politiraad/id/meeting/2023-01-13> ;
               pol:meetingStatus <https://w3id.org/politiraad/id/concept/meeting-status/planned> ;
               schema:startDate ?start ; pol:dateBasis ?basis .
            OPTIONAL { ?m schema:endDate ?end }
            OPTIONAL { ?m schema:startTime ?from }
            OPTIONAL { ?m schema:endTime ?to } }""",
    )
    found = {
        tuple(value.toPython() if value is not None else None for value in row[1:]) for row in rows
    }
    slot = (time(13, 30), time(15, 30))
    assert found == {
        (date(2023, 4, 21), None, *slot),
        (date(2023, 6, 2), None, *slot),
        (date(2023, 9, 29), None, *slot),
        (date(2023, 11, 30), date(2023, 12, 1), None, None),
    }
    lunch_to_lunch = ID["meeting/2023-11-30"]
    assert graph.value(lunch_to_lunch, POL.meetingType) == ID["concept/meeting-type/ordinary"]


def test_seventy_five_million_for_nine_new_police_sites(graph: Graph) -> None:
    amounts = list(graph.subjects(RDF.type, POL.MonetaryAmount))
    assert len(amounts) == 1
    amount = amounts[0]
    assert graph.value(amount, SCHEMA.value).toPython() == Decimal(75_000_000)
    assert str(graph.value(amount, SCHEMA.currency)) == "NOK"
    assert graph.value(amount, POL.payer) == ID["organisation/justis-og-beredskapsdepartementet"]
    assert graph.value(amount, POL.purpose) == ID["programme/nye-politisteder"]
    assert graph.value(amount, POL.year) == Literal("2023", datatype=XSD.gYear)


def test_attachments_are_public(graph: Graph) -> None:
    public = ID["concept/access-rights/public"]
    brief = ID["meeting/2023-01-13/situation-brief"]
    assert graph.value(item(5), POL.attachment) == brief
    assert graph.value(item(7), POL.attachment) == ID["plan/politiradsavtale-2023-2025"]
    assert graph.value(item(8), POL.attachment) == ID["plan/salto-handlingsprogram-2023-2025"]
    attachments = set(graph.objects(MEETING, POL.attachment))
    assert attachments == {
        brief,
        ID["plan/politiradsavtale-2023-2025"],
        ID["plan/salto-handlingsprogram-2023-2025"],
    }
    for document in attachments:
        assert graph.value(document, DCTERMS.accessRights) == public


@pytest.mark.parametrize(
    ("topic", "items"),
    [
        ("efforts-in-vulnerable-areas", {3, 4, 7, 8, 9}),
        ("peer-violence", {8}),
        ("online-crime-prevention", {8}),
        ("drugs", {8}),
        ("police-presence", {3, 6}),
        ("information-sharing", {3}),
        ("reintegration-after-prison", {9}),
        ("case-processing-times", {3}),
        ("major-events", {3}),
        ("police-resources", {3, 6}),
    ],
)
def test_topics_of_agenda_items(graph: Graph, topic: str, items: set[int]) -> None:
    contexts = {
        int(graph.value(context, POL.itemNumber))
        for mention in graph.subjects(POL.mentionOf, ID[f"topic/{topic}"])
        if (context := graph.value(mention, POL.context)) is not None
    }
    assert contexts == items


def test_every_fact_has_anchored_evidence(graph: Graph) -> None:
    text = SOURCE_FILE.read_text(encoding="utf-8")
    for cls in FACT_CLASSES:
        for fact in graph.subjects(RDF.type, cls):
            passages = list(graph.objects(fact, POL.evidence))
            assert passages, f"{fact} has no evidence"
            for passage in passages:
                start = int(graph.value(passage, OA.start))
                end = int(graph.value(passage, OA.end))
                assert text[start:end] == str(graph.value(passage, OA.exact))


def test_first_evidence_of_an_item_starts_at_its_heading(graph: Graph) -> None:
    text = SOURCE_FILE.read_text(encoding="utf-8")
    for n in range(1, 13):
        first = min(int(graph.value(p, OA.start)) for p in graph.objects(item(n), POL.evidence))
        heading = "7.  og 8:" if n in (7, 8) else f"{n}. "
        assert text.startswith(heading, first), n
