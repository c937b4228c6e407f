"""Run one call in a forked child that is killed when its time is up.

In-process engines (rdflib, pyoxigraph) cannot cancel a query from Python. A forked child
inherits the loaded data without copying it up front, answers through a pipe, and is killed at
the deadline, so ``timeout`` really ends the work. The web server uses the worker pool of
``store.worker`` instead; this is for direct use of a store with a time limit.
"""

from __future__ import annotations

import multiprocessing as mp
import traceback
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any, TypeVar

from politiraad_graph.store.base import QueryTimeout

T = TypeVar("T")


def _child(fn: Callable[[], Any], conn: Connection) -> None:
    try:
        conn.send((True, fn()))
    except BaseException as error:  # the parent re-raises it
        try:
            conn.send((False, error))
        except Exception:
            conn.send((False, RuntimeError(traceback.format_exc(limit=3))))
    finally:
        conn.close()


def call_with_timeout(fn: Callable[[], T], timeout: float) -> T:
    """Return ``fn()``, computed in a child process; raise QueryTimeout after ``timeout`` s."""
    context = mp.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(target=_child, args=(fn, sender), daemon=True)
    process.start()
    sender.close()
    try:
        if not receiver.poll(timeout):
            process.kill()
            raise QueryTimeout(
                f"the query ran past its time limit of {timeout:g} s and was stopped"
            )
        try:
            ok, value = receiver.recv()
        except EOFError:
            raise QueryTimeout("the query process ended without an answer") from None
    finally:
        receiver.close()
        process.join(timeout=5)
    if not ok:
        raise value
    return value  # type: ignore[no-any-return]
