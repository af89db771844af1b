"""Runtime behaviours beyond a straight walk: quiz checks and retry, API discovery
through window.opener, reading without any LMS, the web preview's bookmark, and
the English interface."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import quote, urlencode

import pytest
from playwright.sync_api import Page

from tests.browser.conftest import ConsoleWatch, get_package
from tests.browser.learner import (
    active, answer_quiz, progress_text, read_config, right_answers, tab_to, visible_page, wait_ready, walk_module,
    wrong_answers,
)
from tests.browser.packages import fixture_package
from tests.browser.scorm_lms import check_journal, close_sco, committed, interactions, open_in_lms
from tests.browser.server import LiveServer

pytestmark = pytest.mark.browser


def _text(page_or_frame, selector: str) -> str:
    return page_or_frame.evaluate("(s) => document.querySelector(s).textContent", selector)


def test_quiz_checks_answers_then_allows_a_retry(page: Page, server: LiveServer, console: ConsoleWatch,
                                                 tmp_path_factory: pytest.TempPathFactory) -> None:
    package = get_package("fixture", "scorm12", tmp_path_factory)
    frame = open_in_lms(page, server, package, package.launches[0])
    config = read_config(frame)
    questions = config["quiz"]["questions"]
    walk_module(page, frame, None)  # ends on the quiz, the last page

    # Submitting an empty form: every question says why, the focus goes to the first one, nothing is reported.
    tab_to(page, frame, tag="BUTTON", type="submit")
    page.keyboard.press("Enter")
    for q in questions:
        assert _text(frame, f"[data-feedback='{q['key']}']") == "Répondez à la question avant de valider."
    assert _text(frame, ".pc-result").startswith(f"{len(questions)} question")
    assert active(frame)["name"] == questions[0]["key"]
    assert frame.evaluate("() => document.activeElement.getAttribute('aria-invalid')") == "true"
    assert not [e for e in page.evaluate("() => window.lmsLog") if e.get("element", "").startswith("cmi.interactions")]

    # A failed attempt: the retry button appears; it empties the form and goes back to question 1.
    answer_quiz(page, frame, config, wrong_answers(config))
    assert "Score : 0 %" in _text(frame, ".pc-result")
    tab_to(page, frame, tag="BUTTON", action="retry")
    page.keyboard.press("Enter")
    assert _text(frame, ".pc-result") == ""
    assert active(frame)["name"] == questions[0]["key"]
    assert frame.evaluate("() => [...document.querySelectorAll('.pc-quiz input')].every(i => !i.checked && !i.value"
                          " || i.type === 'radio' || i.type === 'checkbox')")

    # Right answers, typed the way people type them: a decimal comma, other letter case.
    answers = right_answers(config)
    answers["q4"] = "Recto-Verso"
    answers["q5"] = "6,5"
    page.keyboard.press("Shift+Tab")  # back before question 1, so that answering starts from there
    answer_quiz(page, frame, config, answers)
    assert "Score : 100 %" in _text(frame, ".pc-result")
    assert frame.evaluate("() => document.querySelector('[data-action=retry]').hidden")
    log = close_sco(page)
    check_journal(log)
    values = committed(log)
    recorded = interactions(values)
    assert len(recorded) == 2 * len(questions)
    assert [i["result"] for i in recorded] == ["wrong"] * len(questions) + ["correct"] * len(questions)
    assert recorded[len(questions) + 4]["student_response"] == "6.5"
    assert values["cmi.core.lesson_status"] == "passed"
    assert values["cmi.core.score.raw"] == "100"


def test_api_found_through_the_opener(page: Page, server: LiveServer, console: ConsoleWatch,
                                      tmp_path_factory: pytest.TempPathFactory) -> None:
    package = get_package("fixture", "scorm12", tmp_path_factory)
    server.serve_package(package.root)
    page.goto(f"{server.base}/lms/scorm.html?version=1.2&window=new&launch={quote('/pkg/' + package.launches[0])}")
    page.wait_for_selector("#open")
    with page.context.expect_page() as opened:
        page.focus("#open")
        page.keyboard.press("Enter")
    popup = opened.value
    popup.wait_for_load_state()
    wait_ready(popup.main_frame)
    assert popup.evaluate("() => document.querySelector('.pc-notice')") is None
    walk_module(popup, popup.main_frame, None)
    popup.close(run_before_unload=True)
    page.wait_for_function("() => window.lmsLog.some(e => e.call === 'finish')")
    log = page.evaluate("() => window.lmsLog")
    check_journal(log)
    assert committed(log)["cmi.core.lesson_status"] == "completed"


@pytest.mark.parametrize("package_format", ["scorm12", "scorm2004", "cmi5", "xapi"])
def test_without_an_lms_the_learner_can_still_read(package_format: str, page: Page, server: LiveServer,
                                                   console: ConsoleWatch,
                                                   tmp_path_factory: pytest.TempPathFactory) -> None:
    package = get_package("fixture", package_format, tmp_path_factory)
    server.serve_package(package.root)
    page.goto(f"{server.base}/pkg/{package.launches[0]}")
    wait_ready(page.main_frame)
    notice = page.locator(".pc-notice")
    assert notice.get_attribute("role") == "status"
    assert "Aucune plateforme de formation" in notice.text_content()
    assert walk_module(page, page.main_frame, right_answers(read_config(page.main_frame)))[-1] == "quiz"


def test_web_preview_keeps_the_bookmark_in_the_browser(page: Page, server: LiveServer, console: ConsoleWatch,
                                                       tmp_path_factory: pytest.TempPathFactory) -> None:
    package = get_package("fixture", "web", tmp_path_factory)
    server.serve_package(package.root)
    url = f"{server.base}/pkg/{package.launches[0]}"
    page.goto(url)
    wait_ready(page.main_frame)
    assert page.locator(".pc-notice").count() == 0
    walk_module(page, page.main_frame, None, stop_at=2)
    page.reload()
    wait_ready(page.main_frame)
    assert visible_page(page.main_frame) == "courriel"
    assert progress_text(page.main_frame) == "Page 3 sur 4"


def test_english_interface(page: Page, server: LiveServer, console: ConsoleWatch, tmp_path: Path) -> None:
    package = fixture_package(tmp_path / "en", "scorm12", language="en")  # the packager's English strings
    server.serve_package(package.root)
    page.goto(f"{server.base}/pkg/{package.launches[0]}")
    wait_ready(page.main_frame)
    assert progress_text(page.main_frame) == "Page 1 of 4"
    assert page.locator(".pc-notice").text_content().startswith("No learning platform was found")
    walk_module(page, page.main_frame, None)
    tab_to(page, page.main_frame, tag="BUTTON", type="submit")
    page.keyboard.press("Enter")
    assert _text(page, "[data-feedback='q1']") == "Answer the question before submitting."


def test_an_lrs_that_refuses_the_credentials_is_reported_to_the_learner(
        page: Page, server: LiveServer, tmp_path_factory: pytest.TempPathFactory) -> None:
    package = get_package("fixture", "xapi", tmp_path_factory)
    server.serve_package(package.root)
    uncaught: list[str] = []
    page.on("pageerror", lambda error: uncaught.append(str(error)))
    query = urlencode({"endpoint": server.base + "/xapi/", "auth": "Basic bm9uOnZhbGFibGU=",
                       "actor": json.dumps({"mbox": "mailto:a@example.org"}), "activity_id": "https://x.example/c"})
    page.goto(f"{server.base}/pkg/{package.launches[0]}?{query}")
    wait_ready(page.main_frame)
    walk_module(page, page.main_frame, None, stop_at=2)  # the learner reads on
    page.wait_for_selector(".pc-notice")
    assert "La liaison avec la plateforme de formation a échoué" in page.locator(".pc-notice").text_content()
    assert not uncaught
    assert not server.lrs.statements


def test_mastery_percentage_reads_the_same_in_manifest_page_and_runtime(
        page: Page, server: LiveServer, console: ConsoleWatch, tmp_path: Path) -> None:
    """One rule (packager/mastery.py, `percentText` in the runtime) for a pass mark that is not whole."""
    import re
    import shutil
    import zipfile

    from packager.build import build_packages
    from packager.mastery import mastery_percent
    from tests.browser.packages import SAMPLE_COURSES, Package, launch_documents

    mastery = 2 / 3
    course = tmp_path / "course"
    shutil.copytree(SAMPLE_COURSES / "numerique-responsable", course)
    yaml = (course / "course.yaml").read_text(encoding="utf-8")
    (course / "course.yaml").write_text(re.sub(r"(?m)^mastery_score: .*$", f"mastery_score: {mastery!r}", yaml),
                                        encoding="utf-8")
    [built] = build_packages(course, ["scorm12"], tmp_path / "dist")
    root = tmp_path / "unpacked"
    with zipfile.ZipFile(built.path) as archive:
        archive.extractall(root)
    package = Package("mastery", "scorm12", root, launch_documents(root, "scorm12"))

    manifest = (root / "imsmanifest.xml").read_text(encoding="utf-8")
    assert set(re.findall(r"<adlcp:masteryscore>([^<]*)</adlcp:masteryscore>", manifest)) == {"66.67"}
    assert mastery_percent(mastery) == "66.67"

    launch = next(doc for doc in package.launches if "pc-mastery" in (root / doc).read_text(encoding="utf-8"))
    frame = open_in_lms(page, server, package, launch)
    assert _text(frame, ".pc-mastery") == "Seuil de réussite : 66,67 %"
    config = read_config(frame)
    walk_module(page, frame, None)
    answer_quiz(page, frame, config, wrong_answers(config))
    assert "(seuil de réussite : 66,67 %)" in _text(frame, ".pc-result")

    for value in (mastery, 0.7, 0.75, 0.8, 0.123456, 0.005, 0.335, 0.66665, 0.12345, 0.1 + 0.2, 1, 0):
        for mark in (",", "."):
            runtime = frame.evaluate("([v, m]) => window.parcours.formats.percentText(v, m)", [value, mark])
            assert runtime == mastery_percent(value, mark), value
