"""Credentials, statements and their index, attachments, agents and activities, as
first released: the filter index was `statement_index` (kind, value) then; m0004
replaces it with `statement_keys`.

Frozen: these definitions are this migration's own and never change (see
`lrs.migrations`); the live tables are in `lrs.tables`.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Boolean, Column, ForeignKey, Index, Integer, LargeBinary, MetaData, String, Table, Text
from sqlalchemy.engine import Connection

_metadata = MetaData()
_Sequence = BigInteger().with_variant(Integer(), "sqlite")  # SQLite auto-increments only INTEGER PRIMARY KEY

credentials = Table(
    "credentials",
    _metadata,
    Column("key", String(200), primary_key=True),
    Column("secret_hash", String(300), nullable=False),
    Column("name", String(200), nullable=False),
    Column("scopes", String(500), nullable=False),
    Column("authority", Text, nullable=False),
    Column("created_at", String(40), nullable=False),
    Column("revoked_at", String(40), nullable=True),
)

statements = Table(
    "statements",
    _metadata,
    Column("seq", _Sequence, primary_key=True, autoincrement=True),
    Column("id", String(36), nullable=False, unique=True),
    Column("stored_us", BigInteger, nullable=False),
    Column("voided", Boolean, nullable=False),
    Column("voids", String(36), nullable=True),
    Column("ref_target", String(36), nullable=True),
    Column("credential_key", String(200), nullable=False),
    Column("body", Text, nullable=False),
)
Index("ix_statements_order", statements.c.stored_us, statements.c.seq)
_targets_only = statements.c.ref_target.is_not(None)
Index("ix_statements_ref_target", statements.c.ref_target, sqlite_where=_targets_only, postgresql_where=_targets_only)
_voiding_only = statements.c.voids.is_not(None)
Index("ix_statements_voids", statements.c.voids, sqlite_where=_voiding_only, postgresql_where=_voiding_only)
Index("ix_statements_credential", statements.c.credential_key, statements.c.stored_us, statements.c.seq)

statement_index = Table(
    "statement_index",
    _metadata,
    Column("seq", _Sequence, ForeignKey("statements.seq", ondelete="CASCADE"), nullable=False),
    Column("kind", String(1), nullable=False),
    Column("value", Text, nullable=False),
    Column("stored_us", BigInteger, nullable=False),
)
Index("ix_statement_index_seq", statement_index.c.seq)
Index("ix_statement_index_lookup", statement_index.c.kind, statement_index.c.value, statement_index.c.stored_us,
      statement_index.c.seq)

attachments = Table(
    "attachments",
    _metadata,
    Column("sha2", String(128), primary_key=True),
    Column("content_type", String(200), nullable=False),
    Column("content", LargeBinary, nullable=False),
)

agent_names = Table(
    "agent_names",
    _metadata,
    Column("agent_key", Text, primary_key=True),
    Column("name", Text, primary_key=True),
    Column("agent", Text, nullable=False),
)

activities = Table(
    "activities",
    _metadata,
    Column("id", Text, primary_key=True),
    Column("definition", Text, nullable=True),
    Column("authority_key", Text, nullable=True),
)


def upgrade(connection: Connection) -> None:
    _metadata.create_all(connection, checkfirst=True)
