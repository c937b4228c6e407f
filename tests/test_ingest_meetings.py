"""The meeting the minutes record, and the council meetings they refer to or schedule."""

from __future__ import annotations

from datetime import date, time

import pytest

from politiraad_graph.ingest.agenda import find_structure
from politiraad_graph.ingest.fields import find_fields
from politiraad_graph.ingest.layout import analyse
from politiraad_graph.ingest.meetings import (
    MeetingFound,
    find_own_meeting,
    find_referenced_meetings,
)
from politiraad_graph.ingest.source import IngestError


def own(text: str, fallback: int | None = None) -> MeetingFound:
    layout = analyse(text)
    return find_own_meeting(layout, find_fields(layout), find_structure(layout), fallback)


def referenced(text: str) -> dict[str, MeetingFound]:
    layout = analyse(text)
    fields = find_fields(layout)
    structure = find_structure(layout)
    meeting = find_own_meeting(layout, fields, structure)
    return {m.key: m for m in find_referenced_meetings(layout, structure, meeting, fields)}


def test_date_and_time_from_header_fields() -> None:
    meeting = own(
        "Møtebok\nTid: Torsdag 12. mars 2025 kl. 09.00–11.30\nSted: Rådhuset\n\nSak 1/25 "
        "Godkjenning\n"
    )
    assert (meeting.key, meeting.type, meeting.status) == ("2025-03-12", "ordinary", "held")
    assert meeting.times is not None
    assert (meeting.times.begins, meeting.times.ends) == (time(9, 0), time(11, 30))
    assert not meeting.basis


def test_extraordinary_meeting_with_date_in_capital_heading() -> None:
    meeting = own(
        " EKSTRAORDINÆRT MØTE I POLITIRÅDET I BODØ - 02.05.24 \n\n1. Orientering\nTekst.\n"
    )
    assert (meeting.key, meeting.type) == ("2024-05-02", "extraordinary")


def test_seminar_without_year_takes_it_from_the_text_and_says_so() -> None:
    text = (
        "Politirådet i Bergen holdt sitt årlige seminar 4.–5. september på Solstrand.\n"
        "Per september 2024 har bydelene egne tiltak.\n"
    )
    meeting = own(text)
    assert (meeting.start, meeting.end, meeting.type) == (
        date(2024, 9, 4),
        date(2024, 9, 5),
        "seminar",
    )
    assert "«september 2024»" in meeting.basis


def test_year_from_file_name_as_a_last_resort() -> None:
    meeting = own("Referat fra politirådet 21. april\n\n1. Sak\nTekst.\n", fallback=2022)
    assert meeting.key == "2022-04-21" and "file name" in meeting.basis


def test_no_date_at_all() -> None:
    with pytest.raises(IngestError, match="no meeting date"):
        own("Referat fra politirådet\n\n1. Sak\nTekst.\n")


def test_scheduled_meeting_dates_take_the_year_of_their_heading() -> None:
    text = (
        "Referat Politirådet i Oslo 13.01.2023\n\n"
        "1. Dagsorden godkjent\n\n"
        "2. Møtedatoer for 2023\n"
        "-21.04 klokken 13.30 – 15.30\n"
        "-30.11.- 01.12, lunsj til lunsj\n\n"
        "3. Eventuelt\n"
    )
    found = referenced(text)
    april = found["2023-04-21"]
    assert (april.status, april.type) == ("planned", "ordinary")
    assert april.times is not None and (april.times.begins, april.times.ends) == (
        time(13, 30),
        time(15, 30),
    )
    assert "Møtedatoer for 2023" in april.basis
    november = found["2023-11-30"]
    assert november.end == date(2023, 12, 1) and november.description == "lunsj til lunsj"


def test_references_to_council_meetings_in_sentences() -> None:
    text = (
        "Politirådet i Oslo holdt sitt seminar 29.-30. januar 2026, der følgende temaer "
        "ble drøftet:\n\n"
        "• Planen legges fram for godkjenning i politirådets møte i mars.\n"
        "• Status for oppfølgingspunkter fra politirådets seminar 2025 ble gjennomgått.\n"
        "• Handlingsplanen ble godkjent i politirådet i juni 2025.\n"
        "• Vi vil komme tilbake til saken i det ordinære politirådsmøtet 31.10.26.\n"
        "• Bydelene er invitert til et felles seminar i februar.\n"
    )
    found = referenced(text)
    assert set(found) == {"2026-03", "2025-seminar", "2025-06", "2026-10-31"}
    assert (found["2026-03"].status, found["2026-03"].approximate) == ("planned", "2026-03")
    assert "next March" in found["2026-03"].basis
    assert (found["2025-seminar"].type, found["2025-seminar"].status) == ("seminar", "held")
    assert found["2025-06"].status == "held"
    assert (found["2026-10-31"].type, found["2026-10-31"].status) == ("ordinary", "planned")


def test_a_month_reference_joins_the_dated_meeting_of_that_month() -> None:
    text = (
        "Referat Politirådet i Oslo 13.01.2023\n\n"
        "1. Referat fra seminaret 17.-18.11.22 er godkjent\n\n"
        "2. Politirådsavtale\n"
        "-Politirådet la grunnlaget for avtalen på seminaret i november.\n"
    )
    found = referenced(text)
    assert list(found) == ["2022-11-17"]
    seminar = found["2022-11-17"]
    assert (seminar.type, seminar.status, seminar.end) == ("seminar", "held", date(2022, 11, 18))
    assert len(seminar.spans) == 2


def test_next_meeting_field_and_phrase() -> None:
    text = (
        "Referat fra Politirådet i Oslo 15. mars 2024\n\n1. Budsjett\nSaken ble utsatt "
        "til neste møte 14.06.2024.\n\nNeste møte: 14. juni 2024 kl. 10.00\n"
    )
    found = referenced(text)
    assert list(found) == ["2024-06-14"]
    assert found["2024-06-14"].status == "planned"
