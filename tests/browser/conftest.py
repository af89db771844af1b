"""Fixtures of the browser tests: Debian's chromium driven by playwright, the live
test server, the packages under test, and a watch on console errors."""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

import pytest
from playwright.sync_api import Browser, BrowserContext, Page

from tests.browser.packages import Package, built_package, fixture_package
from tests.browser.server import LiveServer
from tests.browser.xapi_lms import Lrs, ProjectLrs, RecordingLrsClient

from tests.support.browser import AXE, CHROMIUM, SCORM_AGAIN_DIST  # noqa: F401  (used by the test modules)


@pytest.fixture
def server(tmp_path: Path) -> Iterator[LiveServer]:
    running = LiveServer(tmp_path, SCORM_AGAIN_DIST)
    yield running
    running.stop()


# every xAPI test runs against both LRSs, so a failure says whether the runtime or the LRS is at fault
@pytest.fixture(params=["project-lrs", "recording"])
def lrs(request: pytest.FixtureRequest, server: LiveServer, tmp_path: Path) -> Iterator[Lrs]:
    backend: ProjectLrs | RecordingLrsClient
    if request.param == "project-lrs":
        backend = ProjectLrs(f"sqlite:///{tmp_path / 'lrs.db'}")
    else:
        backend = RecordingLrsClient(server)
    yield backend
    backend.stop()


class ConsoleWatch:
    """Every console error and uncaught exception of a page and its frames."""

    def __init__(self, page: Page) -> None:
        self.errors: list[str] = []
        page.on("console", lambda message: self.errors.append(
            f"console.{message.type}: {message.text} ({message.location.get('url')})")
                if message.type == "error" else None)
        page.on("pageerror", lambda error: self.errors.append(f"uncaught: {error}"))

    def assert_clean(self) -> None:
        assert not self.errors, "errors in the browser console:\n" + "\n".join(self.errors)


@pytest.fixture
def context(browser: Browser) -> Iterator[BrowserContext]:
    ctx = browser.new_context(viewport={"width": 1024, "height": 768}, locale="fr-FR")
    yield ctx
    ctx.close()


@pytest.fixture
def page(context: BrowserContext) -> Page:
    return context.new_page()


@pytest.fixture
def console(page: Page) -> Iterator[ConsoleWatch]:
    watch = ConsoleWatch(page)
    yield watch
    watch.assert_clean()


_BUILT: dict[tuple[str, str], Package] = {}


def get_package(source: str, package_format: str, tmp_path_factory: pytest.TempPathFactory) -> Package:
    """The hand-made module, or a sample course built once per worker and format."""
    key = (source, package_format)
    if key not in _BUILT:
        work = tmp_path_factory.mktemp(f"{source}-{package_format}")
        if source == "fixture":
            _BUILT[key] = fixture_package(work / "package", package_format)
        else:
            _BUILT[key] = built_package(source, package_format, work)
    return _BUILT[key]
