"""Anchor quoted passages to exact character offsets in the verbatim source text.

Curators write ``pol:evidence [ oa:exact "..." ]``; this module finds each quote in the
meeting's source text and turns the blank node into a ``pol:Passage`` IRI with offsets, so
that nobody has to count characters by hand.
"""

from __future__ import annotations

import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import RDF, XSD

from politiraad_graph.namespaces import ID, OA, POL, bind_prefixes


class AnchorError(ValueError):
    """A quote that cannot be placed in its source text."""


@dataclass(frozen=True)
class Span:
    start: int
    end: int


def passage_iri(source: URIRef, start: int, end: int) -> URIRef:
    """Return the IRI of a passage: the source IRI with an RFC 5147 fragment.

    >>> str(passage_iri(URIRef("https://w3id.org/politiraad/id/source/2023-01-13"), 3, 9))
    'https://w3id.org/politiraad/id/source/2023-01-13#char=3,9'
    """
    return URIRef(f"{source}#char={start},{end}")


def _normalise(text: str) -> str:
    return " ".join(text.split())


def find_quote(text: str, quote: str, prefix: str | None = None) -> Span:
    """Find the one place where ``quote`` occurs in ``text``, tolerating any whitespace run.

    >>> find_quote("a  b\\n\\nc d", "b c")
    Span(start=3, end=7)
    """
    words = quote.split()
    if not words:
        raise AnchorError("empty quote")
    pattern = re.compile(r"\s+".join(re.escape(w) for w in words))
    spans = [Span(m.start(), m.end()) for m in pattern.finditer(text)]
    if prefix:
        wanted = _normalise(prefix)
        spans = [s for s in spans if _normalise(text[: s.start]).endswith(wanted)]
    if not spans:
        raise AnchorError(f"quote not found in source: {quote[:80]!r}")
    if len(spans) > 1:
        raise AnchorError(
            f"quote occurs {len(spans)} times; add an oa:prefix to choose one: {quote[:80]!r}"
        )
    return spans[0]


def _source_of(graph: Graph, node: BNode | URIRef) -> URIRef:
    explicit = graph.value(node, OA.hasSource)
    if isinstance(explicit, URIRef):
        return explicit
    sources = sorted(
        s for s in graph.subjects(RDF.type, POL.SourceDocument) if isinstance(s, URIRef)
    )
    if len(sources) != 1:
        raise AnchorError(
            "passage has no oa:hasSource and the file has no single pol:SourceDocument"
        )
    return sources[0]


def source_text(graph: Graph, source: URIRef, sources_dir: Path) -> str:
    """Read the verbatim text of a source document named by its ``pol:fileName``."""
    name = graph.value(source, POL.fileName)
    if name is not None:
        return (sources_dir / str(name)).read_text(encoding="utf-8")
    # Reference data points into sources described in other files: find them by date.
    key = str(source).rsplit("/", 1)[-1]
    matches = sorted(sources_dir.glob(f"{key}_*.txt")) or sorted(sources_dir.glob(f"{key}.txt"))
    if len(matches) != 1:
        raise AnchorError(
            f"{source}: no pol:fileName and no single file {key}_*.txt in {sources_dir}"
        )
    return matches[0].read_text(encoding="utf-8")


def anchor_graph(graph: Graph, sources_dir: Path) -> int:
    """Replace every quote-only blank passage in ``graph`` by an anchored passage IRI.

    Returns how many passages were anchored. Already anchored passages are checked.
    """
    texts: dict[URIRef, str] = {}

    def text_for(source: URIRef) -> str:
        if source not in texts:
            texts[source] = source_text(graph, source, sources_dir)
        return texts[source]

    anchored = 0
    for node in list(graph.subjects(OA.exact, None)):
        source = _source_of(graph, node)
        text = text_for(source)
        quote = str(graph.value(node, OA.exact))
        if isinstance(node, URIRef):
            start = graph.value(node, OA.start)
            end = graph.value(node, OA.end)
            if start is None or end is None or text[int(start) : int(end)] != quote:
                raise AnchorError(f"{node}: oa:exact does not match the text at its offsets")
            continue
        prefix_literal = graph.value(node, OA.prefix)
        span = find_quote(text, quote, str(prefix_literal) if prefix_literal else None)
        iri = passage_iri(source, span.start, span.end)
        for subject, predicate in list(graph.subject_predicates(node)):
            graph.remove((subject, predicate, node))
            graph.add((subject, predicate, iri))
        for _, predicate, value in list(graph.triples((node, None, None))):
            graph.remove((node, predicate, value))
        graph.add((iri, RDF.type, POL.Passage))
        graph.add((iri, OA.hasSource, source))
        graph.add((iri, OA.exact, Literal(text[span.start : span.end])))
        graph.add((iri, OA.start, Literal(span.start, datatype=XSD.integer)))
        graph.add((iri, OA.end, Literal(span.end, datatype=XSD.integer)))
        anchored += 1
    return anchored


def write_turtle_atomically(graph: Graph, path: Path) -> None:
    """Serialise ``graph`` as Turtle with our base and prefixes, replacing ``path`` in one step."""
    bind_prefixes(graph)
    data = graph.serialize(format="turtle", base=str(ID))
    # rdflib writes @base but keeps absolute IRIs; relative ones are what curators read and edit.
    relative = re.sub(r"<" + re.escape(str(ID)) + r"([^<>\s\"]+)>", r"<\1>", data)
    check = Graph().parse(data=relative, format="turtle", publicID=str(ID))
    if isomorphic(check, graph):
        data = relative
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def anchor_file(path: Path, sources_dir: Path | None = None) -> int:
    """Anchor the passages of one Turtle file in place; return how many were anchored."""
    sources_dir = sources_dir or path.resolve().parent.parent / "sources"
    graph = Graph()
    graph.parse(path, format="turtle", publicID=str(ID))
    count = anchor_graph(graph, sources_dir)
    if count:
        write_turtle_atomically(graph, path)
    return count
