"""Markers of content exempt from public disclosure."""

from __future__ import annotations

import pytest

from politiraad_graph.ingest.exempt import find_exempt_markers


@pytest.mark.parametrize(
    "sentence",
    [
        "Innholdet i situasjonsbriefen er unntatt offentlighet.",
        "Presentasjonen er unntatt fra offentlighet.",
        "Vedlegget ble unntatt offentlighet.",
        "Notatet (unntatt offentlighet, jf. offl. § 24) ble delt ut.",
        "Innholdet er gradert, jf. offl. § 13.",
        "Unntatt offentlighet",
    ],
)
def test_markers(sentence: str) -> None:
    assert find_exempt_markers(sentence, [(0, len(sentence))]) == [(0, len(sentence))]


@pytest.mark.parametrize(
    "sentence",
    [
        "Politirådets medlemmer kan dele informasjon unntatt offentlighet der de "
        "rettslige rammer åpner for det.",
        "Referat og vedlegg er offentlig.",
    ],
)
def test_general_statements_are_not_markers(sentence: str) -> None:
    assert find_exempt_markers(sentence, [(0, len(sentence))]) == []
