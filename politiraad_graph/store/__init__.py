"""Graph stores behind one interface: embedded Oxigraph (default), rdflib memory, remote SPARQL."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from politiraad_graph.store.base import (
    AskResult,
    GraphResult,
    GraphStore,
    QueryResult,
    QueryTimeout,
    SelectResult,
    StoreError,
    checksum,
)

__all__ = [
    "AskResult",
    "GraphResult",
    "GraphStore",
    "QueryRejected",
    "QueryResult",
    "QueryTimeout",
    "SelectResult",
    "StoreError",
    "checksum",
    "open_store",
]


def open_store(config: Mapping[str, Any], *, read_only: bool = False) -> GraphStore:
    """Open the store the configuration names."""
    kind = config["store"]
    if kind == "oxigraph":
        from politiraad_graph.store.oxigraph import OxigraphStore

        return OxigraphStore(Path(config["store_path"]), read_only=read_only)
    if kind == "memory":
        from politiraad_graph.store.memory import MemoryStore

        return MemoryStore()
    if kind == "sparql":
        from politiraad_graph.store.sparql import SparqlStore

        return SparqlStore.from_config(config)
    raise StoreError(f"unknown store backend {kind!r}: choose oxigraph, memory or sparql")
