"""The index keys of a queued statement, computed by the request that stored it
(`lrs.statements.queued_keys`): filtered queries read them instead of parsing the
statement again. Older queue rows have none and are parsed as before.

Frozen: this definition is the migration's own (see `lrs.migrations`).
"""

from __future__ import annotations

from sqlalchemy.engine import Connection


def upgrade(connection: Connection) -> None:
    binary = "BLOB" if connection.dialect.name == "sqlite" else "BYTEA"
    connection.exec_driver_sql(f"ALTER TABLE index_queue ADD COLUMN keys {binary}")
