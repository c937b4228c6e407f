"""The one small interface every graph store offers, and the plain values its queries return."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Protocol

from rdflib import Graph, Literal
from rdflib.term import Node


class StoreError(RuntimeError):
    """A store could not do what was asked; the message says what and where."""


class QueryTimeout(StoreError):
    """A query ran past its time limit and was stopped."""


class QueryRejected(StoreError):
    """The engine (a remote server) refused the query itself: its syntax, or what it asks."""


class QueryTooLarge(QueryTimeout):
    """A query used more memory than a worker may and was stopped (answered like a timeout)."""


@dataclass(frozen=True)
class SelectResult:
    """Rows of a SELECT: variable names in order, each row a mapping of bound variables."""

    variables: tuple[str, ...]
    rows: list[dict[str, Node]] = field(default_factory=list)


@dataclass(frozen=True)
class AskResult:
    value: bool


@dataclass(frozen=True)
class GraphResult:
    """Triples of a CONSTRUCT or DESCRIBE."""

    graph: Graph


QueryResult = SelectResult | AskResult | GraphResult


class GraphStore(Protocol):
    """What the rest of the project may ask of a store, whatever the backend."""

    name: str

    def replace_all(self, graphs: Mapping[str, Graph]) -> None:
        """Replace the whole content by these named graphs, all or nothing."""

    def replace_graph(self, graph_name: str, data: Graph) -> None:
        """Replace one named graph whole, all or nothing."""

    def query(
        self,
        text: str,
        *,
        bindings: Mapping[str, Node] | None = None,
        timeout: float | None = None,
        max_rows: int | None = None,
    ) -> QueryResult:
        """Run a query over the union of all graphs, with variables bound to terms.

        ``max_rows`` stops reading a SELECT result after that many rows, and a CONSTRUCT or
        DESCRIBE result after that many distinct triples.
        """

    def graph_names(self) -> list[str]:
        """List the named graphs."""

    def count(self, graph_name: str | None = None) -> int:
        """Count the triples of one graph, or the quads of the whole store."""

    def dump_nquads(self) -> bytes:
        """Return every quad as N-Quads."""

    def close(self) -> None:
        """Release files and connections."""


def normalise_literal(literal: Literal) -> Literal:
    """Drop an explicit xsd:string datatype, which RDF 1.1 treats as the plain literal.

    >>> from rdflib.namespace import XSD
    >>> normalise_literal(Literal("x", datatype=XSD.string)) == Literal("x")
    True
    """
    if literal.datatype is not None and str(literal.datatype).endswith("XMLSchema#string"):
        return Literal(str(literal))
    return literal


def checksum_nquads(lines: Iterable[bytes]) -> str:
    """Return a SHA-256 over sorted N-Quads lines: equal for equal content, whatever the order."""
    digest = hashlib.sha256()
    for line in sorted(line.strip() for line in lines if line.strip()):
        digest.update(line + b"\n")
    return digest.hexdigest()


def checksum(store: GraphStore) -> str:
    """Return a checksum of the whole store's content."""
    return checksum_nquads(store.dump_nquads().splitlines())
