"""The reference data in data/reference/: people, organisations, posts, places, programmes, plans,
topics, incidents and the council.

These are the entities the curated meetings point to, under the IRIs agreed in
docs/reference-uris.md (see docs/model.md for the model).
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from functools import cache
from pathlib import Path

import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, ORG, PROV, RDF, SKOS

from politiraad_graph.namespaces import ID, OA, POL, SCHEMA
from politiraad_graph.slug import slugify

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = ROOT / "data" / "reference"
SOURCES = ROOT / "data" / "sources"
URI_LIST = ROOT / "docs" / "reference-uris.md"
REFERENCE_FILES = sorted(REFERENCE.glob("*.ttl"))

# The kinds of reference entity, by the first segment of their IRI below ID.
KINDS = (
    "council",
    "organisation",
    "person",
    "post",
    "place",
    "programme",
    "plan",
    "topic",
    "incident",
    "concept",
)
TOPIC_SCHEME = ID["concept/topic"]

# Agreed IRIs (docs/reference-uris.md) whose slug does not follow from a label. They are kept, since
# curated meetings use them; new entities get no such exception.
SLUG_EXCEPTIONS = {
    "post/opd-patalelder": "'påtaleleder' slugs to 'pataleleder'; the agreed IRI lacks an 'e'",
}


def _parse(path: Path) -> Graph:
    return Graph().parse(path, format="turtle", publicID=str(ID))


@cache
def reference() -> Graph:
    """The union of every reference file."""
    graph = Graph()
    for path in REFERENCE_FILES:
        graph += _parse(path)
    return graph


def _local(node: URIRef) -> str:
    """The IRI relative to ID, e.g. ``person/anne-lindbo``."""
    text = str(node)
    assert text.startswith(str(ID)), text
    return text[len(str(ID)) :]


def _kind(node: URIRef) -> str:
    return _local(node).split("/", 1)[0]


def _slug(node: URIRef) -> str:
    return _local(node).split("/", 1)[1]


def _entities(graph: Graph) -> list[URIRef]:
    """Every typed subject except passages (which are evidence, not entities)."""
    passages = set(graph.subjects(RDF.type, POL.Passage))
    return sorted(
        {s for s in graph.subjects(RDF.type, None) if isinstance(s, URIRef) and s not in passages}
    )


def _of_kind(kind: str) -> list[URIRef]:
    return [e for e in _entities(reference()) if str(e).startswith(str(ID)) and _kind(e) == kind]


def _labels(graph: Graph, node: URIRef, lang: str | None = "any") -> list[str]:
    """prefLabels and altLabels of a node, optionally only those in one language."""
    values = [*graph.objects(node, SKOS.prefLabel), *graph.objects(node, SKOS.altLabel)]
    return [
        str(v) for v in values if isinstance(v, Literal) and (lang == "any" or v.language == lang)
    ]


def _listed_iris() -> list[str]:
    """Every ``kind/slug`` written in backticks in docs/reference-uris.md."""
    text = URI_LIST.read_text(encoding="utf-8")
    pattern = re.compile(r"`((?:" + "|".join(KINDS) + r")/[a-z0-9-]+(?:/[a-z0-9-]+)*)`")
    return sorted(set(pattern.findall(text)))


# ------------------------------------------------------------------ files


def test_there_are_reference_files() -> None:
    names = {p.name for p in REFERENCE_FILES}
    for expected in (
        "council.ttl",
        "organisations.ttl",
        "people.ttl",
        "posts.ttl",
        "places.ttl",
        "programmes.ttl",
        "topics.ttl",
        "incidents.ttl",
    ):
        assert expected in names


@pytest.mark.parametrize("path", REFERENCE_FILES, ids=lambda p: p.name)
def test_reference_file_parses(path: Path) -> None:
    assert len(_parse(path)) > 0


@pytest.mark.parametrize("path", REFERENCE_FILES, ids=lambda p: p.name)
def test_no_blank_nodes(path: Path) -> None:
    graph = _parse(path)
    blank = [t for t in graph if any(isinstance(n, BNode) for n in t)]
    assert not blank, f"{path.name}: blank nodes (run `politiraad anchor`?): {blank[:3]}"


# ------------------------------------------------------------------ the agreed IRIs


def test_uri_list_is_read() -> None:
    listed = _listed_iris()
    assert "council/politiradet-oslo" in listed
    assert "person/bente-fagerli" in listed
    assert "topic/efforts-in-priority-areas" in listed
    assert len(listed) > 100


@pytest.mark.parametrize("local", _listed_iris())
def test_listed_iri_exists_with_type_and_label(local: str) -> None:
    node = ID[local]
    graph = reference()
    assert graph.value(node, RDF.type) is not None, f"{local} has no rdf:type"
    assert graph.value(node, SKOS.prefLabel) is not None, f"{local} has no skos:prefLabel"


# ------------------------------------------------------------------ labels and IRIs


def test_every_entity_has_one_pref_label_per_language() -> None:
    graph = reference()
    problems = []
    for entity in _entities(graph):
        labels = list(graph.objects(entity, SKOS.prefLabel))
        if not labels:
            problems.append(f"{entity}: no skos:prefLabel")
            continue
        per_language = Counter(
            label.language if isinstance(label, Literal) else "?" for label in labels
        )
        problems += [
            f"{entity}: {n} skos:prefLabel @{lang}" for lang, n in per_language.items() if n > 1
        ]
    assert not problems, "\n".join(problems)


def test_iris_are_ascii_slugs() -> None:
    graph = reference()
    pattern = re.compile(r"^[a-z]+(/[a-z0-9]+(-[a-z0-9]+)*)+(#char=[0-9]+,[0-9]+)?$")
    bad = sorted(
        {
            str(n)
            for triple in graph
            for n in triple
            if isinstance(n, URIRef) and str(n).startswith(str(ID)) and not pattern.match(_local(n))
        }
    )
    assert not bad, bad


def test_slug_exceptions_still_exist() -> None:
    graph = reference()
    for local in SLUG_EXCEPTIONS:
        assert graph.value(ID[local], RDF.type) is not None, local


def test_people_have_plain_name_and_slug_of_full_name() -> None:
    graph = reference()
    people = list(graph.subjects(RDF.type, SCHEMA.Person))
    assert len(people) >= 24
    for person in people:
        labels = list(graph.objects(person, SKOS.prefLabel))
        assert len(labels) == 1, person
        (label,) = labels
        assert isinstance(label, Literal) and label.language is None, person
        assert _slug(person) == slugify(str(label)), person
        assert graph.value(person, SCHEMA.givenName) is not None, person
        assert graph.value(person, SCHEMA.familyName) is not None, person
        full = f"{graph.value(person, SCHEMA.givenName)} {graph.value(person, SCHEMA.familyName)}"
        assert full == str(label), f"{person}: given + family name is not the full name"
    assert "Bente T. Fagerli" in _labels(graph, ID["person/bente-fagerli"], None)
    assert "Arnason Bøe" in _labels(graph, ID["person/marius-arnason-boe"], None)


def test_person_names_are_unique() -> None:
    graph = reference()
    names = Counter(
        str(graph.value(p, SKOS.prefLabel)) for p in graph.subjects(RDF.type, SCHEMA.Person)
    )
    assert [n for n, c in names.items() if c > 1] == []


def _parent(graph: Graph, node: URIRef) -> URIRef | None:
    value = graph.value(node, ORG.unitOf) or graph.value(node, ORG.subOrganizationOf)
    return value if isinstance(value, URIRef) else None


def test_organisation_slugs_come_from_a_label_or_abbreviation() -> None:
    graph = reference()
    problems = []
    for node in _of_kind("organisation"):
        names = _labels(graph, node) + [str(a) for a in graph.objects(node, POL.abbreviation)]
        slugs = {slugify(n) for n in names}
        parent = _parent(graph, node)
        if parent is not None:
            slugs |= {f"{_slug(parent)}-{s}" for s in slugs}
        if _slug(node) not in slugs:
            problems.append(f"{node}: slug matches none of {sorted(slugs)}")
    assert not problems, "\n".join(problems)


def test_organisations_have_nb_label_and_known_parent() -> None:
    graph = reference()
    organisations = set(graph.subjects(RDF.type, ORG.Organization))
    for node in _of_kind("organisation"):
        assert node in organisations, f"{node} is not an org:Organization"
        assert _labels(graph, node, "nb"), f"{node} has no @nb label"
        parent = _parent(graph, node)
        if (node, RDF.type, ORG.OrganizationalUnit) in graph:
            assert graph.value(node, ORG.unitOf) is not None, f"unit {node} has no org:unitOf"
        if parent is not None:
            assert parent in organisations, f"{node}: parent {parent} is not an organisation"


def test_organisation_hierarchy_has_no_cycles() -> None:
    graph = reference()
    for node in _of_kind("organisation"):
        seen = {node}
        parent = _parent(graph, node)
        while parent is not None:
            assert parent not in seen, f"cycle through {node}"
            seen.add(parent)
            parent = _parent(graph, parent)


def test_expected_hierarchy() -> None:
    graph = reference()
    oslo, opd = ID["organisation/oslo-kommune"], ID["organisation/opd"]
    for unit in ("blk", "set", "utd", "ovk", "noe", "ais", "ude", "vel", "bfe", "bydel-alna"):
        assert _parent(graph, ID[f"organisation/{unit}"]) == oslo, unit
    for unit in ("enhet-sentrum", "enhet-ost", "enhet-vest", "enhet-forebygging"):
        assert _parent(graph, ID[f"organisation/opd-{unit}"]) == opd, unit
    assert _parent(graph, opd) == ID["organisation/politiet"]
    assert _parent(graph, ID["organisation/barnevernsvakta"]) == ID["organisation/bfe"]
    assert (ID["council/politiradet-oslo"], ORG.hasMember, oslo) in graph
    assert (ID["council/politiradet-oslo"], ORG.hasMember, opd) in graph


def test_post_slugs_are_organisation_and_title() -> None:
    graph = reference()
    problems = []
    for post in _of_kind("post"):
        organisations = list(graph.objects(post, ORG.postIn))
        assert len(organisations) == 1, f"{post} needs exactly one org:postIn"
        (organisation,) = organisations
        assert (organisation, RDF.type, ORG.Organization) in graph, organisation
        prefix = _slug(organisation) + "-"
        if not _slug(post).startswith(prefix):
            problems.append(f"{post}: does not start with {prefix}")
            continue
        if _local(post) in SLUG_EXCEPTIONS:
            continue
        title_words = set(_slug(post)[len(prefix) :].split("-"))
        label_words = {w for label in _labels(graph, post, "nb") for w in slugify(label).split("-")}
        if not title_words <= label_words:
            problems.append(f"{post}: title {title_words - label_words} not in its @nb labels")
        if len(_labels(graph, post, "en")) < 1:
            problems.append(f"{post}: no @en label")
    assert not problems, "\n".join(problems)


def test_place_slugs_and_containment() -> None:
    graph = reference()
    places = set(graph.subjects(RDF.type, SCHEMA.Place))
    for place in _of_kind("place"):
        assert place in places
        assert len(list(graph.objects(place, SKOS.prefLabel))) == 1, place
        assert _slug(place) in {slugify(label) for label in _labels(graph, place)}, place
        for container in graph.objects(place, SCHEMA.containedInPlace):
            assert container in places, f"{place}: container {container} is not a place"
    contained = ID["place/mortensrud"]
    chain = []
    while (contained := graph.value(contained, SCHEMA.containedInPlace)) is not None:
        chain.append(_slug(contained))
    assert chain[:2] == ["sondre-nordstrand", "oslo"]
    for outside in ("sarpsborg", "strommen", "asker", "baerum"):
        assert graph.value(ID[f"place/{outside}"], SCHEMA.containedInPlace) == ID["place/norge"]


def test_plans_have_programme_period_and_revision() -> None:
    graph = reference()
    plans = _of_kind("plan")
    assert len(plans) >= 5
    for plan in plans:
        assert (plan, RDF.type, POL.Plan) in graph or (plan, RDF.type, POL.Agreement) in graph
        titles = list(graph.objects(plan, DCTERMS.title))
        assert len(titles) == 1 and titles[0].language == "nb", plan
        assert (graph.value(plan, POL.programme), RDF.type, POL.Programme) in graph, plan
        start, end = graph.value(plan, POL.periodStart), graph.value(plan, POL.periodEnd)
        assert _slug(plan).endswith(f"-{start}-{end}"), plan
        older = graph.value(plan, PROV.wasRevisionOf)
        if older is not None:
            assert int(str(graph.value(older, POL.periodStart))) < int(str(start)), plan
            assert graph.value(older, POL.programme) == graph.value(plan, POL.programme), plan
    assert (
        graph.value(ID["plan/salto-handlingsprogram-2026-2028"], PROV.wasRevisionOf)
        == ID["plan/salto-handlingsprogram-2023-2025"]
    )
    assert (
        graph.value(ID["plan/politiradsavtale-2026-2028"], PROV.wasRevisionOf)
        == ID["plan/politiradsavtale-2023-2025"]
    )


def test_programmes_have_nb_label_and_description() -> None:
    graph = reference()
    for programme in _of_kind("programme"):
        assert (programme, RDF.type, POL.Programme) in graph
        assert _labels(graph, programme, "nb"), programme
        descriptions = list(graph.objects(programme, DCTERMS.description))
        assert len(descriptions) == 1 and descriptions[0].language == "nb", programme


def test_incidents_are_facts_with_evidence() -> None:
    graph = reference()
    incidents = _of_kind("incident")
    assert len(incidents) >= 4
    for incident in incidents:
        assert (incident, RDF.type, POL.Incident) in graph
        assert (graph.value(incident, SCHEMA.location), RDF.type, SCHEMA.Place) in graph
        assert graph.value(incident, DCTERMS.description) is not None, incident
        evidence = list(graph.objects(incident, POL.evidence))
        assert evidence and all((e, RDF.type, POL.Passage) in graph for e in evidence), incident


def test_editorial_notes_are_english() -> None:
    graph = reference()
    notes = list(graph.objects(None, SKOS.editorialNote))
    assert notes
    assert all(isinstance(n, Literal) and n.language == "en" for n in notes)


def test_references_between_entities_resolve() -> None:
    graph = reference()
    typed = set(graph.subjects(RDF.type, None))
    dangling = sorted(
        {
            f"{s} -> {o}"
            for s, p, o in graph
            if p != RDF.type
            and isinstance(o, URIRef)
            and str(o).startswith(str(ID))
            and _kind(o) in KINDS
            and o not in typed
        }
    )
    assert not dangling, "\n".join(dangling)


# ------------------------------------------------------------------ topics


def _topics() -> list[URIRef]:
    return _of_kind("topic")


def test_topic_scheme() -> None:
    graph = reference()
    assert (TOPIC_SCHEME, RDF.type, SKOS.ConceptScheme) in graph
    tops = set(graph.objects(TOPIC_SCHEME, SKOS.hasTopConcept))
    for topic in _topics():
        is_top = graph.value(topic, SKOS.broader) is None
        assert (topic in tops) == is_top, topic
        assert ((topic, SKOS.topConceptOf, TOPIC_SCHEME) in graph) == is_top, topic


def test_topics_have_nb_and_en_labels_and_definitions() -> None:
    graph = reference()
    assert len(_topics()) >= 22
    for topic in _topics():
        assert (topic, RDF.type, SKOS.Concept) in graph, topic
        assert list(graph.objects(topic, SKOS.inScheme)) == [TOPIC_SCHEME], topic
        for prop in (SKOS.prefLabel, SKOS.definition):
            languages = sorted(
                v.language or "" for v in graph.objects(topic, prop) if isinstance(v, Literal)
            )
            assert languages == ["en", "nb"], f"{topic} {prop}: {languages}"
        (english,) = (v for v in graph.objects(topic, SKOS.prefLabel) if v.language == "en")
        assert _slug(topic) == slugify(str(english)), f"{topic}: slug is not its English label"


@pytest.mark.parametrize(
    ("prop", "inverse"),
    [
        (SKOS.broader, SKOS.narrower),
        (SKOS.narrower, SKOS.broader),
        (SKOS.related, SKOS.related),
        (DCTERMS.isReplacedBy, DCTERMS.replaces),
        (DCTERMS.replaces, DCTERMS.isReplacedBy),
    ],
    ids=lambda p: str(p).rsplit("/", 1)[-1].rsplit("#", 1)[-1],
)
def test_topic_links_are_symmetric(prop: URIRef, inverse: URIRef) -> None:
    graph = reference()
    topics = set(_topics())
    for topic in topics:
        for other in graph.objects(topic, prop):
            assert other in topics, f"{topic} {prop} {other}: not a topic"
            assert (other, inverse, topic) in graph, f"{other} lacks {inverse} {topic}"


def test_topic_hierarchy_is_acyclic_and_disjoint_from_related() -> None:
    graph = reference()
    ancestors: dict[URIRef, set[URIRef]] = defaultdict(set)
    for topic in _topics():
        stack = list(graph.objects(topic, SKOS.broader))
        while stack:
            parent = stack.pop()
            assert parent != topic, f"broader cycle through {topic}"
            if parent not in ancestors[topic]:
                ancestors[topic].add(parent)
                stack.extend(graph.objects(parent, SKOS.broader))
    for topic in _topics():
        for other in graph.objects(topic, SKOS.related):
            assert other not in ancestors[topic] and topic not in ancestors[other], topic


def test_vulnerable_areas_thread_continues_as_priority_areas() -> None:
    graph = reference()
    old, new = ID["topic/efforts-in-vulnerable-areas"], ID["topic/efforts-in-priority-areas"]
    assert (old, DCTERMS.isReplacedBy, new) in graph
    assert (new, DCTERMS.replaces, old) in graph
    assert "IPO" in _labels(graph, new, None)


# ------------------------------------------------------------------ provenance


@cache
def _source_text(source: URIRef) -> str:
    key = _slug(source)
    (path,) = SOURCES.glob(f"{key}_*.txt")
    return path.read_text(encoding="utf-8")


def test_passages_quote_their_source_exactly() -> None:
    graph = reference()
    passages = list(graph.subjects(RDF.type, POL.Passage))
    assert passages
    for passage in passages:
        source = graph.value(passage, OA.hasSource)
        assert isinstance(source, URIRef), passage
        start, end = int(graph.value(passage, OA.start)), int(graph.value(passage, OA.end))
        assert str(passage) == f"{source}#char={start},{end}"
        assert _source_text(source)[start:end] == str(graph.value(passage, OA.exact)), passage


def test_evidence_points_to_passages() -> None:
    graph = reference()
    for _, evidence in graph.subject_objects(POL.evidence):
        assert (evidence, RDF.type, POL.Passage) in graph, evidence
