"""Markers that content is exempt from public disclosure ("unntatt offentlighet")."""

from __future__ import annotations

import re

Span = tuple[int, int]

MARKER_RE = re.compile(
    r"\b(?:er|blir|ble|var|vil\s+være)\s+(?:\w+\s+)?unntatt\s+(?:fra\s+)?offentlighet(?:en)?\b"
    r"|^\s*unntatt\s+offentlighet\b"
    r"|\(\s*unntatt\s+offentlighet[^)]*\)"
    r"|\b(?:jf\.?|jfr\.?)\s+offl\.?\s*§\s*\d+"
    r"|\boffentleglova\s+§\s*\d+",
    re.IGNORECASE | re.MULTILINE,
)


def find_exempt_markers(text: str, sentences: list[Span]) -> list[Span]:
    """Sentences that mark their content exempt, e.g. "Innholdet i situasjonsbriefen er unntatt
    offentlighet." A general statement ("kan dele informasjon unntatt offentlighet") is not one.

    >>> text = "Innholdet er unntatt offentlighet. Vi kan dele informasjon unntatt offentlighet."
    >>> [text[s:e] for s, e in find_exempt_markers(text, [(0, 34), (35, len(text))])]
    ['Innholdet er unntatt offentlighet.']
    """
    return [(s, e) for s, e in sentences if MARKER_RE.search(text, s, e)]
