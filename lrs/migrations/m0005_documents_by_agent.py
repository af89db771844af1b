"""An index of documents by agent: a learner's privacy export and erasure no longer
read every document.

Frozen: plain SQL, read the same way by SQLite and PostgreSQL (see `lrs.migrations`).
"""

from __future__ import annotations

from sqlalchemy.engine import Connection


def upgrade(connection: Connection) -> None:
    connection.exec_driver_sql("CREATE INDEX IF NOT EXISTS documents_by_agent ON documents (agent_key)")
