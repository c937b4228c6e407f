"""Describe a release: a DCAT-AP-NO catalogue (conforming to DCAT-AP 3.0.1 too) and VoID.

Coverage is computed from the data: the period runs from the first to the last date of a held
meeting, the area is where things happened (``schema:location``), rolled up to the places right
below the top of the place hierarchy and named by an authority IRI where one is known.

The two profiles contradict each other in three places, so the catalogue leaves those optional
properties out: ``dcat:byteSize`` (``xsd:decimal`` in DCAT-AP-NO, ``xsd:nonNegativeInteger`` in
DCAT-AP 3), ``spdx:checksum`` (SHA-1 only in DCAT-AP-NO; in DCAT-AP 3 an algorithm IRI under
``https://spdx.org/``, which no real SPDX IRI is) and ``dcatap:availability`` / ``adms:status``
(different code lists). The SHA-256 of every file is in ``SHA256SUMS`` instead.

The EU code-list concepts the catalogue uses (themes, file types, languages, licences ...) are
described in it too, with their scheme and labels, so that the catalogue validates on its own,
without fetching the EU vocabularies.
"""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from dataclasses import dataclass

import pyoxigraph as ox

from politiraad_graph.namespaces import BASE, GRAPH, ID
from politiraad_graph.publish.dataset import RDF_TYPE, PublicDataset, iri
from politiraad_graph.publish.rdfwrite import NS, Statements, q, text, typed
from politiraad_graph.publish.settings import PublishSettings

EU = "http://publications.europa.eu/resource/authority/"
IANA = "https://www.iana.org/assignments/media-types/"
ONTOLOGY = BASE + "ontology"
SHAPES = BASE + "shapes"
SCHEMA = "https://schema.org/"
POL = BASE + "ontology#"

THEMES: dict[str, tuple[str, str]] = {
    "JUST": ("Justis, rettssystem og allmenn sikkerhet", "Justice, legal system and public safety"),
    "GOVE": ("Forvaltning og offentlig sektor", "Government and public sector"),
}
"""EU data themes of the dataset: code → (nb, en)."""

FILE_TYPES: dict[str, str] = {
    "RDF_TURTLE": "Turtle",
    "RDF_N_TRIPLES": "N-Triples",
    "RDF_N_QUADS": "N-Quads",
    "RDF_TRIG": "TriG",
    "JSON_LD": "JSON-LD",
    "RDF_XML": "RDF/XML",
    "CSV": "CSV",
}

SPATIAL_AUTHORITIES: dict[str, tuple[str, str, str | None]] = {
    ID + "place/oslo": ("https://sws.geonames.org/3143244/", "Oslo", "POINT(10.74609 59.91273)"),
    ID + "place/norge": (EU + "country/NOR", "Norge", None),
}
"""Authority IRIs (GeoNames, EU countries) for places of ours: IRI → (IRI, name, centroid)."""

BOUNDING_BOXES: dict[str, str] = {
    "https://sws.geonames.org/3143244/": (
        "POLYGON((10.48 59.80,10.96 59.80,10.96 60.14,10.48 60.14,10.48 59.80))"
    ),
}
"""Rough bounding boxes (WGS 84, longitude latitude) of the authority places, for discovery."""

EXTRA_SCHEMES: dict[str, str] = {
    EU + "data-theme": "Data theme",
    EU + "file-type": "File type",
    EU + "language": "Language",
    EU + "licence": "Licence",
    EU + "access-right": "Access right",
    EU + "frequency": "Frequency",
    EU + "country": "Country",
    "http://purl.org/adms/licencetype/1.0": "Licence type",
    "http://purl.org/adms/publishertype/1.0": "Publisher type",
}


@dataclass(frozen=True)
class Distribution:
    """One file (or service) of a release, as DCAT describes it."""

    key: str
    path: str
    """Relative to the release folder; empty for the SPARQL endpoint."""
    title_nb: str
    title_en: str
    description_nb: str
    description_en: str
    file_type: str
    media_type: str
    compress: str | None = None
    conforms_to: str | None = None


@dataclass(frozen=True)
class Coverage:
    start: str | None
    end: str | None
    places: tuple[tuple[str, str, str | None, bool], ...]
    """(IRI, name, centroid, from an authority) of each place covered."""


@dataclass(frozen=True)
class ReleaseFacts:
    """What the metadata needs to know about the release it describes."""

    version: str
    date: str | None
    settings: PublishSettings
    distributions: tuple[Distribution, ...]
    conforms: bool
    previous: str | None
    coverage: Coverage
    keywords: tuple[str, ...] = ("politiråd", "politi", "kommune", "kriminalitetsforebygging")

    @property
    def release_url(self) -> str:
        return self.settings.release_url(self.version)

    @property
    def dataset(self) -> str:
        return self.release_url + "dataset"

    @property
    def catalog(self) -> str:
        return self.settings.base_url + "catalog"

    @property
    def service(self) -> str:
        return self.settings.base_url + "sparql#service"


# ---------------------------------------------------------------------------------- coverage


def _literal_values(store: ox.Store, subject: ox.NamedNode, predicate: str) -> list[ox.Literal]:
    return [
        quad.object
        for quad in store.quads_for_pattern(subject, ox.NamedNode(predicate), None, None)
        if isinstance(quad.object, ox.Literal)
    ]


def coverage(data: PublicDataset) -> Coverage:
    """Compute the temporal and spatial coverage of the data."""
    store = data.store
    held = ox.NamedNode(f"{ID}concept/meeting-status/held")
    meetings = [
        q.subject
        for q in store.quads_for_pattern(
            None, ox.NamedNode(RDF_TYPE), ox.NamedNode(POL + "Meeting")
        )
        if isinstance(q.subject, ox.NamedNode)
    ]
    status = ox.NamedNode(POL + "meetingStatus")
    held_meetings = [m for m in meetings if any(store.quads_for_pattern(m, status, held))]
    dates = []
    for meeting in held_meetings or meetings:
        for predicate in (SCHEMA + "startDate", SCHEMA + "endDate"):
            dates += [
                lit.value
                for lit in _literal_values(store, meeting, predicate)
                if lit.datatype.value == NS["xsd"] + "date"
            ]
    return Coverage(
        start=min(dates) if dates else None,
        end=max(dates) if dates else None,
        places=_places(store),
    )


def _places(store: ox.Store) -> tuple[tuple[str, str, str | None, bool], ...]:
    """Where things happened, rolled up to the level right below the top of the hierarchy."""
    parent: dict[str, str] = {}
    for quad in store.quads_for_pattern(None, ox.NamedNode(SCHEMA + "containedInPlace"), None):
        if isinstance(quad.subject, ox.NamedNode) and isinstance(quad.object, ox.NamedNode):
            parent.setdefault(quad.subject.value, quad.object.value)
    # Where the council met and worked; incidents it discussed may have happened elsewhere.
    incident = ox.NamedNode(POL + "Incident")
    rdf_type = ox.NamedNode(RDF_TYPE)
    used = {
        quad.object.value
        for quad in store.quads_for_pattern(None, ox.NamedNode(SCHEMA + "location"), None)
        if isinstance(quad.object, ox.NamedNode)
        and not any(store.quads_for_pattern(quad.subject, rdf_type, incident))
    }
    covered: set[str] = set()
    for place in used:
        chain = [place]
        while chain[-1] in parent and parent[chain[-1]] not in chain:
            chain.append(parent[chain[-1]])
        # The top is a country; the place right below it (a municipality) is the coverage.
        covered.add(chain[-2] if len(chain) >= 2 else chain[-1])
    found = []
    for place in sorted(covered):
        if place in SPATIAL_AUTHORITIES:
            authority, name, centroid = SPATIAL_AUTHORITIES[place]
            found.append((authority, name, centroid, True))
        else:
            labels = _literal_values(store, ox.NamedNode(place), NS["skos"] + "prefLabel")
            name = sorted(lit.value for lit in labels)[0] if labels else place
            found.append((place, name, None, False))
    return tuple(sorted(set(found)))


# -------------------------------------------------------------------------------------- DCAT


def _concept(out: Statements, concept: str, scheme: str, nb: str | None, en: str) -> None:
    """Describe a code-list concept the catalogue uses, as its code list does."""
    out.a(f"<{concept}>", "skos:Concept")
    out.add(f"<{concept}>", q("skos:inScheme"), f"<{scheme}>")
    out.add(f"<{concept}>", q("skos:prefLabel"), text(en, "en"))
    if nb:
        out.add(f"<{concept}>", q("skos:prefLabel"), text(nb, "nb"))


def dcat(facts: ReleaseFacts) -> Statements:
    """The DCAT-AP-NO description of a release: catalogue, dataset, distributions, service."""
    s = facts.settings
    out = Statements()
    licence = s.licence_info
    catalog, dataset, service = f"<{facts.catalog}>", f"<{facts.dataset}>", f"<{facts.service}>"
    publisher = f"<{s.publisher_uri}>"
    contact = f"<{s.base_url}catalog#contact-point>"
    licence_iri = f"<{licence['iri']}>"
    home = f"<{s.base_url}>"
    landing = f"<{facts.release_url}index.html>"
    languages = [f"<{EU}language/NOB>", f"<{EU}language/ENG>"]
    themes = [f"<{EU}data-theme/{code}>" for code in THEMES]
    public = f"<{EU}access-right/PUBLIC>"

    # Catalogue
    out.a(catalog, "dcat:Catalog")
    out.texts(
        catalog,
        q("dcterms:title"),
        "Politirådet i Oslo – åpne data",
        "Politirådet i Oslo – open data",
    )
    out.texts(
        catalog,
        q("dcterms:description"),
        "Åpne data fra Politirådet i Oslo: møter, saker, vedtak, oppfølgingspunkter, personer, "
        "organisasjoner, programmer og temaer fra møtereferatene, som lenkede data.",
        "Open data of the police council of Oslo: meetings, agenda items, decisions, follow-up "
        "points, people, organisations, programmes and topics from the minutes, as linked data.",
    )
    out.add(catalog, q("dcterms:identifier"), text(facts.catalog))
    out.add(catalog, q("dcterms:publisher"), publisher)
    out.add(catalog, q("dcterms:language"), *languages)
    out.add(catalog, q("dcterms:license"), licence_iri)
    out.add(catalog, q("foaf:homepage"), home)
    out.add(catalog, q("dcat:themeTaxonomy"), f"<{EU}data-theme>")
    out.add(catalog, q("dcat:dataset"), dataset)
    out.add(catalog, q("dcat:service"), service)
    if facts.date:
        out.add(catalog, q("dcterms:issued"), typed(facts.date, "xsd:date"))
        out.add(catalog, q("dcterms:modified"), typed(facts.date, "xsd:date"))

    # Dataset
    out.a(dataset, "dcat:Dataset")
    out.texts(
        dataset,
        q("dcterms:title"),
        f"Kunnskapsgrafen for Politirådet i Oslo, versjon {facts.version}",
        f"The knowledge graph of the police council of Oslo, version {facts.version}",
    )
    out.texts(
        dataset,
        q("dcterms:description"),
        "Møtereferatene fra Politirådet i Oslo som lenkede data: hvem som møttes, hva som ble "
        "orientert om og vedtatt, oppfølgingspunkter med status, programmer og planer, steder, "
        "beløp og temaer. Hvert faktum peker til stedet i referatet det kommer fra. Innhold som "
        "er unntatt offentlighet, er ikke med; bare tittelen og at det er unntatt.",
        "The minutes of the police council of Oslo as linked data: who met, what was reported "
        "and decided, follow-up points and their status, programmes and plans, places, amounts "
        "and topics. Every fact points to the passage of the minutes it comes from. Content "
        "exempt from public disclosure is left out; only its title and exemption are given.",
    )
    out.add(dataset, q("dcterms:identifier"), text(facts.dataset))
    out.add(dataset, q("dcterms:publisher"), publisher)
    out.add(dataset, q("dcat:contactPoint"), contact)
    out.add(dataset, q("dcat:theme"), *themes)
    out.add(dataset, q("dcat:keyword"), *(text(k, "nb") for k in facts.keywords))
    out.add(
        dataset, q("dcat:keyword"), text("police council", "en"), text("crime prevention", "en")
    )
    out.add(dataset, q("dcterms:language"), *languages)
    out.add(dataset, q("dcterms:accessRights"), public)
    out.add(dataset, q("dcterms:accrualPeriodicity"), f"<{EU}frequency/IRREG>")
    out.add(dataset, q("dcat:version"), text(facts.version))
    out.add(dataset, q("owl:versionInfo"), text(facts.version))
    out.add(dataset, q("dcat:landingPage"), landing)
    out.add(dataset, q("foaf:page"), f"<{facts.release_url}docs/index.html>")
    out.add(dataset, q("dcterms:conformsTo"), f"<{ONTOLOGY}>")
    if facts.conforms:
        out.add(dataset, q("dcterms:conformsTo"), f"<{SHAPES}>")
    if facts.previous:
        out.add(
            dataset,
            q("dcat:previousVersion"),
            f"<{s.release_url(facts.previous)}dataset>",
        )
        out.texts(
            dataset,
            q("adms:versionNotes"),
            f"Endringer siden versjon {facts.previous}: se changes/changelog.html.",
            f"Changes since version {facts.previous}: see changes/changelog.html.",
        )
    if facts.date:
        out.add(dataset, q("dcterms:issued"), typed(facts.date, "xsd:date"))
        out.add(dataset, q("dcterms:modified"), typed(facts.date, "xsd:date"))
    cov = facts.coverage
    if cov.start or cov.end:
        period = f"<{facts.dataset}#period>"
        out.add(dataset, q("dcterms:temporal"), period)
        out.a(period, "dcterms:PeriodOfTime")
        if cov.start:
            out.add(period, q("dcat:startDate"), typed(cov.start, "xsd:date"))
        if cov.end:
            out.add(period, q("dcat:endDate"), typed(cov.end, "xsd:date"))
    for place, name, centroid, _ in cov.places:
        out.add(dataset, q("dcterms:spatial"), f"<{place}>")
        out.add(catalog, q("dcterms:spatial"), f"<{place}>")
        out.a(f"<{place}>", "dcterms:Location")
        out.add(f"<{place}>", q("skos:prefLabel"), text(name, "nb"))
        if place.startswith("https://sws.geonames.org/"):
            # DCAT-AP-NO names GeoNames as the scheme of such places.
            out.add(f"<{place}>", q("skos:inScheme"), "<https://sws.geonames.org>")
        if centroid:
            out.add(f"<{place}>", q("dcat:centroid"), typed(centroid, "geosparql:wktLiteral"))
        if place in BOUNDING_BOXES:
            box = BOUNDING_BOXES[place]
            out.add(f"<{place}>", q("dcat:bbox"), typed(box, "geosparql:wktLiteral"))

    # Distributions
    for dist in facts.distributions:
        node = f"<{facts.release_url}distribution/{dist.key}>"
        out.add(dataset, q("dcat:distribution"), node)
        out.a(node, "dcat:Distribution")
        out.texts(node, q("dcterms:title"), dist.title_nb, dist.title_en)
        out.texts(node, q("dcterms:description"), dist.description_nb, dist.description_en)
        out.add(node, q("dcterms:license"), licence_iri)
        out.add(node, q("dcterms:format"), f"<{EU}file-type/{dist.file_type}>")
        out.add(node, q("dcat:mediaType"), f"<{IANA}{dist.media_type}>")
        out.a(f"<{IANA}{dist.media_type}>", "dcterms:MediaType")
        if dist.compress:
            out.add(node, q("dcat:compressFormat"), f"<{IANA}{dist.compress}>")
            out.a(f"<{IANA}{dist.compress}>", "dcterms:MediaType")
        if dist.path:
            url = f"<{facts.release_url}{dist.path}>"
            out.add(node, q("dcat:accessURL"), url)
            out.add(node, q("dcat:downloadURL"), url)
        else:
            out.add(node, q("dcat:accessURL"), f"<{s.sparql_endpoint}>")
            out.add(node, q("dcat:accessService"), service)
        if dist.conforms_to:
            out.add(node, q("dcterms:conformsTo"), f"<{dist.conforms_to}>")
        if facts.date:
            out.add(node, q("dcterms:issued"), typed(facts.date, "xsd:date"))

    # The SPARQL endpoint
    out.a(service, "dcat:DataService")
    out.texts(
        service,
        q("dcterms:title"),
        "SPARQL-endepunkt for Politirådet i Oslo",
        "SPARQL endpoint of the police council of Oslo",
    )
    out.texts(
        service,
        q("dcterms:description"),
        "Spørringer i SPARQL 1.1 mot den offentlige kunnskapsgrafen, med svar som JSON, CSV "
        "eller RDF.",
        "SPARQL 1.1 queries over the public knowledge graph, with results as JSON, CSV or RDF.",
    )
    out.add(service, q("dcterms:identifier"), text(facts.service))
    out.add(service, q("dcat:endpointURL"), f"<{s.sparql_endpoint}>")
    out.add(service, q("dcat:endpointDescription"), f"<{s.sparql_endpoint}>")
    out.add(service, q("dcat:servesDataset"), dataset)
    out.add(service, q("dcterms:publisher"), publisher)
    out.add(service, q("dcat:contactPoint"), contact)
    out.add(service, q("dcat:theme"), *themes)
    out.add(service, q("dcat:keyword"), text("SPARQL", "nb"), text("SPARQL", "en"))
    out.add(service, q("dcterms:license"), licence_iri)
    out.add(service, q("dcterms:accessRights"), public)
    out.add(service, q("dcterms:conformsTo"), "<https://www.w3.org/TR/sparql11-protocol/>")

    # Publisher and contact point
    out.a(publisher, "foaf:Agent", "foaf:Organization")
    out.add(publisher, q("foaf:name"), text(s.publisher_name, "nb"))
    out.add(publisher, q("dcterms:identifier"), text(s.publisher_id))
    out.add(publisher, q("dcterms:type"), f"<{s.publisher_type}>")
    out.a(contact, "vcard:Organization", "vcard:Kind")
    out.add(contact, q("vcard:fn"), text(s.contact_name, "nb"))
    if s.contact_email:
        out.add(contact, q("vcard:hasEmail"), f"<mailto:{s.contact_email}>")
    if s.contact_url:
        out.add(contact, q("vcard:hasURL"), f"<{s.contact_url}>")

    # Documents and standards
    for page in (home, landing, f"<{facts.release_url}docs/index.html>"):
        out.a(page, "foaf:Document")
    out.texts(
        home,
        q("dcterms:title"),
        "Politirådet i Oslo – kunnskapsgraf",
        "Politirådet i Oslo – knowledge graph",
    )
    out.texts(landing, q("dcterms:title"), f"Versjon {facts.version}", f"Version {facts.version}")
    out.texts(
        f"<{facts.release_url}docs/index.html>",
        q("dcterms:title"),
        "Dokumentasjon",
        "Documentation",
    )
    standards = {
        ONTOLOGY: (
            "Ontologien for Politirådet i Oslo",
            "The ontology of the police council of Oslo",
        ),
        SHAPES: (
            "SHACL-formene for Politirådet i Oslo",
            "The SHACL shapes of the police council of Oslo",
        ),
        "https://www.w3.org/TR/sparql11-protocol/": (
            "SPARQL 1.1-protokollen",
            "SPARQL 1.1 Protocol",
        ),
        "https://www.w3.org/TR/shacl/": ("SHACL", "Shapes Constraint Language (SHACL)"),
        "https://www.rfc-editor.org/rfc/rfc4180": ("CSV (RFC 4180)", "CSV (RFC 4180)"),
    }
    used = {o for _, p, o in out.triples if p == q("dcterms:conformsTo")}
    for standard, (nb, en) in standards.items():
        if f"<{standard}>" in used:
            out.a(f"<{standard}>", "dcterms:Standard")
            out.texts(f"<{standard}>", q("dcterms:title"), nb, en)

    # The EU and ADMS code-list concepts used above, with their schemes.
    for code, (nb, en) in THEMES.items():
        _concept(out, f"{EU}data-theme/{code}", EU + "data-theme", nb, en)
    for code, (nb, en) in (
        ("NOB", ("norsk bokmål", "Norwegian Bokmål")),
        ("ENG", ("engelsk", "English")),
    ):
        _concept(out, f"{EU}language/{code}", EU + "language", nb, en)
        out.a(f"<{EU}language/{code}>", "dcterms:LinguisticSystem")
    _concept(out, licence["iri"], EU + "licence", licence["label_nb"], licence["label_en"])
    out.a(licence_iri, "dcterms:LicenseDocument")
    out.add(licence_iri, q("rdfs:seeAlso"), f"<{licence['page']}>")
    attribution = "http://purl.org/adms/licencetype/Attribution"
    out.add(licence_iri, q("dcterms:type"), f"<{attribution}>")
    _concept(out, attribution, "http://purl.org/adms/licencetype/1.0", "navngivelse", "Attribution")
    _concept(out, f"{EU}access-right/PUBLIC", EU + "access-right", "offentlig", "public")
    out.a(public, "dcterms:RightsStatement")
    _concept(out, f"{EU}frequency/IRREG", EU + "frequency", "uregelmessig", "irregular")
    out.a(f"<{EU}frequency/IRREG>", "dcterms:Frequency")
    for code in sorted({d.file_type for d in facts.distributions}):
        _concept(out, f"{EU}file-type/{code}", EU + "file-type", None, FILE_TYPES[code])
        out.a(f"<{EU}file-type/{code}>", "dcterms:MediaTypeOrExtent")
    if s.publisher_type.startswith("http://purl.org/adms/publishertype/"):
        local = s.publisher_type.rsplit("/", 1)[1]
        words = "".join(f" {c}" if c.isupper() else c for c in local).strip()
        _concept(out, s.publisher_type, "http://purl.org/adms/publishertype/1.0", None, words)
    for place, name, _, authority in facts.coverage.places:
        if authority and place.startswith(EU + "country/"):
            _concept(out, place, EU + "country", name, name)
    schemes = {o for _, p, o in out.triples if p == q("skos:inScheme")}
    for scheme, title in EXTRA_SCHEMES.items():
        if f"<{scheme}>" in schemes or scheme == EU + "data-theme":
            out.a(f"<{scheme}>", "skos:ConceptScheme")
            out.add(f"<{scheme}>", q("dcterms:title"), text(title, "en"))
    return out


# -------------------------------------------------------------------------------------- VoID


def _short(value: str) -> str:
    """A readable, stable path segment for a class or property IRI."""
    for prefix, namespace in sorted(NS.items(), key=lambda item: -len(item[1])):
        if value.startswith(namespace) and value[len(namespace) :].replace("-", "").isalnum():
            return f"{prefix}-{value[len(namespace) :]}"
    return hashlib.sha256(value.encode()).hexdigest()[:16]


def void(data: PublicDataset, facts: ReleaseFacts) -> Statements:
    """The VoID description: counts of the whole and of each named graph, classes, properties."""
    s = facts.settings
    out = Statements()
    dataset = f"<{facts.dataset}>"
    triples = data.triples()
    subjects = {t[0] for t in triples}
    objects = {t[2] for t in triples}
    properties = Counter(t[1] for t in triples)
    classes: dict[str, set[str]] = defaultdict(set)
    type_term = f"<{RDF_TYPE}>"
    for subject, predicate, obj in triples:
        if predicate == type_term:
            classes[obj].add(subject)
    entities = {x for x in subjects if x.startswith(f"<{ID}") and "#" not in x}
    out.a(dataset, "void:Dataset")
    out.texts(
        dataset,
        q("dcterms:title"),
        f"Politirådet i Oslo, versjon {facts.version}",
        f"The police council of Oslo, version {facts.version}",
    )
    out.add(dataset, q("dcterms:license"), f"<{s.licence_info['iri']}>")
    out.add(dataset, q("dcterms:publisher"), f"<{s.publisher_uri}>")
    out.add(dataset, q("void:triples"), typed(len(triples), "xsd:integer"))
    out.add(dataset, q("void:entities"), typed(len(entities), "xsd:integer"))
    out.add(dataset, q("void:distinctSubjects"), typed(len(subjects), "xsd:integer"))
    out.add(dataset, q("void:distinctObjects"), typed(len(objects), "xsd:integer"))
    out.add(dataset, q("void:properties"), typed(len(properties), "xsd:integer"))
    out.add(dataset, q("void:classes"), typed(len(classes), "xsd:integer"))
    out.add(dataset, q("void:uriSpace"), text(str(ID)))
    out.add(dataset, q("void:sparqlEndpoint"), f"<{s.sparql_endpoint}>")
    for dist in facts.distributions:
        if dist.path.startswith("dumps/"):
            out.add(dataset, q("void:dataDump"), f"<{facts.release_url}{dist.path}>")
    vocabularies = set()
    for name in list(properties) + list(classes):
        value = iri(name)
        cut = max(value.rfind("#"), value.rfind("/"))
        vocabularies.add(value[: cut + 1])
    out.add(dataset, q("void:vocabulary"), *(f"<{v}>" for v in sorted(vocabularies)))
    example = sorted(x for x in entities if x.startswith(f"<{ID}meeting/"))
    if example:
        out.add(dataset, q("void:exampleResource"), example[-1])
    for graph, size in data.graph_sizes().items():
        if not graph:
            continue
        node = f"<{facts.dataset}/graph/{graph.removeprefix(str(GRAPH))}>"
        out.add(dataset, q("void:subset"), node)
        out.a(node, "void:Dataset", "sd:NamedGraph")
        out.add(node, q("sd:name"), f"<{graph}>")
        out.add(node, q("void:triples"), typed(size, "xsd:integer"))
        out.add(node, q("dcterms:title"), text(f"graph/{graph.removeprefix(str(GRAPH))}"))
    for cls, members in sorted(classes.items()):
        node = f"<{facts.dataset}/class/{_short(iri(cls))}>"
        out.add(dataset, q("void:classPartition"), node)
        out.add(node, q("void:class"), cls)
        out.add(node, q("void:entities"), typed(len(members), "xsd:integer"))
    for prop, count in sorted(properties.items()):
        node = f"<{facts.dataset}/property/{_short(iri(prop))}>"
        out.add(dataset, q("void:propertyPartition"), node)
        out.add(node, q("void:property"), prop)
        out.add(node, q("void:triples"), typed(count, "xsd:integer"))
    return out
