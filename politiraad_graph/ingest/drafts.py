"""Write a draft folder — all of it or nothing — and read one back.

``data/drafts/<date>/`` holds ``source.txt`` (the verbatim text), ``draft.ttl`` (the meeting in
our model), ``new-reference.ttl`` (proposed new people, organisations, posts, places),
``review.md`` and ``review.html`` (the review report) and ``ingest.json`` (the same record for
programs: file names, checksums, layout regions, every extracted fact).
"""

from __future__ import annotations

import json
import re
import shutil
from dataclasses import asdict
from pathlib import Path

from rdflib import Graph

from politiraad_graph import swap
from politiraad_graph.ingest.draft import Draft, build_draft
from politiraad_graph.ingest.pipeline import Extraction, extract
from politiraad_graph.ingest.reference import Reference
from politiraad_graph.ingest.review import to_html, to_markdown
from politiraad_graph.ingest.source import IngestError
from politiraad_graph.namespaces import ID, bind_prefixes

DRAFT_FILES = (
    "source.txt",
    "draft.ttl",
    "new-reference.ttl",
    "review.md",
    "review.html",
    "ingest.json",
)


def turtle(graph: Graph) -> str:
    """Turtle with the project's prefixes and IRIs relative to the base, as curators write it.

    Only IRIs whose rest is a plain path (and a ``#char=`` fragment) are shortened: those
    resolve against the base to themselves, so no re-parse is needed to check the result.
    """
    bind_prefixes(graph)
    data = graph.serialize(format="turtle", base=str(ID))
    return re.sub(
        "<" + re.escape(str(ID)) + r"([A-Za-z0-9][A-Za-z0-9_\-./]*(?:#[A-Za-z0-9=,_\-]+)?)>",
        r"<\1>",
        data,
    )


def record(extraction: Extraction, draft: Draft) -> dict[str, object]:
    """The machine-readable twin of the review report."""
    return {
        "date": extraction.date_key,
        "meeting": str(draft.meeting_iri),
        "source": str(draft.source_iri),
        "input_file": extraction.source.path.name,
        "input_format": extraction.source.format,
        "file_name": draft.file_name,
        "sha256": extraction.source.sha256,
        "seconds": round(extraction.seconds, 3),
        "regions": [asdict(r) for r in extraction.layout.regions],
        "pages": extraction.source.pages,
        "new_things": draft.new_things,
        "facts": draft.facts,
        "warnings": [*extraction.warnings, *extraction.source.notes],
    }


def ingest_file(
    path: Path,
    *,
    out_dir: Path,
    project_root: Path,
    force: bool = False,
    reference: Reference | None = None,
) -> tuple[Path, Extraction, Draft]:
    """Read a file of minutes and write its draft folder under ``out_dir``; return its path."""
    extraction = extract(path, project_root, reference)
    draft = build_draft(extraction)
    target = out_dir / extraction.date_key
    files = {
        "source.txt": extraction.text,
        "draft.ttl": turtle(draft.graph),
        "new-reference.ttl": turtle(draft.proposals) if len(draft.proposals) else "",
        "review.md": to_markdown(extraction, draft),
        "review.html": to_html(extraction, draft),
        "ingest.json": json.dumps(record(extraction, draft), ensure_ascii=False, indent=1),
    }
    created_out = not out_dir.exists()
    out_dir.mkdir(parents=True, exist_ok=True)
    # A draft folder that a killed ingest had moved aside comes back before anything is decided.
    swap.restore(out_dir, marker="ingest.json")
    swap.sweep(out_dir)
    if target.exists() and not force:
        raise IngestError(
            f"{target}: a draft of this meeting exists already; use --force to replace it"
        )
    staging = swap.work_dir(out_dir, extraction.date_key)
    try:
        # ingest.json last: a folder that has it is complete (swap.restore relies on it).
        for name in sorted(files, key=lambda name: name == "ingest.json"):
            with (staging / name).open("w", encoding="utf-8", newline="") as handle:
                handle.write(files[name])
        swap.swap_in(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        if created_out and not any(out_dir.iterdir()):
            out_dir.rmdir()
        raise
    return target, extraction, draft
