"""Numbered schema migrations, applied in order and recorded in `schema_migrations`.

How to add one: create `lrs/migrations/mNNNN_short_name.py` (the next free number;
numbers are only an order, the full module name is what gets recorded, so two
migrations that happen to share a number both run) defining

    def upgrade(connection: sqlalchemy.Connection) -> None:
        ...  # DDL and data changes, written to work on SQLite and PostgreSQL

Each migration runs in its own transaction together with the row recording it, so a
failing migration leaves nothing behind. A migration is never edited once released:
write a new one. `create_app` and `parcours serve` apply pending migrations on start;
several workers starting at once are serialised by a lock (`BEGIN IMMEDIATE` on
SQLite, an advisory lock on PostgreSQL).

Frozen DDL: a migration defines the tables and indexes it creates itself (its own
`sqlalchemy.Table` objects on a `MetaData()` of its own, or SQL text read the same
way by both databases) and imports no live table and no live code, so that a
database made by any release upgrades exactly as a new one is built. The live
tables, declared on `lrs.db.metadata` for queries, must agree with what the
migrations build: `tests/lrs/test_migrations.py` compares them.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
from datetime import datetime, timezone

import sqlalchemy
from sqlalchemy.engine import Connection, Engine

from lrs.db import is_sqlite

MIGRATION_NAME = re.compile(r"^m\d{4}_[a-z0-9_]+$")
LOCK_ID = 0x70617263  # "parc": the PostgreSQL advisory lock of migrations

schema_migrations = sqlalchemy.Table(
    "schema_migrations",
    sqlalchemy.MetaData(),  # kept apart: it exists before any migration runs
    sqlalchemy.Column("name", sqlalchemy.String(200), primary_key=True),
    sqlalchemy.Column("applied_at", sqlalchemy.String(40), nullable=False),
)


def available_migrations() -> list[str]:
    """Module names of every migration in this package, in order."""
    names = [info.name for info in pkgutil.iter_modules(__path__) if MIGRATION_NAME.match(info.name)]
    return sorted(names)


def applied_migrations(connection: Connection) -> set[str]:
    schema_migrations.create(connection, checkfirst=True)
    return set(connection.execute(sqlalchemy.select(schema_migrations.c.name)).scalars())


def applied_migrations_read_only(connection: Connection) -> set[str]:
    """The applied migrations, without creating the table (a health check only reads)."""
    if not sqlalchemy.inspect(connection).has_table(schema_migrations.name):
        return set()
    return set(connection.execute(sqlalchemy.select(schema_migrations.c.name)).scalars())


def _lock(connection: Connection) -> None:
    if not is_sqlite(connection):
        connection.execute(sqlalchemy.text("SELECT pg_advisory_xact_lock(:id)"), {"id": LOCK_ID})


def apply_migrations(engine: Engine) -> list[str]:
    """Apply every pending migration; return the names applied now."""
    applied_now: list[str] = []
    for name in available_migrations():
        with engine.connect().execution_options(parcours_write=True) as connection:
            with connection.begin():
                _lock(connection)
                if name in applied_migrations(connection):
                    continue
                module = importlib.import_module(f"{__name__}.{name}")
                module.upgrade(connection)
                connection.execute(
                    schema_migrations.insert().values(
                        name=name, applied_at=datetime.now(timezone.utc).isoformat()
                    )
                )
                applied_now.append(name)
    return applied_now
