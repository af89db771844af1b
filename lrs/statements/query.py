"""Reading statements: one by id, the attachments they name, and queries.

In a query every filter is one range of the index, results come in `stored` order
(then insertion sequence), and `more` is a keyset cursor: the position of the last
statement returned, so pages stay exact while new statements arrive."""

from __future__ import annotations

import base64
import binascii
from dataclasses import asdict, dataclass, replace
from typing import Any

import orjson
import sqlalchemy
from sqlalchemy.engine import Connection

from lrs.errors import XAPIError
from lrs.statements.index_keys import index_key
from lrs.tables import attachments, statement_keys, statements


@dataclass(frozen=True)
class StatementQuery:
    agent: str | None = None  # agent key
    related_agents: bool = False
    verb: str | None = None
    activity: str | None = None
    related_activities: bool = False
    registration: str | None = None
    since_us: int | None = None
    until_us: int | None = None
    limit: int = 0
    ascending: bool = False
    format: str = "exact"
    attachments: bool = False
    after: tuple[int, int] | None = None  # (stored_us, seq) of the last statement sent

    def filters(self) -> list[tuple[str, str]]:
        """(kind, value) index ranges, the most selective first."""
        found = []
        if self.registration:
            found.append(("r", self.registration))
        if self.agent:
            found.append(("G" if self.related_agents else "g", self.agent))
        if self.activity:
            found.append(("A" if self.related_activities else "a", self.activity))
        if self.verb:
            found.append(("v", self.verb))
        return found


def encode_cursor(query: StatementQuery) -> str:
    data = {key: value for key, value in asdict(query).items() if value not in (None, False)}
    return base64.urlsafe_b64encode(orjson.dumps(data)).decode().rstrip("=")


def decode_cursor(token: str) -> StatementQuery:
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        data: dict[str, Any] = orjson.loads(raw)
        if "after" in data:
            data["after"] = tuple(int(x) for x in data["after"])
        return StatementQuery(**data)
    except (binascii.Error, ValueError, TypeError, orjson.JSONDecodeError):
        raise XAPIError(400, "more : ce n'est pas un curseur donné par ce LRS.", "more: not a cursor given by this LRS.", "more")


def run_query(
    connection: Connection, query: StatementQuery, credential_key: str | None, size: int,
    queued: dict[int, str] | None = None,
) -> tuple[list[tuple[int, int, str]], StatementQuery | None]:
    """One page of at most `size`: (seq, stored_us, body) rows, and the query of the
    next page (or None). `credential_key` restricts to that credential's statements;
    `queued` (seq -> id) are statements matching the filters that the index does not
    hold yet (`lrs.statements.queued_keys`)."""
    keys = [index_key(kind, value) for kind, value in query.filters()]
    if keys:
        driver = statement_keys.alias("driver")
        stored_col, seq_col = driver.c.stored_us, driver.c.seq
        select = (
            sqlalchemy.select(statements.c.seq, statements.c.stored_us, statements.c.body)
            .select_from(driver.join(statements, statements.c.seq == driver.c.seq))
            .where(driver.c.key == keys[0])
        )
    else:
        stored_col, seq_col = statements.c.stored_us, statements.c.seq
        select = sqlalchemy.select(statements.c.seq, statements.c.stored_us, statements.c.body)
    for number, key in enumerate(keys[1:]):
        other = statement_keys.alias(f"f{number}")
        # Every column of the primary key is bound, so each check is one seek (index
        # rows carry their statement's stored_us for exactly this); bound to the
        # driving rows, it runs before the statement itself is read.
        select = select.where(
            sqlalchemy.exists().where(other.c.key == key, other.c.stored_us == stored_col, other.c.seq == seq_col)
        )
    select = _page_of(select, query, credential_key, stored_col, seq_col)
    rows = [tuple(row) for row in connection.execute(select.limit(size + 1))]
    if queued:
        rows = _with_queued(connection, query, credential_key, size, rows, queued)
    if len(rows) <= size:
        return rows, None
    rows = rows[:size]
    last = rows[-1]
    return rows, replace(query, after=(last[1], last[0]))


def _page_of(select: sqlalchemy.Select, query: StatementQuery, credential_key: str | None,
             stored_col: sqlalchemy.ColumnElement, seq_col: sqlalchemy.ColumnElement) -> sqlalchemy.Select:
    """The conditions and order every query shares: not voided, the credential's own,
    since/until, after the cursor, in `stored` order."""
    select = select.where(statements.c.voided.is_(False))
    if credential_key is not None:
        select = select.where(statements.c.credential_key == credential_key)
    if query.since_us is not None:
        select = select.where(stored_col > query.since_us)
    if query.until_us is not None:
        select = select.where(stored_col <= query.until_us)
    if query.after is not None:
        position = sqlalchemy.tuple_(stored_col, seq_col)
        mark = sqlalchemy.tuple_(sqlalchemy.literal(query.after[0]), sqlalchemy.literal(query.after[1]))
        select = select.where(position > mark if query.ascending else position < mark)
    if query.ascending:
        return select.order_by(stored_col.asc(), seq_col.asc())
    return select.order_by(stored_col.desc(), seq_col.desc())


def _with_queued(connection: Connection, query: StatementQuery, credential_key: str | None, size: int,
                 rows: list[tuple[int, int, str]], queued: dict[int, str]) -> list[tuple[int, int, str]]:
    """The first size + 1 of `rows` (from the index) and of the queued statements, in order."""
    # The candidates travel as one JSON parameter, whatever their number; the id guards
    # against a seq given again after an erasure.
    pairs = sqlalchemy.func.json_each(orjson.dumps([[seq, id_] for seq, id_ in queued.items()]).decode())
    pairs = pairs.table_valued("value").alias("queued")
    select = sqlalchemy.select(statements.c.seq, statements.c.stored_us, statements.c.body).select_from(pairs.join(
        statements, sqlalchemy.and_(statements.c.seq == sqlalchemy.func.json_extract(pairs.c.value, "$[0]"),
                                    statements.c.id == sqlalchemy.func.json_extract(pairs.c.value, "$[1]"))))
    select = _page_of(select, query, credential_key, statements.c.stored_us, statements.c.seq)
    from_index = {row[0] for row in rows}
    # Bodies come with them: at most size + 1 read, against one more query.
    extra = [tuple(row) for row in connection.execute(select.limit(size + 1)) if row[0] not in from_index]
    if not extra:
        return rows
    return sorted([*rows, *extra], key=lambda row: (row[1], row[0]), reverse=not query.ascending)[:size + 1]


def find_statement(connection: Connection, statement_id: str) -> Any | None:
    """The row (body, stored_us, voided, credential_key) of one statement, voided or not."""
    return connection.execute(
        sqlalchemy.select(statements.c.body, statements.c.stored_us, statements.c.voided,
                          statements.c.credential_key).where(statements.c.id == statement_id)
    ).first()


def attachment_contents(connection: Connection, sha2s: list[str]) -> list[tuple[str, str, bytes]]:
    """(sha2, content type, content) of the stored attachments among `sha2s`, in that order."""
    if not sha2s:
        return []
    rows = {
        row.sha2: row
        for row in connection.execute(sqlalchemy.select(attachments).where(attachments.c.sha2.in_(sha2s)))
    }
    return [(sha2, rows[sha2].content_type, bytes(rows[sha2].content)) for sha2 in sha2s if sha2 in rows]
