"""Link names as the minutes write them to people and organisations of the reference data.

People: tolerant of initials ("Bente T. Fagerli" = "Bente Fagerli"), a left-out middle name,
Norwegian letters written plainly ("Ostling" = "Østling") and small spelling variants.
Organisations: labels, alternative labels and abbreviations, in any case, and the genitive
("Velferdsetatens"). What matches nothing is proposed as a new resource with a slug IRI.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field

from rdflib import URIRef

from politiraad_graph.ingest.norsk import DASHES, LETTER, UPPER, key
from politiraad_graph.ingest.reference import Reference, Thing
from politiraad_graph.namespaces import ID
from politiraad_graph.slug import slugify

ACCEPT = 0.75  # below this a candidate is not taken


@dataclass(frozen=True)
class Match:
    """The outcome of matching a name: a known thing, a proposed new one, or an ambiguity."""

    written: str
    iri: URIRef | None
    score: float
    status: str  # "exact", "variant", "new", "ambiguous"
    candidates: tuple[URIRef, ...] = ()
    note: str = ""

    @property
    def is_new(self) -> bool:
        return self.status == "new"


# Words that make a phrase a title rather than a name.
_TITLE_ENDINGS = (
    "leder",
    "direktør",
    "sjef",
    "mester",
    "rådgiver",
    "sekretær",
    "fører",
    "konsulent",
    "koordinator",
    "inspektør",
    "betjent",
    "advokat",
    "ansvarlig",
    "råd",
    "saksbehandler",
    "referent",
    "kontakt",
    "minister",
    "fullmektig",
    "assistent",
    "medlem",
    "representant",
)
_NAME_TOKEN = rf"(?:[{UPPER}][{LETTER}'’]+(?:[{DASHES}][{UPPER}][{LETTER}'’]+)?|[{UPPER}]\.)"
NAME_RE = re.compile(rf"{_NAME_TOKEN}(?:\s+(?:{_NAME_TOKEN}|von|van|de|av)){{1,4}}")


def is_title_word(word: str) -> bool:
    """Whether a word names a post: politimester, Bydelsdirektør, seksjonssjef, byråd ...

    >>> is_title_word("Bydelsdirektør"), is_title_word("Fagerli"), is_title_word("leder")
    (True, False, True)
    """
    lower = word.lower().strip(".,:;()")
    return len(lower) > 2 and any(lower.endswith(end) for end in _TITLE_ENDINGS)


def looks_like_name(text: str) -> bool:
    """Whether a phrase is a person's name: two to five capitalised words or initials.

    >>> looks_like_name("Bente T. Fagerli"), looks_like_name("Oslo kommune")
    (True, False)
    >>> looks_like_name("Ordfører Anne Lindbo"), looks_like_name("Anne-Lise Kristoffersen")
    (False, True)
    """
    text = " ".join(text.split())
    if not NAME_RE.fullmatch(text):
        return False
    words = text.split()
    if any(is_title_word(w) for w in words):
        return False
    plain = [w for w in words if not re.fullmatch(r"[A-ZÆØÅ]\.", w)]
    if len(plain) < 2 or all(w.isupper() for w in plain):
        return False
    return not any(w.lower() in _NOT_NAMES for w in words)


# Capitalised words that start sentences or name institutions, never people.
_NOT_NAMES = {
    "oslo",
    "kommune",
    "kommunen",
    "politidistrikt",
    "politiet",
    "bydel",
    "enhet",
    "politirådet",
    "referat",
    "sak",
    "møte",
    "status",
    "vedlegg",
    "dagsorden",
    "regjeringen",
    "staten",
    "norge",
}


def _core(tokens: list[str]) -> list[str]:
    return [t for t in tokens if len(t) > 1]


@dataclass
class PersonMatcher:
    """Find the reference person a written name stands for."""

    reference: Reference
    _people: list[tuple[Thing, list[list[str]]]] = field(default_factory=list)

    def __post_init__(self) -> None:
        for thing in self.reference.of_kind("person"):
            self._people.append((thing, [key(label).split() for label in thing.labels]))

    def match(self, written: str) -> Match:
        """Match a name; unknown names get a proposed IRI person/{slug}.

        >>> from rdflib import Graph
        >>> from politiraad_graph.ingest.reference import Reference
        >>> ttl = '''@prefix schema: <https://schema.org/> .
        ... @prefix skos: <http://www.w3.org/2004/02/skos/core#> .
        ... <https://w3id.org/politiraad/id/person/bente-fagerli> a schema:Person ;
        ...     skos:prefLabel "Bente Fagerli" .'''
        >>> matcher = PersonMatcher(Reference.from_graph(Graph().parse(data=ttl, format="turtle")))
        >>> m = matcher.match("Bente T. Fagerli")
        >>> str(m.iri).rsplit("/", 1)[-1], m.status
        ('bente-fagerli', 'variant')
        >>> m = matcher.match("Kari Nordmann")
        >>> str(m.iri).rsplit("/", 1)[-1], m.status
        ('kari-nordmann', 'new')
        """
        tokens = key(written).split()
        scored: list[tuple[float, Thing, str]] = []
        for thing, labels in self._people:
            best, why = 0.0, ""
            for label in labels:
                score, reason = _person_score(tokens, label)
                if score > best:
                    best, why = score, reason
            if best >= ACCEPT:
                scored.append((best, thing, why))
        scored.sort(key=lambda s: -s[0])
        if not scored:
            return Match(
                written, proposed_person_iri(written), 0.5, "new", (), "not in the reference data"
            )
        top, thing, why = scored[0]
        rivals = [s for s in scored[1:] if s[1].iri != thing.iri and top - s[0] < 0.05]
        if rivals:
            candidates = (thing.iri, *(r[1].iri for r in rivals))
            return Match(
                written,
                None,
                top,
                "ambiguous",
                candidates,
                "several people fit: "
                + ", ".join(self.reference.things[c].label for c in candidates),
            )
        status = "exact" if top >= 1.0 else "variant"
        note = "" if status == "exact" else f"matched {thing.label!r} ({why})"
        return Match(written, thing.iri, top, status, (thing.iri,), note)


def _person_score(name: list[str], label: list[str]) -> tuple[float, str]:
    if not name or not label:
        return 0.0, ""
    if name == label:
        return 1.0, "same name"
    core_name, core_label = _core(name), _core(label)
    if core_name and core_name == core_label:
        return 0.95, "same name without initials"
    ends_agree = core_name[:1] == core_label[:1] and core_name[-1:] == core_label[-1:]
    nested = set(core_name) <= set(core_label) or set(core_label) <= set(core_name)
    if len(core_name) >= 2 and ends_agree and nested:
        return 0.85, "a middle name left out"
    initials = [t for t in name if len(t) == 1]
    if initials and core_name and core_name[-1] == core_label[-1] and name[0][0] == label[0][0]:
        return 0.8, "initials"
    ratio = difflib.SequenceMatcher(None, " ".join(core_name), " ".join(core_label)).ratio()
    last = difflib.SequenceMatcher(None, core_name[-1] if core_name else "", core_label[-1]).ratio()
    if ratio >= 0.88 and last >= 0.8:
        return 0.75 + (ratio - 0.88), "spelling variant"
    return 0.0, ""


def proposed_person_iri(written: str) -> URIRef:
    """person/{slug} of the name without initials: "Kari T. Hansen" → person/kari-hansen."""
    words = [w for w in written.split() if not re.fullmatch(r"[A-ZÆØÅ]\.?", w)]
    return ID[f"person/{slugify(' '.join(words))}"]


def split_name(written: str) -> tuple[str, str]:
    """Given and family name of a new person: the last word is the family name.

    >>> split_name("Kari T. Hansen")
    ('Kari', 'Hansen')
    """
    words = [w for w in written.split() if not re.fullmatch(r"[A-ZÆØÅ]\.?", w)]
    if not words:  # nothing but initials, or nothing at all
        return "", " ".join(written.split())
    return " ".join(words[:-1]), words[-1]


@dataclass
class OrgMatcher:
    """Find the organisation (or council) a phrase names."""

    reference: Reference
    _by_key: dict[str, set[URIRef]] = field(default_factory=dict)
    _abbreviations: dict[str, set[URIRef]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for thing in self.reference.of_kind("organisation", "council"):
            for label in thing.labels:
                if label.isupper() and len(label) <= 8:
                    self._abbreviations.setdefault(label, set()).add(thing.iri)
                self._by_key.setdefault(key(label), set()).add(thing.iri)
            for abbreviation in thing.abbreviations:
                self._abbreviations.setdefault(abbreviation, set()).add(thing.iri)
                self._by_key.setdefault(key(abbreviation), set()).add(thing.iri)

    def match(self, written: str) -> Match:
        """Match a phrase that is all of an organisation's name; ``iri`` is None if nothing fits."""
        text = " ".join(written.strip(" :,.;").split())
        if not text:
            return Match(written, None, 0.0, "new")
        if text in self._abbreviations:
            return self._result(written, self._abbreviations[text], 1.0)
        k = key(text)
        if k in self._by_key:
            return self._result(written, self._by_key[k], 1.0)
        if k.endswith("s") and k[:-1] in self._by_key:  # genitive: "Velferdsetatens"
            return self._result(written, self._by_key[k[:-1]], 0.9)
        if len(k) >= 10:
            same_shape = [c for c in self._by_key if len(c.split()) == len(k.split())]
            close = difflib.get_close_matches(k, same_shape, n=2, cutoff=0.92)
            if close:
                return self._result(written, self._by_key[close[0]], 0.8)
        return Match(written, None, 0.0, "new")

    def _result(self, written: str, iris: set[URIRef], score: float) -> Match:
        if len(iris) > 1:
            return Match(written, None, score, "ambiguous", tuple(sorted(iris)))
        (iri,) = iris
        return Match(written, iri, score, "exact" if score >= 1.0 else "variant", (iri,))

    def find_suffix(self, text: str) -> tuple[int, Match] | None:
        """The longest tail of ``text`` (whole words) that names an organisation.

        Returns where that tail starts and the match: "seksjonssjef barnevern SET" → SET.
        """
        words = list(re.finditer(r"\S+", text))
        for index in range(len(words)):
            tail = text[words[index].start() :]
            found = self.match(tail)
            if found.iri is not None:
                return words[index].start(), found
        return None

    def find_prefix(self, text: str) -> tuple[int, Match] | None:
        """The longest head of ``text`` (whole words) that names an organisation."""
        words = list(re.finditer(r"\S+", text))
        for index in range(len(words), 0, -1):
            head = text[: words[index - 1].end()]
            found = self.match(head)
            if found.iri is not None:
                return words[index - 1].end(), found
        return None


def looks_like_organisation(text: str) -> bool:
    """Whether a phrase unknown to the reference data names an organisation.

    >>> looks_like_organisation("Vestfold politidistrikt"), looks_like_organisation("NAV")
    (True, True)
    >>> looks_like_organisation("Kari Nordmann")
    False
    """
    text = " ".join(text.split()).strip(" :")
    lower = text.lower()
    if re.fullmatch(r"[A-ZÆØÅ]{2,6}", text):
        return True
    endings = (
        "kommune",
        "politidistrikt",
        "politistasjon",
        "lensmannskontor",
        "politiråd",
        "politirådet",
        "etaten",
        "etat",
        "avdeling",
        "direktoratet",
        "departementet",
        "fylkeskommune",
        "tjenesten",
        "kontor",
        "kontoret",
        "sekretariatet",
        "utvalget",
        "nav",
    )
    starts = ("bydel ", "enhet ", "byrådsavdeling", "seksjon ", "avdeling ")
    return lower.endswith(endings) or lower.startswith(starts)


def proposed_organisation_iri(written: str) -> URIRef:
    """organisation/{abbreviation or name slug} for an organisation new to the reference data."""
    text = " ".join(written.split()).strip(" :")
    if re.fullmatch(r"[A-ZÆØÅ]{2,6}", text):
        return ID[f"organisation/{slugify(text)}"]
    return ID[f"organisation/{slugify(text)}"]


@dataclass
class PostMatcher:
    """Find the reference post a title stands for, preferring posts in the given organisations."""

    reference: Reference
    _by_key: dict[str, list[Thing]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for thing in self.reference.of_kind("post"):
            for label in thing.labels:
                self._by_key.setdefault(key(label), []).append(thing)

    def candidates(self, title: str) -> list[Thing]:
        from politiraad_graph.ingest.norsk import strip_definite

        words = title.split()
        if not words:
            return []
        found = self._by_key.get(key(title), [])
        if not found:
            found = self._by_key.get(key(" ".join([*words[:-1], strip_definite(words[-1])])), [])
        if not found:
            found = self._by_key.get(key(" ".join([strip_definite(words[0]), *words[1:]])), [])
        return found

    def match(self, title: str, organisations: list[URIRef]) -> Match:
        """Match a title ("kommunaldirektør") among posts of ``organisations`` (nearest first).

        With no organisation given, a title only one post has is taken.
        """
        found = self.candidates(title)
        if not found:
            return Match(title, None, 0.0, "new")
        for organisation in organisations:
            in_org = [t for t in found if t.parent == organisation]
            if len(in_org) == 1:
                return Match(title, in_org[0].iri, 1.0, "exact", (in_org[0].iri,))
        for organisation in organisations:
            below = [
                t for t in found if t.parent and organisation in self.reference.ancestors(t.parent)
            ]
            if len(below) == 1:
                return Match(title, below[0].iri, 0.85, "variant", (below[0].iri,))
        if len(found) == 1 and not organisations:
            return Match(title, found[0].iri, 0.9, "variant", (found[0].iri,))
        if len(found) == 1:
            return Match(
                title, found[0].iri, 0.7, "variant", (found[0].iri,), "organisation differs"
            )
        return Match(title, None, 0.5, "ambiguous", tuple(t.iri for t in found))


def proposed_post_iri(organisation: URIRef, title: str) -> URIRef:
    """post/{organisation-slug}-{title-slug} for a post new to the reference data."""
    from politiraad_graph.ingest.norsk import strip_definite

    org_slug = str(organisation).rsplit("/", 1)[-1]
    return ID[f"post/{org_slug}-{slugify(strip_definite(title))}"]
