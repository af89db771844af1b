"""Each SCORM package, walked with the keyboard inside a test LMS that runs scorm-again:
the CMI values the runtime commits, and bookmark resume."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from playwright.sync_api import Page

from tests.browser.conftest import ConsoleWatch, get_package
from tests.browser.learner import (
    press_next, progress_text, read_config, right_answers, tab_to, visible_page, walk_module, wrong_answers,
)
from tests.browser.packages import SOURCES, fixture_package
from tests.browser.scorm_lms import (
    ISO_DURATION, SCORM12_RESPONSE, SCORM12_TIME, SCORM12_TIMESPAN, SCORM12_TYPES, SCORM2004_RESPONSE,
    SCORM2004_TIMESTAMP, check_journal, close_sco, committed, interactions, open_in_lms,
)
from tests.browser.server import LiveServer

pytestmark = pytest.mark.browser


def _check_scorm12(values: dict[str, str], config: dict, run: str) -> None:
    quiz = config.get("quiz")
    mastery = config["module"]["masteryScore"]
    assert values["cmi.core.lesson_location"] in [p["key"] for p in config["pages"]]
    assert len(values["cmi.suspend_data"]) <= 4096
    json.loads(values["cmi.suspend_data"])  # compact JSON, readable back
    assert SCORM12_TIMESPAN.match(values["cmi.core.session_time"]), values["cmi.core.session_time"]
    if not quiz:
        assert values["cmi.core.lesson_status"] == "completed"
        assert values["cmi.core.exit"] == ""
        assert not interactions(values)
        return
    right = run == "right"
    if mastery is not None:
        assert values["cmi.core.lesson_status"] == ("passed" if right else "failed")
    else:
        assert values["cmi.core.lesson_status"] == "completed"
    assert float(values["cmi.core.score.raw"]) == (100 if right else 0)
    assert (values["cmi.core.score.min"], values["cmi.core.score.max"]) == ("0", "100")
    assert values["cmi.core.exit"] == ("" if right or mastery is None else "suspend")
    recorded = interactions(values)
    assert len(recorded) == len(quiz["questions"])
    for q, i in zip(quiz["questions"], recorded):
        assert i["type"] == q["type"] and i["type"] in SCORM12_TYPES
        assert i["id"] == q["key"]
        assert SCORM12_RESPONSE[q["type"]].match(i["student_response"]), (q["type"], i["student_response"])
        assert i["result"] == ("correct" if right else "wrong")
        assert float(i["weighting"]) == q["weight"]
        assert SCORM12_TIME.match(i["time"]) and SCORM12_TIMESPAN.match(i["latency"]), i
        if q["type"] != "numeric" or "[:]" not in q["correctResponsesPattern"][0]:
            pattern = i["correct_responses.0.pattern"]
            assert SCORM12_RESPONSE[q["type"]].match(pattern), (q["type"], pattern)
            if right and q["type"] not in ("fill-in", "numeric"):
                assert pattern == i["student_response"]


def _check_scorm2004(values: dict[str, str], config: dict, run: str) -> None:
    quiz = config.get("quiz")
    mastery = config["module"]["masteryScore"]
    assert values["cmi.location"] in [p["key"] for p in config["pages"]]
    json.loads(values["cmi.suspend_data"])
    assert ISO_DURATION.match(values["cmi.session_time"]), values["cmi.session_time"]
    completed = not quiz or config["module"]["completion"] == "pages" or mastery is None or run == "right"
    assert values["cmi.completion_status"] == ("completed" if completed else "incomplete")
    assert (float(values["cmi.progress_measure"]) == 1) == completed
    if not quiz:
        assert values.get("cmi.success_status") is None
        assert values["cmi.exit"] == "normal"
        return
    right = run == "right"
    if mastery is not None:
        assert values["cmi.success_status"] == ("passed" if right else "failed")
    assert float(values["cmi.score.scaled"]) == (1 if right else 0)
    assert float(values["cmi.score.raw"]) == (100 if right else 0)
    assert values["cmi.exit"] == ("normal" if right or mastery is None else "suspend")
    recorded = interactions(values)
    assert len(recorded) == len(quiz["questions"])
    for q, i in zip(quiz["questions"], recorded):
        assert i["id"] == q["id"] and i["type"] == q["type"]
        assert SCORM2004_RESPONSE[q["type"]].match(i["learner_response"]), (q["type"], i["learner_response"])
        assert i["result"] == ("correct" if right else "incorrect")
        assert SCORM2004_TIMESTAMP.match(i["timestamp"]) and ISO_DURATION.match(i["latency"]), i
        patterns = [v for k, v in sorted(i.items()) if k.startswith("correct_responses.")]
        assert len(patterns) == len(q["correctResponsesPattern"])
        if q["type"] == "numeric":
            assert all("[:]" in p for p in patterns)
        if q["type"] == "fill-in":
            assert all(p.startswith("{case_matters=") for p in patterns)
        if right and q["type"] in ("choice", "true-false", "sequencing"):
            assert i["learner_response"] in patterns
        if right and q["type"] == "matching":
            assert sorted(i["learner_response"].split("[,]")) == sorted(patterns[0].split("[,]"))


@pytest.mark.parametrize("source", SOURCES)
@pytest.mark.parametrize("package_format", ["scorm12", "scorm2004"])
@pytest.mark.parametrize("run", ["right", "wrong"])
def test_walk_every_module_and_commit(source: str, package_format: str, run: str, page: Page,
                                      server: LiveServer, console: ConsoleWatch,
                                      tmp_path_factory: pytest.TempPathFactory) -> None:
    package = get_package(source, package_format, tmp_path_factory)
    assert package.launches, "the manifest lists no launch document"
    for launch in package.launches:
        frame = open_in_lms(page, server, package, launch)
        config = read_config(frame)
        assert config["format"] == package_format
        answers = None
        if config.get("quiz"):
            answers = right_answers(config) if run == "right" else wrong_answers(config)
        walk_module(page, frame, answers)
        log = close_sco(page)
        check_journal(log)
        values = committed(log)
        if package_format == "scorm12":
            _check_scorm12(values, config, run)
        else:
            _check_scorm2004(values, config, run)


RESUMABLE = [s for s in SOURCES if s != "minimal"]  # the minimal course has a single page


@pytest.mark.parametrize("source", RESUMABLE)
@pytest.mark.parametrize("package_format", ["scorm12", "scorm2004"])
def test_bookmark_resume(source: str, package_format: str, page: Page, server: LiveServer,
                         console: ConsoleWatch, tmp_path_factory: pytest.TempPathFactory) -> None:
    package = get_package(source, package_format, tmp_path_factory)
    launch = package.launches[0]
    frame = open_in_lms(page, server, package, launch)
    config = read_config(frame)
    keys = [p["key"] for p in config["pages"]]
    assert len(keys) >= 3, "resume needs a module of three pages or more"
    walk_module(page, frame, None, stop_at=1)
    log = close_sco(page)
    check_journal(log)
    values = committed(log)
    if package_format == "scorm12":
        assert values["cmi.core.exit"] == "suspend"
        assert values["cmi.core.lesson_location"] == keys[1]
        assert values["cmi.core.lesson_status"] == "incomplete"
        saved = {"cmi.core.entry": "resume", "cmi.core.lesson_status": "incomplete",
                 "cmi.core.lesson_location": values["cmi.core.lesson_location"],
                 "cmi.suspend_data": values["cmi.suspend_data"]}
    else:
        assert values["cmi.exit"] == "suspend"
        assert values["cmi.location"] == keys[1]
        assert values["cmi.completion_status"] == "incomplete"
        saved = {"cmi.entry": "resume", "cmi.completion_status": "incomplete",
                 "cmi.location": values["cmi.location"], "cmi.suspend_data": values["cmi.suspend_data"]}

    # A new session with what the LMS kept: the learner lands on the saved page.
    frame = open_in_lms(page, server, package, launch, data=saved)
    assert visible_page(frame) == keys[1]
    progress = progress_text(frame)
    assert progress.split()[:2] == ["Page", "2"] and str(len(keys)) in progress, progress
    # Pages seen in the first session still count: reading the rest completes the module.
    for _ in keys[2:]:
        press_next(page, frame)
    log = close_sco(page)
    check_journal(log)
    values = committed(log)
    status = values["cmi.core.lesson_status"] if package_format == "scorm12" else values["cmi.completion_status"]
    quiz = config.get("quiz")
    expected = "completed" if config["module"]["completion"] == "pages" or not quiz else "incomplete"
    assert status == expected, (status, values)


def _long_module(root: Path, pages: int) -> None:
    """Rewrites the hand-made module as `pages` pages with long keys and no quiz."""
    document = root / "modules" / "m1" / "index.html"
    html = document.read_text(encoding="utf-8")
    keys = [f"page-au-nom-volontairement-long-{n:03d}" for n in range(pages)]
    sections = "".join(
        f'<section class="pc-page" data-page="{k}" aria-labelledby="h-{k}"{" hidden" if i else ""}>'
        f'<h1 id="h-{k}" tabindex="-1">Page {i + 1}</h1><p>Texte de la page {i + 1}.</p></section>'
        for i, k in enumerate(keys))
    html = html[:html.index('<main id="contenu">') + len('<main id="contenu">')] + sections + html[html.index("</main>"):]
    start = html.index('id="pc-config">') + len('id="pc-config">')
    end = html.index("</script>", start)
    config = json.loads(html[start:end])
    config["pages"] = [{"key": k, "title": f"Page {i + 1}"} for i, k in enumerate(keys)]
    config["quiz"] = None
    document.write_text(html[:start] + json.dumps(config) + html[end:], encoding="utf-8")


def test_suspend_data_stays_within_the_scorm12_limit(page: Page, server: LiveServer, console: ConsoleWatch,
                                                     tmp_path: Path) -> None:
    package = fixture_package(tmp_path / "long", "scorm12")
    _long_module(package.root, 250)
    frame = open_in_lms(page, server, package, package.launches[0])
    keys = [p["key"] for p in read_config(frame)["pages"]]
    tab_to(page, frame, tag="BUTTON", action="next")
    page.keyboard.press("Enter")
    for _ in keys[2:-1]:
        page.keyboard.press("ArrowRight")  # the focus rests on each new page's heading
    assert visible_page(frame) == keys[-2]
    log = close_sco(page)
    check_journal(log)
    values = committed(log)
    assert len(", ".join(keys)) > 4096
    assert len(values["cmi.suspend_data"]) <= 4096
    assert values["cmi.core.lesson_status"] == "incomplete"
    frame = open_in_lms(page, server, package, package.launches[0], data={
        "cmi.core.entry": "resume", "cmi.core.lesson_location": values["cmi.core.lesson_location"],
        "cmi.suspend_data": values["cmi.suspend_data"], "cmi.core.lesson_status": "incomplete"})
    assert visible_page(frame) == keys[-2]
    tab_to(page, frame, tag="BUTTON", action="next")
    page.keyboard.press("Enter")
    values = committed(close_sco(page))
    assert values["cmi.core.lesson_status"] == "completed"  # the 249 pages of the first session still count
