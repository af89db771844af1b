"""Activity definitions sent in statements: merged into the Activities resource when the
sender may define them (scope `define`, or the credential that first defined it)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import orjson
import sqlalchemy
from sqlalchemy.engine import Connection

from lrs.auth import Credential
from lrs.db import insert_ignoring_duplicates
from lrs.statements.seen_cache import nothing_to_remember, seen
from lrs.tables import activities
from validators.xapi.vocabulary import statement_activities


def merge_definition(current: dict | None, update: dict) -> dict:
    """Language maps merge per language; other properties take the newer value."""
    merged = dict(current or {})
    for key, value in update.items():
        if key in ("name", "description") and isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = {**merged[key], **value}
        else:
            merged[key] = value
    return merged


@dataclass(frozen=True)
class SentDefinitions:
    """The definitions sent for one activity, in order (empty when sent bare), with their
    fingerprints: computed before the write lock, compared under it."""

    definitions: list[dict]
    prints: frozenset[str]  # one per distinct definition sent; {""} when sent bare
    last: str  # the last definition's ("" when sent bare)


def definitions_sent(prepared: list[dict]) -> dict[str, SentDefinitions]:
    """Activity id -> what was sent for it."""
    found: dict[str, list[dict]] = {}
    for statement in prepared:
        for _role, activity in statement_activities(statement):
            definitions = found.setdefault(activity["id"], [])
            if isinstance(activity.get("definition"), dict):
                definitions.append(activity["definition"])
    return {activity_id: _sent(definitions) for activity_id, definitions in found.items()}


def _sent(definitions: list[dict]) -> SentDefinitions:
    if not definitions:
        return SentDefinitions(definitions, frozenset({""}), "")
    prints: set[str] = set()
    previous: dict | None = None
    for definition in definitions:
        if definition != previous:  # a batch repeats an activity's definition: serialize it once
            last = _fingerprint(definition)
            prints.add(last)
            previous = definition
    return SentDefinitions(definitions, frozenset(prints), last)


def _fingerprint(definition: dict) -> str:
    return orjson.dumps(definition, option=orjson.OPT_SORT_KEYS).decode()


def store_activities(connection: Connection, sent: dict[str, SentDefinitions], credential: Credential) -> Callable[[], None]:
    """Merge the definitions sent into the `activities` rows; return what to remember
    once committed."""
    known = seen.section(connection.engine, "activities")
    # Skip activities whose last merged definition is what is sent again (the common case).
    fragments = {}
    for activity_id, what in sent.items():
        if len(what.prints) != 1 or known.get(activity_id) not in what.prints:
            fragments[activity_id] = what
    if not fragments:
        return nothing_to_remember
    current = {
        row.id: row
        for row in connection.execute(
            # lock the rows being merged (PostgreSQL; SQLite's write lock covers it)
            sqlalchemy.select(activities).where(activities.c.id.in_(list(fragments))).with_for_update()
        )
    }
    new_rows = []
    remembered: dict[str, str] = {}
    for activity_id, what in fragments.items():
        definitions = what.definitions
        row = current.get(activity_id)
        allowed = credential.can_define or (row is not None and row.authority_key == credential.key)
        if row is None:
            merged = None
            if allowed:
                for definition in definitions:
                    merged = merge_definition(merged, definition)
            new_rows.append({
                "id": activity_id,
                "definition": orjson.dumps(merged).decode() if merged else None,
                "authority_key": credential.key if merged else None,
            })
        elif allowed and definitions:
            merged = orjson.loads(row.definition) if row.definition else None
            for definition in definitions:
                merged = merge_definition(merged, definition)
            connection.execute(
                activities.update().where(activities.c.id == activity_id).values(
                    definition=orjson.dumps(merged).decode(),
                    authority_key=row.authority_key or credential.key,
                )
            )
        if allowed or not definitions:  # what is now in the row, for this sender
            remembered[activity_id] = what.last
    insert_ignoring_duplicates(connection, activities, new_rows)
    return lambda: known.update(remembered)


def activity_definition(connection: Connection, activity_id: str) -> dict | None:
    """The stored definition ({} when the activity was only seen bare; None when unknown)."""
    row = connection.execute(sqlalchemy.select(activities.c.definition).where(activities.c.id == activity_id)).first()
    if row is None:
        return None
    return orjson.loads(row.definition) if row.definition else {}
