"""`lrs.db.bulk_insert`: rows of plain values written the same way on both engines
(on PostgreSQL they travel as one JSON document)."""

from __future__ import annotations

from typing import Iterator

import pytest
import sqlalchemy
from sqlalchemy import BigInteger, Boolean, Column, Float, LargeBinary, MetaData, String, Table, Text

from lrs.db import bulk_insert, bulk_insert_returning, engine_for, insert_ignoring_duplicates, upsert_clause

_metadata = MetaData()
samples = Table(
    "bulk_samples",
    _metadata,
    Column("kind", String(8), primary_key=True),
    Column("name", Text, primary_key=True),
    Column("number", BigInteger, nullable=True),
    Column("score", Float, nullable=True),
    Column("flag", Boolean, nullable=True),
    Column("content", LargeBinary, nullable=True),
)
COLUMNS = ("kind", "name", "number", "score", "flag", "content")
numbered = Table("bulk_numbered", _metadata, Column("seq", BigInteger, primary_key=True, autoincrement=True),
                 Column("name", Text, nullable=False))


@pytest.fixture
def engine(database_url: str) -> Iterator[sqlalchemy.Engine]:
    engine = engine_for(database_url)
    _metadata.create_all(engine)
    yield engine
    engine.dispose()


def _stored(engine: sqlalchemy.Engine) -> list[tuple]:
    with engine.connect() as connection:
        return [tuple(row) for row in connection.execute(sqlalchemy.select(samples).order_by(samples.c.kind, samples.c.name))]


def test_every_plain_value_comes_back_as_sent(engine: sqlalchemy.Engine) -> None:
    rows = [
        ("a", 'quotes " and \\ backslash, {braces}, comma', -(2**63), 0, True, b"\x00\xff\x01"),
        ("b", "été 😀", 2**63 - 1, 0.1, False, b""),
        ("c", "", None, None, None, None),
        ("d", "{}", 7, 1e-300, True, None),
    ]
    with engine.begin() as connection:
        bulk_insert(connection, samples, COLUMNS, rows)
    stored = _stored(engine)
    assert stored == [(kind, name, number, None if score is None else float(score), flag, content)
                      for kind, name, number, score, flag, content in rows]
    assert isinstance(stored[0][3], float)  # an int sent to a float column is a float


def test_an_upsert_repeating_a_key_keeps_the_later_row(engine: sqlalchemy.Engine) -> None:
    upsert = upsert_clause(("kind", "name"), COLUMNS)
    with engine.begin() as connection:
        bulk_insert(connection, samples, COLUMNS, [("a", "x", 1, 0.5, True, None)])
        bulk_insert(connection, samples, COLUMNS, [("a", "x", 2, 0.5, True, None), ("a", "x", 3, 0.25, False, None),
                                                   ("b", "y", 4, None, None, None)], upsert)
    assert _stored(engine) == [("a", "x", 3, 0.25, False, None), ("b", "y", 4, None, None, None)]


def test_ignoring_duplicates_keeps_what_is_stored(engine: sqlalchemy.Engine) -> None:
    with engine.begin() as connection:
        insert_ignoring_duplicates(connection, samples, [{"kind": "a", "name": "x", "number": 1}])
        insert_ignoring_duplicates(connection, samples, [{"kind": "b", "name": "y", "number": 3},
                                                         {"kind": "a", "name": "x", "number": 2}])
    assert [(kind, name, number) for kind, name, number, *_ in _stored(engine)] == [("a", "x", 1), ("b", "y", 3)]


def test_returning_gives_the_rows_in_the_order_sent(postgres_database: str) -> None:
    """PostgreSQL only: on SQLite, the write lock lets the LRS number its rows itself."""
    engine = engine_for(postgres_database)
    _metadata.create_all(engine)
    names = [f"row {number}" for number in (5, 3, 9, 1, 7)]
    with engine.begin() as connection:
        inserted = bulk_insert_returning(connection, numbered, ("name",), [(name,) for name in names], ("seq", "name"))
    assert [row.name for row in inserted] == names
    assert [row.seq for row in inserted] == sorted(row.seq for row in inserted)
    engine.dispose()
