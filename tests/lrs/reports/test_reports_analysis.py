"""Question analysis and drop-off of the sample course (xapi build), as the runtime reports
it: figures counted again in the test from the statements it writes; the same answers
read without the course published (ids and raw responses)."""

from __future__ import annotations

import csv
import io
import json
import statistics
import uuid
import zipfile
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from click.testing import CliRunner

from packager.build import build_packages

from .conftest import AUTH, post_statements

ADL = "http://adlnet.gov/expapi/verbs/"
ROOT = Path(__file__).resolve().parents[3]
START = datetime(2026, 10, 5, 9, 0, tzinfo=timezone.utc)


@pytest.fixture(scope="module")
def package(tmp_path_factory) -> tuple[bytes, dict]:
    out = tmp_path_factory.mktemp("dist")
    [built] = build_packages(ROOT / "samples/courses/numerique-responsable", ["xapi"], out)
    data = built.path.read_bytes()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        description = json.loads(archive.read("parcours-course.json"))
    return data, description


class Runtime:
    """The statements of the xapi runtime: pages and answers under their module, the
    course as grouping; the module's own statements under the course."""

    def __init__(self, description: dict) -> None:
        self.course = description["id"]
        self.items: list[dict] = []
        self.clock = START

    def _send(self, actor: dict, verb: str, obj: dict, parent: str, grouping: bool, result: dict | None,
              after: int) -> None:
        self.clock += timedelta(seconds=after)
        context = {"contextActivities": {"parent": [{"id": parent}]}}
        if grouping:
            context["contextActivities"]["grouping"] = [{"id": self.course}]
        statement = {"id": str(uuid.uuid4()), "actor": actor, "verb": {"id": ADL + verb}, "object": obj,
                     "context": context, "timestamp": self.clock.isoformat().replace("+00:00", "Z")}
        if result is not None:
            statement["result"] = result
        self.items.append(statement)

    def module(self, actor: dict, module: dict, verb: str, result: dict | None = None, after: int = 10) -> None:
        self._send(actor, verb, {"id": module["id"]}, self.course, False, result, after)

    def page(self, actor: dict, module: dict, page: dict, after: int) -> None:
        obj = {"id": page["id"], "definition": {"type": "http://activitystrea.ms/schema/1.0/page"}}
        self._send(actor, "experienced", obj, module["id"], True, None, after)

    def answer(self, actor: dict, module: dict, question: dict, response: str, seconds: int, after: int) -> None:
        obj = {"id": question["id"], "definition": {"type": "http://adlnet.gov/expapi/activities/cmi.interaction",
                                                     "interactionType": question["type"]}}
        right = response in question["correct_responses"]
        self._send(actor, "answered", obj, module["id"], True,
                   {"response": response, "success": right, "duration": f"PT{seconds}S"}, after)


# learner -> pages reached (count), answers to q1 and q2 (in order), module score, passed
PLANS = {
    "lea": (4, ["terminaux"], ["false"], 1.0, True),
    "marc": (4, ["centres", "terminaux"], ["true"], 0.75, True),
    "nina": (2, [], [], None, None),
    "omar": (1, [], [], None, None),
    "paul": (4, ["terminaux"], ["false"], 0.9, True),
    "rose": (3, ["reseaux"], ["true"], 0.3, False),
}


def _play(description: dict) -> tuple[Runtime, dict]:
    runtime = Runtime(description)
    module = description["modules"][0]
    q1, q2 = module["questions"][:2]
    gaps: dict[str, list[int]] = {}  # page id -> seconds until the learner's next event
    for number, (name, (pages, first, second, score, passed)) in enumerate(PLANS.items()):
        actor = {"objectType": "Agent", "name": name.title(), "mbox": f"mailto:{name}@example.org"}
        runtime.module(actor, module, "initialized")
        events = [("page", page) for page in module["pages"][:pages]]
        events += [("answer", (q1, response)) for response in first] + [("answer", (q2, r)) for r in second]
        previous_page = None
        for index, (kind, value) in enumerate(events):
            after = 20 + 7 * index + number  # every gap different, all under 30 minutes
            if previous_page is not None:
                gaps.setdefault(previous_page, []).append(after)
            if kind == "page":
                runtime.page(actor, module, value, after)
                previous_page = value["id"]
            else:
                question, response = value
                runtime.answer(actor, module, question, response, seconds=10 + number, after=after)
                previous_page = None
        if passed is not None:
            runtime.module(actor, module, "passed" if passed else "failed",
                           {"success": passed, "score": {"scaled": score}, "completion": passed})
        runtime.clock += timedelta(hours=2)  # the next learner later on
    return runtime, gaps


def _rows(app, path: str, course: str, **args) -> list[dict]:
    response = app.test_client().get(f"/reports/{path}.json", query_string={"course": course, **args}, headers=AUTH)
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()["rows"]


def _point_biserial(pairs: list[tuple[int, float]]) -> float:
    return statistics.correlation([float(x) for x, _ in pairs], [y for _, y in pairs])


@pytest.mark.postgres
def test_question_analysis_and_drop_off(make_app, database_url, package):
    data, description = package
    module = description["modules"][0]
    q1, q2 = module["questions"][:2]
    runtime, gaps = _play(description)
    app = make_app(database_url)
    post_statements(app, runtime.items)
    course = description["id"]

    # unpublished: the questions learners answered, by id, with raw responses
    items = _rows(app, "course/items", course)
    assert [row["question"] for row in items] == [q1["id"], q2["id"]]
    assert items[0]["text"] == q1["id"]
    raw = {row["response"]: row for row in _rows(app, "course/responses", course) if row["question"] == q1["id"]}
    assert raw["terminaux"]["label"] == "terminaux" and raw["terminaux"]["correct"] is None

    response = app.test_client().post("/courses", data=data, headers={**AUTH, "Content-Type": "application/zip"})
    assert response.status_code == 201, response.get_data(as_text=True)
    items = _rows(app, "course/items", course, lang="fr")
    every_question = [q["id"] for m in description["modules"] for q in m["questions"]]
    assert [row["question"] for row in items] == every_question  # course order, unanswered ones too
    assert [row["position"] for row in items] == list(range(1, len(every_question) + 1))
    first = items[0]
    assert first["text"] == q1["text"]["fr"]
    answering = {name: plan for name, plan in PLANS.items() if plan[1]}
    assert first["learners"] == len(answering)
    assert first["answers"] == sum(len(plan[1]) for plan in answering.values())
    right_first = [plan[1][0] in q1["correct_responses"] for plan in answering.values()]
    assert first["first_attempt_correct"] == round(sum(right_first) / len(right_first), 4)
    every = [r in q1["correct_responses"] for plan in answering.values() for r in plan[1]]
    assert first["facility"] == round(sum(every) / len(every), 4)
    pairs = [(int(plan[1][0] in q1["correct_responses"]), plan[3]) for plan in answering.values()]
    assert first["discrimination"] == pytest.approx(_point_biserial(pairs), abs=1e-4)
    assert first["negative_discrimination"] is (_point_biserial(pairs) < 0)
    assert first["too_easy"] is False and first["too_hard"] is False
    latencies = [10 + number for number, plan in enumerate(PLANS.values()) for _ in plan[1]]
    assert first["median_latency"] == statistics.median(latencies)
    second = items[1]  # q2: "false" is right; lea and paul right, marc and rose wrong
    assert second["first_attempt_correct"] == 0.5

    labels = {choice["id"]: choice["text"]["fr"] for choice in q1["choices"]}
    given = {row["response"]: row for row in _rows(app, "course/responses", course) if row["question"] == q1["id"]}
    assert {response: row["answers"] for response, row in given.items()} == {"terminaux": 3, "centres": 1, "reseaux": 1}
    assert given["terminaux"]["label"] == labels["terminaux"] and given["terminaux"]["correct"] is True
    assert given["centres"]["correct"] is False

    # drop-off of the first module
    drop = [row for row in _rows(app, "course/dropoff", course) if row["module"] == module["id"]]
    assert [row["page"] for row in drop] == [page["id"] for page in module["pages"]]
    starters = len(PLANS)
    for position, row in enumerate(drop, start=1):
        reached = sum(1 for plan in PLANS.values() if plan[0] >= position)
        assert row["started"] == starters
        assert row["reached"] == reached
        assert row["reached_share"] == round(reached / starters, 4)
        stopped = sum(1 for plan in PLANS.values() if plan[0] == position and plan[4] is not True)
        assert row["stopped_here"] == stopped, position
        page_id = module["pages"][position - 1]["id"]
        assert row["median_seconds"] == (statistics.median(gaps[page_id]) if page_id in gaps else None)
    assert drop[0]["page_name"] == module["pages"][0]["title"]["fr"]

    page = app.test_client().get("/reports/course/dropoff", query_string={"course": course}, headers=AUTH)
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "<svg" in html and "<script" not in html
    assert 'role="img"' in html and "<table" in html


def test_spreadsheet_csv_and_items_command(make_app, sqlite_database, package):
    data, description = package
    runtime, _gaps = _play(description)
    app = make_app(sqlite_database)
    post_statements(app, runtime.items)
    app.test_client().post("/courses", data=data, headers={**AUTH, "Content-Type": "application/zip"})
    course = description["id"]
    q1 = description["modules"][0]["questions"][0]

    response = app.test_client().get("/reports/course/items.csv",
                                     query_string={"course": course, "spreadsheet": "1", "lang": "fr"}, headers=AUTH)
    body = response.get_data()
    assert body.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:3] == ["N°", "Module", "Question"]
    assert rows[1][2] == q1["text"]["fr"]  # plain text, not a JSON cell
    assert rows[1][5] == "0,5"  # decimal comma: half right at the first attempt
    page = app.test_client().get("/reports/course", query_string={"course": course}, headers=AUTH).get_data(as_text=True)
    assert "spreadsheet=1" in page

    from lrs.reports.cli import report

    result = CliRunner().invoke(report, ["items", "--course", course, "--format", "json", "--database", sqlite_database])
    assert result.exit_code == 0, result.output
    table = json.loads(result.output)
    assert table["rows"][0]["question"] == q1["id"] and table["rows"][0]["answers"] == 5

    # the quiz screen, reported as one more page, is named after its quiz
    module = description["modules"][0]
    screen = Runtime(description)
    screen.page({"objectType": "Agent", "mbox": "mailto:lea@example.org"}, module,
                {"id": f'{module["id"]}/pages/{module["quiz"]["key"]}'}, after=1)
    post_statements(app, screen.items)
    drop = [row for row in _rows(app, "course/dropoff", course, lang="fr") if row["module"] == module["id"]]
    assert drop[-1]["page_name"] == module["quiz"]["title"]["fr"] and drop[-1]["reached"] == 1

    # a voided answer leaves the analysis
    answer = next(s for s in runtime.items if s["object"]["id"] == q1["id"])
    post_statements(app, [{"actor": {"mbox": "mailto:admin@example.org"},
                           "verb": {"id": ADL + "voided"}, "object": {"objectType": "StatementRef", "id": answer["id"]}}])
    assert _rows(app, "course/items", course)[0]["answers"] == 4


def test_unpublished_course_pages_and_answers_in_the_order_learners_meet_them(make_app, sqlite_database):
    from .dataset import standard_set

    statements = standard_set()
    app = make_app(sqlite_database)
    post_statements(app, statements)
    course = "https://formation.example.org/cours/a"
    pages = [s for s in statements if s["verb"]["id"] == ADL + "experienced"
             and course in [a["id"] for a in s["context"]["contextActivities"].get("grouping", [])]]
    answers = [s for s in statements if s["verb"]["id"] == ADL + "answered"
               and course in [a["id"] for a in s["context"]["contextActivities"].get("grouping", [])]]
    assert pages and answers
    drop = _rows(app, "course/dropoff", course)
    by_module: dict[str, list[str]] = {}
    for row in drop:
        by_module.setdefault(row["module"], []).append(row["page"])
    for module, listed in by_module.items():
        assert listed == [f"{module}/pages/p{number}" for number in range(3)]  # the order every learner follows
    for row in drop:
        reached = {s["actor"]["mbox"] for s in pages if s["object"]["id"] == row["page"]}
        assert row["reached"] == len(reached), row["page"]
    items = {row["question"]: row for row in _rows(app, "course/items", course)}
    for question, row in items.items():
        mine = [s for s in answers if s["object"]["id"] == question]
        assert row["answers"] == len(mine)
        assert row["learners"] == len({s["actor"]["mbox"] for s in mine})
        assert row["facility"] == round(sum(s["result"]["success"] for s in mine) / len(mine), 4)


def test_course_of_the_sample_follows_each_module_rule_and_weights(make_app, sqlite_database, package):
    data, description = package
    modules = description["modules"]
    runtime = Runtime(description)
    scores = [0.9, 0.6, 0.8, 0.7]
    full = {"objectType": "Agent", "name": "Ines", "mbox": "mailto:ines@example.org"}
    part = {"objectType": "Agent", "name": "Jules", "mbox": "mailto:jules@example.org"}
    for module, score in zip(modules, scores):
        runtime.module(full, module, "initialized")
        runtime.module(full, module, "completed", {"completion": True})
        runtime.module(full, module, "passed", {"success": True, "score": {"scaled": score}})
    for module in modules[:2]:  # the first two quizzes passed, the last module's pages read
        runtime.module(part, module, "passed", {"success": True, "score": {"scaled": 0.9}})
    runtime.module(part, modules[3], "completed", {"completion": True})
    app = make_app(sqlite_database)
    post_statements(app, runtime.items)
    app.test_client().post("/courses", data=data, headers={**AUTH, "Content-Type": "application/zip"})

    weights = [sum(q["weight"] for q in module["questions"]) for module in modules]
    expected_score = round(sum(w * s for w, s in zip(weights, scores)) / sum(weights), 4)
    satisfied = {  # the course description's rule per module: quiz -> passed, pages -> completed
        "Jules": sum(1 for index, module in enumerate(modules)
                     if (module["completion"] == "quiz" and index < 2) or (module["completion"] == "pages" and index == 3)),
    }
    learners = {row["name"]: row for row in _rows(app, "course/learners", description["id"])}
    assert learners["Ines"]["completed"] is True and learners["Ines"]["success"] == "passed"
    assert learners["Ines"]["best_score"] == expected_score
    assert learners["Ines"]["last_score"] == expected_score  # the course's score, not an empty cell
    assert learners["Ines"]["progress"] == 1.0
    assert learners["Jules"]["completed"] is False and learners["Jules"]["success"] is None
    assert learners["Jules"]["best_score"] is None  # a judged module has no score yet
    assert learners["Jules"]["progress"] == round(satisfied["Jules"] / len(modules), 4)
