"""`parcours report`, `export`, `import` and `privacy` on real databases."""

from __future__ import annotations

import csv
import io
import json
import zipfile

import orjson
import pytest
from click.testing import CliRunner

from parcours.cli import main

from .conftest import AUTH, XAPI, post_statements
from .dataset import standard_set
from .expected import course_overview

COURSE = "https://formation.example.org/cours/a"


def run(*args: str, ok: bool = True):
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    if ok:
        assert result.exit_code == 0, result.output
    return result


@pytest.fixture
def loaded(make_app, sqlite_database):
    statements = standard_set()
    app = make_app(sqlite_database)
    post_statements(app, statements)
    return app, sqlite_database, statements


def test_report_commands_in_three_formats(loaded):
    _app, url, statements = loaded
    expected = course_overview(statements, COURSE)
    out = run("report", "completions", "--course", COURSE, "--format", "csv", "--database", url).stdout
    rows = list(csv.DictReader(io.StringIO(out)))
    assert len(rows) == expected["learners"]
    assert sum(row["completed"] == "true" for row in rows) == expected["completed"]
    assert list(rows[0]) == ["learner", "name", "group", "first_launch", "last_activity", "completed",
                             "completed_at", "progress", "success"]
    scores = json.loads(run("report", "scores", "--course", COURSE, "--format", "json", "--database", url).stdout)
    best = sorted(row["best_score"] for row in scores["rows"] if row["best_score"] is not None)
    assert len(best) == sum(expected["bins"])
    table = run("report", "time", "--course", COURSE, "--database", url, "--lang", "en").stdout
    assert table.startswith("Learners of the course") and "Time spent" in table
    french = run("report", "time", "--course", COURSE, "--database", url, "--lang", "fr").stdout
    assert "Temps passé" in french


def test_report_command_errors_name_the_option(loaded):
    _app, url, _statements = loaded
    result = run("report", "time", "--course", COURSE, "--since", "hier", "--database", url, ok=False)
    assert result.exit_code != 0 and "since" in result.output and "Traceback" not in result.output
    result = run("report", "time", "--course", COURSE, "--pseudonymise", "--database", url, "--lang", "en", ok=False)
    assert result.exit_code != 0  # no secret in the environment of this command


def test_export_ndjson_and_csv(loaded, tmp_path):
    app, url, statements = loaded
    target = tmp_path / "all.ndjson"
    run("export", "statements", "--format", "ndjson", "--output", str(target), "--database", url)
    lines = target.read_bytes().splitlines()
    assert {orjson.loads(line)["id"] for line in lines} == {s["id"] for s in statements}
    learner = statements[0]["actor"]
    only = run("export", "statements", "--agent", json.dumps(learner), "--database", url).stdout_bytes
    mine = [orjson.loads(line) for line in only.splitlines()]
    assert mine and all(s["actor"]["mbox"] == learner["mbox"] for s in mine)
    assert len(mine) == sum(1 for s in statements if s["actor"]["mbox"] == learner["mbox"])
    table = run("export", "statements", "--format", "csv", "--database", url).stdout
    rows = list(csv.DictReader(io.StringIO(table)))
    assert len(rows) == len(statements)
    assert {"actor.mbox", "result.score.scaled", "verb.id", "context.registration"} <= set(rows[0])
    scored = next(s for s in statements if "score" in s.get("result", {}))
    row = next(r for r in rows if r["id"] == scored["id"])
    assert float(row["result.score.scaled"]) == scored["result"]["score"]["scaled"]
    assert row["actor.mbox"] == scored["actor"]["mbox"]


def _related(statement: dict) -> set[str]:
    """The object's id and the parent and grouping ids: where a course may be named."""
    activities = statement.get("context", {}).get("contextActivities", {})
    ids = {statement["object"].get("id")}
    for relation in ("parent", "grouping"):
        value = activities.get(relation, [])
        ids.update(item["id"] for item in (value if isinstance(value, list) else [value]))
    return ids


def test_export_selects_one_course_and_a_timestamp_range(loaded):
    _app, url, statements = loaded
    out = run("export", "statements", "--course", COURSE, "--database", url).stdout_bytes
    got = {orjson.loads(line)["id"] for line in out.splitlines()}
    expected = {s["id"] for s in statements if COURSE in _related(s)}
    assert expected and got == expected
    moments = sorted(s["timestamp"] for s in statements)
    since, until = moments[len(moments) // 4], moments[len(moments) // 2]
    out = run("export", "statements", "--timestamp-since", since, "--timestamp-until", until,
              "--database", url).stdout_bytes
    got = {orjson.loads(line)["id"] for line in out.splitlines()}
    assert got == {s["id"] for s in statements if since <= s["timestamp"] <= until}
    result = run("export", "statements", "--timestamp-since", "hier", "--database", url, ok=False)
    assert result.exit_code != 0 and "timestamp-since" in result.output


def test_export_leaves_voided_statements_out_unless_asked(loaded):
    app, url, statements = loaded
    target = statements[5]
    post_statements(app, [{"actor": {"mbox": "mailto:admin@example.org"},
                           "verb": {"id": "http://adlnet.gov/expapi/verbs/voided"},
                           "object": {"objectType": "StatementRef", "id": target["id"]}}])
    ids = {orjson.loads(line)["id"] for line in run("export", "statements", "--database", url).stdout_bytes.splitlines()}
    assert target["id"] not in ids and len(ids) == len(statements)  # the voiding statement is in
    ids = {orjson.loads(line)["id"] for line in
           run("export", "statements", "--include-voided", "--database", url).stdout_bytes.splitlines()}
    assert target["id"] in ids


@pytest.mark.postgres
def test_import_is_validated_deduplicated_and_resumable(loaded, make_app, database_url, tmp_path):
    _app, source_url, statements = loaded
    if database_url.startswith("sqlite"):  # the same file as the source's: take another
        database_url = f"sqlite:///{tmp_path / 'copy.db'}"
    export = tmp_path / "export.ndjson"
    run("export", "statements", "--output", str(export), "--database", source_url)
    lines = export.read_bytes().splitlines()
    # an import that stopped after 300 lines, plus a broken line and an invalid statement
    partial = tmp_path / "partial.ndjson"
    partial.write_bytes(b"\n".join(lines[:300]) + b"\n")
    run("import", str(partial), "--batch-size", "128", "--database", database_url)
    damaged = tmp_path / "damaged.ndjson"
    broken = orjson.dumps({"actor": {"mbox": "not-an-email"}, "verb": {"id": "http://example.org/v"},
                           "object": {"id": "https://example.org/a"}, "id": "6f4bbfb9-65a7-4f0c-a2be-5f5c0c2fdd6e"})
    damaged.write_bytes(b"\n".join(lines[:150] + [b"{not json", broken] + lines[150:]) + b"\n")
    result = run("import", str(damaged), "--batch-size", "128", "--database", database_url, "--lang", "en", ok=False)
    assert result.exit_code == 1
    assert f"{damaged}:151:" in result.output and f"{damaged}:152: $.actor.mbox" in result.output
    assert f"{len(statements) - 300} statements imported, 300 already present, 2 rejected" in result.output
    app = make_app(database_url)
    copy = [orjson.loads(line) for line in run("export", "statements", "--database", database_url).stdout_bytes.splitlines()]
    assert sorted(s["id"] for s in copy) == sorted(s["id"] for s in statements)
    expected = course_overview(statements, COURSE)
    got = app.test_client().get("/reports/course.json", query_string={"course": COURSE}, headers=AUTH).get_json()
    assert got["rows"][0]["completed"] == expected["completed"]
    assert got["rows"][0]["learners"] == expected["learners"]


def test_privacy_export_and_erase(loaded, tmp_path):
    app, url, statements = loaded
    learner = {"mbox": "mailto:learner3@example.org"}
    client = app.test_client()
    response = client.put("/xapi/activities/state", query_string={
        "activityId": COURSE, "agent": json.dumps(learner), "stateId": "bookmark"}, data=b'{"page": 3}',
        headers={**XAPI, "Content-Type": "application/json"})
    assert response.status_code == 204, response.get_data(as_text=True)
    archive = tmp_path / "learner.zip"
    run("privacy", "export", "--agent", json.dumps(learner), "--output", str(archive), "--database", url)
    with zipfile.ZipFile(archive) as package:
        exported = [orjson.loads(line) for line in package.read("statements.ndjson").splitlines()]
        documents = json.loads(package.read("documents/index.json"))
        reports = json.loads(package.read("reports.json"))
        content = package.read(documents[0]["file"])
    own = [s for s in statements if s["actor"]["mbox"] == learner["mbox"]]
    assert sorted(s["id"] for s in exported) == sorted(s["id"] for s in own)
    assert documents[0]["documentId"] == "bookmark" and json.loads(content) == {"page": 3}
    assert reports and all(row["learner_key"] == "mbox:mailto:learner3@example.org" for row in reports)

    result = run("privacy", "erase", "--agent", json.dumps(learner), "--yes", "--database", url, "--lang", "en")
    assert f"erased: {len(own)} statements, 1 documents" in result.output
    response = client.get("/xapi/statements", query_string={"agent": json.dumps(learner)}, headers=XAPI)
    assert response.get_json()["statements"] == []
    response = client.get("/reports/learner.json", query_string={"learner": "mbox:mailto:learner3@example.org"},
                          headers=AUTH)
    assert response.status_code == 400  # unknown learner now
    courses = client.get("/reports/course/learners.json", query_string={"course": COURSE}, headers=AUTH).get_json()
    assert all(row["learner"] != "mbox:mailto:learner3@example.org" for row in courses["rows"])
    remaining = [s for s in statements if s["actor"]["mbox"] != learner["mbox"]]
    got = client.get("/reports/course.json", query_string={"course": COURSE}, headers=AUTH).get_json()["rows"][0]
    assert got["learners"] == course_overview(remaining, COURSE)["learners"]


def test_privacy_refuses_an_agent_without_identifier(loaded):
    _app, url, _statements = loaded
    result = run("privacy", "erase", "--agent", '{"name": "Jean"}', "--yes", "--database", url, ok=False)
    assert result.exit_code != 0 and "--agent" in result.output


def test_rebuild_gives_the_same_model_and_the_index_page_lists_courses(loaded):
    app, url, statements = loaded
    client = app.test_client()
    before = client.get("/reports/courses.json", headers=AUTH).get_json()["rows"]
    result = run("report", "rebuild", "--database", url, "--lang", "en")
    assert f"{len(statements)} statements read" in result.output
    assert client.get("/reports/courses.json", headers=AUTH).get_json()["rows"] == before
    page = client.get("/reports/", headers={**AUTH, "Accept-Language": "en"})
    assert page.status_code == 200 and "<h1>Courses overview</h1>" in page.get_data(as_text=True)


@pytest.mark.parametrize(("args", "named"), [
    (["export", "statements", "--agent", '{"mbox": "alice@example.com"}'], "--agent: $.mbox"),
    (["export", "statements", "--verb", "completed"], "--verb: 'completed' is not an absolute IRI"),
    (["export", "statements", "--course", "cours a"], "--course: 'cours a' is not an absolute IRI"),
    (["privacy", "export", "--agent", '{"mbox": "bad"}'], "--agent: $.mbox"),
])
def test_filters_that_would_match_nothing_are_refused(loaded, tmp_path, args, named):
    _app, url, _statements = loaded
    result = run(*args, "--output", str(tmp_path / "out"), "--database", url, "--lang", "en", ok=False)
    assert result.exit_code != 0 and named in result.output, result.output
    assert not (tmp_path / "out").exists()


def test_reading_a_sqlite_file_that_does_not_exist_is_refused(tmp_path):
    missing = tmp_path / "faute-de-frappe.db"
    result = run("report", "completions", "--course", COURSE, "--database", f"sqlite:///{missing}", "--lang", "en",
                 ok=False)
    assert result.exit_code == 1 and "no such database" in result.output
    assert not missing.exists()
