"""The cohort simulator: reproducible, valid xAPI, and the cohort the reports need."""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
from collections import Counter, defaultdict
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from packager.course import load_course
from packager.simulate import ADMINISTRATIONS, simulate_course, write_ndjson
from validators.xapi.vocabulary import ADMINISTRATION_EXTENSION
from packager.simulate.runtime import CMI5_CATEGORY, CMI5_SESSION, iso_duration, js_round
from validators.xapi import errors_only, validate_statement

UUID4 = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")


def _verb(statement: dict) -> str:
    return statement["verb"]["id"].rsplit("/", 1)[1]


@pytest.fixture(scope="module")
def cohort(sample_course: Path) -> list[dict]:
    return simulate_course(sample_course, learners=300, weeks=8, seed=1)


def _ndjson(statements: list[dict]) -> str:
    sink = io.StringIO()
    write_ndjson(statements, sink)
    return sink.getvalue()


def test_same_seed_same_bytes_other_seed_other_statements(sample_course: Path, cohort: list[dict]) -> None:
    again = simulate_course(sample_course, learners=300, weeks=8, seed=1)
    assert _ndjson(again) == _ndjson(cohort)
    other = simulate_course(sample_course, learners=300, weeks=8, seed=2)
    assert {s["id"] for s in other}.isdisjoint({s["id"] for s in cohort})


def test_every_statement_is_valid_xapi_with_a_unique_uuid(cohort: list[dict]) -> None:
    for statement in cohort:
        assert errors_only(validate_statement(statement, "1.0.3", "$")) == [], statement
        assert UUID4.match(statement["id"])
    assert len({s["id"] for s in cohort}) == len(cohort)
    timestamps = [s["timestamp"] for s in cohort]
    assert timestamps == sorted(timestamps)


def test_cohort_size_administrations_and_period(cohort: list[dict]) -> None:
    learners = {(s["actor"]["account"]["homePage"], s["actor"]["account"]["name"]) for s in cohort}
    assert len(learners) >= 290  # a few learners enrol late and have not launched yet is fine; most have
    homepages = Counter(home for home, _ in learners)
    assert set(homepages) == {a.home_page for a in ADMINISTRATIONS} and len(homepages) >= 4
    first = datetime.fromisoformat(cohort[0]["timestamp"].replace("Z", "+00:00"))
    last = datetime.fromisoformat(cohort[-1]["timestamp"].replace("Z", "+00:00"))
    assert first >= datetime(2026, 9, 7, tzinfo=timezone.utc)
    assert timedelta(weeks=6) < last - first <= timedelta(weeks=8)
    # the administration rides in the cmi5 LMS's context template; xAPI learners are told apart by homePage
    cmi5 = [s for s in cohort if CMI5_SESSION in s["context"].get("extensions", {})]
    assert cmi5 and all(s["context"]["extensions"][ADMINISTRATION_EXTENSION] for s in cmi5)
    names = {a.home_page: a.name for a in ADMINISTRATIONS}
    assert all(s["context"]["extensions"][ADMINISTRATION_EXTENSION] == names[s["actor"]["account"]["homePage"]]
               for s in cmi5)
    assert any(CMI5_SESSION not in s["context"].get("extensions", {}) for s in cohort)  # xapi learners too


def test_the_cohort_varies_as_a_real_one(cohort: list[dict], sample_course: Path) -> None:
    course = load_course(sample_course)
    modules = [m.id for m in course.modules]
    by_learner: dict[str, list[dict]] = defaultdict(list)
    for statement in cohort:
        by_learner[statement["actor"]["account"]["name"]].append(statement)
    finished, dropped_on, never_quizzed, retried, failed_for_good = 0, Counter(), 0, 0, 0
    for statements in by_learner.values():
        completed = {s["object"]["id"] for s in statements if _verb(s) == "completed"}
        if completed >= set(modules):
            finished += 1
            continue
        pages = [s["object"]["id"] for s in statements if _verb(s) == "experienced"]
        dropped_on[pages[-1]] += 1
        answered_modules = {s["object"]["id"].rsplit("/quiz/", 1)[0] for s in statements if _verb(s) == "answered"}
        if pages[-1].endswith("/pages/quiz") and pages[-1].rsplit("/pages/", 1)[0] not in answered_modules:
            never_quizzed += 1
        attempts = Counter(s["object"]["id"] for s in statements if _verb(s) in ("passed", "failed"))
        retried += any(n > 1 for n in attempts.values())
        failed_for_good += any(_verb(s) == "failed" for s in statements[-3:])
    assert 0.2 < finished / len(by_learner) < 0.7
    assert len(dropped_on) >= 8  # learners stop at many different pages…
    assert dropped_on.most_common(1)[0][1] < 0.4 * sum(dropped_on.values())  # …not all at one
    assert never_quizzed >= 5
    assert retried >= 5 and failed_for_good >= 1
    answers = [s for s in cohort if _verb(s) == "answered"]
    assert {s["object"]["definition"]["interactionType"] for s in answers} == {
        "choice", "true-false", "fill-in", "numeric", "matching", "sequencing"}
    assert 0.5 < sum(s["result"]["success"] for s in answers) / len(answers) < 0.95
    first_tries: dict[str, list[bool]] = defaultdict(list)
    answered_once: set[tuple[str, str]] = set()
    for s in answers:
        if (s["actor"]["account"]["name"], s["object"]["id"]) not in answered_once:
            answered_once.add((s["actor"]["account"]["name"], s["object"]["id"]))
            first_tries[s["object"]["id"]].append(s["result"]["success"])
    facility = sorted(sum(tries) / len(tries) for tries in first_tries.values())
    assert facility[0] < 0.3 and facility[-1] > 0.9  # a question for each of the reports' flags


def test_cmi5_sessions_follow_the_cmi5_order(cohort: list[dict]) -> None:
    sessions: dict[str, list[dict]] = defaultdict(list)
    for statement in cohort:
        session = statement["context"].get("extensions", {}).get(CMI5_SESSION)
        if session:
            sessions[session].append(statement)
    assert len(sessions) > 100
    for statements in sessions.values():
        verbs = [_verb(s) for s in statements]
        assert verbs[0] == "launched" and verbs[1] == "initialized" and verbs[-1] == "terminated", verbs
        defined = [v for s, v in zip(statements, verbs) if CMI5_CATEGORY in
                   {a["id"] for a in s["context"]["contextActivities"].get("category", [])}]
        assert len(defined) == len(set(defined)) and not {"passed", "failed"} <= set(defined), defined
        for statement in statements[2:-1]:
            if _verb(statement) in ("experienced", "answered"):
                assert "category" not in statement["context"]["contextActivities"]
                assert statement["context"]["contextActivities"]["parent"] == [
                    {"objectType": "Activity", "id": statements[0]["object"]["id"]}]


def test_runtime_number_formats() -> None:
    assert iso_duration(0) == "PT0.00S"
    assert iso_duration(3_723_450) == "PT1H2M3.45S"
    assert js_round(0.5) == 1 and js_round(2.5) == 3  # Math.round, not round-half-even


def test_group_extension_is_the_one_the_reports_read() -> None:
    from lrs.reports.settings import DEFAULT_GROUP_EXTENSIONS

    assert ADMINISTRATION_EXTENSION in DEFAULT_GROUP_EXTENSIONS


def test_cli_writes_ndjson_and_refuses_bad_input(sample_course: Path, tmp_path: Path) -> None:
    out = tmp_path / "cohorte.ndjson"
    command = [sys.executable, "-m", "parcours.cli", "simulate", str(sample_course), "--learners", "20",
               "--weeks", "2", "--seed", "7", "--start", "2026-01-05", "--formats", "cmi5", "--out", str(out),
               "--lang", "en"]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    lines = out.read_text(encoding="utf-8").splitlines()
    assert f"{len(lines)} statements of 20 learners written to {out}" in result.stdout
    statements = [json.loads(line) for line in lines]
    assert all(CMI5_SESSION in s["context"]["extensions"] for s in statements)
    assert statements[0]["timestamp"] >= "2026-01-05" and statements[-1]["timestamp"] < "2026-01-19"
    bad = subprocess.run([*command[:-4], "--formats", "scorm12", "--out", str(out)], capture_output=True, text=True)
    assert bad.returncode == 2 and "scorm12" in bad.stderr and "Traceback" not in bad.stderr
    missing = subprocess.run([sys.executable, "-m", "parcours.cli", "simulate", str(tmp_path / "absent"), "--out",
                              str(out)], capture_output=True, text=True)
    assert missing.returncode == 1 and "absent" in missing.stderr and "Traceback" not in missing.stderr


def test_demo_cohort_imports_once_into_a_real_sqlite_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                           root: Path) -> None:
    import sqlalchemy as sa

    from lrs.app import create_app
    from lrs.config import Config
    from lrs.db import ENGINE_KEY
    from lrs.tables import statements
    from parcours import demo_cohort

    monkeypatch.chdir(root)
    monkeypatch.setattr(demo_cohort, "SAMPLE_COHORTS", {"samples/courses/numerique-responsable": 12,
                                                        "samples/courses/minimal": 5})
    day = datetime(2026, 12, 6, 15, 30, tzinfo=timezone.utc)
    assert demo_cohort.cohort_start(day) == datetime(2026, 10, 11, tzinfo=timezone.utc)  # 8 weeks before, midnight
    app = create_app(Config(database_url=f"sqlite:///{tmp_path / 'demo.db'}"))
    marker = tmp_path / "demo.db.demo-cohort"
    first = demo_cohort.load_demo_cohort(app, marker, tmp_path / "dist", today=day)
    written = sum(len(path.read_text(encoding="utf-8").splitlines()) for path in (tmp_path / "dist").glob("*.ndjson"))
    assert first.statements == written > 0 and first.learners == 17
    # another day gives other dates and ids: the marker, not the ids, says the cohort is there
    again = demo_cohort.load_demo_cohort(app, marker, tmp_path / "dist", today=day + timedelta(days=9))
    assert again.statements == 0
    with app.extensions[ENGINE_KEY].connect() as connection:
        assert connection.execute(sa.select(sa.func.count()).select_from(statements)).scalar() == written
    # a new database with the old marker beside it gets its cohort
    other = create_app(Config(database_url=f"sqlite:///{tmp_path / 'autre.db'}"))
    assert demo_cohort.load_demo_cohort(other, marker, tmp_path / "dist2", today=day).statements == written
    secret = demo_cohort.pseudonym_secret(tmp_path / "demo.db")
    assert len(secret) >= 32 and demo_cohort.pseudonym_secret(tmp_path / "demo.db") == secret


def test_demo_cohort_covers_every_sample_course(samples: Path) -> None:
    from parcours.demo_cohort import SAMPLE_COHORTS

    assert {Path(folder).name for folder in SAMPLE_COHORTS} == {
        folder.name for folder in samples.iterdir() if (folder / "course.yaml").is_file()}
    assert sum(SAMPLE_COHORTS.values()) >= 300
