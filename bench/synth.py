"""A deterministic synthetic corpus in exactly the project's model, for benchmarks at scale.

Councils meet several times a year; each meeting has a generated Norwegian-looking source text,
agenda items, participants with posts over time, decisions, follow-up points with status
histories, amounts, and mentions of organisations, places and topics, every fact pointing to an
exact passage of its generated text. The same ``--meetings`` and ``--seed`` give the same bytes.

    politiraad synth --meetings 350 --seed 1 --out var/synth/1m   # about 1M triples
"""

from __future__ import annotations

import datetime as dt
import gzip
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph

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
GIVEN = [
    "Anne", "Kari", "Ingrid", "Liv", "Silje", "Marte", "Ida", "Hanne", "Tone", "Eli", "Ole",
    "Lars", "Jon", "Per", "Knut", "Arne", "Bjørn", "Erik", "Geir", "Terje", "Øystein", "Åse",
    "Sigrid", "Håkon", "Trond", "Ragnhild", "Vegard", "Kjersti", "Eirik", "Solveig",
]  # fmt: skip
FAMILY = [
    "Hansen", "Johansen", "Olsen", "Larsen", "Andersen", "Pedersen", "Nilsen", "Kristiansen",
    "Jensen", "Karlsen", "Berg", "Haugen", "Hagen", "Johnsen", "Bakke", "Lie", "Dahl", "Lund",
    "Strand", "Solberg", "Moen", "Sæther", "Brekke", "Øien", "Aas", "Ødegård", "Bø", "Nygård",
]  # fmt: skip
POSTS = [
    ("ordforer", "ordfører", "kommune"),
    ("radmann", "kommunedirektør", "kommune"),
    ("politimester", "politimester", "politi"),
    ("stasjonssjef", "stasjonssjef", "politi"),
    ("slt-koordinator", "SLT-koordinator", "kommune"),
    ("barnevernleder", "barnevernleder", "kommune"),
    ("rektor", "rektor", "kommune"),
    ("politikontakt", "politikontakt", "politi"),
]
ITEM_TITLES = [
    "Orientering fra politiet", "Orientering fra kommunedirektøren", "Situasjonsbilde",
    "Status for SLT-arbeidet", "Rus og ungdom", "Vold i nære relasjoner",
    "Informasjonsdeling mellom politi og kommune", "Trygghet i sentrum", "Handlingsplan",
    "Oppfølgingspunkter", "Budsjett og ressurser", "Eventuelt", "Møteplan",
]  # fmt: skip
SENTENCES = [
    "{org} orienterte om arbeidet med {topic} i {place}.",
    "Det ble pekt på behovet for tettere samarbeid mellom {org} og {org2} om {topic}.",
    "{person} viste til erfaringer fra {place} og understreket viktigheten av tidlig innsats.",
    "Rådet drøftet {topic}, og det ble enighet om å følge opp saken i neste møte.",
    "Situasjonen i {place} er bekymringsfull, og {org} vil styrke innsatsen fremover.",
    "Det er avsatt {amount} millioner kroner til tiltaket i {year}.",
]
TOPICS = [
    "children-and-youth-in-crime", "peer-violence", "recruitment-of-minors", "drugs",
    "information-sharing", "efforts-in-priority-areas", "emergency-preparedness",
    "urban-development-and-safety", "police-resources", "youth-drugs-and-prevention",
]  # fmt: skip
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
STATUSES = ["in-progress", "continuous", "completed", "not-started"]


def _lit(text: str, *, lang: str | None = None, datatype: str | None = None) -> str:
    body = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    if lang:
        return f'"{body}"@{lang}'
    if datatype:
        return f'"{body}"^^<{datatype}>'
    return f'"{body}"'


def _iri(value: str) -> str:
    return f"<{value}>"


@dataclass
class Council:
    slug: str
    name: str
    kommune: str
    politi: str
    units: list[str]
    places: list[str]
    people: list[tuple[str, str]] = field(default_factory=list)


class Writer:
    """Collects N-Quads lines for one named graph at a time."""

    def __init__(self, out: Iterator[str] | None = None) -> None:
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

    def say(self, sentence: str, writer: Writer) -> str:
        start = self.length
        self.parts.append(sentence + "\n\n")
        self.length += len(sentence) + 2
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


def _councils(rng: random.Random, count: int) -> list[Council]:
    councils = []
    for name in MUNICIPALITIES[:count]:
        slug = slugify(name)
        councils.append(
            Council(
                slug=slug,
                name=f"Politirådet i {name}",
                kommune=f"{ID}organisation/{slug}-kommune",
                politi=f"{ID}organisation/{slug}-politistasjon",
                units=[f"{ID}organisation/{slug}-kommune-{u}" for u in ("helse", "oppvekst")],
                places=[f"{ID}place/{slug}-{p}" for p in ("sentrum", "nord", "sor", "ost", "vest")],
            )
        )
    return councils


def _reference(writer: Writer, councils: list[Council], rng: random.Random) -> None:
    writer.graph = _iri(GRAPH + "reference")
    pref = _iri(SKOS + "prefLabel")
    for council in councils:
        c = _iri(f"{ID}council/{council.slug}")
        writer.typed(c, POL + "Council")
        writer.add(c, pref, _lit(council.name, lang="nb"))
        town = council.name.split(" i ", 1)[1]
        for iri, label in (
            (council.kommune, f"{town} kommune"),
            (council.politi, f"{town} politistasjon"),
        ):
            writer.typed(_iri(iri), ORG + "Organization")
            writer.add(_iri(iri), pref, _lit(label, lang="nb"))
        for unit in council.units:
            writer.typed(_iri(unit), ORG + "Organization")
            writer.typed(_iri(unit), ORG + "OrganizationalUnit")
            writer.add(_iri(unit), pref, _lit(f"{town} {unit.rsplit('-', 1)[1]}", lang="nb"))
            writer.add(_iri(unit), _iri(ORG + "unitOf"), _iri(council.kommune))
        for place in council.places:
            writer.typed(_iri(place), SCHEMA + "Place")
            writer.add(_iri(place), pref, _lit(f"{town} {place.rsplit('-', 1)[1]}"))
        for post_slug, title, side in POSTS:
            post = _iri(f"{ID}post/{council.slug}-{side}-{post_slug}")
            writer.typed(post, ORG + "Post")
            writer.add(post, pref, _lit(title, lang="nb"))
            owner = council.kommune if side == "kommune" else council.politi
            writer.add(post, _iri(ORG + "postIn"), _iri(owner))
        seen: set[str] = set()
        while len(council.people) < 24:
            name = f"{rng.choice(GIVEN)} {rng.choice(FAMILY)}"
            slug = slugify(name)
            if slug in seen:
                continue
            seen.add(slug)
            person = f"{ID}person/{council.slug}-{slug}"
            council.people.append((person, name))
            writer.typed(_iri(person), SCHEMA + "Person")
            writer.add(_iri(person), pref, _lit(name))


def _meeting(
    writer: Writer,
    council: Council,
    date: dt.date,
    rng: random.Random,
    followups: list[str],
    counters: dict[int, int],
) -> tuple[list[str], str]:
    """Write one meeting; return the follow-up points it created and its source text."""
    iso = date.isoformat()
    writer.graph = _iri(f"{GRAPH}meeting/{iso}")
    m = f"{ID}meeting/{iso}"
    source = f"{ID}source/{iso}"
    text = Text(source)
    P = lambda name: _iri(POL + name)  # noqa: E731
    title = f"Referat fra møte i {council.name} {date:%d.%m.%Y}"
    head = text.say(title, writer)
    writer.typed(_iri(m), POL + "Meeting")
    writer.add(_iri(m), P("council"), _iri(f"{ID}council/{council.slug}"))
    kind = "seminar" if date.month == 11 else "ordinary"
    writer.add(_iri(m), P("meetingType"), _iri(f"{ID}concept/meeting-type/{kind}"))
    writer.add(_iri(m), P("meetingStatus"), _iri(f"{ID}concept/meeting-status/held"))
    writer.add(_iri(m), _iri(SCHEMA + "startDate"), _lit(iso, datatype=XSD + "date"))
    writer.add(_iri(m), _iri(SCHEMA + "startTime"), _lit("13:30:00", datatype=XSD + "time"))
    writer.add(_iri(m), _iri(SCHEMA + "endTime"), _lit("15:30:00", datatype=XSD + "time"))
    writer.add(_iri(m), _iri(SCHEMA + "location"), _iri(council.places[0]))
    writer.add(_iri(m), _iri(DCT + "title"), _lit(title, lang="nb"))
    writer.add(_iri(m), P("minutes"), _iri(source))
    writer.add(_iri(m), P("evidence"), head)
    writer.typed(_iri(source), POL + "SourceDocument")
    writer.typed(_iri(source), POL + "Document")
    writer.add(_iri(source), _iri(DCT + "title"), _lit(title, lang="nb"))
    writer.add(_iri(source), P("fileName"), _lit(f"{iso}_synth.txt"))
    writer.add(_iri(source), P("recordsMeeting"), _iri(m))

    people = rng.sample(council.people, rng.randint(8, 16))
    for person, name in people:
        post_slug, post_title, side = rng.choice(POSTS)
        org = council.kommune if side == "kommune" else council.politi
        line = text.say(f"{name} ({post_title})", writer)
        pslug = person.rsplit("/", 1)[1]
        part = _iri(f"{m}/participation/{pslug}")
        writer.typed(part, POL + "Participation")
        writer.add(part, P("meeting"), _iri(m))
        writer.add(part, P("participant"), _iri(person))
        role = rng.choice(["member", "member", "member", "invited", "observer"])
        writer.add(part, P("meetingRole"), _iri(f"{ID}concept/meeting-role/{role}"))
        writer.add(part, P("onBehalfOf"), _iri(org))
        post = _iri(f"{ID}post/{council.slug}-{side}-{post_slug}")
        writer.add(part, P("inPost"), post)
        writer.add(part, P("evidence"), line)
        holding = _iri(f"{m}/post-holding/{pslug}")
        writer.typed(holding, POL + "PostHolding")
        writer.add(holding, P("holder"), _iri(person))
        writer.add(holding, P("heldPost"), post)
        writer.add(holding, P("acting"), _lit("false", datatype=XSD + "boolean"))
        writer.add(holding, P("attestedIn"), _iri(m))
        writer.add(holding, P("evidence"), line)

    items = rng.sample(ITEM_TITLES, rng.randint(6, 11))
    created: list[str] = []
    decision_no = 0
    amount_no = 0
    for number, item_title in enumerate(items, start=1):
        item = _iri(f"{m}/item/{number}")
        heading = text.say(f"{number}. {item_title}", writer)
        writer.typed(item, POL + "AgendaItem")
        writer.add(item, P("meeting"), _iri(m))
        writer.add(item, P("position"), _lit(str(number), datatype=XSD + "integer"))
        writer.add(item, P("itemNumber"), _lit(str(number), datatype=XSD + "integer"))
        writer.add(item, _iri(DCT + "title"), _lit(item_title, lang="nb"))
        writer.add(item, P("evidence"), heading)
        for _ in range(rng.randint(2, 5)):
            topic = rng.choice(TOPICS)
            person = rng.choice(people)
            org = rng.choice([council.kommune, council.politi, *council.units])
            place = rng.choice(council.places)
            template = rng.choice(SENTENCES)
            amount = rng.randint(1, 90)
            sentence = template.format(
                org=org.rsplit("/", 1)[1].replace("-", " ").title(),
                org2=council.politi.rsplit("/", 1)[1].replace("-", " ").title(),
                topic=TOPIC_WORDS[topic],
                place=place.rsplit("/", 1)[1].replace("-", " ").title(),
                person=person[1],
                amount=amount,
                year=date.year,
            )
            passage = text.say(sentence, writer)
            start = passage.split("=", 1)[1].split(",", 1)[0]
            for target in (f"{ID}topic/{topic}", place, org):
                slug = slugify(target.rsplit("/", 1)[1])
                mention = _iri(f"{m}/mention/{start}-{slug}")
                writer.typed(mention, POL + "Mention")
                writer.add(mention, P("mentionOf"), _iri(target))
                writer.add(mention, P("meeting"), _iri(m))
                writer.add(mention, P("context"), item)
                writer.add(mention, P("evidence"), passage)
            if "millioner" in template:
                amount_no += 1
                money = _iri(f"{m}/amount/{amount_no}")
                writer.typed(money, POL + "MonetaryAmount")
                writer.typed(money, SCHEMA + "MonetaryAmount")
                writer.add(
                    money,
                    _iri(SCHEMA + "value"),
                    _lit(str(amount * 1_000_000), datatype=XSD + "decimal"),
                )
                writer.add(money, _iri(SCHEMA + "currency"), _lit("NOK"))
                writer.add(money, P("year"), _lit(str(date.year), datatype=XSD + "gYear"))
                writer.add(money, P("payer"), _iri(org))
                writer.add(money, P("meeting"), _iri(m))
                writer.add(money, _iri(DCT + "description"), _lit(sentence, lang="nb"))
                writer.add(money, P("evidence"), passage)
        if rng.random() < 0.3:
            decision_no += 1
            decision = _iri(f"{m}/decision/{decision_no}")
            said = text.say(f"Vedtak: {item_title} ble tatt til orientering.", writer)
            writer.typed(decision, POL + "Decision")
            writer.add(decision, P("meeting"), _iri(m))
            writer.add(decision, P("agendaItem"), item)
            writer.add(decision, P("decisionType"), _iri(f"{ID}concept/decision-type/noted"))
            writer.add(
                decision,
                _iri(DCT + "description"),
                _lit(f"{item_title} tatt til orientering.", lang="nb"),
            )
            writer.add(decision, P("evidence"), said)
        if item_title == "Oppfølgingspunkter":
            for point in followups:
                status = rng.choice(STATUSES)
                said = text.say(f"Status for punkt {point.rsplit('-', 1)[1]}: {status}.", writer)
                update = _iri(f"{point}/status/{iso}")
                writer.typed(update, POL + "StatusUpdate")
                writer.add(update, P("followUp"), _iri(point))
                writer.add(update, P("status"), _iri(f"{ID}concept/followup-status/{status}"))
                writer.add(update, P("statusText"), _lit(f"Status: {status}.", lang="nb"))
                writer.add(update, P("reportedIn"), _iri(m))
                writer.add(update, _iri(DCT + "date"), _lit(iso, datatype=XSD + "date"))
                writer.add(update, P("evidence"), said)
            for _ in range(1, rng.randint(2, 4)):
                # Follow-up IRIs are numbered per year across the corpus: followup/{year}-{n}.
                counters[date.year] = n = counters.get(date.year, 0) + 1
                point = f"{ID}followup/{date.year}-{n}"
                words = rng.choice(list(TOPIC_WORDS.values()))
                sentence = f"Nytt oppfølgingspunkt {n}: arbeidet med {words} skal styrkes."
                said = text.say(sentence, writer)
                writer.typed(_iri(point), POL + "FollowUpPoint")
                writer.add(
                    _iri(point), P("followUpYear"), _lit(str(date.year), datatype=XSD + "gYear")
                )
                writer.add(_iri(point), P("number"), _lit(str(n), datatype=XSD + "integer"))
                writer.add(_iri(point), _iri(DCT + "description"), _lit(sentence, lang="nb"))
                writer.add(_iri(point), P("originMeeting"), _iri(m))
                writer.add(_iri(point), P("evidence"), said)
                created.append(point)
    return created, text.text()


def generate(meetings: int, seed: int, out: Path) -> dict[str, int]:
    """Write ``corpus.nq.gz`` (and the generated texts) under ``out``; return counts."""
    rng = random.Random(seed)
    out.mkdir(parents=True, exist_ok=True)
    councils = _councils(rng, max(1, min(len(MUNICIPALITIES), meetings // 12 + 1)))
    writer = Writer()
    _reference(writer, councils, rng)
    # The real code lists, topics and ontology, so the corpus validates and queries like ours.
    for name in ("code-lists.ttl", "topics.ttl"):
        graph = parse_file(PROJECT_ROOT / "data" / "reference" / name)
        writer.lines.extend(f"{line} <{GRAPH}reference> .\n" for line in _nt_lines(graph))
    for path in sorted((PROJECT_ROOT / "ontology").glob("*.ttl")):
        writer.lines.extend(f"{line} <{GRAPH}ontology> .\n" for line in _nt_lines(parse_file(path)))
    texts = out / "sources"
    texts.mkdir(exist_ok=True)
    day = dt.date(2000, 1, 3)
    pending: dict[str, list[str]] = {c.slug: [] for c in councils}
    counters: dict[int, int] = {}
    triples = 0
    with gzip.open(out / "corpus.nq.gz", "wt", encoding="utf-8", compresslevel=3) as handle:
        for index in range(meetings):
            council = councils[index % len(councils)]
            # One meeting a day across the corpus: meeting IRIs are keyed by date.
            created, text = _meeting(writer, council, day, rng, pending[council.slug], counters)
            pending[council.slug] = created or pending[council.slug]
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
    data = graph.serialize(format="nt")
    return sorted(line[:-2].rstrip() for line in data.splitlines() if line.strip())
