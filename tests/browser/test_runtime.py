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
    package = fixture_package(tmp_path / "en", "scorm12")
    document = package.root / package.launches[0]
    html = document.read_text(encoding="utf-8")
    start = html.index('<script type="application/json" id="pc-config">') + len('<script type="application/json" id="pc-config">')
    end = html.index("</script>", start)
    config = json.loads(html[start:end])
    config["language"] = "en"
    del config["strings"]  # the runtime's own English strings
    document.write_text(html[:start] + json.dumps(config) + html[end:], encoding="utf-8")
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
