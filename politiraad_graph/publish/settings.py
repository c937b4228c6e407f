"""Deployment settings of a release: where it is served, who publishes it, under what licence.

Each setting is declared once, with its default and help, as the project's own settings are
(:mod:`politiraad_graph.config`). Precedence, lowest first: the defaults below, a TOML file
(``--config FILE``, or ``publish.toml`` in the working directory, or the file named by
``POLITIRAAD_PUBLISH_CONFIG``), environment variables ``POLITIRAAD_<NAME>`` (upper case, e.g.
``POLITIRAAD_PUBLISH_LICENCE``), then command-line flags.

The publisher defaults to Oslo kommune by its organisation number; that is a deployment setting
to confirm (see ``docs/publishing.md``), not a fact the data states.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from politiraad_graph.config import Setting

LICENCES: dict[str, dict[str, str]] = {
    "nlod-2.0": {
        "iri": "http://publications.europa.eu/resource/authority/licence/NLOD_2_0",
        "page": "https://data.norge.no/nlod/no/2.0",
        "label_nb": "Norsk lisens for offentlige data (NLOD) 2.0",
        "label_en": "Norwegian Licence for Open Government Data (NLOD) 2.0",
        "short": "NLOD 2.0",
    },
    "cc-by-4.0": {
        "iri": "http://publications.europa.eu/resource/authority/licence/CC_BY_4_0",
        "page": "https://creativecommons.org/licenses/by/4.0/",
        "label_nb": "Creative Commons Navngivelse 4.0 Internasjonal",
        "label_en": "Creative Commons Attribution 4.0 International",
        "short": "CC BY 4.0",
    },
}
"""The licences a release may carry, by the key ``publish_licence`` takes."""

PUBLISH_SETTINGS: tuple[Setting, ...] = (
    Setting(
        "publish_base_url",
        "https://w3id.org/politiraad/",
        "Where releases are served: files of a release are at {base}release/<version>/.",
    ),
    Setting(
        "publish_sparql_endpoint",
        "",
        "URL of the public SPARQL endpoint; empty means {publish_base_url}sparql.",
    ),
    Setting("publish_licence", "nlod-2.0", "Licence of the data: nlod-2.0 or cc-by-4.0."),
    Setting(
        "publish_publisher_uri",
        "https://data.brreg.no/enhetsregisteret/api/enheter/958935420",
        "Publisher, by organisation-number URI in Enhetsregisteret (default Oslo kommune).",
    ),
    Setting("publish_publisher_name", "Oslo kommune", "Name of the publisher."),
    Setting(
        "publish_publisher_type",
        "http://purl.org/adms/publishertype/LocalAuthority",
        "Kind of publisher, from the ADMS publisher-type list.",
    ),
    Setting("publish_contact_name", "Oslo kommune", "Name of the contact point for the data."),
    Setting("publish_contact_email", "", "E-mail address of the contact point (none if empty)."),
    Setting(
        "publish_contact_url",
        "https://www.oslo.kommune.no/",
        "Web page of the contact point (none if empty).",
    ),
)

_BY_NAME = {s.name: s for s in PUBLISH_SETTINGS}


@dataclass(frozen=True)
class PublishSettings:
    """The resolved deployment settings of one release."""

    base_url: str
    sparql_endpoint: str
    licence: str
    publisher_uri: str
    publisher_name: str
    publisher_type: str
    contact_name: str
    contact_email: str
    contact_url: str

    @property
    def publisher_id(self) -> str:
        """The organisation number at the end of the publisher URI, if it has one.

        >>> defaults().publisher_id
        '958935420'
        """
        found = re.search(r"(\d{9})/?$", self.publisher_uri)
        return found.group(1) if found else self.publisher_uri

    @property
    def licence_info(self) -> dict[str, str]:
        return LICENCES[self.licence]

    def release_url(self, version: str) -> str:
        return f"{self.base_url}release/{version}/"


class SettingsError(ValueError):
    """A setting with a value that cannot be used; the message names it."""


def defaults() -> PublishSettings:
    return load_publish_settings(environ={}, config_file=Path("/nonexistent"))


def load_publish_settings(
    overrides: Mapping[str, Any] | None = None,
    *,
    environ: Mapping[str, str] | None = None,
    config_file: Path | None = None,
) -> PublishSettings:
    """Resolve the publish settings from defaults, file, environment and overrides."""
    env = os.environ if environ is None else environ
    values: dict[str, Any] = {s.name: s.default for s in PUBLISH_SETTINGS}
    path = config_file or Path(env.get("POLITIRAAD_PUBLISH_CONFIG", "publish.toml"))
    if path.is_file():
        with path.open("rb") as handle:
            try:
                found = tomllib.load(handle)
            except tomllib.TOMLDecodeError as error:
                raise SettingsError(f"{path}: {error}") from error
        for key, value in found.items():
            if key not in _BY_NAME:
                raise SettingsError(f"{path}: unknown setting {key!r}")
            values[key] = str(value)
    for setting in PUBLISH_SETTINGS:
        raw = env.get("POLITIRAAD_" + setting.name.upper())
        if raw is not None:
            values[setting.name] = raw
    for key, value in (overrides or {}).items():
        if key not in _BY_NAME:
            raise SettingsError(f"unknown setting {key!r}")
        if value is not None:
            values[key] = str(value)
    return _resolve(values)


def _resolve(values: Mapping[str, Any]) -> PublishSettings:
    base = str(values["publish_base_url"]).strip()
    if not re.match(r"^https?://[^/]+(/.*)?$", base):
        raise SettingsError(f"publish_base_url must be an http(s) URL, got {base!r}")
    if not base.endswith("/"):
        base += "/"
    licence = str(values["publish_licence"]).strip().lower()
    if licence not in LICENCES:
        raise SettingsError(
            f"publish_licence must be one of {', '.join(LICENCES)}, got {licence!r}"
        )
    for name in ("publish_publisher_uri", "publish_publisher_type"):
        if not re.match(r"^https?://\S+$", str(values[name])):
            raise SettingsError(f"{name} must be an http(s) URI, got {values[name]!r}")
    email = str(values["publish_contact_email"]).strip().removeprefix("mailto:")
    if email and not re.match(r"^[^@\s]+@[^@\s]+$", email):
        raise SettingsError(f"publish_contact_email is not an e-mail address: {email!r}")
    return PublishSettings(
        base_url=base,
        sparql_endpoint=str(values["publish_sparql_endpoint"]).strip() or base + "sparql",
        licence=licence,
        publisher_uri=str(values["publish_publisher_uri"]).strip(),
        publisher_name=str(values["publish_publisher_name"]).strip(),
        publisher_type=str(values["publish_publisher_type"]).strip(),
        contact_name=str(values["publish_contact_name"]).strip(),
        contact_email=email,
        contact_url=str(values["publish_contact_url"]).strip(),
    )
