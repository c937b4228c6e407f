"""The ``ingest`` and ``accept`` commands end to end: a PDF made here from text, with a header on
every page and a box of meeting details beside the body; bad input; exit codes."""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from rdflib import Graph

from politiraad_graph.ingest.cli import main, register
from politiraad_graph.namespaces import ID, SCHEMA
from politiraad_graph.vocab import POL

pytest.importorskip("reportlab")

from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

DATA = Path(__file__).parent / "data" / "ingest"
HEADER = "Oslo kommune – Politirådet i Oslo – referat"
BODY = [
    "Referat fra møte i Politirådet i Oslo",
    "",
    "1. Godkjenning av innkalling og saksliste",
    "Innkalling og saksliste ble godkjent.",
    "",
    "2. Orientering fra politiet",
    "Politimesteren orienterte om situasjonen på Grønland og Tøyen. Det har vært en",
    "økning i vold i helgene, og politiet ønsker mer tilstedeværelse ved",
    "kollektivknutepunktene. Saken ble tatt til orientering.",
    "",
    "3. Budsjett for forebyggende tiltak",
    "Kommunen har satt av 2,5 mill kr til forebyggende tiltak i 2025. En ny plan",
    "legges fram for godkjenning i politirådets møte i mai.",
    "",
    "4. Eventuelt",
    "Ingen saker.",
]
BOX = [
    "Møtested: Rådhuset",
    "Møtetid: 04.02.2025 kl. 10.00–12.00",
    "Til stede: Ingrid Fjeld (ordfører),",
    "Tor Arne Vik (politistasjonssjef OPD)",
    "Saksbehandler: Nina Aas",
]


def minutes_pdf(path: Path) -> None:
    """Two pages with a running header and a page number; the box is drawn on the first page
    in the middle of item 2, as word processors put a text box beside the body."""
    pdf = canvas.Canvas(str(path), pagesize=A4)
    width, height = A4
    pages = [BODY[:10], BODY[10:]]
    for number, lines in enumerate(pages, start=1):
        pdf.setFont("Helvetica", 8)
        pdf.drawString(72, height - 40, HEADER)
        pdf.drawRightString(width - 72, 40, f"Side {number} av {len(pages)}")
        y = height - 100
        for index, line in enumerate(lines):
            pdf.setFont("Helvetica", 11)
            pdf.drawString(72, y, line)
            y -= 16
            if number == 1 and index == 6:
                box = pdf.beginText(390, height - 110)
                box.setFont("Helvetica", 8)
                for entry in BOX:
                    box.textLine(entry)
                pdf.drawText(box)
        pdf.showPage()
    pdf.save()


def test_register_adds_both_commands() -> None:
    parser = argparse.ArgumentParser(prog="politiraad")
    register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(["ingest", "referat.pdf", "--out", "x", "--force"])
    assert (args.command, args.file, args.out, args.force) == ("ingest", "referat.pdf", "x", True)
    args = parser.parse_args(["accept", "data/drafts/2025-02-04", "--data-dir", "y"])
    assert (args.command, args.draft, args.data_dir) == ("accept", "data/drafts/2025-02-04", "y")


def test_pdf_end_to_end(
    tmp_path: Path, project_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pdf = tmp_path / "referat-politiradet.pdf"
    minutes_pdf(pdf)
    code = main(["ingest", str(pdf), "--data-dir", str(project_copy)])
    assert code == 0, capsys.readouterr().err
    folder = project_copy / "data" / "drafts" / "2025-02-04"
    record = json.loads((folder / "ingest.json").read_text(encoding="utf-8"))
    text = (folder / "source.txt").read_text(encoding="utf-8")
    kinds = {r["kind"] for r in record["regions"]}
    assert {"page-header", "page-footer", "side-box"} <= kinds
    box = next(r for r in record["regions"] if r["kind"] == "side-box")
    assert text[box["start"] : box["end"]].startswith("Møtested: Rådhuset")
    assert (
        record["input_format"] == "pdf"
        and record["file_name"] == "2025-02-04_referat_politiradet.txt"
    )

    graph = Graph().parse(folder / "draft.ttl", publicID=str(ID))
    meeting = ID["meeting/2025-02-04"]
    assert str(graph.value(meeting, SCHEMA.startTime)) == "10:00:00"
    items = {
        str(graph.value(i, POL.itemNumber))
        for i in graph.subjects(POL.meeting, meeting)
        if (i, POL.position, None) in graph
    }
    assert items == {"1", "2", "3", "4"}
    people = {str(p).rsplit("/", 1)[-1] for p in graph.objects(None, POL.participant)}
    assert people == {"ingrid-fjeld", "tor-arne-vik", "nina-aas"}
    roles = {str(r).rsplit("/", 1)[-1] for r in graph.objects(None, POL.meetingRole)}
    assert roles == {"member", "case-officer"}
    # what the box and the page furniture say is not counted as part of item 2
    for mention in graph.subjects(POL.mentionOf, None):
        start = int(str(mention).rsplit("/", 1)[-1].split("-")[0])
        if box["start"] <= start < box["end"]:
            assert graph.value(mention, POL.context) is None
    decisions = {str(d).rsplit("/", 1)[-1] for d in graph.objects(None, POL.decisionType)}
    assert decisions == {"approved", "noted", "scheduled-for-approval"}
    new = (folder / "new-reference.ttl").read_text(encoding="utf-8")
    assert "person/ingrid-fjeld" in new and "person/nina-aas" in new
    assert "Side 1 av 2" in (folder / "review.md").read_text(encoding="utf-8")

    code = main(["accept", str(folder), "--data-dir", str(project_copy)])
    assert code == 0, capsys.readouterr()
    assert (project_copy / "data" / "meetings" / "2025-02-04.ttl").exists()
    assert (project_copy / "data" / "sources" / "2025-02-04_referat_politiradet.txt").read_text(
        encoding="utf-8"
    ) == text


def scanned(path: Path) -> None:
    pdf = canvas.Canvas(str(path), pagesize=A4)
    pdf.rect(60, 60, 450, 700, fill=1)
    pdf.showPage()
    pdf.save()


def damaged(path: Path) -> None:
    good = path.with_name("good.pdf")
    minutes_pdf(good)
    path.write_bytes(good.read_bytes()[:900])


@pytest.mark.parametrize(
    ("name", "make", "problem"),
    [
        ("tom.txt", lambda p: p.write_bytes(b""), "the file is empty"),
        ("skannet.pdf", scanned, "no text layer"),
        (
            "oppskrift.txt",
            lambda p: p.write_text(
                (DATA / "ikke_referat.txt").read_text(encoding="utf-8"), encoding="utf-8"
            ),
            "does not look like minutes",
        ),
        ("skadet.pdf", damaged, "the PDF is damaged"),
    ],
)
def test_bad_input_exits_2_and_writes_nothing(
    tmp_path: Path,
    project_copy: Path,
    capsys: pytest.CaptureFixture[str],
    name: str,
    make: Callable[[Path], object],
    problem: str,
) -> None:
    path = tmp_path / name
    make(path)
    out = tmp_path / "drafts"
    code = main(["ingest", str(path), "--out", str(out), "--data-dir", str(project_copy)])
    err = capsys.readouterr().err
    assert code == 2
    assert str(path) in err and problem in err and "nothing was written" in err
    assert not out.exists()


def test_accept_refuses_an_invalid_draft_with_exit_1(
    tmp_path: Path, project_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert (
        main(
            ["ingest", str(DATA / "politirad_navn_rolle_org.txt"), "--data-dir", str(project_copy)]
        )
        == 0
    )
    folder = project_copy / "data" / "drafts" / "2024-03-15"
    draft = folder / "draft.ttl"
    draft.write_text(
        draft.read_text(encoding="utf-8").replace(
            "<concept/meeting-status/held>", "<concept/meeting-status/cancelled>", 1
        ),
        encoding="utf-8",
    )
    capsys.readouterr()
    assert main(["accept", str(folder), "--data-dir", str(project_copy)]) == 1
    captured = capsys.readouterr()
    assert "Violation" in captured.out and "data/ is unchanged" in captured.err
    assert not (project_copy / "data" / "meetings" / "2024-03-15.ttl").exists()


def test_accept_a_folder_that_is_not_a_draft_exits_2(
    tmp_path: Path, project_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["accept", str(tmp_path), "--data-dir", str(project_copy)]) == 2
    assert "not a draft folder" in capsys.readouterr().err
