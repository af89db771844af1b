"""The queue of statements already in the filter index whose report facts are still to
be written (`lrs.statements.backlog`): a statement query indexes only what it needs.

Frozen: this definition is the migration's own (see `lrs.migrations`).
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, Integer, MetaData, Table
from sqlalchemy.engine import Connection

report_queue = Table(
    "report_queue",
    MetaData(),
    Column("seq", BigInteger().with_variant(Integer(), "sqlite"), primary_key=True, autoincrement=False),
)


def upgrade(connection: Connection) -> None:
    report_queue.create(connection, checkfirst=True)
