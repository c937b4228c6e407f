"""Settings: declared once, documented, overridable by file and environment."""

from __future__ import annotations

from pathlib import Path

import pytest

from politiraad_graph.config import SETTINGS, load_config, redacted


def test_docs_mention_every_setting(project_root: Path) -> None:
    docs = (project_root / "docs" / "configuration.md").read_text(encoding="utf-8")
    missing = [s.name for s in SETTINGS if f"`{s.name}`" not in docs]
    assert missing == []


def test_file_then_environment_then_overrides(tmp_path: Path) -> None:
    config_file = tmp_path / "politiraad.toml"
    config_file.write_text('store = "memory"\nrow_cap = 5\nport = 8000\n', encoding="utf-8")
    values = load_config(
        {"port": 9000},
        environ={"POLITIRAAD_ROW_CAP": "7"},
        config_file=config_file,
    )
    assert (values["store"], values["row_cap"], values["port"]) == ("memory", 7, 9000)


def test_unknown_setting_in_file_is_an_error(tmp_path: Path) -> None:
    config_file = tmp_path / "politiraad.toml"
    config_file.write_text("stroe = 'memory'\n", encoding="utf-8")
    with pytest.raises(ValueError, match="stroe"):
        load_config(environ={}, config_file=config_file)


def test_secrets_are_redacted() -> None:
    values = load_config({"sparql_password": "hunter2"}, environ={})
    assert "hunter2" not in repr(redacted(values))
