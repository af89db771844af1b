"""The reuse sample in chromium: its old HTML page counts as seen, its PDF loads when asked
for, and it wears the state-service theme (axe and the keyboard walk run on it with the
other samples in test_accessibility.py)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from tests.browser.conftest import get_package
from tests.browser.learner import read_config, wait_ready
from tests.browser.server import LiveServer

pytestmark = pytest.mark.browser


def _open(page: Page, server: LiveServer, tmp_path_factory: pytest.TempPathFactory, path: str) -> None:
    package = get_package("accueil-handicap", "web", tmp_path_factory)
    server.serve_package(package.root)
    page.goto(f"{server.base}/pkg/{path}")
    if path.startswith("modules/"):
        wait_ready(page.main_frame)


def test_old_html_page_is_shown_and_counted_as_seen(page: Page, server: LiveServer,
                                                     tmp_path_factory: pytest.TempPathFactory) -> None:
    _open(page, server, tmp_path_factory, "modules/orienter/index.html")
    page.main_frame.evaluate("() => window.parcours.module.show('ancienne-fiche', true)")
    old = page.frame_locator("iframe.pc-embedded")
    assert old.locator("h1").inner_text() == "Fiche d'orientation de l'accueil"
    loaded = "img => img.complete ? img.naturalWidth > 0 : new Promise(done => { img.onload = () => done(true);" \
             " img.onerror = () => done(false); })"
    assert old.locator("img").evaluate(loaded)  # its own image came along
    assert old.locator("body").evaluate("b => getComputedStyle(b).fontFamily").startswith("Georgia")
    seen = page.main_frame.evaluate("() => window.parcours.module.progress.seen")
    assert "ancienne-fiche" in seen
    assert read_config(page.main_frame)["pages"][1]["key"] == "ancienne-fiche"


def test_pdf_page_loads_the_pdf_when_opened(page: Page, server: LiveServer,
                                            tmp_path_factory: pytest.TempPathFactory) -> None:
    _open(page, server, tmp_path_factory, "modules/ressources/index.html")
    frame = page.locator("details.pc-pdf iframe")
    assert frame.get_attribute("src") is None
    page.locator("details.pc-pdf summary").focus()
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.querySelector('details.pc-pdf iframe').hasAttribute('src')")
    assert frame.get_attribute("src") == "../../files/media/guide-accueil.pdf"
    link = page.locator("section[data-page='guide'] .pc-embedded-link a")
    assert link.inner_text().startswith("Télécharger « Le guide de l'accueil » (PDF, 1 Ko)")
    assert link.get_attribute("target") == "_blank"


def test_state_service_theme(page: Page, server: LiveServer, tmp_path_factory: pytest.TempPathFactory) -> None:
    _open(page, server, tmp_path_factory, "index.html")
    assert page.evaluate("() => document.body.className") == "pc-theme-etat"
    assert page.locator(".pc-administration").text_content() == "Ministère de l'exemple"
    border = page.locator(".pc-administration").evaluate("e => getComputedStyle(e).borderLeftColor")
    assert border == "rgb(201, 25, 30)"  # the theme's style sheet is loaded
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(f"{server.base}/pkg/modules/accueillir/index.html")
    wait_ready(page.main_frame)
    assert requests and all(url.startswith(server.base) for url in requests)  # nothing from elsewhere
