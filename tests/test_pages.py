"""The entity pages: every route, content negotiation, RDF twins, JSON-LD, feeds and search."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import pyoxigraph as ox
import pytest
from flask.testing import FlaskClient
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import SKOS

from politiraad_graph.store.oxigraph import to_rdflib
from webapp.search import fold, stem, tokens

BASE = "https://w3id.org/politiraad/id/"
POL = "https://w3id.org/politiraad/ontology#"
RUNE = "person/rune-alstadsaeter"
CHILDREN = "topic/children-and-youth-in-crime"

ENTITY_PAGES = {
    "meeting": "meeting/2025-10-13",
    "meeting-2023": "meeting/2023-01-13",
    "meeting-2026": "meeting/2026-01-29",
    "planned meeting": "meeting/2023-04-21",
    "source": "source/2025-10-13",
    "person": RUNE,
    "organisation": "organisation/opd",
    "unit": "organisation/opd-enhet-ost",
    "council": "council/politiradet-oslo",
    "programme": "programme/salto",
    "programme with amounts": "programme/oslomodellen",
    "programme with efforts": "programme/ipo",
    "plan": "plan/salto-handlingsprogram-2023-2025",
    "agreement": "plan/politiradsavtale-2026-2028",
    "topic": CHILDREN,
    "renamed topic": "topic/efforts-in-vulnerable-areas",
    "follow-up point": "followup/2025-4",
    "status update": "followup/2025-4/status/2026-01-29",
    "place": "place/mortensrud",
    "agenda item": "meeting/2023-01-13/item/9",
    "decision": "meeting/2023-01-13/decision/3",
    "participation": "meeting/2025-10-13/participation/rune-alstadsaeter",
    "post holding": "meeting/2023-01-13/post-holding/rune-alstadsaeter",
    "post": "post/opd-kommunikasjonsdirektor",
    "amount": "meeting/2026-01-29/amount/1",
    "effort": "meeting/2026-01-29/ipo/hovseter",
    "incident": "incident/bislett-2025",
    "document": "meeting/2025-10-13/situation-brief",
    "concept": "concept/meeting-type/extraordinary",
    "code list": "concept/meeting-type",
}

OTHER_PAGES = [
    "/",
    "/meetings",
    "/topics",
    "/people",
    "/organisations",
    "/places",
    "/programmes",
    "/followups",
    "/followups?year=2025",
    "/followups?status=" + BASE + "concept/followup-status/continuous",
    "/search",
    "/search?q=Alstads%C3%A6ter",
    "/search?q=ungdom&type=passage",
]

FORMATS = {
    "ttl": ("text/turtle", "turtle"),
    "jsonld": ("application/ld+json", "json-ld"),
    "nt": ("application/n-triples", "nt"),
    "rdf": ("application/rdf+xml", "xml"),
}


class Page(HTMLParser):
    """Collect what tests look at in an HTML page: scripts, links, ids, text."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.scripts: list[tuple[dict[str, str | None], str]] = []
        self.links: list[str] = []
        self.ids: list[str] = []
        self.text: list[str] = []
        self.attributes: list[tuple[str, str, str | None]] = []
        self._script: dict[str, str | None] | None = None
        self._script_text: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        for key, value in attrs:
            self.attributes.append((tag, key, value))
        if "id" in found and found["id"] is not None:
            self.ids.append(found["id"])
        if tag == "a" and found.get("href"):
            self.links.append(str(found["href"]))
        if tag == "script":
            self._script = found
            self._script_text = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._script is not None:
            self.scripts.append((self._script, "".join(self._script_text)))
            self._script = None

    def handle_data(self, data: str) -> None:
        if self._script is not None:
            self._script_text.append(data)
        else:
            self.text.append(data)

    @property
    def plain(self) -> str:
        return " ".join(" ".join(self.text).split())

    def jsonld(self) -> dict[str, object]:
        found = [text for attrs, text in self.scripts if attrs.get("type") == "application/ld+json"]
        assert len(found) == 1, "every page embeds exactly one JSON-LD block"
        data: dict[str, object] = json.loads(found[0])
        return data


def get_page(client: FlaskClient, url: str) -> Page:
    response = client.get(url)
    assert response.status_code == 200, url
    assert response.mimetype == "text/html"
    return Page(response.get_data(as_text=True))


# --- Every route --------------------------------------------------------------------------------


def a_mention(client: FlaskClient) -> str:
    """The path of some mention of a topic (mention IRIs follow their passage, so look one up)."""
    data = client.get("/data/topic/recruitment-of-minors.nt").get_data(as_text=True)
    graph = Graph().parse(data=data, format="nt")
    mention = next(
        graph.subjects(URIRef(POL + "mentionOf"), URIRef(BASE + "topic/recruitment-of-minors"))
    )
    return str(mention)[len(BASE) :]


@pytest.mark.parametrize(
    "path", [*ENTITY_PAGES.values(), "mention"], ids=[*ENTITY_PAGES, "mention"]
)
def test_every_entity_page_renders_with_frame(pages_client: FlaskClient, path: str) -> None:
    if path == "mention":
        path = a_mention(pages_client)
    page = get_page(pages_client, f"/page/{path}")
    text = page.plain
    assert BASE + path in page.links, "a permalink to the thing's IRI"
    for ext in FORMATS:
        assert f"/data/{path}.{ext}" in page.links, f"a link to the {ext} twin"
    assert "https://data.norge.no/nlod/no/2.0" in page.links, "the licence"
    assert "Kilder" in text
    data = page.jsonld()
    assert data["@context"] == "https://schema.org"
    assert data["@id"] == BASE + path
    assert data["license"] == "https://data.norge.no/nlod/no/2.0"
    # Labels, never raw IRIs, in the visible text (the permalink is the one exception).
    assert text.count(BASE) == 1


@pytest.mark.parametrize("url", OTHER_PAGES)
def test_every_other_page_renders(pages_client: FlaskClient, url: str) -> None:
    page = get_page(pages_client, url)
    assert "https://data.norge.no/nlod/no/2.0" in page.links
    page.jsonld()
    assert "Permanent lenke http://localhost" in page.plain, "the page's own address"
    assert BASE not in re.sub(r"http://localhost\S*", "", page.plain)


def test_pages_have_no_inline_script_or_style(pages_client: FlaskClient) -> None:
    entity_pages = [f"/page/{p}" for p in [*ENTITY_PAGES.values(), a_mention(pages_client)]]
    for url in [*OTHER_PAGES, *entity_pages]:
        page = get_page(pages_client, url)
        for attrs, _ in page.scripts:
            assert attrs.get("type") == "application/ld+json", url
        assert not [a for a in page.attributes if a[1] == "style" or a[1].startswith("on")], url
    csp = pages_client.get("/").headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp


def test_english_switch(pages_client: FlaskClient) -> None:
    response = pages_client.get(f"/page/{CHILDREN}?lang=en")
    html = response.get_data(as_text=True)
    assert '<html lang="en">' in html
    assert "Children and youth in crime" in html
    assert "The thread" in html
    assert "lang=en" in response.headers.get("Set-Cookie", "")
    # The choice sticks through the cookie; the link back keeps the page.
    again = pages_client.get(f"/page/{CHILDREN}").get_data(as_text=True)
    assert "The thread" in again
    assert f'href="/page/{CHILDREN}?lang=nb"' in again
    pages_client.get("/?lang=nb")
    norsk = pages_client.get(f"/page/{CHILDREN}").get_data(as_text=True)
    assert '<html lang="nb">' in norsk
    assert "Barn og unge i kriminalitet" in norsk and "Tråden" in norsk


def test_norwegian_text_on_english_page_is_marked(pages_client: FlaskClient) -> None:
    html = pages_client.get("/page/meeting/2025-10-13?lang=en").get_data(as_text=True)
    pages_client.get("/?lang=nb")
    assert '<span lang="nb">Ekstraordinært møte i Politirådet i Oslo 13.10.2025</span>' in html


# --- Content negotiation --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("accept", "target"),
    [
        (None, f"/page/{RUNE}"),
        ("*/*", f"/page/{RUNE}"),
        ("text/html", f"/page/{RUNE}"),
        ("application/xhtml+xml", f"/page/{RUNE}"),
        ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", f"/page/{RUNE}"),
        ("text/turtle", f"/data/{RUNE}.ttl"),
        ("application/x-turtle", f"/data/{RUNE}.ttl"),
        ("application/ld+json", f"/data/{RUNE}.jsonld"),
        ("application/n-triples", f"/data/{RUNE}.nt"),
        ("application/rdf+xml", f"/data/{RUNE}.rdf"),
        ("text/turtle;q=0.9, text/html;q=0.5", f"/data/{RUNE}.ttl"),
        ("text/html;q=0.5, application/ld+json;q=0.8", f"/data/{RUNE}.jsonld"),
        ("text/html;q=0.9, text/turtle;q=0.1", f"/page/{RUNE}"),
        ("text/turtle;q=0, */*;q=0.1", f"/page/{RUNE}"),
        ("image/png, application/n-triples;q=0.2", f"/data/{RUNE}.nt"),
    ],
)
def test_thing_uri_redirects_by_accept(
    pages_client: FlaskClient, accept: str | None, target: str
) -> None:
    headers = {"Accept": accept} if accept is not None else {}
    response = pages_client.get(f"/id/{RUNE}", headers=headers)
    assert response.status_code == 303
    assert response.headers["Location"] == target
    assert "Accept" in response.headers["Vary"]


@pytest.mark.parametrize(
    ("fmt", "target"),
    [
        ("ttl", f"/data/{RUNE}.ttl"),
        ("turtle", f"/data/{RUNE}.ttl"),
        ("jsonld", f"/data/{RUNE}.jsonld"),
        ("nt", f"/data/{RUNE}.nt"),
        ("rdf", f"/data/{RUNE}.rdf"),
        ("text/turtle", f"/data/{RUNE}.ttl"),
        ("html", f"/page/{RUNE}"),
    ],
)
def test_format_parameter_overrides_accept(
    pages_client: FlaskClient, fmt: str, target: str
) -> None:
    response = pages_client.get(
        f"/id/{RUNE}", query_string={"format": fmt}, headers={"Accept": "application/rdf+xml"}
    )
    assert response.status_code == 303
    assert response.headers["Location"] == target


@pytest.mark.parametrize(
    ("accept", "query"),
    [("image/png", {}), ("text/plain", {}), ("text/turtle;q=0", {}), (None, {"format": "pdf"})],
)
def test_unsupported_format_is_406(
    pages_client: FlaskClient, accept: str | None, query: dict[str, str]
) -> None:
    headers = {"Accept": accept} if accept else {}
    response = pages_client.get(f"/id/{RUNE}", headers=headers, query_string=query)
    assert response.status_code == 406
    assert "Accept" in response.headers["Vary"]
    assert "Turtle" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "url",
    [
        "/id/person/nobody-at-all",
        "/page/person/nobody-at-all",
        "/data/person/nobody-at-all.ttl",
        "/data/person/nobody-at-all.jsonld",
        f"/data/{RUNE}.pdf",
        "/page/person/with space",
        "/page/person/%3Cscript%3E",
        "/feeds/topic/nothing-here.atom",
        f"/feeds/{RUNE}.atom",
    ],
)
def test_unknown_things_are_404(pages_client: FlaskClient, url: str) -> None:
    response = pages_client.get(url, headers={"Accept": "text/turtle"})
    assert response.status_code == 404


@pytest.mark.parametrize(
    "path", [RUNE, "meeting/2025-10-13", CHILDREN, "source/2023-01-13", "organisation/opd"]
)
def test_rdf_parses_and_is_isomorphic_across_formats(pages_client: FlaskClient, path: str) -> None:
    graphs = {}
    for ext, (media_type, parser) in FORMATS.items():
        response = pages_client.get(f"/data/{path}.{ext}")
        assert response.status_code == 200
        assert response.mimetype == media_type
        assert response.headers["Content-Type"].endswith("charset=utf-8")
        assert f"<{BASE}{path}>" in response.headers["Link"]
        body = response.get_data(as_text=True)
        # Oxigraph's parsers read every format, JSON-LD included; rdflib checks the others.
        graphs[ext] = parse_with_oxigraph(body, ox.RdfFormat.from_media_type(media_type))
        assert len(graphs[ext]) > 0
        if ext != "jsonld":
            assert isomorphic(Graph().parse(data=body, format=parser), graphs[ext]), ext
    for ext, graph in graphs.items():
        assert isomorphic(graph, graphs["ttl"]), ext


def parse_with_oxigraph(body: str, rdf_format: ox.RdfFormat | None) -> Graph:
    assert rdf_format is not None
    graph = Graph()
    for quad in ox.parse(body.encode("utf-8"), format=rdf_format):
        graph.add((to_rdflib(quad.subject), to_rdflib(quad.predicate), to_rdflib(quad.object)))
    return graph


def test_description_has_outgoing_and_incoming_links_with_labels(
    pages_client: FlaskClient,
) -> None:
    text = pages_client.get(f"/data/{RUNE}.ttl").get_data(as_text=True)
    graph = Graph().parse(data=text, format="turtle")
    rune = URIRef(BASE + RUNE)
    assert (rune, SKOS.prefLabel, Literal("Rune Alstadsæter")) in graph
    holding = URIRef(BASE + "meeting/2023-01-13/post-holding/rune-alstadsaeter")
    assert (holding, URIRef("https://w3id.org/politiraad/ontology#holder"), rune) in graph
    # the passages of a source text come with the source's document (hash IRIs)
    source = Graph().parse(
        data=pages_client.get("/data/source/2025-10-13.nt").get_data(as_text=True), format="nt"
    )
    passage = URIRef(BASE + "source/2025-10-13#char=219,349")
    assert (passage, URIRef("http://www.w3.org/ns/oa#start"), None) in source


# --- What the pages show -------------------------------------------------------------------


def test_home_has_timeline_topics_counts_and_search(pages_client: FlaskClient) -> None:
    page = get_page(pages_client, "/")
    text = page.plain
    assert "Møtene på en tidslinje" in text
    for year in ("2022", "2023", "2025", "2026"):
        assert year in text
    assert (
        text.index("13. januar 2023")
        < text.index("13. oktober 2025")
        < text.index("29. januar 2026")
    )
    assert "Mest omtalte temaer" in text and "Barn og unge i kriminalitet" in text
    assert re.search(r"Møter 1[0-9]", text), "the count of meetings"
    assert 'action="/search"' in pages_client.get("/").get_data(as_text=True)
    assert page.jsonld()["@type"] == "Dataset"


def test_meeting_page(pages_client: FlaskClient) -> None:
    page = get_page(pages_client, "/page/meeting/2025-10-13")
    text = page.plain
    assert "ekstraordinært møte" in text
    assert "13. oktober 2025" in text and "12:30–13:40" in text
    assert "Rådhuset, byrådslederens møterom" in text
    assert "Ida Melbo Øystese" in text and "politimester" in text
    assert "Unntatt offentlighet" in text, "the exempt situation brief is marked"
    assert "Korte orienteringer fra politimester og byrådsleder" in text
    assert "Forrige møte" in text and "Neste møte" in text
    assert "/page/meeting/2025-10-31" in page.links
    assert "char=219,349" in page.ids, "the passages of the source are anchored"
    assert len(page.ids) == len(set(page.ids)), "ids are unique"
    assert "/page/person/ida-melbo-oystese" in page.links
    data = page.jsonld()
    assert data["@type"] == "Event" and str(data["startDate"]).startswith("2025-10-13T12:30")


def test_meeting_page_participants_grouped_by_organisation(pages_client: FlaskClient) -> None:
    html = pages_client.get("/page/meeting/2025-10-13").get_data(as_text=True)
    section = html[html.index('id="participants-h"') : html.index('id="agenda-h"')]
    opd = section.index('href="/page/organisation/opd"')
    assert opd < section.index("Ida Melbo Øystese")
    assert "medlem" in section and "observatør" in section


def test_meeting_2023_decisions_and_scheduled_meetings(pages_client: FlaskClient) -> None:
    text = get_page(pages_client, "/page/meeting/2023-01-13").plain
    assert "Politirådsavtale 2023–2025 ble vedtatt og undertegnet" in text
    assert "Møte i Politirådet i Oslo 21.04.2023" in text
    assert "Møter satt opp i dette møtet" in text


def test_source_page_highlights_every_passage(pages_client: FlaskClient) -> None:
    html = pages_client.get("/page/source/2023-01-13").get_data(as_text=True)
    page = Page(html)
    anchors = [i for i in page.ids if i.startswith("char=")]
    assert len(anchors) > 100
    assert html.count("<mark") >= len(anchors)
    assert html.count("<mark") == html.count("</mark>")
    assert "Hva passasjene støtter" in page.plain
    assert "a01fc9c2d06d0bde" in page.plain, "the checksum of the file"


def test_person_page_shows_posts_over_time(pages_client: FlaskClient) -> None:
    page = get_page(pages_client, f"/page/{RUNE}")
    text = page.plain
    assert text.index("13. januar 2023") < text.index("13. oktober 2025")
    assert "kommunikasjonsdirektør" in text
    assert "ny i stillingen" in text
    assert "medlem" in text
    assert page.jsonld()["@type"] == "Person"


def test_organisation_page(pages_client: FlaskClient) -> None:
    text = get_page(pages_client, "/page/organisation/opd").plain
    assert "Enhet øst" in text or "enhet øst" in text.lower()
    assert "Ida Melbo Øystese" in text
    assert "Omtaler per møte" in text


def test_programme_page_versions_in_order(pages_client: FlaskClient) -> None:
    text = get_page(pages_client, "/page/programme/salto").plain
    assert text.index("2023–2025") < text.index("2026–2028")
    assert "vedtatt" in text


def test_programme_amounts_by_year(pages_client: FlaskClient) -> None:
    text = get_page(pages_client, "/page/programme/oslomodellen").plain
    assert "40\u00a0000\u00a0000 kr" in text or "40 000 000 kr" in text
    assert "26\u00a0000\u00a0000 kr" in text or "26 000 000 kr" in text


def test_ipo_efforts_by_unit(pages_client: FlaskClient) -> None:
    text = get_page(pages_client, "/page/programme/ipo").plain
    assert "Hovseter" in text and "Majorstua" in text and "Holmlia" in text


def test_topic_thread_in_date_order_with_narrower_topics(pages_client: FlaskClient) -> None:
    html = pages_client.get(f"/page/{CHILDREN}").get_data(as_text=True)
    thread = html[html.index('id="thread-h"') :]
    dates = re.findall(r'<h3><time datetime="(\d{4}-\d{2}-\d{2})"', thread)
    assert dates == sorted(dates)
    assert {d[:4] for d in dates} >= {"2023", "2025", "2026"}
    for narrower in (
        "Vold blant jevnaldrende",
        "Violence as a service",
        "Rekruttering av barn og unge til kriminalitet",
    ):
        assert narrower in thread
    assert "unge under 18 år som ble registrert med 10" in " ".join(thread.split())
    assert "<svg" in html and 'role="img"' in html and html.count('class="bar"') >= 3


def test_renamed_topic_links_to_its_new_name(pages_client: FlaskClient) -> None:
    page = get_page(pages_client, "/page/topic/efforts-in-vulnerable-areas")
    assert "Videreført som" in page.plain
    assert "/page/topic/efforts-in-priority-areas" in page.links
    newer = get_page(pages_client, "/page/topic/efforts-in-priority-areas")
    assert "Viderefører" in newer.plain
    # the thread follows the rename: 2023 entries appear on the new topic's page too
    assert "13. januar 2023" in newer.plain and "29. januar 2026" in newer.plain


def test_followup_tracker_and_filters(pages_client: FlaskClient) -> None:
    every = get_page(pages_client, "/followups").plain
    assert every.count("Oppfølgingspunkt 2025-") >= 7
    assert "Siste status" in every and "Statushistorikk" in every
    continuous = BASE + "concept/followup-status/continuous"
    some = get_page(pages_client, f"/followups?status={continuous}").plain
    assert 0 < some.count("Oppfølgingspunkt 2025-") < every.count("Oppfølgingspunkt 2025-")
    none = get_page(pages_client, "/followups?year=1999").plain
    assert "Oppfølgingspunkt 2025-" in none, "an unknown year is ignored, not an error"
    owner = get_page(pages_client, f"/followups?responsible={BASE}organisation/opd").plain
    assert owner.count("Oppfølgingspunkt 2025-") <= every.count("Oppfølgingspunkt 2025-")


def test_place_page_by_meeting(pages_client: FlaskClient) -> None:
    text = get_page(pages_client, "/page/place/mortensrud").plain
    assert text.index("2023") < text.index("2026")
    assert "Hva som skjedde her" in text


# --- Search -----------------------------------------------------------------------------------


def test_folding_and_stemming() -> None:
    assert fold("Alstadsæter") == fold("ALSTADSAETER") == fold("alstadsater")
    assert fold("Tøyen") == "toyen"
    assert stem("bydelene") == stem("bydeler") == stem("bydel")
    assert tokens("Barn og unge!") == ["barn", "og", "ung"]


@pytest.mark.parametrize("query", ["Alstadsæter", "alstadsaeter", "ALSTADSÆTER", "Alstadsater"])
def test_search_finds_the_person_however_spelt(pages_client: FlaskClient, query: str) -> None:
    page = get_page(pages_client, f"/search?q={query}")
    hits = [link for link in page.links if link.startswith("/page/")]
    assert f"/page/{RUNE}" in hits
    assert hits.index(f"/page/{RUNE}") == 0, "the person ranks first"


def test_search_stems_and_has_facets(pages_client: FlaskClient) -> None:
    page = get_page(pages_client, "/search?q=bydelene")
    text = page.plain
    assert "treff" in text and "Avgrens" in text
    assert "Type" in text and "År" in text and "Møte" in text
    narrowed = get_page(pages_client, "/search?q=bydelene&type=passage&year=2025")
    assert all(
        "/page/source/2025-10-13" in link
        for link in narrowed.links
        if link.startswith("/page/source/")
    )
    assert "fjern" in narrowed.plain


def test_search_by_topic_facet(pages_client: FlaskClient) -> None:
    page = get_page(pages_client, f"/search?q=ungdom&topic={BASE}{CHILDREN}")
    assert "treff" in page.plain


def test_search_api(pages_client: FlaskClient) -> None:
    data = pages_client.get("/api/search?q=Alstads%C3%A6ter").get_json()
    assert data["hits"][0]["iri"] == BASE + RUNE
    assert "type" in data["facets"]
    assert pages_client.get("/api/search").get_json()["total"] == 0


def test_list_api(pages_client: FlaskClient) -> None:
    people = pages_client.get("/api/list/people").get_json()
    assert {"iri": BASE + RUNE, "kind": "person", "name": "Rune Alstadsæter"}.items() <= next(
        p for p in people if p["iri"] == BASE + RUNE
    ).items()
    assert pages_client.get("/api/list/nothing").status_code == 404
    page = get_page(pages_client, "/people")
    assert "/api/list/people" in page.links, "the list links to its JSON twin"


def test_followups_api(pages_client: FlaskClient) -> None:
    data = pages_client.get("/api/followups?year=2025").get_json()
    assert len(data) == 7
    assert all(point["statuses"] for point in data)


# --- Feeds ------------------------------------------------------------------------------------

ATOM = "{http://www.w3.org/2005/Atom}"


def test_meetings_feed(pages_client: FlaskClient) -> None:
    response = pages_client.get("/feeds/meetings.atom")
    assert response.mimetype == "application/atom+xml"
    root = ET.fromstring(response.get_data())
    entries = root.findall(f"{ATOM}entry")
    assert len(entries) >= 3
    updated = [e.findtext(f"{ATOM}updated") or "" for e in entries]
    assert updated == sorted(updated, reverse=True)
    assert any((e.findtext(f"{ATOM}id") or "") == BASE + "meeting/2025-10-13" for e in entries)


def test_topic_feed(pages_client: FlaskClient) -> None:
    response = pages_client.get(f"/feeds/{CHILDREN}.atom")
    assert response.status_code == 200
    root = ET.fromstring(response.get_data())
    assert root.findtext(f"{ATOM}id") == BASE + CHILDREN
    entries = root.findall(f"{ATOM}entry")
    years = [(e.findtext(f"{ATOM}updated") or "")[:4] for e in entries]
    assert {"2023", "2025", "2026"} <= set(years)
    page = get_page(pages_client, f"/page/{CHILDREN}")
    assert f"/feeds/{CHILDREN}.atom" in page.links


# --- The page queries ------------------------------------------------------------------------


def test_every_page_query_is_named_typed_and_parses() -> None:
    from rdflib.plugins.sparql.parser import parseQuery

    from politiraad_graph.queries import library
    from webapp.search import PAGE_QUERIES

    found = library(PAGE_QUERIES)
    assert len(found) >= 20
    for name, query in found.items():
        assert query.titles.get("nb") and query.titles.get("en"), name
        assert query.description("en"), name
        assert "{" + "}" not in query.text and "%s" not in query.text, name
        parseQuery(query.text)
        for parameter in query.parameters:
            assert f"?{parameter.name}" in query.text, (name, parameter.name)
