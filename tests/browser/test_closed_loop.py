"""The closed loop: the sample course built, published in the project's LRS, played in
chromium through the real runtime by three learners, then the reports read back.

A answers everything right; B fails the first quiz, retries it at once and passes,
then finishes the course; C leaves on the second page of the first module. Every figure
the reports must show is counted here from what the learners were made to do (the
journal), never read from a report run. Formats: cmi5 (an LMS's launch), xapi (a Tin Can
launch) and SCORM 1.2 in the test LMS page, which reaches the LRS through dual tracking."""

from __future__ import annotations

import json
import time
import urllib.request
import uuid
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from playwright.sync_api import Browser, Frame, Page

from lrs.auth import CourseScope, create_credential
from lrs.db import write_transaction
from packager.build import build_packages
from packager.course.loader import load_course
from packager.course.model import ReportTo
from tests.browser.conftest import ConsoleWatch
from tests.browser.learner import (answer_quiz, read_config, right_answers, tab_to, wait_ready, walk_module,
                                   wrong_answers)
from tests.browser.packages import SAMPLE_COURSES, Package, launch_documents
from tests.browser.scorm_lms import check_journal, close_sco, open_in_lms
from tests.browser.server import LiveServer
from tests.browser.test_dual_tracking import REGISTRATION_NAMESPACE
from tests.browser.test_leaving import module_config, project_lrs  # noqa: F401  (the LRS fixture)
from tests.browser.xapi_lms import VERB, ProjectLrs, cmi5_units, http_json, launch_cmi5

pytestmark = pytest.mark.browser

COURSE = "numerique-responsable"
HOME_PAGE = "https://lms.parcours.test"
FORMATS = ("cmi5", "xapi")  # built once; SCORM 1.2 is built per test, for that test's LRS
# How a session ends in each launch (the xapi runtime suspends an unfinished module).
SESSION_ENDS = (VERB + "terminated", VERB + "suspended")


@dataclass(frozen=True)
class Learner:
    account: str
    name: str
    retry_module: int | None = None  # fails this module's quiz once, retries at once and passes
    leaves_on_page: int | None = None  # leaves the first module on this page (0-based) and plays no more

    @property
    def actor(self) -> dict[str, Any]:
        return {"objectType": "Agent", "name": self.name, "account": {"homePage": HOME_PAGE, "name": self.account}}


LEARNERS = (
    Learner("anne.juste", "Anne Juste"),
    Learner("bruno.reprise", "Bruno Reprise", retry_module=0),
    Learner("chloe.depart", "Chloé Départ", leaves_on_page=1),
)


@dataclass
class Journal:
    """What the learners did, as the test made them do it."""

    configs: list[dict[str, Any]] = field(default_factory=list)  # each module's runtime config, course order
    answers: dict[str, dict[str, list[bool]]] = field(default_factory=dict)  # question -> learner -> right?
    pages: dict[str, dict[str, list[str]]] = field(default_factory=dict)  # module -> learner -> pages shown
    done: dict[str, dict[str, bool]] = field(default_factory=dict)  # module -> learner -> rule met
    passed: dict[str, dict[str, bool]] = field(default_factory=dict)  # module -> learner -> quiz passed

    def answered(self, learner: Learner, config: dict[str, Any], answers: dict[str, Any]) -> bool:
        """Records one submitted attempt; True when it reaches the mastery score (weights as authored)."""
        right = right_answers(config)
        weights = total = 0.0
        for q in config["quiz"]["questions"]:
            correct = answers[q["key"]] == right[q["key"]]
            self.answers.setdefault(q["id"], {}).setdefault(learner.account, []).append(correct)
            weights += q["weight"] if correct else 0
            total += q["weight"]
        mastery = config["module"]["masteryScore"]
        return mastery is None or weights / total >= mastery


def failing_answers(config: dict[str, Any]) -> dict[str, Any]:
    """Right answers turned wrong one by one from the first question until the score is
    under the mastery score: a failed attempt that still gets some questions right."""
    answers, wrong = right_answers(config), wrong_answers(config)
    questions = config["quiz"]["questions"]
    total = sum(q["weight"] for q in questions)
    kept = total
    for q in questions:
        answers[q["key"]] = wrong[q["key"]]
        kept -= q["weight"]
        if kept / total < config["module"]["masteryScore"]:
            return answers
    raise AssertionError("no attempt of this quiz can fail")


def share(part: int, whole: int) -> float:
    return round(part / whole, 4)


# --- the LMS side -----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, Package]]:
    """The sample course in each format: the zip to publish, the unpacked package to serve."""
    work = tmp_path_factory.mktemp("closed-loop")
    out = {}
    for made in build_packages(SAMPLE_COURSES / COURSE, list(FORMATS), work / "dist"):
        root = work / made.format
        with zipfile.ZipFile(made.path) as archive:
            archive.extractall(root)
        out[made.format] = (made.path, Package(COURSE, made.format, root, launch_documents(root, made.format)))
    return out


def publish(lrs: ProjectLrs, package_zip: Path) -> dict[str, Any]:
    base = lrs.endpoint.split("/xapi/")[0]
    request_headers = {"Authorization": lrs.lms_auth, "Content-Type": "application/zip"}
    request = urllib.request.Request(f"{base}/courses?{urlencode({'filename': package_zip.name})}",
                                     data=package_zip.read_bytes(), method="POST", headers=request_headers)
    with urllib.request.urlopen(request, timeout=60) as response:
        assert response.status == 201
        return json.loads(response.read())


def report(lrs: ProjectLrs, path: str, course: str) -> list[dict[str, Any]]:
    base = lrs.endpoint.split("/xapi/")[0]
    status, body = http_json("GET", f"{base}/reports/{path}.json?{urlencode({'course': course, 'lang': 'fr'})}",
                             lrs.lms_auth)
    assert status == 200, body
    return body["rows"]


def wait_for_sessions(lrs: ProjectLrs, registration: str, count: int, timeout: float = 15) -> None:
    """Until `count` sessions of the registration have ended (their last statement is sent as the page goes)."""
    deadline = time.monotonic() + timeout
    while True:
        ended = sum(1 for s in lrs.statements(registration) if s["verb"]["id"] in SESSION_ENDS)
        if ended >= count:
            return
        if time.monotonic() > deadline:
            raise AssertionError(f"{ended} of {count} sessions ended within {timeout} s")
        time.sleep(0.1)


def scorm_registration(learner: Learner, home_page: str, course: str) -> str:
    """The dual-tracking registration of a first attempt (docs/runtime-contract.md)."""
    name = "\n".join([home_page, learner.account, course, "1"])
    return str(uuid.uuid5(REGISTRATION_NAMESPACE, name))


def open_module(package_format: str, package: Package, index: int, learner: Learner, registration: str,
                lrs: ProjectLrs, server: LiveServer, page: Page) -> tuple[Frame, dict[str, Any]]:
    """Module `index` opened as its LMS opens it: a cmi5 launch (LMS.LaunchData, launched,
    fetch URL), a Tin Can launch, or the SCO in the SCORM 1.2 LMS page."""
    if package_format == "scorm12":
        frame = open_in_lms(page, server, package, package.launches[index], data={
            "cmi.core.student_id": learner.account, "cmi.core.student_name": learner.name})
        return frame, read_config(frame)
    if package_format == "cmi5":
        au = cmi5_units(package.root)[index]
        session = launch_cmi5(server, lrs, au, registration=registration, actor=learner.actor)
        url, config = session.launch_url, module_config(package, au.url)
    else:
        launch = package.launches[index]
        config = module_config(package, launch)
        url = f"{server.base}/pkg/{launch}?" + urlencode({
            "endpoint": lrs.endpoint, "auth": "Basic " + lrs.session_token(), "actor": json.dumps(learner.actor),
            "registration": registration, "activity_id": config["course"]["id"]})
    page.goto(url)
    wait_ready(page.main_frame)
    return page.main_frame, config


def leave_module(package_format: str, page: Page, server: LiveServer) -> None:
    """The learner leaves: the LMS unloads the SCO, or the window goes back to the LMS."""
    if package_format == "scorm12":
        check_journal(close_sco(page))
    else:
        page.goto(f"{server.base}/lms/returned.html")


# --- the learners --------------------------------------------------------------------------------

def play_module(page: Page, frame: Frame, learner: Learner, index: int, config: dict[str, Any],
                journal: Journal) -> None:
    module = config["module"]["id"]
    quiz = config.get("quiz")
    pages = journal.pages.setdefault(module, {})
    if learner.leaves_on_page is not None:
        pages[learner.account] = walk_module(page, frame, None, stop_at=learner.leaves_on_page)
        journal.done.setdefault(module, {})[learner.account] = False
        journal.passed.setdefault(module, {})[learner.account] = False
        return
    assert quiz and config["pages"][-1]["key"] == quiz["key"], "every module of the sample ends with its quiz"
    first = failing_answers(config) if learner.retry_module == index else right_answers(config)
    pages[learner.account] = walk_module(page, frame, first)
    passed = journal.answered(learner, config, first)
    if not passed:
        tab_to(page, frame, tag="BUTTON", action="retry")
        page.keyboard.press("Enter")
        again = right_answers(config)
        answer_quiz(page, frame, config, again)
        passed = journal.answered(learner, config, again)
    assert passed
    journal.passed.setdefault(module, {})[learner.account] = passed
    rule = config["module"]["completion"]
    journal.done.setdefault(module, {})[learner.account] = passed if rule == "quiz" else len(
        pages[learner.account]) == len(config["pages"])


def play(browser: Browser, package_format: str, package: Package, lrs: ProjectLrs, server: LiveServer) -> Journal:
    journal = Journal()
    modules = len(package.launches)
    for learner in LEARNERS:
        # one browser profile per learner: nothing kept in localStorage passes from one to the next
        context = browser.new_context(viewport={"width": 1024, "height": 768}, locale="fr-FR")
        page = context.new_page()
        console = ConsoleWatch(page)
        registration = str(uuid.uuid4())
        played = 1 if learner.leaves_on_page is not None else modules
        for index in range(played):
            frame, config = open_module(package_format, package, index, learner, registration, lrs, server, page)
            if package_format == "scorm12":  # the runtime names the registration itself
                registration = scorm_registration(learner, server.base, config["course"]["id"])
            if learner is LEARNERS[0]:
                journal.configs.append(config)
            play_module(page, frame, learner, index, config, journal)
            leave_module(package_format, page, server)
            wait_for_sessions(lrs, registration, index + 1)
        console.assert_clean()
        context.close()
    return journal


# --- the test -------------------------------------------------------------------------------------

def scorm12_with_dual_tracking(work: Path, lrs: ProjectLrs, server: LiveServer) -> tuple[Path, Package]:
    """SCORM 1.2 reaches an LRS only through dual tracking: built for this LRS, with a
    course-scoped key for learners of the test LMS (whose origin is their homePage)."""
    course = load_course(SAMPLE_COURSES / COURSE)
    with write_transaction(lrs.app.extensions["parcours.engine"]) as connection:
        credential, secret = create_credential(connection, course=CourseScope(course.id, (server.base,), ()))
    report_to = ReportTo(endpoint=lrs.endpoint, key=f"{credential.key}:{secret}")
    [made] = build_packages(SAMPLE_COURSES / COURSE, ["scorm12"], work / "dist", report_to=report_to)
    root = work / "scorm12"
    with zipfile.ZipFile(made.path) as archive:
        archive.extractall(root)
    return made.path, Package(COURSE, "scorm12", root, launch_documents(root, "scorm12"))


@pytest.mark.parametrize("package_format", FORMATS + ("scorm12",))
def test_three_learners_through_the_reports(package_format: str, built: dict[str, tuple[Path, Package]],
                                            project_lrs: ProjectLrs, server: LiveServer, browser: Browser,
                                            tmp_path: Path) -> None:
    if package_format == "scorm12":
        package_zip, package = scorm12_with_dual_tracking(tmp_path, project_lrs, server)
    else:
        package_zip, package = built[package_format]
    published = publish(project_lrs, package_zip)
    server.serve_package(package.root)
    journal = play(browser, package_format, package, project_lrs, server)
    course = journal.configs[0]["course"]["id"]
    assert (published["course"], published["format"], published["modules"]) == (
        course, package_format, len(journal.configs))
    accounts = [learner.account for learner in LEARNERS]
    module_ids = [config["module"]["id"] for config in journal.configs]

    # the course: completed when every module's rule is met (cmi5: its moveOn, the same here)
    completed = [a for a in accounts if all(journal.done[m].get(a, False) for m in module_ids)]
    passed = [a for a in accounts if all(journal.passed[m].get(a, False) for m in module_ids)]
    assert len(completed) == 2 and len(accounts) == 3  # the scenario: 2 of 3
    [summary] = report(project_lrs, "course", course)
    assert summary["learners"] == len(accounts)
    assert summary["started"] == len(accounts)
    assert summary["completed"] == len(completed)
    assert summary["passed"] == len(passed)
    assert summary["failed"] == 0  # B's failure was made good by the retry
    assert summary["completion_rate"] == share(len(completed), len(accounts))
    by_name = {row["name"]: row for row in report(project_lrs, "course/learners", course)}
    for learner in LEARNERS:
        row = by_name[learner.name]
        satisfied = sum(journal.done[m].get(learner.account, False) for m in module_ids)
        assert row["completed"] is (learner.account in completed), learner.name
        assert row["progress"] == share(satisfied, len(module_ids)), learner.name

    # per module, in course order
    modules = report(project_lrs, "course/modules", course)
    assert [row["module"] for row in modules] == module_ids
    assert [row["module_name"] for row in modules] == [config["module"]["title"] for config in journal.configs]
    for module, row in zip(module_ids, modules):
        starters = journal.pages[module]
        assert row["started"] == len(starters), module
        assert row["completed"] == sum(journal.done[module].values()), module
        assert row["passed"] == sum(journal.passed[module].values()), module
        assert row["failed"] == 0, module

    # each question, in course order: answers and facility from the journal
    questions = [q for config in journal.configs for q in config["quiz"]["questions"]]
    items = report(project_lrs, "course/items", course)
    assert [row["question"] for row in items] == [q["id"] for q in questions]
    retried = 0
    for q, row in zip(questions, items):
        given = journal.answers[q["id"]]
        every = [right for attempts in given.values() for right in attempts]
        assert row["learners"] == len(given), q["id"]
        assert row["answers"] == len(every), q["id"]
        assert row["first_attempt_correct"] == share(sum(a[0] for a in given.values()), len(given)), q["id"]
        assert row["facility"] == share(sum(every), len(every)), q["id"]
        retried += len(every) > len(given)
    assert retried == len(journal.configs[LEARNERS[1].retry_module]["quiz"]["questions"])

    # drop-off: the pages the learners reached, and where C stopped
    drop = report(project_lrs, "course/dropoff", course)
    for config in journal.configs:
        module = config["module"]["id"]
        rows = [row for row in drop if row["module"] == module]
        page_ids = [f"{module}/pages/{p['key']}" for p in config["pages"]]
        assert [row["page"] for row in rows] == page_ids, module
        shown = journal.pages[module]
        for key, row in zip([p["key"] for p in config["pages"]], rows):
            reached = [a for a, keys in shown.items() if key in keys]
            stopped = [a for a, keys in shown.items() if keys[-1] == key and not journal.done[module][a]]
            assert row["started"] == len(shown), row["page"]
            assert row["reached"] == len(reached), row["page"]
            assert row["reached_share"] == share(len(reached), len(shown)), row["page"]
            assert row["stopped_here"] == len(stopped), row["page"]
    leaver = LEARNERS[2]
    first = journal.configs[0]
    [stop] = [row for row in drop if row["stopped_here"]]
    assert stop["module"] == first["module"]["id"]
    assert stop["page"] == f"{first['module']['id']}/pages/{first['pages'][leaver.leaves_on_page]['key']}"
    assert journal.pages[first["module"]["id"]][leaver.account][-1] == first["pages"][1]["key"]
