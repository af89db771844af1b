"""The one table holding every State, Activity Profile and Agent Profile document.

A document is addressed by (kind, activity_id, agent_key, registration, document_id);
unused parts are empty strings so that the address is always complete. Lookups go
through two fixed-width SHA-256 keys rather than the raw IRIs: the B-tree stays small
at millions of rows, and no IRI, however long, can exceed PostgreSQL's index row limit.
"""

from __future__ import annotations

import sqlalchemy as sa

from lrs.db import metadata
from lrs.tables import Sequence

STATE = "state"
ACTIVITY_PROFILE = "activity_profile"
AGENT_PROFILE = "agent_profile"

documents = sa.Table(
    "documents",
    metadata,
    sa.Column("id", Sequence, primary_key=True, autoincrement=True),
    # sha256(kind, activity_id, agent_key, registration, document_id): one document
    sa.Column("document_key", sa.String(64), nullable=False),
    # sha256(kind, activity_id, agent_key): every document of one agent/activity pair
    sa.Column("context_key", sa.String(64), nullable=False),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("activity_id", sa.Text(), nullable=False),
    sa.Column("agent_key", sa.Text(), nullable=False),
    sa.Column("registration", sa.String(36), nullable=False),
    sa.Column("document_id", sa.Text(), nullable=False),
    sa.Column("content", sa.LargeBinary(), nullable=False),
    sa.Column("content_type", sa.Text(), nullable=False),
    sa.Column("etag", sa.String(40), nullable=False),  # SHA-1 hex of `content`
    sa.Column("updated_us", sa.BigInteger(), nullable=False),  # microseconds since 1970, UTC
    sa.Index("documents_by_key", "document_key", unique=True),
    sa.Index("documents_by_context", "context_key", "registration", "updated_us"),
    sa.Index("documents_by_agent", "agent_key"),  # a learner's documents (privacy export and erasure)
)
