"""Parameters are bound as terms: hostile values stay one literal, bad IRIs are refused."""

from __future__ import annotations

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import XSD

from politiraad_graph.binding import BindingError, bind_values, term_to_sparql

HOSTILE = ['a"b', "a'b", "x>", "}", "line\nbreak", "# not a comment", "x> } ; DROP ALL #", "\\"]


@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_literal_round_trips_as_one_term(value: str) -> None:
    graph = Graph()
    graph.add((URIRef("http://x/s"), URIRef("http://x/p"), Literal(value)))
    query = bind_values("SELECT ?s WHERE { ?s <http://x/p> ?v }", {"v": Literal(value)})
    rows = list(graph.query(query))
    assert [r[0] for r in rows] == [URIRef("http://x/s")]


@pytest.mark.parametrize(
    "iri", ["http://x/a>b", "http://x/a b", "x> } ; DROP ALL #", "no-scheme", "http://x/{a}"]
)
def test_invalid_iri_is_refused(iri: str) -> None:
    with pytest.raises(BindingError):
        term_to_sparql(URIRef(iri))


def test_typed_and_language_literals_keep_their_type() -> None:
    assert term_to_sparql(Literal("2025", datatype=XSD.gYear)).endswith(f"^^<{XSD.gYear}>")
    assert term_to_sparql(Literal("møte", lang="nb")) == '"møte"@nb'


def test_values_go_into_the_where_group_not_a_template() -> None:
    query = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"
    bound = bind_values(query, {"s": URIRef("http://x/s")})
    assert bound.index("VALUES") > bound.index("WHERE")
    graph = Graph()
    graph.add((URIRef("http://x/s"), URIRef("http://x/p"), Literal(1)))
    graph.add((URIRef("http://x/t"), URIRef("http://x/p"), Literal(2)))
    assert len(graph.query(bound).graph) == 1  # type: ignore[arg-type]


def test_braces_inside_strings_and_comments_do_not_confuse_the_binder() -> None:
    query = 'SELECT ?s # { comment\nWHERE { ?s ?p "{" }'
    bound = bind_values(query, {"p": URIRef("http://x/p")})
    assert bound.startswith("SELECT ?s # { comment\nWHERE { VALUES")


def test_bad_variable_name_is_refused() -> None:
    with pytest.raises(BindingError):
        bind_values("SELECT * WHERE { ?s ?p ?o }", {"s } DROP": URIRef("http://x/s")})
