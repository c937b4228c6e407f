"""The SHACL shapes, the SPARQL data checks, validate(), and the curated data against them all.

Every node shape and every data check has a valid and an invalid fixture under
``tests/data/shapes/<ShapeName>/`` and ``tests/data/checks/<check-name>/`` (see
``tests/data/README.md``). The valid fixture must give no result at all; the invalid one must
give exactly the results its embedded ``sh:ValidationReport`` expects, compared as a set of
(focus node, source shape, severity), where the source shape is always the node shape (a
property shape's result counts for the node shape that declares it).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, XSD
from rdflib.term import Node

from politiraad_graph.namespaces import GRAPH, ID, POLSH, SH
from politiraad_graph.validate import (
    ValidationReport,
    ValidationResult,
    check_files,
    default_project_root,
    load_shapes,
    validate,
)

ROOT = default_project_root()
FIXTURES = Path(__file__).parent / "data"
SHAPE_FIXTURES = FIXTURES / "shapes"
CHECK_FIXTURES = FIXTURES / "checks"
NO_CHECKS: tuple[Path, ...] = ()

Expected = set[tuple[str, str, str]]


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return load_shapes(ROOT)


def target_shapes(shapes: Graph) -> set[URIRef]:
    """Node shapes that select focus nodes themselves (every shape we name polsh:<Class>_Shape)."""
    found = set()
    for predicate in (SH.targetClass, SH.target, SH.targetNode, SH.targetSubjectsOf):
        found |= {s for s in shapes.subjects(predicate, None) if isinstance(s, URIRef)}
    return found


def shape_subgraph(shapes: Graph, shape: URIRef) -> Graph:
    """Return the triples of one node shape: itself and every blank node it reaches."""
    sub = Graph()
    todo: list[Node] = [shape]
    seen: set[Node] = set()
    while todo:
        node = todo.pop()
        if node in seen:
            continue
        seen.add(node)
        for predicate, value in shapes.predicate_objects(node):
            sub.add((node, predicate, value))
            if isinstance(value, BNode) or (
                isinstance(value, URIRef) and value.startswith(str(POLSH))
            ):
                todo.append(value)
    return sub


def load_fixture(path: Path) -> tuple[Graph | Dataset, Expected]:
    """Parse a fixture; take out its expected report and return (data, expected results)."""
    if path.suffix == ".trig":
        dataset = _parse_trig(path)
        return dataset, _take_expected(dataset.default_graph)
    graph = Graph()
    graph.parse(path, format="turtle", publicID=str(ID))
    return graph, _take_expected(graph)


def _parse_trig(path: Path) -> Dataset:
    """Parse TriG with Oxigraph: rdflib 7.6's TriG parser warns about its own ConjunctiveGraph."""
    dataset = Dataset()
    for quad in ox.parse(path=path, format=ox.RdfFormat.TRIG, base_iri=str(ID)):
        name = quad.graph_name
        graph = (
            dataset.default_graph
            if isinstance(name, ox.DefaultGraph)
            else dataset.graph(URIRef(name.value))
        )
        graph.add((_rdflib(quad.subject), _rdflib(quad.predicate), _rdflib(quad.object)))
    return dataset


def _rdflib(term: object) -> URIRef | BNode | Literal:
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    assert isinstance(term, ox.Literal), term
    if term.language:
        return Literal(term.value, lang=term.language)
    datatype = None if term.datatype == ox.NamedNode(str(XSD.string)) else term.datatype.value
    return Literal(term.value, datatype=datatype)


def _take_expected(graph: Graph) -> Expected:
    expected: Expected = set()
    for report in list(graph.subjects(RDF.type, SH.ValidationReport)):
        for result in list(graph.objects(report, SH.result)):
            severity = graph.value(result, SH.resultSeverity, default=SH.Violation)
            expected.add(
                (
                    str(graph.value(result, SH.focusNode)),
                    str(graph.value(result, SH.sourceShape)),
                    str(severity).rsplit("#", 1)[-1],
                )
            )
            graph.remove((result, None, None))
        graph.remove((report, None, None))
    return expected


def found(report: ValidationReport) -> Expected:
    return {(r.focus_node, r.source_shape, r.severity) for r in report.results}


def fixture_file(folder: Path, kind: str) -> Path:
    matches = sorted(folder.glob(f"{kind}.*"))
    assert len(matches) == 1, f"{folder} needs exactly one {kind}.ttl or {kind}.trig"
    return matches[0]


SHAPE_NAMES = sorted(p.name for p in SHAPE_FIXTURES.iterdir() if p.is_dir())
CHECK_NAMES = sorted(p.name for p in CHECK_FIXTURES.iterdir() if p.is_dir())


# --- the shapes themselves ---------------------------------------------------------------------


def test_every_node_shape_has_fixtures(shapes: Graph) -> None:
    named = {str(s).removeprefix(str(POLSH)) for s in target_shapes(shapes)}
    assert named == set(SHAPE_NAMES)


def test_every_check_has_fixtures() -> None:
    assert {p.stem for p in check_files()} == set(CHECK_NAMES)


def test_node_shapes_are_named_and_labelled_in_both_languages(shapes: Graph) -> None:
    for shape in target_shapes(shapes):
        assert re.fullmatch(re.escape(str(POLSH)) + r"[A-Z][A-Za-z]*_Shape", str(shape)), shape
        labels = shapes.objects(shape, RDFS.label)
        languages = {label.language for label in labels if isinstance(label, Literal)}
        assert {"nb", "en"} <= languages, f"{shape} needs rdfs:label @nb and @en"


def _has_both_messages(shapes: Graph, shape: Node) -> bool:
    messages = [m for m in shapes.objects(shape, SH.message) if isinstance(m, Literal)]
    return {"nb", "en"} <= {m.language for m in messages}


def test_every_property_shape_has_a_message_in_bokmal_and_english(shapes: Graph) -> None:
    missing = [
        (str(node), str(shapes.value(prop, SH.path)))
        for node, prop in shapes.subject_objects(SH.property)
        if not _has_both_messages(shapes, prop)
    ]
    assert missing == []


def test_node_level_constraints_have_messages_in_bokmal_and_english(shapes: Graph) -> None:
    node_level = (SH.pattern, SH["class"], SH.nodeKind, SH["in"])
    for shape in target_shapes(shapes):
        if any((shape, p, None) in shapes for p in node_level):
            assert _has_both_messages(shapes, shape), shape


def test_recommendations_are_warnings_or_infos_and_the_rest_are_violations() -> None:
    for path in sorted((ROOT / "shapes").glob("*.ttl")):
        severities = set(Graph().parse(path, format="turtle").objects(None, SH.severity))
        if path.name == "recommendations.ttl":
            assert severities and severities <= {SH.Warning, SH.Info}, path.name
        else:
            assert severities <= {SH.Violation}, path.name


def test_checks_return_focus_and_messages_in_both_languages() -> None:
    store = ox.Store()
    for path in check_files():
        solutions = store.query(path.read_text(encoding="utf-8"))
        assert isinstance(solutions, ox.QuerySolutions), path.name
        names = {v.value for v in solutions.variables}
        assert {"focus", "message", "message_nb"} <= names, path.name


# --- one valid and one invalid case per shape and per check ------------------------------------


@pytest.mark.parametrize("name", SHAPE_NAMES)
def test_shape_valid_fixture_conforms(shapes: Graph, name: str) -> None:
    data, expected = load_fixture(fixture_file(SHAPE_FIXTURES / name, "valid"))
    assert expected == set()
    report = validate(data, shapes=shape_subgraph(shapes, POLSH[name]), checks=NO_CHECKS)
    assert report.results == (), report.to_text()
    assert report.conforms


@pytest.mark.parametrize("name", SHAPE_NAMES)
def test_shape_invalid_fixture_gives_exactly_the_expected_results(shapes: Graph, name: str) -> None:
    data, expected = load_fixture(fixture_file(SHAPE_FIXTURES / name, "invalid"))
    assert expected, "an invalid fixture must say which results it expects"
    report = validate(data, shapes=shape_subgraph(shapes, POLSH[name]), checks=NO_CHECKS)
    assert found(report) == expected, report.to_text()
    assert report.conforms == (not any(e[2] == "Violation" for e in expected))


def _check(name: str) -> list[Path]:
    return [p for p in check_files() if p.stem == name]


@pytest.mark.parametrize("name", CHECK_NAMES)
def test_check_valid_fixture_gives_no_rows(name: str) -> None:
    data, expected = load_fixture(fixture_file(CHECK_FIXTURES / name, "valid"))
    assert expected == set()
    report = validate(data, shapes=Graph(), checks=_check(name))
    assert report.results == (), report.to_text()


@pytest.mark.parametrize("name", CHECK_NAMES)
def test_check_invalid_fixture_gives_exactly_the_expected_rows(name: str) -> None:
    data, expected = load_fixture(fixture_file(CHECK_FIXTURES / name, "invalid"))
    assert expected
    report = validate(data, shapes=Graph(), checks=_check(name))
    assert found(report) == expected, report.to_text()
    for result in report.results:
        assert result.message_en and result.message_nb, result


def test_reference_check_needs_named_graphs() -> None:
    """A plain graph cannot tell reference data from meeting data: the check stays silent."""
    dataset, _ = load_fixture(CHECK_FIXTURES / "not-in-reference-violation" / "invalid.trig")
    assert isinstance(dataset, Dataset)
    flat = Graph()
    for graph in dataset.graphs():
        flat += graph
    report = validate(flat, shapes=Graph(), checks=_check("not-in-reference-violation"))
    assert report.results == ()


# --- validate(): its return shape and behaviour ------------------------------------------------

_MEETING = """
@base <https://w3id.org/politiraad/id/> .
@prefix pol: <https://w3id.org/politiraad/ontology#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
<meeting/2023-01-13/item/1> a pol:AgendaItem ; pol:meeting <meeting/2023-01-13> ;
    pol:position 1 ; dcterms:title "Sak"@en .
<meeting/2023-01-13> a pol:Meeting .
"""


def _agenda_item_only(shapes: Graph) -> Graph:
    return shape_subgraph(shapes, POLSH.AgendaItem_Shape)


def test_result_names_node_shape_path_value_and_messages(shapes: Graph) -> None:
    data = Graph().parse(data=_MEETING, format="turtle")
    report = validate(data, shapes=_agenda_item_only(shapes), checks=NO_CHECKS)
    assert not report.conforms
    (result,) = report.results
    assert result == ValidationResult(
        severity="Violation",
        focus_node=f"{ID}meeting/2023-01-13/item/1",
        path="http://purl.org/dc/terms/title",
        value='"Sak"@en',
        source_shape=str(POLSH.AgendaItem_Shape),
        message="An agenda item has exactly one dcterms:title in Bokmål (@nb).",
        message_nb="En sak har nøyaktig én dcterms:title på bokmål (@nb).",
        message_en="An agenda item has exactly one dcterms:title in Bokmål (@nb).",
        source_file=None,
    )


def test_source_files_mapping_names_the_file(shapes: Graph) -> None:
    data = Graph().parse(data=_MEETING, format="turtle")
    files = {f"{ID}meeting/2023-01-13/item/1": "data/meetings/2023-01-13.ttl"}
    report = validate(data, shapes=_agenda_item_only(shapes), checks=NO_CHECKS, source_files=files)
    assert [r.source_file for r in report.results] == ["data/meetings/2023-01-13.ttl"]
    text = report.to_text()
    assert "Violation: data/meetings/2023-01-13.ttl" in text
    assert "focus:   <meeting/2023-01-13/item/1>" in text
    assert "path:    dcterms:title" in text
    assert "shape:   polsh:AgendaItem_Shape" in text
    assert text.endswith("Does not conform: 1 violations, 0 warnings, 0 infos.")


def test_to_json_round_trips(shapes: Graph) -> None:
    data = Graph().parse(data=_MEETING, format="turtle")
    report = validate(data, shapes=_agenda_item_only(shapes), checks=NO_CHECKS)
    document = json.loads(report.to_json())
    assert document["conforms"] is False
    assert [ValidationResult(**r) for r in document["results"]] == list(report.results)


def test_warnings_and_infos_do_not_break_conformance(shapes: Graph) -> None:
    data, _ = load_fixture(SHAPE_FIXTURES / "Programme_Shape" / "invalid.ttl")
    only_warning = Graph()
    assert isinstance(data, Graph)
    for triple in data.triples((URIRef(f"{ID}programme/no-en"), None, None)):
        only_warning.add(triple)
    report = validate(
        only_warning, shapes=shape_subgraph(shapes, POLSH.Programme_Shape), checks=NO_CHECKS
    )
    assert [r.severity for r in report.results] == ["Warning"]
    assert report.conforms


def test_default_shapes_and_checks_come_from_the_project(shapes: Graph) -> None:
    data = Graph().parse(data=_MEETING, format="turtle")
    report = validate(data, project_root=ROOT)
    shapes_fired = {r.source_shape for r in report.results}
    assert str(POLSH.AgendaItem_Shape) in shapes_fired  # from shapes/*.ttl
    assert str(POLSH.Fact_Shape) in shapes_fired  # no evidence
    assert str(POLSH["dangling-reference-violation"]) not in shapes_fired
    assert len(shapes) > 0


def test_the_callers_graphs_are_left_alone(shapes: Graph) -> None:
    data = Graph().parse(data=_MEETING, format="turtle")
    ontology = Graph().parse(ROOT / "ontology" / "politiraad.ttl", format="turtle")
    before = (len(data), len(ontology))
    validate(data, shapes=shapes, ontology=ontology)
    assert (len(data), len(ontology)) == before


# --- the curated data --------------------------------------------------------------------------


def load_curated(root: Path) -> tuple[Dataset, Graph, dict[str, str]]:
    """Load data/reference and data/meetings into their named graphs, as the build does."""
    dataset = Dataset()
    files: dict[str, str] = {}
    reference = sorted((root / "data" / "reference").glob("*.ttl"))
    meetings = sorted((root / "data" / "meetings").glob("*.ttl"))
    assert reference and meetings, "no curated data under data/reference and data/meetings"
    for path in reference + meetings:
        name = GRAPH.reference if path in reference else GRAPH[f"meeting/{path.name[:10]}"]
        graph = Graph().parse(path, format="turtle", publicID=str(ID))
        dataset.graph(name).__iadd__(graph)
        for subject in set(graph.subjects()):
            files.setdefault(str(subject), str(path.relative_to(root)))
    ontology = Graph()
    for path in sorted((root / "ontology").glob("*.ttl")):
        ontology.parse(path, format="turtle")
    return dataset, ontology, files


def test_curated_data_conforms(shapes: Graph) -> None:
    dataset, ontology, files = load_curated(ROOT)
    report = validate(dataset, shapes=shapes, ontology=ontology, source_files=files)
    violations = ValidationReport(
        conforms=report.conforms,
        results=tuple(r for r in report.results if r.severity == "Violation"),
    )
    assert report.conforms, violations.to_text()
