"""Attendee lists in their many layouts, speakers introduced in items, and post holdings."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph

from politiraad_graph.ingest.layout import analyse
from politiraad_graph.ingest.names import OrgMatcher, PersonMatcher, PostMatcher
from politiraad_graph.ingest.participants import (
    Matchers,
    Participant,
    find_participants,
    find_post_holdings,
    find_speakers,
    interpret,
)
from politiraad_graph.ingest.reference import Reference
from politiraad_graph.namespaces import ID

DATA = Path(__file__).parent / "data" / "ingest"


@pytest.fixture(scope="module")
def matchers() -> Matchers:
    reference = Reference.from_graph(Graph().parse(DATA / "reference.ttl", publicID=str(ID)))
    home = {
        ID["organisation/oslo-kommune"],
        ID["organisation/opd"],
        ID["organisation/blk"],
        ID["organisation/set"],
    }
    return Matchers(PersonMatcher(reference), OrgMatcher(reference), PostMatcher(reference), home)


def people(text: str, matchers: Matchers) -> dict[str, Participant]:
    layout = analyse(text)
    found, _ = find_participants(layout, layout.regions, matchers)
    return {p.written: p for p in found}


def slug(iri: object) -> str | None:
    return str(iri).rsplit("/", 1)[-1] if iri is not None else None


def test_grouped_by_organisation_with_titles_in_parentheses(matchers: Matchers) -> None:
    text = (
        "Politirådets medlemmer:\n"
        "Oslo politidistrikt:\n"
        "Ida Melbo Øystese (politimester), Kari Hansen (leder for Enhet øst)\n"
        "Oslo kommune:\n"
        "Eirik Lae Solberg (byrådsleder), Bente Fagerli (kommunaldirektør SET)\n"
        "Andre deltakere Observatør: Ordfører Tale Teisberg\n"
        "Hanne Gjørtz (kommunikasjonssjef BLK), Per Dahl (OPD)\n"
        "Saksbehandler: Bente T. Fagerli (SET)\n"
    )
    found = people(text, matchers)
    ida = found["Ida Melbo Øystese"]
    assert (ida.roles, slug(ida.organisation), slug(ida.post)) == (
        ["member"],
        "opd",
        "opd-politimester",
    )
    assert slug(found["Kari Hansen"].post) == "opd-enhet-ost-leder"
    bente = found["Bente Fagerli"]
    # the case officer "Bente T. Fagerli (SET)" is the same person: one participant, two roles
    assert bente.roles == ["member", "case-officer"]
    assert (slug(bente.organisation), slug(bente.post)) == ("oslo-kommune", "set-kommunaldirektor")
    tale = found["Tale Teisberg"]
    assert (tale.roles, slug(tale.post), slug(tale.organisation)) == (
        ["observer"],
        "oslo-kommune-ordforer",
        "oslo-kommune",
    )
    hanne = found["Hanne Gjørtz"]
    assert (hanne.roles, slug(hanne.organisation), slug(hanne.post)) == (
        ["other-participant"],
        "blk",
        "blk-kommunikasjonssjef",
    )
    assert (found["Per Dahl"].post, slug(found["Per Dahl"].organisation)) == (None, "opd")
    assert found["Per Dahl"].person.is_new


def test_one_person_per_line_name_title_organisation(matchers: Matchers) -> None:
    text = (
        "Til stede:\n"
        "Ida M. Øystese, politimester, Oslo politidistrikt\n"
        "Kari Nordvik, seksjonssjef, Velferdsetaten\n"
        "Jon Vik, rådgiver, Tromsø politistasjon\n"
        "\n"
        "Forfall:\n"
        "Tale Teisberg, kommunaldirektør, Byrådslederens kontor\n"
    )
    layout = analyse(text)
    found, absent = find_participants(layout, layout.regions, matchers)
    by_name = {p.written: p for p in found}
    ida = by_name["Ida M. Øystese"]
    assert (slug(ida.person.iri), ida.person.status, slug(ida.post)) == (
        "ida-melbo-oystese",
        "variant",
        "opd-politimester",
    )
    kari = by_name["Kari Nordvik"]
    assert (slug(kari.organisation), slug(kari.post), kari.new_post) == (
        "vel",
        "vel-seksjonssjef",
        True,
    )
    jon = by_name["Jon Vik"]
    assert (slug(jon.organisation), jon.new_organisation) == ("tromso-politistasjon", True)
    assert [a.written for a in absent] == ["Tale Teisberg"]
    assert "Tale Teisberg" not in by_name


def test_comma_separated_names(matchers: Matchers) -> None:
    found = people("Til stede: Kari Moe, Ola Berg og Per Dahl\n\n1. Sak\nTekst her.\n", matchers)
    assert sorted(found) == ["Kari Moe", "Ola Berg", "Per Dahl"]
    assert all(p.roles == ["member"] for p in found.values())


def test_a_title_without_organisation_is_only_a_post_of_the_council(matchers: Matchers) -> None:
    found = people("Til stede: Siri Moe (ordfører), Ola Berg (kommunedirektør)\n", matchers)
    assert slug(found["Siri Moe"].post) == "oslo-kommune-ordforer"
    assert found["Ola Berg"].post is None
    foreign = Matchers(matchers.people, matchers.organisations, matchers.posts, set())
    assert (
        people("Til stede: Siri Moe (ordfører), Ola Berg (rådgiver)\n", foreign)["Siri Moe"].post
        is None
    )


@pytest.mark.parametrize(
    ("entry", "name", "title", "organisation"),
    [
        ("Bydelsdirektør Bydel Alna, Kari Moe", "Kari Moe", "Bydelsdirektør", "Bydel Alna"),
        ("Direktør Kari Moe, Velferdsetaten", "Kari Moe", "Direktør", "Velferdsetaten"),
        ("Kari Moe (seksjonssjef barnevern SET)", "Kari Moe", "seksjonssjef barnevern", "SET"),
        ("Kari Moe – rådgiver i Velferdsetaten", "Kari Moe", "rådgiver", "Velferdsetaten"),
        ("Ordfører Kari Moe", "Kari Moe", "Ordfører", None),
    ],
)
def test_entries_taken_apart(
    matchers: Matchers, entry: str, name: str, title: str, organisation: str | None
) -> None:
    parsed = interpret(entry, 0, len(entry), matchers.organisations)
    assert (parsed.name, parsed.title, parsed.organisation) == (name, title, organisation)
    assert parsed.name_span is not None and entry[slice(*parsed.name_span)] == name


def test_speakers_introduced_in_an_item(matchers: Matchers) -> None:
    text = (
        "3. Utfordringsbilde fra bydelene\n\n"
        "To direktører var invitert for å gi et bilde av situasjonen.\n\n"
        "Bydelsdirektør Bydel Alna, Anna Lie\n\n"
        "Lie viste til et godt samarbeid med politiet.\n\n"
        "Et kort innspill om sommeren\n\n"
        "Det kom ingen flere innspill.\n"
    )
    layout = analyse(text)
    found = find_speakers(layout, [(0, len(text))], matchers, [])
    assert [p.written for p in found] == ["Anna Lie"]
    anna = found[0]
    assert (anna.roles, slug(anna.organisation), slug(anna.post)) == (
        ["invited"],
        "bydel-alna",
        "bydel-alna-bydelsdirektor",
    )
    assert "invitert" in text[slice(*anna.spans[0])]


def test_post_holdings_in_sentences(matchers: Matchers) -> None:
    text = (
        "Kari Hansen fungerer nå som visepolitimester. Ida Melbo Øystese er ny politimester i OPD. "
        "Ola Berg er konstituert kommunaldirektør i Byrådslederens kontor. Per Dahl er glad."
    )
    found = {h.written: h for h in find_post_holdings(analyse(text), matchers)}
    assert (slug(found["Kari Hansen"].post), found["Kari Hansen"].acting) == (
        "opd-visepolitimester",
        True,
    )
    ida = found["Ida Melbo Øystese"]
    assert (slug(ida.post), ida.acting, ida.new_in_post) == ("opd-politimester", False, True)
    ola = found["Ola Berg"]
    assert (slug(ola.post), ola.acting, ola.person.is_new) == ("blk-kommunaldirektor", True, True)
    assert "Per Dahl" not in found
