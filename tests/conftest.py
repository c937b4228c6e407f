"""Shared fixtures: a copy of the project's data to break, and the curated graph."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from rdflib import Graph

from politiraad_graph.build import BuildResult, load_sources
from politiraad_graph.config import PROJECT_ROOT


@pytest.fixture(scope="session")
def project_root() -> Path:
    return PROJECT_ROOT


@pytest.fixture(scope="session")
def curated() -> BuildResult:
    """Every curated file parsed into its named graph (read-only: do not modify)."""
    return load_sources(PROJECT_ROOT)


@pytest.fixture(scope="session")
def curated_union(curated: BuildResult) -> Graph:
    return curated.union()


@pytest.fixture
def project_copy(tmp_path: Path) -> Iterator[Path]:
    """A throw-away copy of ontology/, shapes/ and data/ that a test may corrupt."""
    root = tmp_path / "project"
    for name in ("ontology", "shapes", "data"):
        shutil.copytree(PROJECT_ROOT / name, root / name)
    yield root
