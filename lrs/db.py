"""The database: one `metadata` for every table, engines set up the same way for SQLite
and PostgreSQL, and the transaction helpers every resource uses.

SQLite runs in WAL mode (readers never wait for the writer) with foreign keys on and a
busy timeout; write transactions start with `BEGIN IMMEDIATE` so that two writers
queue on the lock instead of failing when one upgrades a read lock.
"""

from __future__ import annotations

import fcntl
import functools
import os
import threading
from contextlib import contextmanager
from typing import Any, Iterator

import orjson
import sqlalchemy
from flask import current_app
from sqlalchemy import event
from sqlalchemy.dialects import postgresql
from sqlalchemy.engine import Connection, CursorResult, Engine

metadata = sqlalchemy.MetaData()

SQLITE_BUSY_TIMEOUT_MS = 30_000
WAL_AUTOCHECKPOINT_PAGES = 20_000
ENGINE_KEY = "parcours.engine"
_POSTGRESQL = postgresql.dialect()  # compiles column types for `bulk_insert`'s casts


def normalize_url(url: str) -> str:
    """Accept `postgres://` and `postgresql://` and use psycopg 3 for them."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://"):]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    return url


def engine_for(url: str) -> Engine:
    """An engine for `url`, with the per-backend settings the LRS relies on."""
    url = normalize_url(url)
    if url.startswith("sqlite"):
        engine = sqlalchemy.create_engine(
            url,
            connect_args={"check_same_thread": False, "timeout": SQLITE_BUSY_TIMEOUT_MS / 1000},
        )
        _configure_sqlite(engine)
        return engine
    engine = sqlalchemy.create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20)
    _configure_postgresql(engine)
    return engine


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
        # The driver must not open transactions by itself: `begin` below does it.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        # Checkpoint (and fsync) every ~80 MB of WAL rather than every 4 MB: fewer,
        # larger checkpoints keep commits of statement batches short.
        cursor.execute(f"PRAGMA wal_autocheckpoint={WAL_AUTOCHECKPOINT_PAGES}")
        # A batch of statements dirties a few thousand pages (statement, index and report
        # rows): a 32 MB cache (default 2 MB) keeps them in memory until the commit
        # instead of spilling them to the WAL, and keeps the indexes' inner pages hot.
        cursor.execute("PRAGMA cache_size=-32768")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(connection: Connection) -> None:
        if connection.get_execution_options().get("parcours_write"):
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            connection.exec_driver_sql("BEGIN")


def _configure_postgresql(engine: Engine) -> None:
    from psycopg.types.string import StrDumperUnknown

    class TextWithoutNul(StrDumperUnknown):
        """PostgreSQL text cannot hold U+0000, which xAPI strings may (a learner's name,
        a document id): it becomes U+FFFD in the rows written and in lookups alike."""

        def dump(self, obj: str) -> Any:
            return super().dump(_without_nul(obj) if "\x00" in obj else obj)

    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
        dbapi_connection.adapters.register_dumper(str, TextWithoutNul)


def is_sqlite(engine_or_connection: Engine | Connection) -> bool:
    return engine_or_connection.dialect.name == "sqlite"


class _WriterQueue:
    """One SQLite writer at a time, across threads (a lock) and processes (flock on a
    file beside the database). SQLite's own busy handler polls with growing sleeps,
    so under load writers waiting on it lose most of their time asleep; waiting on
    this queue wakes them the moment the lock is free."""

    def __init__(self, database_path: str) -> None:
        guard = threading.Lock()
        self.urgent_turn = threading.Condition(guard)
        self.turn = threading.Condition(guard)
        self.busy = False
        self.urgent_waiting = 0
        self.fd = os.open(database_path + ".write-lock", os.O_RDWR | os.O_CREAT, 0o600)
        self.pid = os.getpid()

    @contextmanager
    def held(self, urgent: bool = False) -> Iterator[None]:
        """The write lock. An `urgent` writer (a reader who must index what it is about
        to read) goes before the writers of this process waiting at that moment."""
        with self.turn:
            if urgent:
                self.urgent_waiting += 1
                try:
                    self.urgent_turn.wait_for(lambda: not self.busy)
                finally:
                    self.urgent_waiting -= 1
            else:
                self.turn.wait_for(lambda: not self.busy and not self.urgent_waiting)
            self.busy = True
        try:
            fcntl.flock(self.fd, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(self.fd, fcntl.LOCK_UN)
        finally:
            with self.turn:
                self.busy = False
                # Wake one writer, not all: the others would only find the lock taken again.
                (self.urgent_turn if self.urgent_waiting else self.turn).notify()


_queues: dict[str, _WriterQueue] = {}
_queues_lock = threading.Lock()


def writer_queue(engine: Engine) -> _WriterQueue | None:
    if not is_sqlite(engine):
        return None
    path = engine.url.database
    if not path or path == ":memory:" or path.startswith("file:"):
        return None
    path = os.path.abspath(path)
    with _queues_lock:
        queue = _queues.get(path)
        # A process forked since (a gunicorn worker) opens the lock file again: flock
        # belongs to the open file, which the fork shares, so it would not keep the
        # workers apart.
        if queue is None or queue.pid != os.getpid():
            queue = _queues[path] = _WriterQueue(path)
        return queue


@contextmanager
def write_transaction(engine: Engine | None = None, *, checkpoint_after: bool = False,
                      urgent: bool = False) -> Iterator[Connection]:
    """A transaction that will write: committed on success, rolled back on any error.

    `checkpoint_after` (SQLite, for transactions that write thousands of pages): the
    WAL is copied into the database file after the commit, once the write lock is
    released, instead of by the commit itself while every writer waits. `urgent`
    (SQLite): a request waits for this write, it goes before the other writers."""
    engine = engine or current_engine()
    queue = writer_queue(engine)
    if queue is None:
        with engine.connect().execution_options(parcours_write=True) as connection:
            with connection.begin():
                yield connection
        return
    with engine.connect().execution_options(parcours_write=True) as connection:
        try:
            with queue.held(urgent):
                with connection.begin():
                    if checkpoint_after:
                        connection.exec_driver_sql("PRAGMA wal_autocheckpoint=0")
                    yield connection
        finally:
            if checkpoint_after:  # the connection goes back to the pool as it came
                connection.connection.driver_connection.execute(f"PRAGMA wal_autocheckpoint={WAL_AUTOCHECKPOINT_PAGES}")
        if checkpoint_after:
            connection.connection.driver_connection.execute("PRAGMA wal_checkpoint(PASSIVE)")  # writers go on meanwhile


@contextmanager
def read_transaction(engine: Engine | None = None) -> Iterator[Connection]:
    """A consistent snapshot for reads."""
    engine = engine or current_engine()
    with engine.connect() as connection:
        with connection.begin():
            yield connection


def current_engine() -> Engine:
    """The engine of the running app (`create_app` puts it there)."""
    return current_app.extensions[ENGINE_KEY]


def insert_ignoring_duplicates(connection: Connection, table: sqlalchemy.Table, rows: list[dict]) -> None:
    """INSERT rows of plain values (as `bulk_insert`), skipping those whose primary key
    already exists (both backends).

    Rows go in primary key order: two PostgreSQL transactions inserting some of the
    same keys then wait for each other in one order, never in a cycle (a deadlock)."""
    if not rows:
        return
    key = [column.name for column in table.primary_key.columns]
    rows = sorted(rows, key=lambda row: tuple(row[name] for name in key))
    columns = tuple(rows[0])
    bulk_insert(connection, table, columns, [tuple(row[name] for name in columns) for row in rows], "ON CONFLICT DO NOTHING")


def bulk_insert(
    connection: Connection, table: sqlalchemy.Table, columns: tuple[str, ...], rows: list[tuple], on_conflict: str = ""
) -> None:
    """INSERT many rows given as tuples straight through the driver: for the hot paths
    (statement index rows, report rows), SQLAlchemy's per-row parameter processing
    costs more than the insert itself. Only for plain values (str, int, float, bool,
    bytes, None). `on_conflict` is an `ON CONFLICT ...` clause (same syntax on both
    backends), see `upsert_clause`.

    PostgreSQL gets one command whose rows come as one JSON document: row by row, each
    row is a round of the protocol, several times the cost of inserting it (and arrays,
    one per column, would be dumped item by item in Python)."""
    if not rows:
        return
    if is_sqlite(connection) or _updates_a_row_twice(table, columns, rows, on_conflict):
        _insert_row_by_row(connection, table, columns, rows, on_conflict)
    else:
        _insert_json_rows(connection, table, columns, rows, on_conflict)


def _insert_row_by_row(
    connection: Connection, table: sqlalchemy.Table, columns: tuple[str, ...], rows: list[tuple], on_conflict: str
) -> None:
    marker = driver_marker(connection)
    connection.exec_driver_sql(
        f"INSERT INTO {table.name} ({', '.join(columns)}) VALUES ({', '.join([marker] * len(columns))}) {on_conflict}",
        rows,
    )


def bulk_insert_returning(
    connection: Connection, table: sqlalchemy.Table, columns: tuple[str, ...], rows: list[tuple], returning: tuple[str, ...]
) -> list[Any]:
    """`bulk_insert` on PostgreSQL, returning these columns of the rows inserted (in the
    order sent)."""
    return _insert_json_rows(connection, table, columns, rows, "", returning).all()


def _insert_json_rows(
    connection: Connection, table: sqlalchemy.Table, columns: tuple[str, ...], rows: list[tuple], on_conflict: str,
    returning: tuple[str, ...] = (),
) -> CursorResult[Any]:
    sql, binary_columns = _json_rows_insert(table, columns, on_conflict, returning)
    if binary_columns:  # JSON has no bytes: they travel as hexadecimal
        rows = [tuple(value.hex() if position in binary_columns and value is not None else value
                      for position, value in enumerate(row)) for row in rows]
    document = orjson.dumps(rows)
    if b"\\u0000" in document:  # rare; jsonb refuses U+0000 (see `_configure_postgresql`)
        document = orjson.dumps([tuple(map(_without_nul, row)) for row in rows])
    return connection.exec_driver_sql(sql, (document.decode(),))


def _without_nul(value: Any) -> Any:
    """A string as PostgreSQL can hold it: U+0000 becomes U+FFFD (the replacement
    character). Other values as they are."""
    return value.replace("\x00", "\ufffd") if isinstance(value, str) else value


@functools.lru_cache(maxsize=64)
def _json_rows_insert(
    table: sqlalchemy.Table, columns: tuple[str, ...], on_conflict: str, returning: tuple[str, ...]
) -> tuple[str, frozenset[int]]:
    """The command reading rows from a JSON array of arrays (in their order), and the
    positions of the columns of bytes."""
    fields, binary = [], set()
    for position, name in enumerate(columns):
        column_type = table.c[name].type
        if isinstance(column_type, sqlalchemy.LargeBinary):
            binary.add(position)
            fields.append(f"decode(r->>{position}, 'hex')")
        else:
            fields.append(f"(r->>{position})::{column_type.compile(dialect=_POSTGRESQL)}")
    sql = (f"INSERT INTO {table.name} ({', '.join(columns)}) SELECT {', '.join(fields)}"
           f" FROM jsonb_array_elements(%s::jsonb) WITH ORDINALITY AS sent (r, n) ORDER BY n {on_conflict}")
    return sql + (f" RETURNING {', '.join(returning)}" if returning else ""), frozenset(binary)


def _updates_a_row_twice(table: sqlalchemy.Table, columns: tuple[str, ...], rows: list[tuple], on_conflict: str) -> bool:
    """Whether an upsert repeats a primary key: PostgreSQL refuses that in one command,
    row by row the later row updates the earlier one."""
    if "DO UPDATE" not in on_conflict:
        return False
    positions = [columns.index(column.name) for column in table.primary_key.columns if column.name in columns]
    return len({tuple(row[position] for position in positions) for row in rows}) < len(rows)


def driver_marker(connection: Connection) -> str:
    """The parameter placeholder of the driver, for SQL sent through `exec_driver_sql`."""
    return "?" if connection.dialect.paramstyle == "qmark" else "%s"


def upsert_clause(keys: tuple[str, ...], columns: tuple[str, ...], where: str = "") -> str:
    """`ON CONFLICT (keys) DO UPDATE SET column = excluded.column, ...` for `bulk_insert`
    (SQLite >= 3.24 and PostgreSQL read it the same way)."""
    updates = ", ".join(f"{column} = excluded.{column}" for column in columns if column not in keys)
    return f"ON CONFLICT ({', '.join(keys)}) DO UPDATE SET {updates}" + (f" WHERE {where}" if where else "")
