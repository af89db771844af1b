"""`parcours preview` in chromium: live rebuild and reload keeping the learner's page,
build errors in the page, and the inspector's SCORM 1.2 calls and cmi5 statements."""

from __future__ import annotations

import shutil
import time
from pathlib import Path
from typing import Callable, Iterator

import pytest
from playwright.sync_api import Frame, Page

from packager.preview import Preview
from tests.browser.learner import read_config, right_answers, visible_page, wait_ready, walk_module
from tests.browser.packages import SAMPLE_COURSES

pytestmark = pytest.mark.browser

Start = Callable[[str], Preview]


@pytest.fixture
def course(tmp_path: Path) -> Path:
    folder = tmp_path / "numerique-responsable"
    shutil.copytree(SAMPLE_COURSES / "numerique-responsable", folder)
    return folder


@pytest.fixture
def start_preview(course: Path) -> Iterator[Start]:
    running: list[Preview] = []

    def start(package_format: str) -> Preview:
        preview = Preview(course, package_format)
        preview.start()
        running.append(preview)
        return preview

    yield start
    for preview in running:
        preview.stop()


def _course_frame(page: Page) -> Frame:
    frame = page.frame(name="pv-frame")
    assert frame is not None
    return frame


def _open_module(page: Page, preview: Preview, module: str | None = None) -> Frame:
    page.goto(preview.url)
    if module is not None and page.input_value("#pv-module") != module:
        page.select_option("#pv-module", module)
    frame = _course_frame(page)
    frame.wait_for_url(lambda url: "/modules/" in url)
    wait_ready(frame)
    return frame


def test_a_markdown_change_shows_on_the_learners_page(page: Page, start_preview: Start, course: Path) -> None:
    preview = start_preview("web")
    page.goto(preview.url)
    frame = _course_frame(page)
    frame.wait_for_selector("a[data-module]")
    frame.click("a[data-module]")
    frame.wait_for_url(lambda url: "/modules/" in url)
    wait_ready(frame)
    config = read_config(frame)
    second = config["pages"][1]
    frame.evaluate("(k) => window.parcours.module.show(k, true)", second["key"])
    markdown = next(p for p in (course / "pages").rglob("*.md")
                    if p.read_text(encoding="utf-8").startswith(f"# {second['title']}"))
    changed_at = time.monotonic()
    markdown.write_text(markdown.read_text(encoding="utf-8") + "\nUne phrase ajoutée pendant l'aperçu.\n",
                        encoding="utf-8")
    _course_frame(page).wait_for_function(
        "() => document.body && document.body.innerText.includes(\"Une phrase ajoutée pendant l'aperçu.\")"
        " && window.parcours && window.parcours.module.connected", timeout=10000)
    print(f"\nchange shown after {time.monotonic() - changed_at:.2f} s")
    frame = _course_frame(page)
    assert visible_page(frame) == second["key"]  # the learner is still on the page they were reading
    assert page.locator("#pv-error").is_hidden()


def test_a_build_error_shows_in_the_page_and_the_last_build_stays(page: Page, start_preview: Start,
                                                                   course: Path) -> None:
    preview = start_preview("web")
    page.goto(preview.url)
    frame = _course_frame(page)
    frame.wait_for_selector("a[data-module]")
    first_page = next((course / "pages").rglob("*.md"))
    first_page.write_text("Plus de titre ici.\n", encoding="utf-8")
    page.wait_for_selector("#pv-error:not([hidden])", timeout=10000)
    relative = first_page.relative_to(course).as_posix()
    assert (f"{relative}:1: la page doit commencer par un titre de niveau 1 (# Titre)"
            in page.locator("#pv-error-text").inner_text())
    assert _course_frame(page).locator("a[data-module]").count() > 0  # the last good build is still shown
    first_page.write_text("# De nouveau un titre\n\nTexte.\n", encoding="utf-8")
    page.wait_for_selector("#pv-error[hidden]", state="attached", timeout=10000)


def test_inspector_lists_the_scorm12_calls_of_a_quiz_module(page: Page, start_preview: Start) -> None:
    preview = start_preview("scorm12")
    module = next(m for m in preview.builder.state.modules if m["moveOn"] == "Passed")
    frame = _open_module(page, preview, module["key"])
    walk_module(page, frame, right_answers(read_config(frame)))
    frame.goto("about:blank")  # the learner leaves: the SCO finishes
    page.wait_for_function("() => document.querySelector('#pv-calls').textContent.includes('LMSFinish')")
    calls = page.locator("#pv-calls li:not(.pv-session)").all_inner_texts()
    assert calls[0] == 'LMSInitialize("") → "true" [0]'
    assert 'LMSSetValue("cmi.core.lesson_status", "passed") → "true" [0]' in calls
    assert any(c.startswith('LMSSetValue("cmi.interactions.0.id"') for c in calls)
    assert calls[-1] == 'LMSFinish("") → "true" [0]'
    assert not [c for c in calls if not c.endswith("[0]")], "calls the LMS refused"
    cmi = dict(zip(page.locator("#pv-cmi tbody th").all_inner_texts(), page.locator("#pv-cmi tbody td").all_inner_texts()))
    assert cmi["cmi.core.lesson_status"] == "passed" and cmi["cmi.core.score.raw"] == "100"
    # a wrong call is refused with the error code an LMS gives
    refused = page.evaluate("() => [window.API.LMSSetValue('cmi.core.lesson_status', 'finished'),"
                            " window.API.LMSGetLastError()]")
    assert refused == ["false", "301"]  # after LMSFinish: not initialized


def test_inspector_lists_the_cmi5_statements_with_their_verdicts(page: Page, start_preview: Start) -> None:
    preview = start_preview("cmi5")
    module = next(m for m in preview.builder.state.modules if m["moveOn"] == "Passed")
    frame = _open_module(page, preview, module["key"])
    walk_module(page, frame, right_answers(read_config(frame)))
    frame.goto("about:blank")
    page.wait_for_selector("#pv-statements li[data-verb='terminated']", timeout=15000)
    verbs = page.eval_on_selector_all("#pv-statements li", "items => items.map(i => i.dataset.verb)")
    assert verbs[:2] == ["launched", "initialized"]
    assert "answered" in verbs and "passed" in verbs and "completed" in verbs
    assert verbs[-1] == "terminated"
    verdicts = page.locator("#pv-statements .pv-verdict").all_inner_texts()
    assert verdicts == ["valide"] * len(verbs)
