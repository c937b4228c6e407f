"""Settings: each declared once, with its default and help; read from a file and the environment.

Precedence, lowest first: the defaults below, a TOML file (``politiraad.toml`` in the working
directory or the file named by ``POLITIRAAD_CONFIG``), environment variables ``POLITIRAAD_<NAME>``
(upper case), then explicit overrides (command-line flags, test configuration).
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

PROJECT_ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Setting:
    name: str
    default: Any
    help: str
    secret: bool = False


SETTINGS: tuple[Setting, ...] = (
    Setting("data_dir", str(PROJECT_ROOT), "Project folder holding ontology/, shapes/ and data/."),
    Setting("store", "oxigraph", "Store backend: oxigraph (embedded, on disk), memory, or sparql."),
    Setting("store_path", str(PROJECT_ROOT / "var" / "store"), "Folder of the embedded store."),
    Setting("base_iri", "https://w3id.org/politiraad/", "Base of every IRI the project mints."),
    Setting("sparql_query_url", "", "Query URL of a remote SPARQL 1.1 server (store=sparql)."),
    Setting("sparql_update_url", "", "Update URL of the remote server; defaults to the query URL."),
    Setting("sparql_gsp_url", "", "Graph Store Protocol URL of the remote server, if it has one."),
    Setting("sparql_user", "", "User name for the remote server."),
    Setting("sparql_password", "", "Password for the remote server; never logged.", secret=True),
    Setting("query_timeout", 20.0, "Default time limit of a query, in seconds."),
    Setting("query_timeout_max", 60.0, "Hard cap on any query's time limit, in seconds."),
    Setting(
        "query_memory_max",
        1024,
        "Most memory (MiB) a query worker may allocate while it answers a query; past it "
        "the worker is killed and the query gets the timeout answer (503). 0 turns it off. "
        "With store = memory the loaded data counts too.",
    ),
    Setting("row_cap", 10000, "Most rows a public query returns; more are cut and flagged."),
    Setting("max_request_bytes", 1_000_000, "Largest request body the endpoint accepts."),
    Setting("host", "127.0.0.1", "Address the web server listens on."),
    Setting("port", 5000, "Port the web server listens on."),
)

_BY_NAME = {s.name: s for s in SETTINGS}


def _coerce(setting: Setting, value: Any) -> Any:
    kind = type(setting.default)
    if isinstance(value, kind):
        return value
    if kind is bool:
        return str(value).strip().lower() in {"1", "true", "yes", "on"}
    return kind(value)


def load_config(
    overrides: Mapping[str, Any] | None = None,
    *,
    environ: Mapping[str, str] | None = None,
    config_file: Path | None = None,
) -> dict[str, Any]:
    """Return every setting's value after applying file, environment and overrides."""
    env = os.environ if environ is None else environ
    values: dict[str, Any] = {s.name: s.default for s in SETTINGS}
    path = config_file or Path(env.get("POLITIRAAD_CONFIG", "politiraad.toml"))
    if path.is_file():
        with path.open("rb") as handle:
            from_file = tomllib.load(handle)
        for key, value in from_file.items():
            if key not in _BY_NAME:
                raise ValueError(f"{path}: unknown setting {key!r}")
            values[key] = _coerce(_BY_NAME[key], value)
    for setting in SETTINGS:
        raw = env.get("POLITIRAAD_" + setting.name.upper())
        if raw is not None:
            values[setting.name] = _coerce(setting, raw)
    for key, value in (overrides or {}).items():
        if key not in _BY_NAME:
            raise ValueError(f"unknown setting {key!r}")
        if value is not None:
            values[key] = _coerce(_BY_NAME[key], value)
    return values


def redacted(values: Mapping[str, Any]) -> dict[str, Any]:
    """Return the settings with secrets masked, for logs and error messages."""
    return {k: ("***" if _BY_NAME[k].secret and v else v) for k, v in values.items()}
