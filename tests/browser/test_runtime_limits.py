"""What a strict SCORM LMS (scorm-again in the test LMS page) refuses, at the edges an
outside author reaches: suspend data past SCORM 1.2's 4,096 characters with a large
shuffled question bank, numbers written with an exponent, and a session that ends with
no pagehide (a discarded tab, a crash), after which the bookmark must still hold."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from playwright.sync_api import Frame, Page

from packager.build import build_packages
from tests.browser.conftest import ConsoleWatch, get_package
from tests.browser.learner import answer_quiz, press_next, read_config, visible_page
from tests.browser.packages import Package
from tests.browser.scorm_lms import (
    SCORM12_RESPONSE, SCORM2004_RESPONSE, check_journal, close_sco, committed, interactions, open_in_lms,
)
from tests.browser.server import LiveServer

pytestmark = pytest.mark.browser

COURSE = """\
id: https://formation.example.gouv.fr/cours/limites
title: Limites
modules:
  - key: m1
    title: Module
    pages: [intro.md]
    quiz: quiz.yaml
"""


def built(folder: Path, files: dict[str, str], package_format: str) -> Package:
    """The course `files` built in `package_format` with the real packager, unpacked."""
    for name, text in {"course.yaml": COURSE, "intro.md": "# Introduction\n\nTexte.\n", **files}.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text, encoding="utf-8")
    (result,) = build_packages(folder, [package_format], folder / "dist")
    root = folder / "unpacked"
    with zipfile.ZipFile(result.path) as archive:
        archive.extractall(root)
    return Package("limites", package_format, root, ("modules/m1/index.html",))


def question_order(frame: Frame) -> list[str]:
    return frame.evaluate("() => [...document.querySelectorAll('fieldset[data-question]:not([hidden])')]"
                          ".map(f => f.dataset.question)")


def test_a_large_shuffled_bank_fits_scorm12_suspend_data_and_resumes_its_draw(
        page: Page, server: LiveServer, console: ConsoleWatch, tmp_path: Path) -> None:
    questions = "".join(
        f"  - {{key: question-au-nom-long-pour-la-limite-{n:03d}, type: true-false, text: 'Affirmation {n}', "
        f"answer: true}}\n" for n in range(130))
    package = built(tmp_path / "banque", {"quiz.yaml": f"shuffle: true\nquestions:\n{questions}"}, "scorm12")
    frame = open_in_lms(page, server, package, package.launches[0])
    drawn = question_order(frame)
    assert len(drawn) == 130 and drawn != sorted(drawn)  # shuffled
    values = committed(log := close_sco(page))
    check_journal(log)  # every LMSSetValue taken: no suspend data over 4,096 characters
    assert len(values["cmi.suspend_data"]) <= 4096
    assert len(",".join(drawn)) > 4096  # the drawn keys alone would not fit

    frame = open_in_lms(page, server, package, package.launches[0], data={
        "cmi.core.entry": "resume", "cmi.core.lesson_status": "incomplete",
        "cmi.core.lesson_location": values["cmi.core.lesson_location"], "cmi.suspend_data": values["cmi.suspend_data"]})
    assert question_order(frame) == drawn  # the seed draws the same order again
    check_journal(close_sco(page))


@pytest.mark.parametrize("package_format", ["scorm12", "scorm2004"])
def test_numbers_are_reported_without_an_exponent(package_format: str, page: Page, server: LiveServer,
                                                  console: ConsoleWatch, tmp_path: Path) -> None:
    # where String() writes 1e-7 and 1e+21 (past SCORM 2004's real(10,7): SCORM 1.2 only)
    typed = {"petit": ("0.0000001", "0,0000001"), "entre": ("0.5", "0,5")}
    if package_format == "scorm12":
        typed["grand"] = ("1000000000000000000000", "1000000000000000000000")
    quiz = "questions:\n" + "".join(
        f"  - {{key: {key}, type: numeric, text: 'Combien ?', answer: {exact}}}\n" for key, (exact, _t) in typed.items())
    package = built(tmp_path / "nombres", {"quiz.yaml": quiz}, package_format)
    frame = open_in_lms(page, server, package, package.launches[0])
    config = read_config(frame)
    press_next(page, frame)  # to the quiz page
    answer_quiz(page, frame, config, {key: text for key, (_exact, text) in typed.items()})
    log = close_sco(page)
    check_journal(log)  # every value taken by the LMS, correct response patterns included
    recorded = interactions(committed(log))
    field, formats = ("student_response", SCORM12_RESPONSE) if package_format == "scorm12" else \
        ("learner_response", SCORM2004_RESPONSE)
    assert [i[field] for i in recorded] == [exact for exact, _text in typed.values()]
    assert all(formats["numeric"].match(i[field]) for i in recorded)
    assert {i["result"] for i in recorded} == {"correct"}


@pytest.mark.parametrize("package_format", ["scorm12", "scorm2004"])
def test_a_session_that_ends_without_pagehide_resumes_at_its_bookmark(
        package_format: str, page: Page, server: LiveServer, console: ConsoleWatch,
        tmp_path_factory: pytest.TempPathFactory) -> None:
    package = get_package("fixture", package_format, tmp_path_factory)
    frame = open_in_lms(page, server, package, package.launches[0])
    keys = [p["key"] for p in read_config(frame)["pages"]]
    press_next(page, frame)
    # The tab is discarded here: no pagehide, no finish; the LMS keeps the last commit.
    values = committed(page.evaluate("() => window.lmsLog"))
    exit_element, location, entry = (("cmi.core.exit", "cmi.core.lesson_location", "cmi.core.entry")
                                     if package_format == "scorm12" else ("cmi.exit", "cmi.location", "cmi.entry"))
    assert values[exit_element] == "suspend" and values[location] == keys[1]
    # Moodle gives `resume` after a suspended exit; even an empty entry keeps the bookmark.
    for given in ("resume", ""):
        frame = open_in_lms(page, server, package, package.launches[0], data={
            entry: given, location: values[location], ("cmi.suspend_data"): values["cmi.suspend_data"]})
        assert visible_page(frame) == keys[1], given
        check_journal(close_sco(page))
