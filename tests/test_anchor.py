"""Quoted passages become passages with offsets; missing and ambiguous quotes are refused."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph, URIRef

from politiraad_graph.anchor import AnchorError, anchor_file, find_quote
from politiraad_graph.namespaces import ID, OA, POL

TEXT = "Referat\n\n1. Dagsorden godkjent  \n\nOPD og OPD  \nsiste linje"


def test_quote_matches_across_line_breaks() -> None:
    span = find_quote(TEXT, "godkjent OPD og")
    assert TEXT[span.start : span.end] == "godkjent  \n\nOPD og"


def test_ambiguous_quote_needs_a_prefix() -> None:
    with pytest.raises(AnchorError, match="2 times"):
        find_quote(TEXT, "OPD")
    span = find_quote(TEXT, "OPD", prefix="OPD og")
    assert span.start == TEXT.rindex("OPD")


def test_missing_quote_is_named() -> None:
    with pytest.raises(AnchorError, match="not found"):
        find_quote(TEXT, "finnes ikke")


def _write(tmp_path: Path, quote: str) -> Path:
    sources = tmp_path / "sources"
    sources.mkdir()
    (sources / "2099-01-01_test.txt").write_text(TEXT, encoding="utf-8")
    meetings = tmp_path / "meetings"
    meetings.mkdir()
    path = meetings / "2099-01-01.ttl"
    path.write_text(
        "@base <https://w3id.org/politiraad/id/> .\n"
        "@prefix pol: <https://w3id.org/politiraad/ontology#> .\n"
        "@prefix oa: <http://www.w3.org/ns/oa#> .\n"
        '<source/2099-01-01> a pol:SourceDocument ; pol:fileName "2099-01-01_test.txt" .\n'
        f'<meeting/2099-01-01/item/1> pol:evidence [ oa:exact "{quote}" ] .\n',
        encoding="utf-8",
    )
    return path


def test_anchor_file_rewrites_blank_passages(tmp_path: Path) -> None:
    path = _write(tmp_path, "Dagsorden godkjent")
    assert anchor_file(path) == 1
    graph = Graph().parse(path, format="turtle", publicID=str(ID))
    passage = graph.value(URIRef(f"{ID}meeting/2099-01-01/item/1"), POL.evidence)
    start, end = TEXT.index("Dagsorden"), TEXT.index("godkjent") + len("godkjent")
    assert passage == URIRef(f"{ID}source/2099-01-01#char={start},{end}")
    assert str(graph.value(passage, OA.exact)) == "Dagsorden godkjent"
    assert anchor_file(path) == 0  # anchoring twice changes nothing


def test_failed_anchor_leaves_the_file_untouched(tmp_path: Path) -> None:
    path = _write(tmp_path, "finnes ikke")
    before = path.read_bytes()
    with pytest.raises(AnchorError):
        anchor_file(path)
    assert path.read_bytes() == before
