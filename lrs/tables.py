"""The tables of the Statement API, credentials, agents and activities.

Statements are stored whole (`body`, the JSON served back) and indexed in
`statement_index`: one row per (statement, kind, value), where kind is

    g  an agent or identified group that is the actor or object   (`agent`)
    G  any agent related to the statement                          (`agent` + `related_agents`)
    a  the activity that is the object                             (`activity`)
    A  any activity related to the statement                       (`activity` + `related_activities`)
    v  the verb                                                    (`verb`)
    r  the context registration                                    (`registration`)

so that every filter of the spec is one range of the `(kind, value, stored_us, seq)`
index, read in the order of the results. A statement that targets another one
(StatementRef) also gets the rows of its target, as the spec's filter rule requires.
"""

from __future__ import annotations

import sqlalchemy
from sqlalchemy import BigInteger, Boolean, Column, Index, Integer, LargeBinary, String, Table, Text

from lrs.db import metadata

# SQLite only auto-increments an INTEGER PRIMARY KEY (the rowid).
Sequence = BigInteger().with_variant(Integer(), "sqlite")

credentials = Table(
    "credentials",
    metadata,
    Column("key", String(200), primary_key=True),
    Column("secret_hash", String(300), nullable=False),
    Column("name", String(200), nullable=False, default=""),
    Column("scopes", String(500), nullable=False),
    Column("authority", Text, nullable=False),  # JSON agent
    Column("created_at", String(40), nullable=False),
    Column("revoked_at", String(40), nullable=True),
)

statements = Table(
    "statements",
    metadata,
    Column("seq", Sequence, primary_key=True, autoincrement=True),
    Column("id", String(36), nullable=False, unique=True),
    Column("stored_us", BigInteger, nullable=False),  # microseconds since 1970, UTC
    Column("voided", Boolean, nullable=False, default=False),
    Column("voids", String(36), nullable=True),  # the id this voiding statement voids
    Column("ref_target", String(36), nullable=True),  # the id of a StatementRef object
    Column("credential_key", String(200), nullable=False),
    Column("body", Text, nullable=False),
)
Index("ix_statements_order", statements.c.stored_us, statements.c.seq)
# Few statements target others: partial indexes keep the common insert cheap.
_targets_only = statements.c.ref_target.is_not(None)
Index("ix_statements_ref_target", statements.c.ref_target,
      sqlite_where=_targets_only, postgresql_where=_targets_only)
_voiding_only = statements.c.voids.is_not(None)
Index("ix_statements_voids", statements.c.voids, sqlite_where=_voiding_only, postgresql_where=_voiding_only)
Index("ix_statements_credential", statements.c.credential_key, statements.c.stored_us, statements.c.seq)

statement_index = Table(
    "statement_index",
    metadata,
    # No primary key: a second B-tree on the long `value` would double the cost of
    # each insert; rows of one statement are found through `ix_statement_index_seq`.
    Column("seq", Sequence, sqlalchemy.ForeignKey("statements.seq", ondelete="CASCADE"), nullable=False),
    Column("kind", String(1), nullable=False),
    Column("value", Text, nullable=False),
    Column("stored_us", BigInteger, nullable=False),
)
Index("ix_statement_index_seq", statement_index.c.seq)
Index(
    "ix_statement_index_lookup",
    statement_index.c.kind,
    statement_index.c.value,
    statement_index.c.stored_us,
    statement_index.c.seq,
)

attachments = Table(
    "attachments",
    metadata,
    Column("sha2", String(128), primary_key=True),
    Column("content_type", String(200), nullable=False),
    Column("content", LargeBinary, nullable=False),
)

agent_names = Table(
    "agent_names",
    metadata,
    Column("agent_key", Text, primary_key=True),
    Column("name", Text, primary_key=True),  # "" when the agent came without a name
    Column("agent", Text, nullable=False),  # JSON: the IFI as first seen
)

activities = Table(
    "activities",
    metadata,
    Column("id", Text, primary_key=True),
    Column("definition", Text, nullable=True),  # JSON, the canonical definition
    Column("authority_key", Text, nullable=True),  # who first defined it
)

CORE_TABLES = [credentials, statements, statement_index, attachments, agent_names, activities]
