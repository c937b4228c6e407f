"""Validate the knowledge graph against the SHACL shapes and the SPARQL data checks.

One entry point, :func:`validate`, in the spirit of pySHACL's ``validate()`` but with a fixed
return shape: a :class:`ValidationReport` whose results each name the node at fault, the node
shape (or data check) that found it, and a message in English and bokmål.

Conventions:

- ``source_shape`` is always a *node shape* (``polsh:<Class>_Shape``): when pySHACL reports a
  property shape, the node shape that declares it (``sh:property``) is reported instead. A result
  of a data check ``politiraad_graph/checks/<name>.rq`` has the source shape ``polsh:<name>``.
- ``conforms`` is ``True`` when no result has severity ``Violation``; warnings and infos are
  recommendations and never make the data non-conforming.
- Validation runs without inference (pySHACL ``inference="none"``, ``advanced=True`` for the
  SPARQL targets): the shapes name every subclass they accept, so they do not depend on the
  ontology. An ``ontology`` passed in is mixed into the data, as pySHACL's ``ont_graph`` is.
- The data checks run in Oxigraph, not in rdflib's SPARQL engine: the checks for what is
  missing (``FILTER NOT EXISTS``) take seconds in rdflib and milliseconds in Oxigraph.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from functools import lru_cache
from pathlib import Path

import pyoxigraph as ox
from pyshacl import validate as shacl_validate
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, XSD, NamespaceManager
from rdflib.term import Node

from politiraad_graph.namespaces import GRAPH, ID, POLSH, SH, bind_prefixes

CHECKS_DIR = Path(__file__).resolve().parent / "checks"
"""Where the packaged ``*-violation.rq`` data checks live."""

SEVERITIES: dict[Node, str] = {SH.Violation: "Violation", SH.Warning: "Warning", SH.Info: "Info"}


@dataclass(frozen=True)
class ValidationResult:
    """One finding: a node that breaks a shape or a data check."""

    severity: str
    focus_node: str
    path: str | None
    value: str | None
    source_shape: str
    message: str
    message_nb: str | None
    message_en: str | None
    source_file: str | None


@dataclass(frozen=True)
class ValidationReport:
    """The outcome of :func:`validate`: whether the data conforms, and every finding."""

    conforms: bool
    results: tuple[ValidationResult, ...]

    def count(self, severity: str) -> int:
        """Return how many results have the given severity ("Violation", "Warning", "Info")."""
        return sum(1 for result in self.results if result.severity == severity)

    def to_json(self) -> str:
        """Return the report as a JSON document.

        >>> ValidationReport(True, ()).to_json()
        '{"conforms": true, "results": []}'
        """
        document = {"conforms": self.conforms, "results": [asdict(r) for r in self.results]}
        return json.dumps(document, ensure_ascii=False)

    def to_text(self) -> str:
        """Return the report as readable text: one block per result, then a summary line.

        >>> print(ValidationReport(True, ()).to_text())
        Conforms: 0 violations, 0 warnings, 0 infos.
        """
        names = _namespace_manager()
        blocks = []
        for result in self.results:
            lines = [f"{result.severity}: {result.source_file or '(no file)'}"]
            lines.append(f"  focus:   {_compact(result.focus_node, names)}")
            if result.path:
                lines.append(f"  path:    {_compact(result.path, names)}")
            if result.value:
                lines.append(f"  value:   {_compact(result.value, names)}")
            lines.append(f"  shape:   {_compact(result.source_shape, names)}")
            lines.append(f"  message: {result.message}")
            blocks.append("\n".join(lines))
        verdict = "Conforms" if self.conforms else "Does not conform"
        summary = (
            f"{verdict}: {self.count('Violation')} violations, {self.count('Warning')} warnings, "
            f"{self.count('Info')} infos."
        )
        return "\n\n".join([*blocks, summary])


def default_project_root() -> Path:
    """Return the repository root: the folder that holds the package, ``shapes/`` and ``data/``."""
    return Path(__file__).resolve().parent.parent


def load_shapes(project_root: Path | None = None) -> Graph:
    """Load every ``shapes/*.ttl`` file of the project into one shapes graph."""
    root = project_root or default_project_root()
    shapes = Graph()
    for path in sorted((root / "shapes").glob("*.ttl")):
        shapes.parse(path, format="turtle")
    return bind_prefixes(shapes)


def check_files(checks_dir: Path = CHECKS_DIR) -> list[Path]:
    """List the data checks: every ``*-violation.rq`` in ``checks_dir``."""
    return sorted(checks_dir.glob("*-violation.rq"))


def validate(
    data: Graph | Dataset,
    *,
    shapes: Graph | None = None,
    ontology: Graph | None = None,
    project_root: Path | None = None,
    checks: Sequence[Path] | None = None,
    source_files: Mapping[str, str] | None = None,
) -> ValidationReport:
    """Validate ``data`` against the SHACL shapes and the SPARQL data checks.

    ``data`` is one graph, or a dataset whose named graphs are validated together (their union);
    a dataset also lets the checks that need ``graph/reference`` run. ``shapes`` defaults to
    ``<project_root>/shapes/*.ttl``; ``checks`` defaults to every packaged ``*-violation.rq``
    (pass ``()`` for none). ``source_files`` maps a focus node's IRI to the file it comes from,
    and fills in each result's ``source_file``. The caller's graphs are never modified.
    """
    root = project_root or default_project_root()
    shapes_graph = shapes if shapes is not None else load_shapes(root)
    union = _union(data, ontology)
    results = _shacl_results(union, shapes_graph) if _has_shapes(shapes_graph) else []
    queries = check_files() if checks is None else list(checks)
    if queries:
        results += _check_results(_check_store(data, ontology), queries)
    if source_files:
        results = [_with_file(r, source_files) for r in results]
    ordered = tuple(sorted(set(results), key=_sort_key))
    return ValidationReport(
        conforms=not any(r.severity == "Violation" for r in ordered), results=ordered
    )


def _union(data: Graph | Dataset, ontology: Graph | None) -> Graph:
    """Return one graph with every triple of ``data`` (and ``ontology``), never the caller's."""
    union = Graph()
    if isinstance(data, Dataset):
        for graph in data.graphs():
            union += graph
    else:
        union += data
    if ontology is not None:
        union += ontology
    return union


def _has_shapes(shapes: Graph) -> bool:
    return (None, RDF.type, SH.NodeShape) in shapes or (None, SH.property, None) in shapes


def _shacl_results(union: Graph, shapes: Graph) -> list[ValidationResult]:
    # inplace: the union is our own copy, and there are no SHACL rules that would change it.
    _, report, _ = shacl_validate(
        union,
        shacl_graph=shapes,
        inference="none",
        advanced=True,
        inplace=True,
        allow_warnings=True,
    )
    assert isinstance(report, Graph)
    parents = {prop: shape for shape, prop in shapes.subject_objects(SH.property)}
    results = []
    for node in report.objects(None, SH.result):  # not the nested sh:detail results
        shape = report.value(node, SH.sourceShape)
        while shape in parents:
            shape = parents[shape]
        path = report.value(node, SH.resultPath)
        value = report.value(node, SH.value)
        nb, en, other = _messages(report.objects(node, SH.resultMessage))
        results.append(
            ValidationResult(
                severity=_severity(report.value(node, SH.resultSeverity)),
                focus_node=_term(report.value(node, SH.focusNode)),
                path=_path_text(report, path) if path is not None else None,
                value=_term(value) if value is not None else None,
                source_shape=_term(shape),
                message=en or nb or other or "",
                message_nb=nb,
                message_en=en or other,
                source_file=None,
            )
        )
    return results


def _severity(node: Node | None) -> str:
    return SEVERITIES.get(node, "Violation") if node is not None else "Violation"


def _messages(literals: Iterable[Node]) -> tuple[str | None, str | None, str | None]:
    """Split result messages into (bokmål, English, untagged); pySHACL's own are untagged."""
    nb = en = other = None
    for literal in literals:
        if not isinstance(literal, Literal):
            continue
        if literal.language == "nb":
            nb = str(literal)
        elif literal.language == "en":
            en = str(literal)
        else:
            other = str(literal)
    return nb, en, other


def _path_text(graph: Graph, path: Node) -> str:
    """Render a SHACL property path: an IRI as is, any other path in SPARQL syntax.

    >>> g = Graph().parse(data="[] <urn:p> ( <urn:a> <urn:b> ) .", format="turtle")
    >>> _path_text(g, next(g.objects(None, URIRef("urn:p"))))
    '<urn:a>/<urn:b>'
    """
    if isinstance(path, URIRef):
        return str(path)
    return _sparql_path(graph, path)


def _sparql_path(graph: Graph, path: Node) -> str:
    if isinstance(path, URIRef):
        return f"<{path}>"
    alternatives = graph.value(path, SH.alternativePath)
    if alternatives is not None:
        return "|".join(_sparql_path(graph, p) for p in Collection(graph, alternatives))
    inverse = graph.value(path, SH.inversePath)
    if inverse is not None:
        return "^" + _sparql_path(graph, inverse)
    for predicate, suffix in (
        (SH.zeroOrMorePath, "*"),
        (SH.oneOrMorePath, "+"),
        (SH.zeroOrOnePath, "?"),
    ):
        inner = graph.value(path, predicate)
        if inner is not None:
            return f"({_sparql_path(graph, inner)}){suffix}"
    if graph.value(path, RDF.first) is not None:
        return "/".join(_sparql_path(graph, p) for p in Collection(graph, path))
    return _term(path)


def _term(node: Node | None) -> str:
    """Render a term: an IRI as is, a blank node as ``_:id``, a literal in Turtle syntax."""
    if isinstance(node, Literal):
        return node.n3(_namespace_manager())
    if isinstance(node, BNode):
        return f"_:{node}"
    return str(node)


def _check_store(data: Graph | Dataset, ontology: Graph | None) -> ox.Store:
    """Copy the data into an Oxigraph store for the checks, every graph under its own name.

    rdflib's SPARQL engine takes seconds on the checks that look for what is missing (FILTER NOT
    EXISTS); Oxigraph takes milliseconds, and copying the data into it tens of milliseconds.
    Everything goes into named graphs, so that the union default graph holds all of it.
    """
    graphs: list[tuple[str, Graph]] = []
    if isinstance(data, Dataset):
        graphs += [(str(g.identifier), g) for g in data.graphs()]
    else:
        graphs.append((_PLAIN_GRAPH, data))
    if ontology is not None:
        graphs.append((str(GRAPH.ontology), ontology))
    terms: dict[Node, ox.NamedNode | ox.BlankNode | ox.Literal] = {}

    def convert(term: Node) -> ox.NamedNode | ox.BlankNode | ox.Literal:
        found = terms.get(term)
        if found is None:
            found = terms[term] = _ox(term)
        return found

    quads = []
    for name, graph in graphs:
        context = ox.NamedNode(name)
        quads += [ox.Quad(convert(s), convert(p), convert(o), context) for s, p, o in graph]  # type: ignore[arg-type]
    store = ox.Store()
    store.bulk_extend(quads)
    return store


_PLAIN_GRAPH = "urn:x-politiraad:data"


def _ox(term: Node) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise TypeError(f"not an RDF term: {term!r}")


def _from_ox(term: object) -> str | None:
    """Render an Oxigraph term as :func:`_term` renders the rdflib one."""
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return term.value
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, ox.Literal):
        datatype = URIRef(term.datatype.value) if not term.language else None
        if datatype == XSD.string:
            datatype = None
        return _term(Literal(term.value, lang=term.language, datatype=datatype))
    return str(term)


def _check_results(store: ox.Store, queries: Sequence[Path]) -> list[ValidationResult]:
    results = []
    for path in queries:
        shape = str(POLSH[path.stem])
        solutions = store.query(path.read_text(encoding="utf-8"), use_default_graph_as_union=True)
        assert isinstance(solutions, ox.QuerySolutions), f"{path.name} is not a SELECT query"
        names = {variable.value for variable in solutions.variables}
        for row in solutions:
            message = _literal_text(row["message"]) if "message" in names else None
            message_nb = _literal_text(row["message_nb"]) if "message_nb" in names else None
            results.append(
                ValidationResult(
                    severity="Violation",
                    focus_node=_from_ox(row["focus"]) or "",
                    path=_from_ox(row["path"]) if "path" in names else None,
                    value=_from_ox(row["value"]) if "value" in names else None,
                    source_shape=shape,
                    message=message or message_nb or path.stem,
                    message_nb=message_nb,
                    message_en=message,
                    source_file=None,
                )
            )
    return results


def _literal_text(term: object) -> str | None:
    return term.value if isinstance(term, ox.Literal) else None


def _with_file(result: ValidationResult, files: Mapping[str, str]) -> ValidationResult:
    found = files.get(result.focus_node)
    if found is None and "#" in result.focus_node:  # a passage: the file of its source text
        found = files.get(result.focus_node.split("#", 1)[0])
    if found is None:
        return result
    return ValidationResult(**{**asdict(result), "source_file": str(found)})


def _sort_key(result: ValidationResult) -> tuple[str, ...]:
    return (
        result.source_file or "",
        result.focus_node,
        result.source_shape,
        result.path or "",
        result.message,
        result.value or "",
    )


@lru_cache(maxsize=1)
def _namespace_manager() -> NamespaceManager:
    return bind_prefixes(Graph()).namespace_manager


def _compact(text: str, names: NamespaceManager) -> str:
    """Shorten IRIs for reading: ``<meeting/...>`` for our things, ``prefix:name`` otherwise.

    >>> names = _namespace_manager()
    >>> _compact("https://w3id.org/politiraad/id/meeting/2023-01-13", names)
    '<meeting/2023-01-13>'
    >>> _compact("<http://purl.org/dc/terms/title>|<https://schema.org/name>", names)
    'dcterms:title|schema:name'
    """
    if text.startswith("<") or "|" in text or text.startswith("^"):
        return re.sub(r"<([^<>\s]+)>", lambda m: _compact(m.group(1), names), text)
    if text.startswith(str(ID)):
        return f"<{text[len(str(ID)) :]}>"
    if text.startswith(("http://", "https://", "urn:")) and " " not in text:
        compact = names.normalizeUri(URIRef(text))
        return compact if not compact.startswith("<") else text
    return text
