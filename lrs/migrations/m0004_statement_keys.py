"""The filter index keyed by a 64-bit hash of (kind, value) instead of the text itself:
`statement_keys` replaces `statement_index`, whose rows are converted here."""

from __future__ import annotations

import sqlalchemy
from sqlalchemy.engine import Connection

from lrs.db import bulk_insert
from lrs.statements.index_keys import index_key
from lrs.tables import statement_keys

SEQS_PER_ROUND = 20_000


def upgrade(connection: Connection) -> None:
    statement_keys.create(connection, checkfirst=True)
    if not sqlalchemy.inspect(connection).has_table("statement_index"):
        return  # a database created with `statement_keys` already
    bounds = connection.exec_driver_sql("SELECT min(seq), max(seq) FROM statement_index").one()
    if bounds[0] is not None:
        start, last = bounds
        while start <= last:
            rows = connection.exec_driver_sql(
                "SELECT seq, kind, value, stored_us FROM statement_index WHERE seq >= {} AND seq < {}".format(
                    int(start), int(start) + SEQS_PER_ROUND
                )
            ).all()
            keys = sorted({(index_key(kind, value), stored_us, seq) for seq, kind, value, stored_us in rows})
            bulk_insert(connection, statement_keys, ("key", "stored_us", "seq"), keys, "ON CONFLICT DO NOTHING")
            start += SEQS_PER_ROUND
    connection.exec_driver_sql("DROP TABLE statement_index")
