"""Faults beyond a killed build: ``accept`` and ``publish`` killed with SIGKILL, and a rebuild under
a live server.

- ``accept`` of a reviewed draft, killed at random moments (and at the worst one: between two of
  its renames): ``data/`` is always either as it was or wholly accepted -- at once, or after the
  next command that reads ``data/`` has finished the journalled renames -- and it validates.
- ``publish`` of a new version killed at random moments leaves the previous release byte for
  byte as it was (its SHA256SUMS checks), no half release in sight, and a later publish works
  and compares with the previous release; re-publishing a version killed at the moment it
  replaces the old copy leaves a whole release under that name.
- ``politiraad build`` into the store a live server reads, twice: every request during the
  rebuilds is answered 200, once a request has seen the new data no later one sees the old, and
  afterwards the new data is served -- pages, SPARQL, search -- without a restart.
"""

from __future__ import annotations

import hashlib
import json
import random
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import make_sparql_app, serve_app

from hardening.support import Reply, record, server_getter
from politiraad_graph.config import PROJECT_ROOT
from politiraad_graph.ingest.drafts import ingest_file

CLI = [sys.executable, "-m", "politiraad_graph.cli"]
MINUTES = PROJECT_ROOT / "tests" / "data" / "ingest" / "politirad_navn_rolle_org.txt"
TIMING = random.Random(20261128)
#: Run the command line, but SIGKILL the process right after its n-th ``os.replace`` ("replace"),
#: right after the release swap's atomic exchange ("exchange"), or after the n-th ``os.replace``
#: on a system without the exchange ("no-exchange").
KILLER = """
import os, signal, sys
from politiraad_graph import swap
after, how = int(sys.argv[1]), sys.argv[2]
real_replace, real_exchange, count = os.replace, swap.exchange, [0]
def replace(source, target, *args, **kwargs):
    real_replace(source, target, *args, **kwargs)
    count[0] += 1
    if how in ("replace", "no-exchange") and count[0] == after:
        os.kill(os.getpid(), signal.SIGKILL)
def exchange(first, second):
    if how == "no-exchange":
        return False
    done = real_exchange(first, second)
    if how == "exchange":
        os.kill(os.getpid(), signal.SIGKILL)
    return done
os.replace, swap.exchange = replace, exchange
from politiraad_graph.cli import main
sys.exit(main(sys.argv[3:]))
"""


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*CLI, *args], cwd=cwd, capture_output=True, text=True, timeout=180, check=False
    )


def killed_at_random(args: list[str], cwd: Path, seconds: float) -> int:
    """Start a command that takes about ``seconds``, SIGKILL it at a random moment; its exit code.

    The moments lean to the end, where the writing happens (the start is reading and checking),
    and a few fall after the end, where there is nothing left to kill.
    """
    process = subprocess.Popen(
        [*CLI, *args], cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    time.sleep(TIMING.uniform(0.3, 1.15) * seconds)
    process.send_signal(signal.SIGKILL)
    return process.wait(timeout=60)


def killed_at(after: int, how: str, args: list[str], cwd: Path) -> int:
    done = subprocess.run(
        [sys.executable, "-c", KILLER, str(after), how, *args],
        cwd=cwd,
        capture_output=True,
        timeout=180,
        check=False,
    )
    return done.returncode


def snapshot(root: Path) -> dict[str, str]:
    """The files of ``data/`` that commands read (not drafts, not hidden files) and their hashes."""
    data = root / "data"
    return {
        p.relative_to(data).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(data.rglob("*"))
        if p.is_file()
        and "drafts" not in p.relative_to(data).parts
        and not any(part.startswith(".") for part in p.relative_to(data).parts)
    }


# --- accept -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AcceptStates:
    pristine: Path  # a project with a reviewed draft, not yet accepted
    before: dict[str, str]
    after: dict[str, str]
    seconds: float


@pytest.fixture(scope="module")
def accept_states(tmp_path_factory: pytest.TempPathFactory) -> AcceptStates:
    pristine = tmp_path_factory.mktemp("accept") / "project"
    for name in ("ontology", "shapes", "data"):
        shutil.copytree(PROJECT_ROOT / name, pristine / name)
    ingest_file(MINUTES, out_dir=pristine / "data" / "drafts", project_root=pristine)
    reference = tmp_path_factory.mktemp("accept-ref") / "project"
    shutil.copytree(pristine, reference)
    started = time.monotonic()
    done = run("accept", "data/drafts/2024-03-15", "--data-dir", ".", cwd=reference)
    seconds = time.monotonic() - started
    assert done.returncode == 0, done.stderr
    # The accepted data is usable: it validates.
    validated = run("validate", "--data-dir", ".", cwd=reference)
    assert validated.returncode == 0, validated.stdout[-2000:]
    return AcceptStates(pristine, snapshot(pristine), snapshot(reference), seconds)


def fresh(states: AcceptStates, tmp_path: Path, name: str) -> Path:
    root = tmp_path / name
    shutil.copytree(states.pristine, root)
    return root


def test_accept_killed_at_random_moments_is_all_or_nothing(
    accept_states: AcceptStates, tmp_path: Path
) -> None:
    assert accept_states.before != accept_states.after
    outcomes = []
    for attempt in range(4):
        root = fresh(accept_states, tmp_path, f"try{attempt}")
        code = killed_at_random(
            ["accept", "data/drafts/2024-03-15", "--data-dir", "."], root, accept_states.seconds
        )
        now = snapshot(root)
        # Whatever the moment, data/ is one of the two states or a journalled accept that the
        # next reader finishes.
        if now not in (accept_states.before, accept_states.after):
            assert (root / "data" / ".accept-journal.json").is_file(), code
            assert run("validate", "--data-dir", ".", cwd=root).returncode == 0
        # Both states are usable: the curated data, and the accepted data (validated above).
        assert snapshot(root) in (accept_states.before, accept_states.after)
        outcomes.append("after" if snapshot(root) == accept_states.after else "before")
    record("faults-accept", kills=len(outcomes), outcomes=outcomes, seconds=accept_states.seconds)
    # And where the kill came first, the accept can simply be run again.
    root = tmp_path / f"try{outcomes.index('before')}" if "before" in outcomes else None
    if root is not None:
        done = run("accept", "data/drafts/2024-03-15", "--data-dir", ".", cwd=root)
        assert done.returncode == 0, done.stderr
        assert snapshot(root) == accept_states.after


@pytest.mark.parametrize("after", [1, 2, 3])
def test_accept_killed_between_its_renames_is_finished_by_the_next_command(
    accept_states: AcceptStates, tmp_path: Path, after: int
) -> None:
    root = fresh(accept_states, tmp_path, "between")
    code = killed_at(
        after, "replace", ["accept", "data/drafts/2024-03-15", "--data-dir", "."], root
    )
    assert code == -signal.SIGKILL
    assert snapshot(root) not in (accept_states.before, accept_states.after)
    assert (root / "data" / ".accept-journal.json").is_file()
    # The next command that reads data/ (here: accept again) finishes the accept first.
    again = run("accept", "data/drafts/2024-03-15", "--data-dir", ".", cwd=root)
    assert "in data/ already" in again.stderr, again.stderr
    assert snapshot(root) == accept_states.after
    assert not (root / "data" / ".accept-journal.json").exists()


# --- publish ------------------------------------------------------------------------------------


def verify(release: Path) -> None:
    """Every file of a release is there and has the bytes its SHA256SUMS says; nothing else."""
    listed = {}
    for line in (release / "SHA256SUMS").read_text(encoding="utf-8").splitlines():
        digest, name = line.split("  ", 1)
        listed[name] = digest
    present = {
        p.relative_to(release).as_posix()
        for p in release.rglob("*")
        if p.is_file() and p.name != "SHA256SUMS"
    }
    assert present == set(listed)
    for name, digest in listed.items():
        assert hashlib.sha256((release / name).read_bytes()).hexdigest() == digest, name


def visible_releases(out: Path) -> list[str]:
    return sorted(p.name for p in (out / "release").iterdir() if not p.name.startswith("."))


def publish_args(out: Path, version: str) -> list[str]:
    return ["publish", "--out", str(out), "--version", version, "--data-dir", ".", "--no-site"]


@pytest.fixture
def released(project_copy: Path, tmp_path: Path) -> Iterator[tuple[Path, Path, float]]:
    out = tmp_path / "out"
    started = time.monotonic()
    done = run(*publish_args(out, "v1"), "--quiet", cwd=project_copy)
    assert done.returncode == 0, done.stderr
    yield project_copy, out, time.monotonic() - started


def test_publish_killed_at_random_moments_leaves_the_previous_release(
    released: tuple[Path, Path, float],
) -> None:
    root, out, seconds = released
    v1 = out / "release" / "v1"
    verify(v1)
    before = (v1 / "SHA256SUMS").read_bytes()
    states = []
    for _ in range(4):
        killed_at_random([*publish_args(out, "v2"), "--quiet"], root, seconds)
        states.append(visible_releases(out))
        verify(v1)
        assert (v1 / "SHA256SUMS").read_bytes() == before
        assert visible_releases(out) in (["v1"], ["v1", "v2"])
        if (out / "release" / "v2").exists():
            verify(out / "release" / "v2")
    done = run(*publish_args(out, "v2"), cwd=root)
    assert done.returncode == 0, done.stderr
    verify(out / "release" / "v2")
    assert json.loads((out / "release" / "v2" / "release.json").read_text())["version"] == "v2"
    assert "since v1" in done.stderr + done.stdout
    compared = run("diff", str(v1), str(out / "release" / "v2"), cwd=root)
    assert compared.returncode in {0, 1}, compared.stderr
    record("faults-publish", kills=len(states), releases_after_each=states, seconds=seconds)


@pytest.mark.parametrize("how", ["exchange", "no-exchange"])
def test_republishing_killed_while_replacing_keeps_a_whole_release(
    released: tuple[Path, Path, float], how: str
) -> None:
    root, out, _ = released
    v1 = out / "release" / "v1"
    # "exchange": killed right after the atomic swap; "no-exchange": on a system without one,
    # killed between moving the old copy aside and moving the new one in.
    code = killed_at(1, how, publish_args(out, "v1"), root)
    assert code == -signal.SIGKILL
    if how == "exchange":
        verify(v1)
    else:
        assert not v1.exists()  # the window the fallback leaves ...
        done = run(*publish_args(out, "v2"), "--quiet", cwd=root)
        assert done.returncode == 0, done.stderr
        verify(v1)  # ... is closed by the next publish, which puts the old copy back
        assert visible_releases(out) == ["v1", "v2"]


# --- a rebuild under a live server --------------------------------------------------------------

LABEL = 'skos:prefLabel "Rune Alstadsæter"'
ASK_LABEL = (
    "SELECT ?label WHERE { <https://w3id.org/politiraad/id/person/rune-alstadsaeter> "
    "<http://www.w3.org/2004/02/skos/core#prefLabel> ?label }"
)


def relabel(root: Path, old: str, new: str) -> None:
    people = root / "data" / "reference" / "people.ttl"
    text = people.read_text(encoding="utf-8")
    assert old in text
    people.write_text(text.replace(old, new), encoding="utf-8")


def test_the_server_serves_the_old_store_during_a_rebuild_then_the_new(
    project_copy: Path, tmp_path: Path
) -> None:
    from webapp import queries

    store = tmp_path / "store"
    assert (
        run("build", "--data-dir", ".", "--store-path", str(store), cwd=project_copy).returncode
        == 0
    )
    app = make_sparql_app(store, data_dir=str(project_copy), query_timeout=10.0)
    paths = [
        "/page/person/rune-alstadsaeter",
        "/sparql?" + urllib.parse.urlencode({"query": ASK_LABEL}),
        "/data/person/rune-alstadsaeter.ttl",
        "/search?q=Alstads%C3%A6ter",
        "/page/meeting/2025-10-13",
        "/api/search?q=Rune",
    ]
    log: list[tuple[float, float, str, Reply]] = []
    stop = threading.Event()

    def client(base: str) -> None:
        get = server_getter(base)
        index = 0
        while not stop.is_set():
            path = paths[index % len(paths)]
            started = time.monotonic()
            reply = get(path)
            log.append((started, time.monotonic(), path, reply))
            index += 1

    try:
        with serve_app(app) as server:
            threads = [threading.Thread(target=client, args=(server.base,)) for _ in range(2)]
            for thread in threads:
                thread.start()
            time.sleep(1.0)
            relabel(project_copy, LABEL, 'skos:prefLabel "Rune Alstadsæter Rebuilt"')
            first = run("build", "--data-dir", ".", "--store-path", str(store), cwd=project_copy)
            time.sleep(0.5)
            relabel(project_copy, "Alstadsæter Rebuilt", "Alstadsæter Twice")
            second = run("build", "--data-dir", ".", "--store-path", str(store), cwd=project_copy)
            time.sleep(1.0)
            stop.set()
            for thread in threads:
                thread.join(timeout=30)
            assert first.returncode == 0 and second.returncode == 0, first.stderr + second.stderr
            # After the rebuilds, without a restart: the new data everywhere.
            get = server_getter(server.base)
            assert "Rune Alstadsæter Twice" in get(paths[0]).text
            assert "Rune Alstadsæter Twice" in get(paths[1]).text
            assert "Twice" in get(paths[2]).text
            assert "Twice" in get("/search?q=Twice").text
            assert "Twice" in get("/api/search?q=Twice").text
    finally:
        queries.close(app)
    failed = [
        (path, reply.status, reply.text[:200]) for _, _, path, reply in log if reply.status != 200
    ]
    assert failed == []
    assert len(log) > 50
    # The switch is atomic: once an answer showed a newer label, no request started later shows
    # an older one.
    order = {'Rune Alstadsæter"': 0, "Rebuilt": 1, "Twice": 2}
    answers = sorted(
        (started, ended, next(v for k, v in order.items() if k in reply.text))
        for started, ended, path, reply in log
        if path == paths[1]
    )
    seen = [(ended, level) for _, ended, level in answers]
    for started, _, level in answers:
        newest_before = max((lv for end, lv in seen if end < started), default=0)
        assert level >= newest_before
    assert {level for _, _, level in answers} >= {0, 2}
    record(
        "faults-rebuild",
        requests=len(log),
        failed=len(failed),
        slowest_ms=round(max(e - s for s, e, _, _ in log) * 1000),
    )
