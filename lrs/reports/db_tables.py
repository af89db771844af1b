"""The reports' database tables: one fact per statement, and the learner-activity
model built from them.

`report_facts` keeps what the model needs from each statement, so that a learner's
rows are recomputed from a few hundred small rows, never by re-reading statements.
`report_progress` is the model itself: one row per (learner, course, module,
registration), `module_id` "" being the course as a whole.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Boolean, Column, Float, Index, Integer, String, Table, Text

from lrs.db import metadata

report_facts = Table(
    "report_facts",
    metadata,
    Column("statement_id", String(36), primary_key=True),
    Column("learner_key", Text, nullable=False),
    Column("registration", String(36), nullable=False),
    Column("course_id", Text, nullable=False),
    Column("module_id", Text, nullable=False),
    Column("ts_us", BigInteger, nullable=False),
    Column("verb", Text, nullable=False),
    Column("administrative", Boolean, nullable=False),
    Column("outcome", Boolean, nullable=False),
    Column("completion", Boolean, nullable=True),
    Column("success", Boolean, nullable=True),
    Column("score", Float, nullable=True),
    Column("duration", Float, nullable=True),
    Column("session_id", Text, nullable=False),
    Column("attempt_key", Text, nullable=False),
    Column("cmi5", Boolean, nullable=False),
    Column("move_on", String(32), nullable=False),
    Column("learner_name", Text, nullable=False),
    Column("home_page", Text, nullable=False),
    Column("grp", Text, nullable=False),
    Column("course_name", Text, nullable=False),
    Column("module_name", Text, nullable=False),
)
Index("ix_report_facts_learner", report_facts.c.learner_key, report_facts.c.course_id, report_facts.c.registration)
Index("ix_report_facts_module", report_facts.c.module_id, report_facts.c.course_id)
Index("ix_report_facts_registration", report_facts.c.registration)

report_progress = Table(
    "report_progress",
    metadata,
    # Course first: a report reads one course's rows, stored together (SQLite WITHOUT
    # ROWID clusters the table on this key; PostgreSQL reads it through the key).
    Column("course_id", Text, primary_key=True),
    Column("module_id", Text, primary_key=True),
    Column("learner_key", Text, primary_key=True),
    Column("registration", String(36), primary_key=True),
    Column("learner_name", Text, nullable=False),
    Column("home_page", Text, nullable=False),
    Column("grp", Text, nullable=False),
    Column("course_name", Text, nullable=False),
    Column("module_name", Text, nullable=False),
    Column("first_launch_us", BigInteger, nullable=True),
    Column("last_activity_us", BigInteger, nullable=True),
    Column("statements", Integer, nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("sessions", Integer, nullable=False),
    Column("completed", Boolean, nullable=False),
    Column("completed_us", BigInteger, nullable=True),
    Column("success", Boolean, nullable=True),
    Column("passed_us", BigInteger, nullable=True),
    Column("satisfied", Boolean, nullable=False),
    Column("satisfied_us", BigInteger, nullable=True),
    Column("best_score", Float, nullable=True),
    Column("last_score", Float, nullable=True),
    Column("total_seconds", Float, nullable=False),
    Column("cmi5", Boolean, nullable=False),
    Column("move_on", String(32), nullable=False),
    sqlite_with_rowid=False,
)
Index(
    "ix_report_progress_learner",
    report_progress.c.learner_key,
    report_progress.c.course_id,
    report_progress.c.registration,
)

# Display names (JSON language maps) of courses and modules, for filters and headings.
report_names = Table(
    "report_names",
    metadata,
    Column("kind", String(8), primary_key=True),  # course | module
    Column("activity_id", Text, primary_key=True),
    Column("name", Text, nullable=False),
)

# What the question analysis and the drop-off read: one row per answer to a question
# (kind "answer") and per page seen (kind "page", an `experienced` statement), placed in
# the course and module of the statement's fact.
report_items = Table(
    "report_items",
    metadata,
    Column("statement_id", String(36), primary_key=True),
    Column("course_id", Text, nullable=False),
    Column("kind", String(8), nullable=False),  # answer | page
    Column("module_id", Text, nullable=False),
    Column("activity_id", Text, nullable=False),  # the question or the page
    Column("learner_key", Text, nullable=False),
    Column("registration", String(36), nullable=False),
    Column("ts_us", BigInteger, nullable=False),
    Column("success", Boolean, nullable=True),
    Column("response", Text, nullable=True),
    Column("duration", Float, nullable=True),
)
Index("ix_report_items_course", report_items.c.course_id, report_items.c.kind)
Index("ix_report_items_learner", report_items.c.learner_key)

REPORT_TABLES = [report_facts, report_progress, report_names, report_items]
