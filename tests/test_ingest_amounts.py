"""Amounts of money in the ways Norwegian minutes write them."""

from __future__ import annotations

from decimal import Decimal

import pytest

from politiraad_graph.ingest.amounts import find_amounts, parse_number


def amounts(text: str, year: int | None = 2025) -> list[tuple[Decimal, int | None, int | None]]:
    return [(a.value, a.year, a.from_year) for a in find_amounts(text, [(0, len(text))], year)]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("Det er avsatt 75 millioner til tiltaket.", 75_000_000),
        ("til sammen 40 mill til ordningen", 40_000_000),
        ("med 26 mill kr", 26_000_000),
        ("kr 1,5 mrd til politiet", 1_500_000_000),
        ("NOK 300 000 i støtte", 300_000),
        ("søkt om 250 000 kroner", 250_000),
        ("kr 12.500,- per deltaker", 12_500),
        ("2,5 millioner kroner", 2_500_000),
        ("3 milliarder", 3_000_000_000),
    ],
)
def test_values(text: str, value: int) -> None:
    ((found, _, _),) = amounts(text)
    assert found == Decimal(value)


def test_years_for_and_from() -> None:
    text = "Det er avsatt 40 mill fra 2026. I tillegg kommer 26 mill i 2026."
    assert amounts(text) == [(Decimal(40_000_000), None, 2026), (Decimal(26_000_000), 2026, None)]


def test_a_budget_without_year_is_the_meetings_year_and_says_so() -> None:
    (found,) = find_amounts("Det er omdisponert 75 millioner i statsbudsjettet.", [(0, 49)], 2023)
    assert (found.year, found.from_year) == (2023, None)
    assert "budget" in found.year_basis


def test_numbers_that_are_not_money() -> None:
    assert amounts("foreldremøter for totalt 480 foreldre på 12 skoler") == []
    assert amounts("over 2 millioner innbyggere") == []
    assert amounts("unge under 18 år med 10 eller flere forhold i 2023") == []
    assert amounts("i perioden 2025 – 2027") == []


def test_parse_number() -> None:
    assert parse_number("1 250 000") == Decimal(1250000)
    assert parse_number("0,75") == Decimal("0.75")
