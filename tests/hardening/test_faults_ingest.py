"""Faults in ``ingest --force`` and what a killed ``accept`` leaves behind.

- ``ingest --force`` killed at its worst moments (right after the atomic exchange; or, on a
  system without one, between moving the old draft aside and moving the new one in) leaves a
  whole draft folder under the meeting's name -- at once, or after the next ``ingest`` has put
  the old one back -- and no leftovers once a later ingest has run.
- Staged files of an ``accept`` killed before its journal existed are swept by the next one.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from politiraad_graph.config import PROJECT_ROOT

MINUTES = PROJECT_ROOT / "tests" / "data" / "ingest" / "politirad_navn_rolle_org.txt"
KEY = "2024-03-15"
CLI = [sys.executable, "-m", "politiraad_graph.cli"]
#: Run the command line with ``swap.exchange`` either working and followed by SIGKILL
#: ("exchange") or unavailable, with SIGKILL right after the first ``os.replace`` ("aside").
KILLER = """
import os, signal, sys
from politiraad_graph import swap
how = sys.argv[1]
real_replace, real_exchange = os.replace, swap.exchange
def replace(source, target, *args, **kwargs):
    real_replace(source, target, *args, **kwargs)
    if how == "aside":
        os.kill(os.getpid(), signal.SIGKILL)
def exchange(first, second):
    if how == "aside":
        return False
    done = real_exchange(first, second)
    os.kill(os.getpid(), signal.SIGKILL)
    return done
os.replace, swap.exchange = replace, exchange
from politiraad_graph.cli import main
sys.exit(main(sys.argv[2:]))
"""


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*CLI, *args], cwd=cwd, capture_output=True, text=True, timeout=180, check=False
    )


def digest(folder: Path) -> dict[str, str]:
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.iterdir())
        if p.is_file()
    }


@pytest.fixture()
def project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    for name in ("ontology", "shapes", "data"):
        shutil.copytree(PROJECT_ROOT / name, root / name, ignore=shutil.ignore_patterns("drafts"))
    return root


def ingest(root: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return run("ingest", str(MINUTES), "--out", "data/drafts", "--data-dir", ".", *extra, cwd=root)


def plant_old_draft(root: Path) -> dict[str, str]:
    """A first draft, marked so that it differs from what a new ingest writes."""
    done = ingest(root)
    assert done.returncode == 0, done.stderr
    draft = root / "data" / "drafts" / KEY
    record = json.loads((draft / "ingest.json").read_text(encoding="utf-8"))
    record["note"] = "the draft an archivist had been reviewing"
    (draft / "ingest.json").write_text(json.dumps(record), encoding="utf-8")
    return digest(draft)


@pytest.mark.parametrize("how", ["exchange", "aside"])
def test_ingest_force_killed_while_swapping_leaves_a_whole_draft(project: Path, how: str) -> None:
    old = plant_old_draft(project)
    drafts = project / "data" / "drafts"
    args = ["ingest", str(MINUTES), "--out", "data/drafts", "--data-dir", ".", "--force"]
    killed = subprocess.run(
        [sys.executable, "-c", KILLER, how, *args],
        cwd=project,
        capture_output=True,
        timeout=180,
        check=False,
    )
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    if how == "exchange":
        # One atomic step: the new draft is in place, whole.
        new = digest(drafts / KEY)
        assert new != old and "ingest.json" in new
    else:
        # Killed with the old draft moved aside: nothing under the meeting's name yet ...
        assert not (drafts / KEY).exists()
    # ... and the next ingest (without --force) puts the old one back before it decides.
    again = ingest(project)
    assert again.returncode != 0
    assert "exists already" in again.stderr
    if how == "aside":
        assert digest(drafts / KEY) == old
    # Whatever the moment, no hidden leftovers stay once a later ingest has run.
    assert [p.name for p in drafts.iterdir()] == [KEY]


def test_ingest_force_replaces_a_draft_whole(project: Path) -> None:
    old = plant_old_draft(project)
    done = ingest(project, "--force")
    assert done.returncode == 0, done.stderr
    drafts = project / "data" / "drafts"
    new = digest(drafts / KEY)
    assert new != old and set(new) == set(old)
    assert [p.name for p in drafts.iterdir()] == [KEY]


def test_staged_files_of_an_accept_killed_early_are_swept(project: Path) -> None:
    assert ingest(project).returncode == 0
    meetings = project / "data" / "meetings"
    # What an accept killed after staging, before its journal, leaves: a hidden staged file.
    staged = meetings / f".{KEY}.ttl.k1ll3d00.accept-tmp"
    staged.write_text("@prefix broken", encoding="utf-8")
    done = run("accept", f"data/drafts/{KEY}", "--data-dir", ".", cwd=project)
    assert done.returncode == 0, done.stderr
    assert not staged.exists()
    leftovers = [p for p in (project / "data").rglob("*accept-tmp*")]
    assert leftovers == []
    assert (meetings / f"{KEY}.ttl").is_file()
    hidden = [p for p in (project / "data").rglob(".*") if "drafts" not in p.parts]
    assert hidden == []
