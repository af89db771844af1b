"""The report tables (learner-activity model), filled from statements already stored."""

from __future__ import annotations

from sqlalchemy.engine import Connection

from lrs.reports.db_tables import REPORT_TABLES


def upgrade(connection: Connection) -> None:
    for table in REPORT_TABLES:
        table.create(connection, checkfirst=True)
    from lrs.reports.store import rebuild

    rebuild(connection)
