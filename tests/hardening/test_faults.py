"""Faults: a build killed at any moment leaves a usable store; a broken store says what to do."""

from __future__ import annotations

import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from politiraad_graph.config import PROJECT_ROOT, load_config
from politiraad_graph.store import StoreError, checksum, open_store
from politiraad_graph.store.oxigraph import current_generation

CLI = [sys.executable, "-m", "politiraad_graph.cli"]


def _build(store_path: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [*CLI, "build", "--store-path", str(store_path)],
        cwd=PROJECT_ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _checksum(store_path: Path) -> str:
    store = open_store(load_config({"store_path": str(store_path)}, environ={}), read_only=True)
    try:
        return checksum(store)
    finally:
        store.close()


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    store_path = tmp_path_factory.mktemp("faults") / "store"
    done = subprocess.run(
        [*CLI, "build", "--store-path", str(store_path)],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return store_path, _checksum(store_path)


def test_build_killed_at_random_moments_leaves_a_usable_store(built: tuple[Path, str]) -> None:
    store_path, before = built
    timing = random.Random(20261127)
    started = time.monotonic()
    process = _build(store_path)
    assert process.wait(timeout=120) == 0
    full = time.monotonic() - started
    for _ in range(6):
        process = _build(store_path)
        time.sleep(timing.uniform(0.0, full))
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
        # Whether the kill came before or after the switch, the store is whole and the same data.
        assert _checksum(store_path) == before
    again = _build(store_path)
    assert again.wait(timeout=120) == 0
    assert _checksum(store_path) == before


def test_a_corrupt_store_gets_a_clear_error_and_build_recovers(
    built: tuple[Path, str], tmp_path: Path
) -> None:
    store_path = tmp_path / "store"
    shutil.copytree(built[0], store_path, symlinks=True)
    generation = current_generation(store_path)
    assert generation is not None
    for child in generation.iterdir():
        if child.is_file():
            child.write_bytes(b"\0garbage")
    done = subprocess.run(
        [*CLI, "query", "cq01", "--store-path", str(store_path)],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert "politiraad build" in done.stderr
    assert "Traceback" not in done.stderr
    rebuilt = _build(store_path)
    assert rebuilt.wait(timeout=120) == 0
    assert _checksum(store_path) == built[1]


def test_a_missing_store_says_how_to_create_it(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="politiraad build"):
        config = load_config({"store_path": str(tmp_path / "none")}, environ={})
        open_store(config, read_only=True).count()
