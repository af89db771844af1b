"""The simulator (`parcours simulate`) sends what the real runtime sends: for the sample
course, played in chromium through its xapi and cmi5 packages, every (format, verb) has
the same statement shapes (tests/browser/shapes.py) in both, and no side has a verb the
other lacks. The demo cohort cannot drift from the runtime."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from urllib.parse import urlencode

import pytest
from playwright.sync_api import Page

from packager.course import load_course
from packager.description import course_description
from packager.simulate import ADMINISTRATIONS, simulate_course
from validators.xapi.vocabulary import ADMINISTRATION_EXTENSION
from tests.browser.conftest import ConsoleWatch, get_package
from tests.browser.learner import read_config, right_answers, wait_ready, walk_module, wrong_answers
from tests.browser.packages import ROOT
from tests.browser.server import LiveServer
from tests.browser.shapes import course_roles, shapes_by_verb
from tests.browser.xapi_lms import RecordingLrsClient, cmi5_units, launch_cmi5, wait_for_verb

pytestmark = pytest.mark.browser

COURSE = "numerique-responsable"
RUNTIME_VERBS = {
    "xapi": {"initialized", "experienced", "answered", "completed", "passed", "failed", "terminated", "suspended"},
    "cmi5": {"launched", "initialized", "experienced", "answered", "completed", "passed", "failed", "terminated"},
}


def _actor(number: int) -> dict:
    administration = ADMINISTRATIONS[number % len(ADMINISTRATIONS)]
    return {"objectType": "Agent", "name": f"Apprenant {number}",
            "account": {"homePage": administration.home_page, "name": f"apprenant.{number}"}}


def _play_xapi(page: Page, server: LiveServer, lrs: RecordingLrsClient, launch: str, course_id: str,
               run: str, number: int) -> list[dict]:
    registration = str(uuid.uuid4())
    query = urlencode({"endpoint": lrs.endpoint, "auth": "Basic " + lrs.session_token(),
                       "actor": json.dumps(_actor(number)), "registration": registration, "activity_id": course_id})
    page.goto(f"{server.base}/pkg/{launch}?{query}")
    wait_ready(page.main_frame)
    config = read_config(page.main_frame)
    if run == "partial":
        walk_module(page, page.main_frame, None, stop_at=1)
    else:
        quiz = config.get("quiz")
        walk_module(page, page.main_frame,
                    (right_answers(config) if run == "right" else wrong_answers(config)) if quiz else None)
    page.goto("about:blank")
    quiz, mastery = config.get("quiz"), config["module"]["masteryScore"]
    finished = run != "partial" and (not quiz or mastery is None or run == "right")
    return wait_for_verb(lrs, registration, "terminated" if finished else "suspended")


def _play_cmi5(page: Page, server: LiveServer, lrs: RecordingLrsClient, au, run: str, number: int) -> list[dict]:
    actor = _actor(number)
    administration = next(a for a in ADMINISTRATIONS if a.home_page == actor["account"]["homePage"])
    session = launch_cmi5(server, lrs, au, actor=actor, extensions={ADMINISTRATION_EXTENSION: administration.name})
    page.goto(session.launch_url)
    wait_ready(page.main_frame)
    config = read_config(page.main_frame)
    quiz = config.get("quiz")
    walk_module(page, page.main_frame,
                (right_answers(config) if run == "right" else wrong_answers(config)) if quiz else None)
    page.goto("about:blank")
    return wait_for_verb(lrs, session.registration, "terminated")


def _difference(runtime: dict, simulated: dict) -> str:
    lines = []
    for key in sorted(set(runtime) | set(simulated)):
        only_runtime = runtime.get(key, set()) - simulated.get(key, set())
        only_simulated = simulated.get(key, set()) - runtime.get(key, set())
        lines += [f"{key} runtime only: {s}" for s in sorted(only_runtime)]
        lines += [f"{key} simulator only: {s}" for s in sorted(only_simulated)]
    return "\n".join(lines)


def test_simulated_statements_have_the_runtime_shapes(page: Page, server: LiveServer, console: ConsoleWatch,
                                                      tmp_path_factory: pytest.TempPathFactory) -> None:
    source = ROOT / "samples" / "courses" / COURSE
    roles = course_roles(course_description(load_course(source), "xapi"))
    lrs = RecordingLrsClient(server)
    runtime: list[dict] = []

    xapi = get_package(COURSE, "xapi", tmp_path_factory)
    server.serve_package(xapi.root)
    course_id = json.loads((xapi.root / "parcours-course.json").read_text(encoding="utf-8"))["id"]
    for number, launch in enumerate(xapi.launches):
        for run in ("right", "wrong"):
            runtime += _play_xapi(page, server, lrs, launch, course_id, run, number)
    runtime += _play_xapi(page, server, lrs, xapi.launches[0], course_id, "partial", 9)

    cmi5 = get_package(COURSE, "cmi5", tmp_path_factory)
    server.serve_package(cmi5.root)
    for number, au in enumerate(cmi5_units(cmi5.root)):
        for run in ("right", "wrong"):
            runtime += _play_cmi5(page, server, lrs, au, run, number)

    # the runtime names pages and questions as parcours-course.json does (reports join on these ids)
    for statement in runtime:
        verb = statement["verb"]["id"].rsplit("/", 1)[1]
        if verb in ("experienced", "answered"):
            assert roles.get(statement["object"]["id"]) == ("page" if verb == "experienced" else "question"), statement
    played = shapes_by_verb(runtime, roles)
    for package_format, verbs in RUNTIME_VERBS.items():
        assert {verb for fmt, verb in played if fmt == package_format} == verbs, sorted(played)

    simulated = shapes_by_verb(simulate_course(source, learners=150, weeks=8, seed=3), roles)
    assert simulated == played, _difference(played, simulated)
