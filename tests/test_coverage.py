"""Coverage: a checklist written by reading the three minutes; each item must be in the graph.

The lists below are the lead curator's reading of the sources, independent of the curated files:
every person, organisation, place, programme, plan, date and amount the minutes name.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, SKOS, XSD

from politiraad_graph.namespaces import ID, POL, SCHEMA

PEOPLE = {
    "Tore Soldal": "tore-soldal",
    "Joachim Dyrdal": "joachim-dyrdal",
    "Rune Alstadsæter": "rune-alstadsaeter",
    "Ida Melbo Øystese": "ida-melbo-oystese",
    "Jane Beckmann Dahl": "jane-beckmann-dahl",
    "John Roger Lund": "john-roger-lund",
    "Eirik Lae Solberg": "eirik-lae-solberg",
    "Julianne Ferskaug": "julianne-ferskaug",
    "Julie Remen Midtgarden": "julie-remen-midtgarden",
    "Tale Teisberg": "tale-teisberg",
    "Bente Fagerli": "bente-fagerli",
    "Hege Sevatdal": "hege-sevatdal",
    "Anne Folkvord": "anne-folkvord",
    "Anne Lindbo": "anne-lindbo",
    "Beate Brinch Sand": "beate-brinch-sand",
    "Lene Storli": "lene-storli",
    "Per Einar Østrem": "per-einar-ostrem",
    "Hanne Gjørtz": "hanne-gjortz",
    "Tor Frøytvedt Dahl": "tor-froytvedt-dahl",
    "Rune Dahl Franck": "rune-dahl-franck",
    "Eira Nybø": "eira-nybo",
    "Anders Berg": "anders-berg",
    "Kjetil Ostling": "kjetil-ostling",
    "Marius Arnason Bøe": "marius-arnason-boe",
}

ORGANISATIONS = {
    "OPD": "opd",
    "BLK": "blk",
    "SET": "set",
    "UTD": "utd",
    "OVK": "ovk",
    "NOE": "noe",
    "AIS": "ais",
    "UDE": "ude",
    "KRIPOS": "kripos",
    "PST": "pst",
    "Velferdsetaten": "vel",
    "Barne- og familieetaten": "bfe",
    "Utdanningsetaten": "ude",
    "Øst politidistrikt": "ost-politidistrikt",
    "Bydel Alna": "bydel-alna",
    "Bydel Søndre Nordstrand": "bydel-sondre-nordstrand",
    "Kommuneadvokaten": "kommuneadvokaten",
    "Helse- og sosialutvalget": "helse-og-sosialutvalget",
    "Bystyret": "bystyret",
    "Utdanningsdirektoratet": "utdanningsdirektoratet",
    "Helsedirektoratet": "helsedirektoratet",
    "Barne-, ungdoms- og familiedirektoratet": "barne-ungdoms-og-familiedirektoratet",
    "Kommunenes koordineringssentral (KOSS)": "koss",
    "Rolleforståelsesutvalget": "rolleforstaelsesutvalget",
    "Oslo kommune": "oslo-kommune",
    "Enhet sentrum": "opd-enhet-sentrum",
    "Enhet øst": "opd-enhet-ost",
    "Enhet vest": "opd-enhet-vest",
    "Enhet forebygging": "opd-enhet-forebygging",
    "NRK": "nrk",
    "Asker kommune": "asker-kommune",
    "Bærum kommune": "baerum-kommune",
}

PLACES = [
    "mortensrud", "toyen", "bislett", "sarpsborg", "strommen", "kampen", "hovseter", "majorstua",
    "gronland", "bjornerud", "furuset", "vestli", "bjorndal", "ellingsrud", "trosterud", "fossum",
    "grorud", "holmlia-syd", "groruddalen", "radhuset",
]  # fmt: skip

PROGRAMMES = [
    "salto", "ipo", "oslomodellen", "oslostandard", "grorudmodellen", "koss",
    "politiradsavtalen", "naerpoliti-toyen", "politisted-mortensrud",
]  # fmt: skip

PLANS = [
    "salto-handlingsprogram-2023-2025",
    "salto-handlingsprogram-2026-2028",
    "politiradsavtale-2023-2025",
    "politiradsavtale-2026-2028",
    "salto-handlingsplan-radikalisering-2025-2028",
]

MEETING_DATES = {
    # meeting IRI date: (start, end) as the minutes give them
    "2023-01-13": ("2023-01-13", None),
    "2022-11-17": ("2022-11-17", "2022-11-18"),
    "2023-04-21": ("2023-04-21", None),
    "2023-06-02": ("2023-06-02", None),
    "2023-09-29": ("2023-09-29", None),
    "2023-11-30": ("2023-11-30", "2023-12-01"),
    "2025-10-13": ("2025-10-13", None),
    "2025-10-31": ("2025-10-31", None),
    "2026-01-29": ("2026-01-29", "2026-01-30"),
}

AMOUNTS = {Decimal(75_000_000), Decimal(40_000_000), Decimal(26_000_000)}


def _typed(graph: Graph, iri: URIRef) -> bool:
    return (iri, RDF.type, None) in graph and (iri, SKOS.prefLabel, None) in graph


@pytest.mark.parametrize(("name", "slug"), sorted(PEOPLE.items()))
def test_person_is_present(curated_union: Graph, name: str, slug: str) -> None:
    iri = ID[f"person/{slug}"]
    assert (iri, RDF.type, SCHEMA.Person) in curated_union
    labels = {str(x) for x in curated_union.objects(iri, SKOS.prefLabel)}
    assert name in labels


def test_bente_fagerli_keeps_both_names(curated_union: Graph) -> None:
    iri = ID["person/bente-fagerli"]
    names = {str(x) for p in (SKOS.prefLabel, SKOS.altLabel) for x in curated_union.objects(iri, p)}
    assert {"Bente Fagerli", "Bente T. Fagerli"} <= names


@pytest.mark.parametrize(("label", "slug"), sorted(ORGANISATIONS.items()))
def test_organisation_is_present(curated_union: Graph, label: str, slug: str) -> None:
    assert _typed(curated_union, ID[f"organisation/{slug}"]), label


@pytest.mark.parametrize("slug", PLACES)
def test_place_is_present(curated_union: Graph, slug: str) -> None:
    assert (ID[f"place/{slug}"], RDF.type, SCHEMA.Place) in curated_union


@pytest.mark.parametrize("slug", PROGRAMMES)
def test_programme_is_present(curated_union: Graph, slug: str) -> None:
    assert (ID[f"programme/{slug}"], RDF.type, POL.Programme) in curated_union


@pytest.mark.parametrize("slug", PLANS)
def test_plan_is_present_with_its_period(curated_union: Graph, slug: str) -> None:
    iri = ID[f"plan/{slug}"]
    start, end = slug.rsplit("-", 2)[-2:]
    assert curated_union.value(iri, POL.periodStart) == Literal(start, datatype=XSD.gYear)
    assert curated_union.value(iri, POL.periodEnd) == Literal(end, datatype=XSD.gYear)


@pytest.mark.parametrize(("date", "span"), sorted(MEETING_DATES.items()))
def test_meeting_dates_are_present(
    curated_union: Graph, date: str, span: tuple[str, str | None]
) -> None:
    iri = ID[f"meeting/{date}"]
    assert curated_union.value(iri, SCHEMA.startDate) == Literal(span[0], datatype=XSD.date)
    end = curated_union.value(iri, SCHEMA.endDate)
    assert (str(end) if end is not None else None) == span[1]


def test_every_amount_is_present_in_nok(curated_union: Graph) -> None:
    found = {
        Decimal(str(curated_union.value(a, SCHEMA.value)))
        for a in curated_union.subjects(RDF.type, POL.MonetaryAmount)
    }
    assert found == AMOUNTS
    currencies = {
        str(curated_union.value(a, SCHEMA.currency))
        for a in curated_union.subjects(RDF.type, POL.MonetaryAmount)
    }
    assert currencies == {"NOK"}


def test_the_exempt_brief_is_present_without_content(curated_union: Graph) -> None:
    from rdflib.namespace import DCTERMS

    exempt = ID["concept/access-rights/exempt"]
    briefs = set(curated_union.subjects(DCTERMS.accessRights, exempt))
    assert ID["meeting/2025-10-13/situation-brief"] in briefs
    for brief in briefs:
        for prop in (POL.content, DCTERMS.description, POL.summary, SCHEMA.text):
            assert (brief, prop, None) not in curated_union
