"""Decisions: approved, adopted, signed, noted, deferred, scheduled for approval."""

from __future__ import annotations

from politiraad_graph.ingest.agenda import find_structure
from politiraad_graph.ingest.decisions import DecisionFound, find_decisions
from politiraad_graph.ingest.fields import find_fields
from politiraad_graph.ingest.layout import analyse
from politiraad_graph.ingest.meetings import find_own_meeting, find_referenced_meetings


def decisions(text: str) -> list[DecisionFound]:
    layout = analyse(text)
    fields = find_fields(layout)
    structure = find_structure(layout)
    meeting = find_own_meeting(layout, fields, structure)
    meetings = find_referenced_meetings(layout, structure, meeting, fields)
    return find_decisions(layout, structure, meetings)


def summary(found: list[DecisionFound]) -> list[tuple[list[str], int | None, str | None]]:
    return [
        (
            d.types,
            d.item.number if d.item else None,
            d.scheduled_for.key if d.scheduled_for else None,
        )
        for d in found
    ]


def test_kinds_of_decision() -> None:
    text = (
        "Referat fra Politirådet i Oslo 15. mars 2024\n\n"
        "1. Dagsorden godkjent\n"
        "2. Budsjett\nSaken ble vedtatt.\n"
        "3. Orientering fra politiet\nSaken ble tatt til orientering.\n"
        "4. Avtale\nAvtalen ble undertegnet av byrådsleder og politimester.\n"
        "5. Handlingsplan\nPlanen legges fram for godkjenning i politirådets møte i juni.\n"
        "6. Rapport\nSaken ble utsatt.\n"
        "7. Eventuelt\nIngen saker.\n"
    )
    found = decisions(text)
    assert summary(found) == [
        (["approved"], 1, None),
        (["adopted"], 2, None),
        (["noted"], 3, None),
        (["signed"], 4, None),
        (["scheduled-for-approval"], 5, "2024-06"),
        (["deferred"], 6, None),
    ]
    assert found[3].signatory_text == "byrådsleder og politimester."[:-1]


def test_joint_items_get_one_decision_each() -> None:
    text = (
        "Referat Politirådet i Oslo 13.01.2023\n\n"
        "1.  og 2: Avtale 2023 – 2025 Program 2023 - 2025\n"
        "-Begge dokumentene ble vedtatt og undertegnet.\n"
    )
    assert summary(decisions(text)) == [
        (["adopted", "signed"], 1, None),
        (["adopted", "signed"], 2, None),
    ]


def test_deferral_needs_a_meeting_to_be_deferred_to() -> None:
    text = (
        "Referat fra Politirådet i Oslo 13.10.2025\n\n"
        "1. Diskusjon\n"
        "Vi vil komme tilbake til videre oppfølging i det ordinære politirådsmøtet 31.10.25.\n"
        "Det er relevant å komme tilbake til undersøkelsen i politirådet.\n"
        "Nye punkter vil endelig avklares i politirådets møte i desember.\n"
    )
    assert summary(decisions(text)) == [
        (["deferred"], 1, "2025-10-31"),
        (["deferred"], 1, "2025-12"),
    ]


def test_negations_and_phrases_that_are_not_decisions() -> None:
    text = (
        "Referat fra Politirådet i Oslo 15. mars 2024\n\n"
        "1. Avtale\nAvtalen er ikke godkjent ennå.\n"
        "Planen legges frem i politirådets møte i april.\n"
        "Hun la fram et forslag til godkjenning av rutiner.\n"
    )
    assert decisions(text) == []


def test_decisions_in_follow_up_statuses_have_no_item() -> None:
    text = (
        "Politirådet holdt et seminar 3. mars 2025, der følgende temaer ble drøftet:\n"
        "• Status\n\n"
        "Oppfølgingspunkter Politirådet 2024 – status pr mars 2025\n\n"
        "1. Det skal lages en plan.\n\nStatus: Planen ble godkjent i politirådet i juni 2024.\n"
    )
    (found,) = decisions(text)
    assert (found.types, found.item, found.in_followup) == (["approved"], None, True)
