"""Text from the data renders inert: planted markup never becomes markup, on any page or in JSON-LD.

A copy of the project's data gets literals that try to open a script, close the JSON-LD script,
or break out of an attribute; every page type is then rendered and parsed. Nothing but the one
JSON-LD data block may be a script, no element may carry an event handler, and the planted text
must still be there as text.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import xml.etree.ElementTree as ET
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from politiraad_graph.config import PROJECT_ROOT

SCRIPT = "<script>alert('xss-1')</script>"
ATTRIBUTE = '"><img src=x onerror=alert(2)>'
CLOSE = "</script><script>alert(3)</script>"
PAYLOADS = (SCRIPT, ATTRIBUTE, CLOSE)


def turtle(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')


def plant(root: Path) -> None:
    """Put the payloads into labels, titles, summaries, quotes, notes and a source text."""

    def edit(relative: str, old: str, new: str) -> None:
        path = root / relative
        content = path.read_text(encoding="utf-8")
        assert old in content, f"{old!r} not in {relative}"
        path.write_text(content.replace(old, new), encoding="utf-8")

    edit(
        "data/reference/people.ttl",
        'skos:prefLabel "Rune Alstadsæter"',
        f'skos:prefLabel "Rune {turtle(SCRIPT)} Alstadsæter"',
    )
    edit(
        "data/reference/topics.ttl",
        '"Barn og unge i kriminalitet"@nb',
        f'"Barn og unge {turtle(CLOSE)} i kriminalitet"@nb',
    )
    edit(
        "data/reference/organisations.ttl",
        '"Oslo politidistrikt"@nb',
        f'"Oslo politidistrikt {turtle(ATTRIBUTE)}"@nb',
    )
    edit(
        "data/reference/places.ttl",
        'skos:prefLabel "Mortensrud"@nb',
        f'skos:prefLabel "Mortensrud {turtle(SCRIPT)}"@nb',
    )
    edit(
        "data/reference/programmes.ttl",
        '"SaLTo handlingsprogram 2023–2025"@nb',
        f'"SaLTo handlingsprogram {turtle(CLOSE)} 2023–2025"@nb',
    )
    edit(
        "data/meetings/2026-01-29.ttl",
        '"Politiet har utarbeidet en rapport',
        f'"{turtle(ATTRIBUTE)} Politiet har utarbeidet en rapport',
    )
    edit(
        "data/meetings/2025-10-13.ttl",
        'dcterms:title "Ekstraordinært møte i Politirådet i Oslo 13.10.2025"@nb',
        f'dcterms:title "Ekstraordinært møte {turtle(ATTRIBUTE)} 13.10.2025"@nb',
    )
    edit(
        "data/meetings/2023-01-13.ttl",
        'dcterms:title "Status for politiets innsats i utsatte områder"@nb',
        f'dcterms:title "Status {turtle(SCRIPT)} for innsats i utsatte områder"@nb ;\n'
        f'    skos:editorialNote "{turtle(CLOSE)}"@en',
    )
    edit(
        "data/reference/topics.ttl",
        'oa:exact "Ungdom, rus og forebygging"',
        f'oa:exact "Ungdom, rus {turtle(SCRIPT)} og forebygging"',
    )
    # The source text itself: add the payloads after the last passage and keep the checksum.
    source = root / "data/sources/2025-10-13_referat_ekstraordinaert_mote.txt"
    raw = source.read_bytes() + ("\n" + "\n".join(PAYLOADS) + "\n").encode("utf-8")
    source.write_bytes(raw)
    meeting = root / "data/meetings/2025-10-13.ttl"
    content = meeting.read_text(encoding="utf-8")
    content = re.sub(
        r'(<source/2025-10-13> a pol:SourceDocument ;.*?pol:sha256 ")[0-9a-f]+(")',
        lambda m: m.group(1) + hashlib.sha256(raw).hexdigest() + m.group(2),
        content,
        flags=re.DOTALL,
    )
    meeting.write_text(content, encoding="utf-8")


@pytest.fixture(scope="module")
def xss_app(
    tmp_path_factory: pytest.TempPathFactory, pages_app_factory: Callable[[Path], Flask]
) -> Flask:
    root = tmp_path_factory.mktemp("xss") / "project"
    for name in ("ontology", "shapes", "data"):
        shutil.copytree(PROJECT_ROOT / name, root / name)
    plant(root)
    return pages_app_factory(root)


@pytest.fixture
def xss_client(xss_app: Flask) -> FlaskClient:
    """A fresh client per test, so a language cookie from one test does not leak into another."""
    return xss_app.test_client()


class Elements(HTMLParser):
    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[str] = []
        self.text: list[str] = []
        self._in_script = False
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag == "script":
            self._in_script = True
            self.scripts.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.scripts[-1] += data
        else:
            self.text.append(data)


PAGES = [
    "/",
    "/meetings",
    "/topics",
    "/people",
    "/organisations",
    "/places",
    "/programmes",
    "/followups",
    "/page/meeting/2025-10-13",
    "/page/meeting/2023-01-13",
    "/page/meeting/2026-01-29",
    "/page/source/2025-10-13",
    "/page/person/rune-alstadsaeter",
    "/page/organisation/opd",
    "/page/programme/salto",
    "/page/plan/salto-handlingsprogram-2023-2025",
    "/page/topic/children-and-youth-in-crime",
    "/page/topic/youth-drugs-and-prevention",
    "/page/followup/2025-4",
    "/page/place/mortensrud",
    "/page/meeting/2023-01-13/item/9",
    "/page/post/opd-kommunikasjonsdirektor",
    "/search?q=Rune",
    "/search?q=Mortensrud",
    "/search?q=" + SCRIPT,
    "/search?q=" + ATTRIBUTE,
    "/search?q=ungdom&topic=" + CLOSE,
    "/page/meeting/2025-10-13?lang=en",
]


@pytest.mark.parametrize("url", PAGES)
def test_planted_markup_is_inert(xss_client: FlaskClient, url: str) -> None:
    response = xss_client.get(url)
    assert response.status_code == 200, url
    html = response.get_data(as_text=True)
    page = Elements(html)
    for tag, attributes in page.tags:
        assert tag != "img", f"{url}: an <img> element was injected"
        for name in attributes:
            assert not name.startswith("on"), f"{url}: <{tag} {name}> event handler"
    script_tags = [a for t, a in page.tags if t == "script"]
    assert all(a.get("type") == "application/ld+json" for a in script_tags), url
    assert len(page.scripts) == 1
    block = page.scripts[0]
    assert "<" not in block and ">" not in block, "JSON-LD escapes angle brackets"
    json.loads(block)  # the block is whole: nothing closed it early


@pytest.mark.parametrize(
    ("url", "payload"),
    [
        ("/page/person/rune-alstadsaeter", SCRIPT),
        ("/page/topic/children-and-youth-in-crime", CLOSE),
        ("/page/organisation/opd", ATTRIBUTE),
        ("/page/place/mortensrud", SCRIPT),
        ("/page/plan/salto-handlingsprogram-2023-2025", CLOSE),
        ("/page/meeting/2025-10-13", ATTRIBUTE),
        ("/page/source/2025-10-13", SCRIPT),
        ("/page/source/2025-10-13", CLOSE),
        ("/page/meeting/2023-01-13/item/9", SCRIPT),
        ("/page/meeting/2023-01-13/item/9", CLOSE),
        ("/page/followup/2025-4", ATTRIBUTE),
        ("/page/topic/youth-drugs-and-prevention", SCRIPT),
        ("/search?q=" + SCRIPT, SCRIPT),
    ],
)
def test_planted_text_is_shown_as_text(xss_client: FlaskClient, url: str, payload: str) -> None:
    html = xss_client.get(url).get_data(as_text=True)
    text = " ".join("".join(Elements(html).text).split())
    assert payload in text, f"{url}: the payload should be visible as text"


@pytest.mark.parametrize(
    ("url", "payload"),
    [
        ("/page/person/rune-alstadsaeter", SCRIPT),
        ("/page/topic/children-and-youth-in-crime", CLOSE),
        ("/page/organisation/opd", ATTRIBUTE),
        ("/page/meeting/2025-10-13", ATTRIBUTE),
    ],
)
def test_jsonld_keeps_the_text_escaped(xss_client: FlaskClient, url: str, payload: str) -> None:
    html = xss_client.get(url).get_data(as_text=True)
    data = json.loads(Elements(html).scripts[0])
    assert payload in data["name"]
    assert "\\u003c" in html and "\\u003e" in html


@pytest.mark.parametrize(
    "url", ["/feeds/meetings.atom", "/feeds/topic/children-and-youth-in-crime.atom"]
)
def test_feeds_escape_the_text(xss_client: FlaskClient, url: str) -> None:
    body = xss_client.get(url).get_data()
    root = ET.fromstring(body)
    tags = {element.tag.rsplit("}", 1)[-1] for element in root.iter()}
    assert tags <= {
        "feed",
        "id",
        "title",
        "updated",
        "link",
        "rights",
        "author",
        "name",
        "entry",
    } | {"summary"}
    assert any(any(p in (e.text or "") for p in PAYLOADS) for e in root.iter())


def test_rdf_keeps_the_literal(xss_client: FlaskClient) -> None:
    body = xss_client.get("/data/person/rune-alstadsaeter.nt").get_data(as_text=True)
    assert SCRIPT in body
