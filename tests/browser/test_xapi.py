"""xAPI packages opened with a Tin Can launch (endpoint, auth, actor, registration,
activity_id in the query string): the statements they send and bookmark resume."""

from __future__ import annotations

import json
from urllib.parse import urlencode

import pytest
from playwright.sync_api import Page

from tests.browser.conftest import ConsoleWatch, get_package
from tests.browser.learner import read_config, right_answers, visible_page, wait_ready, walk_module, wrong_answers
from tests.browser.packages import SOURCES, Package
from tests.browser.server import LiveServer
from tests.browser.xapi_lms import VERB, Lrs, wait_for_verb

pytestmark = pytest.mark.browser

ACTOR = {"objectType": "Agent", "name": "Dominique Bernard", "mbox": "mailto:dominique.bernard@example.gouv.fr"}
REGISTRATION = "3f0e5a3c-6a4e-4f3e-9d8e-2b8f6f1f0c11"


def _launch_url(server: LiveServer, lrs: Lrs, package: Package, launch: str, activity_id: str) -> str:
    query = urlencode({"endpoint": lrs.endpoint, "auth": "Basic " + lrs.session_token(), "actor": json.dumps(ACTOR),
                       "registration": REGISTRATION, "activity_id": activity_id})
    return f"{server.base}/pkg/{launch}?{query}"


def _verbs(statements: list[dict], module_id: str) -> list[str]:
    ordered = sorted(statements, key=lambda s: s["timestamp"])
    return [s["verb"]["id"].rsplit("/", 1)[1] for s in ordered if s["object"]["id"] == module_id]


@pytest.mark.parametrize("source", SOURCES)
@pytest.mark.parametrize("run", ["right", "wrong"])
def test_statements_of_a_walk(source: str, run: str, lrs: Lrs, page: Page, server: LiveServer,
                              console: ConsoleWatch, tmp_path_factory: pytest.TempPathFactory) -> None:
    package = get_package(source, "xapi", tmp_path_factory)
    server.serve_package(package.root)
    assert package.launches
    for launch in package.launches:
        page.goto(f"{server.base}/pkg/{launch}")  # read the module's id before launching it for real
        config = read_config(page.main_frame)
        module_id = config["module"]["id"]
        earlier = lrs.statements(REGISTRATION)
        before = {s["id"] for s in earlier}
        page.goto(_launch_url(server, lrs, package, launch, config["course"]["id"]))
        wait_ready(page.main_frame)
        quiz = config.get("quiz")
        answers = (right_answers(config) if run == "right" else wrong_answers(config)) if quiz else None
        walk_module(page, page.main_frame, answers)
        page.goto("about:blank")
        mastery = config["module"]["masteryScore"]
        finished = not quiz or mastery is None or run == "right"
        last_verb = "terminated" if finished else "suspended"
        prior = sum(1 for s in earlier if s["verb"]["id"] == VERB + last_verb)
        statements = [s for s in wait_for_verb(lrs, REGISTRATION, last_verb, count=prior + 1)
                      if s["id"] not in before]
        verbs = _verbs(statements, module_id)
        assert verbs[0] == "initialized" and verbs[-1] == ("terminated" if finished else "suspended"), verbs
        completed = not quiz or config["module"]["completion"] == "pages" or mastery is None or run == "right"
        assert verbs.count("completed") == (1 if completed else 0), verbs
        if quiz and mastery is not None:
            assert verbs.count("passed" if run == "right" else "failed") == 1, verbs
        experienced = [s for s in statements if s["verb"]["id"] == VERB + "experienced"]
        assert len(experienced) == len(config["pages"])
        answered = [s for s in statements if s["verb"]["id"] == VERB + "answered"]
        assert len(answered) == len(quiz["questions"] if quiz else [])
        for s in statements:
            assert s["actor"]["mbox"] == ACTOR["mbox"]
            assert s["context"]["registration"] == REGISTRATION
            course = {"objectType": "Activity", "id": config["course"]["id"]}
            module = {"objectType": "Activity", "id": config["module"]["id"]}
            activities = s["context"]["contextActivities"]
            if s["object"]["id"] == config["module"]["id"]:
                assert activities["parent"] == [course]
            else:  # pages and answers sit under their module, inside the course
                assert activities["parent"] == [module]
                assert course in activities["grouping"]
        for s in answered:
            assert s["object"]["definition"]["type"] == "http://adlnet.gov/expapi/activities/cmi.interaction"
            assert s["result"]["success"] is (run == "right")
        judged = [s for s in statements if s["verb"]["id"] in (VERB + "passed", VERB + "failed")]
        for s in judged:
            assert s["result"]["score"]["scaled"] == (1 if run == "right" else 0)


def test_bookmark_in_the_state_api(lrs: Lrs, page: Page, server: LiveServer, console: ConsoleWatch,
                                   tmp_path_factory: pytest.TempPathFactory) -> None:
    package = get_package("fixture", "xapi", tmp_path_factory)
    server.serve_package(package.root)
    launch = package.launches[0]
    page.goto(_launch_url(server, lrs, package, launch, "https://parcours.example.org/courses/essai"))
    wait_ready(page.main_frame)
    keys = [p["key"] for p in read_config(page.main_frame)["pages"]]
    walk_module(page, page.main_frame, None, stop_at=2)
    page.goto("about:blank")
    wait_for_verb(lrs, REGISTRATION, "suspended")
    page.goto(_launch_url(server, lrs, package, launch, "https://parcours.example.org/courses/essai"))
    wait_ready(page.main_frame)
    assert visible_page(page.main_frame) == keys[2]
