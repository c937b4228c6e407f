"""The journal that makes ``politiraad accept`` all or nothing even when it is killed.

``accept`` writes every new file next to its target first. Once all are written it records the
renames still to do in ``data/.accept-journal.json`` (written whole, then renamed into place): from
that moment the accept has happened. It then renames the files into place and deletes the journal.
If it is killed before the journal exists, ``data/`` is as it was; the hidden ``.*.accept-tmp``
files it had staged are deleted by the next ``accept``. If it is killed after, the next command
that reads ``data/`` (``accept``, ``build``, ``validate``, ``publish``) finishes the renames
first, so ``data/`` never stays half accepted. While ``accept`` runs it holds a lock on the
journal, so a command that reads ``data/`` at the same moment leaves the renames to it, and a lock
on the ``data/`` directory itself for its whole run, so that two accepts never interleave and
only staged files of a dead accept are ever swept.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import IO

try:
    import fcntl
except ImportError:  # not POSIX: no locks, and no concurrent finishing either
    fcntl = None  # type: ignore[assignment]

JOURNAL = ".accept-journal.json"
#: The suffix of the files an accept stages next to their targets.
STAGED_SUFFIX = ".accept-tmp"


def _lock(handle: IO[str], *, wait: bool) -> bool:
    if fcntl is None:
        return True
    try:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
    except BlockingIOError:
        return False
    return True


def _inside(data: Path, relative: str) -> Path | None:
    path = Path(relative)
    if path.is_absolute() or ".." in path.parts:
        return None
    return data / path


class Journal:
    """The renames an accept has committed to, held (and locked) until they are done."""

    def __init__(self, data: Path, moves: Sequence[tuple[Path, Path]]) -> None:
        self.path = data / JOURNAL
        pending = data / (JOURNAL + ".tmp")
        where = Path(os.path.abspath(data))
        entries = [
            [os.path.relpath(os.path.abspath(path), where) for path in (temp, target)]
            for temp, target in moves
        ]
        self._handle = pending.open("w", encoding="utf-8")
        try:
            _lock(self._handle, wait=True)
            self._handle.write(json.dumps({"moves": entries}, indent=1) + "\n")
            self._handle.flush()
            # os.rename, not os.replace: the renames of the files themselves are the ones to
            # watch.
            os.rename(pending, self.path)
        except BaseException:
            self._handle.close()
            pending.unlink(missing_ok=True)
            raise

    def close(self) -> None:
        """The renames are done (or undone): drop the journal and its lock."""
        self.path.unlink(missing_ok=True)
        self._handle.close()


def finish_interrupted_accept(project_root: Path) -> list[Path]:
    """Do the renames an interrupted accept had committed to; return the files put in place."""
    data = project_root / "data"
    journal = data / JOURNAL
    if not journal.is_file():
        return []
    done = []
    with contextlib.ExitStack() as stack:
        try:
            handle = stack.enter_context(journal.open(encoding="utf-8"))
        except FileNotFoundError:
            return []  # the accept has just finished
        if not _lock(handle, wait=False):
            return []  # an accept is writing right now: the renames are its own to do
        try:
            moves = json.loads(handle.read())["moves"]
        except (ValueError, KeyError, TypeError):
            moves = []
        for temp_name, target_name in moves:
            temp, target = _inside(data, temp_name), _inside(data, target_name)
            if temp is not None and target is not None and temp.exists():
                os.replace(temp, target)
                done.append(target)
        journal.unlink(missing_ok=True)
    return done


@contextlib.contextmanager
def accept_lock(data: Path) -> Iterator[None]:
    """Hold the lock of a whole accept; on entry, finish or clear what a killed accept left."""
    data.mkdir(parents=True, exist_ok=True)
    # The directory itself is locked, so that an accept adds no file of its own to data/.
    fd = os.open(data, os.O_RDONLY)
    try:
        if fcntl is not None:
            fcntl.flock(fd, fcntl.LOCK_EX)
        finish_interrupted_accept(data.parent)
        if not (data / JOURNAL).exists():
            for staged in data.rglob(f".*{STAGED_SUFFIX}"):
                if staged.is_file():
                    staged.unlink(missing_ok=True)
        yield
    finally:
        os.close(fd)
