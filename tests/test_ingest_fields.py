"""Header fields: one value per label, lists of people running over lines."""

from __future__ import annotations

from politiraad_graph.ingest.fields import find_fields
from politiraad_graph.ingest.layout import analyse


def values(text: str) -> list[tuple[str, str]]:
    return [(f.meaning, f.value(text)) for f in find_fields(analyse(text))]


def test_tid_sted_til_stede() -> None:
    text = (
        "Møtebok\n"
        "Tid: Torsdag 12. mars 2025 kl. 09.00–11.30\n"
        "Sted: Rådhuset, formannskapssalen\n"
        "Til stede: Kari Moe (ordfører), Ola Berg (politistasjonssjef),\n"
        "Per Dahl (rådgiver)\n"
        "Forfall: Siri Lie\n"
        "Referent: Lise M. Johannessen\n"
        "\n"
        "Sak 1/25 Godkjenning av innkalling\n"
    )
    assert values(text) == [
        ("time", "Torsdag 12. mars 2025 kl. 09.00–11.30"),
        ("place", "Rådhuset, formannskapssalen"),
        ("present", "Kari Moe (ordfører), Ola Berg (politistasjonssjef), Per Dahl (rådgiver)"),
        ("absent", "Siri Lie"),
        ("case-officer", "Lise M. Johannessen"),
    ]


def test_labels_on_one_line_and_other_spellings() -> None:
    text = (
        "Andre deltakere Observatør: Ordfører Anne Berg\nMøtegruppe: Politirådet i Bodø\n"
        "Møtested: Rådhuset\nMøtetid: 13.10.2025 klokken 12.30 - 13.40\nNeste møte: 5. "
        "juni 2025\n"
    )
    meanings = [m for m, _ in values(text)]
    assert meanings == ["observer", "council", "place", "time", "next-meeting"]


def test_a_list_stops_at_body_text() -> None:
    text = (
        "Til stede:\nKari Moe, Ola Berg\n\nSaken gjaldt budsjettet for neste år, og det "
        "ble en lang diskusjon.\n"
    )
    assert values(text) == [("present", "Kari Moe, Ola Berg")]


def test_a_label_inside_a_sentence_is_not_a_field() -> None:
    text = (
        "I forrige møte diskuterte vi hvem som skal være med, og det ble enighet om "
        "følgende tid: neste uke.\n"
    )
    assert values(text) == []
