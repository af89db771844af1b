"""Streaming every stored statement (or a filtered part) as NDJSON or flat CSV.

Statements are read in keyset pages of `seq` (constant memory whatever the volume,
no OFFSET), and NDJSON writes the stored JSON as it is: no parsing, no re-serialising.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import datetime
from typing import IO, Any, Callable, Iterator

import orjson
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from lrs.statements.backlog import ensure_indexed
from lrs.statements.index_keys import index_key
from lrs.tables import statement_keys, statements
from lrs.timeutil import to_micros
from validators.xapi.syntax import parse_timestamp

PAGE = 5000

# The flat CSV columns: property paths into the statement. Objects and lists that
# remain (language maps, extensions, context activities) are written as JSON.
CSV_COLUMNS = (
    "id",
    "timestamp",
    "stored",
    "version",
    "actor.objectType",
    "actor.name",
    "actor.mbox",
    "actor.mbox_sha1sum",
    "actor.openid",
    "actor.account.homePage",
    "actor.account.name",
    "verb.id",
    "verb.display",
    "object.objectType",
    "object.id",
    "object.definition.type",
    "object.definition.name",
    "result.score.scaled",
    "result.score.raw",
    "result.score.min",
    "result.score.max",
    "result.success",
    "result.completion",
    "result.duration",
    "result.response",
    "result.extensions",
    "context.registration",
    "context.platform",
    "context.language",
    "context.instructor",
    "context.contextActivities.parent",
    "context.contextActivities.grouping",
    "context.contextActivities.category",
    "context.contextActivities.other",
    "context.extensions",
    "authority",
)


@dataclass(frozen=True)
class ExportFilters:
    since: datetime | None = None  # stored at or after
    until: datetime | None = None  # stored at or before
    agent_key: str | None = None  # actor or object (the `agent` filter of the API)
    verb: str | None = None
    activity: str | None = None  # the object (the `activity` filter of the API)
    include_voided: bool = False
    course: str | None = None  # the object, a parent or a grouping activity
    timestamp_since: datetime | None = None  # the statement's own `timestamp`, at or after
    timestamp_until: datetime | None = None  # ... at or before

    @property
    def reads_bodies(self) -> bool:
        """Whether some filter needs the statement itself (beyond the SQL index)."""
        return bool(self.course) or self.timestamp_since is not None or self.timestamp_until is not None


def _where(filters: ExportFilters) -> list:
    where = []
    if not filters.include_voided:
        where.append(statements.c.voided.is_(False))
    if filters.since is not None:
        where.append(statements.c.stored_us >= to_micros(filters.since))
    if filters.until is not None:
        where.append(statements.c.stored_us <= to_micros(filters.until))
    # the course among the related activities (an index lookup); `_keeps` narrows it to
    # the object, parents and grouping
    for kind, value in (("g", filters.agent_key), ("v", filters.verb), ("a", filters.activity), ("A", filters.course)):
        if value:
            where.append(
                sa.exists().where(
                    statement_keys.c.key == index_key(kind, value),
                    statement_keys.c.stored_us == statements.c.stored_us,
                    statement_keys.c.seq == statements.c.seq,
                )
            )
    return where


def _keeps(filters: ExportFilters) -> Callable[[str], bool]:
    """The filters on the statement's own content: its course, its `timestamp`."""
    since = to_micros(filters.timestamp_since) if filters.timestamp_since is not None else None
    until = to_micros(filters.timestamp_until) if filters.timestamp_until is not None else None

    def keep(body: str) -> bool:
        statement = orjson.loads(body)
        if filters.course and filters.course not in _course_candidates(statement):
            return False
        if since is not None or until is not None:
            try:
                moment = to_micros(parse_timestamp(statement.get("timestamp") or statement.get("stored")))
            except (TypeError, ValueError):
                return False
            if (since is not None and moment < since) or (until is not None and moment > until):
                return False
        return True

    return keep


def _course_candidates(statement: dict[str, Any]) -> set[str]:
    found = set()
    obj = statement.get("object")
    if isinstance(obj, dict) and isinstance(obj.get("id"), str):
        found.add(obj["id"])
    context = statement.get("context") if isinstance(statement.get("context"), dict) else {}
    activities = context.get("contextActivities") if isinstance(context.get("contextActivities"), dict) else {}
    for relation in ("parent", "grouping"):
        value = activities.get(relation)
        for activity in (value if isinstance(value, list) else [value]):
            if isinstance(activity, dict) and isinstance(activity.get("id"), str):
                found.add(activity["id"])
    return found


def count(connection: Connection, filters: ExportFilters) -> int:
    """How many statements the SQL filters select (a bound when the body is filtered too)."""
    return connection.execute(sa.select(sa.func.count()).select_from(statements).where(*_where(filters))).scalar_one()


def stored_bodies(engine: Engine, filters: ExportFilters, page: int = PAGE) -> Iterator[list[str]]:
    """Pages of stored statement JSON, in storage order; each page its own short read."""
    ensure_indexed(engine)
    last = 0
    query = sa.select(statements.c.seq, statements.c.body).where(*_where(filters)).order_by(statements.c.seq)
    keep = _keeps(filters) if filters.reads_bodies else None
    while True:
        with engine.connect() as connection:
            rows = connection.execute(query.where(statements.c.seq > last).limit(page)).all()
        if not rows:
            return
        last = rows[-1][0]
        bodies = [row[1] for row in rows]
        yield [body for body in bodies if keep(body)] if keep is not None else bodies


def _compile(columns: tuple[str, ...]) -> list[tuple[tuple[str, ...], bool]]:
    return [(tuple(path.split(".")), path.startswith("context.contextActivities.")) for path in columns]


def flatten(statement: dict[str, Any], columns: tuple[str, ...] = CSV_COLUMNS,
            compiled: list[tuple[tuple[str, ...], bool]] | None = None) -> list[str]:
    """One CSV row: scalars as text, booleans as true/false, the rest as JSON."""
    row = []
    dumps = orjson.dumps
    for parts, activities in compiled or _compile(columns):
        value: Any = statement
        for part in parts:
            value = value.get(part) if type(value) is dict else None
            if value is None:
                break
        if value is None:
            row.append("")
        elif value is True or value is False:
            row.append("true" if value else "false")
        elif type(value) is str:
            row.append(value)
        elif type(value) is dict:
            row.append(dumps(value).decode())
        elif type(value) is list:
            if activities and all(type(item) is dict and "id" in item for item in value):
                value = [item["id"] for item in value]  # the ids, not the whole definitions
            row.append(dumps(value).decode())
        else:
            row.append(str(value))
    return row


def write_ndjson(pages: Iterator[list[str]], out: IO[bytes], progress: Callable[[int], None] = lambda n: None) -> int:
    written = 0
    for bodies in pages:
        if not bodies:
            continue
        out.write(("\n".join(bodies) + "\n").encode())
        written += len(bodies)
        progress(len(bodies))
    return written


def write_csv(
    pages: Iterator[list[str]],
    out: IO[bytes],
    progress: Callable[[int], None] = lambda n: None,
    columns: tuple[str, ...] = CSV_COLUMNS,
) -> int:
    written = 0
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(columns)
    compiled = _compile(columns)
    loads = orjson.loads
    for bodies in pages:
        writer.writerows(flatten(loads(body), columns, compiled) for body in bodies)
        out.write(buffer.getvalue().encode())
        buffer.seek(0)
        buffer.truncate()
        written += len(bodies)
        progress(len(bodies))
    if written == 0:
        out.write(buffer.getvalue().encode())
    return written
