"""The learner-activity model against numbers computed from the statements in the test,
on SQLite and PostgreSQL, kept up to date batch by batch and when statements are voided."""

from __future__ import annotations

import json

import pytest

from .conftest import AUTH, basic, post_statements
from .dataset import standard_set
from .expected import course_overview, modules

COURSES = [
    "https://formation.example.org/cours/a",
    "https://formation.example.org/cours/b",
    "https://formation.example.org/cours/c",
]


def _overview(app, course: str) -> dict:
    response = app.test_client().get("/reports/course.json", query_string={"course": course}, headers=AUTH)
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()["rows"][0]


def _bins(app, course: str) -> list[int]:
    response = app.test_client().get("/reports/course/scores.json", query_string={"course": course}, headers=AUTH)
    return [row["learners"] for row in response.get_json()["rows"]]


@pytest.mark.postgres
def test_course_overview_equals_an_independent_computation(make_app, database_url):
    statements = standard_set()
    app = make_app(database_url)
    post_statements(app, statements, batch=37)  # batches cut learners' histories anywhere
    for course in COURSES:
        expected = course_overview(statements, course)
        got = _overview(app, course)
        assert expected["learners"] > 0
        for key in ("learners", "started", "completed", "passed", "failed", "completion_rate", "median_score"):
            assert got[key] == expected[key], (course, key)
        assert got["median_seconds"] == pytest.approx(expected["median_seconds"])
        assert _bins(app, course) == expected["bins"]


@pytest.mark.postgres
def test_module_detail_follows_completion_and_cmi5_move_on(make_app, database_url):
    statements = standard_set(seed=11)
    app = make_app(database_url)
    post_statements(app, statements)
    for course in COURSES:
        expected = modules(statements, course)
        response = app.test_client().get("/reports/course/modules.json", query_string={"course": course}, headers=AUTH)
        rows = {row["module"]: row for row in response.get_json()["rows"]}
        assert set(rows) == set(expected), course
        for module, numbers in expected.items():
            for key, value in numbers.items():
                assert rows[module][key] == value, (module, key)


@pytest.mark.postgres
def test_voided_statements_leave_the_reports(make_app, database_url):
    statements = standard_set()
    app = make_app(database_url)
    post_statements(app, statements)
    course = COURSES[0]
    before = _overview(app, course)
    completion = next(
        s for s in statements if s["object"]["id"] == course and s["verb"]["id"].endswith("/completed")
    )
    passing = [s for s in statements if s["object"]["id"] == course and s["actor"] == completion["actor"]
               and s["verb"]["id"].endswith(("/passed", "/failed"))]
    voiding = [
        {"actor": {"mbox": "mailto:admin@example.org"}, "verb": {"id": "http://adlnet.gov/expapi/verbs/voided"},
         "object": {"objectType": "StatementRef", "id": target["id"]}}
        for target in [completion] + passing
    ]
    post_statements(app, voiding)
    after = _overview(app, course)
    assert after["completed"] == before["completed"] - 1
    remaining = [s for s in statements if s["id"] not in {completion["id"]} | {p["id"] for p in passing}]
    assert after["completed"] == course_overview(remaining, course)["completed"]
    assert after["passed"] == course_overview(remaining, course)["passed"]


@pytest.mark.postgres
def test_moodle_corpus_is_placed_in_its_course(make_app, database_url, shared_dir):
    base = shared_dir / "corpus/statements/moodle-logstore-xapi/tests"
    common = json.loads((base / "common/statement.json").read_text())

    def merge(a, b):
        out = dict(a)
        for key, value in b.items():
            out[key] = merge(out[key], value) if isinstance(value, dict) and isinstance(out.get(key), dict) else value
        return out

    statements = []
    for path in sorted(base.glob("**/statements.json")):
        if path.parent.name != "common":
            statements += [merge(common, s) for s in json.loads(path.read_text())]
    assert len(statements) == 190
    app = make_app(database_url)
    post_statements(app, statements)
    course = "http://www.example.org/course/view.php?id=2"
    got = _overview(app, course)
    learners = {json.dumps(s["actor"]["account"], sort_keys=True) for s in statements
                if course in {a["id"] for a in s["context"].get("contextActivities", {}).get("parent", [])}
                or s["object"]["id"] == course}
    assert got["learners"] == len(learners)
    assert got["completed"] == 1  # core\event\course_completed
    response = app.test_client().get("/reports/course/modules.json", query_string={"course": course}, headers=AUTH)
    rows = {row["module"]: row for row in response.get_json()["rows"]}
    quiz = rows["http://www.example.org/mod/quiz/view.php?id=1"]
    assert quiz["completed"] == 1 and quiz["passed"] == 1
    detail = app.test_client().get("/reports/learner.json", query_string={"learner": "account:http://www.example.org 1"},
                                   headers=AUTH).get_json()["rows"]
    quiz_row = next(row for row in detail if row["module"] == "http://www.example.org/mod/quiz/view.php?id=1")
    assert quiz_row["attempts"] == 1  # started, submitted, reviewed: all attempt 1
    assert "http://www.example.org/badges/overview.php?id=1" not in rows  # platform, not content
    assert rows["http://www.example.org/mod/book/view.php?id=1"]["learners"] == 1


@pytest.mark.postgres
def test_filters_by_group_and_dates(make_app, database_url):
    statements = standard_set()
    app = make_app(database_url)
    post_statements(app, statements)
    course = COURSES[0]
    administration = "https://parcours.numerique.gouv.fr/xapi/extensions/administration"
    subset = [s for s in statements if s["context"].get("extensions", {}).get(administration) == "DINUM"]
    response = app.test_client().get(
        "/reports/course.json", query_string={"course": course, "group": "DINUM"}, headers=AUTH
    )
    assert response.get_json()["rows"][0]["learners"] == course_overview(subset, course)["learners"]
    # learners whose first statement in the course comes after the 10th day
    firsts: dict[str, str] = {}
    lasts: dict[str, str] = {}
    for s in statements:
        if course in {a["id"] for a in s["context"].get("contextActivities", {}).get("parent", [])} | {
            a["id"] for a in s["context"].get("contextActivities", {}).get("grouping", [])} | {s["object"]["id"]}:
            who = s["actor"]["mbox"]
            firsts[who] = min(firsts.get(who, s["timestamp"]), s["timestamp"])
            lasts[who] = max(lasts.get(who, s["timestamp"]), s["timestamp"])
    active = [who for who in firsts if firsts[who] <= "2026-03-12T23:59:59.999999Z" and lasts[who] >= "2026-03-10"]
    response = app.test_client().get(
        "/reports/course.json", query_string={"course": course, "since": "2026-03-10", "until": "2026-03-12"},
        headers=AUTH,
    )
    assert response.get_json()["rows"][0]["learners"] == len(active) > 0


def test_bad_filters_are_named(make_app, sqlite_database):
    client = make_app(sqlite_database).test_client()
    response = client.get("/reports/courses.json?since=yesterday", headers=AUTH)
    assert response.status_code == 400
    assert "since" in response.get_json()["error"]["message"]
    response = client.get("/reports/course.csv", headers={**AUTH, "Accept-Language": "en"})
    assert response.status_code == 400 and "course: required" in response.get_json()["error"]["message"]
    response = client.get("/reports/completions?interval=year&lang=en", headers=AUTH)
    assert response.status_code == 400 and "interval" in response.get_data(as_text=True)
    assert client.get("/reports/courses.xml", headers=AUTH).status_code == 400
    assert client.get("/reports/courses").status_code == 401
    response = client.get("/reports/courses?since=2026-03-10&until=2026-03-01", headers=AUTH)
    assert response.status_code == 400


def test_analyst_scope_reads_reports_only(make_app, sqlite_database):
    app = make_app(sqlite_database, scopes="reports/read")
    client = app.test_client()
    analyst = basic("analyste-reports-read")
    assert client.get("/reports/courses", headers=analyst).status_code == 200
    response = client.post("/xapi/statements", json={"actor": {"mbox": "mailto:a@example.org"},
                                                     "verb": {"id": "http://adlnet.gov/expapi/verbs/completed"},
                                                     "object": {"id": "https://example.org/c"}},
                           headers={**analyst, "X-Experience-API-Version": "1.0.3"})
    assert response.status_code == 403


def test_pseudonymised_reports_hide_learners(make_app, sqlite_database):
    statements = standard_set()
    app = make_app(sqlite_database)
    post_statements(app, statements)
    client = app.test_client()
    response = client.get("/reports/course/learners.csv", query_string={"course": COURSES[0], "pseudonymise": "1"},
                          headers=AUTH)
    text = response.get_data(as_text=True)
    assert "mailto:" not in text and "Learner " not in text and "anon-" in text
    first = text.splitlines()[1].split(",")[0]
    again = client.get("/reports/course/learners.csv", query_string={"course": COURSES[0], "pseudonymise": "1"},
                       headers=AUTH).get_data(as_text=True)
    assert first in again  # stable
    detail = client.get("/reports/learner.json", query_string={"learner": first, "pseudonymise": "1"}, headers=AUTH)
    assert detail.status_code == 200 and detail.get_json()["rows"]
    french_yes = client.get("/reports/course/learners.csv", query_string={"course": COURSES[0], "pseudonymise": "oui"},
                            headers=AUTH).get_data(as_text=True)
    assert "mailto:" not in french_yes and "anon-" in french_yes
    # a misspelt flag is said, never read as "no" (which would show the names)
    for value in ("maybe", "vrai1"):
        refused = client.get("/reports/course/learners.csv", query_string={"course": COURSES[0], "pseudonymise": value},
                             headers=AUTH)
        assert refused.status_code == 400 and "pseudonymise" in refused.get_data(as_text=True)
        assert "mailto:" not in refused.get_data(as_text=True)
    odd = client.get("/reports/course/learners.csv", query_string={"course": COURSES[0], "spreadsheet": "si"}, headers=AUTH)
    assert odd.status_code == 400 and "spreadsheet" in odd.get_data(as_text=True)
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"


def test_completions_over_time_add_up_to_the_completions(make_app, sqlite_database):
    statements = standard_set()
    app = make_app(sqlite_database)
    post_statements(app, statements)
    client = app.test_client()
    explicit = {  # the first course-level completion of each learner in each course
        (s["object"]["id"], s["actor"]["mbox"]) for s in statements
        if s["object"]["id"] in COURSES and s["verb"]["id"].endswith(("/completed", "/satisfied"))
    }
    for interval in ("day", "week", "month"):
        rows = client.get("/reports/completions.json", query_string={"interval": interval},
                          headers=AUTH).get_json()["rows"]
        assert sum(row["completed"] for row in rows) == len(explicit)
        assert rows[-1]["completed_total"] == len(explicit)
        assert sum(row["started"] for row in rows) == sum(course_overview(statements, c)["started"] for c in COURSES)
    one = client.get("/reports/completions.json", query_string={"interval": "week", "course": COURSES[0]},
                     headers=AUTH).get_json()["rows"]
    assert sum(row["completed"] for row in one) == len({who for course, who in explicit if course == COURSES[0]})
