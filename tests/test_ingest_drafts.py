"""Writing a draft folder: every file or none."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from rdflib import Graph

from politiraad_graph.ingest.drafts import DRAFT_FILES, ingest_file, turtle
from politiraad_graph.ingest.reference import Reference
from politiraad_graph.ingest.source import IngestError
from politiraad_graph.namespaces import ID

DATA = Path(__file__).parent / "data" / "ingest"
MINUTES = DATA / "politirad_navn_rolle_org.txt"


@pytest.fixture(scope="module")
def reference() -> Reference:
    return Reference.from_graph(Graph().parse(DATA / "reference.ttl", publicID=str(ID)))


def test_writes_the_draft_folder(tmp_path: Path, reference: Reference) -> None:
    target, extraction, draft = ingest_file(
        MINUTES, out_dir=tmp_path / "drafts", project_root=DATA, reference=reference
    )
    assert target == tmp_path / "drafts" / "2024-03-15"
    assert sorted(p.name for p in target.iterdir()) == sorted(DRAFT_FILES)
    assert (target / "source.txt").read_text(encoding="utf-8") == MINUTES.read_text(
        encoding="utf-8"
    )
    graph = Graph().parse(target / "draft.ttl", publicID=str(ID))
    assert len(graph) == len(draft.graph)
    assert "<meeting/2024-03-15>" in (target / "draft.ttl").read_text(
        encoding="utf-8"
    )  # relative IRIs
    record = json.loads((target / "ingest.json").read_text(encoding="utf-8"))
    assert record["date"] == "2024-03-15" and record["sha256"] == extraction.source.sha256
    assert record["file_name"] == "2024-03-15_politirad_navn_rolle_org.txt"
    assert len(record["facts"]) == len(draft.facts)


def test_an_existing_draft_is_kept_unless_forced(tmp_path: Path, reference: Reference) -> None:
    out = tmp_path / "drafts"
    target, _, _ = ingest_file(MINUTES, out_dir=out, project_root=DATA, reference=reference)
    (target / "review.md").write_text("my notes", encoding="utf-8")
    with pytest.raises(IngestError, match="exists already"):
        ingest_file(MINUTES, out_dir=out, project_root=DATA, reference=reference)
    assert (target / "review.md").read_text(encoding="utf-8") == "my notes"
    ingest_file(MINUTES, out_dir=out, project_root=DATA, reference=reference, force=True)
    assert (target / "review.md").read_text(encoding="utf-8") != "my notes"
    assert sorted(p.name for p in out.iterdir()) == ["2024-03-15"]


def test_nothing_is_written_when_writing_fails(
    tmp_path: Path, reference: Reference, monkeypatch: pytest.MonkeyPatch
) -> None:
    def fail(*args: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", fail)
    out = tmp_path / "drafts"
    with pytest.raises(OSError, match="disk full"):
        ingest_file(MINUTES, out_dir=out, project_root=DATA, reference=reference)
    assert not out.exists()


def test_nothing_is_written_for_bad_input(tmp_path: Path, reference: Reference) -> None:
    out = tmp_path / "drafts"
    for name in ("tom.txt", "ikke_referat.txt"):
        with pytest.raises(IngestError):
            ingest_file(DATA / name, out_dir=out, project_root=DATA, reference=reference)
    assert not out.exists()


def test_turtle_round_trips() -> None:
    graph = Graph().parse(
        data="<https://w3id.org/politiraad/id/a> <https://w3id.org/politiraad/id/b> 'c' .",
        format="turtle",
    )
    assert len(Graph().parse(data=turtle(graph), format="turtle", publicID=str(ID))) == 1
