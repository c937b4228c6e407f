"""Run queries in worker processes that can be killed: a time limit that really stops the work.

pyoxigraph and rdflib cannot cancel a running query from Python, so each query runs in a child
process; when the limit passes, the child is killed and replaced, and the caller gets
``QueryTimeout``. Workers open the store read-only and follow the ``current`` generation, so a
rebuild is picked up by the next query without a restart.

Memory is bounded the same way: while a worker answers, the memory it has allocated (its
anonymous resident memory, not the store files it maps) is read from ``/proc`` every few
hundredths of a second, and a worker past ``query_memory_max`` MiB is killed and the caller gets
``QueryTooLarge`` (a ``QueryTimeout``). Without ``/proc`` only the time limit holds.
"""

from __future__ import annotations

import contextlib
import multiprocessing as mp
import queue
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any

from rdflib.term import Node

from politiraad_graph.store.base import (
    AskResult,
    GraphResult,
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


@dataclass(frozen=True)
class Answer:
    """What a worker sends back: a result (SELECT rows cut at ``row_cap``) or an error."""

    result: QueryResult | None
    truncated: bool = False
    error: str | None = None
    error_kind: str | None = None


def _open(config: Mapping[str, Any]) -> Any:
    from politiraad_graph.store import open_store

    store = open_store(config, read_only=True)
    if config["store"] == "memory":
        from pathlib import Path

        from politiraad_graph.build import load_sources

        store.replace_all(load_sources(Path(config["data_dir"])).graphs)
    return store


def _generation(config: Mapping[str, Any]) -> str | None:
    if config["store"] != "oxigraph":
        return None
    from pathlib import Path

    from politiraad_graph.store.oxigraph import current_generation

    found = current_generation(Path(config["store_path"]))
    return str(found) if found else None


def _serve(conn: Connection, config: dict[str, Any]) -> None:
    """Worker loop: answer queries until the pipe closes."""
    store = None
    generation = None
    while True:
        try:
            request = conn.recv()
        except EOFError:
            return
        text, bindings, row_cap = request
        try:
            now = _generation(config)
            if store is None or now != generation:
                if store is not None:
                    store.close()
                store = _open(config)
                generation = now
            # One row past the cap tells that the cap cut the result.
            limit = None if row_cap is None else row_cap + 1
            result = store.query(text, bindings=bindings, max_rows=limit)
            truncated = False
            if (
                isinstance(result, SelectResult)
                and row_cap is not None
                and len(result.rows) > row_cap
            ):
                result = SelectResult(result.variables, result.rows[:row_cap])
                truncated = True
            conn.send(Answer(result, truncated))
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
    ) -> Answer:
        """Run one query within the time limit; raise QueryTimeout or QueryError."""
        limit = min(timeout or self.default_timeout, self.max_timeout)
        deadline = time.monotonic() + limit
        try:
            worker = self._idle.get(timeout=limit)
        except queue.Empty:
            raise QueryTimeout(f"no query worker became free within {limit:g} s") from None
        try:
            worker.conn.send((text, dict(bindings or {}), row_cap))
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
        if answer.error_kind == "store":
            raise StoreError(answer.error or "the store failed")
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
    "Answer",
    "AskResult",
    "GraphResult",
    "QueryError",
    "QueryRunner",
    "QueryTimeout",
    "QueryTooLarge",
    "anonymous_bytes",
]
