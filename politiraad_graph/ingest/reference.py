"""The reference data as the extractors need it: every named thing with its labels and kind."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS, ORG, RDF, SKOS

from politiraad_graph.namespaces import ID, SCHEMA
from politiraad_graph.vocab import POL

TOPIC_SCHEME = ID["concept/topic"]

_KINDS: list[tuple[URIRef, str]] = [
    (SCHEMA.Person, "person"),
    (POL.Council, "council"),
    (ORG.Organization, "organisation"),
    (ORG.OrganizationalUnit, "organisation"),
    (ORG.FormalOrganization, "organisation"),
    (ORG.Post, "post"),
    (SCHEMA.Place, "place"),
    (POL.Programme, "programme"),
    (POL.PlanDocument, "plan"),
    (POL.Plan, "plan"),
    (POL.Agreement, "plan"),
    (POL.Incident, "incident"),
]


@dataclass
class Thing:
    """A reference resource: what kind of thing it is, its labels (preferred first), its parent."""

    iri: URIRef
    kind: str
    labels: list[str] = field(default_factory=list)
    abbreviations: list[str] = field(default_factory=list)
    parent: URIRef | None = None  # unit of / post in / contained in / located at
    period: tuple[int, int] | None = None  # plans and agreements

    @property
    def label(self) -> str:
        return self.labels[0] if self.labels else str(self.iri).rsplit("/", 1)[-1]

    @property
    def slug(self) -> str:
        return str(self.iri).rsplit("/", 1)[-1]


@dataclass
class Reference:
    """Every thing of the reference data, by IRI and by kind."""

    graph: Graph
    things: dict[URIRef, Thing]

    @classmethod
    def load(cls, root: Path) -> Reference:
        """Parse data/reference/*.ttl under the project folder ``root``."""
        graph = Graph()
        for path in sorted((root / "data" / "reference").glob("*.ttl")):
            graph.parse(path, format="turtle", publicID=str(ID))
        return cls.from_graph(graph)

    @classmethod
    def from_graph(cls, graph: Graph) -> Reference:
        things: dict[URIRef, Thing] = {}
        for cls_iri, kind in _KINDS:
            for iri in graph.subjects(RDF.type, cls_iri):
                if isinstance(iri, URIRef) and iri not in things:
                    things[iri] = Thing(iri, kind)
        for iri in graph.subjects(SKOS.inScheme, TOPIC_SCHEME):
            if isinstance(iri, URIRef):
                things[iri] = Thing(iri, "topic")
        for iri, thing in things.items():
            thing.labels = _labels(graph, iri)
            thing.abbreviations = [str(a) for a in graph.objects(iri, POL.abbreviation)]
            for predicate in (
                ORG.unitOf,
                ORG.subOrganizationOf,
                ORG.postIn,
                SCHEMA.containedInPlace,
                SCHEMA.location,
            ):
                parent = graph.value(iri, predicate)
                if isinstance(parent, URIRef):
                    thing.parent = parent
                    break
            start, end = graph.value(iri, POL.periodStart), graph.value(iri, POL.periodEnd)
            if start is not None and end is not None:
                thing.period = (int(str(start)[:4]), int(str(end)[:4]))
        return cls(graph, things)

    def of_kind(self, *kinds: str) -> list[Thing]:
        return [t for t in self.things.values() if t.kind in kinds]

    def get(self, iri: URIRef | None) -> Thing | None:
        return self.things.get(iri) if iri is not None else None

    def ancestors(self, iri: URIRef) -> list[URIRef]:
        """The chain of parents of an organisation (unit of, part of), nearest first."""
        chain: list[URIRef] = []
        current = self.get(iri)
        while current is not None and current.parent is not None and current.parent not in chain:
            chain.append(current.parent)
            current = self.get(current.parent)
        return chain

    def council_members(self, council: URIRef) -> list[URIRef]:
        return [m for m in self.graph.objects(council, ORG.hasMember) if isinstance(m, URIRef)]


def _labels(graph: Graph, iri: URIRef) -> list[str]:
    """Preferred labels (Bokmål first), then titles and alternative labels, without repeats."""
    ordered: list[str] = []
    pref = list(graph.objects(iri, SKOS.prefLabel))
    pref.sort(key=lambda lit: {"nb": 0, None: 1}.get(getattr(lit, "language", None), 2))
    for value in [*pref, *graph.objects(iri, DCTERMS.title), *graph.objects(iri, SKOS.altLabel)]:
        if getattr(value, "language", None) == "en" and value in pref:
            continue  # English names are not written in Norwegian minutes
        text = " ".join(str(value).split())
        if text and text not in ordered:
            ordered.append(text)
    return ordered
