"""Releases: dumps, checksums, VoID, DCAT-AP(-NO), reproducibility, changelog, disclosure, site."""

from __future__ import annotations

import gzip
import hashlib
import json
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from pyshacl import validate as shacl_validate
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCTERMS, RDF, SH, XSD

from politiraad_graph.config import PROJECT_ROOT
from politiraad_graph.namespaces import GRAPH, ID
from politiraad_graph.publish import PublishOptions, Release, publish
from politiraad_graph.publish.changes import diff_quads, load_quads
from politiraad_graph.publish.dataset import (
    EXEMPT,
    GENID,
    PublicDataset,
    from_project,
    public_dataset,
    skolem_iris,
)
from politiraad_graph.publish.settings import load_publish_settings
from politiraad_graph.publish.site import links
from politiraad_graph.store.oxigraph import to_rdflib

DCAT_SHAPES = Path(__file__).resolve().parent / "data" / "dcat"
VOID = "http://rdfs.org/ns/void#"
DCAT = "http://www.w3.org/ns/dcat#"
DATE = "2026-02-01"
MARKER = "QX7-exempt-marker-93ab"


def make_release(root: Path, out: Path, **options: object) -> Release:
    settings = load_publish_settings(environ={}, config_file=Path("/nonexistent"))
    return publish(
        PublishOptions(out=out, project_root=root, settings=settings, **options)  # type: ignore[arg-type]
    )


@pytest.fixture(scope="module")
def public() -> PublicDataset:
    return from_project(PROJECT_ROOT)


@pytest.fixture(scope="module")
def release(tmp_path_factory: pytest.TempPathFactory) -> Release:
    out = tmp_path_factory.mktemp("publish")
    return make_release(PROJECT_ROOT, out, date=DATE, workers=2)


def files_of(folder: Path) -> Iterator[Path]:
    return (p for p in sorted(folder.rglob("*")) if p.is_file())


def public_graph(data: PublicDataset) -> Graph:
    graph = Graph()
    graph.parse(data="".join(f"{s} {p} {o} .\n" for s, p, o in data.union), format="nt")
    return graph


def named_graphs(data: bytes, syntax: ox.RdfFormat) -> dict[str, Graph]:
    """Parse a dataset file with Oxigraph (rdflib's Dataset.parse warns in rdflib 7.6)."""
    graphs: dict[str, Graph] = {}
    for quad in ox.parse(data, format=syntax):
        name = quad.graph_name.value if isinstance(quad.graph_name, ox.NamedNode) else ""
        graph = graphs.setdefault(name, Graph())
        graph.add((to_rdflib(quad.subject), to_rdflib(quad.predicate), to_rdflib(quad.object)))
    return graphs


def jsonld_graph(path: Path) -> Graph:
    """A JSON-LD file's triples (parsed by Oxigraph: rdflib's parser warns in rdflib 7.6)."""
    graphs = named_graphs(path.read_bytes(), ox.RdfFormat.JSON_LD)
    union = Graph()
    for graph in graphs.values():
        union += graph
    return union


def public_graphs(data: PublicDataset) -> dict[str, Graph]:
    return named_graphs("".join(data.nquads()).encode(), ox.RdfFormat.N_QUADS)


# ------------------------------------------------------------------------------------ dumps


@pytest.mark.parametrize(
    ("name", "syntax"),
    [
        ("politiraad.ttl", "turtle"),
        ("politiraad.nt.gz", "nt"),
        ("politiraad.rdf", "xml"),
    ],
)
def test_every_triple_dump_parses_and_is_the_public_graph(
    release: Release, public: PublicDataset, name: str, syntax: str
) -> None:
    path = release.path / "dumps" / name
    data = gzip.decompress(path.read_bytes()) if name.endswith(".gz") else path.read_bytes()
    parsed = Graph().parse(data=data, format=syntax)
    assert len(parsed) == release.triples == len(public.union)
    assert isomorphic(parsed, public_graph(public))


@pytest.mark.parametrize(
    ("name", "syntax"),
    [
        ("politiraad.nq.gz", ox.RdfFormat.N_QUADS),
        ("politiraad.trig", ox.RdfFormat.TRIG),
        ("politiraad.jsonld", ox.RdfFormat.JSON_LD),
    ],
)
def test_every_dataset_dump_keeps_the_named_graphs(
    release: Release, public: PublicDataset, name: str, syntax: ox.RdfFormat
) -> None:
    path = release.path / "dumps" / name
    data = gzip.decompress(path.read_bytes()) if name.endswith(".gz") else path.read_bytes()
    found = named_graphs(data, syntax)
    expected = public_graphs(public)
    assert sorted(found) == sorted(expected) == public.graph_names()
    for name_, graph in expected.items():
        assert isomorphic(found[name_], graph), name_
    assert sum(len(g) for g in found.values()) == release.quads


def test_jsonld_uses_the_published_context(release: Release) -> None:
    dump = json.loads((release.path / "dumps" / "politiraad.jsonld").read_text(encoding="utf-8"))
    context = json.loads((release.path / "dumps" / "context.jsonld").read_text(encoding="utf-8"))
    assert dump["@context"] == context["@context"]
    assert context["@context"]["pol"] == "https://w3id.org/politiraad/ontology#"


def test_no_blank_nodes_are_published(release: Release) -> None:
    text = gzip.decompress((release.path / "dumps" / "politiraad.nq.gz").read_bytes()).decode()
    assert "_:" not in text
    assert GENID in text  # the ontology's blank nodes, skolemised


def test_checksums_match_every_file(release: Release) -> None:
    listed = {}
    for line in (release.path / "SHA256SUMS").read_text(encoding="utf-8").splitlines():
        digest, name = line.split("  ", 1)
        listed[name] = digest
    on_disk = {p.relative_to(release.path).as_posix() for p in files_of(release.path)} - {
        "SHA256SUMS"
    }
    assert set(listed) == on_disk
    for name, digest in listed.items():
        assert hashlib.sha256((release.path / name).read_bytes()).hexdigest() == digest, name


def test_csv_tables_have_a_row_per_thing(release: Release, public: PublicDataset) -> None:
    meetings = (release.path / "csv" / "meetings.csv").read_text(encoding="utf-8-sig")
    rows = meetings.splitlines()
    assert rows[0].startswith("iri,title,title_en,date")
    count = sum(
        1
        for _, s, p, o in public.quads
        if p == f"<{RDF.type}>" and o == "<https://w3id.org/politiraad/ontology#Meeting>"
    )
    assert len(rows) - 1 == count
    assert any("https://w3id.org/politiraad/id/meeting/2023-01-13," in r for r in rows)


# ------------------------------------------------------------------------------------- VoID


def test_void_triples_is_the_real_count(release: Release) -> None:
    void = Graph().parse(release.path / "metadata" / "void.ttl", format="turtle")
    dataset = URIRef(f"https://w3id.org/politiraad/release/{release.version}/dataset")
    triples = void.value(dataset, URIRef(VOID + "triples"))
    dump = Graph().parse(
        data=gzip.decompress((release.path / "dumps" / "politiraad.nt.gz").read_bytes()),
        format="nt",
    )
    assert triples is not None and int(triples) == len(dump)
    quads = named_graphs(
        gzip.decompress((release.path / "dumps" / "politiraad.nq.gz").read_bytes()),
        ox.RdfFormat.N_QUADS,
    )
    sizes = {name: len(g) for name, g in quads.items()}
    subsets = {
        str(void.value(s, URIRef("http://www.w3.org/ns/sparql-service-description#name"))): int(
            void.value(s, URIRef(VOID + "triples"))  # type: ignore[arg-type]
        )
        for s in void.objects(dataset, URIRef(VOID + "subset"))
    }
    assert subsets == sizes
    assert (release.path / ".well-known" / "void").read_bytes() == (
        release.path / "metadata" / "void.ttl"
    ).read_bytes()


# ------------------------------------------------------------------------------------- DCAT


def _violations(data: Graph, shapes: list[Path], imports: list[Path]) -> list[str]:
    shapes_graph = Graph()
    for path in shapes:
        shapes_graph.parse(path, format="turtle")
    ontology = Graph()
    for path in imports:
        ontology.parse(path, format="turtle")
    _, report, _ = shacl_validate(
        data, shacl_graph=shapes_graph, ont_graph=ontology, allow_warnings=True
    )
    assert isinstance(report, Graph)
    return [
        f"{report.value(r, SH.focusNode)} {report.value(r, SH.resultPath)} "
        f"{report.value(r, SH.resultMessage)}"
        for r in report.objects(None, SH.result)
        if report.value(r, SH.resultSeverity) == SH.Violation
    ]


def test_the_dcat_ap_no_validation_setup_finds_what_digdir_says() -> None:
    folder = DCAT_SHAPES / "dcat-ap-no"
    shapes = [folder / "DCAT-AP-NO-shacl_shapes_2.00.ttl"]
    imports = [folder / "ontologies.ttl"]
    good = Graph().parse(folder / "examples" / "DCAT-AP-NO2.0-examples.ttl")
    assert _violations(good, shapes, imports) == []
    shapes_graph = Graph().parse(shapes[0])
    _, report, _ = shacl_validate(
        Graph().parse(folder / "examples" / "test.ttl"),
        shacl_graph=shapes_graph,
        allow_warnings=True,
    )
    assert isinstance(report, Graph)
    assert len(list(report.objects(None, SH.result))) == 17


def test_catalogue_conforms_to_dcat_ap_no(release: Release) -> None:
    folder = DCAT_SHAPES / "dcat-ap-no"
    catalogue = Graph().parse(release.path / "metadata" / "catalog.ttl")
    assert (
        _violations(
            catalogue, [folder / "DCAT-AP-NO-shacl_shapes_2.00.ttl"], [folder / "ontologies.ttl"]
        )
        == []
    )


@pytest.mark.parametrize(
    "shapes",
    [
        "shapes.ttl",
        "range.ttl",
        "mdr-vocabularies.shape.ttl",
        "shapes_recommended.ttl",
        "deprecateduris.ttl",
    ],
)
def test_catalogue_conforms_to_dcat_ap_3(release: Release, shapes: str) -> None:
    folder = DCAT_SHAPES / "dcat-ap-3.0.1"
    catalogue = Graph().parse(release.path / "metadata" / "catalog.ttl")
    imports = [folder / "imports.ttl", folder / "mdr_imports.ttl"]
    assert _violations(catalogue, [folder / shapes], imports) == []


def test_catalogue_in_every_syntax_says_the_same(release: Release) -> None:
    folder = release.path / "metadata"
    turtle = Graph().parse(folder / "catalog.ttl", format="turtle")
    assert isomorphic(turtle, Graph().parse(folder / "catalog.rdf", format="xml"))
    assert isomorphic(turtle, jsonld_graph(folder / "catalog.jsonld"))


def test_catalogue_describes_the_release(release: Release) -> None:
    catalogue = Graph().parse(release.path / "metadata" / "catalog.ttl")
    base = f"https://w3id.org/politiraad/release/{release.version}/"
    dataset = URIRef(base + "dataset")
    publisher = URIRef("https://data.brreg.no/enhetsregisteret/api/enheter/958935420")
    assert catalogue.value(dataset, DCTERMS.publisher) == publisher
    themes = set(catalogue.objects(dataset, URIRef(DCAT + "theme")))
    eu = "http://publications.europa.eu/resource/authority/data-theme/"
    assert themes == {URIRef(eu + "JUST"), URIRef(eu + "GOVE")}
    period = catalogue.value(dataset, DCTERMS.temporal)
    assert catalogue.value(period, URIRef(DCAT + "startDate")) == Literal(
        "2022-11-17", datatype=XSD.date
    )
    assert URIRef("https://sws.geonames.org/3143244/") in set(
        catalogue.objects(dataset, DCTERMS.spatial)
    )
    assert catalogue.value(dataset, DCTERMS.issued) == Literal(DATE, datatype=XSD.date)
    downloads = {
        str(o)
        for d in catalogue.objects(dataset, URIRef(DCAT + "distribution"))
        for o in catalogue.objects(d, URIRef(DCAT + "downloadURL"))
    }
    for name in ("dumps/politiraad.ttl", "csv/meetings.csv", "validation/report.ttl"):
        assert base + name in downloads
        assert (release.path / name).is_file()
    services = set(catalogue.subjects(RDF.type, URIRef(DCAT + "DataService")))
    assert {str(catalogue.value(s, URIRef(DCAT + "endpointURL"))) for s in services} == {
        "https://w3id.org/politiraad/sparql"
    }
    conforms = {str(o) for o in catalogue.objects(dataset, DCTERMS.conformsTo)}
    assert ("https://w3id.org/politiraad/shapes" in conforms) == release.conforms


def test_validation_report_is_published(release: Release) -> None:
    report = Graph().parse(release.path / "validation" / "report.ttl")
    node = URIRef(f"https://w3id.org/politiraad/release/{release.version}/validation/report")
    assert report.value(node, SH.conforms) == Literal(release.conforms)
    found = json.loads((release.path / "validation" / "report.json").read_text(encoding="utf-8"))
    assert found["conforms"] == release.conforms
    assert len(list(report.objects(node, SH.result))) == len(found["results"])


# ----------------------------------------------------------------------- reproducible output


def test_same_input_gives_byte_identical_release(release: Release, tmp_path: Path) -> None:
    again = make_release(PROJECT_ROOT, tmp_path / "elsewhere", date=DATE, workers=1)
    first = {p.relative_to(release.path).as_posix(): p for p in files_of(release.path)}
    second = {p.relative_to(again.path).as_posix(): p for p in files_of(again.path)}
    assert sorted(first) == sorted(second)
    different = [n for n in first if first[n].read_bytes() != second[n].read_bytes()]
    assert different == []


def test_skolem_iris_depend_on_the_graph_not_on_labels() -> None:
    p = ox.NamedNode("http://example.org/p")
    q = ox.NamedNode("http://example.org/q")
    s = ox.NamedNode("http://example.org/s")

    def quads(a: str, b: str) -> list[ox.Quad]:
        return [
            ox.Quad(s, p, ox.BlankNode(a)),
            ox.Quad(ox.BlankNode(a), q, ox.Literal("one")),
            ox.Quad(ox.BlankNode(a), p, ox.BlankNode(b)),
            ox.Quad(ox.BlankNode(b), q, ox.Literal("two")),
        ]

    first = skolem_iris(quads("x1", "x2"))
    second = skolem_iris(list(reversed(quads("zz", "aa"))))
    assert first["x1"] == second["zz"] and first["x2"] == second["aa"]
    assert first["x1"] != first["x2"]


# ------------------------------------------------------------------------------ disclosure


def _plant_exempt(root: Path) -> None:
    restricted = root / "data" / "restricted"
    restricted.mkdir(parents=True)
    (restricted / "situation-brief.ttl").write_text(
        "@base <https://w3id.org/politiraad/id/> .\n"
        "@prefix pol: <https://w3id.org/politiraad/ontology#> .\n"
        f'<meeting/2025-10-13/situation-brief> pol:content "{MARKER} in the restricted graph" .\n',
        encoding="utf-8",
    )
    meeting = root / "data" / "meetings" / "2025-10-13.ttl"
    meeting.write_text(
        meeting.read_text(encoding="utf-8")
        + "\n@prefix pol: <https://w3id.org/politiraad/ontology#> .\n"
        "@prefix dcterms: <http://purl.org/dc/terms/> .\n"
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        "<meeting/2025-10-13/situation-brief>\n"
        f'    pol:content "{MARKER} content" ;\n'
        f'    dcterms:description "{MARKER} description"@nb ;\n'
        f'    pol:summary "{MARKER} summary"@nb ;\n'
        f'    rdfs:seeAlso [ rdfs:label "{MARKER} in a blank node" ] .\n'
        f'<meeting/2025-10-13/situation-brief#part-1> rdfs:comment "{MARKER} in a fragment" .\n',
        encoding="utf-8",
    )


def _found_in(folder: Path, marker: str) -> list[str]:
    needle = marker.lower().encode()
    found = []
    for path in files_of(folder):
        data = path.read_bytes()
        if path.suffix == ".gz":
            data = gzip.decompress(data)
        if needle in data.lower():
            found.append(path.relative_to(folder).as_posix())
    return found


def test_exempt_content_never_appears_in_any_published_byte(
    project_copy: Path, tmp_path: Path
) -> None:
    _plant_exempt(project_copy)
    assert MARKER in (project_copy / "data" / "meetings" / "2025-10-13.ttl").read_text()
    out = tmp_path / "out"
    release = make_release(project_copy, out, date=DATE)
    assert _found_in(out, MARKER) == []
    # The exempt document still exists, with its title and its exemption.
    dump = Graph().parse(release.path / "dumps" / "politiraad.ttl")
    brief = ID["meeting/2025-10-13/situation-brief"]
    assert dump.value(brief, DCTERMS.accessRights) == URIRef(EXEMPT)
    assert dump.value(brief, DCTERMS.title) == Literal("Situasjonsbrief fra politiet", lang="nb")
    assert set(dump.predicate_objects(brief)) == {
        (RDF.type, URIRef("https://w3id.org/politiraad/ontology#Document")),
        (DCTERMS.title, Literal("Situasjonsbrief fra politiet", lang="nb")),
        (DCTERMS.accessRights, URIRef(EXEMPT)),
    }
    assert (release.path / "page" / "meeting" / "2025-10-13" / "situation-brief.html").is_file()
    assert release.disclosure.withheld_statements >= 5


def test_restricted_graph_in_an_nquads_file_is_never_published(tmp_path: Path) -> None:
    source = tmp_path / "corpus.nq"
    thing = f"{ID}meeting/2025-10-13/secret"
    source.write_text(
        f"<{thing}> <{RDF.type}> <https://w3id.org/politiraad/ontology#Document> "
        f"<{GRAPH}meeting/2025-10-13> .\n"
        f'<{thing}> <{DCTERMS.title}> "Hemmelig"@nb <{GRAPH}meeting/2025-10-13> .\n'
        f"<{thing}> <{DCTERMS.accessRights}> <{EXEMPT}> <{GRAPH}meeting/2025-10-13> .\n"
        f'<{thing}> <{DCTERMS.description}> "{MARKER}"@nb <{GRAPH}meeting/2025-10-13> .\n'
        f'<{thing}> <{DCTERMS.description}> "{MARKER} restricted"@nb <{GRAPH}restricted> .\n'
        f'<{ID}meeting/2025-10-13> <{DCTERMS.title}> "Møte"@nb <{GRAPH}meeting/2025-10-13> .\n',
        encoding="utf-8",
    )
    out = tmp_path / "out"
    release = make_release(PROJECT_ROOT, out, from_nquads=source, version="x1", site=False)
    assert release.disclosure.restricted_quads_skipped == 1
    assert _found_in(out, MARKER) == []
    assert str(GRAPH) + "restricted" not in (release.path / "dumps" / "politiraad.trig").read_text()


def test_disclosure_drops_blank_nodes_only_an_exempt_thing_used() -> None:
    """Also blank nodes the build has already skolemised: they have no name of their own."""
    thing = ox.NamedNode(f"{ID}document/x")
    other = ox.NamedNode(f"{ID}document/y")
    shared = ox.BlankNode("shared")
    own = ox.BlankNode("own")
    skolemised = ox.NamedNode(GENID + "already-skolemised")  # as politiraad build leaves them
    p = ox.NamedNode("http://example.org/p")
    label = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
    data = public_dataset(
        [
            ox.Quad(thing, ox.NamedNode(f"{DCTERMS}accessRights"), ox.NamedNode(EXEMPT)),
            ox.Quad(thing, p, own),
            ox.Quad(own, label, ox.Literal("secret")),
            ox.Quad(thing, p, skolemised),
            ox.Quad(skolemised, label, ox.Literal("also secret")),
            ox.Quad(thing, p, shared),
            ox.Quad(other, p, shared),
            ox.Quad(shared, label, ox.Literal("public")),
        ]
    )
    text = "".join(data.nquads())
    assert "secret" not in text
    assert "public" in text
    assert data.disclosure.exempt_things == [thing.value]


# --------------------------------------------------------------------------------- changes


def test_changelog_shows_a_planted_change(project_copy: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    first = make_release(project_copy, out, version="1.0", site=False)
    meeting = project_copy / "data" / "meetings" / "2023-01-13.ttl"
    text = meeting.read_text(encoding="utf-8")
    old_title = "Møte i Politirådet i Oslo 13.01.2023"
    assert f'"{old_title}"@nb' in text
    meeting.write_text(text.replace(f'"{old_title}"@nb', '"Endret tittel"@nb', 1), "utf-8")
    people = project_copy / "data" / "reference" / "people.ttl"
    people.write_text(
        people.read_text(encoding="utf-8")
        + "\n<person/planted-person> a <https://schema.org/Person> ;\n"
        '    <http://www.w3.org/2004/02/skos/core#prefLabel> "Planted Person" .\n',
        encoding="utf-8",
    )
    (project_copy / "data" / "meetings" / "2023-01-13.mentions.ttl").unlink()
    second = make_release(project_copy, out, version="1.1", site=False)
    assert second.previous == "1.0"
    diff = second.diff
    assert diff is not None and not diff.equal
    by_entity = {e.entity: e for e in diff.entities}
    changed = by_entity[f"<{ID}meeting/2023-01-13>"]
    assert changed.status == "changed"
    assert changed.changed() == [
        (
            f"<{ID}meeting/2023-01-13>",
            f"<{DCTERMS.title}>",
            [f'"{old_title}"@nb'],
            ['"Endret tittel"@nb'],
        )
    ]
    assert by_entity[f"<{ID}person/planted-person>"].status == "new"
    removed = [e for e in diff.entities if "/mention/" in e.entity]
    assert removed and all(e.status == "removed" and not e.added for e in removed)

    markdown = (second.path / "changes" / "changelog.md").read_text(encoding="utf-8")
    assert "Endret tittel" in markdown and old_title in markdown
    assert "Planted Person" in markdown
    rdf = Graph().parse(second.path / "changes" / "changelog.ttl")
    cs = "http://purl.org/vocab/changeset/schema#"
    sets = set(rdf.subjects(URIRef(cs + "subjectOfChange"), ID["meeting/2023-01-13"]))
    assert len(sets) == 1
    added = {
        rdf.value(st, RDF.object) for st in rdf.objects(next(iter(sets)), URIRef(cs + "addition"))
    }
    assert added == {Literal("Endret tittel", lang="nb")}
    html = (second.path / "changes" / "changelog.html").read_text(encoding="utf-8")
    assert "Endret tittel" in html
    catalogue = Graph().parse(second.path / "metadata" / "catalog.ttl")
    assert catalogue.value(
        URIRef("https://w3id.org/politiraad/release/1.1/dataset"),
        URIRef(DCAT + "previousVersion"),
    ) == URIRef("https://w3id.org/politiraad/release/1.0/dataset")
    # The diff of the files agrees with the diff the release made.
    files = diff_quads(
        load_quads(first.path), load_quads(second.path / "dumps" / "politiraad.trig")
    )
    assert [e.entity for e in files.entities] == [e.entity for e in diff.entities]
    assert diff_quads(load_quads(first.path), load_quads(first.path)).equal


# ------------------------------------------------------------------------------------ site


def test_static_site_relative_links_resolve(release: Release) -> None:
    root = release.path.resolve()
    broken = []
    checked = 0
    for page in root.rglob("*.html"):
        for url in links(page.read_text(encoding="utf-8")):
            if re.match(r"^[a-z][a-z0-9+.-]*:", url) or url.startswith(("#", "?", "//")):
                continue
            path = re.split(r"[?#]", url, maxsplit=1)[0]
            from urllib.parse import unquote

            target = (page.parent / unquote(path)).resolve()
            checked += 1
            if not target.is_file() or root not in target.parents:
                broken.append(f"{page.relative_to(root)} -> {url}")
    assert checked > 1000
    assert broken == []


def test_static_site_links_nothing_it_does_not_hold(release: Release) -> None:
    """Every link of the static site is a file of the release, the live service's search,
    SPARQL, JSON API and feeds, a pinned release address or a thing's permanent IRI: never an
    RDF document only the live service has (the N-Triples and RDF/XML of a thing are in the
    dumps)."""
    root = release.path.resolve()
    live = "https://w3id.org/politiraad/"
    allowed = tuple(live + p for p in ("id/", "sparql", "search", "feeds/", "api/", "release/"))
    elsewhere = []
    twins: set[str] = set()
    for page in root.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        for url in links(text):
            if url.startswith(live) and not url.startswith(allowed):
                elsewhere.append(f"{page.relative_to(root)} -> {url}")
        twins |= set(re.findall(r'<link rel="alternate" type="([^"]+)" href="[^":]+"', text))
    assert elsewhere == []
    assert twins == {"text/turtle", "application/ld+json"}
    html = (root / "page" / "meeting" / "2023-01-13.html").read_text(encoding="utf-8")
    assert 'href="2023-01-13.ttl"' in html and 'href="2023-01-13.jsonld"' in html
    assert ".nt" not in "".join(links(html)) and ".rdf" not in "".join(links(html))


def test_page_queries_are_answered_from_the_indexes_as_sparql_answers_them(
    public: PublicDataset,
) -> None:
    """The static site answers the page queries of one thing by index look-ups: every thing of
    the bundled data gets the rows SPARQL gives, in the same order."""
    from politiraad_graph.publish.dataset import parse_terms
    from politiraad_graph.publish.site import _StoreRunner
    from webapp.search import named

    store = ox.Store()
    store.bulk_extend(parse_terms(public.quads))
    runner = _StoreRunner(store)
    named_terms = {
        term.value
        for quad in store.quads_for_pattern(None, None, None)
        for term in (quad.subject, quad.object)
        if isinstance(term, ox.NamedNode)
    }
    things = [*sorted(named_terms), f"{ID}person/nobody"]
    assert len(things) > 1000
    for name in ("thing-outgoing", "thing-incoming", "thing-evidence", "thing-sources"):
        text = named(name).text
        different = []
        for thing in things:
            bindings = {"thing": URIRef(thing)}
            fast = runner.run(text, bindings=bindings).result
            slow = runner.store.query(text, bindings=bindings)
            if name == "thing-sources":  # no ORDER BY: the page makes a set of them
                fast_rows = sorted(str(r["source"]) for r in fast.rows)
                slow_rows = sorted(str(r["source"]) for r in slow.rows)
                same = fast_rows == slow_rows and len(fast.rows) == len(slow.rows)
            else:
                same = fast == slow
            if not same:
                different.append(thing)
        # A changed query file is answered by SPARQL again: this says the look-up is lost.
        assert runner._kinds[text] is not None, f"{name}.rq changed: update site._PATTERN_QUERIES"
        assert different == [], name
    exists = named("thing-exists").text
    for thing in (things[0], things[-1], f"{ID}meeting/2023-01-13"):
        bindings = {"thing": URIRef(thing)}
        assert runner.run(exists, bindings=bindings).result == runner.store.query(
            exists, bindings=bindings
        )
    assert runner._kinds[exists] is not None
    # Anything else, and a thing bound to something other than an IRI, goes to SPARQL.
    other = runner.run("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }").result
    assert int(other.rows[0]["n"]) == len(public.union)
    literal = {"thing": Literal("meeting/2023-01-13")}
    text = named("thing-outgoing").text
    assert runner.run(text, bindings=literal).result == runner.store.query(text, bindings=literal)


def test_a_site_renderer_that_fails_is_an_error_not_a_hang(
    public: PublicDataset, tmp_path: Path
) -> None:
    from politiraad_graph.publish.site import SiteError, build_site

    missing = tmp_path / "no-such-dump.nq.gz"
    with pytest.raises(SiteError, match=r"site renderer failed: .*no-such-dump"):
        build_site(
            public,
            tmp_path / "site",
            project_root=PROJECT_ROOT,
            live="https://w3id.org/politiraad/",
            dump=missing,
            workers=2,
        )


def test_every_entity_has_a_page_and_its_twins(release: Release, public: PublicDataset) -> None:
    assert release.site is not None and release.site.failed == []
    things = {
        s[len(f"<{ID}") : -1].split("#", 1)[0]
        for _, s, _, _ in public.quads
        if s.startswith(f"<{ID}")
    }
    assert release.site.entity_pages == len(things)
    page = release.path / "page" / "meeting" / "2023-01-13"
    for suffix in (".html", ".ttl", ".jsonld"):
        assert page.with_suffix(suffix).is_file()
    turtle = Graph().parse(page.with_suffix(".ttl"), format="turtle")
    jsonld = jsonld_graph(page.with_suffix(".jsonld"))
    assert isomorphic(turtle, jsonld)
    assert (
        ID["meeting/2023-01-13"],
        RDF.type,
        URIRef("https://w3id.org/politiraad/ontology#Meeting"),
    ) in turtle
    html = page.with_suffix(".html").read_text(encoding="utf-8")
    assert 'href="2023-01-13.ttl"' in html or "2023-01-13.ttl" in html


def test_sitemap_lists_the_pages_by_their_pinned_address(release: Release) -> None:
    sitemap = (release.path / "sitemap.xml").read_text(encoding="utf-8")
    urls = re.findall(r"<loc>([^<]+)</loc>", sitemap)
    base = f"https://w3id.org/politiraad/release/{release.version}/"
    assert all(u.startswith(base) for u in urls)
    assert base + "index.html" in urls
    assert base + "page/meeting/2023-01-13.html" in urls
    assert len(urls) == sum(1 for _ in release.path.rglob("*.html"))


def test_docs_describe_ontology_topics_shapes_and_queries(release: Release) -> None:
    docs = release.path / "docs"
    ontology = (docs / "ontology.html").read_text(encoding="utf-8")
    assert "pol:Meeting" in ontology and "pol:evidence some pol:Passage" in ontology
    topics = (docs / "topics.html").read_text(encoding="utf-8")
    assert "Vold som tjeneste" in topics or "violence-as-a-service" in topics
    assert "Tråden gjennom møtene" in topics
    shapes = (docs / "shapes.html").read_text(encoding="utf-8")
    assert "polsh:ExemptContent_Shape" in shapes
    queries = (docs / "queries.html").read_text(encoding="utf-8")
    assert "cq01-meetings" in queries
    assert (docs / "queries" / "cq01-meetings.rq").is_file()


def test_release_is_renamed_into_place_and_leaves_nothing_behind(release: Release) -> None:
    folder = release.path.parent
    assert [p.name for p in folder.iterdir() if p.name.startswith(".")] == []
    summary = json.loads((release.path / "release.json").read_text(encoding="utf-8"))
    assert summary["version"] == release.version and summary["date"] == DATE
    assert summary["triples"] == release.triples


def test_a_failed_release_leaves_the_previous_one(project_copy: Path, tmp_path: Path) -> None:
    from politiraad_graph.publish import PublishError

    out = tmp_path / "out"
    first = make_release(project_copy, out, version="1", site=False)
    before = (first.path / "SHA256SUMS").read_bytes()
    broken = project_copy / "data" / "meetings" / "2023-01-13.ttl"
    broken.write_text(broken.read_text(encoding="utf-8") + "\n<oops", encoding="utf-8")
    with pytest.raises(PublishError, match=r"2023-01-13\.ttl"):
        make_release(project_copy, out, version="1", site=False)
    assert (first.path / "SHA256SUMS").read_bytes() == before
    assert sorted(p.name for p in (out / "release").iterdir()) == ["1"]
    shutil.rmtree(out)


def test_links_become_relative_files_or_live_addresses() -> None:
    from politiraad_graph.publish.site import Linker, crawlable, page_file

    linker = Linker(
        frozenset({"meeting/2023-01-13", "person/x"}),
        {"/": "home.html", "/meetings": "meetings.html"},
        "https://example.org/politiraad/",
    )
    here = "page/meeting/2023-01-13.html"
    assert linker.rewrite("/page/person/x", here) == "../person/x.html"
    assert linker.rewrite("/id/person/x#a", here) == "../person/x.html#a"
    assert linker.rewrite("/data/meeting/2023-01-13.ttl", here) == "2023-01-13.ttl"
    assert linker.rewrite("/meetings?year=2023", here) == "../../meetings.html?year=2023"
    assert linker.rewrite("/static/style.css", "home.html") == "static/style.css"
    assert linker.rewrite("/sparql", here) == "https://example.org/politiraad/sparql"
    assert linker.rewrite("/page/person/unknown", here) == (
        "https://example.org/politiraad/page/person/unknown"
    )
    assert linker.rewrite("https://elsewhere.org/x", here) == "https://elsewhere.org/x"
    assert linker.rewrite("?lang=en", here) == "?lang=en"
    html = '<a href="/page/person/x?a=1&amp;b=2">x</a>'
    assert linker.html(html, here) == '<a href="../person/x.html?a=1&amp;b=2">x</a>'
    assert crawlable("/topics?lang=en") == "/topics"
    assert crawlable("/page/person/x") is None and crawlable("/search") is None
    assert page_file("/") == "home.html" and page_file("/topics") == "topics.html"


def test_public_graph_is_the_curated_graph_when_nothing_is_withheld(
    public: PublicDataset, curated_union: Graph
) -> None:
    """The bundled exempt document has only its title: nothing is lost on the way to a release."""
    assert public.disclosure.withheld_statements == 0
    assert len(public.union) == len(curated_union)
    assert isomorphic(public_graph(public), curated_union)
