"""Credentials, statements and their index, attachments, agents and activities."""

from __future__ import annotations

from sqlalchemy.engine import Connection

from lrs.tables import CORE_TABLES


def upgrade(connection: Connection) -> None:
    for table in CORE_TABLES:
        table.create(connection, checkfirst=True)  # with its indexes
