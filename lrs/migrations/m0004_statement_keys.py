"""The filter index keyed by a 64-bit hash of (kind, value) instead of the text itself:
`statement_keys` replaces `statement_index`, whose rows are converted here.

Frozen: the table and the hash are this migration's own (see `lrs.migrations`); the
live ones are `lrs.tables.statement_keys` and `lrs.statements.index_keys.index_key`,
which must keep giving the same keys.
"""

from __future__ import annotations

import hashlib

import sqlalchemy
from sqlalchemy import BigInteger, Column, Index, MetaData, Table
from sqlalchemy.engine import Connection

SEQS_PER_ROUND = 20_000

statement_keys = Table(
    "statement_keys",
    MetaData(),
    Column("key", BigInteger, primary_key=True),
    Column("stored_us", BigInteger, primary_key=True),
    Column("seq", BigInteger, primary_key=True),
    sqlite_with_rowid=False,
)
Index("ix_statement_keys_seq", statement_keys.c.seq)


def key_of(kind: str, value: str) -> int:
    """64 bits of BLAKE2b of kind NUL value, signed as SQL's BIGINT."""
    digest = hashlib.blake2b(kind.encode() + b"\x00" + value.encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


def upgrade(connection: Connection) -> None:
    statement_keys.create(connection, checkfirst=True)
    if not sqlalchemy.inspect(connection).has_table("statement_index"):
        return  # a database created with `statement_keys` already
    marker = "?" if connection.dialect.paramstyle == "qmark" else "%s"
    insert = f"INSERT INTO statement_keys (key, stored_us, seq) VALUES ({marker}, {marker}, {marker}) ON CONFLICT DO NOTHING"
    bounds = connection.exec_driver_sql("SELECT min(seq), max(seq) FROM statement_index").one()
    if bounds[0] is not None:
        start, last = bounds
        while start <= last:
            rows = connection.exec_driver_sql(
                "SELECT seq, kind, value, stored_us FROM statement_index WHERE seq >= {} AND seq < {}".format(
                    int(start), int(start) + SEQS_PER_ROUND
                )
            ).all()
            keys = sorted({(key_of(kind, value), stored_us, seq) for seq, kind, value, stored_us in rows})
            if keys:
                connection.exec_driver_sql(insert, keys)
            start += SEQS_PER_ROUND
    connection.exec_driver_sql("DROP TABLE statement_index")
