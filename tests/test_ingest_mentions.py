"""Mentions of reference things by label, the Norwegian way."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph

from politiraad_graph.ingest.layout import analyse
from politiraad_graph.ingest.mentions import MentionFinder, MentionFound
from politiraad_graph.ingest.reference import Reference
from politiraad_graph.namespaces import ID

DATA = Path(__file__).parent / "data" / "ingest"


@pytest.fixture(scope="module")
def finder() -> MentionFinder:
    return MentionFinder(
        Reference.from_graph(Graph().parse(DATA / "reference.ttl", publicID=str(ID)))
    )


def found(finder: MentionFinder, text: str) -> list[tuple[str, str]]:
    mentions = finder.find(text, analyse(text).sentences())
    return [(str(m.thing).removeprefix(str(ID)), text[m.span[0] : m.span[1]]) for m in mentions]


def test_names_with_case_and_genitive(finder: MentionFinder) -> None:
    text = (
        "Velferdsetatens rapport ble lagt fram. politiet og Oslo politidistrikt deltok, "
        "og OPD svarte."
    )
    assert found(finder, text) == [
        ("organisation/vel", "Velferdsetatens"),
        ("organisation/politiet", "politiet"),
        ("organisation/opd", "Oslo politidistrikt"),
        ("organisation/opd", "OPD"),
    ]


def test_abbreviations_keep_their_capitals(finder: MentionFinder) -> None:
    assert found(finder, "Vi set på saken.") == []
    assert ("organisation/set", "SET") in found(finder, "Saksbehandler fra SET.")


def test_longest_label_wins(finder: MentionFinder) -> None:
    assert found(finder, "Møtet i Oslo politidistrikt.") == [
        ("organisation/opd", "Oslo politidistrikt")
    ]


def test_a_hyphen_joins_a_compound_an_en_dash_does_not(finder: MentionFinder) -> None:
    assert ("programme/salto", "SaLTo") in found(finder, "SaLTo-arbeidet er viktig.")
    assert ("place/toyen", "Tøyen") in found(finder, "Helene sjekker ut –Tøyen")
    assert found(finder, "Østre-Tøyen") == []
    assert found(finder, "x-OPD") == []


def test_topics_match_inflected_forms(finder: MentionFinder) -> None:
    text = "De viste til det tverrfaglige samarbeidet i bydelene."
    assert ("topic/interdisciplinary-cooperation", "tverrfaglige samarbeidet") in found(
        finder, text
    )


def test_a_compound_topic_written_as_a_phrase(finder: MentionFinder) -> None:
    assert ("topic/information-sharing", "dele informasjon") in found(
        finder, "Behovet for å dele informasjon er stort."
    )
    assert ("topic/information-sharing", "deling av informasjon") in found(
        finder, "Det gjelder deling av informasjon."
    )


def test_topic_passage_is_the_sentence(finder: MentionFinder) -> None:
    text = "Første setning. Ungdom, rus og forebygging ble drøftet. Siste setning."
    (mention,) = [m for m in finder.find(text, analyse(text).sentences()) if m.kind == "topic"]
    assert (
        text[mention.passage[0] : mention.passage[1]] == "Ungdom, rus og forebygging ble drøftet."
    )
    assert str(mention.thing).endswith("youth-drugs-and-prevention")  # not "rus" on its own


def test_an_incident_by_its_place_and_an_incident_word(finder: MentionFinder) -> None:
    with_cue = "Møtet gjaldt de alvorlige hendelsene på Bislett."
    assert ("incident/bislett-2025", "Bislett") in found(finder, with_cue)
    assert ("incident/bislett-2025", "Bislett") not in found(finder, "Det var konsert på Bislett.")


def test_a_plan_by_its_name_and_period(finder: MentionFinder) -> None:
    text = "Utkast til nytt SaLTo handlingsprogram for perioden 2023 – 2025 ble presentert."
    plans = [m for m in finder.find(text, analyse(text).sentences()) if m.kind == "plan"]
    assert [str(m.thing).rsplit("/", 1)[-1] for m in plans] == ["salto-handlingsprogram-2023-2025"]
    assert (
        text[plans[0].span[0] : plans[0].span[1]]
        == "SaLTo handlingsprogram for perioden 2023 – 2025"
    )


def test_a_council_is_mentioned_by_its_name(finder: MentionFinder) -> None:
    text = "Politirådet i Oslo møttes."
    assert found(finder, text) == [("council/politiradet-oslo", "Politirådet i Oslo")]


def test_a_list_dash_before_a_name(finder: MentionFinder) -> None:
    assert found(finder, "-OPD har fått rapporten.") == [("organisation/opd", "OPD")]


def test_results_are_sorted_and_typed(finder: MentionFinder) -> None:
    mentions = finder.find("Grønland og Tøyen.", [(0, 18)])
    assert all(isinstance(m, MentionFound) for m in mentions)
    assert [m.span[0] for m in mentions] == sorted(m.span[0] for m in mentions)
