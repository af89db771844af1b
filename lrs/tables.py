"""The tables of the Statement API, credentials, agents and activities.

Statements are stored whole (`body`, the JSON served back) and indexed in
`statement_keys`: one row per (statement, kind, value), where kind is

    g  an agent or identified group that is the actor or object   (`agent`)
    G  any agent related to the statement                          (`agent` + `related_agents`)
    a  the activity that is the object                             (`activity`)
    A  any activity related to the statement                       (`activity` + `related_activities`)
    v  the verb                                                    (`verb`)
    r  the context registration                                    (`registration`)

so that every filter of the spec is one range of the `(key, stored_us, seq)` primary
key, read in the order of the results, where `key` is a 64-bit hash of the kind and
value (`lrs.statements.index_keys.index_key`): rows of three integers keep the index a
quarter of the size it has with the values themselves, and inserts as cheap. (Two
values of the same hash would mix their results: among a hundred million distinct
values, the odds that any two collide are about 1 in 3,700.) A statement that targets another
one (StatementRef) also gets the rows of its target, as the spec's filter rule requires.
"""

from __future__ import annotations

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

statement_keys = Table(
    "statement_keys",
    metadata,
    Column("key", BigInteger, primary_key=True),
    Column("stored_us", BigInteger, primary_key=True),
    Column("seq", BigInteger, primary_key=True),
    sqlite_with_rowid=False,  # the primary key is the whole row: one B-tree, not two
)
Index("ix_statement_keys_seq", statement_keys.c.seq)  # the rows of one statement

# Statements stored but not yet in `statement_keys` nor seen by the ingest hooks: on
# SQLite they are indexed after the request, many at a time (`lrs.statements.backlog`).
index_queue = Table(
    "index_queue",
    metadata,
    Column("seq", Sequence, primary_key=True, autoincrement=False),
    Column("keys", LargeBinary, nullable=True),  # its index keys (`lrs.statements.index_keys.pack_keys`)
)
# Statements in `statement_keys` whose report facts are not written yet: a statement
# query indexes the filters only and leaves the reports to the next reader or idle time.
report_queue = Table("report_queue", metadata, Column("seq", Sequence, primary_key=True, autoincrement=False))

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

CORE_TABLES = [credentials, statements, statement_keys, attachments, agent_names, activities]
