"""Nothing a learner did is lost when the page goes away: the package and the LRS on two
origins (two ports of 127.0.0.1), the learner leaving by navigation right after the last
action, and the LRS stopped in the middle of a session (docs/runtime-contract.md,
"Delivery")."""

from __future__ import annotations

import json
import re
import uuid
from pathlib import Path
from typing import Any, Iterator
from urllib.parse import urlencode

import pytest
from playwright.sync_api import Page

from tests.browser.cmi5_rules import check_session, session_statements, verb_name
from tests.browser.conftest import ConsoleWatch, get_package
from tests.browser.learner import answer_quiz, press_next, right_answers, visible_page, wait_ready, walk_module
from tests.browser.packages import Package
from tests.browser.server import LiveServer
from bench.lrs_server import start_server, stop_server
from tests.browser.xapi_lms import ProjectLrs, _basic, cmi5_units, launch_cmi5, wait_for_verb

pytestmark = pytest.mark.browser

COURSE = "numerique-responsable"
QUIZ_MODULE = 0   # "Faire durer ses équipements": completed when the quiz is passed
PAGES_MODULE = 3  # "Des documents sobres et accessibles": completed when every page is seen
ACTOR = {"objectType": "Agent", "name": "Dominique Bernard", "mbox": "mailto:dominique.bernard@example.gouv.fr"}
CONFIG = re.compile(r'<script type="application/json" id="pc-config">(.*?)</script>', re.S)
# What chromium prints for each request to an LRS that is down.
REFUSED = "net::ERR_CONNECTION_REFUSED"


class ServedLrs:
    """`parcours serve` (gunicorn) in a process of its own, as deployed; stopped and
    started again on the same port and database by go_offline() and come_back()."""

    def __init__(self, database: Path) -> None:
        from lrs.app import create_app
        from lrs.auth import create_credential
        from lrs.config import Config
        from lrs.db import write_transaction

        self.database = database
        app = create_app(Config(database_url=f"sqlite:///{database}"))  # migrated, as `parcours serve` does
        self._engine = app.extensions["parcours.engine"]
        self._create_credential, self._write = create_credential, write_transaction
        with write_transaction(self._engine) as connection:
            _, secret = create_credential(connection, key="lms", scopes=["all"], name="LMS de test")
        self.lms_auth = "Basic " + _basic("lms", secret)
        self._process, self.port = start_server(database, workers=1, threads=8)
        self.endpoint = f"http://127.0.0.1:{self.port}/xapi/"

    session_token = ProjectLrs.session_token
    statements = ProjectLrs.statements

    def stop(self) -> None:
        stop_server(self._process)
        self._engine.dispose()


@pytest.fixture
def served_lrs(tmp_path: Path) -> Iterator[ServedLrs]:
    running = ServedLrs(tmp_path / "lrs.db")
    yield running
    running.stop()


@pytest.fixture
def project_lrs(tmp_path: Path) -> Iterator[ProjectLrs]:
    running = ProjectLrs(f"sqlite:///{tmp_path / 'lrs.db'}")
    yield running
    running.stop()


def module_config(package: Package, launch: str) -> dict[str, Any]:
    html = (package.root / launch.split("?")[0]).read_text(encoding="utf-8")
    found = CONFIG.search(html)
    assert found, f"{launch} has no #pc-config"
    return json.loads(found.group(1))


def expected_verbs(config: dict[str, Any], answered: bool, until: int | None = None) -> list[str]:
    """The xAPI launch's statements for a walk of the module, in the order they are made."""
    pages = config["pages"]
    quiz = config.get("quiz")
    last = len(pages) - 1 if until is None else until
    verbs = ["initialized"]
    for index, page in enumerate(pages[: last + 1]):
        verbs.append("experienced")
        if config["module"]["completion"] == "pages" and index == len(pages) - 1:
            verbs.append("completed")
        if quiz and answered and page["key"] == quiz["key"]:
            verbs += ["answered"] * len(quiz["questions"])
            if config["module"]["completion"] == "quiz":
                verbs.append("completed")
            if config["module"]["masteryScore"] is not None:
                verbs.append("passed")
    return verbs


def xapi_launch(server: LiveServer, lrs: ProjectLrs, launch: str, course_id: str, registration: str) -> str:
    query = urlencode({"endpoint": lrs.endpoint, "auth": "Basic " + lrs.session_token(), "actor": json.dumps(ACTOR),
                       "registration": registration, "activity_id": course_id})
    return f"{server.base}/pkg/{launch}?{query}"


def leave(page: Page, server: LiveServer) -> None:
    """Navigation away, as when the LMS takes the window back."""
    page.goto(f"{server.base}/lms/returned.html")


def names(statements: list[dict[str, Any]]) -> list[str]:
    return [verb_name(s) for s in statements]


def outbox(page: Page) -> list[dict[str, Any]]:
    """The statements this browser keeps for later (any module), read from the package's origin."""
    return page.evaluate("""() => Object.keys(localStorage).filter(k => k.startsWith('parcours:outbox:'))
                             .flatMap(k => JSON.parse(localStorage.getItem(k)))""")


def assert_only_refused(watch: ConsoleWatch, lrs: ProjectLrs) -> None:
    """While the LRS is down the browser prints failed requests; nothing else may go wrong."""
    origin = lrs.endpoint.split("/xapi/")[0]
    other = [e for e in watch.errors if not (REFUSED in e and origin in e)]
    assert not other, "errors in the browser console:\n" + "\n".join(other)


@pytest.mark.parametrize("module", [QUIZ_MODULE, PAGES_MODULE], ids=["quiz-module", "pages-module"])
def test_xapi_leaving_right_after_the_last_action(module: int, served_lrs: ServedLrs, page: Page,
                                                 server: LiveServer, console: ConsoleWatch,
                                                 tmp_path_factory: pytest.TempPathFactory) -> None:
    package = get_package(COURSE, "xapi", tmp_path_factory)
    server.serve_package(package.root)
    launch = package.launches[module]
    config = module_config(package, launch)
    answered = module == QUIZ_MODULE
    registration = str(uuid.uuid4())
    page.goto(xapi_launch(server, served_lrs, launch, config["course"]["id"], registration))
    wait_ready(page.main_frame)
    walk_module(page, page.main_frame, right_answers(config) if answered else None)
    leave(page, server)

    statements = wait_for_verb(served_lrs, registration, "terminated")
    assert names(statements) == expected_verbs(config, answered) + ["terminated"]
    assert len({s["id"] for s in statements}) == len(statements)
    experienced = [s["object"]["id"] for s in statements if verb_name(s) == "experienced"]
    assert experienced == [f"{config['module']['id']}/pages/{p['key']}" for p in config["pages"]]
    # What left in the beacon stays in the browser until the next launch (a beacon gets no answer).
    assert {s["id"] for s in outbox(page)} <= {s["id"] for s in statements}


@pytest.mark.parametrize("module", [QUIZ_MODULE, PAGES_MODULE], ids=["quiz-module", "pages-module"])
def test_cmi5_leaving_right_after_the_last_action(module: int, served_lrs: ServedLrs, page: Page,
                                                 server: LiveServer, console: ConsoleWatch,
                                                 tmp_path_factory: pytest.TempPathFactory) -> None:
    package = get_package(COURSE, "cmi5", tmp_path_factory)
    server.serve_package(package.root)
    au = cmi5_units(package.root)[module]
    config = module_config(package, au.url)
    answered = module == QUIZ_MODULE
    session = launch_cmi5(server, served_lrs, au)
    page.goto(session.launch_url)
    wait_ready(page.main_frame)
    walk_module(page, page.main_frame, right_answers(config) if answered else None)
    leave(page, server)

    statements = wait_for_verb(served_lrs, session.registration, "terminated")
    mine = [s for s in statements if verb_name(s) != "launched"]
    assert verb_name(mine[-1]) == "terminated", names(mine)
    defined = [v for v in names(mine) if v in ("initialized", "answered", "completed", "passed", "terminated")]
    questions = len(config["quiz"]["questions"]) if answered else 0
    judged = ["completed", "passed"] if answered else ["completed"]
    assert defined == ["initialized"] + ["answered"] * questions + judged + ["terminated"]
    check_session(statements, session)
    # What left in the beacon stays in the browser until the next launch (a beacon gets no answer).
    assert {s["id"] for s in outbox(page)} <= {s["id"] for s in statements}


@pytest.mark.parametrize("package_format", ["xapi", "cmi5"])
def test_lrs_stopped_during_the_session(package_format: str, project_lrs: ProjectLrs, page: Page,
                                        server: LiveServer, tmp_path_factory: pytest.TempPathFactory) -> None:
    package = get_package(COURSE, package_format, tmp_path_factory)
    server.serve_package(package.root)
    watch = ConsoleWatch(page)
    if package_format == "cmi5":
        au = cmi5_units(package.root)[QUIZ_MODULE]
        config = module_config(package, au.url)
        first = launch_cmi5(server, project_lrs, au)
        registration, url = first.registration, first.launch_url
    else:
        launch = package.launches[QUIZ_MODULE]
        config = module_config(package, launch)
        registration = str(uuid.uuid4())
        url = xapi_launch(server, project_lrs, launch, config["course"]["id"], registration)
    page.goto(url)
    wait_ready(page.main_frame)
    walk_module(page, page.main_frame, None, stop_at=1)
    if package_format == "xapi":
        wait_for_verb(project_lrs, registration, "experienced", count=2)
    else:
        wait_for_verb(project_lrs, registration, "initialized")
    project_lrs.go_offline()
    # The rest of the module and the quiz, passed, with nobody answering; then the learner leaves.
    for key in [p["key"] for p in config["pages"]][2:]:
        press_next(page, page.main_frame)
        page.main_frame.wait_for_function("(key) => document.activeElement.closest('section').dataset.page === key",
                                          arg=key)
    answer_quiz(page, page.main_frame, config, right_answers(config))
    leave(page, server)
    kept = outbox(page)
    assert kept and verb_name(kept[-1]) == "terminated", names(kept)

    project_lrs.come_back()
    if package_format == "cmi5":
        second = launch_cmi5(server, project_lrs, au, registration=registration, actor=first.actor)
        page.goto(second.launch_url)
    else:
        page.goto(xapi_launch(server, project_lrs, launch, config["course"]["id"], registration))
    wait_ready(page.main_frame)
    assert visible_page(page.main_frame) == config["pages"][-1]["key"], "the bookmark of the first session"
    statements = wait_for_verb(project_lrs, registration, "initialized", count=2)
    stored_ids = [s["id"] for s in statements]
    assert len(set(stored_ids)) == len(stored_ids)
    # Every statement kept by the browser is stored, once, in the order it was made, before the second session.
    positions = [stored_ids.index(s["id"]) for s in kept if s["id"] in stored_ids]
    assert len(positions) == len(kept), "statements of the first session missing from the LRS"
    assert positions == sorted(positions)
    second_start = [i for i, s in enumerate(statements) if verb_name(s) == "initialized"][1]
    assert max(positions) < second_start
    if package_format == "cmi5":
        assert check_session(statements, first)[-1] == "terminated"
        mine = {s["id"] for s in session_statements(statements, first)}
        assert names([s for s in statements if s["id"] in mine])[-1] == "terminated"
    else:
        first_session = statements[:second_start]
        assert names(first_session) == expected_verbs(config, True) + ["terminated"]
    page.wait_for_function("() => !Object.keys(localStorage).some(k => k.startsWith('parcours:outbox:')"
                           " && JSON.parse(localStorage.getItem(k)).length)", timeout=15000)
    assert_only_refused(watch, project_lrs)
