"""Where a statement sits (course, module) and what a learner's rows say, rule by rule."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from lrs.db import engine_for, write_transaction
from lrs.migrations import apply_migrations
from lrs.reports.facts import extract_fact
from lrs.reports.progress import rows_for
from lrs.reports.store import ingest
from lrs.reports.db_tables import report_progress

from .dataset import CMI5_CATEGORY, MOVEON, MOVEON_CATEGORY, SESSION

ADL = "http://adlnet.gov/expapi/verbs/"
COURSE = "https://formation.example.org/cours/x"
AU = COURSE + "/au/1"
ME = {"mbox": "mailto:moi@example.org", "name": "Moi"}


def statement(number: int, verb: str, obj: str, context: dict | None = None, result: dict | None = None,
              at: str | None = None) -> dict:
    out = {"id": f"00000000-0000-4000-8000-{number:012d}", "actor": ME, "verb": {"id": verb},
           "object": {"id": obj}, "timestamp": at or f"2026-03-02T08:{number:02d}:00Z",
           "context": context or {}}
    if result:
        out["result"] = result
    return out


def cmi5(number: int, verb: str, rule: str, session: str = "s1", moveon: bool = False, result: dict | None = None):
    categories = [CMI5_CATEGORY] + ([MOVEON_CATEGORY] if moveon else [])
    context = {"registration": "6f4bbfb9-65a7-4f0c-a2be-5f5c0c2fdd6e",
               "contextActivities": {"grouping": [{"id": AU}, {"id": COURSE}], "category": categories},
               "extensions": {SESSION: session, MOVEON: rule}}
    return statement(number, verb, AU, context, result)


def au_row(statements: list[dict]) -> dict:
    facts = [extract_fact(s) for s in statements]
    return next(row for row in rows_for(facts) if row["module_id"] == AU)


@pytest.mark.parametrize("rule, verbs, satisfied", [
    ("Passed", ["completed"], False),
    ("Passed", ["passed"], True),
    ("Completed", ["failed", "completed"], True),
    ("CompletedAndPassed", ["completed"], False),
    ("CompletedAndPassed", ["completed", "passed"], True),
    ("CompletedOrPassed", ["passed"], True),
    ("NotApplicable", [], True),
])
def test_cmi5_move_on_rules(rule, verbs, satisfied):
    statements = [cmi5(1, ADL + "launched", rule), cmi5(2, ADL + "initialized", rule)]
    for offset, verb in enumerate(verbs, start=3):
        statements.append(cmi5(offset, ADL + verb, rule, moveon=True))
    row = au_row(statements)
    assert row["satisfied"] is satisfied
    assert row["cmi5"] and row["move_on"] == rule
    assert row["attempts"] == 1  # launched and initialized share the session


def test_cmi5_session_time_is_not_counted_twice():
    rule = "Completed"
    statements = [
        cmi5(1, ADL + "launched", rule),
        cmi5(2, ADL + "initialized", rule),
        cmi5(10, ADL + "completed", rule, moveon=True, result={"completion": True, "duration": "PT480S"}),
        cmi5(12, ADL + "terminated", rule, result={"duration": "PT600S"}),  # 08:02 -> 08:12
        cmi5(40, ADL + "launched", rule, session="s2"),
        cmi5(41, ADL + "terminated", rule, session="s2", result={"duration": "PT90S"}),  # span 60 s, said 90
    ]
    row = au_row(statements)
    assert row["total_seconds"] == 11 * 60 + 90
    assert row["attempts"] == 2 and row["sessions"] == 2


def test_explicit_uncompletion_wins_when_later():
    module = COURSE + "/m1"
    context = {"contextActivities": {"parent": [{"id": COURSE}]}}
    statements = [
        statement(1, ADL + "completed", module, context),
        statement(2, "https://xapi.edlm/profiles/edlm-lms/concepts/verbs/uncompleted", module, context),
    ]
    rows = {row["module_id"]: row for row in rows_for([extract_fact(s) for s in statements])}
    assert rows[module]["completed"] is False
    statements.append(statement(3, ADL + "completed", module, context))
    rows = {row["module_id"]: row for row in rows_for([extract_fact(s) for s in statements])}
    assert rows[module]["completed"] is True and rows[module]["completed_us"] is not None


def test_statements_about_no_learner_give_no_fact():
    group = statement(1, ADL + "completed", COURSE)
    group["actor"] = {"objectType": "Group", "member": [ME]}
    assert extract_fact(group) is None
    ref = statement(2, ADL + "voided", COURSE)
    ref["object"] = {"objectType": "StatementRef", "id": "00000000-0000-4000-8000-000000000001"}
    assert extract_fact(ref) is None


def test_score_from_raw_min_max_and_answers_never_carry_the_outcome():
    module = COURSE + "/m1"
    context = {"contextActivities": {"parent": [{"id": COURSE}]}}
    fact = extract_fact(statement(1, ADL + "passed", module, context, {"score": {"raw": 15, "min": 10, "max": 20}}))
    assert fact.score == 0.5 and fact.success is True and fact.outcome
    answer = statement(2, ADL + "answered", module + "/q1",
                       {"contextActivities": {"parent": [{"id": module}], "grouping": [{"id": COURSE}]}},
                       {"success": True, "completion": True})
    answer["object"]["definition"] = {"type": "http://adlnet.gov/expapi/activities/cmi.interaction"}
    fact = extract_fact(answer)
    assert (fact.course_id, fact.module_id, fact.outcome) == (COURSE, module, False)


def test_an_answer_naming_only_its_module_joins_the_modules_course(sqlite_database):
    """The runtime gives an answer its module as only parent: the module, seen first
    with its course as parent, places it."""
    engine = engine_for(sqlite_database)
    apply_migrations(engine)
    module = COURSE + "/m1"
    first = statement(1, ADL + "initialized", module, {"contextActivities": {"parent": [{"id": COURSE}]}})
    answer = statement(2, ADL + "answered", module + "/quiz/q1", {"contextActivities": {"parent": [{"id": module}]}},
                       {"success": True})
    with write_transaction(engine) as connection:
        ingest(connection, [first])
    with write_transaction(engine) as connection:
        ingest(connection, [answer])
    with engine.connect() as connection:
        rows = connection.execute(sa.select(report_progress.c.course_id, report_progress.c.module_id,
                                            report_progress.c.statements)).all()
    assert sorted(rows) == [(COURSE, "", 2), (COURSE, module, 2)]


def test_cmi5_statements_join_the_course_of_their_registration(sqlite_database):
    """Plain cmi5: AU statements name only the AU's publisher id; the course is known
    from the LMS's statement about the course, which may come last."""
    engine = engine_for(sqlite_database)
    apply_migrations(engine)
    registration = "6f4bbfb9-65a7-4f0c-a2be-5f5c0c2fdd6e"

    def au_statement(number: int, verb: str, session: str) -> dict:
        context = {"registration": registration, "contextActivities": {"grouping": [{"id": AU}],
                                                                       "category": [CMI5_CATEGORY]},
                   "extensions": {SESSION: session, MOVEON: "Completed"}}
        return statement(number, ADL + verb, AU, context)

    course_statement = statement(5, "https://w3id.org/xapi/adl/verbs/satisfied", COURSE, {
        "registration": registration, "contextActivities": {"category": [CMI5_CATEGORY]}})
    course_statement["object"]["definition"] = {"type": "https://w3id.org/xapi/cmi5/activitytype/course"}

    def rows() -> list:
        with engine.connect() as connection:
            return sorted(connection.execute(sa.select(
                report_progress.c.course_id, report_progress.c.module_id, report_progress.c.statements,
                report_progress.c.satisfied)).all())

    with write_transaction(engine) as connection:
        ingest(connection, [au_statement(1, "launched", "s1"), au_statement(2, "completed", "s1")])
    assert rows() == [(AU, "", 2, True)]  # alone, the AU is its own course
    with write_transaction(engine) as connection:
        ingest(connection, [course_statement])
    assert rows() == [(COURSE, "", 3, True), (COURSE, AU, 2, True)]
    with write_transaction(engine) as connection:
        ingest(connection, [au_statement(8, "launched", "s2")])
    assert rows() == [(COURSE, "", 4, True), (COURSE, AU, 3, True)]


def test_an_answer_under_its_course_is_neither_a_module_nor_an_outcome():
    question = {"id": COURSE + "/quiz/q1", "definition": {
        "type": "http://adlnet.gov/expapi/activities/cmi.interaction", "interactionType": "true-false",
        "correctResponsesPattern": ["true"]}}
    answer = statement(1, ADL + "answered", question["id"], {"contextActivities": {"parent": [{"id": COURSE}]}},
                       {"success": True, "completion": True, "response": "true"})
    answer["object"] = question
    fact = extract_fact(answer)
    assert (fact.course_id, fact.module_id) == (COURSE, "")
    assert not fact.outcome
    course_row = next(row for row in rows_for([fact]) if row["module_id"] == "")
    assert not course_row["completed"] and course_row["success"] is None


def test_the_course_row_counts_the_attempts_of_its_most_attempted_module():
    rule = "Completed"
    statements = [cmi5(1, ADL + "launched", rule), cmi5(2, ADL + "initialized", rule),
                  cmi5(5, ADL + "launched", rule, session="s2"), cmi5(6, ADL + "initialized", rule, session="s2")]
    rows = {row["module_id"]: row for row in rows_for([extract_fact(s) for s in statements])}
    assert rows[AU]["attempts"] == 2
    assert rows[""]["attempts"] == 2  # not 0: the course row has no statement of its own
