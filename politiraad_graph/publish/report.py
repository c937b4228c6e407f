"""The SHACL validation report of a release: the public graph checked against our shapes.

The report is published as a distribution: ``report.ttl`` (a ``sh:ValidationReport``),
``report.json``, ``report.txt`` and ``report.html``. It is made from the public graph, so it
can only name what the release itself contains.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict
from pathlib import Path

from rdflib import Dataset, Graph, URIRef
from rdflib.util import from_n3

from politiraad_graph.namespaces import GRAPH
from politiraad_graph.publish.dataset import PublicDataset, parse_terms
from politiraad_graph.publish.rdfwrite import Statements, q, text, typed
from politiraad_graph.store.oxigraph import to_oxigraph, to_rdflib
from politiraad_graph.validate import ValidationReport, validate


def rdflib_dataset(data: PublicDataset) -> Dataset:
    """The public dataset as an rdflib Dataset, one graph per named graph."""
    dataset = Dataset()
    graphs: dict[str, Graph] = {}
    for quad in parse_terms(data.quads):
        name = quad.graph_name
        key = getattr(name, "value", "")
        graph = graphs.get(key)
        if graph is None:
            graph = dataset.graph(URIRef(key)) if key else dataset.default_graph
            graphs[key] = graph
        graph.add((to_rdflib(quad.subject), to_rdflib(quad.predicate), to_rdflib(quad.object)))
    return dataset


def validate_public(data: PublicDataset, project_root: Path) -> ValidationReport:
    """Validate the public dataset with the project's shapes and data checks."""
    return _validate(rdflib_dataset(data), project_root)


def validate_dump(dump: str, project_root: str) -> ValidationReport:
    """Validate a release's N-Quads dump: run in a process of its own, beside the rest."""
    from politiraad_graph.publish.dataset import load_file

    dataset = Dataset()
    graphs: dict[str, Graph] = {}
    for quad in load_file(Path(dump)):
        key = getattr(quad.graph_name, "value", "")
        graph = graphs.get(key)
        if graph is None:
            graph = dataset.graph(URIRef(key)) if key else dataset.default_graph
            graphs[key] = graph
        graph.add((to_rdflib(quad.subject), to_rdflib(quad.predicate), to_rdflib(quad.object)))
    return _validate(dataset, Path(project_root))


def _validate(dataset: Dataset, project_root: Path) -> ValidationReport:
    ontology = dataset.graph(URIRef(str(GRAPH.ontology)))
    return validate(
        dataset, ontology=ontology if len(ontology) else None, project_root=project_root
    )


def _term(value: str) -> str | None:
    """The N-Triples form of a term the report gives as text, if it can be read back."""
    try:
        if value.startswith(("http://", "https://", "urn:")):
            return f"<{value}>"
        node = from_n3(value)
        return str(to_oxigraph(node)) if node is not None else None  # type: ignore[arg-type]
    except Exception:  # a value rdflib cannot read back stays in the JSON and text forms only
        return None


def report_statements(report: ValidationReport, node: str) -> Statements:
    """The report as a ``sh:ValidationReport`` with one ``sh:ValidationResult`` per finding."""
    out = Statements()
    root = f"<{node}>"
    out.a(root, "sh:ValidationReport")
    out.add(root, q("sh:conforms"), typed("true" if report.conforms else "false", "xsd:boolean"))
    for result in report.results:
        key = json.dumps(asdict(result), sort_keys=True, ensure_ascii=False)
        item = f"<{node}-result-{hashlib.sha256(key.encode()).hexdigest()[:20]}>"
        out.add(root, q("sh:result"), item)
        out.a(item, "sh:ValidationResult")
        out.add(item, q("sh:resultSeverity"), q(f"sh:{result.severity}"))
        focus = _term(result.focus_node)
        if focus:
            out.add(item, q("sh:focusNode"), focus)
        if (
            result.path
            and result.path.startswith(("http://", "https://"))
            and "|" not in result.path
        ):
            out.add(item, q("sh:resultPath"), f"<{result.path}>")
        if result.value:
            value = _term(result.value)
            if value:
                out.add(item, q("sh:value"), value)
        out.add(item, q("sh:sourceShape"), f"<{result.source_shape}>")
        if result.message_nb:
            out.add(item, q("sh:resultMessage"), text(result.message_nb, "nb"))
        if result.message_en:
            out.add(item, q("sh:resultMessage"), text(result.message_en, "en"))
        if not (result.message_nb or result.message_en):
            out.add(item, q("sh:resultMessage"), text(result.message))
    return out


def report_json(report: ValidationReport) -> str:
    return (
        json.dumps(json.loads(report.to_json()), ensure_ascii=False, indent=1, sort_keys=True)
        + "\n"
    )
