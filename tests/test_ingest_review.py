"""The review report: what needs a human first, then everything extracted with its quote."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph

from politiraad_graph.ingest.draft import build_draft
from politiraad_graph.ingest.pipeline import extract
from politiraad_graph.ingest.reference import Reference
from politiraad_graph.ingest.review import sections, to_html, to_markdown
from politiraad_graph.namespaces import ID

DATA = Path(__file__).parent / "data" / "ingest"


@pytest.fixture(scope="module")
def reference() -> Reference:
    return Reference.from_graph(Graph().parse(DATA / "reference.ttl", publicID=str(ID)))


def test_markdown_lists_what_needs_a_human(reference: Reference) -> None:
    extraction = extract(DATA / "politirad_navn_rolle_org.txt", DATA, reference)
    draft = build_draft(extraction)
    text = to_markdown(extraction, draft)
    assert text.startswith("# Gjennomgang av utkast / Review of draft: 2024-03-15")
    new = text[text.index("## Nye i referansedata") : text.index("## Usikre navn")]
    assert "person/kari-nordvik" in new and "post/vel-seksjonssjef" in new
    names = text[text.index("## Usikre navn") : text.index("## Utledede år")]
    assert "Ida M. Øystese" in names and "middle name" in names
    assert "## Unntatt offentlighet" in text and "offl. § 24" in text
    assert "| decision |" not in text  # extracted facts are listed per kind, in their own tables
    assert "## Uttrukket: decision / Extracted: decision" in text


def test_inferred_years_and_layout(reference: Reference) -> None:
    extraction = extract(DATA / "seminar_med_punkter.txt", DATA, reference)
    titles = {s.title: s for s in sections(extraction, build_draft(extraction))}
    inferred = titles["Utledede år / Inferred years"]
    assert any("september 2024" in row[2] for row in inferred.rows)
    assert any(row[0] == "meeting 2024-11" for row in inferred.rows)


def test_html_is_escaped_and_complete(reference: Reference, tmp_path: Path) -> None:
    source = tmp_path / "referat.txt"
    source.write_text(
        "Referat fra Politirådet i Oslo 15. mars 2024\n\n1. Orientering "
        "<script>alert(1)</script> & annet\nGodkjent.\n",
        encoding="utf-8",
    )
    extraction = extract(source, DATA, reference)
    page = to_html(extraction, build_draft(extraction))
    assert page.startswith("<!doctype html>") and page.rstrip().endswith("</html>")
    assert "<script>" not in page and "&lt;script&gt;" in page


def test_passages_nothing_was_extracted_from(reference: Reference, tmp_path: Path) -> None:
    source = tmp_path / "referat.txt"
    source.write_text(
        "Referat fra Politirådet i Oslo 15. mars 2024\n\n1. Orientering\n"
        "Dagsorden ble godkjent.\nVeien videre ble diskutert grundig av alle de fremmøtte.\n",
        encoding="utf-8",
    )
    extraction = extract(source, DATA, reference)
    titles = {s.title: s for s in sections(extraction, build_draft(extraction))}
    rows = titles["Ikke brukt / Passages nothing was extracted from"].rows
    assert [row[1] for row in rows] == ["Veien videre ble diskutert grundig av alle de fremmøtte."]
