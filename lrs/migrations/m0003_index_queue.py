"""The queue of statements whose filter index and reports are written after the request.

Frozen: this definition is the migration's own (see `lrs.migrations`).
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, Integer, MetaData, Table
from sqlalchemy.engine import Connection

index_queue = Table(
    "index_queue",
    MetaData(),
    Column("seq", BigInteger().with_variant(Integer(), "sqlite"), primary_key=True, autoincrement=False),
)


def upgrade(connection: Connection) -> None:
    index_queue.create(connection, checkfirst=True)
