"""Ingest new minutes: a referat (PDF or text) becomes a reviewable draft, then curated data.

``extract`` reads a file and runs the extractors (one module each: dates, times, fields,
participants, names, agenda, decisions, followups, meetings, amounts, mentions, exempt);
``build_draft`` turns the result into our model; ``ingest_file`` writes the draft folder;
``accept_draft`` validates a reviewed draft and writes it into data/.
"""

from politiraad_graph.ingest.source import IngestError

__all__ = ["IngestError"]
