"""The documents of the State, Activity Profile and Agent Profile resources.

Frozen: this definition is the migration's own (see `lrs.migrations`); the live
table is in `lrs.documents.table`.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, Index, Integer, LargeBinary, MetaData, String, Table, Text
from sqlalchemy.engine import Connection

_metadata = MetaData()

documents = Table(
    "documents",
    _metadata,
    Column("id", BigInteger().with_variant(Integer(), "sqlite"), primary_key=True, autoincrement=True),
    Column("document_key", String(64), nullable=False),
    Column("context_key", String(64), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("activity_id", Text(), nullable=False),
    Column("agent_key", Text(), nullable=False),
    Column("registration", String(36), nullable=False),
    Column("document_id", Text(), nullable=False),
    Column("content", LargeBinary(), nullable=False),
    Column("content_type", Text(), nullable=False),
    Column("etag", String(40), nullable=False),
    Column("updated_us", BigInteger(), nullable=False),
    Index("documents_by_key", "document_key", unique=True),
    Index("documents_by_context", "context_key", "registration", "updated_us"),
)


def upgrade(connection: Connection) -> None:
    documents.create(connection, checkfirst=True)
