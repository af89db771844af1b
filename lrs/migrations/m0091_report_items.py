"""The answers and pages of the question analysis and the drop-off (`report_items`),
filled from the statements already stored.

The table is written out here as it was when this migration was released, so that
later changes to the live table go through new migrations.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Boolean, Column, Float, Index, MetaData, String, Table, Text
from sqlalchemy.engine import Connection

_metadata = MetaData()

report_items = Table(
    "report_items",
    _metadata,
    Column("statement_id", String(36), primary_key=True),
    Column("course_id", Text, nullable=False),
    Column("kind", String(8), nullable=False),
    Column("module_id", Text, nullable=False),
    Column("activity_id", Text, nullable=False),
    Column("learner_key", Text, nullable=False),
    Column("registration", String(36), nullable=False),
    Column("ts_us", BigInteger, nullable=False),
    Column("success", Boolean, nullable=True),
    Column("response", Text, nullable=True),
    Column("duration", Float, nullable=True),
)
Index("ix_report_items_course", report_items.c.course_id, report_items.c.kind)
Index("ix_report_items_learner", report_items.c.learner_key)


def upgrade(connection: Connection) -> None:
    report_items.create(connection, checkfirst=True)
    # Answers and pages of statements stored before this release: the whole model is
    # recomputed once, with the extraction of this release.
    from lrs.reports.store import rebuild

    rebuild(connection)
