"""End to end in real headless Chromium: search, a person, a topic's thread, a passage, and axe.

Needs Debian's ``chromium`` and the ``playwright`` Python package (never ``playwright install``).
Without them the tests skip, unless ``POLITIRAAD_REQUIRE_BROWSER=1`` makes that a failure.
Screenshots go to ``test-artifacts/`` at the project root.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from politiraad_graph.config import PROJECT_ROOT

pytestmark = pytest.mark.browser

CHROMIUM = os.environ.get("POLITIRAAD_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
AXE = PROJECT_ROOT / "tests" / "vendor" / "axe-core" / "axe.min.js"
ARTIFACTS = PROJECT_ROOT / "test-artifacts"


def _unavailable(reason: str) -> None:
    if os.environ.get("POLITIRAAD_REQUIRE_BROWSER") == "1":
        pytest.fail(f"browser tests required but {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("the playwright package is not installed (pip install playwright)")
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        _unavailable(f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="nb-NO")
    opened = context.new_page()
    problems: list[str] = []
    opened.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    opened.on("pageerror", lambda e: problems.append(str(e)))
    yield opened
    context.close()
    assert not problems, f"the browser reported errors: {problems}"


def shot(page: Any, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def test_search_finds_the_person_with_both_roles(page: Any, pages_live_server: str) -> None:
    page.goto(pages_live_server + "/")
    page.get_by_label("Søk i møtereferatene").fill("Alstadsæter")
    page.get_by_role("button", name="Søk").first.click()
    page.wait_for_url(re.compile(r"/search\?q="))
    shot(page, "search-alstadsaeter")
    page.get_by_role("link", name="Rune Alstadsæter").first.click()
    page.wait_for_url(re.compile(r"/page/person/rune-alstadsaeter$"))
    shot(page, "person-rune-alstadsaeter")
    posts = page.locator("section", has=page.locator("#posts-h")).inner_text()
    meetings = page.locator("section", has=page.locator("#meetings-h")).inner_text()
    assert "2023" in posts and "2025" in posts
    assert "kommunikasjonsdirektør" in posts and "ny i stillingen" in posts
    assert "2025" in meetings and "medlem" in meetings


def test_topic_thread_and_passage(page: Any, pages_live_server: str) -> None:
    page.goto(pages_live_server + "/")
    page.get_by_role("navigation", name="Hovedmeny").get_by_role("link", name="Temaer").click()
    page.get_by_role("link", name="Barn og unge i kriminalitet", exact=True).click()
    page.wait_for_url(re.compile(r"/page/topic/children-and-youth-in-crime$"))
    shot(page, "topic-children-and-youth-in-crime")
    dates = page.locator("ol.thread > li > h3 time").evaluate_all(
        "els => els.map(e => e.getAttribute('datetime'))"
    )
    assert dates == sorted(dates)
    assert {d[:4] for d in dates} >= {"2023", "2025", "2026"}
    thread = page.locator("ol.thread").inner_text()
    for narrower in (
        "Vold blant jevnaldrende",
        "Violence as a service",
        "Rekruttering av barn og unge til kriminalitet",
    ):
        assert narrower in thread
    link = page.locator("ol.thread a.passage-link").first
    href = link.get_attribute("href") or ""
    fragment = href.split("#", 1)[1]
    link.click()
    page.wait_for_url(re.compile(r"/page/source/\d{4}-\d{2}-\d{2}#char=\d+,\d+$"))
    target = page.locator(":target")
    assert target.get_attribute("id") == fragment
    assert target.is_visible()
    box = target.bounding_box()
    assert box is not None and 0 <= box["y"] < 900, "the passage is scrolled into view"
    shot(page, "source-at-passage")


PAGES_FOR_AXE = {
    "home": "/",
    "meeting": "/page/meeting/2025-10-13",
    "person": "/page/person/rune-alstadsaeter",
    "organisation": "/page/organisation/opd",
    "programme": "/page/programme/salto",
    "plan": "/page/plan/salto-handlingsprogram-2023-2025",
    "topic": "/page/topic/children-and-youth-in-crime",
    "followups": "/followups",
    "followup": "/page/followup/2025-4",
    "place": "/page/place/mortensrud",
    "source": "/page/source/2023-01-13",
    "search": "/search?q=ungdom",
    "item": "/page/meeting/2023-01-13/item/9",
    "list": "/organisations",
    "english": "/page/topic/children-and-youth-in-crime?lang=en",
    "not-found": "/page/person/nobody",
}


@pytest.mark.parametrize("url", list(PAGES_FOR_AXE.values()), ids=list(PAGES_FOR_AXE))
def test_axe_finds_no_serious_violation(browser: Any, pages_live_server: str, url: str) -> None:
    # axe is injected as a script: let it past the page's CSP in this context only.
    context = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)
    try:
        tab = context.new_page()
        tab.goto(pages_live_server + url)
        tab.add_script_tag(content=AXE.read_text(encoding="utf-8"))
        result = tab.evaluate(
            "async () => await axe.run(document, {resultTypes: ['violations'],"
            " runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa',"
            " 'best-practice']}})"
        )
        bad = [v for v in result["violations"] if v["impact"] in {"serious", "critical"}]
        name = next(k for k, v in PAGES_FOR_AXE.items() if v == url)
        if bad:
            ARTIFACTS.mkdir(exist_ok=True)
            (ARTIFACTS / f"axe-{name}.json").write_text(json.dumps(bad, indent=1))
        assert not bad, [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:5]) for v in bad]
    finally:
        context.close()


def test_small_screen_layout(page: Any, pages_live_server: str) -> None:
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(pages_live_server + "/page/meeting/2025-10-13")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 380, "no sideways scrolling on a phone"
    shot(page, "meeting-phone")
