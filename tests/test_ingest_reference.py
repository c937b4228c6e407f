"""The reference data as the extractors see it."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph

from politiraad_graph.ingest.reference import Reference
from politiraad_graph.namespaces import ID

DATA = Path(__file__).parent / "data" / "ingest"


@pytest.fixture(scope="module")
def reference() -> Reference:
    return Reference.from_graph(Graph().parse(DATA / "reference.ttl", publicID=str(ID)))


def test_kinds(reference: Reference) -> None:
    kinds = {thing.kind for thing in reference.things.values()}
    assert kinds == {
        "council",
        "organisation",
        "post",
        "person",
        "place",
        "programme",
        "plan",
        "topic",
        "incident",
    }
    assert reference.things[ID["council/politiradet-oslo"]].kind == "council"
    assert reference.things[ID["organisation/vel"]].kind == "organisation"


def test_labels_norwegian_first_without_english_preferred_labels(reference: Reference) -> None:
    topic = reference.things[ID["topic/interdisciplinary-cooperation"]]
    assert topic.labels == ["Tverrfaglig samarbeid"]
    assert reference.things[ID["person/bente-fagerli"]].labels == [
        "Bente Fagerli",
        "Bente T. Fagerli",
    ]
    assert (
        reference.things[ID["plan/salto-handlingsprogram-2023-2025"]].labels[0]
        == "SaLTo handlingsprogram 2023 - 2025"
    )


def test_parents_periods_and_members(reference: Reference) -> None:
    assert reference.things[ID["post/blk-kommunaldirektor"]].parent == ID["organisation/blk"]
    assert reference.things[ID["incident/bislett-2025"]].parent == ID["place/bislett"]
    assert reference.things[ID["plan/salto-handlingsprogram-2023-2025"]].period == (2023, 2025)
    assert reference.ancestors(ID["organisation/opd-enhet-ost"]) == [
        ID["organisation/opd"],
        ID["organisation/politiet"],
    ]
    assert set(reference.council_members(ID["council/politiradet-oslo"])) == {
        ID["organisation/oslo-kommune"],
        ID["organisation/opd"],
    }


def test_load_from_a_project_folder(tmp_path: Path) -> None:
    (tmp_path / "data" / "reference").mkdir(parents=True)
    (tmp_path / "data" / "reference" / "people.ttl").write_text(
        (DATA / "reference.ttl").read_text(encoding="utf-8"), encoding="utf-8"
    )
    assert ID["person/tale-teisberg"] in Reference.load(tmp_path).things
