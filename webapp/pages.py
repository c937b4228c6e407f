"""Entity pages for staff: a page for every thing, a thread for every topic, and cool URIs.

Every ``{base}id/{path}`` IRI is answered at ``/id/{path}``: browsers are sent (303) to the HTML
page ``/page/{path}``, RDF clients to ``/data/{path}.{ext}``; ``?format=`` overrides ``Accept``.
Each page is built from named queries in ``webapp/page_queries/`` (see ``webapp/search.py``) and
rendered server-side: no JavaScript is needed, text comes in Norwegian bokmål or English.
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from markupsafe import Markup, escape
from rdflib import Graph, Literal, URIRef
from rdflib.term import Node
from werkzeug.wrappers import Response as BaseResponse

from politiraad_graph.namespaces import bind_prefixes
from politiraad_graph.queries import ParameterError
from webapp import negotiation
from webapp import search as store
from webapp.i18n import current_lang
from webapp.negotiation import BY_NAME, named_format
from webapp.search import (
    POL,
    SCHEMA,
    SKOS,
    Catalogue,
    MentionRow,
    Text,
    catalogue,
    pick_text,
    text_of,
)
from webapp.urls import RDF_FORMATS, base_iri, data_url, iri_for, page_url, thing_path

bp = Blueprint("pages", __name__)

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
DCTERMS = "http://purl.org/dc/terms/"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
OA = "http://www.w3.org/ns/oa#"
PROV = "http://www.w3.org/ns/prov#"
ORG = "http://www.w3.org/ns/org#"
XSD = "http://www.w3.org/2001/XMLSchema#"

#: What a thing's URI answers, in our order of preference: its page, then its RDF documents (a
#: format's name is the extension of the document's URL).
PAGE_FORMATS = tuple(BY_NAME[name] for name in ("html", "ttl", "jsonld", "nt", "rdf"))

LICENCE_URL = "https://data.norge.no/nlod/no/2.0"

# --- The words of the interface ---------------------------------------------------------------

WORDS: dict[str, tuple[str, str]] = {
    # key: (bokmål, English)
    "site": ("Politirådet i Oslo", "Oslo Police Council"),
    "graph": ("kunnskapsgraf", "knowledge graph"),
    "intro": (
        "Politirådet i Oslo er samarbeidsorganet der Oslo kommune og Oslo politidistrikt møtes. "
        "Her er møtereferatene gjort om til åpne, lenkede data: møter, saker, personer, "
        "organisasjoner, steder, programmer, temaer og oppfølgingspunkter. Hver opplysning viser "
        "til setningen i referatet den bygger på.",
        "The Oslo Police Council is where the City of Oslo and the Oslo Police District meet. "
        "Here its minutes are turned into open linked data: meetings, agenda items, people, "
        "organisations, places, programmes, topics and follow-up points. Every fact points to the "
        "sentence of the minutes it rests on.",
    ),
    "search": ("Søk", "Search"),
    "search_label": ("Søk i møtereferatene", "Search the minutes"),
    "search_placeholder": ("Navn, sted, tema eller ord", "Name, place, topic or word"),
    "search_button": ("Søk", "Search"),
    "meetings": ("Møter", "Meetings"),
    "topics": ("Temaer", "Topics"),
    "people": ("Personer", "People"),
    "organisations": ("Organisasjoner", "Organisations"),
    "places": ("Steder", "Places"),
    "programmes": ("Programmer og planer", "Programmes and plans"),
    "followups": ("Oppfølgingspunkter", "Follow-up points"),
    "main_menu": ("Hovedmeny", "Main menu"),
    "skip": ("Hopp til innholdet", "Skip to content"),
    "language": ("Språk", "Language"),
    "timeline": ("Møtene på en tidslinje", "The meetings on a timeline"),
    "busiest": ("Mest omtalte temaer", "Busiest topics"),
    "counts": ("Innhold", "Contents"),
    "mentions": ("omtaler", "mentions"),
    "in_meetings": ("møter", "meetings"),
    "licence": ("Lisens", "Licence"),
    "licence_text": ("Data: Politirådet i Oslo, lisens", "Data: Oslo Police Council, licence"),
    "sources": ("Kilder", "Sources"),
    "sources_default": ("Møtereferatene fra Politirådet i Oslo.", "The minutes of the council."),
    "permalink": ("Permanent lenke", "Permalink"),
    "and_more": ("og %d til", "and %d more"),
    "twins": ("Maskinlesbare utgaver", "Machine-readable versions"),
    "feed": ("Atom-feed", "Atom feed"),
    "feed_meetings": ("Nye møter", "New meetings"),
    "feed_topic": ("Nytt om temaet", "New on this topic"),
    "type": ("Type", "Type"),
    "date": ("Dato", "Date"),
    "time": ("Tid", "Time"),
    "place": ("Sted", "Place"),
    "status": ("Status", "Status"),
    "council": ("Råd", "Council"),
    "convened_by": ("Innkalt av", "Convened by"),
    "date_basis": ("Datogrunnlag", "Date basis"),
    "note": ("Redaksjonell merknad", "Editorial note"),
    "participants": ("Deltakere", "Participants"),
    "no_participants": (
        "Referatet oppgir ikke hvem som deltok.",
        "The minutes do not list the participants.",
    ),
    "person": ("Person", "Person"),
    "role": ("Rolle", "Role"),
    "post": ("Stilling", "Post"),
    "posts": ("Stillinger", "Posts"),
    "organisation": ("Organisasjon", "Organisation"),
    "without_organisation": ("Uten oppgitt organisasjon", "No organisation stated"),
    "agenda": ("Dagsorden", "Agenda"),
    "item": ("Sak", "Item"),
    "presented_by": ("Lagt fram av", "Presented by"),
    "attachments": ("Vedlegg og dokumenter", "Attachments and documents"),
    "jointly": ("Behandlet sammen med", "Treated jointly with"),
    "exempt": ("Unntatt offentlighet", "Exempt from public disclosure"),
    "exempt_text": (
        "Innholdet er unntatt offentlighet og vises ikke.",
        "The content is exempt from public disclosure and is not shown.",
    ),
    "decisions": ("Beslutninger", "Decisions"),
    "decision": ("Beslutning", "Decision"),
    "signatories": ("Undertegnet av", "Signed by"),
    "scheduled_for": ("Satt opp til", "Scheduled for"),
    "concerns": ("Gjelder", "Concerns"),
    "amounts": ("Beløp", "Amounts"),
    "efforts": ("Innsats i prioriterte områder", "Efforts in priority areas"),
    "holdings": ("Stillinger nevnt i referatet", "Posts named in the minutes"),
    "acting": ("fungerende", "acting"),
    "new_in_post": ("ny i stillingen", "new in the post"),
    "previous_meeting": ("Forrige møte", "Previous meeting"),
    "next_meeting": ("Neste møte", "Next meeting"),
    "scheduled_meetings": ("Møter satt opp i dette møtet", "Meetings scheduled in this meeting"),
    "scheduled_in": ("Satt opp i", "Scheduled in"),
    "source_text": ("Kildeteksten", "The source text"),
    "source_intro": (
        "Referatet ordrett. Markerte passasjer er det opplysningene bygger på; tallene viser "
        "til listen over hva hver passasje støtter.",
        "The minutes verbatim. Highlighted passages are what the facts rest on; the numbers "
        "lead to the list of what each passage supports.",
    ),
    "source_missing": (
        "Kildeteksten er ikke tilgjengelig på denne serveren.",
        "The source text is not available on this server.",
    ),
    "source_changed": (
        "Kildefilen er endret siden grafen ble bygget; passasjene markeres derfor ikke.",
        "The source file has changed since the graph was built, so passages are not marked.",
    ),
    "passages": ("Hva passasjene støtter", "What the passages support"),
    "passage": ("Passasje", "Passage"),
    "supports": ("Støtter", "Supports"),
    "back_to_text": ("Tilbake til teksten", "Back to the text"),
    "records": ("Referat fra", "Minutes of"),
    "file": ("Fil", "File"),
    "checksum": ("Sjekksum (SHA-256)", "Checksum (SHA-256)"),
    "timeline_posts": ("Stillinger over tid", "Posts over time"),
    "attested_in": ("belagt i", "attested in"),
    "meetings_roles": ("Møter og roller", "Meetings and roles"),
    "presented": ("Har lagt fram", "Presented"),
    "mentioned": ("Omtalt i referatene", "Mentioned in the minutes"),
    "mention_count": ("Omtaler per møte", "Mentions per meeting"),
    "parent": ("Del av", "Part of"),
    "units": ("Enheter", "Units"),
    "people_over_time": ("Personer for organisasjonen over tid", "People for it over time"),
    "other_links": ("Andre koblinger", "Other links"),
    "versions": ("Versjoner", "Versions"),
    "period": ("Periode", "Period"),
    "revises": ("Reviderer", "Revises"),
    "this_version": ("denne versjonen", "this version"),
    "programme": ("Program", "Programme"),
    "items_about": ("Saker", "Agenda items"),
    "amounts_by_year": ("Beløp per år", "Amounts by year"),
    "year": ("År", "Year"),
    "amount": ("Beløp", "Amount"),
    "payer": ("Betaler", "Payer"),
    "purpose": ("Formål", "Purpose"),
    "from_year": ("fra", "from"),
    "unit": ("Enhet", "Unit"),
    "as_of": ("Per", "As of"),
    "thread": ("Tråden", "The thread"),
    "thread_intro": (
        "Alt som gjelder temaet eller et smalere tema, i tidsrekkefølge, med sitatet som sier det.",
        "Everything that concerns the topic or a narrower one, in date order, with the quote that "
        "says so.",
    ),
    "thread_empty": ("Temaet er ikke omtalt i referatene ennå.", "No minutes mention it yet."),
    "chart_title": ("Omtaler per møte", "Mentions per meeting"),
    "chart_title_year": ("Omtaler per år", "Mentions per year"),
    "thread_pages": ("Sider i tråden", "Pages of the thread"),
    "earlier": ("Tidligere", "Earlier"),
    "later": ("Senere", "Later"),
    "broader": ("Bredere tema", "Broader topic"),
    "narrower": ("Smalere temaer", "Narrower topics"),
    "related": ("Beslektede temaer", "Related topics"),
    "replaced_by": ("Videreført som", "Continued as"),
    "replaces": ("Viderefører", "Continues"),
    "see_also": ("Se også", "See also"),
    "definition": ("Definisjon", "Definition"),
    "also_called": ("Også kalt", "Also called"),
    "tagged_as": ("merket", "tagged"),
    "in_meeting": ("i møtet", "in the meeting"),
    "whole_meeting": ("Møtet generelt", "The meeting in general"),
    "read_in_source": ("Les i referatet", "Read in the minutes"),
    "responsible": ("Ansvarlig", "Responsible"),
    "latest_status": ("Siste status", "Latest status"),
    "history": ("Statushistorikk", "Status history"),
    "origin": ("Satt i", "Set in"),
    "reported_in": ("lagt fram i", "reported in"),
    "filter": ("Filtrer", "Filter"),
    "all": ("Alle", "All"),
    "show": ("Vis", "Show"),
    "no_status": ("Ingen status rapportert", "No status reported"),
    "none_found": ("Ingen treff.", "Nothing found."),
    "what_happened": ("Hva som skjedde her", "What happened here"),
    "contained_in": ("Ligger i", "Within"),
    "contains": ("Steder innenfor", "Places within"),
    "not_in_meeting": ("Uten møte", "Not tied to a meeting"),
    "properties": ("Opplysninger", "Facts"),
    "incoming": ("Det som viser hit", "What links here"),
    "named_here": ("Nevner", "Names"),
    "evidence": ("Belegg i referatet", "Evidence in the minutes"),
    "results": ("treff", "results"),
    "results_for": ("Treff for", "Results for"),
    "refine": ("Avgrens", "Refine"),
    "remove_filter": ("fjern", "remove"),
    "facet_type": ("Type", "Type"),
    "facet_year": ("År", "Year"),
    "facet_meeting": ("Møte", "Meeting"),
    "facet_topic": ("Tema", "Topic"),
    "not_found": ("Fant ikke siden", "Page not found"),
    "not_found_text": (
        "Det finnes ingenting med denne adressen i grafen.",
        "There is nothing with this address in the graph.",
    ),
    "not_acceptable": ("Formatet støttes ikke", "Format not supported"),
    "not_acceptable_text": (
        "Tilgjengelige formater: HTML, Turtle, JSON-LD, N-Triples og RDF/XML.",
        "Available formats: HTML, Turtle, JSON-LD, N-Triples and RDF/XML.",
    ),
    "home": ("Forside", "Home"),
    "browse": ("Bla gjennom", "Browse"),
    "yes": ("ja", "yes"),
    "no": ("nei", "no"),
    "followup_point": ("Oppfølgingspunkt", "Follow-up point"),
    "mention_of": ("Omtale av", "Mention of"),
    "effort": ("Innsats", "Effort"),
    "status_of": ("status", "status"),
    "kind_meeting": ("Møte", "Meeting"),
    "kind_item": ("Sak", "Agenda item"),
    "kind_decision": ("Beslutning", "Decision"),
    "kind_followup": ("Oppfølgingspunkt", "Follow-up point"),
    "kind_status": ("Statusoppdatering", "Status update"),
    "kind_participation": ("Møtedeltakelse", "Participation"),
    "kind_holding": ("Stillingsinnehav", "Post holding"),
    "kind_amount": ("Pengebeløp", "Amount of money"),
    "kind_effort": ("Innsats i prioritert område", "Priority-area effort"),
    "kind_mention": ("Omtale", "Mention"),
    "kind_passage": ("Passasje", "Passage"),
    "kind_source": ("Kildetekst", "Source text"),
    "kind_person": ("Person", "Person"),
    "kind_organisation": ("Organisasjon", "Organisation"),
    "kind_post": ("Stilling", "Post"),
    "kind_place": ("Sted", "Place"),
    "kind_programme": ("Program", "Programme"),
    "kind_plan": ("Plan eller avtale", "Plan or agreement"),
    "kind_incident": ("Hendelse", "Incident"),
    "kind_document": ("Dokument", "Document"),
    "kind_scheme": ("Kodeliste", "Code list"),
    "kind_concept": ("Begrep", "Concept"),
    "kind_topic": ("Tema", "Topic"),
    "kind_thing": ("Ting", "Thing"),
}

MONTHS = {
    "nb": [
        "januar",
        "februar",
        "mars",
        "april",
        "mai",
        "juni",
        "juli",
        "august",
        "september",
        "oktober",
        "november",
        "desember",
    ],
    "en": [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ],
}

# Names of properties outside our ontology (ours have rdfs:label in the graph).
PROPERTY_NAMES: dict[str, tuple[str, str]] = {
    RDF_TYPE: ("type", "type"),
    SKOS + "prefLabel": ("navn", "name"),
    SKOS + "altLabel": ("også kalt", "also called"),
    SKOS + "definition": ("definisjon", "definition"),
    SKOS + "editorialNote": ("redaksjonell merknad", "editorial note"),
    SKOS + "broader": ("bredere", "broader"),
    SKOS + "narrower": ("smalere", "narrower"),
    SKOS + "related": ("beslektet", "related"),
    SKOS + "inScheme": ("i kodeliste", "in scheme"),
    SKOS + "topConceptOf": ("toppbegrep i", "top concept of"),
    SKOS + "hasTopConcept": ("har toppbegrep", "has top concept"),
    SKOS + "notation": ("kode", "notation"),
    DCTERMS + "title": ("tittel", "title"),
    DCTERMS + "description": ("beskrivelse", "description"),
    DCTERMS + "accessRights": ("tilgang", "access rights"),
    DCTERMS + "date": ("dato", "date"),
    DCTERMS + "isReplacedBy": ("videreført som", "continued as"),
    DCTERMS + "replaces": ("viderefører", "continues"),
    DCTERMS + "creator": ("utgitt av", "creator"),
    DCTERMS + "subject": ("emne", "subject"),
    DCTERMS + "language": ("språk", "language"),
    DCTERMS + "spatial": ("sted", "place"),
    DCTERMS + "isPartOf": ("del av", "part of"),
    DCTERMS + "license": ("lisens", "licence"),
    RDFS + "label": ("navn", "label"),
    RDFS + "seeAlso": ("se også", "see also"),
    PROV + "wasRevisionOf": ("reviderer", "revises"),
    PROV + "wasDerivedFrom": ("bygger på", "derived from"),
    ORG + "unitOf": ("enhet i", "unit of"),
    ORG + "subOrganizationOf": ("del av", "part of"),
    ORG + "postIn": ("stilling i", "post in"),
    SCHEMA + "startDate": ("dato", "date"),
    SCHEMA + "endDate": ("sluttdato", "end date"),
    SCHEMA + "startTime": ("starttid", "start time"),
    SCHEMA + "endTime": ("sluttid", "end time"),
    SCHEMA + "location": ("sted", "place"),
    SCHEMA + "containedInPlace": ("ligger i", "within"),
    SCHEMA + "givenName": ("fornavn", "given name"),
    SCHEMA + "familyName": ("etternavn", "family name"),
    SCHEMA + "value": ("beløp", "value"),
    SCHEMA + "currency": ("valuta", "currency"),
    OA + "exact": ("sitat", "quote"),
    OA + "hasSource": ("kilde", "source"),
    OA + "start": ("start", "start"),
    OA + "end": ("slutt", "end"),
}


def w(key: str) -> str:
    """Return an interface text in the page language."""
    nb, en = WORDS[key]
    return en if current_lang() == "en" else nb


@bp.app_context_processor
def _template_helpers() -> dict[str, Any]:
    return {
        "w": w,
        "name": name,
        "link": link,
        "kind_name": kind_name,
        "fmt_date": fmt_date,
        "lang_switch_url": lang_switch_url,
        "licence_url": LICENCE_URL,
        "catalogue_kind": lambda iri: catalogue().kind(str(iri)),
    }


_LANG_TAG = re.compile(r"[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*")


@bp.app_template_filter("t")
def text_filter(value: object) -> Markup:
    """Show a text from the graph, marking its language when it differs from the page's."""
    if (
        isinstance(value, Text)
        and value.lang
        and value.lang.split("-")[0] != current_lang()
        and _LANG_TAG.fullmatch(value.lang)
    ):
        return Markup(f'<span lang="{value.lang}">{escape(value)}</span>')
    return escape(value)


def _with_args(url: str) -> str:
    """A URL with this request's query string (but not its language choice)."""
    args = [(k, v) for k, v in request.args.items(multi=True) if k != "lang"]
    return url + ("?" + urlencode(args) if args else "")


def lang_switch_url(lang: str) -> str:
    """This page in another language, keeping its query string."""
    args = [(k, v) for k, v in request.args.items(multi=True) if k != "lang"]
    return request.path + "?" + urlencode([*args, ("lang", lang)])


# --- Names and values --------------------------------------------------------------------------


def fmt_date(value: object, short: bool = False) -> str:
    """Write a date (xsd:date, gYearMonth or gYear) the Norwegian or the English way."""
    text = str(value or "")
    lang = current_lang()
    match = re.fullmatch(r"(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?", text[:10])
    if not match:
        return text
    year, month, day = match.groups()
    if month and not 1 <= int(month) <= 12:
        return text  # an ill-typed date from the data is shown as it is written
    if short and day:
        return f"{day}.{month}.{year}"
    if not month:
        return year
    month_name = MONTHS[lang][int(month) - 1]
    if not day:
        return f"{month_name} {year}"
    return f"{int(day)} {month_name} {year}" if lang == "en" else f"{int(day)}. {month_name} {year}"


def kind_name(kind: str) -> str:
    key = f"kind_{kind}"
    return w(key) if key in WORDS else w("kind_thing")


def _humanise(iri: str) -> Text:
    tail = iri.rstrip("/").rsplit("/", 1)[-1].rsplit("#", 1)[-1]
    words = tail.replace("-", " ").replace("_", " ").strip()
    return Text(words[:1].upper() + words[1:] if words else iri)


def _short(text: str, limit: int = 90) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def meeting_date(names: Catalogue, meeting: str) -> str:
    return str(names.first(meeting, "start") or names.first(meeting, "approx") or "")


def name(iri: object, names: Catalogue | None = None) -> Text:
    """The name a page shows for a thing: its label in the page language, or one made for it."""
    key = str(iri)
    names = names or catalogue()
    lang = current_lang()
    for label_key in ("pref", "title", "rdfs"):
        found = pick_text(names.all(key, label_key), lang)
        if found:
            return found
    return _derived_name(key, names, lang)


def _derived_name(iri: str, names: Catalogue, lang: str) -> Text:
    kind = names.kind(iri)
    first = names.first
    if kind == "participation" and first(iri, "participant"):
        meeting = first(iri, "meeting")
        when = fmt_date(meeting_date(names, str(meeting)), short=True) if meeting else ""
        return Text(f"{name(first(iri, 'participant'), names)} – {when}".rstrip(" –"))
    if kind == "holding" and first(iri, "holder"):
        post = first(iri, "post")
        post_name = name(post, names) if post else ""
        return Text(f"{name(first(iri, 'holder'), names)} – {post_name}".rstrip(" –"))
    if kind == "mention" and first(iri, "mentionOf"):
        target = name(first(iri, "mentionOf"), names)
        return Text(f"{w('mention_of')} {target}")
    if kind == "passage" and first(iri, "quote"):
        return Text("«" + _short(str(first(iri, "quote")), 80) + "»", "nb")
    if kind == "followup":
        year, number = first(iri, "year"), first(iri, "number")
        if year and number:
            return Text(f"{w('followup_point')} {year}-{number}")
    if kind == "status" and first(iri, "followUp"):
        return Text(
            f"{name(first(iri, 'followUp'), names)}, {w('status_of')} "
            f"{fmt_date(first(iri, 'date'), short=True)}"
        )
    if kind in {"decision", "amount"}:
        found = pick_text(names.all(iri, "description"), lang)
        if found:
            return Text(_short(found), found.lang)
    if kind == "effort" and names.all(iri, "location"):
        places = ", ".join(name(p, names) for p in names.all(iri, "location"))
        return Text(f"{w('effort')}: {places}")
    if not iri.startswith(store.id_base()):
        return _outside_name(iri)
    return _humanise(iri)


def _outside_name(iri: str) -> Text:
    lang = current_lang()
    if iri in PROPERTY_NAMES:
        nb, en = PROPERTY_NAMES[iri]
        return Text(en if lang == "en" else nb)
    for prefix, short in (
        (POL, "pol:"),
        (SCHEMA, "schema:"),
        (SKOS, "skos:"),
        (DCTERMS, "dcterms:"),
        (ORG, "org:"),
    ):
        if iri.startswith(prefix):
            return Text(short + iri[len(prefix) :])
    return Text(re.sub(r"^https?://", "", iri).rstrip("/"))


def link(iri: object, label: object = None) -> Markup:
    """A link to a thing's page with its name (or plain name for a thing with no local page)."""
    key = str(iri)
    shown = text_filter(label if label is not None else name(key))
    url = page_url(key)
    if url is None:
        if key.startswith(("http://", "https://")) and key not in PROPERTY_NAMES:
            return Markup(f'<a href="{escape(key)}" rel="external">{shown}</a>')
        return shown
    return Markup(f'<a href="{escape(url)}">{shown}</a>')


def property_name(iri: str) -> Text:
    names = catalogue()
    found = pick_text(names.all(iri, "rdfs"), current_lang())
    return found or _outside_name(iri)


def value_markup(node: Node) -> Markup:
    """Show an object of a statement: a link for a thing, a formatted literal otherwise."""
    if isinstance(node, URIRef):
        return link(str(node))
    if isinstance(node, Literal):
        datatype = str(node.datatype or "")
        if datatype in {XSD + "date", XSD + "gYearMonth", XSD + "gYear"}:
            return escape(fmt_date(str(node)))
        if datatype == XSD + "boolean":
            return escape(w("yes") if str(node).lower() in {"true", "1"} else w("no"))
        if datatype == XSD + "time":
            return escape(str(node)[:5])
        return text_filter(text_of(node))
    return escape(str(node))


def fmt_amount(value: object, currency: object = "NOK") -> str:
    """Write an amount with thin grouping: 40 000 000 kr."""
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return str(value)
    whole = f"{number:,.0f}".replace(",", "\u00a0")
    unit = "kr" if str(currency or "NOK") == "NOK" else str(currency)
    return f"{whole} {unit}" if current_lang() == "nb" else f"{unit.upper()} {whole}"


# --- Content negotiation and the RDF documents ------------------------------------------------


def negotiate() -> str | None:
    """Return 'html' or an RDF extension for this request, or None when nothing fits (406)."""
    wanted = request.args.get("format")
    if wanted is not None:
        named = named_format(wanted, PAGE_FORMATS)
        return named.name if named else None
    chosen = negotiation.negotiate(request.headers.get("Accept"), PAGE_FORMATS)
    return chosen[0].name if chosen else None


def _iri_or_404(path: str) -> str:
    """The IRI of a thing the graph knows, or 404 (the catalogue knows most; ASK the rest)."""
    if path != path.strip():
        abort(404)  # the bound parameter would be stripped: it would name another thing
    iri = iri_for(path)
    names = catalogue()
    if iri in names.types or iri in names.values:
        return iri
    try:
        exists = store.ask("thing-exists", thing=iri)
    except ParameterError:
        abort(404)
    if not exists:
        abort(404)
    return iri


def _vary(response: BaseResponse, *headers: str) -> BaseResponse:
    for header in headers:
        response.vary.add(header)
    return response


@bp.get("/id/<path:path>")
def thing(path: str) -> BaseResponse:
    """The cool URI of a thing: 303 to its HTML page or to an RDF document, by Accept."""
    chosen = negotiate()
    if chosen is None:
        return _vary(not_acceptable(), "Accept")
    iri = _iri_or_404(path)
    target = page_url(iri) if chosen == "html" else data_url(iri, chosen)
    if target is None:
        abort(404)
    return _vary(redirect(target, code=303), "Accept")


@bp.get("/data/<path:path>.<ext>")
def data(path: str, ext: str) -> Response:
    """One RDF document: the description of a thing in one format."""
    if ext not in RDF_FORMATS:
        abort(404)
    iri = _iri_or_404(path)
    media_type, serializer = RDF_FORMATS[ext]
    graph = description(iri)
    if serializer == "json-ld":
        body = graph.serialize(format="json-ld", context=_jsonld_context(graph), auto_compact=True)
    else:
        body = graph.serialize(format=serializer, encoding="utf-8").decode("utf-8")
    response = Response(body, mimetype=media_type)
    response.headers["Content-Type"] = f"{media_type}; charset=utf-8"
    response.headers["Link"] = f'<{iri}>; rel="describes", <{LICENCE_URL}>; rel="license"'
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


def description(iri: str) -> Graph:
    """The RDF a thing's IRI serves: outgoing and incoming links with their labels."""
    graph = bind_prefixes(Graph())
    graph.bind("id", base_iri() + "id/")
    for triple in store.construct("thing-description", thing=iri).graph:
        graph.add(triple)
    return graph


def _jsonld_context(graph: Graph) -> dict[str, str]:
    used = {str(p) for p in graph.predicates()} | {str(o) for o in graph.objects()}
    return {
        prefix: str(namespace)
        for prefix, namespace in graph.namespaces()
        if prefix and any(u.startswith(str(namespace)) for u in used)
    }


def not_acceptable() -> Response:
    body = render_template("pages/error.html", title=w("not_acceptable"), code=406)
    return Response(body, status=406, mimetype="text/html")


@bp.app_errorhandler(404)
def not_found(error: Exception) -> tuple[str, int]:
    return render_template("pages/error.html", title=w("not_found"), code=404), 404


# --- The page frame: licence, sources, permalink, twins, JSON-LD --------------------------------


def jsonld_script(data: Mapping[str, Any]) -> Markup:
    """Schema.org JSON-LD, escaped so no text from data can end the script element."""
    text = json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True)
    for raw, safe in (("&", "\\u0026"), ("<", "\\u003c"), (">", "\\u003e")):
        text = text.replace(raw, safe)
    text = text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    return Markup(text)


def external(url: str) -> str:
    return request.host_url.rstrip("/") + url


def frame(iri: str | None, title: str, **extra: Any) -> dict[str, Any]:
    """What every entity page shows around its content."""
    context: dict[str, Any] = {"iri": iri, "title": title, "twins": [], "feeds": []}
    if iri is not None:
        context["twins"] = [
            (BY_NAME[ext].label, data_url(iri, ext), RDF_FORMATS[ext][0]) for ext in RDF_FORMATS
        ]
        if "sources" not in extra:
            context["sources"] = page_sources(iri)
    context.update(extra)
    return context


def page_sources(iri: str) -> list[str]:
    """The source texts a page rests on: of the thing's own evidence and of the facts naming it."""
    found = {str(r["source"]) for r in store.select("thing-sources", thing=iri)}
    # A passage IRI is its source text's IRI with a #char= fragment (RFC 5147; docs/model.md).
    found |= {e.partition("#")[0] for e in outgoing(iri).iris(POL + "evidence")}
    names = catalogue()
    if names.kind(iri) == "source":
        found.add(iri)
    if names.kind(iri) == "meeting":
        found |= {str(s) for s in names.values.get(iri, {}).get("minutes", [])}
    return sorted(found)


def schema_thing(iri: str, kind: str, title: str, **fields: Any) -> dict[str, Any]:
    types = {
        "meeting": "Event",
        "person": "Person",
        "organisation": "GovernmentOrganization",
        "place": "Place",
        "topic": "DefinedTerm",
        "programme": "Project",
        "plan": "DigitalDocument",
        "source": "DigitalDocument",
        "document": "DigitalDocument",
        "followup": "Action",
        "item": "CreativeWork",
        "decision": "CreativeWork",
        "post": "Role",
        "incident": "Event",
    }
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": types.get(kind, "Thing"),
        "@id": iri,
        "name": str(title),
        "url": external(page_url(iri) or "/"),
        "license": LICENCE_URL,
    }
    data.update({k: v for k, v in fields.items() if v not in (None, "", [], {})})
    return data


# --- Small helpers over query rows -----------------------------------------------------------


def s(row: Mapping[str, Node], key: str) -> str:
    """A row value as a plain string ('' when unbound)."""
    value = row.get(key)
    return "" if value is None else str(value)


def group_facts(rows: Iterable[Mapping[str, Node]], subject: str = "fact") -> dict[str, Facts]:
    grouped: dict[str, Facts] = {}
    for row in rows:
        grouped.setdefault(s(row, subject), Facts()).add(s(row, "p"), row["o"])
    return grouped


@dataclass
class Facts:
    """The statements about one thing, by property."""

    values: dict[str, list[Node]] = field(default_factory=dict)

    def add(self, prop: str, value: Node) -> None:
        found = self.values.setdefault(prop, [])
        if value not in found:
            found.append(value)

    def all(self, prop: str) -> list[Node]:
        return self.values.get(prop, [])

    def iris(self, prop: str) -> list[str]:
        return sorted(str(v) for v in self.all(prop) if isinstance(v, URIRef))

    def one(self, prop: str) -> str:
        found = self.all(prop)
        return str(found[0]) if found else ""

    def text(self, prop: str) -> Text | None:
        return pick_text([text_of(v) for v in self.all(prop) if isinstance(v, Literal)], lang())

    def has_type(self, cls: str) -> bool:
        return URIRef(cls) in self.all(RDF_TYPE)

    def rows(self, skip: Iterable[str] = ()) -> list[tuple[Text, list[Markup]]]:
        """Every property but the skipped ones, named, with its values shown."""
        skipped = set(skip)
        shown = []
        for prop, values in self.values.items():
            if prop in skipped:
                continue
            rendered = sorted((value_markup(v) for v in values), key=str)
            shown.append((property_name(prop), rendered))
        return sorted(shown, key=lambda item: item[0].casefold())


def lang() -> str:
    return current_lang()


def outgoing(iri: str) -> Facts:
    """What the graph says about a thing (asked once per request)."""
    memo: dict[str, Facts] = g.setdefault("politiraad_outgoing", {})
    if iri not in memo:
        facts = Facts()
        for row in store.select("thing-outgoing", thing=iri):
            facts.add(s(row, "p"), row["o"])
        memo[iri] = facts
    return memo[iri]


def incoming(iri: str) -> dict[str, list[str]]:
    found: dict[str, list[str]] = defaultdict(list)
    for row in store.select("thing-incoming", thing=iri):
        found[s(row, "p")].append(s(row, "s"))
    return found


def evidence(iri: str) -> list[dict[str, Any]]:
    return [
        {
            "passage": s(r, "passage"),
            "exact": Text(s(r, "exact"), "nb"),
            "source": s(r, "source"),
            "url": page_url(s(r, "passage")),
        }
        for r in store.select("thing-evidence", thing=iri)
    ]


def sort_key_date(value: str) -> str:
    return value or "9999"


def is_exempt(names: Catalogue, iri: str) -> bool:
    return any(str(v).endswith("/concept/access-rights/exempt") for v in names.all(iri, "access"))


# --- Meetings: the list every page that orders meetings uses ---------------------------------


@dataclass
class MeetingRow:
    iri: str
    date: str
    end_date: str
    approx: str
    type: str
    status: str
    minutes: str
    location: str
    scheduled_in: str

    @property
    def when(self) -> str:
        return self.date or self.approx

    @property
    def year(self) -> str:
        return self.when[:4]


def all_meetings() -> list[MeetingRow]:
    """Every meeting, in date order (meetings known only by month or year by that)."""
    found: dict[str, MeetingRow] = {}
    for row in store.select("meetings"):
        iri = s(row, "meeting")
        if iri in found:
            continue
        found[iri] = MeetingRow(
            iri,
            s(row, "date"),
            s(row, "endDate"),
            s(row, "approx"),
            s(row, "type"),
            s(row, "status"),
            s(row, "minutes"),
            s(row, "location"),
            s(row, "scheduledIn"),
        )
    return sorted(found.values(), key=lambda m: (sort_key_date(m.when), m.iri))


# --- Routes: home, lists, entity pages ----------------------------------------------------------


@bp.get("/")
def home() -> str:
    names = catalogue()
    meetings = all_meetings()
    years: dict[str, list[MeetingRow]] = defaultdict(list)
    for meeting in meetings:
        years[meeting.year or "?"].append(meeting)
    busiest = busiest_topics(names)[:10]
    counted = (
        ("meetings", "meeting", "/meetings"),
        ("kind_item", "item", None),
        ("decisions", "decision", None),
        ("people", "person", "/people"),
        ("organisations", "organisation", "/organisations"),
        ("places", "place", "/places"),
        ("programmes", "programme", "/programmes"),
        ("topics", "topic", "/topics"),
        ("followups", "followup", "/followups"),
        ("kind_passage", "passage", None),
    )
    counts = [(w(label), len(names.things_of(kind)), url) for label, kind, url in counted]
    site = {
        "@context": "https://schema.org",
        "@type": "Dataset",
        "name": w("site") + " – " + w("graph"),
        "description": w("intro"),
        "url": external("/"),
        "license": LICENCE_URL,
        "inLanguage": ["nb", "en"],
        "creator": {"@type": "GovernmentOrganization", "name": "Politirådet i Oslo"},
        "potentialAction": {
            "@type": "SearchAction",
            "target": external("/search") + "?q={query}",
            "query-input": "required name=query",
        },
    }
    return render_template(
        "pages/home.html",
        **frame(
            None,
            w("site"),
            years=sorted(years.items()),
            busiest=busiest,
            counts=counts,
            jsonld=jsonld_script(site),
            feeds=[(w("feed_meetings"), url_for("feeds.meetings_feed"))],
        ),
    )


LISTS: dict[str, tuple[str, tuple[str, ...]]] = {
    "meetings": ("meetings", ("meeting",)),
    "topics": ("topics", ("topic",)),
    "people": ("people", ("person",)),
    "organisations": ("organisations", ("organisation",)),
    "places": ("places", ("place",)),
    "programmes": ("programmes", ("programme", "plan")),
}


@bp.get("/meetings", endpoint="meetings", defaults={"which": "meetings"})
@bp.get("/topics", endpoint="topics", defaults={"which": "topics"})
@bp.get("/people", endpoint="people", defaults={"which": "people"})
@bp.get("/organisations", endpoint="organisations", defaults={"which": "organisations"})
@bp.get("/places", endpoint="places", defaults={"which": "places"})
@bp.get("/programmes", endpoint="programmes", defaults={"which": "programmes"})
def browse(which: str) -> str:
    """A list of every thing of one kind, by name (meetings by date, topics as a tree)."""
    names = catalogue()
    word, kinds = LISTS[which]
    base = store.id_base()
    groups: list[tuple[str, list[tuple[str, int]]]] = []
    for kind in kinds:
        things = [i for i in names.things_of(kind) if i.startswith(base)]
        if kind == "meeting":
            order = {m.iri: n for n, m in enumerate(all_meetings())}
            entries = [(i, 0) for i in sorted(things, key=lambda i: order.get(i, 0), reverse=True)]
        elif kind == "topic":
            entries = _topic_tree(names, things)
        elif kind == "organisation":
            entries = _tree(names, things, ("unitOf", "subOrganizationOf"))
        else:
            entries = [(i, 0) for i in sorted(things, key=lambda i: name(i, names).casefold())]
        groups.append((kind_name(kind), entries))
    return render_template(
        "pages/list.html",
        **frame(
            None,
            w(word),
            groups=groups,
            jsonld=jsonld_script(_list_jsonld(groups, word)),
            api_twin=url_for("api.things", which=which),
        ),
    )


def _list_jsonld(groups: list[tuple[str, list[tuple[str, int]]]], word: str) -> dict[str, Any]:
    items = [
        {
            "@type": "ListItem",
            "position": n + 1,
            "url": external(page_url(i) or "/"),
            "name": name(i),
        }
        for n, (i, _) in enumerate(e for _, entries in groups for e in entries)
    ]
    return {
        "@context": "https://schema.org",
        "@type": "ItemList",
        "name": w(word),
        "itemListElement": items,
    }


def _topic_tree(names: Catalogue, topics: list[str]) -> list[tuple[str, int]]:
    children: dict[str, set[str]] = defaultdict(set)
    has_parent: set[str] = set()
    for topic in topics:
        for parent in names.all(topic, "broader"):
            children[str(parent)].add(topic)
            has_parent.add(topic)
        for child in names.all(topic, "narrower"):
            children[topic].add(str(child))
            has_parent.add(str(child))
    return _walk(names, [t for t in topics if t not in has_parent], children)


def _tree(names: Catalogue, things: list[str], keys: tuple[str, ...]) -> list[tuple[str, int]]:
    children: dict[str, set[str]] = defaultdict(set)
    has_parent: set[str] = set()
    known = set(things)
    for thing in things:
        for key in keys:
            for parent in names.all(thing, key):
                if str(parent) in known:
                    children[str(parent)].add(thing)
                    has_parent.add(thing)
    return _walk(names, [t for t in things if t not in has_parent], children)


def _walk(
    names: Catalogue, roots: list[str], children: Mapping[str, set[str]]
) -> list[tuple[str, int]]:
    entries: list[tuple[str, int]] = []
    seen: set[str] = set()

    def visit(thing: str, depth: int) -> None:
        if thing in seen:
            return
        seen.add(thing)
        entries.append((thing, depth))
        for child in sorted(children.get(thing, ()), key=lambda i: name(i, names).casefold()):
            visit(child, depth + 1)

    for root in sorted(roots, key=lambda i: name(i, names).casefold()):
        visit(root, 0)
    return entries


@bp.get("/page/<path:path>")
def page(path: str) -> str:
    """The HTML page of a thing, chosen by its kind."""
    iri = _iri_or_404(path)
    kind = catalogue().kind(iri)
    view = VIEWS.get(kind, thing_view)
    template, context = view(iri)
    return render_template(template, **context)


View = Callable[[str], tuple[str, dict[str, Any]]]


# --- Source texts with their passages highlighted ---------------------------------------------


@dataclass
class Passage:
    iri: str
    start: int
    end: int
    supports: list[tuple[str, str]] = field(default_factory=list)  # (fact, thing it mentions)
    number: int = 0
    target: str = ""  # where the passage links when it is a plain mention of one thing

    @property
    def anchor(self) -> str:
        return f"char={self.start},{self.end}"


@dataclass
class SourceText:
    state: str  # ok, missing, changed
    html: Markup = field(default_factory=Markup)
    notes: list[Passage] = field(default_factory=list)
    text: str = ""


_SOURCE_CACHE = "politiraad_sources"
_SOURCE_LOCK = threading.Lock()


def _source_cache() -> dict[tuple[str, str], tuple[str, str, list[Passage]]]:
    gen = store.generation()
    cache: dict[str, Any] = current_app.extensions.setdefault(_SOURCE_CACHE, {})
    if cache.get("generation") != gen:
        cache.clear()
        cache["generation"] = gen
        cache["entries"] = {}
        cache["rendered"] = {}
    entries: dict[tuple[str, str], tuple[str, str, list[Passage]]] = cache["entries"]
    return entries


def _load_source(source: str, file_name: str, checksum: str) -> tuple[str, str, list[Passage]]:
    """Read a source file (checking its checksum) and its passages; cached per generation."""
    entries = _source_cache()
    key = (source, file_name)
    if key in entries:
        return entries[key]
    folder = Path(current_app.config["POLITIRAAD"]["data_dir"]) / "data" / "sources"
    path = folder / Path(file_name).name
    state, text = "missing", ""
    if file_name and path.is_file():
        raw = path.read_bytes()
        text = raw.decode("utf-8", errors="replace")
        state = "ok" if not checksum or hashlib.sha256(raw).hexdigest() == checksum else "changed"
    passages: dict[str, Passage] = {}
    for row in store.select("source-passages", source=source):
        iri = s(row, "passage")
        try:
            start, end = int(s(row, "start")), int(s(row, "end"))
        except ValueError:
            continue
        passage = passages.setdefault(iri, Passage(iri, start, end))
        support = (s(row, "fact"), s(row, "mentionOf"))
        if support not in passage.supports:
            passage.supports.append(support)
    ordered = sorted(passages.values(), key=lambda p: (p.start, -p.end, p.iri))
    for number, passage in enumerate(ordered, start=1):
        passage.number = number
    with _SOURCE_LOCK:
        entries[key] = (state, text, ordered)
    return entries[key]


def source_text(source: str) -> SourceText:
    """The verbatim minutes with every passage marked and linked to what it supports."""
    names = catalogue()
    state, text, passages = _load_source(
        source, str(names.first(source, "fileName") or ""), str(names.first(source, "sha256") or "")
    )
    if state != "ok":
        return SourceText(state, escape(text), passages, text)
    usable = [p for p in passages if 0 <= p.start < p.end <= len(text)]
    # A passage is a leaf when no other passage starts or ends inside it; only leaves become
    # links, so links never nest.
    bounds = sorted({p.start for p in usable} | {p.end for p in usable})
    ranges: dict[tuple[int, int], int] = defaultdict(int)
    for passage in usable:
        ranges[(passage.start, passage.end)] += 1
    for passage in usable:
        passage.target = ""
        inside = bisect_right(bounds, passage.start) < bisect_left(bounds, passage.end)
        targets = {t for _, t in passage.supports}
        if inside or ranges[(passage.start, passage.end)] > 1:
            continue
        if len(targets) == 1 and "" not in targets:
            passage.target = page_url(next(iter(targets))) or ""
    return SourceText(state, _annotate(text, usable), passages, text)


def _annotate(text: str, passages: list[Passage]) -> Markup:
    """Mark passages in a text as properly nested elements, splitting those that cross others."""
    starts: dict[int, list[Passage]] = defaultdict(list)
    for passage in passages:
        starts[passage.start].append(passage)
    bounds = sorted({0, len(text)} | {p.start for p in passages} | {p.end for p in passages})
    out: list[Markup] = []
    stack: list[Passage] = []

    def open_tag(passage: Passage, first: bool) -> Markup:
        depth = min(len(stack) + 1, 3)
        ident = f' id="{escape(passage.anchor)}"' if first else ""
        link_open = f'<a href="{escape(passage.target)}">' if passage.target else ""
        return Markup(f'<mark class="passage d{depth}"{ident}>{link_open}')

    def close_tag(passage: Passage) -> Markup:
        return Markup("</a></mark>" if passage.target else "</mark>")

    def note_ref(passage: Passage) -> Markup:
        if passage.target:
            return Markup("")
        n, label = passage.number, escape(w("passage"))
        return Markup(
            f'<sup class="ref"><a href="#note-{n}" aria-label="{label} {n}">{n}</a></sup>'
        )

    for index, bound in enumerate(bounds):
        ending = [p for p in stack if p.end == bound]
        if ending:
            low = min(stack.index(p) for p in ending)
            reopen = [p for p in stack[low:] if p.end != bound]
            for passage in reversed(stack[low:]):
                out.append(close_tag(passage))
                if passage.end == bound:
                    out.append(note_ref(passage))
            del stack[low:]
            for passage in reopen:
                out.append(open_tag(passage, first=False))
                stack.append(passage)
        for passage in sorted(starts.get(bound, []), key=lambda p: -p.end):
            out.append(open_tag(passage, first=True))
            stack.append(passage)
        if index + 1 < len(bounds):
            out.append(escape(text[bound : bounds[index + 1]]))
    return Markup("").join(out)


def rendered_source(source: str) -> Markup:
    """The source text section, rendered once per store generation and language.

    A page of minutes has hundreds of passages; the section is the same for every request until
    the store is rebuilt, so it is kept with the source's passages.
    """
    cache: dict[str, Any] = current_app.extensions.setdefault(_SOURCE_CACHE, {})
    _source_cache()  # clears the cache when the generation has changed
    rendered: dict[tuple[str, str], Markup] = cache.setdefault("rendered", {})
    key = (source, current_lang())
    if key not in rendered:
        html = render_template(
            "pages/_source.html", source=source_text(source), support_links=support_links
        )
        with _SOURCE_LOCK:
            rendered[key] = Markup(html)
    return rendered[key]


def support_links(passage: Passage) -> list[Markup]:
    """What a passage supports, as links: the thing a mention names, or the fact itself."""
    names = catalogue()
    shown: list[Markup] = []
    for fact, target in passage.supports:
        if target:
            item = Markup(f"{escape(w('mention_of'))} {link(target)}")
        else:
            item = Markup(f"{escape(kind_name(names.kind(fact)))}: {link(fact)}")
        if item not in shown:
            shown.append(item)
    return shown


def source_view(iri: str) -> tuple[str, dict[str, Any]]:
    facts = outgoing(iri)
    title = name(iri)
    meeting = facts.one(POL + "recordsMeeting")
    data = schema_thing(
        iri,
        "source",
        title,
        inLanguage="nb",
        about={"@id": meeting, "name": str(name(meeting))} if meeting else None,
        encodingFormat="text/plain",
    )
    return "pages/source.html", frame(
        iri,
        title,
        facts=facts,
        meeting=meeting,
        source=rendered_source(iri),
        jsonld=jsonld_script(data),
    )


# --- Meeting ------------------------------------------------------------------------------------

ROLE_ORDER = ("member", "observer", "invited", "case-officer", "other-participant")


def _role_rank(role: str) -> int:
    tail = role.rsplit("/", 1)[-1]
    return ROLE_ORDER.index(tail) if tail in ROLE_ORDER else len(ROLE_ORDER)


def _int(value: str, default: int = 0) -> int:
    try:
        return int(value)
    except ValueError:
        return default


def mentions_in_meeting(names: Catalogue, meeting: str) -> list[MentionRow]:
    """The mentions of a meeting, from the mention index (indexed by meeting once)."""
    by_meeting: dict[str, list[MentionRow]] | None = names.derived.get("mentions_by_meeting")
    if by_meeting is None:
        by_meeting = defaultdict(list)
        for rows in names.mentions_of.values():
            for row in rows:
                by_meeting[row.meeting].append(row)
        names.derived["mentions_by_meeting"] = by_meeting
    return by_meeting.get(meeting, [])


def meeting_order(names: Catalogue) -> list[str]:
    """Every meeting in date order, from the catalogue (computed once per generation)."""
    found: list[str] | None = names.derived.get("meeting_order")
    if found is None:
        meetings = names.things_of("meeting")
        found = sorted(meetings, key=lambda m: (sort_key_date(meeting_date(names, m)), m))
        names.derived["meeting_order"] = found
    return found


def meeting_view(iri: str) -> tuple[str, dict[str, Any]]:
    names = catalogue()
    facts = outgoing(iri)
    title = name(iri)
    order = meeting_order(names)
    here = order.index(iri) if iri in order else -1
    previous = order[here - 1] if here > 0 else ""
    following = order[here + 1] if 0 <= here < len(order) - 1 else ""
    scheduled = [m for m in order if str(names.first(m, "scheduledIn") or "") == iri]
    fact_rows = group_facts(store.select("meeting-facts", meeting=iri))
    topics: dict[str, list[str]] = defaultdict(list)
    for mention in mentions_in_meeting(names, iri):
        if mention.context and names.kind(mention.target) == "topic":
            topics[mention.context].append(mention.target)

    def of_type(cls: str) -> list[tuple[str, Facts]]:
        return [(f, v) for f, v in fact_rows.items() if v.has_type(POL + cls)]

    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for fact, values in of_type("Participation"):
        roles = sorted(values.iris(POL + "meetingRole"), key=_role_rank)
        groups[values.one(POL + "onBehalfOf")].append(
            {
                "iri": fact,
                "person": values.one(POL + "participant"),
                "roles": roles,
                "post": values.one(POL + "inPost"),
                "rank": _role_rank(roles[0]) if roles else 99,
            }
        )
    participants = [
        (org, sorted(people, key=lambda p: (p["rank"], name(p["person"]).casefold())))
        for org, people in sorted(
            groups.items(), key=lambda g: (not g[0], name(g[0]).casefold() if g[0] else "")
        )
    ]
    decisions = sorted(of_type("Decision"), key=lambda d: _int(d[0].rsplit("/", 1)[-1]))
    decisions_by_item: dict[str, list[tuple[str, Facts]]] = defaultdict(list)
    for decision in decisions:
        decisions_by_item[decision[1].one(POL + "agendaItem")].append(decision)
    items = []
    for item, values in sorted(
        of_type("AgendaItem"), key=lambda i: _int(i[1].one(POL + "position"), 999)
    ):
        documents = sorted(
            set(values.iris(POL + "attachment")) | set(values.iris(POL + "concernsDocument"))
        )
        items.append(
            {
                "iri": item,
                "number": values.one(POL + "itemNumber"),
                "title": values.text(DCTERMS + "title") or name(item),
                "summary": values.text(POL + "summary"),
                "exempt": any(
                    str(v).endswith("/access-rights/exempt")
                    for v in values.all(DCTERMS + "accessRights")
                ),
                "presenters": values.iris(POL + "presentedBy"),
                "documents": [(d, is_exempt(names, d)) for d in documents],
                "jointly": values.iris(POL + "treatedJointlyWith"),
                "decisions": decisions_by_item.get(item, []),
                "topics": sorted(set(topics.get(item, [])), key=lambda t: name(t).casefold()),
            }
        )
    statuses = {v.one(POL + "followUp"): (u, v) for u, v in of_type("StatusUpdate")}
    points = {f for f, _ in of_type("FollowUpPoint")} | set(statuses)
    followups: list[dict[str, Any]] = sorted(
        (
            {
                "iri": point,
                "description": pick_text(names.all(point, "description"), lang()),
                "status": statuses.get(point),
                "order": (str(names.first(point, "year")), _int(str(names.first(point, "number")))),
            }
            for point in points
        ),
        key=lambda f: (str(f["order"][0]), int(f["order"][1])),
    )
    efforts: dict[str, list[Facts]] = defaultdict(list)
    for _, values in of_type("PriorityAreaEffort"):
        efforts[values.one(POL + "policeUnit")].append(values)
    minutes = facts.one(POL + "minutes")
    start_time = facts.one(SCHEMA + "startTime")[:5]
    end_time = facts.one(SCHEMA + "endTime")[:5]
    date = facts.one(SCHEMA + "startDate") or facts.one(POL + "approximateDate")
    location = facts.one(SCHEMA + "location")
    data = schema_thing(
        iri,
        "meeting",
        title,
        startDate=date + (f"T{start_time}:00" if start_time and len(date) == 10 else ""),
        endDate=(facts.one(SCHEMA + "endDate") or (date if end_time else ""))
        + (f"T{end_time}:00" if end_time else ""),
        description=str(facts.text(DCTERMS + "description") or ""),
        location={"@type": "Place", "name": str(name(location))} if location else None,
        organizer={"@type": "GovernmentOrganization", "name": str(name(facts.one(POL + "council")))}
        if facts.one(POL + "council")
        else None,
        eventAttendanceMode="https://schema.org/OfflineEventAttendanceMode",
        eventStatus="https://schema.org/EventScheduled",
        about=[
            {"@id": t, "name": str(name(t))}
            for t in sorted({t for v in topics.values() for t in v})
        ],
        inLanguage="nb",
    )
    return "pages/meeting.html", frame(
        iri,
        title,
        facts=facts,
        date=date,
        end_date=facts.one(SCHEMA + "endDate"),
        start_time=start_time,
        end_time=end_time,
        location=location,
        participants=participants,
        items=items,
        decisions=decisions,
        followups=followups,
        amounts=[v for _, v in of_type("MonetaryAmount")],
        efforts=sorted(efforts.items(), key=lambda e: name(e[0]).casefold() if e[0] else ""),
        holdings=[v for _, v in of_type("PostHolding")],
        previous=previous,
        following=following,
        scheduled=scheduled,
        minutes=minutes,
        source=rendered_source(minutes) if minutes else None,
        # A meeting rests on its minutes and on the texts that scheduled or mention it.
        sources=sorted(
            ({minutes} if minutes else set())
            | {e.partition("#")[0] for e in facts.iris(POL + "evidence")}
        ),
        fmt_amount=fmt_amount,
        jsonld=jsonld_script(data),
    )


# --- Mentions, shared by person, organisation, place and programme pages -----------------------


@dataclass
class MentionGroup:
    meeting: str
    when: str
    entries: list[dict[str, str]]


def mentions_by_meeting(iri: str) -> list[MentionGroup]:
    """Where the minutes name a thing, grouped by meeting in date order (from the mention index)."""
    names = catalogue()
    groups: dict[str, MentionGroup] = {}
    seen: set[tuple[str, str]] = set()
    for row in names.mentions_of.get(iri, []):
        if (row.meeting, row.passage) in seen:
            continue
        seen.add((row.meeting, row.passage))
        group = groups.setdefault(
            row.meeting, MentionGroup(row.meeting, meeting_date(names, row.meeting), [])
        )
        group.entries.append(
            {
                "context": row.context,
                "passage": row.passage,
                "url": page_url(row.passage) or "",
                "start": str(names.first(row.passage, "offset") or ""),
            }
        )
    for group in groups.values():
        group.entries.sort(key=lambda e: _int(e["start"]))
    return sorted(groups.values(), key=lambda g: (sort_key_date(g.when), g.meeting))


# --- Person ---------------------------------------------------------------------------------------


def person_view(iri: str) -> tuple[str, dict[str, Any]]:
    facts = outgoing(iri)
    title = name(iri)
    posts: list[dict[str, Any]] = sorted(
        (
            {
                "post": s(r, "post"),
                "organisation": s(r, "organisation"),
                "acting": s(r, "acting") in {"true", "1"},
                "new": s(r, "new") in {"true", "1"},
                "meeting": s(r, "meeting"),
                "when": s(r, "date") or s(r, "approx"),
            }
            for r in store.select("person-posts", person=iri)
        ),
        key=lambda p: (sort_key_date(p["when"]), p["post"]),
    )
    participations: dict[str, dict[str, Any]] = {}
    for row in store.select("person-participations", person=iri):
        found = participations.setdefault(
            s(row, "participation"),
            {
                "meeting": s(row, "meeting"),
                "when": s(row, "date"),
                "roles": set(),
                "organisation": s(row, "organisation"),
                "post": s(row, "post"),
            },
        )
        if row.get("role"):
            found["roles"].add(s(row, "role"))
    meetings = sorted(participations.values(), key=lambda p: sort_key_date(p["when"]))
    for entry in meetings:
        entry["roles"] = sorted(entry["roles"], key=_role_rank)
    presented = _presented(iri)
    jobs = sorted({p["post"] for p in posts} | {m["post"] for m in meetings if m["post"]})
    organisations = sorted({p["organisation"] for p in posts if p["organisation"]})
    data = schema_thing(
        iri,
        "person",
        title,
        givenName=facts.one(SCHEMA + "givenName"),
        familyName=facts.one(SCHEMA + "familyName"),
        alternateName=[str(v) for v in facts.all(SKOS + "altLabel")],
        jobTitle=[str(name(j)) for j in jobs],
        affiliation=[
            {"@type": "Organization", "@id": o, "name": str(name(o))} for o in organisations
        ],
    )
    return "pages/person.html", frame(
        iri,
        title,
        facts=facts,
        posts=posts,
        meetings=meetings,
        presented=presented,
        mentions=mentions_by_meeting(iri),
        jsonld=jsonld_script(data),
    )


def _presented(iri: str) -> list[dict[str, str]]:
    return sorted(
        (
            {
                "item": s(r, "item"),
                "meeting": s(r, "meeting"),
                "when": s(r, "date"),
                "number": s(r, "number"),
            }
            for r in store.select("presented-by", presenter=iri)
        ),
        key=lambda p: (sort_key_date(p["when"]), _int(p["number"])),
    )


# --- Organisation ---------------------------------------------------------------------------------


def organisation_view(iri: str) -> tuple[str, dict[str, Any]]:
    facts = outgoing(iri)
    title = name(iri)
    links = incoming(iri)
    units = sorted(
        set(links.pop(ORG + "unitOf", [])) | set(links.pop(ORG + "subOrganizationOf", [])),
        key=lambda u: name(u).casefold(),
    )
    posts = sorted(set(links.pop(ORG + "postIn", [])), key=lambda p: name(p).casefold())
    for shown_elsewhere in (POL + "onBehalfOf", POL + "presentedBy", RDF_TYPE):
        links.pop(shown_elsewhere, None)
    people: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in store.select("organisation-participants", organisation=iri):
        people[s(row, "person")].append(
            {"post": s(row, "post"), "meeting": s(row, "meeting"), "when": s(row, "date")}
        )
    for row in store.select("organisation-holders", organisation=iri):
        people[s(row, "person")].append(
            {"post": s(row, "post"), "meeting": s(row, "meeting"), "when": s(row, "date")}
        )
    seen_for = []
    for person, entries in people.items():
        unique = {(e["when"], e["meeting"], e["post"]): e for e in entries}
        ordered = sorted(unique.values(), key=lambda e: sort_key_date(e["when"]))
        seen_for.append((person, ordered))
    seen_for.sort(key=lambda p: (sort_key_date(p[1][0]["when"]), name(p[0]).casefold()))
    mentions = mentions_by_meeting(iri)
    parents = facts.iris(ORG + "unitOf") + facts.iris(ORG + "subOrganizationOf")
    data = schema_thing(
        iri,
        "organisation",
        title,
        alternateName=[str(v) for v in facts.all(SKOS + "altLabel")],
        parentOrganization=[{"@id": p, "name": str(name(p))} for p in parents],
        subOrganization=[{"@id": u, "name": str(name(u))} for u in units],
    )
    return "pages/organisation.html", frame(
        iri,
        title,
        facts=facts,
        parents=sorted(set(parents)),
        units=units,
        posts=posts,
        people=seen_for,
        mentions=mentions,
        presented=_presented(iri),
        other_links=sorted(
            ((property_name(p), sorted(set(v))) for p, v in links.items() if p != RDF_TYPE),
            key=lambda item: item[0].casefold(),
        ),
        jsonld=jsonld_script(data),
    )


# --- Programme and plan ---------------------------------------------------------------------------


def programme_view(iri: str) -> tuple[str, dict[str, Any]]:
    names = catalogue()
    facts = outgoing(iri)
    title = name(iri)
    is_plan = names.kind(iri) == "plan"
    programme = facts.one(POL + "programme") if is_plan else iri
    plans: dict[str, dict[str, Any]] = {}
    if programme:
        for row in store.select("programme-plans", programme=programme):
            plans.setdefault(
                s(row, "plan"),
                {
                    "iri": s(row, "plan"),
                    "start": s(row, "start"),
                    "end": s(row, "end"),
                    "previous": s(row, "previous"),
                    "decisions": [],
                    "items": [],
                },
            )
    scope = programme or iri
    decisions: dict[str, dict[str, Any]] = {}
    for row in store.select("programme-decisions", programme=scope):
        found = decisions.setdefault(
            s(row, "decision"),
            {
                "iri": s(row, "decision"),
                "object": s(row, "object"),
                "types": set(),
                "meeting": s(row, "meeting"),
                "when": s(row, "date") or s(row, "approx"),
                "scheduled_for": s(row, "scheduledFor"),
            },
        )
        if row.get("type"):
            found["types"].add(s(row, "type"))
    programme_decisions = []
    for decision in sorted(decisions.values(), key=lambda d: sort_key_date(d["when"])):
        decision["types"] = sorted(decision["types"])
        if decision["object"] in plans:
            plans[decision["object"]]["decisions"].append(decision)
        else:
            programme_decisions.append(decision)
    for row in store.select("programme-items", programme=scope):
        entry = {"item": s(row, "item"), "meeting": s(row, "meeting"), "when": s(row, "date")}
        if s(row, "object") in plans and entry not in plans[s(row, "object")]["items"]:
            plans[s(row, "object")]["items"].append(entry)
    versions = sorted(plans.values(), key=lambda p: (p["start"], p["end"], p["iri"]))
    amounts = sorted(
        (
            {
                "iri": s(r, "amount"),
                "object": s(r, "object"),
                "value": s(r, "value"),
                "currency": s(r, "currency"),
                "year": s(r, "year") or s(r, "fromYear"),
                "from": bool(s(r, "fromYear")) and not s(r, "year"),
                "payer": s(r, "payer"),
                "meeting": s(r, "meeting"),
            }
            for r in store.select("programme-amounts", programme=scope)
        ),
        key=lambda a: (a["year"] or "9999", a["iri"]),
    )
    efforts: dict[str, list[dict[str, str]]] = defaultdict(list)
    for row in store.select("programme-efforts", programme=scope):
        efforts[s(row, "unit")].append(
            {
                "effort": s(row, "effort"),
                "place": s(row, "place"),
                "status": s(row, "status"),
                "as_of": s(row, "asOf"),
                "meeting": s(row, "meeting"),
            }
        )
    for entries in efforts.values():
        entries.sort(key=lambda e: name(e["place"]).casefold())
    followups = sorted(
        {s(r, "point") for r in store.select("programme-followups", programme=scope)},
        key=lambda p: name(p).casefold(),
    )
    data = schema_thing(
        iri,
        "plan" if is_plan else "programme",
        title,
        description=str(facts.text(DCTERMS + "description") or ""),
        alternateName=[str(v) for v in facts.all(SKOS + "altLabel")],
        isPartOf={"@id": programme, "name": str(name(programme))}
        if is_plan and programme
        else None,
        temporalCoverage=f"{facts.one(POL + 'periodStart')}/{facts.one(POL + 'periodEnd')}"
        if is_plan and facts.one(POL + "periodStart")
        else None,
        hasPart=[{"@id": v["iri"], "name": str(name(v["iri"]))} for v in versions]
        if not is_plan
        else None,
    )
    return "pages/programme.html", frame(
        iri,
        title,
        facts=facts,
        is_plan=is_plan,
        programme=programme,
        versions=versions,
        programme_decisions=programme_decisions,
        amounts=amounts,
        efforts=sorted(efforts.items(), key=lambda e: name(e[0]).casefold() if e[0] else ""),
        followups=followups,
        mentions=mentions_by_meeting(iri),
        fmt_amount=fmt_amount,
        jsonld=jsonld_script(data),
    )


# --- Topic: the thread --------------------------------------------------------------------------


def _topic_links(names: Catalogue) -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    """Narrower topics of each topic, and renames (both ways), once per generation."""
    found: tuple[dict[str, set[str]], dict[str, set[str]]] | None = names.derived.get("topics")
    if found is None:
        children: dict[str, set[str]] = defaultdict(set)
        renames: dict[str, set[str]] = defaultdict(set)
        for thing, values in names.values.items():
            for parent in values.get("broader", []):
                children[str(parent)].add(thing)
            for child in values.get("narrower", []):
                children[thing].add(str(child))
            for other in [*values.get("replaces", []), *values.get("replacedBy", [])]:
                renames[thing].add(str(other))
                renames[str(other)].add(thing)
        found = (dict(children), dict(renames))
        names.derived["topics"] = found
    return found


def topic_family(names: Catalogue, topic: str) -> set[str]:
    """The topic, the topics it was renamed from or to, and everything narrower than those."""
    children, renames = _topic_links(names)
    members, todo = {topic}, [topic]
    while todo:
        for other in renames.get(todo.pop(), ()):
            if other not in members:
                members.add(other)
                todo.append(other)
    family, todo = set(members), list(members)
    while todo:
        for child in children.get(todo.pop(), ()):
            if child not in family:
                family.add(child)
                todo.append(child)
    return family


def busiest_topics(names: Catalogue) -> list[tuple[str, int, int]]:
    """Topics by mentions of them or a narrower one: (topic, mentions, meetings); cached."""
    found: list[tuple[str, int, int]] | None = names.derived.get("busiest")
    if found is None:
        found = []
        for topic in names.things_of("topic"):
            rows = [r for t in topic_family(names, topic) for r in names.mentions_of.get(t, [])]
            if rows:
                mentions = len({r.mention for r in rows})
                found.append((topic, mentions, len({r.meeting for r in rows})))
        found.sort(key=lambda t: (-t[1], t[0]))
        names.derived["busiest"] = found
    return found


@dataclass
class ThreadEntry:
    context: str
    quotes: list[dict[str, Any]] = field(default_factory=list)
    first: int = 0


@dataclass
class ThreadMeeting:
    meeting: str
    when: str
    rows: list[tuple[str, MentionRow]] = field(default_factory=list)  # (topic tagged, mention)
    entries: list[ThreadEntry] = field(default_factory=list)
    mentions: set[str] = field(default_factory=set)

    @property
    def count(self) -> int:
        return len(self.mentions)


def topic_thread(iri: str) -> list[ThreadMeeting]:
    """The meetings where the topic, a narrower one or a renamed one is mentioned, in date order.

    Only counts are made here; ``fill_thread`` builds the entries of the meetings to show. The
    result is kept for the store generation (a few hundred topics at most).
    """
    names = catalogue()
    threads: dict[str, list[ThreadMeeting]] = names.derived.setdefault("threads", {})
    if iri not in threads:
        threads[iri] = _topic_thread(names, iri)
    return threads[iri]


def _topic_thread(names: Catalogue, iri: str) -> list[ThreadMeeting]:
    meetings: dict[str, ThreadMeeting] = {}
    for tagged in sorted(topic_family(names, iri)):
        for row in names.mentions_of.get(tagged, []):
            group = meetings.get(row.meeting)
            if group is None:
                group = meetings[row.meeting] = ThreadMeeting(
                    row.meeting, meeting_date(names, row.meeting)
                )
            group.rows.append((tagged, row))
            group.mentions.add(row.mention)
    return sorted(meetings.values(), key=lambda g: (sort_key_date(g.when), g.meeting))


def fill_thread(iri: str, groups: Iterable[ThreadMeeting]) -> None:
    """Build the entries of these meetings: by context, with each quoted passage and its tags."""
    names = catalogue()
    for group in groups:
        if group.entries:
            continue
        entries: dict[str, ThreadEntry] = {}
        quotes: dict[tuple[str, str], dict[str, Any]] = {}
        for tagged, row in group.rows:
            start = _int(str(names.first(row.passage, "offset") or ""))
            entry = entries.get(row.context)
            if entry is None:
                entry = entries[row.context] = ThreadEntry(row.context, first=start)
                group.entries.append(entry)
            entry.first = min(entry.first, start)
            quote = quotes.get((row.context, row.passage))
            if quote is None:
                exact = " ".join(str(names.first(row.passage, "quote") or "").split())
                quote = quotes[(row.context, row.passage)] = {
                    "passage": row.passage,
                    "exact": Text(exact, "nb"),
                    "start": start,
                    "tagged": [],
                }
                entry.quotes.append(quote)
            if tagged != iri and tagged not in quote["tagged"]:
                quote["tagged"].append(tagged)
        group.entries.sort(key=lambda e: e.first)
        for entry in group.entries:
            entry.quotes.sort(key=lambda q: q["start"])


THREAD_PAGE_MENTIONS = 120


def thread_pages(thread: list[ThreadMeeting]) -> list[list[ThreadMeeting]]:
    """Split a long thread into pages of whole meetings, about THREAD_PAGE_MENTIONS each."""
    pages: list[list[ThreadMeeting]] = [[]]
    size = 0
    for group in thread:
        if pages[-1] and size + group.count > THREAD_PAGE_MENTIONS:
            pages.append([])
            size = 0
        pages[-1].append(group)
        size += group.count
    return pages


@dataclass
class Bar:
    label: str
    count: int
    x: float
    y: float
    height: float
    width: float


def mention_chart(thread: list[ThreadMeeting]) -> dict[str, Any]:
    """Bars of mentions per meeting (per year when there are many), laid out for SVG."""
    names = catalogue()
    counts = {g.meeting: g.count for g in thread}
    with_minutes: list[str] | None = names.derived.get("with_minutes")
    if with_minutes is None:
        with_minutes = [m for m in meeting_order(names) if names.first(m, "minutes")]
        names.derived["with_minutes"] = with_minutes
    shown = set(with_minutes) | set(counts)
    axis = [
        (m, fmt_date(meeting_date(names, m), short=True), counts.get(m, 0))
        for m in meeting_order(names)
        if m in shown
    ]
    per_year = len(axis) > 40
    if per_year:
        years: dict[str, int] = defaultdict(int)
        for meeting, _, count in axis:
            years[meeting_date(names, meeting)[:4] or "?"] += count
        axis = [(year, year, count) for year, count in sorted(years.items())]
    width, height, top, bottom = 600.0, 160.0, 16.0, 28.0
    most = max([c for _, _, c in axis] or [1]) or 1
    slot = width / max(len(axis), 1)
    bars = []
    for n, (_, label, count) in enumerate(axis):
        tall = (height - top - bottom) * count / most
        bars.append(
            Bar(
                label,
                count,
                round(n * slot + slot * 0.2, 1),
                round(height - bottom - tall, 1),
                round(tall, 1),
                round(slot * 0.6, 1),
            )
        )
    small = len(bars) > 14
    return {
        "bars": bars,
        "width": width,
        "height": height,
        "base": height - bottom,
        "per_year": per_year,
        "label_every": max(1, len(bars) // 12) if small else 1,
    }


def _filled(iri: str, groups: list[ThreadMeeting]) -> list[ThreadMeeting]:
    fill_thread(iri, groups)
    return groups


def _pager(number: int, count: int) -> dict[str, Any]:
    """Links to the pages of a long list: previous, next, and each page by number."""
    if count <= 1:
        return {"count": 1}

    def href(n: int) -> str:
        args = [(k, v) for k, v in request.args.items(multi=True) if k != "page"]
        return request.path + "?" + urlencode([*args, ("page", str(n))])

    return {
        "count": count,
        "number": number,
        "previous": href(number - 1) if number > 1 else None,
        "next": href(number + 1) if number < count else None,
        "pages": [(n, href(n)) for n in range(1, count + 1)],
    }


def topic_view(iri: str) -> tuple[str, dict[str, Any]]:
    facts = outgoing(iri)
    links = incoming(iri)
    title = name(iri)
    family: dict[str, set[str]] = defaultdict(set)
    for key, prop, reverse in (
        ("broader", SKOS + "broader", SKOS + "narrower"),
        ("narrower", SKOS + "narrower", SKOS + "broader"),
        ("related", SKOS + "related", SKOS + "related"),
        ("replaced_by", DCTERMS + "isReplacedBy", DCTERMS + "replaces"),
        ("replaces", DCTERMS + "replaces", DCTERMS + "isReplacedBy"),
        ("see_also", RDFS + "seeAlso", RDFS + "seeAlso"),
    ):
        family[key] |= set(facts.iris(prop)) | set(links.get(reverse, []))
    family.pop("", None)
    thread = topic_thread(iri)
    pages = thread_pages(thread)
    try:
        number = min(max(int(request.args.get("page", "1")), 1), len(pages))
    except ValueError:
        number = 1
    data = schema_thing(
        iri,
        "topic",
        title,
        description=str(facts.text(SKOS + "definition") or ""),
        alternateName=[str(v) for v in facts.all(SKOS + "altLabel")],
        inDefinedTermSet=facts.one(SKOS + "inScheme"),
        subjectOf=[
            {"@type": "Event", "@id": g.meeting, "name": str(name(g.meeting)), "startDate": g.when}
            for g in thread[:100]
        ],
    )
    feed = url_for("feeds.topic_feed", path=thing_path(iri) or "")
    return "pages/topic.html", frame(
        iri,
        title,
        facts=facts,
        family=[
            (w(key), sorted(family[key], key=lambda t: name(t).casefold()))
            for key in ("broader", "narrower", "related", "replaced_by", "replaces", "see_also")
            if family[key]
        ],
        thread=_filled(iri, pages[number - 1]),
        # The thread's sources are the minutes of its meetings, known without asking the store.
        sources=sorted(
            {str(m) for g in thread for m in catalogue().all(g.meeting, "minutes")}
            | {e.partition("#")[0] for e in facts.iris(POL + "evidence")}
        ),
        pager=_pager(number, len(pages)),
        mention_total=sum(g.count for g in thread),
        chart=mention_chart(thread),
        feed_url=feed,
        feeds=[(w("feed_topic") + ": " + title, feed)],
        jsonld=jsonld_script(data),
    )


# --- Follow-up points ----------------------------------------------------------------------------


@dataclass
class FollowUp:
    iri: str
    year: str
    number: int
    description: Text | None
    responsible: set[str] = field(default_factory=set)
    origin: str = ""
    updates: list[dict[str, Any]] = field(default_factory=list)

    @property
    def latest(self) -> dict[str, Any] | None:
        return self.updates[-1] if self.updates else None


def followup_points(year: str = "") -> list[FollowUp]:
    params = {"year": year} if year else {}
    points: dict[str, FollowUp] = {}
    for row in store.select("followups", **params):
        iri = s(row, "point")
        point = points.setdefault(
            iri,
            FollowUp(
                iri,
                s(row, "year"),
                _int(s(row, "number")),
                text_of(row["description"]) if row.get("description") else None,
            ),
        )
        if row.get("responsible"):
            point.responsible.add(s(row, "responsible"))
        point.origin = point.origin or s(row, "origin")
    for row in store.select("followup-statuses", **params):
        found = points.get(s(row, "point"))
        if found is None:
            continue
        point = found
        update = {
            "iri": s(row, "update"),
            "date": s(row, "date"),
            "status": s(row, "status"),
            "text": text_of(row["text"]) if row.get("text") else None,
            "reported_in": s(row, "reportedIn"),
        }
        if update not in point.updates:
            point.updates.append(update)
    for point in points.values():
        point.updates.sort(key=lambda u: (u["date"], u["iri"]))
    return sorted(points.values(), key=lambda p: (p.year, p.number))


@bp.get("/followups")
def followups() -> str:
    """The follow-up tracker: every point with its status history, filterable by query string."""
    year = request.args.get("year", "").strip()
    status = request.args.get("status", "").strip()
    responsible = request.args.get("responsible", "").strip()
    every = followup_points()
    years = sorted({p.year for p in every}, reverse=True)
    statuses = sorted({p.latest["status"] for p in every if p.latest}, key=lambda x: name(x))
    owners = sorted({r for p in every for r in p.responsible}, key=lambda x: name(x).casefold())
    shown = followup_points(year) if year in years else every
    if status:
        shown = [p for p in shown if p.latest and p.latest["status"] == status]
    if responsible:
        shown = [p for p in shown if responsible in p.responsible]
    data = {
        "@context": "https://schema.org",
        "@type": "ItemList",
        "name": w("followups"),
        "itemListElement": [
            {
                "@type": "ListItem",
                "position": n + 1,
                "url": external(page_url(p.iri) or "/"),
                "name": str(name(p.iri)),
            }
            for n, p in enumerate(shown)
        ],
    }
    return render_template(
        "pages/followups.html",
        **frame(
            None,
            w("followups"),
            points=shown,
            years=years,
            statuses=statuses,
            owners=owners,
            chosen={"year": year, "status": status, "responsible": responsible},
            jsonld=jsonld_script(data),
            api_twin=_with_args(url_for("api.followups")),
        ),
    )


def followup_view(iri: str) -> tuple[str, dict[str, Any]]:
    facts = outgoing(iri)
    title = name(iri)
    updates = [
        {
            "iri": s(r, "update"),
            "date": s(r, "date"),
            "status": s(r, "status"),
            "text": text_of(r["text"]) if r.get("text") else None,
            "reported_in": s(r, "reportedIn"),
        }
        for r in store.select("followup-updates", point=iri)
    ]
    unique = list({u["iri"]: u for u in updates}.values())
    data = schema_thing(
        iri,
        "followup",
        title,
        description=str(facts.text(DCTERMS + "description") or ""),
        actionStatus="https://schema.org/ActiveActionStatus",
        agent=[{"@id": r, "name": str(name(r))} for r in facts.iris(POL + "responsible")],
    )
    return "pages/followup.html", frame(
        iri,
        title,
        facts=facts,
        updates=unique,
        evidence=evidence(iri),
        jsonld=jsonld_script(data),
    )


# --- Place ----------------------------------------------------------------------------------------


def place_view(iri: str) -> tuple[str, dict[str, Any]]:
    facts = outgoing(iri)
    title = name(iri)
    links = incoming(iri)
    within = sorted(
        set(links.get(SCHEMA + "containedInPlace", [])), key=lambda p: name(p).casefold()
    )
    happened: dict[str, dict[str, Any]] = {}
    for row in store.select("place-facts", place=iri):
        meeting = s(row, "meeting")
        group = happened.setdefault(
            meeting, {"meeting": meeting, "when": "", "things": [], "mentions": []}
        )
        group["when"] = group["when"] or s(row, "date") or s(row, "approx")
        entry = (s(row, "thing"), s(row, "at"))
        if entry not in group["things"]:
            group["things"].append(entry)
    for mention in mentions_by_meeting(iri):
        group = happened.setdefault(
            mention.meeting,
            {"meeting": mention.meeting, "when": mention.when, "things": [], "mentions": []},
        )
        group["when"] = group["when"] or mention.when
        group["mentions"] = mention.entries
    groups = sorted(
        happened.values(), key=lambda g: (not g["meeting"], sort_key_date(g["when"]), g["meeting"])
    )
    parents = facts.iris(SCHEMA + "containedInPlace")
    data = schema_thing(
        iri,
        "place",
        title,
        containedInPlace=[{"@type": "Place", "@id": p, "name": str(name(p))} for p in parents],
        containsPlace=[{"@type": "Place", "@id": p, "name": str(name(p))} for p in within],
    )
    return "pages/place.html", frame(
        iri,
        title,
        facts=facts,
        parents=parents,
        within=within,
        groups=groups,
        jsonld=jsonld_script(data),
    )


# --- Any other thing: what it says, what links to it, its evidence -------------------------------


def thing_view(iri: str) -> tuple[str, dict[str, Any]]:
    names = catalogue()
    facts = outgoing(iri)
    title = name(iri)
    kind = names.kind(iri)
    links = incoming(iri)
    # Mentions in this context are shown as the things they name, not as mention nodes.
    named_here = sorted(
        {str(names.first(m, "mentionOf") or m) for m in links.pop(POL + "context", [])},
        key=lambda t: name(t).casefold(),
    )
    shown_links = sorted(
        (
            (property_name(p), sorted(set(v), key=lambda i: name(i).casefold()))
            for p, v in links.items()
        ),
        key=lambda item: item[0].casefold(),
    )
    exempt = is_exempt(names, iri)
    data = schema_thing(
        iri,
        kind,
        title,
        description=str(facts.text(DCTERMS + "description") or facts.text(POL + "summary") or "")
        if not exempt
        else None,
    )
    return "pages/thing.html", frame(
        iri,
        title,
        kind=kind,
        facts=facts,
        rows=facts.rows(skip=(RDF_TYPE, POL + "evidence")),
        types=facts.iris(RDF_TYPE),
        links=shown_links,
        named_here=named_here,
        evidence=evidence(iri),
        exempt=exempt,
        jsonld=jsonld_script(data),
    )


VIEWS: dict[str, View] = {
    "meeting": meeting_view,
    "source": source_view,
    "person": person_view,
    "organisation": organisation_view,
    "programme": programme_view,
    "plan": programme_view,
    "topic": topic_view,
    "followup": followup_view,
    "place": place_view,
}


# --- Search ---------------------------------------------------------------------------------------


def _search_filters() -> dict[str, str]:
    filters = {}
    for facet in store.FACETS:
        value = request.args.get(facet, "").strip()
        if value:
            filters[facet] = value
    return filters


def search_url(query: str, filters: Mapping[str, str]) -> str:
    args = [("q", query), *((k, v) for k, v in filters.items() if v)]
    return url_for("pages.search_page") + "?" + urlencode(args)


def _facet_label(facet: str, value: str) -> str:
    if facet == "type":
        return kind_name(value)
    if facet == "year":
        return value
    return str(name(value))


def _snippet(text: str, matched: set[str]) -> Markup:
    """The text with the words that matched marked, escaped piece by piece."""
    short = _short(text, 220)
    out: list[str] = []
    last = 0
    for found in re.finditer(r"\w+", short):
        word = store.tokens(found.group())
        if word and word[0] in matched:
            out.append(escape(short[last : found.start()]))
            out.append(Markup("<mark>{}</mark>").format(found.group()))
            last = found.end()
    out.append(escape(short[last:]))
    return Markup("").join(out)


@bp.get("/search")
def search_page() -> str:
    """Full-text search over names and source passages, with facets."""
    query = request.args.get("q", "").strip()[:200]
    filters = _search_filters()
    results = store.run_search(query, filters) if query else None
    hits = []
    names = catalogue()
    if results:
        for hit in results.hits:
            document = hit.document
            is_passage = document.kind == "passage"
            source = str(names.first(document.iri, "source") or "") if is_passage else ""
            title = name(source or document.iri, names)
            hits.append(
                {
                    "iri": document.iri,
                    "kind": document.kind,
                    "url": page_url(document.iri) or "",
                    "title": title,
                    "snippet": _snippet(document.text, hit.matched)
                    if is_passage or str(document.text) != str(title)
                    else None,
                    "lang": document.text.lang or ("nb" if is_passage else ""),
                    "meetings": [] if is_passage else sorted(document.meetings),
                }
            )
    facets = []
    if results:
        for facet in store.FACETS:
            values = [
                (
                    _facet_label(facet, value),
                    count,
                    search_url(query, {**filters, facet: value}),
                    filters.get(facet) == value,
                )
                for value, count in results.facets[facet][:12]
            ]
            if facet == "year":
                values.sort(key=lambda v: v[0], reverse=True)
            facets.append((w(f"facet_{facet}"), facet, values))
    active = [
        (
            w(f"facet_{f}"),
            _facet_label(f, v),
            search_url(query, {k: x for k, x in filters.items() if k != f}),
        )
        for f, v in filters.items()
    ]
    data = {
        "@context": "https://schema.org",
        "@type": "SearchResultsPage",
        "name": w("search") + (f": {query}" if query else ""),
        "url": external(request.full_path),
    }
    return render_template(
        "pages/search.html",
        **frame(
            None,
            w("search") + (f": {query}" if query else ""),
            query=query,
            results=results,
            hits=hits,
            facets=facets,
            active=active,
            jsonld=jsonld_script(data),
            api_twin=_with_args(url_for("api.search")),
        ),
    )


@bp.after_request
def _language_headers(response: Response) -> Response:
    """HTML pages depend on the language cookie: say so to caches."""
    if response.mimetype == "text/html":
        response.headers["Content-Language"] = current_lang()
        response.vary.add("Cookie")
    return response


@bp.record_once
def _register_feeds(state: Any) -> None:
    """The Atom feeds belong to the pages; register them with the app alongside."""
    from webapp import feeds

    state.app.register_blueprint(feeds.bp)
