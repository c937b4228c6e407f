"""Norwegian helpers: months, folding, stems, dashes."""

from __future__ import annotations

import pytest

from politiraad_graph.ingest.norsk import (
    key,
    month_number,
    normalise_dashes,
    normalise_space,
    stem,
    strip_definite,
    two_digit_year,
)


@pytest.mark.parametrize(
    ("word", "month"),
    [("januar", 1), ("Mars", 3), ("MAI", 5), ("okt.", 10), ("des", 12), ("sept", 9), ("jul", 7)],
)
def test_month_names_and_abbreviations(word: str, month: int) -> None:
    assert month_number(word) == month


def test_words_that_are_not_months() -> None:
    assert month_number("mandag") is None
    assert month_number("marsjen") is None


def test_key_folds_norwegian_letters_and_punctuation() -> None:
    assert key("Per Einar Østrem") == key("per einar ostrem")
    assert key("Alstadsæter") == "alstadsaeter"
    assert key("Barne-, ungdoms- og familiedirektoratet") == "barne ungdoms og familiedirektoratet"


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("politiets", "politi"),
        ("bydelens", "bydel"),
        ("tverrfaglige", "tverrfaglig"),
        ("rus", "rus"),
    ],
)
def test_stem_strips_one_ending(word: str, expected: str) -> None:
    assert stem(word) == expected


def test_strip_definite_keeps_short_titles() -> None:
    assert strip_definite("politimesteren") == "politimester"
    assert strip_definite("Byrådslederen") == "Byrådsleder"
    assert strip_definite("leder") == "leder"


def test_dashes_and_spaces() -> None:
    assert normalise_dashes("2026 – 2028") == "2026-2028"
    assert normalise_dashes("Kriminalitets – og trusselbilde") == "Kriminalitets- og trusselbilde"
    assert normalise_space("a\u202fb \n\n c") == "a b c"


def test_two_digit_years_are_this_century() -> None:
    assert two_digit_year(25) == 2025
    assert two_digit_year(99) == 2099
    assert two_digit_year(2019) == 2019
