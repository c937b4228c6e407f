"""Read minutes from a file: text verbatim, or a PDF's text layer with where each line sat.

For a PDF the text of every page is kept exactly as pypdf extracts it (pages joined by a line
break); what we learn from the page geometry — running headers and footers, and boxes set beside
the body text — is returned as regions with offsets into that text, never by changing the text.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

SUPPORTED = (".txt", ".pdf")
_MIN_LETTERS = 25  # fewer letters than this is not a document we can read


class IngestError(ValueError):
    """Input that cannot become a draft: the message names the file and the problem."""


@dataclass(frozen=True)
class Region:
    """A stretch of the text that is not running body text: a page header, footer or side box."""

    start: int
    end: int
    kind: str  # "page-header", "page-footer", "side-box", "meeting-details"
    note: str = ""


@dataclass
class Source:
    """The verbatim text of one file of minutes, with what its layout told us."""

    path: Path
    text: str
    format: str  # "txt" or "pdf"
    pages: list[tuple[int, int]] = field(default_factory=list)
    regions: list[Region] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()


def read_source(path: Path) -> Source:
    """Read a .txt or .pdf file of minutes; raise IngestError naming the file and the problem."""
    if not path.exists():
        raise IngestError(f"{path}: no such file")
    if path.is_dir():
        raise IngestError(f"{path}: is a folder, not a file of minutes")
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED:
        raise IngestError(f"{path}: unsupported file type {suffix or '(none)'}; use .txt or .pdf")
    try:
        data = path.read_bytes()
    except OSError as error:
        raise IngestError(f"{path}: cannot read ({error.strerror})") from error
    if not data.strip():
        raise IngestError(f"{path}: the file is empty")
    source = _read_pdf(path, data) if suffix == ".pdf" else _read_text(path, data)
    letters = sum(1 for ch in source.text if ch.isalpha())
    if letters < _MIN_LETTERS:
        raise IngestError(f"{path}: the file holds almost no text ({letters} letters)")
    return source


def _read_text(path: Path, data: bytes) -> Source:
    if data.startswith(b"%PDF-"):
        raise IngestError(f"{path}: this is a PDF file named .txt; rename it to .pdf")
    if b"\x00" in data:
        raise IngestError(f"{path}: not a text file (it contains NUL bytes)")
    notes: list[str] = []
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Older Windows tools write Norwegian text as cp1252; decoding it is safe and lossless.
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError as error:
            raise IngestError(
                f"{path}: not UTF-8 or Windows-1252 text ({error.reason} at byte {error.start})"
            ) from error
        notes.append("The file was not UTF-8; it was read as Windows-1252 (cp1252).")
    pages: list[tuple[int, int]] = []
    if "\f" in text:
        start = 0
        for match in re.finditer("\f", text):
            pages.append((start, match.start()))
            start = match.end()
        pages.append((start, len(text)))
    source = Source(path, text, "txt", pages=pages, notes=notes)
    if pages:
        source.regions.extend(_repeated_lines(text, pages))
    return source


@dataclass(frozen=True)
class _Fragment:
    start: int
    end: int
    x: float
    y: float


def _read_pdf(path: Path, data: bytes) -> Source:
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    if not data.startswith(b"%PDF-"):
        raise IngestError(f"{path}: not a PDF file (no %PDF header)")
    with _quiet_pypdf():
        return _read_pdf_pages(path, data, PdfReader, PyPdfError)


@contextlib.contextmanager
def _quiet_pypdf() -> Iterator[None]:
    """pypdf logs what it repairs ("EOF marker not found"); our message says it once, clearly."""
    logger = logging.getLogger("pypdf")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(level)


def _read_pdf_pages(path: Path, data: bytes, reader_class: Any, error_class: Any) -> Source:
    from io import BytesIO

    try:
        reader = reader_class(BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise IngestError(f"{path}: the PDF is encrypted with a password")
        pages = list(reader.pages)
    except IngestError:
        raise
    except (error_class, ValueError, KeyError, TypeError, AttributeError, OSError) as error:
        raise IngestError(f"{path}: the PDF is damaged and cannot be read ({error})") from error
    if not pages:
        raise IngestError(f"{path}: the PDF has no pages")
    texts: list[str] = []
    geometry: list[tuple[float, float, list[_Fragment]]] = []
    for number, page in enumerate(pages, start=1):
        fragments: list[_Fragment] = []
        parts: list[str] = []
        offset = 0

        def visit(
            text: str,
            cm: list[float],
            tm: list[float],
            font: object,
            size: float,
            parts: list[str] = parts,
            fragments: list[_Fragment] = fragments,
        ) -> None:
            nonlocal offset
            if text:
                x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
                y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
                fragments.append(_Fragment(offset, offset + len(text), x, y))
                parts.append(text)
                offset += len(text)

        try:
            text = page.extract_text(visitor_text=visit)
        except Exception as error:  # pypdf raises many kinds of error on broken content streams
            raise IngestError(
                f"{path}: page {number} of the PDF is damaged and cannot be read ({error})"
            ) from error
        if "".join(parts) != text:
            fragments = []  # geometry only helps when it maps onto the extracted text
        texts.append(text)
        box = page.mediabox
        geometry.append((float(box.width), float(box.height), fragments))
    if not any(t.strip() for t in texts):
        raise IngestError(
            f"{path}: the PDF has no text layer (a scanned document?); run OCR on it first"
        )
    joined, spans = "", []
    for index, text in enumerate(texts):
        if index:
            joined += "\n"
        spans.append((len(joined), len(joined) + len(text)))
        joined += text
    source = Source(path, joined, "pdf", pages=spans)
    bands = [
        _margin_bands(joined, start, height, fragments)
        for (start, _), (_, height, fragments) in zip(spans, geometry, strict=True)
    ]
    source.regions.extend(_repeated_lines(joined, spans, bands))
    for (start, _), (width, height, fragments) in zip(spans, geometry, strict=True):
        source.regions.extend(_side_boxes(joined, start, width, height, fragments))
    source.regions = _merge(source.regions)
    return source


def _line_spans(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The non-blank lines between start and end, as stripped (start, end) offsets."""
    spans = []
    for match in re.finditer(r"[^\n]+", text[start:end]):
        raw = match.group()
        if raw.strip():
            left = len(raw) - len(raw.lstrip())
            right = len(raw.rstrip())
            spans.append((start + match.start() + left, start + match.start() + right))
    return spans


def _shape(line: str) -> str:
    """A line with its numbers blanked, so "Side 2 av 5" on each page compares equal."""
    return re.sub(r"\d+", "#", " ".join(line.split())).lower()


def _repeated_lines(
    text: str,
    pages: list[tuple[int, int]],
    bands: list[dict[tuple[int, int], str]] | None = None,
) -> list[Region]:
    """Lines at the top or bottom of most pages that repeat (numbers aside): headers, footers.

    ``bands`` maps, per page, the lines that the page geometry puts in the top or bottom margin
    to "page-header" or "page-footer"; without geometry the first and last three lines count.
    """
    if len(pages) < 2:
        return []
    candidates: list[dict[tuple[int, int], str]] = []
    for index, (start, end) in enumerate(pages):
        lines = _line_spans(text, start, end)
        half = len(lines) / 2
        found = {
            span: "page-header" if index < half else "page-footer"
            for index, span in enumerate(lines)
            if index < 3 or index >= len(lines) - 3
        }
        if bands is not None:
            found.update(bands[index])
        candidates.append(found)
    counts: Counter[str] = Counter()
    for found in candidates:
        counts.update({_shape(text[s:e]) for s, e in found})
    needed = max(2, (len(pages) + 1) // 2)
    repeated = {shape for shape, n in counts.items() if n >= needed and len(shape) < 120}
    return [
        Region(s, e, kind, "repeated on most pages")
        for found in candidates
        for (s, e), kind in found.items()
        if _shape(text[s:e]) in repeated
    ]


def _margin_bands(
    text: str, page_start: int, height: float, fragments: list[_Fragment]
) -> dict[tuple[int, int], str]:
    """The lines of a page that sit in its top or bottom margin, by where the PDF draws them."""
    if not fragments:
        return {}
    bands: dict[tuple[int, int], str] = {}
    for s, e in _line_spans(text, page_start, page_start + fragments[-1].end):
        local = s - page_start
        first = next((f for f in fragments if f.start <= local < f.end), None)
        if first is None:
            continue
        if first.y > height * 0.92:
            bands[(s, e)] = "page-header"
        elif first.y < height * 0.08:
            bands[(s, e)] = "page-footer"
    return bands


def _side_boxes(
    text: str, page_start: int, width: float, height: float, fragments: list[_Fragment]
) -> list[Region]:
    """Runs of lines that begin far right of the body's left margin: a box beside the text."""
    if not fragments:
        return []
    lines = _line_spans(text, page_start, page_start + fragments[-1].end)
    starts: list[tuple[int, int, float, float]] = []
    for s, e in lines:
        local = s - page_start
        first = next((f for f in fragments if f.start <= local < f.end), None)
        if first is not None:
            starts.append((s, e, first.x, first.y))
    if not starts:
        return []
    margin = Counter(round(x) for _, _, x, _ in starts).most_common(1)[0][0]
    column = margin + 0.4 * (width - 2 * margin)
    regions: list[Region] = []
    run: list[tuple[int, int]] = []
    for s, e, x, y in [*starts, (0, 0, 0.0, height / 2)]:
        in_margin = y > height * 0.93 or y < height * 0.07
        if x >= column and not in_margin:
            run.append((s, e))
            continue
        if len(run) >= 2:
            regions.append(Region(run[0][0], run[-1][1], "side-box", "set beside the body text"))
        run = []
    return regions


def _merge(regions: list[Region]) -> list[Region]:
    seen: dict[tuple[int, int], Region] = {}
    for region in regions:
        seen.setdefault((region.start, region.end), region)
    return sorted(seen.values(), key=lambda r: (r.start, r.end))
