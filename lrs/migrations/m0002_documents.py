"""The documents of the State, Activity Profile and Agent Profile resources."""

from __future__ import annotations

from sqlalchemy.engine import Connection

from lrs.documents.table import documents


def upgrade(connection: Connection) -> None:
    documents.create(connection, checkfirst=True)  # with its indexes
