"""The course overview after loading the sample statement sets and the bench's data
through the Statement API, against figures computed from the same statements in the
test, on SQLite and PostgreSQL."""

from __future__ import annotations

import json

import pytest

from bench.reports import COURSES as BENCH_COURSES, generate_statements

from .conftest import AUTH, post_statements
from .expected import course_figures, in_course

SAMPLES = "samples/statements/valid"
COURSE = "https://formation.exemple.gouv.fr/cours/"
# Each sample file is one learner in one course, as an analyst reads it.
SAMPLE_COURSES = {
    "cmi5-session.json": COURSE + "accessibilite-numerique",  # the grouping; the AU is its module
    "scorm-session.json": COURSE + "rgpd",  # the parent typed as a course; the SCO is its module
    "moodle-course-completion.json": "https://mentor.gouv.fr/course/view.php?id=312",  # Moodle's course
    "interactions.json": COURSE + "institutions",  # the answers' parent
}
FIGURES = ("learners", "started", "completed", "passed", "failed", "completion_rate", "median_seconds",
           "median_score", "mean_score")


def _get(app, path: str, **query) -> list[dict]:
    response = app.test_client().get(path, query_string=query, headers=AUTH)
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()["rows"]


def _assert_overview(app, course: str, expected: dict) -> None:
    listed = {row["course"]: row for row in _get(app, "/reports/courses.json")}[course]
    overview = _get(app, "/reports/course.json", course=course)[0]
    for key in FIGURES:
        assert overview[key] == expected[key], (course, key, overview[key], expected[key])
        assert listed[key] == expected[key], (course, key)
    assert [row["learners"] for row in _get(app, "/reports/course/scores.json", course=course)] == expected["bins"]


def _samples(root) -> dict[str, list[dict]]:
    loaded = {}
    for path in sorted((root / SAMPLES).glob("*.json")):
        body = json.loads(path.read_text())
        loaded[path.name] = body if isinstance(body, list) else [body]
    return loaded


@pytest.mark.postgres
def test_sample_statement_sets(make_app, database_url, root):
    samples = _samples(root)
    assert set(samples) == set(SAMPLE_COURSES), "a new sample: say which course it is about"
    app = make_app(database_url)
    for statements in samples.values():
        post_statements(app, statements)
    shown = {row["course"] for row in _get(app, "/reports/courses.json")}
    assert shown == set(SAMPLE_COURSES.values())
    for name, course in SAMPLE_COURSES.items():
        expected = course_figures(samples[name], course)
        assert expected["learners"] == 1
        _assert_overview(app, course, expected)


@pytest.mark.postgres
def test_bench_data(make_app, database_url):
    statements = list(generate_statements(4000))  # ~77 learners, the last one stopped mid-way
    app = make_app(database_url)
    post_statements(app, statements, batch=250)
    shown = {row["course"] for row in _get(app, "/reports/courses.json")}
    assert shown == set(BENCH_COURSES)
    for course in BENCH_COURSES:
        expected = course_figures([s for s in statements if in_course(s, course)], course)
        assert expected["learners"] >= 3 and expected["completed"] >= 1
        _assert_overview(app, course, expected)
