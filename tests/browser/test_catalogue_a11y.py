"""The home page and the catalogue in Debian's chromium, as an accessibility audit checks
them: axe-core (WCAG 2.1 A and AA) in French and English, 320 px wide without
horizontal scrolling, a visible focus on everything the keyboard reaches, and a
keyboard-only visit from the home page to a download and the web build."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import Any, Iterator

import pytest
from playwright.sync_api import Browser, BrowserContext, Frame, Page, expect

from tests.browser.audit import no_horizontal_scroll
from tests.browser.conftest import AXE, ConsoleWatch
from tests.browser.learner import wait_ready
from tests.lrs.catalogue.support import SAMPLE_SLUG, build_sample, new_catalogue
from tests.support.live_server import live_server

pytestmark = pytest.mark.browser
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
COURSE = f"/catalogue/{SAMPLE_SLUG}"
FOCUSABLE_TABS = 80  # more than any catalogue page has before wrapping back


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """A live LRS with the sample course in every format and enough other courses for
    two pages of results."""
    work = tmp_path_factory.mktemp("catalogue-browser")
    catalogue = new_catalogue(f"sqlite:///{work / 'parcours.db'}", work)
    packages = build_sample(work / "sample")
    for path in packages.values():
        catalogue.publish(path)
    for number in range(1, 22):
        catalogue.build_and_publish(f"cours-{number:02d}", title=f"Cours de démonstration {number:02d}",
                                    keywords=["démonstration"], duration=f"PT{10 * number}M")
    with live_server(catalogue.app) as (host, port):
        yield {"base": f"http://{host}:{port}", "packages": packages}
    catalogue.app.extensions["parcours.engine"].dispose()


@pytest.fixture
def visitor(browser: Browser) -> Iterator[BrowserContext]:
    context = browser.new_context(locale="fr-FR", accept_downloads=True, viewport={"width": 1280, "height": 900})
    yield context
    context.close()


@pytest.fixture
def auditor(browser: Browser) -> Iterator[BrowserContext]:
    """As `visitor`, but axe-core may be injected into the pages despite their CSP."""
    context = browser.new_context(locale="fr-FR", bypass_csp=True, viewport={"width": 1280, "height": 900})
    yield context
    context.close()


def _axe(frame: Frame) -> list[dict[str, Any]]:
    """axe-core on the catalogue's own document: the course in the `try` frame is the
    package's, audited by tests/browser/test_accessibility.py."""
    if not frame.evaluate("() => typeof window.axe !== 'undefined'"):
        frame.add_script_tag(path=str(AXE))
    return frame.evaluate(
        """async (tags) => {
            const result = await axe.run(document, {runOnly: {type: "tag", values: tags}, iframes: false});
            return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.slice(0, 5).map(n => n.target.join(" ") + " :: " + n.failureSummary)}));
        }""",
        WCAG_TAGS,
    )


PAGES = ["/", "/catalogue/", "/catalogue/?sort=title&page=2", "/catalogue/?q=zzz-absent", "/catalogue/?page=0",
         COURSE, f"{COURSE}/try", "/catalogue/inconnu"]


@pytest.mark.parametrize("lang", ["fr", "en"])
@pytest.mark.parametrize("width", [1280, 320])
def test_every_page_passes_axe_and_fits(site: dict[str, Any], auditor: BrowserContext, lang: str, width: int) -> None:
    page = auditor.new_page()
    console = ConsoleWatch(page)
    page.set_viewport_size({"width": width, "height": 900})
    problems = []
    for path in PAGES:
        separator = "&" if "?" in path else "?"
        response = page.goto(f"{site['base']}{path}{separator}lang={lang}")
        assert response is not None
        expect(page.locator("html")).to_have_attribute("lang", lang)
        for violation in _axe(page.main_frame):
            problems.append(f"{path} ({lang}, {width}px): {violation}")
        if not no_horizontal_scroll(page.main_frame):
            problems.append(f"{path} ({lang}, {width}px): scrolls horizontally")
    assert not problems, "\n".join(problems)
    # the 4xx pages log their status in the console; nothing else may
    assert all("status of 40" in error for error in console.errors), console.errors


def _focus_style(page: Page) -> dict[str, Any] | None:
    return page.evaluate(
        """() => { const e = document.activeElement; if (!e || e === document.body) return null;
                   const s = getComputedStyle(e);
                   return {tag: e.tagName, id: e.id, href: e.getAttribute('href'),
                           text: (e.textContent || e.name || '').trim().slice(0, 60),
                           visible: (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2)
                                    || s.boxShadow !== 'none'}; }""")


@pytest.mark.parametrize("path", ["/", "/catalogue/", COURSE, f"{COURSE}/try"])
def test_keyboard_focus_is_visible_everywhere(site: dict[str, Any], visitor: BrowserContext, path: str) -> None:
    page = visitor.new_page()
    page.goto(site["base"] + path)
    page.keyboard.press("Tab")
    first = _focus_style(page)
    assert first and first["href"] == "#contenu", first
    unstyled, seen = [], 0
    for _ in range(FOCUSABLE_TABS):
        style = _focus_style(page)
        if style is None:
            break
        seen += 1
        if style["tag"] != "IFRAME" and not style["visible"]:
            unstyled.append(style)
        page.keyboard.press("Tab")
    assert seen > 3
    assert not unstyled, f"focused without a visible indicator: {unstyled}"


def _tab_until(page: Page, test: str, arg: Any = None) -> None:
    for _ in range(FOCUSABLE_TABS):
        if page.evaluate(f"(arg) => {{ const e = document.activeElement; return !!e && ({test}); }}", arg):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached an element where {test}")


def test_from_home_to_download_and_preview_by_keyboard_alone(site: dict[str, Any], visitor: BrowserContext) -> None:
    page = visitor.new_page()
    console = ConsoleWatch(page)
    page.goto(site["base"] + "/")
    # the skip link leads to the content
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()
    # to the catalogue, then search it
    _tab_until(page, "e.textContent.trim().startsWith('Voir tout le catalogue')")
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text("Catalogue des cours")
    _tab_until(page, "e.id === 'f-q'")
    page.keyboard.type("numerique bons gestes")
    page.keyboard.press("Enter")
    expect(page.locator(".count")).to_have_text("1 cours trouvé")
    # a filter chosen with the arrow keys
    _tab_until(page, "e.id === 'f-duration'")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")  # "De 30 min à 2 h"
    _tab_until(page, "e.tagName === 'BUTTON'")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"duration=medium"))
    expect(page.locator(".count")).to_have_text("1 cours trouvé")
    # the course page
    _tab_until(page, "e.closest('article') && e.tagName === 'A'")
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text("Numérique responsable : les bons gestes au bureau")
    # a download, by Enter on its link: the exact published zip
    _tab_until(page, "e.dataset.format === 'scorm12'")
    with page.expect_download() as download_info:
        page.keyboard.press("Enter")
    downloaded = Path(download_info.value.path()).read_bytes()
    expected = site["packages"]["scorm12"].read_bytes()
    assert hashlib.sha256(downloaded).hexdigest() == hashlib.sha256(expected).hexdigest()
    assert download_info.value.suggested_filename == "numerique-responsable-scorm12.zip"
    # the web build in its titled frame, whose runtime starts in the sandbox
    page.goto(site["base"] + COURSE)
    _tab_until(page, "e.getAttribute('href') && e.getAttribute('href').includes('/try')")
    page.keyboard.press("Enter")
    frame_element = page.locator("iframe.try")
    expect(frame_element).to_have_attribute("title", "Aperçu du cours « Numérique responsable : les bons gestes au bureau »")
    frame = frame_element.element_handle().content_frame()
    assert frame is not None
    frame.wait_for_selector("h1")
    frame.locator("a[data-module]").first.click()
    frame = frame_element.element_handle().content_frame()
    wait_ready(frame)
    # Tab reaches into the course, then out again
    _tab_until(page, "e.tagName === 'IFRAME'")
    console.assert_clean()


def test_pages_of_results_by_keyboard(site: dict[str, Any], visitor: BrowserContext) -> None:
    page = visitor.new_page()
    page.goto(site["base"] + "/catalogue/?sort=title")
    expect(page.locator(".count")).to_contain_text("22 cours trouvés")
    expect(page.locator("article.course-card")).to_have_count(20)
    _tab_until(page, "e.getAttribute('rel') === 'next'")
    page.keyboard.press("Enter")
    expect(page.locator("article.course-card")).to_have_count(2)
    expect(page.locator(".pagination [aria-current=page]")).to_have_text("2")
