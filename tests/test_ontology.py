"""The ontology is complete, bilingual and the single source of truth for ``pol:`` terms."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from functools import cache
from pathlib import Path
from typing import TypeGuard

import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS, XSD, Namespace
from rdflib.paths import Path as PropertyPath
from rdflib.plugins.sparql import prepareQuery
from rdflib.term import Node

from politiraad_graph import namespaces, vocab
from politiraad_graph.namespaces import BESLUIT, MANDAAT, OPARL, PREFIXES, SH, VANN
from politiraad_graph.tools import gen_vocab

ROOT = Path(__file__).resolve().parents[1]
ONTOLOGY = ROOT / "ontology" / "politiraad.ttl"
ALIGNMENTS = ROOT / "ontology" / "alignments.ttl"
CODE_LISTS = ROOT / "data" / "reference" / "code-lists.ttl"
ID_BASE = "https://w3id.org/politiraad/id/"

POL = Namespace(str(vocab.POL))
ONTOLOGY_IRI = URIRef("https://w3id.org/politiraad/ontology")
KINDS = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty)
MAPPINGS = (
    SKOS.exactMatch,
    SKOS.closeMatch,
    SKOS.broadMatch,
    SKOS.narrowMatch,
    SKOS.relatedMatch,
    OWL.equivalentClass,
    OWL.equivalentProperty,
    RDFS.subClassOf,
    RDFS.subPropertyOf,
)

# The superclasses that docs/model.md names for each class: the contract, restated.
MODEL_SUPERCLASSES: dict[str, set[str]] = {
    "Fact": {"http://www.w3.org/ns/prov#Entity"},
    "Council": {"http://www.w3.org/ns/org#FormalOrganization"},
    "Meeting": {"https://schema.org/Event", str(POL.Fact)},
    "AgendaItem": {str(POL.Fact)},
    "Participation": {str(POL.Fact)},
    "PostHolding": {str(POL.Fact)},
    "Decision": {str(POL.Fact)},
    "FollowUpPoint": {str(POL.Fact)},
    "StatusUpdate": {str(POL.Fact)},
    "MonetaryAmount": {"https://schema.org/MonetaryAmount", str(POL.Fact)},
    "Incident": {str(POL.Fact)},
    "Mention": {str(POL.Fact)},
    "PriorityAreaEffort": {str(POL.Fact)},
    "Programme": {"http://www.w3.org/ns/prov#Entity"},
    "Document": {"http://xmlns.com/foaf/0.1/Document"},
    "PlanDocument": {str(POL.Document)},
    "Plan": {str(POL.PlanDocument)},
    "Agreement": {str(POL.PlanDocument)},
    "SourceDocument": {str(POL.Document)},
    "Passage": {
        "http://www.w3.org/ns/oa#TextQuoteSelector",
        "http://www.w3.org/ns/oa#TextPositionSelector",
    },
}

# The code lists of docs/reference-uris.md and docs/model.md, scheme by scheme.
CODE_LIST_SLUGS: dict[str, set[str]] = {
    "meeting-type": {"ordinary", "extraordinary", "seminar"},
    "meeting-status": {"held", "planned"},
    "meeting-role": {"member", "observer", "invited", "case-officer", "other-participant"},
    "decision-type": {
        "approved",
        "adopted",
        "signed",
        "noted",
        "deferred",
        "scheduled-for-approval",
    },
    "followup-status": {"not-started", "in-progress", "continuous", "completed"},
    "effort-status": {"new", "continued", "started-2025"},
    "access-rights": {"public", "exempt"},
}

# Foreign terms the alignments may name, as checked against the published vocabularies;
# a typo in a foreign IRI would otherwise go unnoticed.
KNOWN_FOREIGN_TERMS = {
    BESLUIT[name]
    for name in (
        "Zitting",
        "Agendapunt",
        "BehandelingVanAgendapunt",
        "Besluit",
        "Bestuursorgaan",
        "isGehoudenDoor",
        "heeftNotulen",
    )
} | {MANDAAT[name] for name in ("Mandataris", "Mandaat")}
KNOWN_FOREIGN_TERMS |= {
    OPARL[name]
    for name in (
        "Meeting",
        "AgendaItem",
        "Membership",
        "Person",
        "Organization",
        "Paper",
        "File",
        "Consultation",
    )
}
CHECKED_NAMESPACES = (str(BESLUIT), str(MANDAAT), str(OPARL))


@cache
def _parse(path: Path) -> Graph:
    return Graph().parse(path, format="turtle")


def _ontology() -> Graph:
    return _parse(ONTOLOGY)


def _ours(node: object) -> TypeGuard[URIRef]:
    return isinstance(node, URIRef) and node.startswith(str(POL)) and node != URIRef(str(POL))


@cache
def _declared() -> dict[URIRef, set[URIRef]]:
    """Map every declared pol: term to its kinds (owl:Class, owl:ObjectProperty ...)."""
    graph = _ontology()
    kinds: dict[URIRef, set[URIRef]] = {}
    for kind in KINDS:
        for term in graph.subjects(RDF.type, kind):
            if _ours(term):
                kinds.setdefault(term, set()).add(kind)
    return kinds


def _graph_iris(graph: Graph) -> Iterator[URIRef]:
    for triple in graph:
        for node in triple:
            if isinstance(node, URIRef):
                yield node
            elif isinstance(node, Literal) and node.datatype is not None:
                yield node.datatype


def _query_iris(node: object) -> Iterator[URIRef]:
    """Yield every IRI in a translated SPARQL algebra tree."""
    if isinstance(node, URIRef):
        yield node
    elif isinstance(node, Literal):
        if node.datatype is not None:
            yield node.datatype
    elif isinstance(node, str | bytes | int | float | bool) or node is None:
        return
    elif isinstance(node, PropertyPath):
        yield from _query_iris(vars(node))
    elif isinstance(node, Mapping):
        for value in node.values():
            yield from _query_iris(value)
    elif isinstance(node, Iterable):
        for value in node:
            yield from _query_iris(value)


def _sparql_iris(text: str, prefixes: Mapping[str, str] | None = None) -> set[URIRef]:
    # Queries may leave out PREFIX lines: the code adds sparql_prologue() in front of them.
    known = {**PREFIXES, **(prefixes or {})}
    return set(_query_iris(prepareQuery(text, initNs=known).algebra))


def _files(*patterns: str) -> list[Path]:
    return sorted(path for pattern in patterns for path in ROOT.glob(pattern) if path.is_file())


def _ids(paths: list[Path]) -> list[str]:
    return [str(path.relative_to(ROOT)) for path in paths]


# Files other work is adding right now are picked up as they appear.
TURTLE_FILES = _files("data/**/*.ttl", "shapes/**/*.ttl")
QUERY_FILES = _files("politiraad_graph/**/*.rq")
DATA_FILES = _files("data/**/*.ttl")


def _is_iri(node: object) -> TypeGuard[URIRef]:
    return isinstance(node, URIRef)


def _languages(graph: Graph, subject: Node, predicate: URIRef) -> list[str | None]:
    return [
        o.language if isinstance(o, Literal) else None for o in graph.objects(subject, predicate)
    ]


def _missing_bilingual(graph: Graph, subject: Node, predicate: URIRef) -> list[str]:
    languages = _languages(graph, subject, predicate)
    return [
        f"{subject}: {graph.qname(predicate)} @{lang} x{languages.count(lang)}"
        for lang in ("nb", "en")
        if languages.count(lang) != 1
    ]


def test_ontology_and_alignments_parse() -> None:
    assert len(_ontology()) > 0
    assert len(_parse(ALIGNMENTS)) > 0


def test_ontology_has_version_licence_title_and_prefix() -> None:
    graph = _ontology()
    assert (ONTOLOGY_IRI, RDF.type, OWL.Ontology) in graph
    version_iri = graph.value(ONTOLOGY_IRI, OWL.versionIRI)
    version = graph.value(ONTOLOGY_IRI, OWL.versionInfo)
    assert version is not None
    assert version_iri == URIRef(f"{ONTOLOGY_IRI}/{version}")
    assert graph.value(ONTOLOGY_IRI, DCTERMS.license) == URIRef(
        "http://creativecommons.org/licenses/by/4.0/"
    )
    assert _missing_bilingual(graph, ONTOLOGY_IRI, DCTERMS.title) == []
    assert graph.value(ONTOLOGY_IRI, VANN.preferredNamespacePrefix) == Literal("pol")


def test_every_pol_term_in_the_ontology_is_declared_once_as_class_or_property() -> None:
    declared = _declared()
    used = {iri for iri in _graph_iris(_ontology()) if _ours(iri)}
    assert sorted(used - set(declared)) == []
    assert {str(t): k for t, k in declared.items() if len(k) != 1} == {}


def test_every_term_has_labels_and_definitions_in_nb_and_en() -> None:
    graph = _ontology()
    problems: list[str] = []
    for term in sorted(_declared()):
        problems += _missing_bilingual(graph, term, RDFS.label)
        problems += _missing_bilingual(graph, term, SKOS.definition)
        if (term, RDFS.isDefinedBy, ONTOLOGY_IRI) not in graph:
            problems.append(f"{term}: no rdfs:isDefinedBy the ontology")
    assert problems == []


def _is_datatype(graph: Graph, node: Node) -> bool:
    if isinstance(node, BNode):
        return (node, RDF.type, RDFS.Datatype) in graph
    return isinstance(node, URIRef) and (node.startswith(str(XSD)) or node == RDF.langString)


def test_every_property_has_a_domain_and_a_range_of_its_kind() -> None:
    graph = _ontology()
    problems: list[str] = []
    for term, kinds in sorted(_declared().items()):
        if OWL.Class in kinds:
            continue
        domains = list(graph.objects(term, RDFS.domain))
        ranges = list(graph.objects(term, RDFS.range))
        if len(domains) != 1 or len(ranges) != 1:
            problems.append(f"{term}: {len(domains)} domain(s), {len(ranges)} range(s)")
            continue
        if (OWL.DatatypeProperty in kinds) != _is_datatype(graph, ranges[0]):
            problems.append(f"{term}: range {ranges[0]} does not fit its kind")
    assert problems == []


def test_classes_have_the_superclasses_of_the_model() -> None:
    graph = _ontology()
    found = {
        str(term)[len(str(POL)) :]: {
            str(parent)
            for parent in graph.objects(term, RDFS.subClassOf)
            if isinstance(parent, URIRef)
        }
        for term, kinds in _declared().items()
        if OWL.Class in kinds
    }
    assert found == MODEL_SUPERCLASSES


def test_terms_refining_other_vocabularies_say_where_they_come_from() -> None:
    graph = _ontology()
    missing = [
        str(term)
        for term in _declared()
        for predicate in (RDFS.subClassOf, RDFS.subPropertyOf)
        for parent in graph.objects(term, predicate)
        if isinstance(parent, URIRef) and not _ours(parent)
        if graph.value(term, DCTERMS.source) is None
    ]
    assert missing == []


def test_docs_model_names_exactly_the_declared_terms() -> None:
    text = (ROOT / "docs" / "model.md").read_text(encoding="utf-8")
    named = {POL[name] for name in re.findall(r"\bpol:([A-Za-z_]\w*)", text)}
    assert sorted(named - set(_declared())) == [], "named in docs/model.md, not in the ontology"
    assert sorted(set(_declared()) - named) == [], "in the ontology, not in docs/model.md"


def test_vocab_module_is_generated_from_the_current_ontology() -> None:
    annotated = {name for name in vocab.POL.__annotations__ if not name.startswith("_")}
    assert annotated == {str(term)[len(str(POL)) :] for term in _declared()}
    expected = gen_vocab.generate(ONTOLOGY)
    assert Path(vocab.__file__).read_text(encoding="utf-8") == expected, (
        "politiraad_graph/vocab.py is stale: run python -m politiraad_graph.tools.gen_vocab"
    )


def test_namespaces_module_exports_the_closed_vocabulary() -> None:
    assert namespaces.POL is vocab.POL
    assert str(PREFIXES["pol"]) == str(vocab.POL)
    with pytest.raises(AttributeError):
        vocab.POL.Meetng  # noqa: B018


def test_generator_refuses_terms_it_would_drop() -> None:
    graph = Graph()
    graph.add((POL.oddTerm, RDF.type, RDF.Property))
    with pytest.raises(gen_vocab.VocabularyError, match="oddTerm"):
        gen_vocab.collect_terms(graph)
    graph = Graph()
    graph.add((POL.Unlabelled, RDF.type, OWL.Class))
    with pytest.raises(gen_vocab.VocabularyError, match="Unlabelled"):
        gen_vocab.collect_terms(graph)


def test_generator_check_reports_a_stale_module(tmp_path: Path) -> None:
    stale = tmp_path / "vocab.py"
    stale.write_text("# old\n", encoding="utf-8")
    args = ["--ontology", str(ONTOLOGY), "--output", str(stale)]
    assert gen_vocab.main([*args, "--check"]) == gen_vocab.EXIT_STALE
    assert gen_vocab.main(args) == gen_vocab.EXIT_OK
    assert gen_vocab.main([*args, "--check"]) == gen_vocab.EXIT_OK


@pytest.mark.parametrize("path", TURTLE_FILES, ids=_ids(TURTLE_FILES))
def test_pol_terms_in_data_and_shapes_are_declared(path: Path) -> None:
    graph = _parse(path)
    used = {iri for iri in _graph_iris(graph) if _ours(iri)}
    # SHACL-SPARQL constraints carry queries as literals; their terms count too.
    declared = {
        str(graph.value(d, SH.prefix)): str(graph.value(d, SH.namespace))
        for d in graph.objects(None, SH.declare)
    }
    for predicate in (SH.select, SH.ask, SH.construct):
        for query in graph.objects(None, predicate):
            used |= {iri for iri in _sparql_iris(str(query), declared) if _ours(iri)}
    assert sorted(used - set(_declared())) == []


@pytest.mark.parametrize("path", QUERY_FILES, ids=_ids(QUERY_FILES))
def test_pol_terms_in_queries_are_declared(path: Path) -> None:
    used = {iri for iri in _sparql_iris(path.read_text(encoding="utf-8")) if _ours(iri)}
    assert sorted(used - set(_declared())) == []


@pytest.mark.parametrize("path", DATA_FILES, ids=_ids(DATA_FILES))
def test_data_uses_pol_classes_as_types_and_properties_as_predicates(path: Path) -> None:
    declared = _declared()
    graph = _parse(path)
    wrong = [
        f"{graph.qname(p)} used as a predicate"
        for p in set(graph.predicates())
        if _ours(p) and OWL.Class in declared.get(p, {OWL.Class})
    ]
    wrong += [
        f"{graph.qname(c)} used as a type"
        for c in set(graph.objects(None, RDF.type))
        if _ours(c) and OWL.Class not in declared.get(c, {OWL.Class})
    ]
    assert wrong == []


def test_alignments_name_only_declared_terms_and_known_foreign_terms() -> None:
    graph = _parse(ALIGNMENTS)
    ours = {iri for iri in _graph_iris(graph) if _ours(iri)}
    assert sorted(ours - set(_declared())) == []
    foreign = {
        iri
        for iri in _graph_iris(graph)
        if str(iri).startswith(CHECKED_NAMESPACES) and str(iri) not in CHECKED_NAMESPACES
    }
    assert sorted(foreign - KNOWN_FOREIGN_TERMS) == []


def test_every_alignment_says_why() -> None:
    graph = _parse(ALIGNMENTS)
    asserted = {(s, p, o) for p in MAPPINGS for s, o in graph.subject_objects(p)}
    explained = set()
    for axiom in graph.subjects(RDF.type, OWL.Axiom):
        triple = (
            graph.value(axiom, OWL.annotatedSource),
            graph.value(axiom, OWL.annotatedProperty),
            graph.value(axiom, OWL.annotatedTarget),
        )
        if _languages(graph, axiom, RDFS.comment) == ["en"]:
            explained.add(triple)
    assert asserted, "no mappings found"
    assert sorted(map(str, asserted - explained)) == [], "mappings without an rdfs:comment @en"
    assert sorted(map(str, explained - asserted)) == [], "comments on mappings not asserted"
    # A mapping starts from our term or from a reused term the ontology builds on, and leads out.
    known = set(_graph_iris(_ontology()))
    assert sorted(str(s) for s, _, _ in asserted if s not in known) == []
    assert sorted(str(o) for _, _, o in asserted if _ours(o)) == []


def test_code_lists_are_complete_and_bilingual() -> None:
    graph = _parse(CODE_LISTS)
    schemes = {s for s in graph.subjects(RDF.type, SKOS.ConceptScheme) if isinstance(s, URIRef)}
    assert {str(s) for s in schemes} == {f"{ID_BASE}concept/{name}" for name in CODE_LIST_SLUGS}
    problems: list[str] = []
    for scheme in sorted(schemes):
        problems += _missing_bilingual(graph, scheme, SKOS.prefLabel)
        problems += _missing_bilingual(graph, scheme, SKOS.definition)
        name = str(scheme).rsplit("/", 1)[-1]
        members = {c for c in graph.subjects(SKOS.inScheme, scheme)}
        slugs = {str(c)[len(f"{scheme}/") :] for c in members}
        if slugs != CODE_LIST_SLUGS[name]:
            problems.append(f"{scheme}: concepts {sorted(slugs)}")
        if set(graph.objects(scheme, SKOS.hasTopConcept)) != members:
            problems.append(f"{scheme}: skos:hasTopConcept differs from its concepts")
    for concept in sorted(c for c in graph.subjects(RDF.type, SKOS.Concept) if _is_iri(c)):
        problems += _missing_bilingual(graph, concept, SKOS.prefLabel)
        problems += _missing_bilingual(graph, concept, SKOS.definition)
        in_schemes = set(graph.objects(concept, SKOS.inScheme))
        if len(in_schemes) != 1:
            problems.append(f"{concept}: in {len(in_schemes)} schemes")
            continue
        (home,) = in_schemes
        if set(graph.objects(concept, SKOS.topConceptOf)) != {home}:
            problems.append(f"{concept}: not a top concept of {home}")
        if not str(concept).startswith(f"{home}/"):
            problems.append(f"{concept}: IRI is not under {home}")
        slug = str(concept).rsplit("/", 1)[-1]
        if [str(n) for n in graph.objects(concept, SKOS.notation)] != [slug]:
            problems.append(f"{concept}: skos:notation is not its slug")
    assert problems == []


def test_code_lists_leave_the_topic_scheme_to_the_topics_file() -> None:
    graph = _parse(CODE_LISTS)
    assert (URIRef(f"{ID_BASE}concept/topic"), None, None) not in graph
    assert not any(str(s).startswith(f"{ID_BASE}topic/") for s in graph.subjects())
