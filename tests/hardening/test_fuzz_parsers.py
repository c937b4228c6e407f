"""Property-based tests: no input makes the parsers, the slug builder or the binder crash.

Bounded for CI (``max_examples``); a longer run: ``HYPOTHESIS_PROFILE=long pytest tests/hardening``.
"""

from __future__ import annotations

import os
import re
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rdflib import Graph, Literal, URIRef

from politiraad_graph.binding import BindingError, bind_values, term_to_sparql
from politiraad_graph.ingest.amounts import find_amounts, parse_number
from politiraad_graph.ingest.dates import find_dates
from politiraad_graph.ingest.names import split_name
from politiraad_graph.ingest.times import find_times
from politiraad_graph.queries import Parameter, ParameterError
from politiraad_graph.slug import slugify

settings.register_profile("ci", max_examples=200, deadline=None)
settings.register_profile(
    "long", max_examples=20_000, deadline=None, suppress_health_check=list(HealthCheck)
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

TOKENS = [*"0123456789 .,-–:/\n\tabcæøåÆØÅ", "januar", "oktober", "mill", "millioner", "kr", "NOK"]
NORWEGIAN = st.lists(st.sampled_from(TOKENS), max_size=40).map("".join)
ANY_TEXT = st.text(max_size=200)


@given(ANY_TEXT)
def test_slugs_are_ascii_and_stable(text: str) -> None:
    slug = slugify(text)
    assert re.fullmatch(r"[a-z0-9]*(-[a-z0-9]+)*", slug)
    assert slugify(slug) == slug


@given(st.one_of(ANY_TEXT, NORWEGIAN))
def test_date_and_time_finders_never_crash(text: str) -> None:
    for found in find_dates(text):
        assert 0 <= found.start <= found.end <= len(text)
    find_times(text)


@given(st.one_of(ANY_TEXT, NORWEGIAN))
def test_amount_finder_never_crashes(text: str) -> None:
    from politiraad_graph.ingest.layout import analyse

    for found in find_amounts(text, analyse(text).sentences(), 2025):
        assert isinstance(found.value, Decimal)
        assert found.value >= 0


@given(st.from_regex(r"[0-9]{1,4}([ .][0-9]{3})*(,[0-9]{1,2})?", fullmatch=True))
def test_numbers_parse(number: str) -> None:
    assert parse_number(number) >= 0


@given(ANY_TEXT)
def test_name_splitting_never_crashes(text: str) -> None:
    given_name, family = split_name(text)
    assert isinstance(given_name, str)
    assert isinstance(family, str)


@given(ANY_TEXT)
def test_any_literal_is_bound_as_one_term(value: str) -> None:
    graph = Graph()
    graph.add((URIRef("http://x/s"), URIRef("http://x/p"), Literal(value)))
    graph.add((URIRef("http://x/t"), URIRef("http://x/p"), Literal(value + "x")))
    query = bind_values("SELECT ?s WHERE { ?s <http://x/p> ?v }", {"v": Literal(value)})
    if _CODEPOINT_ESCAPE.search(value):
        # rdflib expands \uXXXX everywhere in a query before parsing it (SPARQL 1.1, 19.2),
        # even after an escaped backslash, so such a value cannot be written for rdflib as a
        # plain string; Oxigraph does not expand them. Either way the value never gets out of
        # its string (every quote stays escaped): the query fails or finds nothing else.
        try:
            found = [row[0] for row in graph.query(query)]
        except Exception:  # rdflib's parser raises several kinds
            return
        assert found in ([], [URIRef("http://x/s")])
        return
    assert [row[0] for row in graph.query(query)] == [URIRef("http://x/s")]


_CODEPOINT_ESCAPE = re.compile(r"\\[uU][0-9A-Fa-f]{4}")


@settings(suppress_health_check=[HealthCheck.filter_too_much])
@given(ANY_TEXT)
def test_iri_parameters_are_valid_or_refused(value: str) -> None:
    param = Parameter("meeting", "iri")
    try:
        term = param.to_term(value)
    except ParameterError:
        return
    text = term_to_sparql(term)
    assert text.startswith("<") and text.endswith(">")
    assert not re.search(r'[\s<>"{}|^`\\]', text[1:-1])


@given(ANY_TEXT, st.sampled_from(["string", "integer", "date", "gYear", "gYearMonth"]))
def test_typed_parameters_are_valid_or_refused(value: str, kind: str) -> None:
    try:
        term = Parameter("p", kind).to_term(value)
    except (ParameterError, BindingError):
        return
    assert isinstance(term, Literal)
