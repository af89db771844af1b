"""The web build as a whole course: home page with each module's progress, table of
contents, previous/next across modules, progress bar (chromium, keyboard only)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from tests.browser.conftest import ConsoleWatch, get_package
from tests.browser.learner import press_next, read_config, tab_to, visible_page, wait_ready
from tests.browser.server import LiveServer

pytestmark = pytest.mark.browser


def _card(page: Page, key: str) -> str:
    return page.evaluate("(k) => document.querySelector(`[data-module-progress='${k}']`).textContent", key)


def test_home_toc_progress_and_modules_in_sequence(page: Page, server: LiveServer, console: ConsoleWatch,
                                                   tmp_path_factory: pytest.TempPathFactory) -> None:
    package = get_package("numerique-responsable", "web", tmp_path_factory)
    server.serve_package(package.root)
    page.goto(f"{server.base}/pkg/index.html")
    first, second = package.launches[0].split("/")[1], package.launches[1].split("/")[1]
    assert _card(page, first) == "Non commencé"
    assert page.locator(".pc-facts").inner_text().startswith("Durée estimée")

    page.goto(f"{server.base}/pkg/{package.launches[0]}")
    frame = page.main_frame
    wait_ready(frame)
    config = read_config(frame)
    keys = [p["key"] for p in config["pages"]]
    assert frame.evaluate("() => document.querySelector('.pc-header .pc-progress-bar').value") == 1
    assert frame.evaluate("() => document.querySelector('[data-action=previous]').disabled")
    # the table of contents leads straight to the third page and marks it current
    page.locator(".pc-toc summary").focus()
    page.keyboard.press("Enter")
    tab_to(page, frame, tag="A")
    for _ in range(2):
        page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    assert visible_page(frame) == keys[2]
    assert frame.evaluate("(k) => document.querySelector(`[data-page-link='${k}']`).getAttribute('aria-current')",
                          keys[2]) == "page"
    assert frame.evaluate("() => document.activeElement.tagName") == "H1"
    assert frame.evaluate("() => document.querySelector('.pc-header .pc-progress-bar').value") == 2
    seen_marks = frame.evaluate("() => [...document.querySelectorAll('.pc-seen-mark')].map(e => e.textContent)")
    assert seen_marks == [" (vue)", " (vue)"]

    page.goto(f"{server.base}/pkg/index.html")
    assert _card(page, first) == f"2 page(s) vue(s) sur {len(keys)}"
    assert page.evaluate("(k) => document.querySelector(`[data-module-bar='${k}']`).value", first) == 2

    # the last page's Suivant leads to the next module, whose first Précédent leads back
    page.goto(f"{server.base}/pkg/{package.launches[0]}")
    wait_ready(frame)
    frame.evaluate("(k) => window.parcours.module.show(k, true)", keys[-1])
    next_label = frame.evaluate("() => document.querySelector('[data-action=next]').textContent")
    assert next_label.startswith("Module suivant : ")
    press_next(page, frame)
    page.wait_for_url(f"**/{package.launches[1]}")
    wait_ready(page.main_frame)
    assert read_config(page.main_frame)["module"]["key"] == second
    previous = page.main_frame.evaluate("() => document.querySelector('[data-action=previous]')")
    assert previous is not None
    assert page.main_frame.evaluate("() => document.querySelector('[data-action=previous]').textContent") \
        == f"Module précédent : {config['module']['title']}"
    assert page.main_frame.evaluate("() => document.querySelector('a.pc-home').getAttribute('href')") \
        == "../../index.html"


def test_lms_formats_keep_modules_apart(page: Page, server: LiveServer,
                                        tmp_path_factory: pytest.TempPathFactory) -> None:
    package = get_package("numerique-responsable", "scorm12", tmp_path_factory)
    server.serve_package(package.root)
    page.goto(f"{server.base}/pkg/{package.launches[0]}")
    wait_ready(page.main_frame)
    config = read_config(page.main_frame)
    assert "navigation" not in config
    page.main_frame.evaluate("(k) => window.parcours.module.show(k, true)", config["pages"][-1]["key"])
    assert page.main_frame.evaluate("() => document.querySelector('[data-action=next]').disabled")
    assert page.locator("a.pc-home").count() == 0
    assert page.locator(".pc-toc [data-page-link]").count() == len(config["pages"])
