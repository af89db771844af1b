"""Nothing a learner did is lost when the page goes away: the package and the LRS on two
origins (two ports of 127.0.0.1), the learner leaving by navigation right after the last
action, and the LRS stopped in the middle of a session (docs/runtime-contract.md,
"Delivery")."""

from __future__ import annotations

import json
import re
import threading
import uuid
import zipfile
from dataclasses import dataclass
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
from tests.browser.xapi_lms import (Cmi5Session, ProjectLrs, _basic, cmi5_units, http_json, launch_cmi5,
                                   wait_for_verb)

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


def xapi_launch(server: LiveServer, lrs: "ServedLrs | ProjectLrs", launch: str, course_id: str, registration: str) -> str:
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


@dataclass
class Launch:
    """One launch of a module as its LMS does it: where to open it, for which registration."""

    config: dict[str, Any]
    registration: str
    url: str
    session: Cmi5Session | None = None  # cmi5 only


def launch_module(package_format: str, module: int, lrs: ServedLrs | ProjectLrs, server: LiveServer,
                  tmp_path_factory: pytest.TempPathFactory, again: Launch | None = None) -> Launch:
    """A cmi5 launch (LMS.LaunchData, launched, fetch URL) or a Tin Can launch of the
    sample course's `module`; `again` relaunches it for the same learner and registration."""
    package = get_package(COURSE, package_format, tmp_path_factory)
    server.serve_package(package.root)
    if package_format == "cmi5":
        au = cmi5_units(package.root)[module]
        config = module_config(package, au.url)
        session = launch_cmi5(server, lrs, au, registration=again.registration if again else None,
                              actor=again.session.actor if again and again.session else None)
        return Launch(config, session.registration, session.launch_url, session)
    launch = package.launches[module]
    config = module_config(package, launch)
    registration = again.registration if again else str(uuid.uuid4())
    return Launch(config, registration, xapi_launch(server, lrs, launch, config["course"]["id"], registration))


@pytest.mark.parametrize("package_format", ["xapi", "cmi5"])
@pytest.mark.parametrize("module", [QUIZ_MODULE, PAGES_MODULE], ids=["quiz-module", "pages-module"])
def test_leaving_right_after_the_last_action(package_format: str, module: int, served_lrs: ServedLrs, page: Page,
                                            server: LiveServer, console: ConsoleWatch,
                                            tmp_path_factory: pytest.TempPathFactory) -> None:
    launched = launch_module(package_format, module, served_lrs, server, tmp_path_factory)
    config, answered = launched.config, module == QUIZ_MODULE
    page.goto(launched.url)
    wait_ready(page.main_frame)
    walk_module(page, page.main_frame, right_answers(config) if answered else None)
    leave(page, server)

    statements = wait_for_verb(served_lrs, launched.registration, "terminated")
    assert len({s["id"] for s in statements}) == len(statements)
    if launched.session is None:
        assert names(statements) == expected_verbs(config, answered) + ["terminated"]
        experienced = [s["object"]["id"] for s in statements if verb_name(s) == "experienced"]
        assert experienced == [f"{config['module']['id']}/pages/{p['key']}" for p in config["pages"]]
    else:
        mine = [s for s in statements if verb_name(s) != "launched"]
        assert verb_name(mine[-1]) == "terminated", names(mine)
        defined = [v for v in names(mine) if v in ("initialized", "answered", "completed", "passed", "terminated")]
        questions = len(config["quiz"]["questions"]) if answered else 0
        judged = ["completed", "passed"] if answered else ["completed"]
        assert defined == ["initialized"] + ["answered"] * questions + judged + ["terminated"]
        check_session(statements, launched.session)
    # What left in the beacon stays in the browser until the next launch (a beacon gets no answer).
    assert {s["id"] for s in outbox(page)} <= {s["id"] for s in statements}


@pytest.mark.parametrize("package_format", ["xapi", "cmi5"])
def test_lrs_stopped_during_the_session(package_format: str, project_lrs: ProjectLrs, page: Page,
                                        server: LiveServer, tmp_path_factory: pytest.TempPathFactory) -> None:
    watch = ConsoleWatch(page)
    first = launch_module(package_format, QUIZ_MODULE, project_lrs, server, tmp_path_factory)
    config, registration = first.config, first.registration
    page.goto(first.url)
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
    page.goto(launch_module(package_format, QUIZ_MODULE, project_lrs, server, tmp_path_factory, again=first).url)
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
    if first.session is not None:
        assert check_session(statements, first.session)[-1] == "terminated"
        mine = {s["id"] for s in session_statements(statements, first.session)}
        assert names([s for s in statements if s["id"] in mine])[-1] == "terminated"
    else:
        assert names(statements[:second_start]) == expected_verbs(config, True) + ["terminated"]
    page.wait_for_function("() => !Object.keys(localStorage).some(k => k.startsWith('parcours:outbox:')"
                           " && JSON.parse(localStorage.getItem(k)).length)", timeout=15000)
    assert_only_refused(watch, project_lrs)


class SlowLrs:
    """An LRS that takes its time: requests that write in the usual syntax wait until
    released; a beacon (the alternate syntax, `?method=`) is answered at once."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.holding = False
        self.released = threading.Event()

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        writes = environ["REQUEST_METHOD"] in ("POST", "PUT") and "method=" not in environ.get("QUERY_STRING", "")
        if self.holding and writes:
            self.released.wait(60)
        return self.app(environ, start_response)


def test_a_hidden_page_sends_what_is_pending(project_lrs: ProjectLrs, page: Page, server: LiveServer,
                                            tmp_path_factory: pytest.TempPathFactory) -> None:
    """Phones may discard a hidden page without pagehide: hiding it already sends the
    statements and the bookmark still on their way."""
    slow = SlowLrs(project_lrs.app)
    project_lrs.serve(slow)
    launched = launch_module("xapi", QUIZ_MODULE, project_lrs, server, tmp_path_factory)
    keys = [p["key"] for p in launched.config["pages"]]
    page.goto(launched.url)
    wait_ready(page.main_frame)
    wait_for_verb(project_lrs, launched.registration, "experienced")
    slow.holding = True
    try:
        walk_module(page, page.main_frame, None)  # every page: statements and bookmarks wait on the LRS
        page.evaluate("""() => {
            Object.defineProperty(document, 'visibilityState', {configurable: true, get: () => 'hidden'});
            document.dispatchEvent(new Event('visibilitychange'));
        }""")
        statements = wait_for_verb(project_lrs, launched.registration, "experienced", count=len(keys))
        assert names(statements) == expected_verbs(launched.config, False)
        state = project_lrs.endpoint + "activities/state?" + urlencode({
            "stateId": "https://w3id.org/xapi/parcours/state/bookmark", "activityId": launched.config["module"]["id"],
            "agent": json.dumps(ACTOR), "registration": launched.registration})
        status, bookmark = http_json("GET", state, project_lrs.lms_auth)
        assert status == 200 and bookmark["location"] == keys[-1], (status, bookmark)
    finally:
        slow.released.set()


def test_the_exit_button_waits_for_a_long_quiz_to_reach_the_lrs(project_lrs: ProjectLrs, page: Page,
                                                                server: LiveServer, tmp_path: Path) -> None:
    """48 answers weigh about 100 KB, more than the beacons that leaving uses can carry
    (64 KB in all): pressed while they are on their way, the exit button waits for them,
    then sends completed, passed and terminated, the last statement of the session."""
    from packager.build import build_packages
    from tests.browser.learner import tab_to

    folder = tmp_path / "long-quiz"
    folder.mkdir()
    (folder / "course.yaml").write_text(
        "id: https://formation.example.gouv.fr/cours/quiz-long\ntitle: Quiz long\nmastery_score: 0.5\n"
        "modules:\n  - {key: examen, title: Examen, pages: [intro.md], quiz: quiz.yaml}\n", encoding="utf-8")
    (folder / "intro.md").write_text("# Examen\n\nQuarante-huit questions.\n", encoding="utf-8")
    long_text = "Laquelle de ces propositions décrit le mieux la règle ? " * 3
    questions = "".join(
        f"  - type: choice\n    text: '{n}. {long_text}'\n    choices:\n"
        + "".join(f"      - {{text: 'Proposition {c} : {long_text}', correct: {str(c == 1).lower()}}}\n" for c in range(1, 5))
        for n in range(48))
    (folder / "quiz.yaml").write_text("questions:\n" + questions, encoding="utf-8")
    (built,) = build_packages(folder, ["cmi5"], folder / "dist")
    root = folder / "unpacked"
    with zipfile.ZipFile(built.path) as archive:
        archive.extractall(root)
    server.serve_package(root)
    (au,) = cmi5_units(root)
    config = module_config(Package("quiz-long", "cmi5", root, (au.url,)), au.url)

    slow = SlowLrs(project_lrs.app)
    project_lrs.serve(slow)
    session = launch_cmi5(server, project_lrs, au, return_url=f"{server.base}/lms/returned.html")
    page.goto(session.launch_url)
    wait_ready(page.main_frame)
    wait_for_verb(project_lrs, session.registration, "initialized")
    slow.holding = True
    release = threading.Timer(1.5, slow.released.set)  # the LRS answers again while the button waits
    try:
        walk_module(page, page.main_frame, right_answers(config))
        tab_to(page, page.main_frame, tag="BUTTON", action="exit")
        release.start()
        page.keyboard.press("Enter")
        statements = wait_for_verb(project_lrs, session.registration, "terminated", timeout=30)
    finally:
        release.cancel()
        slow.released.set()
    mine = [s for s in statements if verb_name(s) != "launched"]
    assert names(mine).count("answered") == 48
    assert {"completed", "passed"} <= set(names(mine))
    assert verb_name(mine[-1]) == "terminated", names(mine)[-5:]
    check_session(statements, session)
