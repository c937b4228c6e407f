"""Build: all or nothing, with errors that name the file, the line and the problem."""

from __future__ import annotations

from pathlib import Path

import pytest

from politiraad_graph.build import InputError, discover, parse_file
from politiraad_graph.cli import main
from politiraad_graph.config import load_config
from politiraad_graph.namespaces import GRAPH
from politiraad_graph.store import checksum, open_store


def _store_checksum(store_path: Path) -> str:
    config = load_config({"store_path": str(store_path)}, environ={})
    store = open_store(config, read_only=True)
    try:
        return checksum(store)
    finally:
        store.close()


@pytest.fixture
def built(project_copy: Path, tmp_path: Path) -> tuple[Path, Path, str]:
    store_path = tmp_path / "store"
    code = main(["build", "--data-dir", str(project_copy), "--store-path", str(store_path)])
    assert code == 0
    return project_copy, store_path, _store_checksum(store_path)


def test_build_loads_one_named_graph_per_meeting(built: tuple[Path, Path, str]) -> None:
    root, store_path, _ = built
    config = load_config({"store_path": str(store_path)}, environ={})
    store = open_store(config, read_only=True)
    names = set(store.graph_names())
    store.close()
    meeting_dates = {p.name[:10] for p in (root / "data" / "meetings").glob("*.ttl")}
    assert names == {
        str(GRAPH.ontology),
        str(GRAPH.reference),
        *(f"{GRAPH}meeting/{d}" for d in meeting_dates),
    }


def test_malformed_turtle_names_file_and_line_and_keeps_the_store(
    built: tuple[Path, Path, str], capsys: pytest.CaptureFixture[str]
) -> None:
    root, store_path, before = built
    victim = sorted((root / "data" / "meetings").glob("*.ttl"))[0]
    lines = victim.read_text(encoding="utf-8").splitlines()
    lines.insert(11, "<meeting/x> pol:broken [ oa:exact ")
    victim.write_text("\n".join(lines) + "\n", encoding="utf-8")
    capsys.readouterr()
    code = main(["build", "--data-dir", str(root), "--store-path", str(store_path)])
    err = capsys.readouterr().err
    assert code == 2
    assert str(victim) in err
    assert f"{victim}:12:" in err or f"{victim}:13:" in err
    assert _store_checksum(store_path) == before


def test_a_violation_stops_the_build_and_keeps_the_store(
    built: tuple[Path, Path, str], capsys: pytest.CaptureFixture[str]
) -> None:
    root, store_path, before = built
    (root / "data" / "meetings" / "2099-01-01.ttl").write_text(
        "@base <https://w3id.org/politiraad/id/> .\n"
        "@prefix pol: <https://w3id.org/politiraad/ontology#> .\n"
        "<meeting/2099-01-01> a pol:Meeting .\n",
        encoding="utf-8",
    )
    code = main(["build", "--data-dir", str(root), "--store-path", str(store_path)])
    out = capsys.readouterr().out
    assert code == 1
    assert "meeting/2099-01-01" in out
    assert _store_checksum(store_path) == before


def test_not_utf8_is_an_input_error(tmp_path: Path) -> None:
    path = tmp_path / "bad.ttl"
    path.write_bytes(b"<a> <b> \xff .\n")
    with pytest.raises(InputError, match=r"bad\.ttl: not UTF-8"):
        parse_file(path)


def test_meeting_files_must_start_with_a_date(project_copy: Path) -> None:
    (project_copy / "data" / "meetings" / "notes.ttl").write_text("", encoding="utf-8")
    with pytest.raises(InputError, match="must start with its date"):
        discover(project_copy)


def test_missing_store_gets_a_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["query", "cq01", "--store-path", str(tmp_path / "nowhere")])
    assert code == 2
    assert "politiraad build" in capsys.readouterr().err
