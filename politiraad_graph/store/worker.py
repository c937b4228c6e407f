"""Run queries in worker processes that can be killed: a time limit that really stops the work.

pyoxigraph and rdflib cannot cancel a running query from Python, so each query runs in a child
process; when the limit passes, the child is killed and replaced, and the caller gets
``QueryTimeout``. Workers open the store read-only and follow the ``current`` generation, so a
rebuild is picked up by the next query without a restart.
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
    SelectResult,
    StoreError,
)

_CONTEXT = mp.get_context("spawn")


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
            if not worker.conn.poll(max(0.0, deadline - time.monotonic())):
                self._retire(worker)
                worker = None  # type: ignore[assignment]
                raise QueryTimeout(
                    f"the query ran past its time limit of {limit:g} s and was stopped"
                )
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

    def close(self) -> None:
        with self._lock:
            workers, self._all = self._all, []
        for worker in workers:
            worker.kill()


__all__ = ["Answer", "AskResult", "GraphResult", "QueryError", "QueryRunner", "QueryTimeout"]
