"""SCORM packages built with `--report-to` (dual tracking): played in the test LMS page
(scorm-again), they make the same SCORM calls as without it and send the xapi format's
statements to the LRS, also when the LRS was away during the session."""

from __future__ import annotations

import re
import uuid
import zipfile
from urllib.parse import urlencode
from pathlib import Path
from typing import Any, Iterator

import pytest
from playwright.sync_api import Page

from lrs.auth import SELF_REPORTED_HOMEPAGE, CourseScope, create_credential
from lrs.db import write_transaction
from packager.build import build_packages
from packager.course.model import ReportTo
from tests.browser.conftest import ConsoleWatch
from tests.browser.learner import answer_quiz, press_next, read_config, right_answers, walk_module
from tests.browser.packages import SAMPLE_COURSES, Package, launch_documents
from tests.browser.scorm_lms import check_journal, close_sco, open_in_lms
from tests.browser.server import LiveServer
from tests.browser.test_leaving import REFUSED, expected_verbs
from tests.browser.xapi_lms import ProjectLrs, http_json, wait_for_verb

pytestmark = pytest.mark.browser

COURSE = "numerique-responsable"
COURSE_ID = "https://parcours.example.gouv.fr/cours/numerique-responsable"
LEARNER_ID, LEARNER_NAME = "camille.martin", "Martin, Camille"
# What the LMS says of the learner, as Moodle fills it in (its username, "Last, First")
LEARNER = {"scorm12": {"cmi.core.student_id": LEARNER_ID, "cmi.core.student_name": LEARNER_NAME},
           "scorm2004": {"cmi.learner_id": LEARNER_ID, "cmi.learner_name": LEARNER_NAME}}
# docs/runtime-contract.md: uuid5 of this namespace and "homePage\nlearner id\ncourse id\nattempt"
REGISTRATION_NAMESPACE = uuid.UUID("ec8742fe-7723-5bbf-9964-9ef9b62234ff")
# SCORM values that differ from one run to the next whatever the runtime does
TIMED = re.compile(r"(session_time|\.time|\.timestamp|\.latency)$")


@pytest.fixture
def project_lrs(tmp_path: Path) -> Iterator[ProjectLrs]:
    running = ProjectLrs(f"sqlite:///{tmp_path / 'lrs.db'}")
    yield running
    running.stop()


def scorm(work: Path, report_to: ReportTo | None, package_format: str = "scorm12") -> Package:
    """The sample course as a SCORM package, with or without dual tracking."""
    built = build_packages(SAMPLE_COURSES / COURSE, [package_format], work / "dist", report_to=report_to)
    root = work / "unpacked"
    with zipfile.ZipFile(built[0].path) as archive:
        archive.extractall(root)
    return Package(COURSE, package_format, root, launch_documents(root, package_format))


def report_to(lrs: ProjectLrs, server: LiveServer) -> ReportTo:
    """The course-scoped write-only key that goes into the package (lrs.course_keys), for
    learners of the test LMS (whose origin is the account's homePage)."""
    with write_transaction(lrs.app.extensions["parcours.engine"]) as connection:
        credential, secret = create_credential(connection, course=CourseScope(COURSE_ID, (server.base,), ()))
    return ReportTo(endpoint=lrs.endpoint, key=f"{credential.key}:{secret}")


def writes(log: list[dict[str, Any]]) -> list[tuple[str, str, str]]:
    """What the SCO asked the LMS to do, timed values blanked."""
    return [(e["call"], e.get("element", ""), "" if TIMED.search(e.get("element", "")) else e.get("value", ""))
            for e in log]


def play(page: Page, server: LiveServer, package: Package, config_out: list[dict[str, Any]]) -> list[dict[str, Any]]:
    frame = open_in_lms(page, server, package, package.launches[0], data=LEARNER[package.format])
    config = read_config(frame)
    config_out.append(config)
    walk_module(page, frame, right_answers(config))
    return close_sco(page)


def registration_of(home_page: str, course_id: str, attempt: int = 1) -> str:
    name = "\n".join([home_page, LEARNER_ID, course_id, str(attempt)])
    return str(uuid.uuid5(REGISTRATION_NAMESPACE, name))


@pytest.mark.parametrize("package_format", ["scorm12", "scorm2004"])
def test_same_scorm_calls_and_the_module_statements(package_format: str, project_lrs: ProjectLrs, page: Page,
                                                    server: LiveServer, console: ConsoleWatch, tmp_path: Path) -> None:
    configs: list[dict[str, Any]] = []
    plain_log = play(page, server, scorm(tmp_path / "plain", None, package_format), configs)
    dual_log = play(page, server, scorm(tmp_path / "dual", report_to(project_lrs, server), package_format), configs)
    check_journal(dual_log)
    assert writes(dual_log) == writes(plain_log)
    assert "reportTo" not in configs[0] and "reportTo" in configs[1]

    config = configs[1]
    registration = registration_of(server.base, config["course"]["id"])
    statements = wait_for_verb(project_lrs, registration, "terminated")
    assert [s["verb"]["id"].rsplit("/", 1)[1] for s in statements] == expected_verbs(config, True) + ["terminated"]
    assert config["course"]["id"] == COURSE_ID
    for s in statements:
        assert s["authority"]["account"]["homePage"] == SELF_REPORTED_HOMEPAGE
        assert s["actor"]["account"] == {"homePage": server.base, "name": LEARNER_ID}
        assert s["actor"]["name"] == LEARNER_NAME
    answered = [s for s in statements if s["verb"]["id"].endswith("/answered")]
    assert [s["object"]["id"] for s in answered] == [q["id"] for q in config["quiz"]["questions"]]
    assert all(s["result"]["success"] is True for s in answered)

    # The reports place them: the module under its title, completed and passed with its score.
    reports = project_lrs.endpoint.replace("/xapi/", "/reports/course/modules.json?") + urlencode(
        {"course": COURSE_ID, "lang": "fr"})
    status, table = http_json("GET", reports, project_lrs.lms_auth)
    assert status == 200, table
    rows = {row["module"]: row for row in table["rows"]}
    module = rows[config["module"]["id"]]
    assert module["module_name"] == config["module"]["title"]
    assert (module["learners"], module["completed"], module["passed"]) == (1, 1, 1)
    assert module["median_score"] == 1


def test_a_package_without_report_to_sends_nothing(project_lrs: ProjectLrs, page: Page, server: LiveServer,
                                                   console: ConsoleWatch, tmp_path: Path) -> None:
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    play(page, server, scorm(tmp_path / "plain", None), [])
    assert requests and all(url.startswith(server.base) for url in requests), requests


def test_lrs_away_during_the_session(project_lrs: ProjectLrs, page: Page, server: LiveServer,
                                     tmp_path: Path) -> None:
    watch = ConsoleWatch(page)
    package = scorm(tmp_path / "dual", report_to(project_lrs, server))
    frame = open_in_lms(page, server, package, package.launches[0], data=LEARNER["scorm12"])
    config = read_config(frame)
    registration = registration_of(server.base, config["course"]["id"])
    walk_module(page, frame, None, stop_at=1)
    wait_for_verb(project_lrs, registration, "experienced", count=2)
    project_lrs.go_offline()
    for key in [p["key"] for p in config["pages"]][2:]:
        press_next(page, frame)
        frame.wait_for_function("(key) => document.activeElement.closest('section').dataset.page === key", arg=key)
    answer_quiz(page, frame, config, right_answers(config))
    check_journal(close_sco(page))  # the SCORM side is not held back by the LRS being away

    project_lrs.come_back()
    # The learner opens the module again (the LMS resumes it): what was kept goes first.
    open_in_lms(page, server, package, package.launches[0], data={**LEARNER["scorm12"], "cmi.core.entry": "resume"})
    statements = wait_for_verb(project_lrs, registration, "initialized", count=2)
    verbs = [s["verb"]["id"].rsplit("/", 1)[1] for s in statements]
    second = [i for i, v in enumerate(verbs) if v == "initialized"][1]
    assert verbs[:second] == expected_verbs(config, True) + ["terminated"]
    other = [e for e in watch.errors if REFUSED not in e]
    assert not other, other
