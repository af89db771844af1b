"""Writing what stored statements are found by: their `statement_keys` rows, the rows a
StatementRef inherits from its target, then the ingest hooks (reports).

Runs inside the transaction that stores the statements, or later for a backlog of
them (`lrs.statements.backlog`). A statement still waiting in `index_queue` has no
index rows yet: nothing is copied to or from it until its own turn comes, when the
statements already indexed that target it get their copies.
"""

from __future__ import annotations

from typing import Any, Callable, Iterable

import sqlalchemy
from sqlalchemy.engine import Connection

from lrs.db import bulk_insert
from lrs.tables import index_queue, statement_keys, statements
from validators.xapi.vocabulary import statement_ref_target

IngestHook = Callable[[Connection, list[dict], list[str]], None]
INGEST_HOOKS = "parcours.ingest_hooks"  # the app's list of them, in `app.extensions`
# (seq, stored_us, statement, its own hashed index keys: `index_keys.hashed_index_keys`)
IndexEntry = tuple[int, int, dict, tuple[int, ...]]
MAX_REF_DEPTH = 8  # StatementRef chains longer than this are not followed for filters
_KEY_COLUMNS = ("key", "stored_us", "seq")
_indexed = ~sqlalchemy.exists().where(index_queue.c.seq == statements.c.seq)


def index_statements(
    connection: Connection, entries: list[IndexEntry], voided_ids: list[str], hooks: Iterable[IngestHook]
) -> None:
    """Index these stored statements and hand them to the hooks, with the ids of the
    statements voided by them or since their storage."""
    # In key order: consecutive inserts land on the same pages.
    rows = sorted(
        {(key, stored_us, seq) for seq, stored_us, _statement, keys in entries for key in keys}
    )
    bulk_insert(connection, statement_keys, _KEY_COLUMNS, rows, "ON CONFLICT DO NOTHING")
    _propagate_statement_refs(connection, [(seq, statement) for seq, _us, statement, _keys in entries])
    run_hooks(connection, [statement for _seq, _us, statement, _keys in entries], voided_ids, hooks)


def run_hooks(connection: Connection, stored: list[dict], voided_ids: list[str], hooks: Iterable[IngestHook]) -> None:
    """Hand stored statements to the ingest hooks (the reports), with the ids of the
    statements voided by them or since their storage."""
    for hook in hooks:
        hook(connection, stored, voided_ids)


def referrers(connection: Connection, ids: list[str], *, indexed_only: bool = False) -> list[Any]:
    """(seq, ref_target, voids) of the stored statements (or only the indexed ones)
    that target one of `ids`."""
    found: list[Any] = []
    for start in range(0, len(ids), 500):
        select = sqlalchemy.select(statements.c.seq, statements.c.ref_target, statements.c.voids).where(
            statements.c.ref_target.in_(ids[start:start + 500])
        )
        found += connection.execute(select.where(_indexed) if indexed_only else select).all()
    return found


def _indexed_referrers(connection: Connection, ids: list[str]) -> list[tuple[int, str]]:
    return [(row.seq, row.ref_target) for row in referrers(connection, ids, indexed_only=True)]


def _propagate_statement_refs(connection: Connection, new: list[tuple[int, dict]]) -> None:
    """A statement targeting another matches the filters its target matches: copy the
    target's index rows to it, and to whatever already targeted the new statements."""
    pending = [(seq, statement_ref_target(s)) for seq, s in new if statement_ref_target(s)]
    pending.extend(_indexed_referrers(connection, [s["id"] for _, s in new]))
    for _ in range(MAX_REF_DEPTH):
        if not pending:
            return
        for referrer_seq, target_id in set(pending):
            _copy_index_rows(connection, referrer_seq, target_id)
        referrer_seqs = list({seq for seq, _ in pending})
        referrer_ids = connection.execute(
            sqlalchemy.select(statements.c.id).where(statements.c.seq.in_(referrer_seqs))
        ).scalars().all()
        pending = _indexed_referrers(connection, list(referrer_ids))


def _copy_index_rows(connection: Connection, referrer_seq: int, target_id: str) -> None:
    target_seq = connection.execute(
        sqlalchemy.select(statements.c.seq).where(statements.c.id == target_id, _indexed)
    ).scalar()
    if target_seq is None:
        return
    referrer_stored = connection.execute(
        sqlalchemy.select(statements.c.stored_us).where(statements.c.seq == referrer_seq)
    ).scalar_one()

    def keys_of(seq: int) -> set[int]:
        return set(connection.execute(sqlalchemy.select(statement_keys.c.key).where(statement_keys.c.seq == seq)).scalars())

    missing = keys_of(target_seq) - keys_of(referrer_seq)
    bulk_insert(connection, statement_keys, _KEY_COLUMNS, [(key, referrer_stored, referrer_seq) for key in sorted(missing)])
