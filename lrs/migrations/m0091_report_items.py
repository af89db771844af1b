"""The answers and pages of the question analysis and the drop-off (`report_items`),
the course progress of published courses (`report_progress.progress`) and the
published version each course's rows follow (`report_structures`).

Like every migration, it imports no live code: the answers and pages of statements
stored before it are added by `parcours report rebuild` (lrs/reports/README.md); the
rows of published courses are recomputed by the first report read anyway.

The table is written out here as it was when this migration was released, so that
later changes to the live table go through new migrations.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Boolean, Column, Float, Index, MetaData, String, Table, Text, text
from sqlalchemy.engine import Connection

_metadata = MetaData()

report_items = Table(
    "report_items",
    _metadata,
    Column("course_id", Text, primary_key=True),
    Column("kind", String(8), primary_key=True),
    Column("statement_id", String(36), primary_key=True),
    Column("module_id", Text, nullable=False),
    Column("activity_id", Text, nullable=False),
    Column("learner_key", Text, nullable=False),
    Column("registration", String(36), nullable=False),
    Column("ts_us", BigInteger, nullable=False),
    Column("success", Boolean, nullable=True),
    Column("response", Text, nullable=True),
    Column("duration", Float, nullable=True),
    sqlite_with_rowid=False,
)
Index("ux_report_items_statement", report_items.c.statement_id, unique=True)
Index("ix_report_items_learner", report_items.c.learner_key)


report_structures = Table(
    "report_structures",
    _metadata,
    Column("course_id", Text, primary_key=True),
    Column("updated_us", BigInteger, nullable=False),
)


def upgrade(connection: Connection) -> None:
    report_items.create(connection, checkfirst=True)
    report_structures.create(connection, checkfirst=True)
    connection.execute(text("ALTER TABLE report_progress ADD COLUMN progress FLOAT"))
    # the course rows alone (module ""): what the overview and the completions read
    connection.execute(text("CREATE INDEX IF NOT EXISTS ix_report_progress_course_rows"
                            " ON report_progress (course_id) WHERE module_id = ''"))
