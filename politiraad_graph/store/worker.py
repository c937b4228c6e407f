"""Run queries in worker processes that can be killed: a time limit that really stops the work.

pyoxigraph and rdflib cannot cancel a running query from Python, so each query runs in a child
process; when the limit passes, the child is killed and replaced, and the caller gets
``QueryTimeout``. Workers open the store read-only and follow the ``current`` generation, so a
rebuild is picked up by the next query without a restart.

The worker also writes the result in the format the client asked for (``Writing``), so what
crosses the pipe is the finished body rather than every row's terms: pickling rdflib terms, and
above all rebuilding each literal on the other side, cost as much as writing the JSON itself
(about 50 ms for the 762 rows of CQ14 on the bundled data).

Memory is bounded the same way: while a worker answers, the memory it has allocated (its
anonymous resident memory, not the store files it maps) is read from ``/proc`` every few
hundredths of a second, and a worker past ``query_memory_max`` MiB is killed and the caller gets
``QueryTooLarge`` (a ``QueryTimeout``). Without ``/proc`` only the time limit holds.
"""

from __future__ import annotations

import contextlib
import multiprocessing as mp
import os
import queue
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any

from rdflib import Graph
from rdflib.term import Node

from politiraad_graph import results as writers
from politiraad_graph.namespaces import bind_prefixes
from politiraad_graph.store.base import (
    AskResult,
    GraphResult,
    QueryRejected,
    QueryResult,
    QueryTimeout,
    QueryTooLarge,
    SelectResult,
    StoreError,
)

_CONTEXT = mp.get_context("spawn")
#: How often the resident size of a busy worker is read, in seconds.
_WATCH_INTERVAL = 0.03


def anonymous_bytes(pid: int) -> int | None:
    """The memory a process has allocated for itself and holds in RAM (``RssAnon`` in
    ``/proc/<pid>/status``: not the store's files it has mapped); None where it cannot be read.
    """
    try:
        with open(f"/proc/{pid}/status", encoding="ascii", errors="replace") as handle:
            for line in handle:
                if line.startswith("RssAnon:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        return None
    return None


#: The rdflib serializers of the RDF formats a worker writes, by the format's name.
RDF_SERIALIZERS = {"ttl": "turtle", "nt": "nt", "jsonld": "json-ld", "rdf": "xml"}


@dataclass(frozen=True)
class Writing:
    """How a worker writes a result: the format for each kind of result (``select``, ``ask``,
    ``graph``; a kind left out comes back as terms), and for SELECT the order of the columns
    (``SELECT *`` in the order of the query; used only when it names every column)."""

    formats: Mapping[str, str]
    order: tuple[str, ...] = ()


@dataclass(frozen=True)
class Answer:
    """What a worker sends back: a result (SELECT rows and graph triples cut at ``row_cap``)
    or its body in the asked format (``body``, ``kind``, ``format``), or an error."""

    result: QueryResult | None
    truncated: bool = False
    error: str | None = None
    error_kind: str | None = None
    body: bytes | None = None
    kind: str | None = None
    format: str | None = None


def kind_of(result: QueryResult) -> str:
    """The kind of a result, as ``Writing.formats`` names it."""
    if isinstance(result, SelectResult):
        return "select"
    if isinstance(result, AskResult):
        return "ask"
    return "graph"


def reorder(result: SelectResult, order: Sequence[str]) -> SelectResult:
    """The result with its columns in this order, when the order names them all."""
    if order and set(order) >= set(result.variables):
        return SelectResult(tuple(v for v in order if v in result.variables), result.rows)
    return result


def cap(result: QueryResult, row_cap: int | None) -> tuple[QueryResult, bool]:
    """Cut a result at ``row_cap`` SELECT rows or graph triples; tell whether it was cut.

    The store reads one row past the cap, so a result longer than the cap was cut.
    """
    if row_cap is None:
        return result, False
    if isinstance(result, SelectResult) and len(result.rows) > row_cap:
        return SelectResult(result.variables, result.rows[:row_cap]), True
    if isinstance(result, GraphResult) and len(result.graph) > row_cap:
        kept = Graph()
        for triple in sorted(result.graph)[:row_cap]:
            kept.add(triple)
        return GraphResult(kept), True
    return result, False


def write(result: QueryResult, fmt: str, *, truncated: bool) -> bytes:
    """Write a result in a SPARQL results format or an RDF syntax, by the format's name.

    >>> write(AskResult(True), "json", truncated=False)
    b'{"head": {}, "boolean": true}'
    """
    if isinstance(result, SelectResult):
        if fmt == "json":
            text = writers.select_json(result, extra={"truncated": truncated})
        elif fmt == "xml":
            text = writers.select_xml(result)
        elif fmt == "csv":
            text = writers.select_csv(result)
        elif fmt == "tsv":
            text = writers.select_tsv(result)
        else:
            raise ValueError(f"a SELECT result cannot be written as {fmt}")
        return text.encode("utf-8")
    if isinstance(result, AskResult):
        if fmt not in {"json", "xml"}:
            raise ValueError(f"an ASK result cannot be written as {fmt}")
        return (writers.ask_json(result) if fmt == "json" else writers.ask_xml(result)).encode()
    if fmt not in RDF_SERIALIZERS:
        raise ValueError(f"a graph cannot be written as {fmt}")
    graph = bind_prefixes(result.graph)
    return graph.serialize(format=RDF_SERIALIZERS[fmt], encoding="utf-8")


def _answer(result: QueryResult, truncated: bool, writing: Writing | None) -> Answer:
    kind = kind_of(result)
    if isinstance(result, SelectResult) and writing is not None:
        result = reorder(result, writing.order)
    fmt = writing.formats.get(kind) if writing is not None else None
    if fmt is None:
        return Answer(result, truncated, kind=kind)
    try:
        body = write(result, fmt, truncated=truncated)
    except Exception as error:  # a result a format cannot carry (RDF/XML and some IRIs)
        return Answer(
            None, error=f"the result cannot be written as {fmt}: {error}", error_kind="write"
        )
    return Answer(None, truncated, body=body, kind=kind, format=fmt)


def _open(config: Mapping[str, Any]) -> Any:
    from politiraad_graph.store import open_store

    store = open_store(config, read_only=True)
    if config["store"] == "memory":
        from pathlib import Path

        from politiraad_graph.build import load_sources

        store.replace_all(load_sources(Path(config["data_dir"])).graphs)
    return store


def _generation(config: Mapping[str, Any]) -> str | None:
    """What the store's ``current`` link points at: a rebuild changes it in one rename.

    Read before every query, so it is one system call, not the path's resolution.
    """
    if config["store"] != "oxigraph":
        return None
    from politiraad_graph.store.oxigraph import CURRENT

    try:
        return os.readlink(os.path.join(config["store_path"], CURRENT))
    except OSError:
        return None


def _serve(conn: Connection, config: dict[str, Any]) -> None:
    """Worker loop: answer queries until the pipe closes."""
    store = None
    generation = None
    while True:
        try:
            request = conn.recv()
        except EOFError:
            return
        text, bindings, row_cap, writing, timeout = request
        try:
            now = _generation(config)
            if store is None or now != generation:
                if store is not None:
                    store.close()
                store = _open(config)
                generation = now
            # One row past the cap tells that the cap cut the result.
            limit = None if row_cap is None else row_cap + 1
            # The pool kills a worker at the deadline, which stops a local engine; a remote
            # server must be told the limit, or it goes on working for a query nobody awaits.
            remote = config.get("store") == "sparql"
            found = store.query(
                text, bindings=bindings, max_rows=limit, timeout=timeout if remote else None
            )
            result, truncated = cap(found, row_cap)
            conn.send(_answer(result, truncated, writing))
        except QueryTimeout as error:
            conn.send(Answer(None, error=str(error), error_kind="timeout"))
        except QueryRejected as error:
            conn.send(Answer(None, error=str(error), error_kind="query"))
        except StoreError as error:
            conn.send(Answer(None, error=str(error), error_kind="store"))
        except Exception as error:  # a syntax or evaluation error goes back to the caller
            conn.send(Answer(None, error=str(error), error_kind="query"))


class _Worker:
    def __init__(self, config: dict[str, Any]) -> None:
        self.conn, child = _CONTEXT.Pipe()
        self.process = _CONTEXT.Process(target=_serve, args=(child, config), daemon=True)
        self.process.start()
        child.close()

    def kill(self) -> None:
        with contextlib.suppress(Exception):
            self.process.kill()
        self.process.join(timeout=5)
        with contextlib.suppress(Exception):
            self.conn.close()


class QueryError(ValueError):
    """The query is wrong (syntax, evaluation): the message is the engine's."""


class ResultWriteError(StoreError):
    """A result the asked format cannot carry (RDF/XML cannot write some predicates)."""


class QueryRunner:
    """A small pool of killable workers; ``run`` blocks until a worker is free."""

    def __init__(self, config: Mapping[str, Any], *, workers: int = 2) -> None:
        self.config = dict(config)
        self.default_timeout = float(config.get("query_timeout", 20.0))
        self.max_timeout = float(config.get("query_timeout_max", 60.0))
        self.memory_limit = int(config.get("query_memory_max", 1024)) * 1024 * 1024
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._lock = threading.Lock()
        self._all: list[_Worker] = []
        for _ in range(workers):
            self._add()

    def _add(self) -> None:
        worker = _Worker(self.config)
        with self._lock:
            self._all.append(worker)
        self._idle.put(worker)

    def _retire(self, worker: _Worker) -> None:
        worker.kill()
        with self._lock:
            if worker in self._all:
                self._all.remove(worker)
        self._add()

    def run(
        self,
        text: str,
        *,
        bindings: Mapping[str, Node] | None = None,
        timeout: float | None = None,
        row_cap: int | None = None,
        writing: Writing | None = None,
    ) -> Answer:
        """Run one query within the time limit; raise QueryTimeout or QueryError.

        With ``writing``, the answer holds the result written in the format asked for its kind.
        """
        limit = min(timeout or self.default_timeout, self.max_timeout)
        deadline = time.monotonic() + limit
        try:
            worker = self._idle.get(timeout=limit)
        except queue.Empty:
            raise QueryTimeout(f"no query worker became free within {limit:g} s") from None
        try:
            remaining = max(0.1, deadline - time.monotonic())
            worker.conn.send((text, dict(bindings or {}), row_cap, writing, remaining))
            stop = self._wait(worker, deadline, limit)
            if stop is not None:
                self._retire(worker)
                worker = None  # type: ignore[assignment]
                raise stop
            answer: Answer = worker.conn.recv()
        except (EOFError, OSError, BrokenPipeError) as error:
            if worker is not None:
                self._retire(worker)
                worker = None  # type: ignore[assignment]
            raise StoreError(f"the query worker died: {error}") from error
        finally:
            if worker is not None:
                self._idle.put(worker)
        if answer.error_kind == "query":
            raise QueryError(answer.error or "the query failed")
        if answer.error_kind == "timeout":
            raise QueryTimeout(answer.error or f"the query ran past {limit:g} s")
        if answer.error_kind == "store":
            raise StoreError(answer.error or "the store failed")
        if answer.error_kind == "write":
            raise ResultWriteError(answer.error or "the result could not be written")
        return answer

    def _wait(self, worker: _Worker, deadline: float, limit: float) -> QueryTimeout | None:
        """Wait for the worker's answer; return why it must be stopped, or None once it answered.

        The worker's memory is checked while it works, so a query that grows fast (a sort over
        a cross product) is stopped long before it can exhaust the machine's memory.
        """
        watch = self.memory_limit > 0
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return QueryTimeout(
                    f"the query ran past its time limit of {limit:g} s and was stopped"
                )
            if worker.conn.poll(min(remaining, _WATCH_INTERVAL) if watch else remaining):
                return None
            if watch:
                used = anonymous_bytes(worker.process.pid or 0)
                if used is None:
                    watch = False  # no /proc here: the time limit alone bounds the query
                elif used > self.memory_limit:
                    return QueryTooLarge(
                        f"the query used more than {self.memory_limit // (1024 * 1024)} MiB of "
                        "memory (query_memory_max) and was stopped"
                    )

    def close(self) -> None:
        with self._lock:
            workers, self._all = self._all, []
        for worker in workers:
            worker.kill()


__all__ = [
    "RDF_SERIALIZERS",
    "Answer",
    "AskResult",
    "GraphResult",
    "QueryError",
    "QueryRunner",
    "QueryTimeout",
    "QueryTooLarge",
    "ResultWriteError",
    "Writing",
    "anonymous_bytes",
    "cap",
    "kind_of",
    "reorder",
    "write",
]
