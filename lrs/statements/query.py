"""Reading statements: one by id, the attachments they name, and queries.

In a query every filter is one range of the index, results come in `stored` order
(then insertion sequence), and `more` is a keyset cursor: the position of the last
statement returned, so pages stay exact while new statements arrive."""

from __future__ import annotations

import base64
import binascii
import functools
import uuid
from dataclasses import asdict, dataclass, replace
from typing import Any, Callable

import orjson
import sqlalchemy
from sqlalchemy.engine import Connection

from lrs.errors import XAPIError
from lrs.params import INT64_MAX, is_absolute_iri
from lrs.statements.formats import FORMATS
from lrs.statements.index_keys import index_key
from lrs.tables import attachments, statement_keys, statements
from validators.xapi.vocabulary import IFIS


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
    limit: int = 0  # 0: the largest page the LRS allows
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
    """The query a `more` cursor stands for. It comes back from the client, so every field
    is checked as strictly as the parameters it was made from: a value out of range would
    fail in the database, a wrong type in Python (500s, both)."""
    try:
        data = orjson.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
    except (binascii.Error, ValueError):  # orjson.JSONDecodeError is a ValueError
        raise _not_our_cursor()
    if not _is_cursor(data):
        raise _not_our_cursor()
    return StatementQuery(**{**data, "after": tuple(data["after"])})


def _not_our_cursor() -> XAPIError:
    return XAPIError(400, "more : ce n'est pas un curseur donné par ce LRS.", "more: not a cursor given by this LRS.", "more")


def _is_int64(value: Any) -> bool:
    return type(value) is int and -INT64_MAX - 1 <= value <= INT64_MAX  # bool is not an int here


def _is_bool(value: Any) -> bool:
    return type(value) is bool


def _is_iri(value: Any) -> bool:
    return isinstance(value, str) and is_absolute_iri(value)


def _is_agent_key(value: Any) -> bool:
    """What `agent_key` makes: an inverse functional identifier's name, a colon, its value."""
    return isinstance(value, str) and value.partition(":")[0] in IFIS and bool(value.partition(":")[2])


def _is_uuid(value: Any) -> bool:
    try:
        return isinstance(value, str) and str(uuid.UUID(value)) == value
    except ValueError:
        return False


# How each field of a cursor is checked; one not listed is not ours.
_CURSOR_FIELDS: dict[str, Callable[[Any], bool]] = {
    "agent": _is_agent_key,
    "related_agents": _is_bool,
    "verb": _is_iri,
    "activity": _is_iri,
    "related_activities": _is_bool,
    "registration": _is_uuid,
    "since_us": _is_int64,
    "until_us": _is_int64,
    "limit": lambda value: _is_int64(value) and value >= 0,
    "ascending": _is_bool,
    "format": lambda value: isinstance(value, str) and value in FORMATS,
    "attachments": _is_bool,
    "after": lambda value: isinstance(value, list) and len(value) == 2 and all(map(_is_int64, value)),
}


def _is_cursor(data: Any) -> bool:
    """A JSON object of known fields, each valid, with the position every cursor carries."""
    return (isinstance(data, dict) and "after" in data
            and all(name in _CURSOR_FIELDS and _CURSOR_FIELDS[name](value) for name, value in data.items()))


@dataclass(frozen=True)
class _Shape:
    """What a query's SQL depends on, its values aside: queries of one shape share one
    statement, built once, whose values are bound at each call."""

    keys: int  # index keys to match
    mine: bool  # only the credential's own statements
    since: bool
    until: bool
    after: bool  # a `more` cursor
    ascending: bool


def run_query(
    connection: Connection, query: StatementQuery, credential_key: str | None, size: int,
    queued: dict[int, str] | None = None,
) -> tuple[list[tuple[int, int, str]], StatementQuery | None]:
    """One page of at most `size`: (seq, stored_us, body) rows, and the query of the
    next page (or None). `credential_key` restricts to that credential's statements;
    `queued` (seq -> id) are statements matching the filters that the index does not
    hold yet (`lrs.statements.queued_keys`)."""
    keys = [index_key(kind, value) for kind, value in query.filters()]
    shape = _Shape(len(keys), credential_key is not None, query.since_us is not None, query.until_us is not None,
                   query.after is not None, query.ascending)
    values: dict[str, Any] = {f"key{number}": key for number, key in enumerate(keys)}
    values.update(size=size + 1, mine=credential_key, since=query.since_us, until=query.until_us)
    values.update(zip(("after_stored", "after_seq"), query.after or ()))
    rows = [tuple(row) for row in connection.execute(_indexed_select(shape), values)]
    if queued:
        # The candidates travel as one JSON parameter, whatever their number; the id guards
        # against a seq given again after an erasure.
        values["queued"] = orjson.dumps([[seq, id_] for seq, id_ in queued.items()]).decode()
        from_index = {row[0] for row in rows}
        extra = [tuple(row) for row in connection.execute(_queued_select(shape), values) if row[0] not in from_index]
        if extra:
            rows = sorted([*rows, *extra], key=lambda row: (row[1], row[0]), reverse=not query.ascending)[:size + 1]
    if len(rows) <= size:
        return rows, None
    rows = rows[:size]
    last = rows[-1]
    return rows, replace(query, after=(last[1], last[0]))


@functools.lru_cache(maxsize=256)
def _indexed_select(shape: _Shape) -> sqlalchemy.Select:
    """The page of statements the index finds."""
    if shape.keys:
        driver = statement_keys.alias("driver")
        stored_col, seq_col = driver.c.stored_us, driver.c.seq
        select = (
            sqlalchemy.select(statements.c.seq, statements.c.stored_us, statements.c.body)
            .select_from(driver.join(statements, statements.c.seq == driver.c.seq))
            .where(driver.c.key == sqlalchemy.bindparam("key0"))
        )
    else:
        stored_col, seq_col = statements.c.stored_us, statements.c.seq
        select = sqlalchemy.select(statements.c.seq, statements.c.stored_us, statements.c.body)
    for number in range(1, shape.keys):
        other = statement_keys.alias(f"f{number}")
        # Every column of the primary key is bound, so each check is one seek (index
        # rows carry their statement's stored_us for exactly this); bound to the
        # driving rows, it runs before the statement itself is read.
        select = select.where(sqlalchemy.exists().where(
            other.c.key == sqlalchemy.bindparam(f"key{number}"), other.c.stored_us == stored_col,
            other.c.seq == seq_col))
    return _page_of(select, shape, stored_col, seq_col)


@functools.lru_cache(maxsize=64)
def _queued_select(shape: _Shape) -> sqlalchemy.Select:
    """The page of statements among the queued candidates (bound as `queued`), with
    their bodies: at most size + 1 read, against one more query."""
    pairs = sqlalchemy.func.json_each(sqlalchemy.bindparam("queued", type_=sqlalchemy.String))
    pairs = pairs.table_valued("value").alias("queued")
    select = sqlalchemy.select(statements.c.seq, statements.c.stored_us, statements.c.body).select_from(pairs.join(
        statements, sqlalchemy.and_(statements.c.seq == sqlalchemy.func.json_extract(pairs.c.value, "$[0]"),
                                    statements.c.id == sqlalchemy.func.json_extract(pairs.c.value, "$[1]"))))
    return _page_of(select, shape, statements.c.stored_us, statements.c.seq)


def _page_of(select: sqlalchemy.Select, shape: _Shape, stored_col: sqlalchemy.ColumnElement,
             seq_col: sqlalchemy.ColumnElement) -> sqlalchemy.Select:
    """The conditions and order every query shares: not voided, the credential's own,
    since/until, after the cursor, in `stored` order, size + 1 at most."""
    select = select.where(statements.c.voided.is_(False))
    if shape.mine:
        select = select.where(statements.c.credential_key == sqlalchemy.bindparam("mine"))
    if shape.since:
        select = select.where(stored_col > sqlalchemy.bindparam("since"))
    if shape.until:
        select = select.where(stored_col <= sqlalchemy.bindparam("until"))
    if shape.after:
        position = sqlalchemy.tuple_(stored_col, seq_col)
        mark = sqlalchemy.tuple_(sqlalchemy.bindparam("after_stored", type_=sqlalchemy.BigInteger),
                                 sqlalchemy.bindparam("after_seq", type_=sqlalchemy.BigInteger))
        select = select.where(position > mark if shape.ascending else position < mark)
    if shape.ascending:
        select = select.order_by(stored_col.asc(), seq_col.asc())
    else:
        select = select.order_by(stored_col.desc(), seq_col.desc())
    return select.limit(sqlalchemy.bindparam("size", type_=sqlalchemy.Integer))


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
