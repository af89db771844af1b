"""cmi5 packages launched the way a cmi5 LMS launches them: LMS.LaunchData, a launched
statement, a one-time fetch URL; the AU's statements must satisfy the cmi5 rules."""

from __future__ import annotations

import json
from urllib.parse import urlencode

import pytest
from playwright.sync_api import Page

from tests.browser.cmi5_rules import check_registration, check_session, session_statements, verb_name
from tests.browser.conftest import ConsoleWatch, get_package
from tests.browser.learner import read_config, right_answers, visible_page, wait_ready, walk_module, wrong_answers
from tests.browser.packages import SOURCES
from tests.browser.server import LiveServer
from tests.browser.xapi_lms import Lrs, cmi5_units, http_json, launch_cmi5, wait_for_verb

pytestmark = pytest.mark.browser


def _expected(config: dict, run: str) -> list[str]:
    quiz = config.get("quiz")
    mastery = config["module"]["masteryScore"]
    verbs = ["initialized"]
    if not quiz:
        return verbs + ["completed", "terminated"]
    right = run == "right"
    if config["module"]["completion"] == "pages" or (mastery is None or right):
        verbs.append("completed")
    if mastery is not None:
        verbs.append("passed" if right else "failed")
    return verbs + ["terminated"]


@pytest.mark.parametrize("source", SOURCES)
@pytest.mark.parametrize("run", ["right", "wrong"])
def test_session_satisfies_the_cmi5_rules(source: str, run: str, lrs: Lrs, page: Page, server: LiveServer,
                                          console: ConsoleWatch, tmp_path_factory: pytest.TempPathFactory) -> None:
    package = get_package(source, "cmi5", tmp_path_factory)
    server.serve_package(package.root)
    units = cmi5_units(package.root)
    assert units, "cmi5.xml lists no AU"
    for au in units:
        session = launch_cmi5(server, lrs, au)
        page.goto(session.launch_url)
        wait_ready(page.main_frame)
        config = read_config(page.main_frame)
        assert config["module"]["id"] == au.id or au.id.startswith(config["course"]["id"])
        answers = None
        if config.get("quiz"):
            answers = right_answers(config) if run == "right" else wrong_answers(config)
        walk_module(page, page.main_frame, answers)
        page.goto("about:blank")  # the learner leaves: pagehide ends the session
        statements = wait_for_verb(lrs, session.registration, "terminated")
        fetch_path = "/fetch/" + session.fetch_url.rsplit("/", 1)[1]
        assert [m for m, p in server.lrs.requests if p == fetch_path] == ["POST"], "one POST to the fetch URL"
        verbs = check_session(statements, session)
        assert verbs == _expected(config, run), verbs
        check_registration(statements, au.id)
        launched = [s for s in statements if verb_name(s) == "launched"]
        assert len(launched) == 1 and launched[0]["timestamp"] <= session_statements(statements, session)[0]["timestamp"]
        answered = [s for s in session_statements(statements, session) if verb_name(s) == "answered"]
        questions = (config.get("quiz") or {}).get("questions", [])
        assert len(answered) == len(questions)
        for q, s in zip(questions, answered):
            definition = s["object"]["definition"]
            assert s["object"]["id"] == q["id"]
            assert definition["interactionType"] == q["type"]
            assert definition["correctResponsesPattern"]
            assert s["result"]["success"] is (run == "right")
            assert isinstance(s["result"]["response"], str) and s["result"]["response"]
        # one cmi5 allowed "experienced" a page seen, in order, under the AU (the xapi format's page ids)
        experienced = [s for s in session_statements(statements, session) if verb_name(s) == "experienced"]
        module_id = config["module"]["id"]
        assert [s["object"]["id"] for s in experienced] == [f"{module_id}/pages/{p['key']}" for p in config["pages"]]
        for s in experienced:
            assert s["context"]["contextActivities"]["parent"] == [{"objectType": "Activity", "id": au.id}]
            assert s["object"]["definition"]["type"] == "http://activitystrea.ms/schema/1.0/page"
            assert "result" not in s


def test_second_session_resumes_and_repeats_no_completion(lrs: Lrs, page: Page, server: LiveServer,
                                                          console: ConsoleWatch,
                                                          tmp_path_factory: pytest.TempPathFactory) -> None:
    package = get_package("fixture", "cmi5", tmp_path_factory)
    server.serve_package(package.root)
    au = cmi5_units(package.root)[0]
    first = launch_cmi5(server, lrs, au)
    page.goto(first.launch_url)
    wait_ready(page.main_frame)
    config = read_config(page.main_frame)
    walk_module(page, page.main_frame, right_answers(config))
    page.goto("about:blank")
    wait_for_verb(lrs, first.registration, "terminated")

    # Same registration, new session: the bookmark brings the learner back, and
    # completed/passed, already recorded for this registration, are not sent again.
    second = launch_cmi5(server, lrs, au, registration=first.registration, actor=first.actor)
    page.goto(second.launch_url)
    wait_ready(page.main_frame)
    assert visible_page(page.main_frame) == config["pages"][-1]["key"]
    page.goto("about:blank")
    statements = wait_for_verb(lrs, first.registration, "terminated", count=2)
    assert check_session(statements, second) == ["initialized", "terminated"]
    check_registration(statements, au.id)


def test_browse_mode_sends_no_judgement(lrs: Lrs, page: Page, server: LiveServer, console: ConsoleWatch,
                                        tmp_path_factory: pytest.TempPathFactory) -> None:
    package = get_package("fixture", "cmi5", tmp_path_factory)
    server.serve_package(package.root)
    au = cmi5_units(package.root)[0]
    session = launch_cmi5(server, lrs, au, launch_mode="Browse")
    page.goto(session.launch_url)
    wait_ready(page.main_frame)
    walk_module(page, page.main_frame, right_answers(read_config(page.main_frame)))
    page.goto("about:blank")
    statements = wait_for_verb(lrs, session.registration, "terminated")
    assert check_session(statements, session) == ["initialized", "terminated"]


def test_return_url_exit_button(lrs: Lrs, page: Page, server: LiveServer, console: ConsoleWatch,
                                tmp_path_factory: pytest.TempPathFactory) -> None:
    package = get_package("fixture", "cmi5", tmp_path_factory)
    server.serve_package(package.root)
    au = cmi5_units(package.root)[0]
    back = f"{server.base}/lms/returned.html"
    session = launch_cmi5(server, lrs, au, return_url=back)
    page.goto(session.launch_url)
    wait_ready(page.main_frame)
    exit_button = page.locator('.pc-nav button[data-action="exit"]')
    assert exit_button.text_content() == "Quitter le module"
    exit_button.focus()
    page.keyboard.press("Enter")
    page.wait_for_url(back)
    statements = wait_for_verb(lrs, session.registration, "terminated")
    assert check_session(statements, session) == ["initialized", "terminated"]


def test_learner_preference_audio_off_mutes_the_media(lrs: Lrs, page: Page, server: LiveServer,
                                                      console: ConsoleWatch,
                                                      tmp_path_factory: pytest.TempPathFactory) -> None:
    package = get_package("numerique-responsable", "cmi5", tmp_path_factory)
    server.serve_package(package.root)
    actor = {"objectType": "Agent", "name": "Sacha Petit",
             "account": {"homePage": "https://lms.parcours.test", "name": "sacha.petit"}}
    profile = lrs.endpoint + "agents/profile?" + urlencode(
        {"agent": json.dumps(actor), "profileId": "cmi5LearnerPreferences"})
    status, body = http_json("PUT", profile, lrs.lms_auth, {"languagePreference": "fr-FR", "audioPreference": "off"},
                             **{"If-None-Match": "*"})  # the LMS creates the document
    assert status == 204, body
    with_media = []
    for au in cmi5_units(package.root):
        session = launch_cmi5(server, lrs, au, actor=actor)
        page.goto(session.launch_url)
        wait_ready(page.main_frame)
        media = page.evaluate("() => [...document.querySelectorAll('audio, video')].map(m => m.muted)")
        with_media.extend(media)
        page.goto("about:blank")
        wait_for_verb(lrs, session.registration, "terminated")
    assert with_media and all(with_media), with_media
