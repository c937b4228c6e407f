"""The query library: every competency question answered on the curated data, on both stores.

Each CQ test runs the named query with its default parameters (or the parameters named) over the
curated data, loaded into the rdflib memory store and into an Oxigraph store on disk, and compares
plain values (IRIs as strings, numbers, dates, times, booleans) with the answer the minutes give.
The expected rows were checked against the source texts in ``data/sources``.
"""

from __future__ import annotations

import itertools
import pickle
import re
from collections.abc import Iterator, Mapping
from datetime import date, time
from decimal import Decimal

import pyoxigraph as ox
import pytest
from rdflib import BNode, Literal, URIRef
from rdflib.namespace import RDF, RDFS, XSD
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.parserutils import CompValue
from rdflib.term import Node, Variable

from politiraad_graph import queries
from politiraad_graph.build import BuildResult
from politiraad_graph.config import PROJECT_ROOT
from politiraad_graph.namespaces import POL
from politiraad_graph.queries import NamedQuery, ParameterError
from politiraad_graph.store.base import GraphStore, SelectResult
from politiraad_graph.store.memory import MemoryStore
from politiraad_graph.store.oxigraph import OxigraphStore, to_rdflib

ID = "https://w3id.org/politiraad/id/"
HOSTILE = 'x" } ; DROP ALL #'
SOURCES = PROJECT_ROOT / "data" / "sources"

Value = str | int | bool | Decimal | date | time | None
Row = tuple[Value, ...]

_TYPED = {XSD.integer, XSD.decimal, XSD.boolean, XSD.date, XSD.time}


def I(path: str) -> str:  # noqa: E743 - short on purpose, it is used in every expected row
    """The full IRI of a thing under the project's base."""
    return ID + path


def plain(term: Node | None) -> Value:
    """A term as a plain value: IRIs and strings as str, numbers, dates and times as Python."""
    if term is None:
        return None
    if isinstance(term, URIRef):
        return str(term)
    if isinstance(term, BNode):
        return f"_:{term}"
    assert isinstance(term, Literal)
    if term.datatype in _TYPED:
        value = term.toPython()
        assert not isinstance(value, Literal), f"ill-typed literal {term!r}"
        return value  # type: ignore[no-any-return]
    return str(term)


# --- stores -------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def stores(
    curated: BuildResult, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[str, GraphStore]]:
    memory = MemoryStore()
    memory.replace_all(curated.graphs)
    oxigraph = OxigraphStore(tmp_path_factory.mktemp("query-library") / "store")
    oxigraph.replace_all(curated.graphs)
    yield {"memory": memory, "oxigraph": oxigraph}
    oxigraph.close()
    memory.close()


@pytest.fixture(params=["memory", "oxigraph"])
def store(request: pytest.FixtureRequest, stores: dict[str, GraphStore]) -> GraphStore:
    return stores[request.param]


def run(store: GraphStore, name: str, **params: str) -> SelectResult:
    """Run a named query with its defaults and the parameters given."""
    named = queries.get(name)
    result = store.query(named.text, bindings=named.bindings(params))
    assert isinstance(result, SelectResult), f"{name} is not a SELECT query"
    return result


def rows(result: SelectResult, *columns: str) -> list[Row]:
    """The result's rows as tuples of plain values, in result order, for the columns named."""
    for column in columns:
        assert column in result.variables, f"no column {column!r} in {result.variables}"
    return [tuple(plain(row.get(column)) for column in columns) for row in result.rows]


def select(name: str, store: GraphStore, *columns: str, **params: str) -> list[Row]:
    return rows(run(store, name, **params), *columns)


_DT = ox.NamedNode("http://example.org/datatype")
_XSD_OX = {name: ox.NamedNode(str(XSD[name])) for name in ("integer", "date", "decimal", "string")}


@pytest.mark.parametrize(
    ("term", "expected"),
    [
        (ox.NamedNode(ID + "person/x"), URIRef(ID + "person/x")),
        (ox.BlankNode("b1"), BNode("b1")),
        (ox.Literal('a "b" }'), Literal('a "b" }')),
        (ox.Literal("x", datatype=_XSD_OX["string"]), Literal("x")),
        (ox.Literal("Tøyen", language="nb"), Literal("Tøyen", lang="nb")),
        (ox.Literal("", language="en"), Literal("", lang="en")),
        (ox.Literal("5", datatype=_XSD_OX["integer"]), Literal("5", datatype=XSD.integer)),
        (ox.Literal("2.5", datatype=_XSD_OX["decimal"]), Literal("2.5", datatype=XSD.decimal)),
        (ox.Literal("2026-01-29", datatype=_XSD_OX["date"]), Literal(date(2026, 1, 29))),
        (ox.Literal("x", datatype=_DT), Literal("x", datatype=URIRef(str(_DT.value)))),
    ],
)
def test_oxigraph_terms_convert_to_what_rdflib_builds(term: object, expected: Node) -> None:
    # The store builds string literals and IRIs without rdflib's constructors (they were most
    # of the time of a query with many rows): the terms must be indistinguishable.
    converted = to_rdflib(term)
    assert type(converted) is type(expected)
    assert converted == expected and hash(converted) == hash(expected)
    assert converted.n3() == expected.n3()
    if isinstance(expected, Literal):
        assert isinstance(converted, Literal)
        assert (converted.language, converted.datatype) == (expected.language, expected.datatype)
        assert converted.value == expected.value
        assert converted.toPython() == expected.toPython()
        assert converted.eq(expected) and converted.neq(Literal("other")) is True
    assert pickle.loads(pickle.dumps(converted)) == expected


# --- the library itself ---------------------------------------------------------------------

LIBRARY = queries.library()
CQ_NAMES = sorted(name for name in LIBRARY if re.fullmatch(r"cq\d\d-[a-z0-9-]+", name))


def test_every_competency_question_has_one_query() -> None:
    numbers = [int(name[2:4]) for name in CQ_NAMES]
    assert numbers == list(range(1, 16))


def _walk(node: object) -> Iterator[CompValue]:
    if isinstance(node, CompValue):
        yield node
        for value in node.values():
            yield from _walk(value)
    elif isinstance(node, Mapping):
        for key, value in node.items():
            yield from _walk(key)
            yield from _walk(value)
    elif isinstance(node, list | tuple | set | frozenset):
        for value in node:
            yield from _walk(value)


def _variables(node: object) -> set[str]:
    found: set[str] = set()
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, Variable):
            found.add(str(item))
        elif isinstance(item, CompValue):
            stack.extend(item.values())
        elif isinstance(item, Mapping):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list | tuple | set | frozenset):
            stack.extend(item)
    return found


def _free_variables(text: str) -> tuple[set[str], set[str]]:
    """Variables a query reads without any pattern binding them, and those BIND assigns."""
    algebra = prepareQuery(text).algebra
    used = {v for v in _variables(algebra) if not v.startswith("__")}
    bound: set[str] = set()
    assigned: set[str] = set()
    for node in _walk(algebra):
        # Patterns inside EXISTS in an OPTIONAL's condition stay untranslated (TriplesBlock, Bind).
        if node.name in {"BGP", "TriplesBlock"}:
            bound |= _variables(node["triples"])
        elif node.name in {"Extend", "Bind"}:
            expression = node["expr"]
            if isinstance(expression, Variable) and str(expression).startswith("__agg"):
                bound.add(str(node["var"]))  # rdflib projects a GROUP BY key or an aggregate
            else:
                assigned.add(str(node["var"]))
        elif node.name == "InlineData":
            bound |= _variables(node["var"])
        elif node.name == "values":
            bound |= _variables([list(solution) for solution in node["res"]])
        elif node.name.startswith("Aggregate_") and "res" in node:
            bound.add(str(node["res"]))
    return used - bound - assigned, assigned


def test_the_parameter_check_finds_an_undeclared_variable() -> None:
    text = "SELECT ?s WHERE { ?s ?p ?o FILTER(?o = ?undeclared) BIND(1 AS ?one) }"
    assert _free_variables(text) == ({"undeclared"}, {"one"})


@pytest.mark.parametrize("name", sorted(LIBRARY))
def test_query_parses_and_is_described(name: str) -> None:
    named: NamedQuery = LIBRARY[name]
    prepareQuery(named.text)  # rdflib parses it
    ox.Store().query(named.text)  # and so does Oxigraph
    for lang in ("nb", "en"):
        assert named.titles.get(lang), f"{name} has no title@{lang}"
        assert named.descriptions.get(lang), f"{name} has no description@{lang}"


@pytest.mark.parametrize("name", sorted(LIBRARY))
def test_query_declares_every_parameter_it_uses(name: str) -> None:
    named = LIBRARY[name]
    declared = {p.name for p in named.parameters}
    body = "\n".join(line for line in named.text.splitlines() if not line.startswith("#"))
    mentioned = set(re.findall(r"[?$]([A-Za-z_][A-Za-z0-9_]*)", body))
    assert declared <= mentioned, f"{name}: declared but unused: {declared - mentioned}"
    free, assigned = _free_variables(named.text)
    assert free <= declared, f"{name}: reads variables no pattern binds: {free - declared}"
    assert not declared & assigned, f"{name}: BIND assigns parameters {declared & assigned}"
    for param in named.parameters:
        if param.default is not None:
            param.to_term(param.default)  # every default fits its type


@pytest.mark.parametrize("name", sorted(LIBRARY))
def test_both_stores_give_identical_answers(name: str, stores: dict[str, GraphStore]) -> None:
    answers = {}
    for kind, store in stores.items():
        result = run(store, name)
        answers[kind] = (result.variables, rows(result, *result.variables))
    assert answers["memory"] == answers["oxigraph"]


def test_hostile_string_parameter_returns_nothing(store: GraphStore) -> None:
    quads = store.count()
    tested = 0
    for name, named in LIBRARY.items():
        for param in named.parameters:
            if param.type != "string":
                continue
            result = run(store, name, **{param.name: HOSTILE})
            assert result.rows == [], name
            tested += 1
    assert tested, "no query of the library has a string parameter to test"
    assert store.count() == quads  # the store is intact
    assert select("label-search", store, "thing", text="Mortensrud")


def test_hostile_iri_parameter_is_refused_before_it_reaches_a_store() -> None:
    with pytest.raises(ParameterError):
        queries.get("cq02").bindings({"meeting": "http://x/a> } ; DROP ALL #"})


# --- CQ1 meetings -------------------------------------------------------------------------

HELD = I("concept/meeting-status/held")
PLANNED = I("concept/meeting-status/planned")
ORDINARY = I("concept/meeting-type/ordinary")
SEMINAR = I("concept/meeting-type/seminar")
EXTRAORDINARY = I("concept/meeting-type/extraordinary")


def test_cq01_meetings(store: GraphStore) -> None:
    columns = ("meeting", "date", "endDate", "startTime", "endTime", "type", "status")
    assert select("cq01", store, *columns) == [
        (
            I("meeting/2022-11-17"),
            date(2022, 11, 17),
            date(2022, 11, 18),
            None,
            None,
            SEMINAR,
            HELD,
        ),
        (I("meeting/2023-01-13"), date(2023, 1, 13), None, None, None, ORDINARY, HELD),
        (
            I("meeting/2023-04-21"),
            date(2023, 4, 21),
            None,
            time(13, 30),
            time(15, 30),
            ORDINARY,
            PLANNED,
        ),
        (
            I("meeting/2023-06-02"),
            date(2023, 6, 2),
            None,
            time(13, 30),
            time(15, 30),
            ORDINARY,
            PLANNED,
        ),
        (
            I("meeting/2023-09-29"),
            date(2023, 9, 29),
            None,
            time(13, 30),
            time(15, 30),
            ORDINARY,
            PLANNED,
        ),
        (
            I("meeting/2023-11-30"),
            date(2023, 11, 30),
            date(2023, 12, 1),
            None,
            None,
            ORDINARY,
            PLANNED,
        ),
        (I("meeting/2025-seminar"), "2025", None, None, None, SEMINAR, HELD),
        (I("meeting/2025-04"), "2025-04", None, None, None, ORDINARY, PLANNED),
        (I("meeting/2025-06"), "2025-06", None, None, None, ORDINARY, HELD),
        (
            I("meeting/2025-10-13"),
            date(2025, 10, 13),
            None,
            time(12, 30),
            time(13, 40),
            EXTRAORDINARY,
            HELD,
        ),
        (I("meeting/2025-10-31"), date(2025, 10, 31), None, None, None, ORDINARY, PLANNED),
        (I("meeting/2026-01-29"), date(2026, 1, 29), date(2026, 1, 30), None, None, SEMINAR, HELD),
        (I("meeting/2026-03"), "2026-03", None, None, None, ORDINARY, PLANNED),
    ]


def test_cq01_place_and_minutes_of_the_meetings_with_minutes(store: GraphStore) -> None:
    found = select("cq01", store, "meeting", "place", "placeLabel", "minutes", "typeLabel")
    with_minutes = [row for row in found if row[3] is not None]
    assert with_minutes == [
        (I("meeting/2023-01-13"), None, None, I("source/2023-01-13"), "ordinært møte"),
        (
            I("meeting/2025-10-13"),
            I("place/radhuset-byradslederens-moterom"),
            "Rådhuset, byrådslederens møterom",
            I("source/2025-10-13"),
            "ekstraordinært møte",
        ),
        (I("meeting/2026-01-29"), None, None, I("source/2026-01-29"), "seminar"),
    ]


def test_cq01_parameters_narrow_the_list(store: GraphStore) -> None:
    held_2025 = select("cq01", store, "meeting", status=HELD, year="2025")
    assert held_2025 == [
        (I("meeting/2025-seminar"),),
        (I("meeting/2025-06"),),
        (I("meeting/2025-10-13"),),
    ]
    assert len(select("cq01", store, "meeting", status=PLANNED)) == 7


# --- CQ2 participants -----------------------------------------------------------------------

MEMBER = I("concept/meeting-role/member")
OBSERVER = I("concept/meeting-role/observer")
INVITED = I("concept/meeting-role/invited")
CASE_OFFICER = I("concept/meeting-role/case-officer")
OTHER = I("concept/meeting-role/other-participant")


def test_cq02_participants_of_the_extraordinary_meeting(store: GraphStore) -> None:
    found = select("cq02", store, "person", "role", "organisation", "post")
    assert found == [
        (
            I("person/anne-folkvord"),
            MEMBER,
            I("organisation/oslo-kommune"),
            I("post/set-seksjonssjef"),
        ),
        (
            I("person/bente-fagerli"),
            MEMBER,
            I("organisation/oslo-kommune"),
            I("post/set-kommunaldirektor"),
        ),
        (
            I("person/eirik-lae-solberg"),
            MEMBER,
            I("organisation/oslo-kommune"),
            I("post/oslo-kommune-byradsleder"),
        ),
        (
            I("person/hege-sevatdal"),
            MEMBER,
            I("organisation/oslo-kommune"),
            I("post/utd-kommunaldirektor"),
        ),
        (
            I("person/julianne-ferskaug"),
            MEMBER,
            I("organisation/oslo-kommune"),
            I("post/oslo-kommune-byrad-for-sosiale-tjenester"),
        ),
        (
            I("person/julie-remen-midtgarden"),
            MEMBER,
            I("organisation/oslo-kommune"),
            I("post/oslo-kommune-byrad-for-utdanning"),
        ),
        (
            I("person/tale-teisberg"),
            MEMBER,
            I("organisation/oslo-kommune"),
            I("post/blk-kommunaldirektor"),
        ),
        (I("person/ida-melbo-oystese"), MEMBER, I("organisation/opd"), I("post/opd-politimester")),
        (
            I("person/jane-beckmann-dahl"),
            MEMBER,
            I("organisation/opd"),
            I("post/opd-enhet-forebygging-leder"),
        ),
        (I("person/john-roger-lund"), MEMBER, I("organisation/opd"), I("post/opd-enhet-ost-leder")),
        (
            I("person/rune-alstadsaeter"),
            MEMBER,
            I("organisation/opd"),
            I("post/opd-kommunikasjonsdirektor"),
        ),
        (
            I("person/anne-lindbo"),
            OBSERVER,
            I("organisation/oslo-kommune"),
            I("post/oslo-kommune-ordforer"),
        ),
        (I("person/kjetil-ostling"), INVITED, I("organisation/bfe"), I("post/bfe-direktor")),
        (
            I("person/anders-berg"),
            INVITED,
            I("organisation/bydel-alna"),
            I("post/bydel-alna-bydelsdirektor"),
        ),
        (I("person/marius-arnason-boe"), INVITED, I("organisation/ude"), I("post/ude-direktor")),
        (
            I("person/bente-fagerli"),
            CASE_OFFICER,
            I("organisation/oslo-kommune"),
            I("post/set-kommunaldirektor"),
        ),
        (I("person/eira-nybo"), OTHER, I("organisation/set"), I("post/set-seksjonssjef-barnevern")),
        (
            I("person/tor-froytvedt-dahl"),
            OTHER,
            I("organisation/set"),
            I("post/set-byradssekretaer"),
        ),
        (I("person/hanne-gjortz"), OTHER, I("organisation/blk"), I("post/blk-kommunikasjonssjef")),
        (I("person/rune-dahl-franck"), OTHER, I("organisation/blk"), I("post/blk-byradssekretaer")),
        (I("person/beate-brinch-sand"), OTHER, I("organisation/opd"), I("post/opd-patalelder")),
        (I("person/lene-storli"), OTHER, I("organisation/opd"), None),
        (I("person/per-einar-ostrem"), OTHER, I("organisation/opd"), None),
    ]


def test_cq02_readable_labels(store: GraphStore) -> None:
    columns = ("personLabel", "postLabel", "organisationLabel", "roleLabel")
    found = set(select("cq02", store, *columns))
    assert ("Ida Melbo Øystese", "politimester", "Oslo politidistrikt", "medlem") in found
    assert ("Anne Lindbo", "ordfører", "Oslo kommune", "observatør") in found
    assert ("Anders Berg", "bydelsdirektør", "Bydel Alna", "invitert") in found
    assert ("Bente Fagerli", "kommunaldirektør", "Oslo kommune", "saksbehandler") in found


def test_cq02_a_meeting_without_a_participant_list(store: GraphStore) -> None:
    assert select("cq02", store, "person", meeting=I("meeting/2023-01-13")) == []


# --- CQ3 a person's posts -------------------------------------------------------------------


def test_cq03_posts_and_appearances_of_rune_alstadsaeter(store: GraphStore) -> None:
    columns = ("kind", "meeting", "post", "organisation", "acting", "newInPost", "role", "item")
    opd, post = I("organisation/opd"), I("post/opd-kommunikasjonsdirektor")
    assert select("cq03", store, *columns) == [
        ("post", I("meeting/2023-01-13"), post, opd, False, True, None, None),
        (
            "mention",
            I("meeting/2023-01-13"),
            None,
            None,
            None,
            None,
            None,
            I("meeting/2023-01-13/item/3"),
        ),
        ("post", I("meeting/2025-10-13"), post, opd, False, None, None, None),
        ("participation", I("meeting/2025-10-13"), post, opd, None, None, MEMBER, None),
        ("mention", I("meeting/2025-10-13"), None, None, None, None, None, None),
    ]
    labels = set(select("cq03", store, "personLabel", "postLabel", "organisationLabel"))
    assert ("Rune Alstadsæter", "kommunikasjonsdirektør", "Oslo politidistrikt") in labels


def test_cq03_acting_posts_and_presenters(store: GraphStore) -> None:
    columns = ("kind", "meeting", "post", "acting")
    assert select("cq03", store, *columns, person=I("person/tore-soldal"))[0] == (
        "post",
        I("meeting/2023-01-13"),
        I("post/opd-visepolitimester"),
        True,
    )
    presented = select("cq03", store, "kind", "item", person=I("person/anders-berg"))
    assert ("presenter", I("meeting/2025-10-13/item/3")) in presented


# --- CQ4 items on a topic -------------------------------------------------------------------


def test_cq04_items_on_children_and_youth_in_crime(store: GraphStore) -> None:
    columns = ("meetingDate", "item", "subtopic", "context", "start", "end")
    recruitment = I("topic/recruitment-of-minors")
    vaas = I("topic/violence-as-a-service")
    item_8, item_1_2025 = I("meeting/2023-01-13/item/8"), I("meeting/2025-10-13/item/1")
    item_6_2026 = I("meeting/2026-01-29/item/6")
    item_3_2025, item_4_2025 = I("meeting/2025-10-13/item/3"), I("meeting/2025-10-13/item/4")
    early = I("topic/early-intervention")
    assert select("cq04", store, *columns) == [
        (date(2023, 1, 13), item_8, I("topic/online-crime-prevention"), item_8, 3427, 3619),
        (date(2023, 1, 13), item_8, I("topic/peer-violence"), item_8, 3427, 3619),
        (date(2025, 10, 13), None, recruitment, None, 261, 350),
        (date(2025, 10, 13), item_1_2025, recruitment, item_1_2025, 831, 915),
        (date(2025, 10, 13), item_1_2025, vaas, item_1_2025, 2419, 2512),
        (date(2025, 10, 13), item_1_2025, recruitment, item_1_2025, 3509, 3756),
        (date(2025, 10, 13), item_1_2025, vaas, item_1_2025, 4132, 4319),
        (date(2025, 10, 13), item_1_2025, recruitment, item_1_2025, 4322, 4474),
        (date(2025, 10, 13), item_3_2025, early, item_3_2025, 5674, 5736),
        (date(2025, 10, 13), item_3_2025, vaas, item_3_2025, 6181, 6300),
        (date(2025, 10, 13), item_4_2025, early, item_4_2025, 6988, 7036),
        (
            date(2026, 1, 29),
            I("meeting/2026-01-29/item/1"),
            I("topic/youth-drugs-and-prevention"),
            I("meeting/2026-01-29/item/1"),
            114,
            140,
        ),
        (
            date(2026, 1, 29),
            item_6_2026,
            I("topic/children-and-youth-in-crime"),
            I("followup/2025-2"),
            2421,
            2518,
        ),
        (
            date(2026, 1, 29),
            item_6_2026,
            I("topic/young-repeat-offenders"),
            I("followup/2025-4"),
            4127,
            4239,
        ),
        (
            date(2026, 1, 29),
            item_6_2026,
            I("topic/young-repeat-offenders"),
            I("followup/2025-4/status/2026-01-29"),
            4572,
            4668,
        ),
    ]


def test_cq04_passages_say_so(store: GraphStore) -> None:
    quotes = [" ".join(str(q).split()) for (q,) in select("cq04", store, "quote")]
    assert quotes[0].endswith("vold blant jevnaldrende og kriminalitetsforebygging på nett.")
    assert "Violence as a service" in quotes[4]
    assert quotes[8] == "behov for rask samhandling og tidlig innsats mellom tjenestene"
    assert quotes[11] == "Ungdom, rus og forebygging"
    assert "unge under 18 år som ble registrert med 10 eller flere forhold i 2023" in quotes[13]


def test_cq04_early_intervention_in_2025(store: GraphStore) -> None:
    # Regression: topic/early-intervention is narrower than children and youth in crime, and the
    # 2025 minutes speak of it in item 3 ("behov for rask samhandling og tidlig innsats mellom
    # tjenestene", chars 5674-5736) and item 4 ("behovet for rask samhandling og tidlig innsats").
    found = set(select("cq04", store, "item", "subtopic"))
    early = I("topic/early-intervention")
    assert (I("meeting/2025-10-13/item/3"), early) in found
    assert (I("meeting/2025-10-13/item/4"), early) in found


# --- CQ5 decisions --------------------------------------------------------------------------

APPROVED = I("concept/decision-type/approved")
ADOPTED = I("concept/decision-type/adopted")
SIGNED = I("concept/decision-type/signed")
DEFERRED = I("concept/decision-type/deferred")
SCHEDULED = I("concept/decision-type/scheduled-for-approval")


def test_cq05_decisions_of_2023_01_13(store: GraphStore) -> None:
    columns = ("decision", "type", "itemNumber", "document", "signatory")
    mayor, chief = I("post/oslo-kommune-byradsleder"), I("post/opd-politimester")
    avtale, salto = I("plan/politiradsavtale-2023-2025"), I("plan/salto-handlingsprogram-2023-2025")
    d = "meeting/2023-01-13/decision/"
    assert select("cq05", store, *columns) == [
        (I(d + "1"), APPROVED, 1, I("meeting/2023-01-13/agenda"), None),
        (I(d + "2"), APPROVED, 2, I("meeting/2022-11-17/minutes"), None),
        (I(d + "3"), ADOPTED, 7, avtale, mayor),
        (I(d + "3"), ADOPTED, 7, avtale, chief),
        (I(d + "3"), SIGNED, 7, avtale, mayor),
        (I(d + "3"), SIGNED, 7, avtale, chief),
        (I(d + "4"), ADOPTED, 8, salto, mayor),
        (I(d + "4"), ADOPTED, 8, salto, chief),
        (I(d + "4"), SIGNED, 8, salto, mayor),
        (I(d + "4"), SIGNED, 8, salto, chief),
    ]
    labels = set(select("cq05", store, "typeLabel", "documentTitle", "signatoryLabel"))
    assert ("vedtatt", "SaLTo handlingsprogram 2023 - 2025", "byrådsleder") in labels
    assert ("undertegnet", "Politirådsavtale 2023 – 2025", "politimester") in labels


def test_cq05_decisions_of_the_other_meetings(store: GraphStore) -> None:
    columns = ("decision", "type", "document", "scheduledFor")
    assert select("cq05", store, *columns, meeting=I("meeting/2025-10-13")) == [
        (I("meeting/2025-10-13/decision/1"), DEFERRED, None, I("meeting/2025-10-31")),
    ]
    assert select("cq05", store, *columns, meeting=I("meeting/2026-01-29")) == [
        (
            I("meeting/2026-01-29/decision/1"),
            SCHEDULED,
            I("plan/politiradsavtale-2026-2028"),
            I("meeting/2026-03"),
        ),
        (
            I("meeting/2026-01-29/decision/1"),
            SCHEDULED,
            I("plan/salto-handlingsprogram-2026-2028"),
            I("meeting/2026-03"),
        ),
        (I("meeting/2026-01-29/decision/2"), DEFERRED, None, I("meeting/2026-03")),
    ]
    assert select("cq05", store, *columns, meeting=I("meeting/2025-06")) == [
        (
            I("meeting/2025-06/decision/1"),
            APPROVED,
            I("plan/salto-handlingsplan-radikalisering-2025-2028"),
            None,
        ),
    ]


# --- CQ6 follow-up points -------------------------------------------------------------------


def test_cq06_follow_up_points_of_2025(store: GraphStore) -> None:
    columns = ("number", "responsible", "status", "statusDate", "reportedIn")
    status = {
        1: "continuous",
        2: "in-progress",
        3: "completed",
        4: "in-progress",
        5: "continuous",
        6: "in-progress",
        7: "continuous",
    }
    expected = [
        (n, I(org), I(f"concept/followup-status/{s}"), date(2026, 1, 29), I("meeting/2026-01-29"))
        for n, s in status.items()
        for org in ("organisation/oslo-kommune", "organisation/opd")
    ]
    assert select("cq06", store, *columns) == expected
    texts = {n: t for n, t in select("cq06", store, "number", "statusText")}
    assert str(texts[3]).startswith("SaLTo Handlingsplan – forebygging av radikalisering")
    assert "26 mill i 2026" in str(texts[2])


def test_cq06_a_year_without_points(store: GraphStore) -> None:
    assert select("cq06", store, "point", year="2026") == []


# --- CQ7 plan versions ----------------------------------------------------------------------

TREATED = str(POL.concernsDocument)


def test_cq07_versions_of_plans_and_agreements(store: GraphStore) -> None:
    columns = (
        "plan",
        "periodStart",
        "periodEnd",
        "previousVersion",
        "event",
        "meeting",
        "scheduledFor",
    )
    avtale_23, avtale_26 = (
        I("plan/politiradsavtale-2023-2025"),
        I("plan/politiradsavtale-2026-2028"),
    )
    salto_23, salto_26 = (
        I("plan/salto-handlingsprogram-2023-2025"),
        I("plan/salto-handlingsprogram-2026-2028"),
    )
    radex = I("plan/salto-handlingsplan-radikalisering-2025-2028")
    m23, m26, march = I("meeting/2023-01-13"), I("meeting/2026-01-29"), I("meeting/2026-03")
    assert select("cq07", store, *columns) == [
        (avtale_23, "2023", "2025", None, TREATED, m23, None),
        (avtale_23, "2023", "2025", None, ADOPTED, m23, None),
        (avtale_23, "2023", "2025", None, SIGNED, m23, None),
        (avtale_26, "2026", "2028", avtale_23, TREATED, m26, None),
        (avtale_26, "2026", "2028", avtale_23, SCHEDULED, m26, march),
        (salto_23, "2023", "2025", None, TREATED, m23, None),
        (salto_23, "2023", "2025", None, ADOPTED, m23, None),
        (salto_23, "2023", "2025", None, SIGNED, m23, None),
        (radex, "2025", "2028", None, APPROVED, I("meeting/2025-06"), None),
        (salto_26, "2026", "2028", salto_23, TREATED, m26, None),
        (salto_26, "2026", "2028", salto_23, SCHEDULED, m26, march),
    ]
    one_series = select("cq07", store, "plan", programme=I("programme/politiradsavtalen"))
    assert {plan for (plan,) in one_series} == {avtale_23, avtale_26}


# --- CQ8 priority areas ---------------------------------------------------------------------


def test_cq08_ipo_areas_in_january_2026(store: GraphStore) -> None:
    columns = ("unit", "place", "status", "asOf", "effort")
    sentrum, vest, ost = (I(f"organisation/opd-enhet-{u}") for u in ("sentrum", "vest", "ost"))
    new, continued = I("concept/effort-status/new"), I("concept/effort-status/continued")
    started = I("concept/effort-status/started-2025")
    ipo = "meeting/2026-01-29/ipo/"
    assert select("cq08", store, *columns) == [
        (sentrum, I("place/gronland"), continued, "2026-01", I(ipo + "gronland")),
        (sentrum, I("place/toyen"), continued, "2026-01", I(ipo + "toyen")),
        (vest, I("place/majorstua"), continued, "2026-01", I(ipo + "majorstua")),
        (vest, I("place/hovseter"), new, "2026-01", I(ipo + "hovseter")),
        (ost, I("place/bjornerud"), continued, "2026-01", I(ipo + "mortensrud-bjornerud")),
        (ost, I("place/mortensrud"), continued, "2026-01", I(ipo + "mortensrud-bjornerud")),
        (ost, I("place/bjorndal"), new, "2026-01", I(ipo + "bjorndal")),
        (ost, I("place/ellingsrud"), new, "2026-01", I(ipo + "ellingsrud")),
        (ost, I("place/fossum"), new, "2026-01", I(ipo + "fossum")),
        (ost, I("place/grorud"), new, "2026-01", I(ipo + "grorud")),
        (ost, I("place/holmlia-syd"), new, "2026-01", I(ipo + "holmlia-syd")),
        (ost, I("place/trosterud"), new, "2026-01", I(ipo + "trosterud")),
        (ost, I("place/vestli"), new, "2026-01", I(ipo + "vestli")),
        (ost, I("place/furuset"), started, "2026-01", I(ipo + "furuset")),
    ]
    labels = select("cq08", store, "unitLabel", "placeLabel", "statusLabel")
    assert ("Enhet vest", "Hovseter", "ny") in labels
    assert ("Enhet øst", "Furuset", "oppstart i 2025") in labels


def test_cq08_no_list_before_january_2026(store: GraphStore) -> None:
    assert select("cq08", store, "place", date="2025-12-31") == []
    assert len(select("cq08", store, "place", date="2026-06-30")) == 14


# --- CQ9 amounts ----------------------------------------------------------------------------


def test_cq09_amounts(store: GraphStore) -> None:
    columns = ("value", "currency", "purpose", "payer", "amountYear", "fromYear", "meeting")
    assert select("cq09", store, *columns) == [
        (
            Decimal(75_000_000),
            "NOK",
            I("programme/nye-politisteder"),
            I("organisation/justis-og-beredskapsdepartementet"),
            "2023",
            None,
            I("meeting/2023-01-13"),
        ),
        (
            Decimal(40_000_000),
            "NOK",
            I("programme/oslomodellen"),
            I("organisation/oslo-kommune"),
            None,
            "2026",
            I("meeting/2026-01-29"),
        ),
        (
            Decimal(26_000_000),
            "NOK",
            I("programme/oslomodellen"),
            I("organisation/regjeringen"),
            "2026",
            None,
            I("meeting/2026-01-29"),
        ),
    ]


def test_cq09_amounts_for_a_year(store: GraphStore) -> None:
    assert select("cq09", store, "value", year="2023") == [(Decimal(75_000_000),)]
    assert select("cq09", store, "value", year="2026") == [
        (Decimal(40_000_000),),
        (Decimal(26_000_000),),
    ]
    assert select("cq09", store, "value", year="2027") == [(Decimal(40_000_000),)]
    assert select("cq09", store, "value", year="2024") == []


# --- CQ10 places ----------------------------------------------------------------------------


def test_cq10_places_with_incidents_programmes_efforts_and_meetings(store: GraphStore) -> None:
    columns = ("place", "kind", "thing", "meeting")
    found = select("cq10", store, *columns)
    m23, m25, m26 = (I(f"meeting/{d}") for d in ("2023-01-13", "2025-10-13", "2026-01-29"))
    ipo = "meeting/2026-01-29/ipo/"
    efforts = {
        "bjorndal": "bjorndal",
        "bjornerud": "mortensrud-bjornerud",
        "ellingsrud": "ellingsrud",
        "fossum": "fossum",
        "furuset": "furuset",
        "grorud": "grorud",
        "gronland": "gronland",
        "holmlia-syd": "holmlia-syd",
        "hovseter": "hovseter",
        "majorstua": "majorstua",
        "mortensrud": "mortensrud-bjornerud",
        "toyen": "toyen",
        "trosterud": "trosterud",
        "vestli": "vestli",
    }
    expected = {
        (I("place/bislett"), "incident", I("incident/bislett-2025"), m25),
        (I("place/sarpsborg"), "incident", I("incident/sarpsborg-2025"), m25),
        (I("place/strommen"), "incident", I("incident/strommen-2025"), m25),
        (I("place/kampen"), "incident", I("incident/kampen-drapet"), m26),
        (I("place/mortensrud"), "programme", I("programme/politisted-mortensrud"), m23),
        (I("place/toyen"), "programme", I("programme/naerpoliti-toyen"), m23),
        (I("place/norge"), "programme", I("programme/nye-politisteder"), m23),
        (I("place/radhuset-byradslederens-moterom"), "meeting-place", m25, m25),
    } | {
        (I(f"place/{place}"), "priority-area-effort", I(ipo + effort), m26)
        for place, effort in efforts.items()
    }
    assert {row for row in found if row[1] != "mention"} == expected
    assert len(found) == len(set(found))


def test_cq10_mortensrud_and_toyen(store: GraphStore) -> None:
    columns = ("kind", "thing", "meeting")
    m23, m26 = I("meeting/2023-01-13"), I("meeting/2026-01-29")
    assert select("cq10", store, *columns, place=I("place/mortensrud")) == [
        ("mention", I("meeting/2023-01-13/item/4"), m23),
        ("mention", I("meeting/2023-01-13/item/6"), m23),
        ("programme", I("programme/politisted-mortensrud"), m23),
        ("mention", I("meeting/2026-01-29/item/4"), m26),
        ("priority-area-effort", I("meeting/2026-01-29/ipo/mortensrud-bjornerud"), m26),
    ]
    assert select("cq10", store, *columns, place=I("place/toyen")) == [
        ("mention", I("meeting/2023-01-13/item/3"), m23),
        ("programme", I("programme/naerpoliti-toyen"), m23),
        ("mention", I("meeting/2026-01-29/item/4"), m26),
        ("priority-area-effort", I("meeting/2026-01-29/ipo/toyen"), m26),
    ]


def test_cq10_the_incident_places_of_2025(store: GraphStore) -> None:
    columns = ("kind", "thing", "meeting")
    m25 = I("meeting/2025-10-13")
    for place in ("bislett", "sarpsborg", "strommen"):
        assert select("cq10", store, *columns, place=I(f"place/{place}")) == [
            ("mention", None, m25),  # the preamble: the background of the meeting
            ("mention", I("meeting/2025-10-13/item/1"), m25),
            ("mention", I("meeting/2025-10-13/item/2"), m25),
            ("incident", I(f"incident/{place}-2025"), m25),
        ], place


# --- CQ11 scheduled meetings ----------------------------------------------------------------


def test_cq11_meetings_scheduled_in_2023_01_13(store: GraphStore) -> None:
    columns = ("scheduled", "date", "endDate", "startTime", "endTime", "status", "hasMinutes")
    assert select("cq11", store, *columns) == [
        (
            I("meeting/2023-04-21"),
            date(2023, 4, 21),
            None,
            time(13, 30),
            time(15, 30),
            PLANNED,
            False,
        ),
        (
            I("meeting/2023-06-02"),
            date(2023, 6, 2),
            None,
            time(13, 30),
            time(15, 30),
            PLANNED,
            False,
        ),
        (
            I("meeting/2023-09-29"),
            date(2023, 9, 29),
            None,
            time(13, 30),
            time(15, 30),
            PLANNED,
            False,
        ),
        (
            I("meeting/2023-11-30"),
            date(2023, 11, 30),
            date(2023, 12, 1),
            None,
            None,
            PLANNED,
            False,
        ),
    ]
    descriptions = [d for (d,) in select("cq11", store, "description")]
    assert descriptions[-1] == "Møte over to dager, lunsj til lunsj."


def test_cq11_meetings_scheduled_later(store: GraphStore) -> None:
    columns = ("scheduled", "date", "type", "hasMinutes")
    assert select("cq11", store, *columns, meeting=I("meeting/2025-10-13")) == [
        (I("meeting/2025-10-31"), date(2025, 10, 31), ORDINARY, False),
    ]
    assert select("cq11", store, *columns, meeting=I("meeting/2026-01-29")) == [
        (I("meeting/2026-03"), "2026-03", ORDINARY, False),
    ]


# --- CQ12 organisation mentions -------------------------------------------------------------


def _mention_counts(store: GraphStore) -> dict[tuple[Value, Value], Value]:
    found = select("cq12", store, "meeting", "organisation", "mentions")
    return {(meeting, organisation): count for meeting, organisation, count in found}


def test_cq12_mentions_per_meeting(store: GraphStore) -> None:
    counts = _mention_counts(store)
    m23, m25, m26 = (I(f"meeting/{d}") for d in ("2023-01-13", "2025-10-13", "2026-01-29"))
    # Counted by hand in data/sources: "OPD", "Oslo politidistrikt" (and "Oslopolitiet" in 2026),
    # "Oslo kommune", "KOSS"/"Kommunenes koordineringssentral", "Bydel Alna".
    assert counts[(m25, I("organisation/opd"))] == 5
    assert counts[(m26, I("organisation/opd"))] == 8
    assert counts[(m23, I("organisation/oslo-kommune"))] == 2
    assert counts[(m25, I("organisation/oslo-kommune"))] == 3
    assert counts[(m26, I("organisation/oslo-kommune"))] == 6
    assert counts[(m26, I("organisation/koss"))] == 3
    assert counts[(m25, I("organisation/bydel-alna"))] == 1
    assert counts[(m26, I("organisation/bydel-alna"))] == 1
    assert counts[(m23, I("organisation/kripos"))] == 2
    assert {meeting for meeting, _ in counts} == {m23, m25, m26}
    ordered = select("cq12", store, "meeting", "mentions")
    for (meeting, count), (next_meeting, next_count) in itertools.pairwise(ordered):
        assert isinstance(count, int) and isinstance(next_count, int)
        assert meeting != next_meeting or count >= next_count  # most mentioned first


def test_cq12_names_after_a_list_dash_are_mentions(store: GraphStore) -> None:
    # The 2023 minutes write bullets as "-OPD ligger godt an", "-OPD har fått oversendt",
    # "-OPD inviteres", "-OPD har innledet" and "-Rolleforståelsesutvalget har fremlagt".
    counts = _mention_counts(store)
    m23 = I("meeting/2023-01-13")
    assert counts.get((m23, I("organisation/opd"))) == 15
    assert counts.get((m23, I("organisation/rolleforstaelsesutvalget"))) == 1


def test_cq12_one_organisation(store: GraphStore) -> None:
    found = select("cq12", store, "meeting", organisation=I("organisation/koss"))
    assert found == [(I("meeting/2026-01-29"),)]


# --- CQ13 exempt items ----------------------------------------------------------------------


def test_cq13_exempt_items_and_attachments(store: GraphStore) -> None:
    columns = ("meeting", "thing", "kind", "title", "access", "item", "itemNumber")
    assert select("cq13", store, *columns) == [
        (
            I("meeting/2025-10-13"),
            I("meeting/2025-10-13/situation-brief"),
            "document",
            "Situasjonsbrief fra politiet",
            I("concept/access-rights/exempt"),
            I("meeting/2025-10-13/item/2"),
            2,
        )
    ]
    result = run(store, "cq13")
    assert not {"content", "summary", "description"} & set(result.variables)


# --- CQ14 evidence --------------------------------------------------------------------------


HEADING_7_8 = "7.  og 8: Politirådsavtale 2023 – 2025 SaLTo handlingsprogram 2023 - 2025"
BOTH_ADOPTED = "Begge dokumentene ble vedtatt og undertegnet av byrådsleder og politimester."


def test_cq14_evidence_of_a_decision(store: GraphStore) -> None:
    columns = ("type", "source", "fileName", "meeting", "quote", "start", "end")
    found = select("cq14", store, *columns, statement=I("meeting/2023-01-13/decision/3"))
    source, name = I("source/2023-01-13"), "2023-01-13_referat_politiradet.txt"
    decision, meeting = str(POL.Decision), I("meeting/2023-01-13")
    assert found == [
        (decision, source, name, meeting, HEADING_7_8, 3028, 3101),
        (decision, source, name, meeting, BOTH_ADOPTED, 4859, 4935),
    ]


def _texts() -> dict[str, str]:
    return {path.name: path.read_text(encoding="utf-8") for path in SOURCES.glob("*.txt")}


def test_cq14_every_quote_is_its_span_of_the_source(store: GraphStore) -> None:
    texts = _texts()
    found = select("cq14", store, "statement", "fileName", "quote", "start", "end")
    assert len(found) > 500
    for statement, file_name, quote, start, end in found:
        assert isinstance(file_name, str), statement
        assert isinstance(start, int) and isinstance(end, int), statement
        assert texts[file_name][start:end] == quote, statement


def test_cq14_every_fact_has_evidence(store: GraphStore, curated: BuildResult) -> None:
    union = curated.union()
    fact_classes = set(union.transitive_subjects(RDFS.subClassOf, POL.Fact))
    facts = {
        str(s) for c in fact_classes for s in union.subjects(RDF.type, c) if isinstance(s, URIRef)
    }
    with_evidence = {statement for (statement,) in select("cq14", store, "statement")}
    assert facts, "no facts in the curated data"
    assert facts - with_evidence == set()


EXPECTED_CURATED_EVIDENCE_ROWS = 218


def test_cq14_curated_meeting_facts_count(store: GraphStore) -> None:
    """The evidence rows of the curated facts of the three meeting files, mentions aside."""
    found = select("cq14", store, "statement", "type")
    curated_rows = [
        (statement, kind)
        for statement, kind in found
        if str(statement).startswith((I("meeting/"), I("followup/"))) and kind != str(POL.Mention)
    ]
    per_meeting = {
        day: sum(1 for statement, _ in curated_rows if f"/{day}" in str(statement))
        for day in ("2023-01-13", "2025-10-13", "2026-01-29")
    }
    assert len(curated_rows) == EXPECTED_CURATED_EVIDENCE_ROWS, per_meeting


# --- CQ15 topic evolution -------------------------------------------------------------------


def test_cq15_efforts_in_vulnerable_then_priority_areas(store: GraphStore) -> None:
    columns = ("meeting", "variant", "passages", "items", "isFirst", "isLast", "replaces")
    vulnerable = I("topic/efforts-in-vulnerable-areas")
    priority = I("topic/efforts-in-priority-areas")
    expected = [
        (I("meeting/2023-01-13"), vulnerable, 5, 5, True, False, None),
        (I("meeting/2026-01-29"), priority, 3, 2, False, True, vulnerable),
    ]
    assert select("cq15", store, *columns) == expected
    assert select("cq15", store, *columns, topic=priority) == expected
    dates = select("cq15", store, "firstDate", "lastDate")
    assert dates == [(date(2023, 1, 13), date(2026, 1, 29))] * 2
    programmes = select("cq15", store, "variantLabel", "programme", "effortAreas")
    assert programmes == [
        ("Innsats i utsatte områder", None, 0),
        ("Innsats i prioriterte områder", I("programme/ipo"), 13),
    ]


def test_cq15_a_broad_topic_follows_its_narrower_topics(store: GraphStore) -> None:
    columns = ("meeting", "variant", "isFirst", "isLast")
    found = select("cq15", store, *columns, topic=I("topic/children-and-youth-in-crime"))
    assert [row[:2] for row in found] == [
        (I("meeting/2023-01-13"), I("topic/online-crime-prevention")),
        (I("meeting/2023-01-13"), I("topic/peer-violence")),
        (I("meeting/2025-10-13"), I("topic/early-intervention")),
        (I("meeting/2025-10-13"), I("topic/recruitment-of-minors")),
        (I("meeting/2025-10-13"), I("topic/violence-as-a-service")),
        (I("meeting/2026-01-29"), I("topic/children-and-youth-in-crime")),
        (I("meeting/2026-01-29"), I("topic/young-repeat-offenders")),
        (I("meeting/2026-01-29"), I("topic/youth-drugs-and-prevention")),
    ]
    assert [row[2:] for row in found] == [(True, False)] * 2 + [(False, False)] * 3 + [
        (False, True)
    ] * 3


# --- further analyst queries ----------------------------------------------------------------


def test_meeting_agenda(store: GraphStore) -> None:
    found = select("meeting-agenda", store, "position", "itemNumber", "title", "presenter")
    assert [row[0] for row in found] == list(range(1, 13))
    assert found[2] == (3, 3, "Orientering fra politimesteren", I("post/opd-politimester"))
    extraordinary = select(
        "meeting-agenda", store, "position", "title", "summary", meeting=I("meeting/2025-10-13")
    )
    assert [row[:2] for row in extraordinary] == [
        (1, "Korte orienteringer fra politimester og byrådsleder"),
        (1, "Korte orienteringer fra politimester og byrådsleder"),
        (1, "Korte orienteringer fra politimester og byrådsleder"),
        (1, "Korte orienteringer fra politimester og byrådsleder"),
        (2, "Situasjonsbrief fra politiet"),
        (3, "Utfordringsbilde fra kommunes side"),
        (3, "Utfordringsbilde fra kommunes side"),
        (3, "Utfordringsbilde fra kommunes side"),
        (4, "Diskusjon"),
    ]
    # Item 2 itself is public; only its attachment, the situation brief, is exempt.
    assert all(summary is not None for _, _, summary in extraordinary)


def test_meeting_documents_show_access_not_content(store: GraphStore) -> None:
    columns = ("document", "relation", "item", "access")
    found = select("meeting-documents", store, *columns, meeting=I("meeting/2025-10-13"))
    assert found == [
        (
            I("meeting/2025-10-13/situation-brief"),
            "attachment",
            I("meeting/2025-10-13/item/2"),
            I("concept/access-rights/exempt"),
        )
    ]


def test_label_search(store: GraphStore) -> None:
    things = {thing for (thing,) in select("label-search", store, "thing", text="mortensrud")}
    assert {
        I("place/mortensrud"),
        I("programme/politisted-mortensrud"),
        I("meeting/2023-01-13/item/6"),
    } <= things
