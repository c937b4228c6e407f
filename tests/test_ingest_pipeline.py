"""Every extractor over whole minutes of different layouts (the fixtures in tests/data/ingest/)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from rdflib import Graph

from politiraad_graph.ingest.pipeline import Extraction, extract
from politiraad_graph.ingest.reference import Reference
from politiraad_graph.ingest.source import IngestError
from politiraad_graph.namespaces import ID

DATA = Path(__file__).parent / "data" / "ingest"


@pytest.fixture(scope="module")
def reference() -> Reference:
    return Reference.from_graph(Graph().parse(DATA / "reference.ttl", publicID=str(ID)))


def run(name: str, reference: Reference) -> Extraction:
    return extract(DATA / name, DATA, reference)


def slug(iri: object) -> str:
    return str(iri).rsplit("/", 1)[-1]


def test_municipal_minutes_with_tid_sted_and_sak_numbers(reference: Reference) -> None:
    x = run("mote_tid_sted_sak.txt", reference)
    assert (x.meeting.key, x.meeting.type) == ("2025-03-12", "ordinary")
    assert x.council.new and x.council.label == "Politirådet i Tromsø"
    assert x.place is not None and x.place.new and x.place.written == "Rådhuset, formannskapssalen"
    assert [(i.case_number, i.title) for i in x.structure.items] == [
        ("1/25", "Godkjenning av innkalling og saksliste"),
        ("2/25", "Referat fra møtet 28.11.24"),
        ("3/25", "Orientering fra politiet om kriminalitetsbildet"),
        ("4/25", "SLT-handlingsplan 2025–2027"),
        ("5/25", "Eventuelt"),
    ]
    people = {p.written: p for p in x.participants}
    assert set(people) == {
        "Marte Solbakken",
        "Jon Eirik Haugland",
        "Astrid Nygård",
        "Ole Martin Berge",
        "Lise M. Johannessen",
    }
    assert all(p.person.is_new for p in people.values())
    assert people["Lise M. Johannessen"].roles == ["case-officer"]
    # a post of another municipality is not taken for Oslo's ordfører
    assert people["Marte Solbakken"].post is None
    assert slug(people["Ole Martin Berge"].organisation) == "troms-politidistrikt"
    assert [a.written for a in x.absences] == ["Siri Pedersen"]
    assert [(d.types, d.item.number if d.item else None) for d in x.decisions] == [
        (["approved"], 1),
        (["approved"], 2),
        (["noted"], 3),
        (["scheduled-for-approval"], 4),
    ]
    assert (
        x.decisions[-1].scheduled_for is not None
        and x.decisions[-1].scheduled_for.key == "2025-06-12"
    )
    assert {m.key: m.status for m in x.meetings} == {"2024-11-28": "held", "2025-06-12": "planned"}
    assert [(a.value, a.year, a.from_year) for a in x.amounts] == [
        (Decimal(1_200_000), 2025, None),
        (Decimal(300_000), None, 2026),
    ]


def test_oslo_minutes_with_one_attendee_per_line(reference: Reference) -> None:
    x = run("politirad_navn_rolle_org.txt", reference)
    assert (x.meeting.key, x.council.iri) == ("2024-03-15", ID["council/politiradet-oslo"])
    by_person = {slug(p.person.iri): p for p in x.participants}
    assert set(by_person) == {
        "ida-melbo-oystese",
        "eirik-lae-solberg",
        "kari-nordvik",
        "per-arne-lunde",
        "hanne-gjortz",
    }
    assert by_person["hanne-gjortz"].roles == ["observer"]
    assert slug(by_person["eirik-lae-solberg"].post) == "oslo-kommune-byradsleder"
    assert [slug(a.person.iri) for a in x.absences] == ["tale-teisberg"]
    assert [d.types for d in x.decisions] == [["approved"], ["adopted"], ["deferred"]]
    assert x.decisions[2].scheduled_for is not None and x.decisions[2].scheduled_for.start == date(
        2024, 6, 14
    )
    assert [a.value for a in x.amounts] == [Decimal(1_500_000_000), Decimal(26_000_000)]
    assert len(x.exempt) == 1 and "offl. § 24" in x.text[slice(*x.exempt[0])]
    places = {slug(m.thing) for m in x.mentions if m.kind == "place"}
    assert {"gronland", "toyen"} <= places


def test_seminar_summary_with_bullets_and_follow_up_points(reference: Reference) -> None:
    x = run("seminar_med_punkter.txt", reference)
    assert (x.meeting.start, x.meeting.end, x.meeting.type) == (
        date(2024, 9, 4),
        date(2024, 9, 5),
        "seminar",
    )
    assert "september 2024" in x.meeting.basis
    assert [i.title for i in x.structure.items] == [
        "Vold blant unge i sentrum",
        "Rus og forebygging i skolen",
        "Innsats i utsatte områder",
        "Utkast til ny samarbeidsavtale 2025–2027",
    ]
    assert x.followups is not None
    assert [(p.year, p.number, p.status) for p in x.followups.points] == [
        (2024, 1, "completed"),
        (2024, 2, "in-progress"),
        (2024, 3, "not-started"),
    ]
    # a council new to the reference data has no known members to hold responsible
    assert x.council.new and x.responsible[1] == []
    assert [(m.key, m.status) for m in x.meetings] == [("2024-11", "planned")]
    assert [(a.value, a.from_year) for a in x.amounts] == [(Decimal(3_000_000), 2025)]


def test_text_that_is_not_minutes(reference: Reference) -> None:
    with pytest.raises(IngestError, match=r"ikke_referat\.txt: this does not look like minutes"):
        run("ikke_referat.txt", reference)


def test_empty_file(reference: Reference) -> None:
    with pytest.raises(IngestError, match=r"tom\.txt: the file is empty"):
        run("tom.txt", reference)


def test_it_is_quick(reference: Reference) -> None:
    x = run("politirad_navn_rolle_org.txt", reference)
    assert x.seconds < 2.0
