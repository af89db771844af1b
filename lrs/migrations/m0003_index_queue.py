"""The queue of statements whose filter index and reports are written after the request."""

from __future__ import annotations

from sqlalchemy.engine import Connection

from lrs.tables import index_queue


def upgrade(connection: Connection) -> None:
    index_queue.create(connection, checkfirst=True)
