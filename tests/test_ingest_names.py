"""Linking names: initials, middle names, Norwegian letters, spelling variants, abbreviations."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph

from politiraad_graph.ingest.names import (
    OrgMatcher,
    PersonMatcher,
    PostMatcher,
    is_title_word,
    looks_like_name,
    looks_like_organisation,
    proposed_organisation_iri,
    proposed_person_iri,
    proposed_post_iri,
    split_name,
)
from politiraad_graph.ingest.reference import Reference
from politiraad_graph.namespaces import ID

DATA = Path(__file__).parent / "data" / "ingest"


@pytest.fixture(scope="module")
def reference() -> Reference:
    return Reference.from_graph(Graph().parse(DATA / "reference.ttl", publicID=str(ID)))


@pytest.mark.parametrize(
    ("written", "slug", "status"),
    [
        ("Bente Fagerli", "bente-fagerli", "exact"),
        ("Bente T. Fagerli", "bente-fagerli", "exact"),  # an alt label
        ("Bente K. Fagerli", "bente-fagerli", "variant"),  # another initial
        ("Ida Øystese", "ida-melbo-oystese", "variant"),  # middle name left out
        ("Ida M. Øystese", "ida-melbo-oystese", "variant"),
        ("Ida Melbo Oystese", "ida-melbo-oystese", "exact"),  # ø written plainly
        ("Hanne Gjørts", "hanne-gjortz", "variant"),  # spelling variant
        ("BENTE FAGERLI", "bente-fagerli", "exact"),
    ],
)
def test_people(reference: Reference, written: str, slug: str, status: str) -> None:
    match = PersonMatcher(reference).match(written)
    assert (str(match.iri).rsplit("/", 1)[-1], match.status) == (slug, status)


def test_new_person_gets_a_proposed_iri(reference: Reference) -> None:
    match = PersonMatcher(reference).match("Kari T. Nordmann")
    assert match.is_new and match.iri == ID["person/kari-nordmann"]


def test_initial_that_fits_two_people_is_ambiguous(reference: Reference) -> None:
    match = PersonMatcher(reference).match("K. Hansen")
    assert match.status == "ambiguous" and match.iri is None
    assert set(match.candidates) == {ID["person/kari-hansen"], ID["person/knut-hansen"]}


@pytest.mark.parametrize(
    ("written", "slug"),
    [
        ("OPD", "opd"),
        ("Oslo politidistrikt", "opd"),
        ("oslo politidistrikt:", "opd"),
        ("Velferdsetatens", "vel"),  # genitive
        ("BLK", "blk"),
        ("Byrådsavdeling for sosiale tjenester", "set"),
        ("Politirådet i Oslo", "politiradet-oslo"),
    ],
)
def test_organisations(reference: Reference, written: str, slug: str) -> None:
    assert str(OrgMatcher(reference).match(written).iri).endswith("/" + slug)


def test_organisation_inside_a_phrase(reference: Reference) -> None:
    orgs = OrgMatcher(reference)
    suffix = orgs.find_suffix("seksjonssjef barnevern SET")
    assert suffix is not None and suffix[1].iri == ID["organisation/set"]
    assert suffix[0] == len("seksjonssjef barnevern ")
    prefix = orgs.find_prefix("Bydel Alna, Kari Moe")
    assert prefix is not None and prefix[1].iri == ID["organisation/bydel-alna"]
    assert orgs.match("Fiskeklubben").iri is None


def test_posts_prefer_the_named_organisation(reference: Reference) -> None:
    posts = PostMatcher(reference)
    assert (
        posts.match("kommunaldirektør", [ID["organisation/set"]]).iri
        == ID["post/set-kommunaldirektor"]
    )
    assert (
        posts.match("kommunaldirektør", [ID["organisation/blk"]]).iri
        == ID["post/blk-kommunaldirektor"]
    )
    assert posts.match("kommunaldirektør", []).status == "ambiguous"
    assert posts.match("Politimesteren", []).iri == ID["post/opd-politimester"]  # definite form
    assert (
        posts.match("leder for Enhet øst", [ID["organisation/opd"]]).iri
        == ID["post/opd-enhet-ost-leder"]
    )
    assert posts.match("rådgiver", []).iri is None


def test_name_and_title_shapes() -> None:
    assert looks_like_name("Per-Arne Lunde") and looks_like_name("Anne-Lise K. Vik")
    assert not looks_like_name("Oslo kommune") and not looks_like_name("Direktør Kari Moe")
    assert not looks_like_name("OPD BLK")
    assert is_title_word("politistasjonssjef") and is_title_word("byråd")
    assert looks_like_organisation("Tromsø politistasjon") and looks_like_organisation(
        "Bydel Frogner"
    )
    assert not looks_like_organisation("Kari Nordmann")


def test_proposed_iris() -> None:
    assert proposed_person_iri("Lise M. Johannessen") == ID["person/lise-johannessen"]
    assert split_name("Jon Eirik Haugland") == ("Jon Eirik", "Haugland")
    assert (
        proposed_organisation_iri("Troms politidistrikt") == ID["organisation/troms-politidistrikt"]
    )
    assert proposed_organisation_iri("NAV") == ID["organisation/nav"]
    assert (
        proposed_post_iri(ID["organisation/vel"], "Seksjonssjefen") == ID["post/vel-seksjonssjef"]
    )
