"""Progress on the terminal for long work: one line per step, a live counter on a terminal."""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TextIO


class Progress:
    """Report steps and counts to ``stream`` (standard error by default).

    On a terminal a counting step rewrites its line in place; elsewhere (a log file, a test)
    only the finished steps are written, one line each. ``quiet`` writes nothing.
    """

    def __init__(self, stream: TextIO | None = None, *, quiet: bool = False) -> None:
        self.stream = stream if stream is not None else sys.stderr
        self.quiet = quiet
        self.live = not quiet and hasattr(self.stream, "isatty") and self.stream.isatty()
        self.started = time.perf_counter()
        self.timings: dict[str, float] = {}
        self._label = ""
        self._last = 0.0

    def _write(self, text: str) -> None:
        if not self.quiet:
            self.stream.write(text)
            self.stream.flush()

    @contextmanager
    def step(self, label: str) -> Iterator[Progress]:
        """Time one step of the work and report it when it ends."""
        self._label = label
        began = time.perf_counter()
        if self.live:
            self._write(f"  {label} …")
        try:
            yield self
        finally:
            seconds = time.perf_counter() - began
            self.timings[label] = self.timings.get(label, 0.0) + seconds
            end = "\r\x1b[K" if self.live else ""
            self._write(f"{end}  {label} ({seconds:.1f} s)\n")

    def detail(self, what: str) -> None:
        """Say what the current step is doing now (terminal only)."""
        if self.live:
            self._write(f"\r\x1b[K  {self._label}: {what} …")

    def count(self, done: int, total: int) -> None:
        """Show how far a counting step has come (terminal only, at most ten times a second)."""
        now = time.perf_counter()
        if not self.live or (now - self._last < 0.1 and done < total):
            return
        self._last = now
        share = done / total if total else 1.0
        bar = "#" * int(share * 24)
        self._write(f"\r\x1b[K  {self._label} [{bar:<24}] {done}/{total}")

    def done(self, message: str) -> None:
        total = time.perf_counter() - self.started
        self._write(f"{message} ({total:.1f} s)\n")
