"""Every passage in the curated data quotes its source exactly at its offsets."""

from __future__ import annotations

from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.namespace import RDF

from politiraad_graph.namespaces import OA, POL


def _texts(graph: Graph, root: Path) -> dict[URIRef, str]:
    texts = {}
    for source in graph.subjects(RDF.type, POL.SourceDocument):
        name = graph.value(source, POL.fileName)
        assert name is not None, f"{source} has no pol:fileName"
        texts[source] = (root / "data" / "sources" / str(name)).read_text(encoding="utf-8")
    return texts


def test_every_quote_sits_at_its_offsets(curated_union: Graph, project_root: Path) -> None:
    texts = _texts(curated_union, project_root)
    passages = set(curated_union.subjects(RDF.type, POL.Passage))
    assert len(passages) > 100
    wrong = []
    for passage in passages:
        source = curated_union.value(passage, OA.hasSource)
        start = int(curated_union.value(passage, OA.start))  # type: ignore[arg-type]
        end = int(curated_union.value(passage, OA.end))  # type: ignore[arg-type]
        exact = str(curated_union.value(passage, OA.exact))
        if texts[source][start:end] != exact:  # type: ignore[index]
            wrong.append(str(passage))
        if str(passage) != f"{source}#char={start},{end}":
            wrong.append(f"{passage}: IRI does not match its offsets")
    assert wrong == []


def test_every_source_file_is_described_and_its_checksum_matches(
    curated_union: Graph, project_root: Path
) -> None:
    import hashlib

    described = {
        str(curated_union.value(s, POL.fileName)): str(curated_union.value(s, POL.sha256))
        for s in curated_union.subjects(RDF.type, POL.SourceDocument)
    }
    on_disk = {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest()
        for p in (project_root / "data" / "sources").glob("*.txt")
    }
    assert described == on_disk


def test_every_fact_has_evidence(curated_union: Graph) -> None:
    fact_classes = [
        POL.Meeting,
        POL.AgendaItem,
        POL.Participation,
        POL.PostHolding,
        POL.Decision,
        POL.FollowUpPoint,
        POL.StatusUpdate,
        POL.MonetaryAmount,
        POL.Incident,
        POL.Mention,
    ]
    missing = [
        str(node)
        for cls in fact_classes
        for node in curated_union.subjects(RDF.type, cls)
        if (node, POL.evidence, None) not in curated_union
    ]
    assert missing == []
