"""The report pages in Debian's chromium: they render, filter, download, stay free of
console errors, and axe-core finds no WCAG 2.1 A/AA violation, in French and English."""

from __future__ import annotations

from validators.xapi.vocabulary import ADMINISTRATION_EXTENSION

import csv
import io
import re
from typing import Iterator

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.browser.conftest import ConsoleWatch
from tests.browser.test_accessibility import axe_violations
from tests.support.live_server import live_server

from .conftest import KEY, SECRET, post_statements
from .dataset import standard_set
from .expected import course_overview, modules

pytestmark = pytest.mark.browser
COURSE = "https://formation.example.org/cours/a"
ADMINISTRATION = ADMINISTRATION_EXTENSION


@pytest.fixture
def live(make_app, database_url) -> Iterator[tuple[str, list[dict]]]:
    statements = standard_set()
    app = make_app(database_url)
    post_statements(app, statements)
    with live_server(app) as (host, port):
        yield f"http://{host}:{port}", statements


@pytest.fixture
def analyst(browser: Browser) -> Iterator[BrowserContext]:
    context = browser.new_context(http_credentials={"username": KEY, "password": SECRET}, locale="fr-FR",
                                  accept_downloads=True, viewport={"width": 1280, "height": 900})
    yield context
    context.close()


def _audit(page: Page) -> None:
    violations = axe_violations(page.main_frame)
    assert not violations, f"{page.url}: {violations}"


def _figure(page: Page, table: str, column: int) -> str:
    return page.locator(f"#table-{table} tbody tr").first.locator("td").nth(column).inner_text()


@pytest.mark.postgres
def test_reports_render_filter_and_download(live, analyst: BrowserContext):
    base, statements = live
    page = analyst.new_page()
    console = ConsoleWatch(page)
    page.goto(f"{base}/reports/courses")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.locator("h1")).to_have_text("Vue d'ensemble des cours")
    expect(page.locator("#table-courses tbody tr")).to_have_count(3)
    expect(page.locator("svg#chart-rates title").first).to_have_text("Taux d'achèvement par cours (en %)")
    _audit(page)

    page.get_by_role("link", name="Cours a").click()
    expected = course_overview(statements, COURSE)
    expect(page.locator("h1")).to_have_text("Cours : Cours a")
    assert _figure(page, "course", 0) == str(expected["learners"])
    assert _figure(page, "course", 2) == str(expected["completed"])
    expect(page.locator("svg#chart-scores")).to_have_attribute("role", "img")
    _audit(page)

    # filter by administration through the form
    page.get_by_label("Groupe (homePage du compte ou administration)").fill("DINUM")
    page.get_by_role("button", name="Appliquer").click()
    expect(page).to_have_url(re.compile(r"group=DINUM"))
    subset = [s for s in statements if s["context"].get("extensions", {}).get(ADMINISTRATION) == "DINUM"]
    assert _figure(page, "course", 0) == str(course_overview(subset, COURSE)["learners"])

    # the modules table as CSV, from its download link
    with page.expect_download() as download_info:
        page.locator(".table-wrap:has(#table-modules) + p.downloads a.download-csv").click()
    content = open(download_info.value.path(), encoding="utf-8").read()
    rows = {row["module"]: row for row in csv.DictReader(io.StringIO(content))}
    expected_modules = modules(subset, COURSE)
    assert set(rows) == set(expected_modules)
    for module, numbers in expected_modules.items():
        assert int(rows[module]["completed"]) == numbers["completed"]

    # a learner's page, then English
    page.locator("#table-learners tbody tr td a").first.click()
    expect(page.locator("h1")).to_contain_text("Apprenant : ")
    _audit(page)
    page.get_by_role("link", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("h1")).to_contain_text("Learner: ")
    _audit(page)
    page.goto(f"{base}/reports/completions?interval=week&lang=en")
    expect(page.locator("h1")).to_have_text("Completions over time")
    expect(page.locator("svg#chart-completions")).to_be_visible()
    _audit(page)
    # the course's analyses, linked from its page
    page.goto(f"{base}/reports/course?course={COURSE}")
    page.get_by_role("link", name="Analyse des questions : Cours a").click()
    expect(page.locator("#table-items")).to_be_visible()
    expect(page.locator(".table-wrap:has(#table-items) + p.downloads a.download-sheet")).to_be_visible()
    _audit(page)
    page.goto(f"{base}/reports/course?course={COURSE}")
    page.get_by_role("link", name="Abandon page par page : Cours a").click()
    expect(page.locator("#table-dropoff")).to_be_visible()
    expect(page.locator("svg#chart-dropoff-1")).to_have_attribute("role", "img")
    _audit(page)
    console.assert_clean()


def test_report_pages_fit_a_phone_and_keep_focus_visible(live, analyst: BrowserContext):
    base, _statements = live
    page = analyst.new_page()
    console = ConsoleWatch(page)
    page.set_viewport_size({"width": 320, "height": 800})
    page.goto(f"{base}/reports/course?course={COURSE}")
    _audit(page)
    page.keyboard.press("Tab")
    expect(page.locator("a.skip")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()
    console.assert_clean()
