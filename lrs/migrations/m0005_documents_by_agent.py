"""An index of documents by agent: a learner's privacy export and erasure no longer
read every document."""

from __future__ import annotations

from sqlalchemy.engine import Connection

from lrs.documents.table import documents


def upgrade(connection: Connection) -> None:
    for index in documents.indexes:
        if index.name == "documents_by_agent":
            index.create(connection, checkfirst=True)
