"""Clock times: Norwegian forms with dots or colons, with or without "kl."."""

from __future__ import annotations

from datetime import time

import pytest

from politiraad_graph.ingest.times import find_times


@pytest.mark.parametrize(
    ("text", "begins", "ends"),
    [
        ("klokken 12.30 - 13.40", time(12, 30), time(13, 40)),
        ("kl. 09.00–11.30", time(9, 0), time(11, 30)),
        ("13:30–15:30", time(13, 30), time(15, 30)),
        ("fra 10.15 til 12.00", time(10, 15), time(12, 0)),
        ("Møtet startet kl 9", time(9, 0), None),
        ("klokka 18:05", time(18, 5), None),
    ],
)
def test_times(text: str, begins: time, ends: time | None) -> None:
    (found,) = find_times(text)
    assert (found.begins, found.ends) == (begins, ends)


def test_a_date_is_not_a_time() -> None:
    assert find_times("møtet 30.11.- 01.12 og 21.04") == []


def test_an_impossible_clock_is_not_a_time() -> None:
    assert find_times("kl. 25.00") == []


def test_a_range_without_kl_must_run_forwards() -> None:
    assert find_times("side 15.30 - 13.30") == []
