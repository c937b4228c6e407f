"""The rdflib in-memory store: for small jobs and tests."""

from __future__ import annotations

import itertools
import threading
import warnings
from collections.abc import Mapping

import rdflib.plugins.sparql
from rdflib import Dataset, Graph, URIRef
from rdflib.term import Node, Variable

from politiraad_graph.binding import term_to_sparql
from politiraad_graph.guard import QueryRefused, has_dataset_clause, refuse_outside_access
from politiraad_graph.store.base import (
    AskResult,
    GraphResult,
    QueryResult,
    SelectResult,
    normalise_literal,
)
from politiraad_graph.store.killable import call_with_timeout

# rdflib would otherwise fetch FROM <url> over the network while answering a query.
rdflib.plugins.sparql.SPARQL_LOAD_GRAPHS = False


def _plain(term: Node) -> Node:
    from rdflib import Literal

    return normalise_literal(term) if isinstance(term, Literal) else term


class MemoryStore:
    """Named graphs in an rdflib Dataset; queries see the union of all graphs."""

    name = "memory"

    def __init__(self) -> None:
        self._dataset = Dataset(default_union=True)
        self._lock = threading.Lock()

    def replace_all(self, graphs: Mapping[str, Graph]) -> None:
        fresh = Dataset(default_union=True)
        for name, data in graphs.items():
            target = fresh.graph(URIRef(name))
            for triple in data:
                target.add(triple)
        with self._lock:
            self._dataset = fresh

    def replace_graph(self, graph_name: str, data: Graph) -> None:
        staged = Graph(identifier=URIRef(graph_name))
        for triple in data:
            staged.add(triple)
        with self._lock:
            fresh = Dataset(default_union=True)
            for context in self._dataset.graphs():
                if context.identifier != URIRef(graph_name) and len(context):
                    target = fresh.graph(context.identifier)
                    for triple in context:
                        target.add(triple)
            target = fresh.graph(URIRef(graph_name))
            for triple in staged:
                target.add(triple)
            self._dataset = fresh

    def query(
        self,
        text: str,
        *,
        bindings: Mapping[str, Node] | None = None,
        timeout: float | None = None,
        max_rows: int | None = None,
    ) -> QueryResult:
        refuse_outside_access(text)
        if has_dataset_clause(text):
            # rdflib would copy the named graphs into its default graph: the store would change.
            raise QueryRefused("FROM and FROM NAMED are not supported by the memory store")
        for value in (bindings or {}).values():
            term_to_sparql(value)  # refuses what is not a valid term, as every backend does
        init = {Variable(k): v for k, v in (bindings or {}).items()}
        if timeout is not None:
            return call_with_timeout(lambda: self._query_quietly(text, init, max_rows), timeout)
        return self._query_quietly(text, init, max_rows)

    def _query_quietly(
        self, text: str, init: dict[Variable, Node], max_rows: int | None
    ) -> QueryResult:
        with warnings.catch_warnings():
            # rdflib 7.6 warns about its own use of Dataset.default_context while querying.
            warnings.filterwarnings("ignore", "Dataset.default_context", DeprecationWarning)
            return self._query(text, init, max_rows)

    def _query(self, text: str, init: dict[Variable, Node], max_rows: int | None) -> QueryResult:
        result = self._dataset.query(text, initBindings=init)
        if result.type == "ASK":
            return AskResult(bool(result.askAnswer))
        if result.type in {"CONSTRUCT", "DESCRIBE"}:
            graph = Graph()
            for s, p, o in result:  # type: ignore[misc]
                graph.add((s, p, _plain(o)))
                if max_rows is not None and len(graph) >= max_rows:
                    break
            return GraphResult(graph)
        variables = tuple(str(v) for v in (result.vars or []))
        rows = [
            {name: _plain(row[i]) for i, name in enumerate(variables) if row[i] is not None}
            for row in itertools.islice(result, max_rows)  # type: ignore[arg-type]
        ]
        return SelectResult(variables, rows)

    def graph_names(self) -> list[str]:
        return sorted(
            str(g.identifier)
            for g in self._dataset.graphs()
            if isinstance(g.identifier, URIRef) and len(g) and "default" not in str(g.identifier)
        )

    def count(self, graph_name: str | None = None) -> int:
        if graph_name is None:
            return sum(len(self._dataset.graph(URIRef(n))) for n in self.graph_names())
        return len(self._dataset.graph(URIRef(graph_name)))

    def dump_nquads(self) -> bytes:
        return self._dataset.serialize(format="nquads", encoding="utf-8")

    def close(self) -> None:
        self._dataset = Dataset(default_union=True)
