"""Key facts of the council's annual seminar of 29–30 January 2026, as curated."""

from __future__ import annotations

import hashlib
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, SKOS, XSD
from rdflib.query import ResultRow
from rdflib.term import Node

from politiraad_graph.namespaces import ID, OA, POL, SCHEMA, sparql_prologue

ROOT = Path(__file__).resolve().parent.parent
MEETING_FILE = ROOT / "data" / "meetings" / "2026-01-29.ttl"
SOURCE_FILE = ROOT / "data" / "sources" / "2026-01-29_seminar_og_oppfolgingspunkter.txt"

M = ID["meeting/2026-01-29"]
SOURCE = ID["source/2026-01-29"]
ATTACHMENT = ID["meeting/2026-01-29/attachment/1"]
MARCH = ID["meeting/2026-03"]
JUNE_2025 = ID["meeting/2025-06"]
SEMINAR_2025 = ID["meeting/2025-seminar"]
SALTO = ID["plan/salto-handlingsprogram-2026-2028"]
AVTALE = ID["plan/politiradsavtale-2026-2028"]
RADEX = ID["plan/salto-handlingsplan-radikalisering-2025-2028"]
OSLO = ID["organisation/oslo-kommune"]
OPD = ID["organisation/opd"]

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
    POL.PriorityAreaEffort,
)


@pytest.fixture(scope="module")
def graph() -> Graph:
    return Graph().parse(MEETING_FILE, format="turtle", publicID=str(ID))


@pytest.fixture(scope="module")
def text() -> str:
    return SOURCE_FILE.read_text(encoding="utf-8")


def query(graph: Graph, body: str) -> list[tuple[Any, ...]]:
    return [
        tuple(row) for row in graph.query(sparql_prologue() + body) if isinstance(row, ResultRow)
    ]


def lit(node: object) -> Literal:
    assert isinstance(node, Literal), node
    return node


def languages(graph: Graph, subject: Node, predicate: URIRef) -> set[str | None]:
    return {lit(o).language for o in graph.objects(subject, predicate)}


def concept(scheme: str, slug: str) -> URIRef:
    return ID[f"concept/{scheme}/{slug}"]


# ------------------------------------------------------------------ source and meeting


def test_source_document(graph: Graph) -> None:
    assert (SOURCE, RDF.type, POL.SourceDocument) in graph
    assert str(graph.value(SOURCE, POL.fileName)) == SOURCE_FILE.name
    digest = hashlib.sha256(SOURCE_FILE.read_bytes()).hexdigest()
    assert str(graph.value(SOURCE, POL.sha256)) == digest
    assert graph.value(SOURCE, POL.recordsMeeting) == M
    assert str(graph.value(SOURCE, DCTERMS.language)) == "nb"
    assert lit(graph.value(SOURCE, DCTERMS.title)).language == "nb"


def test_seminar_dates_type_and_year_basis(graph: Graph) -> None:
    assert (M, RDF.type, POL.Meeting) in graph
    assert graph.value(M, POL.council) == ID["council/politiradet-oslo"]
    assert graph.value(M, POL.meetingType) == concept("meeting-type", "seminar")
    assert graph.value(M, POL.meetingStatus) == concept("meeting-status", "held")
    assert graph.value(M, SCHEMA.startDate) == Literal("2026-01-29", datatype=XSD.date)
    assert graph.value(M, SCHEMA.endDate) == Literal("2026-01-30", datatype=XSD.date)
    assert graph.value(M, SCHEMA.location) is None  # the minutes give no place
    basis = {lit(o).language: str(o) for o in graph.objects(M, POL.dateBasis)}
    assert set(basis) == {"en", "nb"}
    assert "Per januar 2026" in basis["en"]
    assert "status pr januar 2026" in basis["nb"]
    assert graph.value(M, POL.minutes) == SOURCE
    assert graph.value(M, POL.attachment) == ATTACHMENT


def test_attachment_is_public(graph: Graph) -> None:
    assert (ATTACHMENT, RDF.type, POL.Document) in graph
    assert graph.value(ATTACHMENT, DCTERMS.accessRights) == concept("access-rights", "public")
    assert str(graph.value(ATTACHMENT, DCTERMS.title)) == (
        "Oppfølgingspunkter Politirådet i Oslo 2025 – status pr januar 2026"
    )


def test_no_participants_or_post_holdings(graph: Graph) -> None:
    assert not list(graph.subjects(RDF.type, POL.Participation))
    assert not list(graph.subjects(RDF.type, POL.PostHolding))


# ------------------------------------------------------------------ agenda


def test_six_unnumbered_agenda_items_in_order(graph: Graph) -> None:
    rows = query(
        graph,
        f"""
        SELECT ?item ?pos ?title WHERE {{
          ?item a pol:AgendaItem ; pol:meeting <{M}> ; pol:position ?pos ; dcterms:title ?title .
          FILTER NOT EXISTS {{ ?item pol:itemNumber ?n }}
        }} ORDER BY ?pos
        """,
    )
    assert [int(pos) for _, pos, _ in rows] == [1, 2, 3, 4, 5, 6]
    assert [item for item, _, _ in rows] == [
        ID[f"meeting/2026-01-29/item/{n}"] for n in range(1, 7)
    ]
    titles = [str(title) for _, _, title in rows]
    assert titles[0] == "Ungdom, rus og forebygging"
    assert titles[1] == "Oppfølging etter Kampen-drapet"
    assert titles[2].startswith("Kriminalitets")
    assert titles[3] == "Innsats i prioriterte områder (IPO)"
    assert len(list(graph.subjects(RDF.type, POL.AgendaItem))) == 6


def test_drafts_presented_and_follow_up_item(graph: Graph) -> None:
    item5 = ID["meeting/2026-01-29/item/5"]
    assert set(graph.objects(item5, POL.concernsDocument)) == {SALTO, AVTALE}
    item6 = ID["meeting/2026-01-29/item/6"]
    assert graph.value(item6, POL.attachment) == ATTACHMENT


# ------------------------------------------------------------------ decisions and other meetings


def test_drafts_scheduled_for_approval_in_march(graph: Graph) -> None:
    rows = query(
        graph,
        f"""
        SELECT ?d ?obj WHERE {{
          ?d a pol:Decision ; pol:meeting <{M}> ;
             pol:decisionType <{concept("decision-type", "scheduled-for-approval")}> ;
             pol:scheduledFor <{MARCH}> ; pol:decisionObject ?obj .
        }}
        """,
    )
    assert {obj for _, obj in rows} == {SALTO, AVTALE}


def test_new_follow_up_points_deferred_to_march(graph: Graph) -> None:
    decision = ID["meeting/2026-01-29/decision/2"]
    assert graph.value(decision, POL.decisionType) == concept("decision-type", "deferred")
    assert graph.value(decision, POL.scheduledFor) == MARCH
    assert graph.value(decision, POL.agendaItem) == ID["meeting/2026-01-29/item/6"]


def test_radicalisation_plan_approved_in_june_2025(graph: Graph) -> None:
    decision = ID["meeting/2025-06/decision/1"]
    assert graph.value(decision, POL.meeting) == JUNE_2025
    assert graph.value(decision, POL.decisionType) == concept("decision-type", "approved")
    assert graph.value(decision, POL.decisionObject) == RADEX
    assert len(list(graph.subjects(RDF.type, POL.Decision))) == 3


@pytest.mark.parametrize(
    ("meeting", "status", "approx", "datatype"),
    [
        (MARCH, "planned", "2026-03", XSD.gYearMonth),
        (JUNE_2025, "held", "2025-06", XSD.gYearMonth),
        (SEMINAR_2025, "held", "2025", XSD.gYear),
        (ID["meeting/2025-04"], "planned", "2025-04", XSD.gYearMonth),
    ],
)
def test_referred_meetings(
    graph: Graph, meeting: URIRef, status: str, approx: str, datatype: URIRef
) -> None:
    assert (meeting, RDF.type, POL.Meeting) in graph
    assert graph.value(meeting, POL.meetingStatus) == concept("meeting-status", status)
    assert graph.value(meeting, POL.approximateDate) == Literal(approx, datatype=datatype)
    assert graph.value(meeting, POL.scheduledIn) == M
    assert graph.value(meeting, POL.minutes) is None
    assert graph.value(meeting, SCHEMA.startDate) is None


def test_march_meeting_year_basis(graph: Graph) -> None:
    assert languages(graph, MARCH, POL.dateBasis) == {"en", "nb"}


# ------------------------------------------------------------------ follow-up points (CQ6)

EXPECTED_STATUS = {
    1: "continuous",
    2: "in-progress",
    3: "completed",
    4: "in-progress",
    5: "continuous",
    6: "in-progress",
    7: "continuous",
}


def test_seven_follow_up_points_of_2025(graph: Graph) -> None:
    rows = query(
        graph,
        """
        SELECT ?fp ?n ?desc WHERE {
          ?fp a pol:FollowUpPoint ; pol:followUpYear "2025"^^xsd:gYear ;
              pol:number ?n ; dcterms:description ?desc .
        } ORDER BY ?n
        """,
    )
    assert [int(n) for _, n, _ in rows] == list(range(1, 8))
    assert [fp for fp, _, _ in rows] == [ID[f"followup/2025-{n}"] for n in range(1, 8)]
    assert all(lit(desc).language == "nb" for _, _, desc in rows)
    assert str(rows[3][2]).startswith("Politiet har utarbeidet en rapport over unge under 18 år")
    assert "hovedstadsoppdraget" in str(rows[6][2])


@pytest.mark.parametrize("n", range(1, 8))
def test_follow_up_point_links(graph: Graph, n: int) -> None:
    point = ID[f"followup/2025-{n}"]
    assert set(graph.objects(point, POL.responsible)) == {OSLO, OPD}
    assert graph.value(point, POL.originMeeting) == SEMINAR_2025
    assert graph.value(point, POL.listedIn) == ATTACHMENT


@pytest.mark.parametrize(("n", "status"), sorted(EXPECTED_STATUS.items()))
def test_status_update_january_2026(graph: Graph, n: int, status: str) -> None:
    point = ID[f"followup/2025-{n}"]
    updates = list(graph.subjects(POL.followUp, point))
    assert updates == [ID[f"followup/2025-{n}/status/2026-01-29"]]
    update = updates[0]
    assert (update, RDF.type, POL.StatusUpdate) in graph
    assert graph.value(update, DCTERMS.date) == Literal("2026-01-29", datatype=XSD.date)
    assert graph.value(update, POL.reportedIn) == M
    assert graph.value(update, POL.status) == concept("followup-status", status)
    assert lit(graph.value(update, POL.statusText)).language == "nb"
    assert "en" in languages(graph, update, SKOS.editorialNote), "each status choice is explained"


# ------------------------------------------------------------------ money (CQ9)


def test_amounts(graph: Graph) -> None:
    rows = query(
        graph,
        """
        SELECT ?value ?payer ?purpose ?from ?year WHERE {
          ?a a pol:MonetaryAmount ; schema:value ?value ; schema:currency "NOK" ;
             pol:payer ?payer ; pol:purpose ?purpose ; pol:meeting ?m .
          OPTIONAL { ?a pol:fromYear ?from } OPTIONAL { ?a pol:year ?year }
        } ORDER BY DESC(?value)
        """,
    )
    assert len(rows) == 2
    forty, twentysix = rows
    assert forty[0].toPython() == Decimal(40_000_000)
    assert forty[1:4] == (OSLO, ID["programme/oslomodellen"], Literal("2026", datatype=XSD.gYear))
    assert twentysix[0].toPython() == Decimal(26_000_000)
    assert twentysix[1] == ID["organisation/regjeringen"]
    assert twentysix[4] == Literal("2026", datatype=XSD.gYear)


# ------------------------------------------------------------------ IPO areas (CQ8)


def test_ipo_areas_per_january_2026(graph: Graph) -> None:
    rows = query(
        graph,
        f"""
        SELECT ?unit ?place ?status WHERE {{
          ?e a pol:PriorityAreaEffort ; pol:programme <{ID["programme/ipo"]}> ;
             pol:asOf "2026-01"^^xsd:gYearMonth ; pol:policeUnit ?unit ;
             schema:location ?place ; pol:effortStatus ?status .
        }}
        """,
    )
    found = {
        (str(u).rsplit("/", 1)[-1], str(p).rsplit("/", 1)[-1], str(s).rsplit("/", 1)[-1])
        for u, p, s in rows
    }
    new_east = {"vestli", "bjorndal", "ellingsrud", "trosterud", "fossum", "grorud", "holmlia-syd"}
    expected = {
        ("opd-enhet-vest", "hovseter", "new"),
        ("opd-enhet-vest", "majorstua", "continued"),
        ("opd-enhet-sentrum", "gronland", "continued"),
        ("opd-enhet-sentrum", "toyen", "continued"),
        ("opd-enhet-ost", "mortensrud", "continued"),
        ("opd-enhet-ost", "bjornerud", "continued"),
        ("opd-enhet-ost", "furuset", "started-2025"),
    } | {("opd-enhet-ost", place, "new") for place in new_east}
    assert found == expected
    assert len(list(graph.subjects(RDF.type, POL.PriorityAreaEffort))) == 13


def test_effort_status_scheme(curated_union: Graph) -> None:
    # The code list lives with the other code lists in data/reference/code-lists.ttl.
    scheme = ID["concept/effort-status"]
    assert (scheme, RDF.type, SKOS.ConceptScheme) in curated_union
    for slug in ("new", "continued", "started-2025"):
        labels = languages(curated_union, concept("effort-status", slug), SKOS.prefLabel)
        assert labels == {"nb", "en"}


# ------------------------------------------------------------------ topics and incident (CQ4)


@pytest.mark.parametrize(
    ("context", "target"),
    [
        ("meeting/2026-01-29/item/1", "topic/youth-drugs-and-prevention"),
        ("meeting/2026-01-29/item/2", "incident/kampen-drapet"),
        ("meeting/2026-01-29/item/3", "topic/crime-and-threat-picture"),
        ("meeting/2026-01-29/item/4", "topic/efforts-in-priority-areas"),
        ("followup/2025-1", "topic/emergency-preparedness"),
        ("followup/2025-1", "topic/information-sharing"),
        ("followup/2025-2", "topic/children-and-youth-in-crime"),
        ("followup/2025-3", "topic/radicalisation-and-extremism"),
        ("followup/2025-4", "topic/young-repeat-offenders"),
        ("followup/2025-5", "topic/efforts-in-priority-areas"),
        ("followup/2025-6", "topic/urban-development-and-safety"),
        ("followup/2025-7", "topic/police-resources"),
        ("meeting/2025-06/decision/1", "topic/radicalisation-and-extremism"),
    ],
)
def test_mentions(graph: Graph, context: str, target: str) -> None:
    rows = query(
        graph,
        f"""
        SELECT ?mention WHERE {{
          ?mention a pol:Mention ; pol:mentionOf <{ID[target]}> ;
                   pol:context <{ID[context]}> ; pol:meeting <{M}> ; pol:evidence ?p .
        }}
        """,
    )
    assert rows
    assert all(str(r[0]).startswith(str(M) + "/mention/") for r in rows)


# ------------------------------------------------------------------ provenance (CQ14)


def test_every_fact_has_evidence(graph: Graph) -> None:
    for cls in FACT_CLASSES:
        for node in graph.subjects(RDF.type, cls):
            assert graph.value(node, POL.evidence) is not None, node


def test_passages_match_source(graph: Graph, text: str) -> None:
    passages = list(graph.subjects(RDF.type, POL.Passage))
    assert passages
    for passage in passages:
        assert graph.value(passage, OA.hasSource) == SOURCE
        start = int(lit(graph.value(passage, OA.start)))
        end = int(lit(graph.value(passage, OA.end)))
        assert text[start:end] == str(graph.value(passage, OA.exact))
        assert str(passage) == f"{SOURCE}#char={start},{end}"


def _first_evidence(graph: Graph, node: Node, text: str) -> str:
    starts = [int(lit(graph.value(p, OA.start))) for p in graph.objects(node, POL.evidence)]
    return text[min(starts) :]


def test_first_evidence_starts_at_heading(graph: Graph, text: str) -> None:
    for item in graph.subjects(RDF.type, POL.AgendaItem):
        title = str(graph.value(item, DCTERMS.title))
        assert _first_evidence(graph, item, text).startswith(title[:10]), item
    for n in range(1, 8):
        point = ID[f"followup/2025-{n}"]
        assert _first_evidence(graph, point, text).startswith(f"{n}. "), point
        update = ID[f"followup/2025-{n}/status/2026-01-29"]
        assert _first_evidence(graph, update, text).startswith("Status:"), update
