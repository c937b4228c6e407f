"""Documentation pages of a release: the ontology, the topic scheme and code lists (with each
topic's thread through the meetings), the shapes and data checks, and the query library.

Rendered with the package's own Jinja templates (``publish/templates/``) from the public graph,
the project's ``shapes/`` and the packaged queries and checks.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2
from rdflib import Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS
from rdflib.term import Node

from politiraad_graph.namespaces import GRAPH, ID, POL, SH, bind_prefixes
from politiraad_graph.publish.dataset import PublicDataset, parse_terms
from politiraad_graph.store.oxigraph import to_rdflib

TEMPLATES = Path(__file__).resolve().parent / "templates"
PageLink = Callable[[str], str | None]
"""An IRI → the link to its page from the docs folder, or None."""


def environment() -> jinja2.Environment:
    """The Jinja environment of the release's own pages."""
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        autoescape=jinja2.select_autoescape(["html"]),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def graph_of(data: PublicDataset, name: str) -> Graph:
    """One named graph of the public dataset as an rdflib graph."""
    term = f"<{name}>"
    graph = Graph()
    for quad in parse_terms(q for q in data.quads if q[0] == term):
        graph.add((to_rdflib(quad.subject), to_rdflib(quad.predicate), to_rdflib(quad.object)))
    return bind_prefixes(graph)


def texts(graph: Graph, subject: Node, *predicates: URIRef) -> dict[str, str]:
    """Literal values by language (``""`` for none), the smallest if a language has several."""
    found: dict[str, str] = {}
    for predicate in predicates:
        for value in sorted(graph.objects(subject, predicate), key=str):
            if isinstance(value, Literal):
                found.setdefault(value.language or "", str(value))
    return found


def curie(graph: Graph, node: Node) -> str:
    if isinstance(node, URIRef):
        try:
            prefix, _, local = graph.namespace_manager.compute_qname(str(node), generate=False)
        except (KeyError, ValueError):
            return str(node)
        return f"{prefix}:{local}" if local else str(node)
    return str(node)


# ------------------------------------------------------------------------------- ontology


@dataclass
class Term:
    iri: str
    name: str
    anchor: str
    kind: str
    labels: dict[str, str]
    definitions: dict[str, str]
    parents: list[str] = field(default_factory=list)
    domain: list[str] = field(default_factory=list)
    range: list[str] = field(default_factory=list)
    alignments: list[tuple[str, str, str]] = field(default_factory=list)
    properties: list[str] = field(default_factory=list)


_KINDS = {
    OWL.Class: "class",
    OWL.ObjectProperty: "object property",
    OWL.DatatypeProperty: "datatype property",
    OWL.AnnotationProperty: "annotation property",
}
_ALIGN = (
    SKOS.exactMatch,
    SKOS.closeMatch,
    SKOS.broadMatch,
    SKOS.narrowMatch,
    SKOS.relatedMatch,
    OWL.equivalentClass,
    OWL.equivalentProperty,
)


def expression(graph: Graph, node: Node) -> str:
    """A class expression in words: ``A or B``, ``p some C``, or the class's short name."""
    union = graph.value(node, OWL.unionOf)
    if union is not None:
        return " or ".join(expression(graph, n) for n in Collection(graph, union))
    prop = graph.value(node, OWL.onProperty)
    if prop is not None:
        for kind, word in ((OWL.someValuesFrom, "some"), (OWL.allValuesFrom, "only")):
            target = graph.value(node, kind)
            if target is not None:
                return f"{curie(graph, prop)} {word} {expression(graph, target)}"
        return f"restriction on {curie(graph, prop)}"
    return curie(graph, node)


def ontology_terms(graph: Graph) -> tuple[dict[str, Any], list[Term], list[Term]]:
    """The ontology's header, its classes and its properties, in name order."""
    header: dict[str, Any] = {"iri": "", "titles": {}, "descriptions": {}, "version": ""}
    for ontology in graph.subjects(RDF.type, OWL.Ontology):
        header = {
            "iri": str(ontology),
            "titles": texts(graph, ontology, DCTERMS.title),
            "descriptions": texts(graph, ontology, DCTERMS.description),
            "version": str(graph.value(ontology, OWL.versionInfo) or ""),
        }
        break
    notes: dict[tuple[str, str, str], str] = {}
    for axiom in graph.subjects(RDF.type, OWL.Axiom):
        key = tuple(
            str(graph.value(axiom, p))
            for p in (OWL.annotatedSource, OWL.annotatedProperty, OWL.annotatedTarget)
        )
        comment = texts(graph, axiom, RDFS.comment)
        notes[key] = comment.get("en") or comment.get("nb") or next(iter(comment.values()), "")  # type: ignore[index]
    classes: list[Term] = []
    properties: list[Term] = []
    for kind_class, kind in _KINDS.items():
        for subject in sorted(set(graph.subjects(RDF.type, kind_class)), key=str):
            if not isinstance(subject, URIRef) or not str(subject).startswith(str(POL)):
                continue
            name = curie(graph, subject)
            term = Term(
                str(subject),
                name,
                name.split(":", 1)[-1],
                kind,
                texts(graph, subject, RDFS.label, SKOS.prefLabel),
                texts(graph, subject, SKOS.definition, RDFS.comment),
            )
            parent_of = RDFS.subClassOf if kind == "class" else RDFS.subPropertyOf
            term.parents = sorted(expression(graph, p) for p in graph.objects(subject, parent_of))
            term.domain = sorted(expression(graph, d) for d in graph.objects(subject, RDFS.domain))
            term.range = sorted(expression(graph, r) for r in graph.objects(subject, RDFS.range))
            for relation in _ALIGN:
                for target in graph.objects(subject, relation):
                    note = notes.get((str(subject), str(relation), str(target)), "")
                    term.alignments.append((curie(graph, relation), curie(graph, target), note))
            term.alignments.sort()
            (classes if kind == "class" else properties).append(term)
    by_name = {t.name: t for t in classes}
    for prop in properties:
        for domain in prop.domain:
            for name in domain.split(" or "):
                if name in by_name:
                    by_name[name].properties.append(prop.name)
    for cls in classes:
        cls.properties.sort()
    return header, classes, properties


# ------------------------------------------------------------------------- topics and lists


@dataclass
class Concept:
    iri: str
    link: str | None
    labels: dict[str, str]
    alt: list[str]
    definitions: dict[str, str]
    notation: str
    broader: list[tuple[str, str | None]] = field(default_factory=list)
    narrower: list[tuple[str, str | None]] = field(default_factory=list)
    related: list[tuple[str, str | None]] = field(default_factory=list)
    replaced_by: list[tuple[str, str | None]] = field(default_factory=list)
    replaces: list[tuple[str, str | None]] = field(default_factory=list)
    thread: list[dict[str, Any]] = field(default_factory=list)
    thread_more: int = 0


@dataclass
class Scheme:
    iri: str
    labels: dict[str, str]
    definitions: dict[str, str]
    concepts: list[Concept]


def _label(graph: Graph, node: Node) -> str:
    found = texts(graph, node, SKOS.prefLabel, DCTERMS.title, RDFS.label)
    return found.get("nb") or found.get("") or found.get("en") or str(node).rsplit("/", 1)[-1]


def schemes(graph: Graph, page: PageLink) -> list[Scheme]:
    """Every concept scheme of the reference graph with its concepts; the topics first."""
    found = []
    for scheme in sorted(set(graph.subjects(RDF.type, SKOS.ConceptScheme)), key=str):
        concepts = []
        for concept in sorted(set(graph.subjects(SKOS.inScheme, scheme)), key=str):

            def refs(predicate: URIRef, node: Node = concept) -> list[tuple[str, str | None]]:
                return sorted(
                    (_label(graph, o), page(str(o))) for o in graph.objects(node, predicate)
                )

            concepts.append(
                Concept(
                    str(concept),
                    page(str(concept)),
                    texts(graph, concept, SKOS.prefLabel),
                    sorted(str(v) for v in graph.objects(concept, SKOS.altLabel)),
                    texts(graph, concept, SKOS.definition),
                    str(graph.value(concept, SKOS.notation) or ""),
                    refs(SKOS.broader),
                    refs(SKOS.narrower),
                    refs(SKOS.related),
                    refs(DCTERMS.isReplacedBy),
                    refs(DCTERMS.replaces),
                )
            )
        concepts.sort(key=lambda c: (c.labels.get("nb") or c.labels.get("en") or c.iri).lower())
        found.append(
            Scheme(
                str(scheme),
                texts(graph, scheme, SKOS.prefLabel, DCTERMS.title),
                texts(graph, scheme, SKOS.definition),
                concepts,
            )
        )
    topics = f"{ID}concept/topic"
    found.sort(key=lambda s: (s.iri != topics, s.iri))
    return found


THREAD_QUERY = """
PREFIX pol: <https://w3id.org/politiraad/ontology#>
PREFIX schema: <https://schema.org/>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT DISTINCT ?topic ?meeting ?date ?context ?title WHERE {
  ?mention pol:mentionOf ?topic ; pol:meeting ?meeting .
  ?topic skos:inScheme <https://w3id.org/politiraad/id/concept/topic> .
  OPTIONAL { ?mention pol:context ?context . OPTIONAL { ?context dcterms:title ?title } }
  OPTIONAL { ?meeting schema:startDate ?date }
}
"""


def threads(data: PublicDataset, limit: int = 500) -> dict[str, tuple[list[dict[str, Any]], int]]:
    """Each topic's thread: the agenda items (or meetings) that mention it, newest first."""
    import pyoxigraph as ox

    rows: dict[str, set[tuple[str, str, str, str]]] = defaultdict(set)
    result = data.store.query(THREAD_QUERY, use_default_graph_as_union=True)
    assert isinstance(result, ox.QuerySolutions)
    for row in result:
        topic = row["topic"]
        meeting = row["meeting"]
        if topic is None or meeting is None:
            continue
        date, context, title = row["date"], row["context"], row["title"]
        rows[topic.value].add(
            (
                date.value if date is not None else "",
                meeting.value,
                context.value if context is not None else "",
                title.value if title is not None else "",
            )
        )
    out = {}
    for topic, items in rows.items():
        ordered = sorted(items, key=lambda r: (r[0], r[1], r[2], r[3]), reverse=True)
        out[topic] = (
            [{"date": d, "meeting": m, "context": c, "title": t} for d, m, c, t in ordered[:limit]],
            max(0, len(ordered) - limit),
        )
    return out


# --------------------------------------------------------------------------------- shapes


@dataclass
class PropertyRule:
    path: str
    rules: list[str]
    severity: str
    messages: dict[str, str]


@dataclass
class NodeShape:
    iri: str
    name: str
    labels: dict[str, str]
    targets: list[str]
    rules: list[str]
    severity: str
    messages: dict[str, str]
    properties: list[PropertyRule]


@dataclass
class ShapesFile:
    name: str
    comment: str
    shapes: list[NodeShape]


def _path(graph: Graph, node: Node) -> str:
    if isinstance(node, URIRef):
        return curie(graph, node)
    inverse = graph.value(node, SH.inversePath)
    if inverse is not None:
        return "^" + _path(graph, inverse)
    alternatives = graph.value(node, SH.alternativePath)
    if alternatives is not None:
        return " | ".join(_path(graph, n) for n in Collection(graph, alternatives))
    for predicate, suffix in (
        (SH.zeroOrMorePath, "*"),
        (SH.oneOrMorePath, "+"),
        (SH.zeroOrOnePath, "?"),
    ):
        inner = graph.value(node, predicate)
        if inner is not None:
            return f"({_path(graph, inner)}){suffix}"
    if graph.value(node, RDF.first) is not None:
        return " / ".join(_path(graph, n) for n in Collection(graph, node))
    return "(path)"


_RULES = (
    SH.minCount, SH.maxCount, SH["class"], SH.datatype, SH.nodeKind, SH.pattern, SH.hasValue,
    SH.minInclusive, SH.maxInclusive, SH.minLength, SH.maxLength, SH.uniqueLang,
    SH.qualifiedMinCount, SH.qualifiedMaxCount, SH.equals, SH.disjoint, SH.lessThan,
)  # fmt: skip


def _rules(graph: Graph, node: Node) -> list[str]:
    found = []
    for rule in _RULES:
        for value in graph.objects(node, rule):
            shown = curie(graph, value) if isinstance(value, URIRef) else str(value)
            found.append(f"{curie(graph, rule)} {shown}")
    for rule in (SH["in"], SH.languageIn):
        for value in graph.objects(node, rule):
            items = ", ".join(
                curie(graph, v) if isinstance(v, URIRef) else str(v)
                for v in Collection(graph, value)
            )
            found.append(f"{curie(graph, rule)} ({items})")
    for rule in (SH.node, SH["or"], SH["and"], SH["not"], SH.qualifiedValueShape, SH.sparql):
        if graph.value(node, rule) is not None:
            found.append(f"{curie(graph, rule)} …")
    return sorted(found)


def _severity(graph: Graph, node: Node, default: str = "Violation") -> str:
    value = graph.value(node, SH.severity)
    return str(value).rsplit("#", 1)[-1] if value is not None else default


def shapes_files(root: Path) -> list[ShapesFile]:
    """The project's shapes files, each with its node shapes and their property rules."""
    found = []
    for path in sorted((root / "shapes").glob("*.ttl")):
        graph = bind_prefixes(Graph())
        graph.parse(path, format="turtle")
        comment = " ".join(
            line.lstrip("#").strip()
            for line in path.read_text(encoding="utf-8").splitlines()[:6]
            if line.startswith("#")
        )
        shapes = []
        nodes = set(graph.subjects(RDF.type, SH.NodeShape)) | {
            s for s in graph.subjects(SH.property, None) if isinstance(s, URIRef)
        }
        for node in sorted(n for n in nodes if isinstance(n, URIRef)):
            targets = [
                f"{curie(graph, kind)} {curie(graph, value)}"
                for kind in (SH.targetClass, SH.targetSubjectsOf, SH.targetObjectsOf, SH.targetNode)
                for value in graph.objects(node, kind)
            ]
            if graph.value(node, SH.target) is not None:
                targets.append("sh:target (SPARQL)")
            severity = _severity(graph, node)
            properties = [
                PropertyRule(
                    _path(graph, graph.value(prop, SH.path)),  # type: ignore[arg-type]
                    _rules(graph, prop),
                    _severity(graph, prop, severity),
                    texts(graph, prop, SH.message),
                )
                for prop in graph.objects(node, SH.property)
            ]
            properties.sort(key=lambda p: (p.path, p.rules))
            shapes.append(
                NodeShape(
                    str(node),
                    curie(graph, node),
                    texts(graph, node, RDFS.label),
                    sorted(targets),
                    _rules(graph, node),
                    severity,
                    texts(graph, node, SH.message),
                    properties,
                )
            )
        found.append(ShapesFile(path.name, comment, shapes))
    return found


def data_checks() -> list[dict[str, str]]:
    """The SPARQL data checks with the comment that opens each file."""
    from politiraad_graph.validate import check_files

    found = []
    for path in check_files():
        lines = path.read_text(encoding="utf-8").splitlines()
        comment = " ".join(line.lstrip("#").strip() for line in lines if line.startswith("#"))
        found.append({"name": path.stem, "comment": comment, "text": "\n".join(lines)})
    return found


def query_library() -> list[dict[str, Any]]:
    from politiraad_graph.queries import library

    return [
        {
            "name": q.name,
            "titles": dict(q.titles),
            "descriptions": dict(q.descriptions),
            "parameters": [(p.name, p.type, p.default or "") for p in q.parameters],
            "text": q.text,
        }
        for q in library().values()
    ]


# ---------------------------------------------------------------------------------- write


def _anchor(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]+", "-", text).strip("-")


def write_docs(
    data: PublicDataset,
    folder: Path,
    *,
    project_root: Path,
    page: PageLink,
    context: dict[str, Any],
) -> list[str]:
    """Write the documentation pages into ``folder`` (``docs/`` of a release); return them."""
    folder.mkdir(parents=True, exist_ok=True)
    env = environment()
    env.filters["anchor"] = _anchor
    header, classes, properties = ontology_terms(graph_of(data, str(GRAPH.ontology)))
    reference = graph_of(data, str(GRAPH.reference))
    all_schemes = schemes(reference, page)
    found_threads = threads(data)
    for scheme in all_schemes:
        for concept in scheme.concepts:
            items, more = found_threads.get(concept.iri, ([], 0))
            concept.thread = [
                {
                    **item,
                    "link": page(item["context"] or item["meeting"]),
                    "meeting_link": page(item["meeting"]),
                }
                for item in items
            ]
            concept.thread_more = more
    pages: dict[str, tuple[str, dict[str, Any]]] = {
        "index.html": ("docs_index.html", {}),
        "ontology.html": (
            "ontology.html",
            {"header": header, "classes": classes, "properties": properties},
        ),
        "topics.html": ("topics.html", {"schemes": all_schemes}),
        "shapes.html": (
            "shapes.html",
            {"files": shapes_files(project_root), "checks": data_checks()},
        ),
        "queries.html": ("queries.html", {"queries": query_library()}),
    }
    for name, (template, extra) in pages.items():
        html = env.get_template(template).render(
            root="../", here=f"docs/{name}", **context, **extra
        )
        (folder / name).write_text(html, encoding="utf-8", newline="\n")
    (folder / "shapes").mkdir(exist_ok=True)
    for path in sorted((project_root / "shapes").glob("*.ttl")):
        (folder / "shapes" / path.name).write_bytes(path.read_bytes())
    (folder / "queries").mkdir(exist_ok=True)
    from politiraad_graph.queries import library

    for query in library().values():
        (folder / "queries" / query.path.name).write_bytes(query.path.read_bytes())
    return sorted(pages)
