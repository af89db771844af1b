"""Quiz authoring: feedback per choice, question pools (draw, shuffle), attempt limits."""

from __future__ import annotations

import pytest

from packager.course import CourseError, load_course
from packager.render import module_config, module_html
from tests.packager.conftest import MINIMAL_COURSE, MINIMAL_PAGE, CourseWriter

QUIZ_COURSE = MINIMAL_COURSE + "    quiz: quiz/q.yaml\n"
POOL = """
draw: 2
questions:
  - key: a
    type: choice
    text: Première ?
    choices:
      - {id: oui, text: Oui, correct: true, feedback: "Oui : c'est la bonne."}
      - {id: non, text: Non, feedback: Non ne convient pas ici.}
  - {key: b, type: true-false, text: "Deuxième ?", answer: vrai}
  - {key: c, type: true-false, text: "Troisième ?", answer: faux}
"""


def _errors(write_course: CourseWriter, course: str, quiz: str) -> list[str]:
    with pytest.raises(CourseError) as caught:
        load_course(write_course({"course.yaml": course, "pages/intro.md": MINIMAL_PAGE, "quiz/q.yaml": quiz}))
    return caught.value.format().splitlines()


def test_pool_feedback_and_attempts_reach_the_runtime(write_course: CourseWriter) -> None:
    course = load_course(write_course({"course.yaml": QUIZ_COURSE + "    attempts: 3\n", "pages/intro.md": MINIMAL_PAGE,
                                       "quiz/q.yaml": POOL}))
    module = course.modules[0]
    config = module_config(course, module, "scorm12")["quiz"]
    assert (config["draw"], config["shuffle"], config["maxAttempts"]) == (2, True, 3)
    assert config["questions"][0]["choices"] == [
        {"id": "oui", "text": "Oui", "feedback": "Oui : c'est la bonne."},
        {"id": "non", "text": "Non", "feedback": "Non ne convient pas ici."}]
    html = module_html(course, module, "scorm12").decode()
    assert "2 questions tirées au sort parmi 3, dans un ordre nouveau à chaque tentative." in html
    assert "Nombre de tentatives : 3 au plus." in html


def test_no_pool_by_default(write_course: CourseWriter) -> None:
    quiz = "questions:\n  - {type: true-false, text: Q, answer: true}\n"
    course = load_course(write_course({"course.yaml": QUIZ_COURSE, "pages/intro.md": MINIMAL_PAGE, "quiz/q.yaml": quiz}))
    config = module_config(course, course.modules[0], "web")["quiz"]
    assert (config["draw"], config["shuffle"], config["maxAttempts"]) == (None, False, None)


def test_draw_cannot_exceed_the_pool(write_course: CourseWriter) -> None:
    assert _errors(write_course, QUIZ_COURSE, POOL.replace("draw: 2", "draw: 5")) == [
        "quiz/q.yaml:1: draw: draw (5) dépasse le nombre de questions (3)"]
    assert _errors(write_course, QUIZ_COURSE, POOL.replace("draw: 2", "draw: 0")) == [
        "quiz/q.yaml:1: draw: doit être strictement positif"]


def test_attempts_need_a_quiz_and_a_whole_number(write_course: CourseWriter) -> None:
    without_quiz = MINIMAL_COURSE + "    attempts: 2\n"
    errors = _errors(write_course, without_quiz, POOL)
    assert errors == ["course.yaml:8: modules[0].attempts: un nombre de tentatives n'a de sens qu'avec un quiz"]
    errors = _errors(write_course, QUIZ_COURSE + "    attempts: deux\n", POOL)
    assert errors == ["course.yaml:9: modules[0].attempts: nombre entier attendu"]
