"""Put a finished directory in place of an older one so that a reader, or a kill, never sees
neither.

Drafts and releases are written whole into a hidden sibling and then swapped in. Where Linux
offers ``renameat2(RENAME_EXCHANGE)`` the swap is one atomic step. Elsewhere the old directory is
moved aside first (``.NAME.old-PID``) and :func:`restore` puts it back if the process died before
the new one was in place; every command that writes such a folder calls it first.
"""

from __future__ import annotations

import ctypes
import errno
import os
import shutil
import sys
from pathlib import Path


def exchange(first: Path, second: Path) -> bool:
    """Swap two directories in one atomic step (Linux ``renameat2(RENAME_EXCHANGE)``).

    Return False where the system cannot (another OS, an old kernel or a file system without
    it); raise OSError for any other failure.
    """
    if not sys.platform.startswith("linux"):
        return False
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    if renameat2(at_fdcwd, os.fsencode(first), at_fdcwd, os.fsencode(second), rename_exchange):
        error = ctypes.get_errno()
        if error in {errno.ENOSYS, errno.EINVAL, errno.EPERM}:
            return False
        raise OSError(error, os.strerror(error), str(second))
    return True


def aside_name(target: Path) -> Path:
    """Where :func:`swap_in` moves ``target`` while it has no atomic exchange."""
    return target.with_name(f".{target.name}.old-{os.getpid()}")


def swap_in(work: Path, target: Path) -> None:
    """Move the finished ``work`` directory to ``target``, replacing an older copy whole."""
    if not target.exists():
        os.replace(work, target)
        return
    if exchange(work, target):
        shutil.rmtree(work, ignore_errors=True)  # it holds the old copy now
        return
    old = aside_name(target)
    os.replace(target, old)
    os.replace(work, target)
    shutil.rmtree(old, ignore_errors=True)


def restore(folder: Path, *, marker: str) -> list[Path]:
    """Put back directories that a killed :func:`swap_in` had moved aside and not replaced.

    ``marker`` names a file that a complete copy holds, so that a half-deleted leftover is
    never put back. Leftovers whose target exists again are deleted. Returns what was restored.
    """
    restored = []
    if not folder.is_dir():
        return restored
    for old in sorted(folder.glob(".*.old-*")):
        target = folder / old.name[1:].rpartition(".old-")[0]
        if not target.exists() and (old / marker).is_file():
            os.replace(old, target)
            restored.append(target)
        elif target.exists():
            shutil.rmtree(old, ignore_errors=True)
    return restored


def work_dir(folder: Path, name: str) -> Path:
    """A fresh hidden directory in ``folder`` to write ``name`` into before :func:`swap_in`.

    The name carries the process id, so that :func:`sweep` can tell a dead writer's leftover
    from a live writer's work.
    """
    work = folder / f".{name}.new-{os.getpid()}"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    return work


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def sweep(folder: Path) -> list[Path]:
    """Delete the work directories of writers that died before they swapped them in."""
    removed = []
    if not folder.is_dir():
        return removed
    for work in sorted(folder.glob(".*.new-*")):
        pid = work.name.rpartition(".new-")[2]
        if work.is_dir() and pid.isdigit() and int(pid) != os.getpid() and not _alive(int(pid)):
            shutil.rmtree(work, ignore_errors=True)
            removed.append(work)
    return removed
