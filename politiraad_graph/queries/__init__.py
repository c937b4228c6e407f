"""The query library: named SPARQL queries in ``.rq`` files, each with typed parameters.

A query file starts with comment lines that describe it::

    # title@nb: Møter
    # title@en: Meetings
    # description@en: Which meetings has the council held?
    # param: meeting iri https://w3id.org/politiraad/id/meeting/2025-10-13
    # param: year gYear

A parameter has a name (a variable of the query), a type (iri, string, date, gYear, integer,
langString@nb) and an optional default. Values are turned into RDF terms and bound by the store,
never pasted into the query text.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from rdflib import Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import Node

from politiraad_graph.binding import BindingError, term_to_sparql

QUERY_DIR = Path(__file__).resolve().parent
_HEADER = re.compile(r"^#\s*(?P<key>[a-z]+)(?:@(?P<lang>[a-z]{2}))?:\s*(?P<value>.*)$")
_TYPES = {"iri", "string", "date", "gYear", "gYearMonth", "integer", "langString@nb"}


class ParameterError(ValueError):
    """A parameter value that does not fit its declared type."""


@dataclass(frozen=True)
class Parameter:
    name: str
    type: str
    default: str | None = None

    def to_term(self, value: str) -> Node:
        """Turn a value typed by a user into the RDF term it stands for, checking its type."""
        value = value.strip()
        if self.type == "iri":
            term: Node = URIRef(value)
        elif self.type == "string":
            term = Literal(value)
        elif self.type == "langString@nb":
            term = Literal(value, lang="nb")
        elif self.type == "integer":
            if not re.fullmatch(r"[+-]?\d+", value):
                raise ParameterError(f"{self.name}: {value!r} is not an integer")
            term = Literal(int(value))
        elif self.type == "date":
            if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
                raise ParameterError(f"{self.name}: {value!r} is not a date (YYYY-MM-DD)")
            term = Literal(value, datatype=XSD.date)
        elif self.type == "gYear":
            if not re.fullmatch(r"\d{4}", value):
                raise ParameterError(f"{self.name}: {value!r} is not a year (YYYY)")
            term = Literal(value, datatype=XSD.gYear)
        elif self.type == "gYearMonth":
            if not re.fullmatch(r"\d{4}-\d{2}", value):
                raise ParameterError(f"{self.name}: {value!r} is not a month (YYYY-MM)")
            term = Literal(value, datatype=XSD.gYearMonth)
        else:
            raise ParameterError(f"{self.name}: unknown type {self.type!r}")
        try:
            term_to_sparql(term)
        except BindingError as error:
            raise ParameterError(f"{self.name}: {error}") from error
        return term


@dataclass(frozen=True)
class NamedQuery:
    name: str
    text: str
    path: Path
    titles: Mapping[str, str] = field(default_factory=dict)
    descriptions: Mapping[str, str] = field(default_factory=dict)
    parameters: tuple[Parameter, ...] = ()

    def title(self, lang: str = "nb") -> str:
        return self.titles.get(lang) or self.titles.get("en") or self.name

    def description(self, lang: str = "nb") -> str:
        return self.descriptions.get(lang) or self.descriptions.get("en") or ""

    def bindings(self, values: Mapping[str, str], *, use_defaults: bool = True) -> dict[str, Node]:
        """Turn user-supplied values (and defaults) into typed terms; unknown names are refused."""
        known = {p.name: p for p in self.parameters}
        unknown = sorted(set(values) - set(known))
        if unknown:
            raise ParameterError(f"{self.name} has no parameter {', '.join(unknown)}")
        result: dict[str, Node] = {}
        for param in self.parameters:
            raw = values.get(param.name)
            if (raw is None or raw == "") and use_defaults:
                raw = param.default
            if raw is not None and raw != "":
                result[param.name] = param.to_term(raw)
        return result


def parse_query_file(path: Path) -> NamedQuery:
    """Read one ``.rq`` file with its header."""
    text = path.read_text(encoding="utf-8")
    titles: dict[str, str] = {}
    descriptions: dict[str, str] = {}
    params: list[Parameter] = []
    for line in text.splitlines():
        if not line.startswith("#"):
            if line.strip():
                break
            continue
        match = _HEADER.match(line)
        if not match:
            continue
        key, lang, value = match.group("key"), match.group("lang") or "en", match.group("value")
        if key == "title":
            titles[lang] = value.strip()
        elif key == "description":
            descriptions[lang] = (descriptions.get(lang, "") + " " + value.strip()).strip()
        elif key == "param":
            parts = value.split(None, 2)
            if len(parts) < 2 or parts[1] not in _TYPES:
                raise ValueError(f"{path}: bad parameter line {line!r}")
            params.append(
                Parameter(parts[0], parts[1], parts[2].strip() if len(parts) > 2 else None)
            )
    return NamedQuery(path.stem, text, path, titles, descriptions, tuple(params))


@cache
def library(directory: Path = QUERY_DIR) -> dict[str, NamedQuery]:
    """Return every named query of the library, by name, in name order."""
    return {q.name: q for q in (parse_query_file(p) for p in sorted(directory.glob("*.rq")))}


def get(name: str) -> NamedQuery:
    """Return one named query, by its name or its competency-question id (``cq2``, ``CQ02``)."""
    queries = library()
    if name in queries:
        return queries[name]
    found = re.fullmatch(r"(?i)cq0*(\d+)", name)
    if found:
        prefix = f"cq{int(found.group(1)):02d}-"
        for key, query in queries.items():
            if key.startswith(prefix):
                return query
    raise KeyError(name)
