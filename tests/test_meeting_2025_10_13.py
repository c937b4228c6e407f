"""The curated extraordinary meeting of 13.10.2025 says what its minutes say."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, XSD
from rdflib.term import Node

from politiraad_graph.namespaces import ID, OA, POL, SCHEMA, sparql_prologue

ROOT = Path(__file__).resolve().parent.parent
MEETING_FILE = ROOT / "data" / "meetings" / "2025-10-13.ttl"
SOURCE_FILE = ROOT / "data" / "sources" / "2025-10-13_referat_ekstraordinaert_mote.txt"

MEETING = ID["meeting/2025-10-13"]
NEXT_MEETING = ID["meeting/2025-10-31"]
SOURCE = ID["source/2025-10-13"]
BRIEF = ID["meeting/2025-10-13/situation-brief"]

FACT_CLASSES = (
    "Meeting",
    "AgendaItem",
    "Participation",
    "PostHolding",
    "Decision",
    "FollowUpPoint",
    "StatusUpdate",
    "MonetaryAmount",
    "Mention",
)

# person slug -> (roles, organisation slug, post slug or None), as the minutes list them
PARTICIPANTS: dict[str, tuple[frozenset[str], str, str | None]] = {
    "ida-melbo-oystese": (frozenset({"member"}), "opd", "opd-politimester"),
    "jane-beckmann-dahl": (frozenset({"member"}), "opd", "opd-enhet-forebygging-leder"),
    "john-roger-lund": (frozenset({"member"}), "opd", "opd-enhet-ost-leder"),
    "rune-alstadsaeter": (frozenset({"member"}), "opd", "opd-kommunikasjonsdirektor"),
    "eirik-lae-solberg": (frozenset({"member"}), "oslo-kommune", "oslo-kommune-byradsleder"),
    "julianne-ferskaug": (
        frozenset({"member"}),
        "oslo-kommune",
        "oslo-kommune-byrad-for-sosiale-tjenester",
    ),
    "julie-remen-midtgarden": (
        frozenset({"member"}),
        "oslo-kommune",
        "oslo-kommune-byrad-for-utdanning",
    ),
    "tale-teisberg": (frozenset({"member"}), "oslo-kommune", "blk-kommunaldirektor"),
    "bente-fagerli": (
        frozenset({"member", "case-officer"}),
        "oslo-kommune",
        "set-kommunaldirektor",
    ),
    "hege-sevatdal": (frozenset({"member"}), "oslo-kommune", "utd-kommunaldirektor"),
    "anne-folkvord": (frozenset({"member"}), "oslo-kommune", "set-seksjonssjef"),
    "anne-lindbo": (frozenset({"observer"}), "oslo-kommune", "oslo-kommune-ordforer"),
    "beate-brinch-sand": (frozenset({"other-participant"}), "opd", "opd-patalelder"),
    "lene-storli": (frozenset({"other-participant"}), "opd", None),
    "per-einar-ostrem": (frozenset({"other-participant"}), "opd", None),
    "hanne-gjortz": (frozenset({"other-participant"}), "blk", "blk-kommunikasjonssjef"),
    "tor-froytvedt-dahl": (frozenset({"other-participant"}), "set", "set-byradssekretaer"),
    "rune-dahl-franck": (frozenset({"other-participant"}), "blk", "blk-byradssekretaer"),
    "eira-nybo": (frozenset({"other-participant"}), "set", "set-seksjonssjef-barnevern"),
    "anders-berg": (frozenset({"invited"}), "bydel-alna", "bydel-alna-bydelsdirektor"),
    "kjetil-ostling": (frozenset({"invited"}), "bfe", "bfe-direktor"),
    "marius-arnason-boe": (frozenset({"invited"}), "ude", "ude-direktor"),
}


@pytest.fixture(scope="module")
def graph() -> Graph:
    g = Graph()
    g.parse(MEETING_FILE, format="turtle", publicID=str(ID))
    return g


@pytest.fixture(scope="module")
def source_text() -> str:
    return SOURCE_FILE.read_text(encoding="utf-8")


def literal(graph: Graph, subject: Node, predicate: URIRef) -> Literal:
    """Return the one literal value of ``predicate`` on ``subject``; fail if there is none."""
    value = graph.value(subject, predicate)
    assert isinstance(value, Literal), f"{subject} {predicate}: {value!r}"
    return value


def rows(graph: Graph, query: str) -> list[tuple[object, ...]]:
    """Run a SPARQL query with the project prefixes and return its rows as tuples."""
    return [tuple(row) for row in graph.query(sparql_prologue() + query)]  # type: ignore[arg-type]


def test_source_document_describes_the_verbatim_file(graph: Graph) -> None:
    assert (SOURCE, RDF.type, POL.SourceDocument) in graph
    assert graph.value(SOURCE, POL.fileName) == Literal(SOURCE_FILE.name)
    digest = hashlib.sha256(SOURCE_FILE.read_bytes()).hexdigest()
    assert str(graph.value(SOURCE, POL.sha256)) == digest
    assert str(graph.value(SOURCE, DCTERMS.language)) == "nb"
    assert literal(graph, SOURCE, DCTERMS.title).language == "nb"
    assert graph.value(SOURCE, POL.recordsMeeting) == MEETING


def test_meeting_is_an_extraordinary_held_meeting_at_radhuset(graph: Graph) -> None:
    (row,) = rows(
        graph,
        """
        SELECT ?council ?type ?status ?date ?start ?end ?place ?convener ?minutes WHERE {
          <https://w3id.org/politiraad/id/meeting/2025-10-13> a pol:Meeting ;
            pol:council ?council ; pol:meetingType ?type ; pol:meetingStatus ?status ;
            schema:startDate ?date ; schema:startTime ?start ; schema:endTime ?end ;
            schema:location ?place ; pol:convenedBy ?convener ; pol:minutes ?minutes .
        }
        """,
    )
    assert row == (
        ID["council/politiradet-oslo"],
        ID["concept/meeting-type/extraordinary"],
        ID["concept/meeting-status/held"],
        Literal("2025-10-13", datatype=XSD.date),
        Literal("12:30:00", datatype=XSD.time),
        Literal("13:40:00", datatype=XSD.time),
        ID["place/radhuset-byradslederens-moterom"],
        ID["post/oslo-kommune-byradsleder"],
        SOURCE,
    )
    assert literal(graph, MEETING, DCTERMS.title).language == "nb"
    assert "under 15 år" in str(graph.value(MEETING, DCTERMS.description))


def test_place_is_quoted_as_written(graph: Graph) -> None:
    quotes = rows(
        graph,
        """
        SELECT ?exact WHERE {
          <https://w3id.org/politiraad/id/meeting/2025-10-13> pol:evidence ?p .
          ?p oa:exact ?exact .
          FILTER(CONTAINS(?exact, "Møtested"))
        }
        """,
    )
    assert quotes == [(Literal("Møtested: Rådhuset, byrådslederen møterom"),)]


def test_four_agenda_items_numbered_as_in_the_text(graph: Graph) -> None:
    found = rows(
        graph,
        """
        SELECT ?position ?number ?title WHERE {
          ?item a pol:AgendaItem ; pol:meeting <https://w3id.org/politiraad/id/meeting/2025-10-13> ;
                pol:position ?position ; pol:itemNumber ?number ; dcterms:title ?title .
        } ORDER BY ?position
        """,
    )
    assert [(int(p), int(n), str(t)) for p, n, t in found] == [  # type: ignore[call-overload]
        (1, 1, "Korte orienteringer fra politimester og byrådsleder"),
        (2, 2, "Situasjonsbrief fra politiet"),
        (3, 3, "Utfordringsbilde fra kommunes side"),
        (4, 4, "Diskusjon"),
    ]


def test_each_item_is_anchored_at_its_heading(graph: Graph) -> None:
    for number in range(1, 5):
        item = ID[f"meeting/2025-10-13/item/{number}"]
        passages = list(graph.objects(item, POL.evidence))
        first = min(passages, key=lambda p: int(literal(graph, p, OA.start)))
        assert str(graph.value(first, OA.exact)).startswith(f"{number}. ")
        assert literal(graph, item, POL.summary).language == "nb"


def test_directors_were_invited_and_presented_item_3(graph: Graph) -> None:
    directors = {
        ID["person/anders-berg"],
        ID["person/kjetil-ostling"],
        ID["person/marius-arnason-boe"],
    }
    item3 = ID["meeting/2025-10-13/item/3"]
    assert set(graph.objects(item3, POL.presentedBy)) == directors
    invited = {
        person
        for (person,) in rows(
            graph,
            """
            SELECT ?person WHERE {
              ?p a pol:Participation ; pol:participant ?person ;
                 pol:meetingRole <https://w3id.org/politiraad/id/concept/meeting-role/invited> .
            }
            """,
        )
    }
    assert invited == directors


def test_item_1_presented_by_politimester_and_byradsleder(graph: Graph) -> None:
    presenters = set(graph.objects(ID["meeting/2025-10-13/item/1"], POL.presentedBy))
    assert {ID["post/opd-politimester"], ID["post/oslo-kommune-byradsleder"]} <= presenters


def test_every_participant_with_role_organisation_and_post(graph: Graph) -> None:
    found: dict[str, tuple[frozenset[str], str, str | None]] = {}
    participations = set(graph.subjects(RDF.type, POL.Participation))
    for participation in participations:
        assert graph.value(participation, POL.meeting) == MEETING
        person = str(graph.value(participation, POL.participant)).removeprefix(str(ID) + "person/")
        slug = str(participation).rsplit("/", 1)[-1]
        assert slug == person
        roles = frozenset(
            str(r).rsplit("/", 1)[-1] for r in graph.objects(participation, POL.meetingRole)
        )
        org = str(graph.value(participation, POL.onBehalfOf)).rsplit("/", 1)[-1]
        post_iri = graph.value(participation, POL.inPost)
        post = None if post_iri is None else str(post_iri).rsplit("/", 1)[-1]
        found[person] = (roles, org, post)
    assert len(participations) == len(PARTICIPANTS) == 22
    assert found == PARTICIPANTS


def test_case_officer_is_the_member_bente_fagerli(graph: Graph) -> None:
    (row,) = rows(
        graph,
        """
        SELECT (COUNT(?p) AS ?n) WHERE {
          ?p pol:participant <https://w3id.org/politiraad/id/person/bente-fagerli> .
        }
        """,
    )
    assert int(row[0]) == 1  # type: ignore[call-overload]
    quotes = {
        str(graph.value(p, OA.exact))
        for p in graph.objects(ID["meeting/2025-10-13/participation/bente-fagerli"], POL.evidence)
    }
    assert "Saksbehandler: Bente T. Fagerli (SET)" in quotes


def test_post_holdings_attested_for_every_participant_with_a_post(graph: Graph) -> None:
    holdings = {
        str(person).rsplit("/", 1)[-1]: (str(post).rsplit("/", 1)[-1], acting)
        for person, post, acting in rows(
            graph,
            """
            SELECT ?person ?post ?acting WHERE {
              ?h a pol:PostHolding ; pol:holder ?person ; pol:heldPost ?post ;
                 pol:acting ?acting ;
                 pol:attestedIn <https://w3id.org/politiraad/id/meeting/2025-10-13> .
            }
            """,
        )
    }
    expected = {
        person: (post, Literal(False))
        for person, (_, _, post) in PARTICIPANTS.items()
        if post is not None
    }
    assert holdings == expected
    assert holdings["rune-alstadsaeter"] == ("opd-kommunikasjonsdirektor", Literal(False))
    assert "lene-storli" not in holdings
    assert "per-einar-ostrem" not in holdings


def test_situation_brief_is_exempt_and_has_no_content(graph: Graph) -> None:
    item2 = ID["meeting/2025-10-13/item/2"]
    assert (item2, POL.attachment, BRIEF) in graph
    assert (BRIEF, RDF.type, POL.Document) in graph
    assert graph.value(BRIEF, DCTERMS.accessRights) == ID["concept/access-rights/exempt"]
    assert str(graph.value(BRIEF, DCTERMS.title)) == "Situasjonsbrief fra politiet"
    described = {p for p, _ in graph.predicate_objects(BRIEF)}
    assert described == {RDF.type, DCTERMS.title, DCTERMS.accessRights}
    # The item itself stays public, with its public sentence.
    assert graph.value(item2, DCTERMS.accessRights) == ID["concept/access-rights/public"]
    assert "unntatt offentlighet" in str(graph.value(item2, POL.summary))


def test_incidents_are_mentioned_with_item_2_as_context(graph: Graph) -> None:
    found = rows(
        graph,
        """
        SELECT DISTINCT ?incident WHERE {
          ?m a pol:Mention ; pol:mentionOf ?incident ;
             pol:context <https://w3id.org/politiraad/id/meeting/2025-10-13/item/2> .
          FILTER(STRSTARTS(STR(?incident), "https://w3id.org/politiraad/id/incident/"))
        }
        """,
    )
    assert {i for (i,) in found} == {
        ID["incident/bislett-2025"],
        ID["incident/sarpsborg-2025"],
        ID["incident/strommen-2025"],
    }


@pytest.mark.parametrize(
    ("topic", "item"),
    [
        ("violence-as-a-service", 1),
        ("recruitment-of-minors", 1),
        ("information-sharing", 1),
        ("interdisciplinary-cooperation", 1),
        ("district-structure", 1),
        ("crime-and-threat-picture", 2),
        ("interdisciplinary-cooperation", 3),
        ("information-sharing", 3),
        ("information-sharing", 4),
    ],
)
def test_items_are_tagged_with_topics(graph: Graph, topic: str, item: int) -> None:
    mentions = [
        m
        for m in graph.subjects(POL.mentionOf, ID[f"topic/{topic}"])
        if graph.value(m, POL.context) == ID[f"meeting/2025-10-13/item/{item}"]
    ]
    assert mentions
    for mention in mentions:
        assert graph.value(mention, POL.meeting) == MEETING
        assert str(mention).startswith(str(ID) + "meeting/2025-10-13/mention/")


def test_purpose_names_recruitment_of_under_15s(graph: Graph) -> None:
    quotes = {
        str(graph.value(p, OA.exact))
        for m in graph.subjects(POL.mentionOf, ID["topic/recruitment-of-minors"])
        for p in graph.objects(m, POL.evidence)
    }
    assert any("unge under 15 år" in q for q in quotes)


def test_follow_up_is_referred_to_the_ordinary_meeting_of_31_october(graph: Graph) -> None:
    (row,) = rows(
        graph,
        """
        SELECT ?type ?status ?date WHERE {
          <https://w3id.org/politiraad/id/meeting/2025-10-31> a pol:Meeting ;
            pol:meetingType ?type ; pol:meetingStatus ?status ; schema:startDate ?date ;
            pol:council <https://w3id.org/politiraad/id/council/politiradet-oslo> ;
            pol:scheduledIn <https://w3id.org/politiraad/id/meeting/2025-10-13> .
        }
        """,
    )
    assert row == (
        ID["concept/meeting-type/ordinary"],
        ID["concept/meeting-status/planned"],
        Literal("2025-10-31", datatype=XSD.date),
    )
    assert graph.value(NEXT_MEETING, POL.minutes) is None
    decisions = set(graph.subjects(RDF.type, POL.Decision))
    assert decisions == {ID["meeting/2025-10-13/decision/1"]}
    (decision,) = decisions
    assert graph.value(decision, POL.scheduledFor) == NEXT_MEETING
    assert graph.value(decision, POL.decisionType) == ID["concept/decision-type/deferred"]
    assert graph.value(decision, POL.meeting) == MEETING


def test_only_council_meetings_are_meetings(graph: Graph) -> None:
    # The meeting of politidirektøren with the directorates "sist uke" is not a council meeting.
    assert set(graph.subjects(RDF.type, POL.Meeting)) == {MEETING, NEXT_MEETING}


def test_no_money_and_no_follow_up_points(graph: Graph) -> None:
    # "480 foreldre på 12 skoler" are not amounts of money.
    for cls in ("MonetaryAmount", "FollowUpPoint", "StatusUpdate"):
        assert not set(graph.subjects(RDF.type, POL[cls]))


def test_every_fact_has_evidence_that_matches_the_source(graph: Graph, source_text: str) -> None:
    facts = {s for cls in FACT_CLASSES for s in graph.subjects(RDF.type, POL[cls])}
    assert facts
    for fact in facts:
        passages = list(graph.objects(fact, POL.evidence))
        assert passages, f"{fact} has no evidence"
        for passage in passages:
            assert isinstance(passage, URIRef)
            assert graph.value(passage, OA.hasSource) == SOURCE
            start = int(literal(graph, passage, OA.start))
            end = int(literal(graph, passage, OA.end))
            assert str(passage) == f"{SOURCE}#char={start},{end}"
            assert source_text[start:end] == str(graph.value(passage, OA.exact))


def test_meeting_and_times_are_evidenced(graph: Graph) -> None:
    quotes = {str(graph.value(p, OA.exact)) for p in graph.objects(MEETING, POL.evidence)}
    assert "Møtetid: 13.10.2025 klokken 12.30 - 13.40" in quotes
    assert graph.value(MEETING, SCHEMA.startDate) == Literal("2025-10-13", datatype=XSD.date)
