"""The report tables (learner-activity model).

Frozen: these definitions are this migration's own (see `lrs.migrations`); the live
tables are in `lrs.reports.db_tables`. Every release created them together with the
core tables, so they never met statements stored before them; `parcours report
rebuild` recomputes them from the statements should that ever be needed.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Boolean, Column, Float, Index, Integer, MetaData, String, Table, Text
from sqlalchemy.engine import Connection

_metadata = MetaData()

report_facts = Table(
    "report_facts",
    _metadata,
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
    _metadata,
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
    _metadata,
    Column("kind", String(8), primary_key=True),  # course | module
    Column("activity_id", Text, primary_key=True),
    Column("name", Text, nullable=False),
)



def upgrade(connection: Connection) -> None:
    _metadata.create_all(connection, checkfirst=True)
