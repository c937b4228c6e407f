"""Reading minutes: text verbatim, PDFs through their text layer, and every kind of bad input."""

from __future__ import annotations

from pathlib import Path

import pytest

from politiraad_graph.ingest.source import IngestError, read_source

pytest.importorskip("reportlab")

from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

HEADER = "Politirådet i Kristiansand – referat 4. februar 2025"
BODY = [
    "Referat fra møte i Politirådet i Kristiansand",
    "1. Godkjenning av innkalling og saksliste",
    "Innkalling og saksliste ble godkjent.",
    "2. Orientering fra politiet",
    "Politistasjonssjefen orienterte om situasjonen i sentrum, der det",
    "har vært flere voldshendelser i helgene.",
    "3. Eventuelt",
    "Ingen saker.",
]
BOX = ["Møtested: Rådhuset, møterom 2", "Møtetid: 04.02.2025 kl. 10.00–12.00"]


def write_pdf(path: Path, body: list[str], box: list[str], pages: int = 2) -> None:
    """A PDF with a running header and a page number on every page, and a box of meeting
    details drawn beside the body text on the first page."""
    pdf = canvas.Canvas(str(path), pagesize=A4)
    width, height = A4
    per_page = -(-len(body) // pages)
    for page in range(pages):
        pdf.setFont("Helvetica", 8)
        pdf.drawString(72, height - 40, HEADER)
        pdf.drawRightString(width - 72, 40, f"Side {page + 1} av {pages}")
        y = height - 100
        for index, line in enumerate(body[page * per_page : (page + 1) * per_page]):
            pdf.setFont("Helvetica", 11)
            pdf.drawString(72, y, line)
            y -= 16
            if page == 0 and index == 3 and box:
                text = pdf.beginText(400, height - 120)
                text.setFont("Helvetica", 8)
                for entry in box:
                    text.textLine(entry)
                pdf.drawText(text)
        pdf.showPage()
    pdf.save()


def test_text_is_kept_verbatim(tmp_path: Path) -> None:
    raw = " Referat Politirådet i Oslo 13.01.2023 \n\n1. Dagsorden godkjent  \r\n"
    path = tmp_path / "referat.txt"
    path.write_bytes(raw.encode("utf-8"))
    source = read_source(path)
    assert source.text == raw
    assert source.format == "txt" and source.regions == []


def test_windows_1252_text_is_read_and_noted(tmp_path: Path) -> None:
    path = tmp_path / "referat.txt"
    path.write_bytes("Referat fra møte i Politirådet i Bærum, sak 1: godkjent".encode("cp1252"))
    source = read_source(path)
    assert "Bærum" in source.text
    assert any("cp1252" in note for note in source.notes)


def test_byte_order_mark_is_dropped(tmp_path: Path) -> None:
    path = tmp_path / "referat.txt"
    path.write_bytes("\ufeffReferat fra Politirådet i Oslo, møte 1. mars 2024.".encode())
    assert read_source(path).text.startswith("Referat")


def test_repeated_lines_between_form_feeds_are_headers(tmp_path: Path) -> None:
    page = "Politirådet i Oslo – referat\n{body}\nSide {n}\n"
    text = "\f".join(
        page.format(body=b, n=n) for n, b in enumerate(["1. Sak en er godkjent.", "2. Sak to."], 1)
    )
    path = tmp_path / "referat.txt"
    path.write_text(text, encoding="utf-8")
    kinds = {(r.kind, text[r.start : r.end]) for r in read_source(path).regions}
    assert ("page-header", "Politirådet i Oslo – referat") in kinds
    assert ("page-footer", "Side 1") in kinds and ("page-footer", "Side 2") in kinds


def test_pdf_text_layer_with_header_footer_and_side_box(tmp_path: Path) -> None:
    path = tmp_path / "referat.pdf"
    write_pdf(path, BODY, BOX)
    source = read_source(path)
    assert source.format == "pdf" and len(source.pages) == 2
    regions = {(r.kind, source.text[r.start : r.end]) for r in source.regions}
    assert ("page-header", HEADER) in regions
    assert ("page-footer", "Side 2 av 2") in regions
    boxes = [text for kind, text in regions if kind == "side-box"]
    assert boxes and "Møtested: Rådhuset, møterom 2" in boxes[0] and "Møtetid" in boxes[0]
    # the text itself is untouched: the box sits where the PDF draws it
    assert source.text.index("Møtested") > source.text.index("2. Orientering fra politiet")


def test_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "tom.txt"
    path.write_bytes(b"  \n\n")
    with pytest.raises(IngestError, match=r"tom\.txt: the file is empty"):
        read_source(path)


def test_missing_file_and_folder(tmp_path: Path) -> None:
    with pytest.raises(IngestError, match="no such file"):
        read_source(tmp_path / "finnes-ikke.pdf")
    with pytest.raises(IngestError, match="is a folder"):
        read_source(tmp_path)


def test_unsupported_type(tmp_path: Path) -> None:
    path = tmp_path / "referat.docx"
    path.write_bytes(b"PK\x03\x04")
    with pytest.raises(IngestError, match=r"unsupported file type \.docx"):
        read_source(path)


def test_binary_and_misnamed_files(tmp_path: Path) -> None:
    binary = tmp_path / "referat.txt"
    binary.write_bytes(b"Referat\x00\x01\x02 politiradet")
    with pytest.raises(IngestError, match="NUL bytes"):
        read_source(binary)
    pdf_as_text = tmp_path / "referat2.txt"
    pdf_as_text.write_bytes(b"%PDF-1.4 ...")
    with pytest.raises(IngestError, match=r"PDF file named \.txt"):
        read_source(pdf_as_text)


def test_scanned_pdf_without_text_layer(tmp_path: Path) -> None:
    path = tmp_path / "skannet.pdf"
    pdf = canvas.Canvas(str(path), pagesize=A4)
    pdf.rect(50, 50, 400, 600, fill=1)  # an "image" of a page
    pdf.showPage()
    pdf.save()
    with pytest.raises(IngestError, match=r"skannet\.pdf: the PDF has no text layer"):
        read_source(path)


def test_damaged_pdf(tmp_path: Path) -> None:
    good = tmp_path / "god.pdf"
    write_pdf(good, BODY, BOX)
    damaged = tmp_path / "skadet.pdf"
    damaged.write_bytes(good.read_bytes()[: good.stat().st_size // 3])
    with pytest.raises(IngestError, match=r"skadet\.pdf: the PDF is damaged"):
        read_source(damaged)


def test_not_a_pdf_at_all(tmp_path: Path) -> None:
    path = tmp_path / "referat.pdf"
    path.write_bytes(b"this is plain text with a .pdf name")
    with pytest.raises(IngestError, match="no %PDF header"):
        read_source(path)


def test_almost_no_text(tmp_path: Path) -> None:
    path = tmp_path / "referat.txt"
    path.write_text("1. 2. 3. ----", encoding="utf-8")
    with pytest.raises(IngestError, match="almost no text"):
        read_source(path)


def test_checksum_is_of_the_text(tmp_path: Path) -> None:
    path = tmp_path / "referat.txt"
    path.write_text("Referat fra møte i Politirådet i Oslo 13. mars 2024.", encoding="utf-8")
    source = read_source(path)
    import hashlib

    assert source.sha256 == hashlib.sha256(source.text.encode()).hexdigest()
