"""Every page of the sample course, checked the way an accessibility audit checks it:
axe-core (WCAG 2.1 A and AA rules), 320 px wide without horizontal scrolling,
visible keyboard focus, and no console errors."""

from __future__ import annotations

import pytest
from playwright.sync_api import Frame, Page

from tests.browser.audit import axe_violations, no_horizontal_scroll
from tests.browser.conftest import ConsoleWatch, get_package
from tests.browser.learner import (
    answer_quiz, press_next, read_config, tab_to, visible_page, wait_ready, wrong_answers,
)
from tests.browser.packages import SOURCES
from tests.browser.server import LiveServer

pytestmark = pytest.mark.browser


def _audit(frame: Frame, where: str, problems: list[str]) -> None:
    for violation in axe_violations(frame):
        problems.append(f"{where}: {violation['id']} ({violation['impact']}) {violation['help']}: {violation['nodes']}")
    if not no_horizontal_scroll(frame):
        problems.append(f"{where}: scrolls horizontally at this width")


@pytest.mark.parametrize("source", SOURCES)
@pytest.mark.parametrize("width", [1024, 320])
def test_every_page_passes_axe_and_fits(source: str, width: int, page: Page, server: LiveServer,
                                        console: ConsoleWatch, tmp_path_factory: pytest.TempPathFactory) -> None:
    package = get_package(source, "web", tmp_path_factory)
    server.serve_package(package.root)
    page.set_viewport_size({"width": width, "height": 800})
    problems: list[str] = []
    if (package.root / "index.html").is_file():
        page.goto(f"{server.base}/pkg/index.html")
        _audit(page.main_frame, "index.html", problems)
    for launch in package.launches:
        page.goto(f"{server.base}/pkg/{launch}")
        frame = page.main_frame
        wait_ready(frame)
        config = read_config(frame)
        keys = [p["key"] for p in config["pages"]]
        for index, key in enumerate(keys):
            assert visible_page(frame) == key
            _audit(frame, f"{launch}#{key}", problems)
            if config.get("quiz") and key == config["quiz"]["key"]:
                # the quiz again once answered: feedback, result and retry button shown
                answer_quiz(page, frame, config, wrong_answers(config))
                _audit(frame, f"{launch}#{key} (after submission)", problems)
            if index < len(keys) - 1:
                press_next(page, frame)
                frame.wait_for_function("(key) => !document.querySelector(`[data-page='${key}']`).hidden",
                                        arg=keys[index + 1])
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("source", SOURCES)
def test_keyboard_focus_is_visible(source: str, page: Page, server: LiveServer, console: ConsoleWatch,
                                   tmp_path_factory: pytest.TempPathFactory) -> None:
    package = get_package(source, "web", tmp_path_factory)
    server.serve_package(package.root)
    page.goto(f"{server.base}/pkg/{package.launches[0]}")
    frame = page.main_frame
    wait_ready(frame)
    # The skip link comes first and leads to the content.
    page.keyboard.press("Tab")
    assert frame.evaluate("() => document.activeElement.getAttribute('href')") == "#contenu"
    unstyled = []
    for _ in range(40):
        style = frame.evaluate(
            """() => { const e = document.activeElement; if (!e || e === document.body) return null;
                       const s = getComputedStyle(e);
                       return {tag: e.tagName, text: (e.textContent || e.name || "").trim().slice(0, 40),
                               outline: s.outlineStyle !== "none" && parseFloat(s.outlineWidth) >= 2,
                               shadow: s.boxShadow !== "none"}; }""")
        if style and not (style["outline"] or style["shadow"]):
            unstyled.append(style)
        page.keyboard.press("Tab")
    assert not unstyled, f"focused without a visible indicator: {unstyled}"
    # After Next, the new page's heading has the focus (and shows it); a one-page
    # module has its Next button disabled, out of the tab order.
    if frame.evaluate("() => !document.querySelector('[data-action=next]').disabled"):
        tab_to(page, frame, tag="BUTTON", action="next")
        page.keyboard.press("Enter")
        assert frame.evaluate("() => document.activeElement.tagName") == "H1"
        assert frame.evaluate("() => getComputedStyle(document.activeElement).outlineStyle") != "none"


def test_reduced_motion_is_respected(page: Page, server: LiveServer, console: ConsoleWatch,
                                     tmp_path_factory: pytest.TempPathFactory) -> None:
    package = get_package("numerique-responsable", "web", tmp_path_factory)
    server.serve_package(package.root)
    page.emulate_media(reduced_motion="reduce")
    page.goto(f"{server.base}/pkg/{package.launches[0]}")
    wait_ready(page.main_frame)
    moving = page.evaluate(
        """() => [...document.querySelectorAll('*')].filter(e => {
               const s = getComputedStyle(e);
               return (parseFloat(s.transitionDuration) > 0.01) || (s.animationName !== 'none'
                      && parseFloat(s.animationDuration) > 0.01) || s.scrollBehavior === 'smooth';
           }).map(e => e.tagName)""")
    assert moving == []


@pytest.mark.parametrize("width", [1024, 320])
def test_the_no_lms_notice_passes_axe(width: int, page: Page, server: LiveServer, console: ConsoleWatch,
                                      tmp_path_factory: pytest.TempPathFactory) -> None:
    package = get_package("numerique-responsable", "scorm12", tmp_path_factory)
    server.serve_package(package.root)
    page.set_viewport_size({"width": width, "height": 800})
    page.goto(f"{server.base}/pkg/{package.launches[0]}")  # no LMS around it
    wait_ready(page.main_frame)
    assert page.locator(".pc-notice").is_visible()
    problems: list[str] = []
    _audit(page.main_frame, "notice", problems)
    assert not problems, "\n".join(problems)
