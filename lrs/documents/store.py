"""Reading and writing documents, atomically.

Every change runs `decide(current)` inside a write transaction holding the lock on the
document (SQLite: `BEGIN IMMEDIATE` from `lrs.db.write_transaction`; PostgreSQL:
`SELECT ... FOR UPDATE`), so that precondition checks and JSON merges always see the
latest version and two concurrent writers can never lose each other's keys.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from typing import Callable, Union

import orjson
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from lrs.db import is_sqlite, read_transaction, write_transaction
from lrs.documents.table import documents
from lrs.timeutil import from_micros, now_utc, to_micros

# A PostgreSQL writer that finds no row may lose the race to insert it; it then retries
# once the other transaction has committed. Two attempts always suffice; the third is slack.
_INSERT_ATTEMPTS = 3


@dataclass(frozen=True)
class Address:
    """Where a document lives; unused parts are empty strings."""

    kind: str
    activity_id: str = ""
    agent_key: str = ""
    registration: str = ""
    document_id: str = ""

    @property
    def context_key(self) -> str:
        return _digest(self.kind, self.activity_id, self.agent_key)

    @property
    def document_key(self) -> str:
        return _digest(self.kind, self.activity_id, self.agent_key, self.registration, self.document_id)


@dataclass(frozen=True)
class Document:
    content: bytes
    content_type: str
    etag: str
    updated: datetime  # aware, UTC


@dataclass(frozen=True)
class Store:
    """`decide` asks for these bytes to become the document."""

    content: bytes
    content_type: str


class Delete:
    """`decide` asks for the document to be removed."""


DELETE = Delete()
Decision = Union[Store, Delete]


def _digest(*parts: str) -> str:
    # JSON keeps the parts unambiguous whatever characters they hold.
    return hashlib.sha256(orjson.dumps(parts)).hexdigest()


def etag_of(content: bytes) -> str:
    """The entity tag: SHA-1 hex of the stored bytes (as the xAPI examples show)."""
    return hashlib.sha1(content).hexdigest()


def _from_row(row: sa.Row) -> Document:
    return Document(
        content=bytes(row.content),
        content_type=row.content_type,
        etag=row.etag,
        updated=from_micros(row.updated_us),
    )


def fetch(engine: Engine, address: Address) -> Document | None:
    """The document at `address`, or None."""
    with read_transaction(engine) as connection:
        row = connection.execute(_select_one(address)).first()
    return _from_row(row) if row is not None else None


def _select_one(address: Address) -> sa.Select:
    return sa.select(
        documents.c.id, documents.c.content, documents.c.content_type, documents.c.etag, documents.c.updated_us,
    ).where(documents.c.document_key == address.document_key)


def list_ids(engine: Engine, context: Address, registration: str | None,
             since: datetime | None) -> tuple[list[str], datetime | None]:
    """Ids of the documents of `context` (every registration when `registration` is None),
    updated strictly after `since`, oldest first, with the latest update time."""
    query = sa.select(documents.c.document_id, documents.c.updated_us).where(
        documents.c.context_key == context.context_key)
    if registration is not None:
        query = query.where(documents.c.registration == registration)
    if since is not None:
        query = query.where(documents.c.updated_us > to_micros(since))
    query = query.order_by(documents.c.updated_us, documents.c.id)
    with read_transaction(engine) as connection:
        rows = connection.execute(query).all()
    latest = max((row.updated_us for row in rows), default=None)
    return [row.document_id for row in rows], (from_micros(latest) if latest is not None else None)


def delete_all(engine: Engine, context: Address, registration: str | None) -> int:
    """Remove every document of `context` (of one registration if given); how many went."""
    statement = sa.delete(documents).where(documents.c.context_key == context.context_key)
    if registration is not None:
        statement = statement.where(documents.c.registration == registration)
    with write_transaction(engine) as connection:
        return connection.execute(statement).rowcount


def write(engine: Engine, address: Address, decide: Callable[[Document | None], Decision]) -> Document | None:
    """Apply `decide(current)` atomically; returns the document as stored (None once deleted).

    `decide` may raise to refuse the change: nothing is written then.
    """
    for _ in range(_INSERT_ATTEMPTS):
        with write_transaction(engine) as connection:
            row = connection.execute(_select_one(address).with_for_update()).first()
            current = _from_row(row) if row is not None else None
            decision = decide(current)
            if isinstance(decision, Delete):
                if row is not None:
                    connection.execute(sa.delete(documents).where(documents.c.id == row.id))
                return None
            stored = Document(decision.content, decision.content_type, etag_of(decision.content), now_utc())
            values = {
                "content": stored.content,
                "content_type": stored.content_type,
                "etag": stored.etag,
                "updated_us": to_micros(stored.updated),
            }
            if row is not None:
                connection.execute(sa.update(documents).where(documents.c.id == row.id).values(**values))
                return stored
            if _insert(connection, address, values):
                return stored
        # Another transaction created the document meanwhile: decide again against it.
    raise RuntimeError(f"document {address.document_key} kept changing during {_INSERT_ATTEMPTS} attempts")


def _insert(connection: Connection, address: Address, values: dict) -> bool:
    if is_sqlite(connection):
        from sqlalchemy.dialects.sqlite import insert
    else:
        from sqlalchemy.dialects.postgresql import insert  # type: ignore[assignment]
    statement = insert(documents).values(
        document_key=address.document_key,
        context_key=address.context_key,
        kind=address.kind,
        activity_id=address.activity_id,
        agent_key=address.agent_key,
        registration=address.registration,
        document_id=address.document_id,
        **values,
    ).on_conflict_do_nothing(index_elements=["document_key"]).returning(documents.c.id)
    # RETURNING says whether the row went in (rowcount is not reliable with it).
    return connection.execute(statement).first() is not None
