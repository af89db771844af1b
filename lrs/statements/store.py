"""Storing statements: one transaction per request, all or nothing.

The caller has validated the statements (validators.xapi) and their attachments;
this module sets what the LRS owns (id, stored, authority, version, timestamp),
refuses conflicting ids and voiding mistakes, writes the statements, attachments,
agents and activity definitions and applies voiding. Their index rows (with the
StatementRef filter rule) and the ingest hooks follow in the same transaction, or,
on a SQLite file, from the queue of `lrs.statements.backlog`.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable

import orjson
import sqlalchemy
from sqlalchemy.engine import Connection

from lrs.auth import Credential
from lrs.db import bulk_insert, bulk_insert_returning, insert_ignoring_duplicates, is_sqlite
from lrs.errors import XAPIError
from lrs.statements import backlog
from lrs.statements.index_writer import IngestHook, index_statements, referrers
from lrs.statements.activity_definitions import SentDefinitions, definitions_sent, store_activities
from lrs.json_depth import NESTED_TOO_DEEP, nested_deeper_than
from lrs.statements.agent_names import agent_rows, store_agents
from lrs.statements.index_keys import hashed_index_keys, pack_keys
from lrs.tables import attachments, statements
from lrs.timeutil import now_utc, rfc3339, to_micros
from validators.xapi import normalize_statement, statements_equivalent
from validators.xapi.vocabulary import is_voiding, statement_ref_target

@dataclass
class StoreResult:
    ids: list[str]  # one per statement sent, in order
    stored: list[dict] = field(default_factory=list)  # statements written now
    voided_ids: list[str] = field(default_factory=list)
    after_commit: list[Callable[[], None]] = field(default_factory=list)

    def committed(self) -> None:
        """Call once the transaction is committed: remembers what is now in the database."""
        for action in self.after_commit:
            action()


def prepare_statement(raw: dict, version: str, credential: Credential) -> dict:
    """The statement as the LRS stores it, but for `stored` (and a missing `timestamp`),
    set when it is written."""
    statement = normalize_statement(raw, version)
    statement["id"] = str(statement.get("id") or uuid.uuid4()).lower()
    statement["authority"] = credential.authority
    statement.setdefault("version", "2.0.0" if version.startswith("2") else "1.0.0")
    return statement


def _refuse_too_deep(raw_statements: list[dict], paths: list[str]) -> None:
    for path, raw in zip(paths, raw_statements):
        if nested_deeper_than(raw):
            raise XAPIError(400, f"{path} : la déclaration {NESTED_TOO_DEEP.fr}.",
                            f"{path}: the statement {NESTED_TOO_DEEP.en}.", path)


def _conflict(statement_id: str) -> XAPIError:
    return XAPIError(
        409,
        f"Une déclaration différente d'identifiant {statement_id} est déjà enregistrée.",
        f"A different statement with id {statement_id} is already stored.",
        "$.id",
    )


@dataclass
class PreparedBatch:
    """Everything computed from the statements alone, before taking the write lock,
    their hashed index keys included (written with them on PostgreSQL, queued with them
    on SQLite)."""

    statements: list[dict]
    index_keys: list[tuple[int, ...]]  # each statement's own, hashed, computed before the write lock
    agent_rows: dict[tuple[str, str], dict]
    activity_definitions: dict[str, SentDefinitions]
    credential: Credential
    attachment_parts: dict[str, tuple[str, bytes]]
    paths: list[str]  # where each statement sits in the request, for error messages

    @property
    def ids(self) -> list[str]:
        return [statement["id"] for statement in self.statements]


def prepare_batch(
    raw_statements: list[dict],
    *,
    version: str,
    credential: Credential,
    attachment_parts: dict[str, tuple[str, bytes]] | None = None,
    paths: list[str] | None = None,
) -> PreparedBatch:
    """Set what the LRS owns and compute index rows; 400 when an id appears twice or a
    statement nests too deep to be stored."""
    paths = paths or [f"$[{position}]" for position in range(len(raw_statements))]
    _refuse_too_deep(raw_statements, paths)
    prepared = [prepare_statement(raw, version, credential) for raw in raw_statements]
    seen_ids: set[str] = set()
    for path, statement in zip(paths, prepared):
        if statement["id"] in seen_ids:
            raise XAPIError(
                400,
                f"{path}.id : l'identifiant {statement['id']} apparaît deux fois dans ce lot.",
                f"{path}.id: the id {statement['id']} appears twice in this batch.",
                f"{path}.id",
            )
        seen_ids.add(statement["id"])
    return PreparedBatch(
        statements=prepared,
        index_keys=[hashed_index_keys(statement) for statement in prepared],
        agent_rows=agent_rows(prepared),
        activity_definitions=definitions_sent(prepared),
        credential=credential,
        attachment_parts=attachment_parts or {},
        paths=paths,
    )


def store_statements(
    connection: Connection,
    raw_statements: list[dict],
    *,
    version: str,
    credential: Credential,
    attachment_parts: dict[str, tuple[str, bytes]] | None = None,
    hooks: Iterable[IngestHook] = (),
) -> StoreResult:
    """Store valid statements; raise XAPIError (nothing written by the caller's
    transaction) on an id conflict or a voiding mistake."""
    batch = prepare_batch(raw_statements, version=version, credential=credential, attachment_parts=attachment_parts)
    return write_batch(connection, batch, hooks=hooks)


def write_batch(connection: Connection, batch: PreparedBatch, *, hooks: Iterable[IngestHook] = ()) -> StoreResult:
    """The part of storing that needs the database, inside the caller's write transaction."""
    stored_at = now_utc()
    stored = rfc3339(stored_at)
    stored_us = to_micros(stored_at)
    result = StoreResult(ids=batch.ids)
    existing = _existing(connection, result.ids)
    new_statements: list[dict] = []
    new_paths: list[str] = []
    for statement, path in zip(batch.statements, batch.paths):
        previous = existing.get(statement["id"])
        if previous is None:
            # A copy: the batch stays as sent if this transaction is retried.
            stamped = {**statement, "stored": stored}
            stamped.setdefault("timestamp", stored)
            new_statements.append(stamped)
            new_paths.append(path)
        elif not statements_equivalent(previous, statement):
            raise _conflict(statement["id"])
    if not new_statements:
        return result
    _check_voiding_targets(connection, new_statements, new_paths)

    rows = []
    for statement in new_statements:
        target = statement_ref_target(statement)
        rows.append({
            "id": statement["id"],
            "stored_us": stored_us,
            "voided": False,
            "voids": target if is_voiding(statement) else None,
            "ref_target": target,
            "credential_key": batch.credential.key,
            "body": orjson.dumps(statement).decode(),
        })
    seq_of = _insert_statements(connection, rows)
    targeting_new = referrers(connection, [s["id"] for s in new_statements])
    result.voided_ids = _apply_voiding(connection, new_statements, targeting_new)
    _store_attachments(connection, new_statements, batch.attachment_parts)
    result.stored = new_statements
    engine = connection.engine
    keys_of = dict(zip(batch.ids, batch.index_keys))
    if backlog.deferred(engine):
        backlog.enqueue(connection, [(seq_of[s["id"]], pack_keys(keys_of[s["id"]])) for s in new_statements])
        result.after_commit.append(lambda: backlog.notify(engine))
    else:
        entries = [(seq_of[s["id"]], stored_us, s, keys_of[s["id"]]) for s in new_statements]
        index_statements(connection, entries, result.voided_ids, hooks)
    # Last: on PostgreSQL, a batch naming the same new agent or activity as another
    # waits for it to commit, so these rows are held from here only.
    result.after_commit.append(store_agents(connection, batch.agent_rows))
    result.after_commit.append(store_activities(connection, batch.activity_definitions, batch.credential))
    return result


_STATEMENT_COLUMNS = ("seq", "id", "stored_us", "voided", "voids", "ref_target", "credential_key", "body")


def _insert_statements(connection: Connection, rows: list[dict]) -> dict[str, int]:
    """Insert statement rows; return id -> seq."""
    if is_sqlite(connection):
        # The transaction holds SQLite's write lock (BEGIN IMMEDIATE): numbering here
        # is safe and spares a RETURNING round per row.
        last = connection.execute(sqlalchemy.select(sqlalchemy.func.max(statements.c.seq))).scalar() or 0
        seq_of = {row["id"]: last + number for number, row in enumerate(rows, start=1)}
        bulk_insert(connection, statements, _STATEMENT_COLUMNS,
                    [(seq_of[row["id"]], *(row[column] for column in _STATEMENT_COLUMNS[1:])) for row in rows])
        return seq_of
    columns = _STATEMENT_COLUMNS[1:]
    inserted = bulk_insert_returning(connection, statements, columns, [tuple(row[column] for column in columns) for row in rows],
                                     ("seq", "id"))
    return {row.id: row.seq for row in inserted}


def _existing(connection: Connection, ids: list[str]) -> dict[str, dict]:
    found: dict[str, dict] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        rows = connection.execute(
            sqlalchemy.select(statements.c.id, statements.c.body).where(statements.c.id.in_(chunk))
        )
        found.update({row.id: orjson.loads(row.body) for row in rows})
    return found


def _check_voiding_targets(connection: Connection, new: list[dict], paths: list[str]) -> None:
    """A voiding statement cannot void another voiding statement."""
    targets = {statement_ref_target(s): path for path, s in zip(paths, new) if is_voiding(s)}
    if not targets:
        return
    voiding_in_batch = {s["id"] for s in new if is_voiding(s)}
    rows = connection.execute(
        sqlalchemy.select(statements.c.id).where(statements.c.id.in_(list(targets)), statements.c.voids.is_not(None))
    )
    bad = {row.id for row in rows} | (set(targets) & voiding_in_batch)
    if bad:
        target = sorted(bad)[0]
        path = targets[target]
        raise XAPIError(
            400,
            f"{path}.object.id : la déclaration {target} annule déjà une autre déclaration et ne peut pas être annulée.",
            f"{path}.object.id: statement {target} is itself a voiding statement and cannot be voided.",
            f"{path}.object.id",
        )


def _apply_voiding(connection: Connection, new: list[dict], referrers: list[Any]) -> list[str]:
    """Void the targets of new voiding statements, and new statements that an earlier
    voiding statement already targets."""
    targets = {statement_ref_target(s) for s in new if is_voiding(s)}
    targets.update(row.voids for row in referrers)
    targets.discard(None)
    if not targets:
        return []
    candidates = connection.execute(
        sqlalchemy.select(statements.c.id).where(
            statements.c.id.in_(list(targets)), statements.c.voided.is_(False), statements.c.voids.is_(None)
        )
    ).scalars().all()
    if candidates:
        connection.execute(statements.update().where(statements.c.id.in_(candidates)).values(voided=True))
    return list(candidates)


def _store_attachments(connection: Connection, new: list[dict], parts: dict[str, tuple[str, bytes]]) -> None:
    wanted = {
        attachment["sha2"]
        for statement in new
        for attachment in statement.get("attachments") or []
        if attachment.get("sha2") in parts
    }
    rows = [{"sha2": sha2, "content_type": parts[sha2][0], "content": parts[sha2][1]} for sha2 in sorted(wanted)]
    insert_ignoring_duplicates(connection, attachments, rows)
