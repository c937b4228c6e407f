"""Norwegian dates in every form minutes use, and how a missing year is inferred."""

from __future__ import annotations

from datetime import date

import pytest

from politiraad_graph.ingest.dates import DateMention, find_dates, resolve


def one(text: str) -> DateMention:
    found = find_dates(text)
    assert len(found) == 1, found
    return found[0]


@pytest.mark.parametrize(
    ("text", "day", "month", "year"),
    [
        ("13.10.25", 13, 10, 2025),
        ("13.10.2025", 13, 10, 2025),
        ("13. oktober 2025", 13, 10, 2025),
        ("mandag 13.10.25", 13, 10, 2025),
        ("1.mars", 1, 3, None),
        ("4. desember", 4, 12, None),
        ("21.04", 21, 4, None),
        ("2025-10-13", 13, 10, 2025),
        ("12. okt. 2024", 12, 10, 2024),
    ],
)
def test_single_dates(text: str, day: int, month: int, year: int | None) -> None:
    found = one(text)
    assert (found.day, found.month, found.year) == (day, month, year)


def test_two_digit_year_says_how_it_was_read() -> None:
    assert one("31.10.25").year_note == "the two-digit year 25 is read as 2025"


@pytest.mark.parametrize(
    ("text", "first", "last"),
    [
        ("29.-30. januar 2026", date(2026, 1, 29), date(2026, 1, 30)),
        ("29.-30.januar", date(2026, 1, 29), date(2026, 1, 30)),
        ("17.-18.11.22", date(2022, 11, 17), date(2022, 11, 18)),
        ("30.11.- 01.12", date(2023, 11, 30), date(2023, 12, 1)),
        ("30. november – 1. desember 2023", date(2023, 11, 30), date(2023, 12, 1)),
        ("4.–5. september", date(2023, 9, 4), date(2023, 9, 5)),
    ],
)
def test_ranges(text: str, first: date, last: date) -> None:
    resolved = resolve(one(text), year=first.year, year_basis="test")
    assert resolved is not None
    assert (resolved.first, resolved.last) == (first, last)


def test_a_range_over_new_year_ends_the_next_year() -> None:
    resolved = resolve(one("30.12.- 02.01"), year=2024, year_basis="heading")
    assert resolved is not None
    assert (resolved.first, resolved.last) == (date(2024, 12, 30), date(2025, 1, 2))


def test_month_with_and_without_year() -> None:
    assert (one("juni 2025").month, one("juni 2025").year, one("juni 2025").day) == (6, 2025, None)
    found = one("i politirådets møte i mars")
    assert (found.form, found.month, found.year) == ("month", 3, None)


def test_times_and_case_numbers_are_not_dates() -> None:
    assert [d.form for d in find_dates("-21.04 klokken 13.30 – 15.30")] == ["num-short"]
    assert find_dates("Sak 1/25 og 480 foreldre på 12 skoler") == []
    assert find_dates("versjon 1.2.3") == []


def test_impossible_dates_are_dropped() -> None:
    assert find_dates("31.13.2024") == []
    assert resolve(one("30.02.2024"), reference=date(2024, 1, 1)) is None


def test_year_from_context_keeps_its_basis() -> None:
    resolved = resolve(one("-02.06"), year=2023, year_basis="the heading 'Møtedatoer for 2023'")
    assert resolved is not None
    assert resolved.key() == "2023-06-02"
    assert resolved.inferred and "Møtedatoer for 2023" in resolved.basis


def test_written_year_wins_over_context() -> None:
    resolved = resolve(one("13.10.2025"), year=2030, year_basis="ignored")
    assert resolved is not None
    assert resolved.key() == "2025-10-13" and not resolved.inferred


def test_future_and_past_relative_to_the_meeting() -> None:
    meeting = date(2026, 1, 29)
    march = one("i mars")
    future = resolve(march, reference=meeting, direction="future")
    assert future is not None and future.key() == "2026-03"
    november = one("i november")
    past = resolve(november, reference=meeting, direction="past")
    assert past is not None and past.key() == "2025-11"
    ahead = resolve(november, reference=meeting, direction="future")
    assert ahead is not None and ahead.key() == "2026-11"
    assert "2026" in ahead.basis


def test_nearest_year_for_a_day_without_year() -> None:
    resolved = resolve(one("4. desember"), reference=date(2023, 1, 13))
    assert resolved is not None
    assert resolved.first == date(2022, 12, 4)
    assert "nearest" in resolved.basis


def test_no_year_and_no_reference_cannot_be_resolved() -> None:
    assert resolve(one("21.04")) is None
