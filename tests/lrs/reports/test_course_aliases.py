"""Both tracking paths of one learner in one row: Moodle's logstore_xapi statements about
its SCORM activity (corpus) and the package's own dual-tracked statements (issue 15),
once the activity is recorded as playing the course (`parcours publish --lms-activity`)."""

from __future__ import annotations

import json
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path

from lrs.courses.aliases import record_aliases
from lrs.db import write_transaction
from lrs.reports.store import rebuild

from .conftest import AUTH, post_statements

COURSE = "https://parcours.example.gouv.fr/cours/numerique-responsable"
MODULE = f"{COURSE}/modules/equipements"
MENTOR = "https://mentor.gouv.fr"
CORPUS_SITE = "http://www.example.org"  # the wwwroot of the corpus's statements
SCORM_ACTIVITY = f"{MENTOR}/mod/scorm/view.php?id=1"
MOODLE_COURSE = f"{MENTOR}/course/view.php?id=2"
EVENTS = ("course_module_viewed", "sco_launched", "status_submitted", "scoreraw_submitted")
START = datetime(2026, 11, 2, 9, 0, tzinfo=timezone.utc)


def logstore_statements(shared_dir: Path, username: str, first: datetime, name: str = "Martin, Camille") -> list[dict]:
    """The corpus's logstore_xapi SCORM events, from Mentor, about one learner (named by
    username: "Identify users by username", docs/moodle.md)."""
    found = []
    events = shared_dir / "corpus/statements/moodle-logstore-xapi/tests/mod_scorm"
    for event in EVENTS:
        for path in sorted((events / event).glob("*/statements.json")):
            found += json.loads(path.read_text().replace(CORPUS_SITE, MENTOR))
    assert len(found) == len(EVENTS)
    for index, statement in enumerate(found):
        statement["id"] = str(uuid.uuid4())
        statement["actor"] = {"name": name, "account": {"homePage": MENTOR, "name": username}}
        statement["timestamp"] = (first + timedelta(minutes=index)).isoformat()
    return found


def dual_tracked_statements(username: str, first: datetime) -> list[dict]:
    """What a package built with --report-to sends (tests/browser/test_dual_tracking.py)."""
    actor = {"objectType": "Agent", "name": "Martin, Camille", "account": {"homePage": MENTOR, "name": username}}
    context = {"registration": str(uuid.uuid4()),
               "contextActivities": {"parent": [{"id": MODULE}], "grouping": [{"id": COURSE}]}}
    module_context = {**context, "contextActivities": {"grouping": [{"id": COURSE}]}}
    steps = [("initialized", MODULE, module_context, None),
             ("experienced", f"{MODULE}/pages/p1", context, None),
             ("answered", f"{MODULE}/quiz/q1", context, {"success": True, "response": "a"}),
             ("completed", MODULE, module_context, {"completion": True})]
    statements = []
    for index, (verb, activity, ctx, result) in enumerate(steps):
        statement = {"id": str(uuid.uuid4()), "actor": actor,
                     "verb": {"id": f"http://adlnet.gov/expapi/verbs/{verb}"},
                     "object": {"objectType": "Activity", "id": activity}, "context": ctx,
                     "timestamp": (first + timedelta(minutes=index)).isoformat()}
        if result:
            statement["result"] = result
        statements.append(statement)
    return statements


def learners(app, course: str) -> list[dict]:
    response = app.test_client().get("/reports/course/learners.json", query_string={"course": course},
                                     headers=AUTH)
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()["rows"]


def test_moodle_and_dual_tracked_statements_of_one_learner_make_one_row(make_app, database_url, shared_dir: Path):
    app = make_app(database_url)
    engine = app.extensions["parcours.engine"]
    # Stored before the activity is recorded: under Moodle's course until the model is rebuilt.
    post_statements(app, logstore_statements(shared_dir, "adurand", START - timedelta(days=1), "Durand, Alice"))
    assert [row["name"] for row in learners(app, MOODLE_COURSE)] == ["Durand, Alice"]
    with write_transaction(engine) as connection:
        record_aliases(connection, COURSE, [SCORM_ACTIVITY])
        rebuild(connection)
    assert [row["name"] for row in learners(app, COURSE)] == ["Durand, Alice"]
    assert learners(app, MOODLE_COURSE) == []

    # Both paths of one learner, placed as they arrive: one row.
    post_statements(app, logstore_statements(shared_dir, "cmartin", START)
                    + dual_tracked_statements("cmartin", START + timedelta(minutes=1)))
    assert sorted(row["name"] for row in learners(app, COURSE)) == ["Durand, Alice", "Martin, Camille"]
    assert learners(app, MOODLE_COURSE) == []  # not counted twice, under Moodle's course

    # Another SCORM activity of the same Moodle course, not recorded: Moodle's course keeps it.
    other = [json.loads(json.dumps(s).replace(SCORM_ACTIVITY, f"{MENTOR}/mod/scorm/view.php?id=7"))
             for s in logstore_statements(shared_dir, "cmartin", START + timedelta(hours=1))]
    post_statements(app, other)
    assert len(learners(app, COURSE)) == 2
    assert [row["name"] for row in learners(app, MOODLE_COURSE)] == ["Martin, Camille"]
    engine.dispose()
