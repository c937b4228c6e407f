"""A deterministic synthetic corpus in exactly the project's model, for benchmarks at scale.

Councils meet several times a year; each meeting has a generated Norwegian-looking source text,
agenda items, participants with posts over time, decisions, follow-up points with status
histories, amounts, and mentions of organisations, people, places and topics, every fact pointing
to an exact passage of its generated text. The same ``--meetings`` and ``--seed`` give the same
bytes, and the corpus conforms to the shapes and data checks at every size.

    politiraad synth --meetings 1000 --seed 1 --out var/synth/1000-1   # about 1M triples

What keeps it conformant as it grows:

- a person's name is unique in the whole corpus, not just in a council: the data checks treat two
  people with one name as one person entered twice (names drawn per council collided across
  councils: 42 violations at 100 meetings, 628 at 1,000);
- each council's posts have one holder at a time, and a person holds one post at a time, so
  participations and post holdings (named after the person) never collide in a meeting;
- meetings are one a day across the corpus (meeting IRIs are keyed by date), so every status
  update comes after the meeting its point comes from, and follow-up points are numbered per
  year across the corpus (``followup/{year}-{n}``);
- a follow-up point's status moves forward (not started → in progress → completed, or
  continuous) and is reported at most once per meeting; a completed point is no longer reported.
"""

from __future__ import annotations

import datetime as dt
import gzip
import io
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph
from rdflib.compare import to_canonical_graph

from politiraad_graph.build import parse_file
from politiraad_graph.config import PROJECT_ROOT
from politiraad_graph.namespaces import BASE
from politiraad_graph.slug import slugify

POL = BASE + "ontology#"
ID = BASE + "id/"
GRAPH = BASE + "graph/"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
XSD = "http://www.w3.org/2001/XMLSchema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
DCT = "http://purl.org/dc/terms/"
SCHEMA = "https://schema.org/"
ORG = "http://www.w3.org/ns/org#"
OA = "http://www.w3.org/ns/oa#"

MUNICIPALITIES = [
    "Bergen", "Trondheim", "Stavanger", "Kristiansand", "Drammen", "Fredrikstad", "Tromsø",
    "Sandnes", "Sarpsborg", "Skien", "Bodø", "Ålesund", "Sandefjord", "Arendal", "Tønsberg",
    "Haugesund", "Moss", "Porsgrunn", "Hamar", "Lillehammer", "Molde", "Harstad", "Gjøvik",
    "Kongsberg", "Halden", "Larvik", "Asker", "Bærum", "Lillestrøm", "Ullensaker",
]  # fmt: skip
GIVEN_WOMEN = [
    "Anne", "Kari", "Ingrid", "Liv", "Silje", "Marte", "Ida", "Hanne", "Tone", "Eli", "Åse",
    "Sigrid", "Ragnhild", "Kjersti", "Solveig", "Marit", "Randi", "Guro", "Torunn", "Nina",
]  # fmt: skip
GIVEN_MEN = [
    "Ole", "Lars", "Jon", "Per", "Knut", "Arne", "Bjørn", "Erik", "Geir", "Terje", "Øystein",
    "Håkon", "Trond", "Vegard", "Eirik", "Morten", "Stian", "Rune", "Tor", "Espen",
]  # fmt: skip
FAMILY = [
    "Hansen", "Johansen", "Olsen", "Larsen", "Andersen", "Pedersen", "Nilsen", "Kristiansen",
    "Jensen", "Karlsen", "Berg", "Haugen", "Hagen", "Johnsen", "Bakke", "Lie", "Dahl", "Lund",
    "Strand", "Solberg", "Moen", "Sæther", "Brekke", "Øien", "Aas", "Ødegård", "Bø", "Nygård",
    "Holm", "Eide", "Rønning", "Tveit", "Vik", "Lien", "Fossum", "Myhre",
]  # fmt: skip
# (title as written, English title, which side of the council the post belongs to)
POSTS = [
    ("ordfører", "mayor", "kommune"),
    ("varaordfører", "deputy mayor", "kommune"),
    ("kommunedirektør", "chief municipal executive", "kommune"),
    ("kommunalsjef for oppvekst", "director of childhood and education", "kommune"),
    ("SLT-koordinator", "SLT coordinator", "kommune"),
    ("barnevernleder", "head of child welfare", "kommune"),
    ("kommuneoverlege", "chief municipal medical officer", "kommune"),
    ("leder for utekontakten", "head of the outreach service", "kommune"),
    ("beredskapssjef", "head of emergency preparedness", "kommune"),
    ("politimester", "chief of police", "politi"),
    ("stasjonssjef", "station chief", "politi"),
    ("politikontakt", "police liaison officer", "politi"),
    ("leder for forebyggende seksjon", "head of the prevention section", "politi"),
    ("leder for etterforskning", "head of investigation", "politi"),
]
CHAIRS = ("ordfører", "politimester")
UNITS = [("helse", "helse og omsorg", "Health and Care"), ("oppvekst", "oppvekst", "Education")]
PLACES = [
    ("sentrum", "sentrum"),
    ("nord", "nord"),
    ("sor", "sør"),
    ("ost", "øst"),
    ("vest", "vest"),
]
ITEM_TITLES = [
    "Orientering fra politiet", "Orientering fra kommunedirektøren", "Situasjonsbilde",
    "Status for SLT-arbeidet", "Rus og ungdom", "Vold i nære relasjoner",
    "Informasjonsdeling mellom politi og kommune", "Trygghet i sentrum", "Handlingsplan",
    "Oppfølgingspunkter", "Budsjett og ressurser", "Eventuelt", "Møteplan",
]  # fmt: skip
# Each placeholder a sentence names becomes a mention of that thing, and only those do: a
# mention's passage must say what it mentions.
SENTENCES = [
    "{org} orienterte om arbeidet med {topic} i {place}.",
    "Det ble pekt på behovet for tettere samarbeid mellom {org} og {org2} om {topic}.",
    "{person} viste til erfaringer fra {place} og understreket viktigheten av tidlig innsats.",
    "Rådet drøftet {topic}, og det ble enighet om å følge opp saken i neste møte.",
    "Situasjonen i {place} er bekymringsfull, og {org} vil styrke innsatsen fremover.",
    "{org} har satt av {amount} millioner kroner til arbeidet med {topic} i {year}.",
    "{person} etterlyste bedre tall for {topic}, særlig for {place}.",
    "{org2} og {org} vil legge fram en felles vurdering av {topic} før sommeren.",
    "Det er meldt om færre saker i {place} enn i fjor, men {topic} krever fortsatt oppmerksomhet.",
]
TOPIC_WORDS = {
    "children-and-youth-in-crime": "barn og unge i kriminalitet",
    "peer-violence": "vold blant jevnaldrende",
    "recruitment-of-minors": "rekruttering av unge til kriminalitet",
    "drugs": "rus",
    "information-sharing": "informasjonsdeling",
    "efforts-in-priority-areas": "innsats i prioriterte områder",
    "emergency-preparedness": "beredskap",
    "urban-development-and-safety": "byutvikling og trygghet",
    "police-resources": "politiets ressurser",
    "youth-drugs-and-prevention": "ungdom, rus og forebygging",
}
TOPICS = list(TOPIC_WORDS)
STATUS_WORDS = {
    "not-started": "ikke startet",
    "in-progress": "under arbeid",
    "continuous": "løpende",
    "completed": "fullført",
}
# A status only moves forward: what each status may be followed by at the next report, weighted.
NEXT_STATUS = {
    None: (("not-started", "in-progress", "continuous"), (3, 6, 1)),
    "not-started": (("not-started", "in-progress", "continuous"), (2, 6, 1)),
    "in-progress": (("in-progress", "completed", "continuous"), (5, 3, 1)),
    "continuous": (("continuous", "completed"), (6, 1)),
}
OPEN_POINTS_MAX = 10  # a council closes its oldest points rather than carry more than this
POST_CHANGE = 0.03  # chance, per post and meeting, that the post has a new holder
SESSIONS = [("09:00:00", "11:00:00"), ("12:00:00", "14:00:00"), ("13:30:00", "15:30:00"),
            ("14:00:00", "16:00:00")]  # fmt: skip


def _lit(text: str, *, lang: str | None = None, datatype: str | None = None) -> str:
    body = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    if lang:
        return f'"{body}"@{lang}'
    if datatype:
        return f'"{body}"^^<{datatype}>'
    return f'"{body}"'


def _iri(value: str) -> str:
    return f"<{value}>"


def _pol(name: str) -> str:
    return f"<{POL}{name}>"


@dataclass
class Post:
    iri: str
    title: str
    org: str


@dataclass
class Holding:
    """Who holds a post now: the holder, whether acting, and whether not yet seen in it."""

    person: tuple[str, str]
    acting: bool = False
    new: bool = False


@dataclass
class OpenPoint:
    iri: str
    year: int
    number: int
    status: str | None = None


@dataclass
class Council:
    slug: str
    name: str
    town: str
    kommune: str
    politi: str
    units: list[str]
    places: list[str]
    posts: list[Post]
    labels: dict[str, str] = field(default_factory=dict)
    people: list[tuple[str, str]] = field(default_factory=list)
    holdings: dict[str, Holding] = field(default_factory=dict)
    never_held: list[tuple[str, str]] = field(default_factory=list)
    open_points: list[OpenPoint] = field(default_factory=list)
    meetings_held: int = 0


class Writer:
    """Collects N-Quads lines for one named graph at a time."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.graph = ""

    def add(self, s: str, p: str, o: str) -> None:
        self.lines.append(f"{s} {p} {o} {self.graph} .\n")

    def typed(self, s: str, cls: str) -> None:
        self.add(s, _iri(RDF_TYPE), _iri(cls))


class Text:
    """A growing source text that hands out exact passages."""

    def __init__(self, source_iri: str) -> None:
        self.parts: list[str] = []
        self.length = 0
        self.source = source_iri

    def write(self, line: str) -> None:
        """Add text that no fact points to (headings, lists), as real minutes have."""
        self.parts.append(line + "\n\n")
        self.length += len(line) + 2

    def say(self, sentence: str, writer: Writer) -> str:
        start = self.length
        self.write(sentence)
        end = start + len(sentence)
        passage = _iri(f"{self.source}#char={start},{end}")
        writer.typed(passage, POL + "Passage")
        writer.add(passage, _iri(OA + "hasSource"), _iri(self.source))
        writer.add(passage, _iri(OA + "exact"), _lit(sentence))
        writer.add(passage, _iri(OA + "start"), _lit(str(start), datatype=XSD + "integer"))
        writer.add(passage, _iri(OA + "end"), _lit(str(end), datatype=XSD + "integer"))
        return passage

    def text(self) -> str:
        return "".join(self.parts)


def _person_name(rng: random.Random, taken: set[str]) -> tuple[str, str, str]:
    """Draw a name no one in the corpus has yet: (given names, family name, slug)."""
    while True:
        names = rng.choice((GIVEN_WOMEN, GIVEN_MEN))
        given = rng.choice(names)
        roll = rng.random()
        if roll < 0.2:
            second = rng.choice(names)
            if second != given:
                given = f"{given} {second}"
        family = rng.choice(FAMILY)
        if roll > 0.9:
            first = rng.choice(FAMILY)
            if first != family:
                family = f"{first} {family}"
        slug = slugify(f"{given} {family}")
        if slug not in taken:
            taken.add(slug)
            return given, family, slug


def _councils(count: int) -> list[Council]:
    councils = []
    for town in MUNICIPALITIES[:count]:
        slug = slugify(town)
        kommune = f"{ID}organisation/{slug}-kommune"
        politi = f"{ID}organisation/{slug}-politistasjon"
        posts = []
        for title, _, side in POSTS:
            org = kommune if side == "kommune" else politi
            # post/{organisation-slug}-{title-slug}, as docs/model.md names posts
            posts.append(Post(f"{ID}post/{org.rsplit('/', 1)[1]}-{slugify(title)}", title, org))
        council = Council(
            slug=slug,
            name=f"Politirådet i {town}",
            town=town,
            kommune=kommune,
            politi=politi,
            units=[f"{kommune}-{unit}" for unit, _, _ in UNITS],
            places=[f"{ID}place/{slug}-{place}" for place, _ in PLACES],
            posts=posts,
        )
        council.labels[kommune] = f"{town} kommune"
        council.labels[politi] = f"{town} politistasjon"
        for (_, nb, _), iri in zip(UNITS, council.units, strict=True):
            council.labels[iri] = f"{town} kommune, {nb}"
        for (_, nb), iri in zip(PLACES, council.places, strict=True):
            council.labels[iri] = f"{town} {nb}"
        councils.append(council)
    return councils


def _reference(
    writer: Writer, councils: list[Council], sizes: list[int], rng: random.Random
) -> None:
    """Write graph/reference: councils, organisations, places, posts and people."""
    writer.graph = _iri(GRAPH + "reference")
    pref = _iri(SKOS + "prefLabel")
    taken: set[str] = set()
    for council, meetings in zip(councils, sizes, strict=True):
        c = _iri(f"{ID}council/{council.slug}")
        writer.typed(c, POL + "Council")
        writer.add(c, pref, _lit(council.name, lang="nb"))
        writer.add(c, pref, _lit(f"{council.town} Police Council", lang="en"))
        town = council.town
        for iri, en in (
            (council.kommune, f"{town} Municipality"),
            (council.politi, f"{town} Police Station"),
        ):
            writer.typed(_iri(iri), ORG + "Organization")
            writer.add(_iri(iri), pref, _lit(council.labels[iri], lang="nb"))
            writer.add(_iri(iri), pref, _lit(en, lang="en"))
        for unit, (_, _, en) in zip(council.units, UNITS, strict=True):
            writer.typed(_iri(unit), ORG + "Organization")
            writer.typed(_iri(unit), ORG + "OrganizationalUnit")
            writer.add(_iri(unit), pref, _lit(council.labels[unit], lang="nb"))
            writer.add(_iri(unit), pref, _lit(f"{town} Municipality, {en}", lang="en"))
            writer.add(_iri(unit), _iri(ORG + "unitOf"), _iri(council.kommune))
        for place in council.places:
            writer.typed(_iri(place), SCHEMA + "Place")
            writer.add(_iri(place), pref, _lit(council.labels[place]))
        for post, (_, en, _) in zip(council.posts, POSTS, strict=True):
            writer.typed(_iri(post.iri), ORG + "Post")
            writer.add(_iri(post.iri), pref, _lit(post.title, lang="nb"))
            writer.add(_iri(post.iri), pref, _lit(en, lang="en"))
            writer.add(_iri(post.iri), _iri(ORG + "postIn"), _iri(post.org))
        # Enough people for every post and for new holders over the years the council meets.
        for _ in range(len(POSTS) + 10 + meetings // 10):
            given, family, slug = _person_name(rng, taken)
            person = f"{ID}person/{slug}"
            name = f"{given} {family}"
            council.people.append((person, name))
            writer.typed(_iri(person), SCHEMA + "Person")
            writer.add(_iri(person), pref, _lit(name))
            writer.add(_iri(person), _iri(SCHEMA + "givenName"), _lit(given))
            writer.add(_iri(person), _iri(SCHEMA + "familyName"), _lit(family))
        council.holdings = {
            post.iri: Holding(person)
            for post, person in zip(council.posts, council.people, strict=False)
        }
        council.never_held = council.people[len(council.posts) :]


def _change_holders(council: Council, rng: random.Random) -> None:
    """Now and then a post gets a new holder: someone who holds no post at the moment."""
    for post in council.posts:
        if rng.random() >= POST_CHANGE:
            continue
        if council.never_held:
            person = council.never_held.pop(0)
        else:
            holding = {h.person[0] for h in council.holdings.values()}
            person = rng.choice([p for p in council.people if p[0] not in holding])
        council.holdings[post.iri] = Holding(person, acting=rng.random() < 0.15, new=True)


def _meeting(
    writer: Writer,
    council: Council,
    date: dt.date,
    rng: random.Random,
    counters: dict[int, int],
) -> str:
    """Write one meeting into its own named graph; return its source text."""
    iso = date.isoformat()
    writer.graph = _iri(f"{GRAPH}meeting/{iso}")
    m = f"{ID}meeting/{iso}"
    source = f"{ID}source/{iso}"
    text = Text(source)
    P = _pol
    title = f"Referat fra møte i {council.name} {date:%d.%m.%Y}"
    head = text.say(title, writer)
    writer.typed(_iri(m), POL + "Meeting")
    writer.add(_iri(m), P("council"), _iri(f"{ID}council/{council.slug}"))
    seminar = date.month == 11
    kind = "seminar" if seminar else "ordinary"
    start, end = ("09:00:00", "15:00:00") if seminar else rng.choice(SESSIONS)
    place = council.places[0] if rng.random() < 0.8 else rng.choice(council.places)
    writer.add(_iri(m), P("meetingType"), _iri(f"{ID}concept/meeting-type/{kind}"))
    writer.add(_iri(m), P("meetingStatus"), _iri(f"{ID}concept/meeting-status/held"))
    writer.add(_iri(m), _iri(SCHEMA + "startDate"), _lit(iso, datatype=XSD + "date"))
    writer.add(_iri(m), _iri(SCHEMA + "startTime"), _lit(start, datatype=XSD + "time"))
    writer.add(_iri(m), _iri(SCHEMA + "endTime"), _lit(end, datatype=XSD + "time"))
    writer.add(_iri(m), _iri(SCHEMA + "location"), _iri(place))
    writer.add(_iri(m), _iri(DCT + "title"), _lit(title, lang="nb"))
    writer.add(_iri(m), P("minutes"), _iri(source))
    writer.add(_iri(m), P("evidence"), head)
    writer.typed(_iri(source), POL + "SourceDocument")
    writer.typed(_iri(source), POL + "Document")
    writer.add(_iri(source), _iri(DCT + "title"), _lit(title, lang="nb"))
    writer.add(_iri(source), P("fileName"), _lit(f"{iso}_synth.txt"))
    writer.add(_iri(source), P("recordsMeeting"), _iri(m))
    text.write(f"Tid: {start[:5]}–{end[:5]}. Sted: {council.labels[place]}.")

    # Posts change hands between meetings: the first meeting shows the holders as written in
    # graph/reference, so the corpus's first person is sure to appear (the benchmarks query it).
    if council.meetings_held:
        _change_holders(council, rng)
    council.meetings_held += 1
    text.write("Til stede:")
    # The mayor and the chief of police chair the council and are always there; minutes list the
    # kommune's people before the police's, in the order of the post list.
    chairs = [i for i, (title, _, _) in enumerate(POSTS) if title in CHAIRS]
    others = [i for i in range(len(POSTS)) if i not in chairs]
    present = sorted(chairs + rng.sample(others, rng.randint(6, 11)))
    people: list[tuple[str, str]] = []
    for index in present:
        post = council.posts[index]
        holding = council.holdings[post.iri]
        person, name = holding.person
        people.append(holding.person)
        qualifier = "fungerende " if holding.acting else "ny " if holding.new else ""
        line = text.say(f"{name}, {qualifier}{post.title}", writer)
        pslug = person.rsplit("/", 1)[1]
        part = _iri(f"{m}/participation/{pslug}")
        writer.typed(part, POL + "Participation")
        writer.add(part, P("meeting"), _iri(m))
        writer.add(part, P("participant"), _iri(person))
        role = rng.choice(["member", "member", "member", "invited", "observer"])
        writer.add(part, P("meetingRole"), _iri(f"{ID}concept/meeting-role/{role}"))
        writer.add(part, P("onBehalfOf"), _iri(post.org))
        writer.add(part, P("inPost"), _iri(post.iri))
        writer.add(part, P("evidence"), line)
        holder = _iri(f"{m}/post-holding/{pslug}")
        writer.typed(holder, POL + "PostHolding")
        writer.add(holder, P("holder"), _iri(person))
        writer.add(holder, P("heldPost"), _iri(post.iri))
        acting = "true" if holding.acting else "false"
        writer.add(holder, P("acting"), _lit(acting, datatype=XSD + "boolean"))
        if holding.new:
            writer.add(holder, P("newInPost"), _lit("true", datatype=XSD + "boolean"))
            holding.new = False
        writer.add(holder, P("attestedIn"), _iri(m))
        writer.add(holder, P("evidence"), line)

    items = rng.sample(ITEM_TITLES, rng.randint(6, 11))
    decision_no = 0
    amount_no = 0

    def mention(passage: str, target: str, context: str) -> None:
        start = passage.split("=", 1)[1].split(",", 1)[0]
        node = _iri(f"{m}/mention/{start}-{target.rsplit('/', 1)[1]}")
        writer.typed(node, POL + "Mention")
        writer.add(node, P("mentionOf"), _iri(target))
        writer.add(node, P("meeting"), _iri(m))
        writer.add(node, P("context"), context)
        writer.add(node, P("evidence"), passage)

    names = dict(council.labels)
    names.update(people)
    for number, item_title in enumerate(items, start=1):
        item = _iri(f"{m}/item/{number}")
        heading = text.say(f"{number}. {item_title}", writer)
        writer.typed(item, POL + "AgendaItem")
        writer.add(item, P("meeting"), _iri(m))
        writer.add(item, P("position"), _lit(str(number), datatype=XSD + "integer"))
        writer.add(item, P("itemNumber"), _lit(str(number), datatype=XSD + "integer"))
        writer.add(item, _iri(DCT + "title"), _lit(item_title, lang="nb"))
        writer.add(item, P("evidence"), heading)
        for _ in range(rng.randint(2, 6)):
            org = rng.choice([council.kommune, council.politi, *council.units])
            targets = {
                "org": org,
                # The second organisation is never the first: one passage, one mention each.
                "org2": council.politi if org != council.politi else council.kommune,
                "topic": f"{ID}topic/{rng.choice(TOPICS)}",
                "place": rng.choice(council.places),
                "person": rng.choice(people)[0],
            }
            template = rng.choice(SENTENCES)
            amount = rng.randint(1, 90)
            sentence = template.format(
                org=names[targets["org"]],
                org2=names[targets["org2"]],
                topic=TOPIC_WORDS[targets["topic"].rsplit("/", 1)[1]],
                place=names[targets["place"]],
                person=names[targets["person"]],
                amount=amount,
                year=date.year,
            )
            sentence = sentence[0].upper() + sentence[1:]
            passage = text.say(sentence, writer)
            for key, target in targets.items():
                if "{" + key + "}" in template:
                    mention(passage, target, item)
            if "{amount}" in template:
                amount_no += 1
                money = _iri(f"{m}/amount/{amount_no}")
                writer.typed(money, POL + "MonetaryAmount")
                writer.typed(money, SCHEMA + "MonetaryAmount")
                value = str(amount * 1_000_000)
                writer.add(money, _iri(SCHEMA + "value"), _lit(value, datatype=XSD + "decimal"))
                writer.add(money, _iri(SCHEMA + "currency"), _lit("NOK"))
                writer.add(money, P("year"), _lit(str(date.year), datatype=XSD + "gYear"))
                writer.add(money, P("payer"), _iri(org))
                writer.add(money, P("meeting"), _iri(m))
                writer.add(money, _iri(DCT + "description"), _lit(sentence, lang="nb"))
                writer.add(money, P("evidence"), passage)
        decided = _decision(item_title, date, rng)
        if decided is not None:
            decision_no += 1
            kind, said_text, description = decided
            decision = _iri(f"{m}/decision/{decision_no}")
            said = text.say(said_text, writer)
            writer.typed(decision, POL + "Decision")
            writer.add(decision, P("meeting"), _iri(m))
            writer.add(decision, P("agendaItem"), item)
            writer.add(decision, P("decisionType"), _iri(f"{ID}concept/decision-type/{kind}"))
            writer.add(decision, _iri(DCT + "description"), _lit(description, lang="nb"))
            writer.add(decision, P("evidence"), said)
        if item_title == "Oppfølgingspunkter":
            _followups(writer, text, council, date, m, rng, counters, mention)
    return text.text()


def _decision(item_title: str, date: dt.date, rng: random.Random) -> tuple[str, str, str] | None:
    """Whether an item ends in a decision: (decision type, sentence in the text, description)."""
    if item_title == "Handlingsplan" and rng.random() < 0.7:
        return (
            "approved",
            "Vedtak: Rådet godkjente handlingsplanen.",
            "Handlingsplanen godkjent.",
        )
    if item_title == "Møteplan" and rng.random() < 0.7:
        year = date.year + 1
        return (
            "adopted",
            f"Vedtak: Møteplanen for {year} ble vedtatt.",
            f"Møteplan for {year} vedtatt.",
        )
    if rng.random() >= 0.3:
        return None
    if rng.random() < 0.15:
        return (
            "deferred",
            f"Vedtak: {item_title} ble utsatt til neste møte.",
            f"{item_title} utsatt til neste møte.",
        )
    return (
        "noted",
        f"Vedtak: {item_title} ble tatt til orientering.",
        f"{item_title} tatt til orientering.",
    )


def _followups(
    writer: Writer,
    text: Text,
    council: Council,
    date: dt.date,
    m: str,
    rng: random.Random,
    counters: dict[int, int],
    mention: Callable[[str, str, str], None],
) -> None:
    """Report the status of the council's open follow-up points, then add new ones."""
    P = _pol
    iso = date.isoformat()
    # A council that carries too many points closes the oldest (still a step forward).
    overflow = len(council.open_points) - OPEN_POINTS_MAX
    for index, point in enumerate(council.open_points):
        if index < overflow:
            status = "completed"
        else:
            choices, weights = NEXT_STATUS[point.status]
            status = rng.choices(choices, weights)[0]
        point.status = status
        words = STATUS_WORDS[status]
        said = text.say(f"Status for punkt {point.year}-{point.number}: {words}.", writer)
        update = _iri(f"{point.iri}/status/{iso}")
        writer.typed(update, POL + "StatusUpdate")
        writer.add(update, P("followUp"), _iri(point.iri))
        writer.add(update, P("status"), _iri(f"{ID}concept/followup-status/{status}"))
        writer.add(update, P("statusText"), _lit(f"Status: {words}.", lang="nb"))
        writer.add(update, P("reportedIn"), _iri(m))
        writer.add(update, _iri(DCT + "date"), _lit(iso, datatype=XSD + "date"))
        writer.add(update, P("evidence"), said)
    council.open_points = [p for p in council.open_points if p.status != "completed"]
    for _ in range(rng.randint(1, 3)):
        # Follow-up IRIs are numbered per year across the corpus: followup/{year}-{n}.
        counters[date.year] = n = counters.get(date.year, 0) + 1
        iri = f"{ID}followup/{date.year}-{n}"
        topic = rng.choice(TOPICS)
        responsible = rng.choice([council.kommune, council.politi, *council.units])
        sentence = (
            f"Nytt oppfølgingspunkt {date.year}-{n}: {council.labels[responsible]} skal styrke "
            f"arbeidet med {TOPIC_WORDS[topic]}."
        )
        said = text.say(sentence, writer)
        writer.typed(_iri(iri), POL + "FollowUpPoint")
        writer.add(_iri(iri), P("followUpYear"), _lit(str(date.year), datatype=XSD + "gYear"))
        writer.add(_iri(iri), P("number"), _lit(str(n), datatype=XSD + "integer"))
        writer.add(_iri(iri), _iri(DCT + "description"), _lit(sentence, lang="nb"))
        writer.add(_iri(iri), P("responsible"), _iri(responsible))
        writer.add(_iri(iri), P("originMeeting"), _iri(m))
        writer.add(_iri(iri), P("evidence"), said)
        mention(said, f"{ID}topic/{topic}", _iri(iri))
        mention(said, responsible, _iri(iri))
        council.open_points.append(OpenPoint(iri, date.year, n))


def generate(meetings: int, seed: int, out: Path) -> dict[str, int]:
    """Write ``corpus.nq.gz`` (and the generated texts) under ``out``; return counts.

    The same ``meetings`` and ``seed`` write the same bytes (the gzip header carries no time).
    """
    if meetings < 1:
        raise ValueError(f"meetings must be at least 1, not {meetings}")
    rng = random.Random(seed)
    out.mkdir(parents=True, exist_ok=True)
    councils = _councils(max(1, min(len(MUNICIPALITIES), meetings // 12 + 1)))
    # Meetings go to the councils in turn, so each council's share is known before its people.
    sizes = [len(range(i, meetings, len(councils))) for i in range(len(councils))]
    writer = Writer()
    _reference(writer, councils, sizes, rng)
    # The real code lists, topics and ontology, so the corpus validates and queries like ours.
    for name in ("code-lists.ttl", "topics.ttl"):
        graph = parse_file(PROJECT_ROOT / "data" / "reference" / name)
        writer.lines.extend(f"{line} <{GRAPH}reference> .\n" for line in _nt_lines(graph))
    for path in sorted((PROJECT_ROOT / "ontology").glob("*.ttl")):
        writer.lines.extend(f"{line} <{GRAPH}ontology> .\n" for line in _nt_lines(parse_file(path)))
    texts = out / "sources"
    texts.mkdir(exist_ok=True)
    day = dt.date(2000, 1, 3)
    counters: dict[int, int] = {}
    triples = 0
    with (
        open(out / "corpus.nq.gz", "wb") as raw,
        gzip.GzipFile("corpus.nq", "wb", compresslevel=3, fileobj=raw, mtime=0) as packed,
        io.TextIOWrapper(packed, encoding="utf-8", newline="\n") as handle,
    ):
        for index in range(meetings):
            council = councils[index % len(councils)]
            # One meeting a day across the corpus: meeting IRIs are keyed by date.
            text = _meeting(writer, council, day, rng, counters)
            (texts / f"{day.isoformat()}_synth.txt").write_text(text, encoding="utf-8")
            day += dt.timedelta(days=1)
            triples += len(writer.lines)
            handle.writelines(writer.lines)
            writer.lines.clear()
        triples += len(writer.lines)
        handle.writelines(writer.lines)
    return {"meetings": meetings, "councils": len(councils), "quads": triples}


def _nt_lines(graph: Graph) -> list[str]:
    # Reference data points into the real sources; the corpus keeps only the vocabulary itself.
    for s, p, o in list(graph):
        if "#char=" in str(s) or str(p) == POL + "evidence" or str(p).endswith("#seeAlso"):
            graph.remove((s, p, o))
    # Blank nodes (the alignments' axioms) get labels from their content, not fresh random ones:
    # the same input must give the same bytes.
    data = to_canonical_graph(graph).serialize(format="nt")
    return sorted(line[:-2].rstrip() for line in data.splitlines() if line.strip())
