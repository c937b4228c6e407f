"""Accepting a reviewed draft: validated first, then written into data/ all at once, or not."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from rdflib import Graph

from politiraad_graph.ingest.accept import AcceptError, accept_draft
from politiraad_graph.ingest.drafts import ingest_file
from politiraad_graph.namespaces import ID, SCHEMA

DATA = Path(__file__).parent / "data" / "ingest"
MINUTES = DATA / "politirad_navn_rolle_org.txt"


def snapshot(root: Path) -> dict[str, bytes]:
    """Every file under data/ except the drafts, with its bytes."""
    return {
        str(p.relative_to(root)): p.read_bytes()
        for p in sorted((root / "data").rglob("*"))
        if p.is_file() and "drafts" not in p.parts
    }


@pytest.fixture
def draft(project_copy: Path) -> Path:
    target, _, _ = ingest_file(
        MINUTES, out_dir=project_copy / "data" / "drafts", project_root=project_copy
    )
    return target


def test_accept_writes_meeting_source_mentions_and_new_people(
    project_copy: Path, draft: Path
) -> None:
    before = snapshot(project_copy)
    result = accept_draft(draft, project_copy)
    assert result.accepted, result.report()
    data = project_copy / "data"
    meeting = data / "meetings" / "2024-03-15.ttl"
    assert (data / "sources" / "2024-03-15_politirad_navn_rolle_org.txt").read_text(
        encoding="utf-8"
    ) == MINUTES.read_text(encoding="utf-8")
    graph = Graph().parse(meeting, publicID=str(ID))
    assert (ID["meeting/2024-03-15"], None, None) in graph
    assert (data / "meetings" / "2024-03-15.mentions.ttl").exists()
    people = Graph().parse(data / "reference" / "people.ttl", publicID=str(ID))
    assert (ID["person/kari-nordvik"], None, SCHEMA.Person) in people
    notes = " ".join(str(o) for o in people.objects(ID["person/kari-nordvik"], None))
    assert "Added from the minutes of 2024-03-15" in notes
    # nothing else changed but the reference files it appended to
    after = snapshot(project_copy)
    changed = {name for name in before if before[name] != after.get(name)}
    assert changed <= {"data/reference/people.ttl", "data/reference/posts.ttl"}
    assert after["data/reference/people.ttl"].startswith(
        before["data/reference/people.ttl"].rstrip(b"\n")
    )


def test_an_invalid_draft_is_refused_and_data_is_untouched(project_copy: Path, draft: Path) -> None:
    draft_ttl = draft / "draft.ttl"
    text = draft_ttl.read_text(encoding="utf-8")
    broken = text.replace("<concept/meeting-type/ordinary>", "<concept/meeting-type/picnic>", 1)
    assert broken != text
    draft_ttl.write_text(broken, encoding="utf-8")
    before = snapshot(project_copy)
    result = accept_draft(draft, project_copy)
    assert not result.accepted
    assert any("meeting-type" in f.message or "meetingType" in f.path for f in result.findings)
    assert "violation(s) in the draft" in result.report()
    assert snapshot(project_copy) == before


def test_a_failure_half_way_rolls_back(
    project_copy: Path, draft: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = snapshot(project_copy)
    real = os.replace
    calls = []

    def flaky(source: str, target: str) -> None:
        calls.append(target)
        if len(calls) == 3:
            raise OSError("disk full")
        real(source, target)

    monkeypatch.setattr(os, "replace", flaky)
    with pytest.raises(OSError, match="disk full"):
        accept_draft(draft, project_copy)
    assert snapshot(project_copy) == before
    leftovers = [p for p in (project_copy / "data").rglob(".*.tmp")]
    assert leftovers == []


def test_a_meeting_already_in_data_is_not_overwritten(project_copy: Path, draft: Path) -> None:
    assert accept_draft(draft, project_copy).accepted
    with pytest.raises(AcceptError, match="in data/ already"):
        accept_draft(draft, project_copy)


def test_a_quote_added_by_the_reviewer_is_anchored(project_copy: Path, draft: Path) -> None:
    draft_ttl = draft / "draft.ttl"
    addition = (
        "\n<meeting/2024-03-15/item/5> <https://w3id.org/politiraad/ontology#evidence> "
        '[ <http://www.w3.org/ns/oa#exact> "Sak 5. Eventuelt" ] .\n'
    )
    draft_ttl.write_text(draft_ttl.read_text(encoding="utf-8") + addition, encoding="utf-8")
    assert accept_draft(draft, project_copy).accepted
    meeting = (project_copy / "data" / "meetings" / "2024-03-15.ttl").read_text(encoding="utf-8")
    text = MINUTES.read_text(encoding="utf-8")
    start = text.index("Sak 5. Eventuelt")
    assert f"<source/2024-03-15#char={start},{start + len('Sak 5. Eventuelt')}>" in meeting


def test_a_quote_that_is_not_in_the_source_is_refused(project_copy: Path, draft: Path) -> None:
    draft_ttl = draft / "draft.ttl"
    addition = (
        "\n<meeting/2024-03-15/item/5> <https://w3id.org/politiraad/ontology#evidence> "
        '[ <http://www.w3.org/ns/oa#exact> "Dette står ikke i referatet" ] .\n'
    )
    draft_ttl.write_text(draft_ttl.read_text(encoding="utf-8") + addition, encoding="utf-8")
    before = snapshot(project_copy)
    with pytest.raises(AcceptError, match="quote not found"):
        accept_draft(draft, project_copy)
    assert snapshot(project_copy) == before


def test_not_a_draft_folder(tmp_path: Path, project_copy: Path) -> None:
    with pytest.raises(AcceptError, match="not a draft folder"):
        accept_draft(tmp_path, project_copy)
