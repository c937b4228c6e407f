"""Follow-up points of a year with their status texts, and how a status is classified."""

from __future__ import annotations

import pytest

from politiraad_graph.ingest.agenda import find_structure
from politiraad_graph.ingest.followups import classify_status, find_followups, point_text
from politiraad_graph.ingest.layout import analyse

TEXT = (
    "Politirådet holdt sitt seminar 3.–4. mars 2025, der følgende temaer ble drøftet:\n"
    "• Oppfølgingspunkter\n\n"
    "Oppfølgingspunkter Politirådet i Bodø 2024 – status pr mars 2025\n\n"
    "1. Kommunen og politiet skal etablere en felles rutine for\n"
    "informasjonsdeling om unge som begår gjentatt kriminalitet.\n\n"
    "Status:\n"
    "Rutinen ble vedtatt i juni og er tatt i bruk.\n\n"
    "2. Det skal settes av midler til sommerjobber.\n\n"
    "Status: Arbeidet er i gang. Søknadsfristen er 1. april.\n\n"
    "3. Politiet skal vurdere økt tilstedeværelse ved busstasjonen.\n\n"
    "Status: Ikke startet.\n\n"
    "4. Samarbeidet med skolene skal styrkes.\n\n"
    "Status: Dette er et langsiktig arbeid som følges opp kontinuerlig.\n\n"
    "5. Det skal lages en oversikt over tiltak.\n"
)


def test_points_statuses_and_year() -> None:
    layout = analyse(TEXT)
    section = find_followups(layout, find_structure(layout))
    assert section is not None
    assert (section.year, section.status_year) == (2024, 2025)
    assert [(p.number, p.status) for p in section.points] == [
        (1, "completed"),
        (2, "in-progress"),
        (3, "not-started"),
        (4, "continuous"),
        (5, None),
    ]
    first = section.points[0]
    assert point_text(layout, first.text_span) == (
        "Kommunen og politiet skal etablere en felles rutine for informasjonsdeling om unge som "
        "begår gjentatt kriminalitet."
    )
    assert first.status_span is not None
    assert point_text(layout, first.status_span) == "Rutinen ble vedtatt i juni og er tatt i bruk."
    assert section.points[4].status_span is None


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        (
            "Planen ble godkjent i politirådet i juni 2025. Arbeidet følges opp i nettverket.",
            "completed",
        ),
        ("Tiltaket er gjennomført.", "completed"),
        ("Punktet følges opp i en rekke sammenhenger.", "continuous"),
        ("Innsatsen vil fremdeles være viktig.", "continuous"),
        ("Rapporten har frist 1. mars, og det gis en presentasjon i 2026.", "in-progress"),
        ("Arbeidet er ikke påbegynt.", "not-started"),
    ],
)
def test_status_wording(status: str, expected: str) -> None:
    assert classify_status(status)[0] == expected


def test_no_section_no_points() -> None:
    layout = analyse("1. Sak\nTekst om oppfølgingspunkter.\n")
    assert find_followups(layout, find_structure(layout)) is None
