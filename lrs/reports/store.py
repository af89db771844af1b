"""Keeping the learner-activity model up to date: on ingest, on voiding, on erasure.

Each batch adds its facts, forgets the facts of the statements it voids, then
recomputes the rows of every (learner, course, registration) it touched, inside the
statement transaction: the model is never behind the statements.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any, Iterable

import orjson
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from lrs.db import insert_ignoring_duplicates, is_sqlite
from lrs.reports.facts import REGISTRATION_PREFIX, Fact, extract_fact
from lrs.reports.progress import rows_for
from lrs.reports.settings import DEFAULT_GROUP_EXTENSIONS
from lrs.reports.tables import report_facts, report_names, report_progress

Key = tuple[str, str, str]  # learner, course, registration
CHUNK = 400  # keys per IN list: well under SQLite's parameter limit


def _chunks(items: list, size: int = CHUNK) -> Iterable[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def recompute(connection: Connection, keys: Iterable[Key], touched: dict[Key, set[str]] | None = None) -> None:
    """Replace the rows of these (learner, course, registration) with fresh ones.

    With `touched` (key -> modules that got new statements), only the course row and
    those modules' rows are rewritten: the others cannot have changed."""
    touched = touched or {}
    for chunk in _chunks(sorted(set(keys))):
        # by learner (an index prefix on both databases; SQLite scans for a row-value IN)
        wanted = set(chunk)
        facts = connection.execute(
            sa.select(report_facts).where(report_facts.c.learner_key.in_(sorted({key[0] for key in chunk})))
        ).all()
        grouped: dict[Key, list] = defaultdict(list)
        for fact in facts:
            key = (fact.learner_key, fact.course_id, fact.registration)
            if key in wanted:
                grouped[key].append(fact)
        whole = [key for key in chunk if key not in touched]
        if whole:  # one key at a time, through the learner index (a row-value IN is a table scan)
            connection.execute(
                report_progress.delete().where(
                    report_progress.c.learner_key == sa.bindparam("k_learner"),
                    report_progress.c.course_id == sa.bindparam("k_course"),
                    report_progress.c.registration == sa.bindparam("k_registration"),
                ),
                [{"k_learner": learner, "k_course": course, "k_registration": registration}
                 for learner, course, registration in whole],
            )
        rows = []
        for key in chunk:
            rows += rows_for(grouped.get(key, []), touched.get(key))
        partial = [row for row in rows if (row["learner_key"], row["course_id"], row["registration"]) in touched]
        if partial:  # by primary key
            connection.execute(
                report_progress.delete().where(
                    report_progress.c.course_id == sa.bindparam("k_course"),
                    report_progress.c.module_id == sa.bindparam("k_module"),
                    report_progress.c.learner_key == sa.bindparam("k_learner"),
                    report_progress.c.registration == sa.bindparam("k_registration"),
                ),
                [{"k_course": row["course_id"], "k_module": row["module_id"], "k_learner": row["learner_key"],
                  "k_registration": row["registration"]} for row in partial],
            )
        if rows:
            connection.execute(report_progress.insert(), rows)


def extract_facts(connection: Connection, statements: Iterable[dict[str, Any]], groups: tuple[str, ...]) -> list[Fact]:
    """The facts of a batch, placing statements that name only a module (as the parent
    of an answer) in the course that module was seen in, and cmi5 AU statements that
    name no course in the course of their registration."""
    pairs = [(statement, extract_fact(statement, groups)) for statement in statements]
    facts = [fact for _statement, fact in pairs if fact is not None]
    known = {fact.module_id: fact.course_id for fact in facts if fact.module_id}
    unknown = sorted({fact.course_id for fact in facts} - known.keys())
    for chunk in _chunks(unknown):
        rows = connection.execute(
            sa.select(report_facts.c.module_id, report_facts.c.course_id)
            .where(report_facts.c.module_id.in_(chunk))
            .distinct()
        )
        known.update({module: course for module, course in rows})
    registrations = _cmi5_registrations(connection, facts)
    known.update({REGISTRATION_PREFIX + registration: course for registration, course in registrations.items()})

    def misplaced(fact: Fact) -> bool:
        if fact.course_id in known:
            return True
        course = registrations.get(fact.registration) if fact.cmi5 else None
        return course is not None and course != fact.course_id and not fact.course_typed

    if not any(misplaced(fact) for fact in facts):
        return facts
    return [
        extract_fact(statement, groups, known) if misplaced(fact) else fact
        for statement, fact in pairs
        if fact is not None
    ]


def _cmi5_registrations(connection: Connection, facts: list[Fact]) -> dict[str, str]:
    """cmi5 registration -> course: from the batch's statements about a typed course,
    else from facts already placed in a course."""
    found = {fact.registration: fact.course_id for fact in facts if fact.cmi5 and fact.course_typed and fact.registration}
    wanted = sorted({fact.registration for fact in facts if fact.cmi5 and fact.registration} - found.keys())
    for chunk in _chunks(wanted):
        rows = connection.execute(
            sa.select(report_facts.c.registration, report_facts.c.course_id)
            .where(report_facts.c.registration.in_(chunk), report_facts.c.cmi5.is_(True),
                   report_facts.c.module_id != "")
            .distinct()
        )
        found.update({registration: course for registration, course in rows})
    return found


def _replace_cmi5_registrations(connection: Connection, facts: list[Fact]) -> set[Key]:
    """Facts of a cmi5 registration stored before its course was known join it now."""
    keys: set[Key] = set()
    for fact in facts:
        if not (fact.cmi5 and fact.course_typed and fact.registration):
            continue
        where = (
            report_facts.c.registration == fact.registration,
            report_facts.c.cmi5.is_(True),
            report_facts.c.course_id != fact.course_id,
        )
        moved = connection.execute(sa.select(report_facts.c.learner_key, report_facts.c.course_id).where(*where).distinct()).all()
        if not moved:
            continue
        connection.execute(
            report_facts.update().where(*where).values(module_id=report_facts.c.course_id, course_id=fact.course_id)
        )
        for learner, course in moved:
            keys.update({(learner, course, fact.registration), (learner, fact.course_id, fact.registration)})
    return keys


def remember_names(connection: Connection, facts: list[Fact]) -> None:
    """Keep each course's and module's latest known name (a name never becomes empty)."""
    names: dict[tuple[str, str], str] = {}
    for fact in facts:
        for kind, identifier, name in (("course", fact.course_id, fact.course_name),
                                       ("module", fact.module_id, fact.module_name)):
            if identifier and (name != "{}" or (kind, identifier) not in names):
                names[(kind, identifier)] = name
    if not names:
        return
    if is_sqlite(connection):
        from sqlalchemy.dialects.sqlite import insert
    else:
        from sqlalchemy.dialects.postgresql import insert  # type: ignore[assignment]
    statement = insert(report_names)
    statement = statement.on_conflict_do_update(
        index_elements=[report_names.c.kind, report_names.c.activity_id],
        set_={"name": statement.excluded.name},
        where=statement.excluded.name != "{}",
    )
    rows = [{"kind": kind, "activity_id": identifier, "name": name} for (kind, identifier), name in sorted(names.items())]
    connection.execute(statement, rows)


def ingest(
    connection: Connection,
    statements: list[dict[str, Any]],
    voided_ids: Iterable[str] = (),
    group_extensions: Iterable[str] = DEFAULT_GROUP_EXTENSIONS,
) -> None:
    """Add these stored statements to the model and take the voided ones out."""
    facts = extract_facts(connection, statements, tuple(group_extensions))
    touched: dict[Key, set[str]] = defaultdict(set)
    for fact in facts:
        touched[(fact.learner_key, fact.course_id, fact.registration)].add(fact.module_id)
    keys: set[Key] = set(touched)
    insert_ignoring_duplicates(connection, report_facts, [fact.row() for fact in facts])
    remember_names(connection, facts)
    moved = _replace_cmi5_registrations(connection, facts)
    voided = sorted(set(voided_ids))
    for chunk in _chunks(voided):
        gone = connection.execute(
            sa.select(report_facts.c.learner_key, report_facts.c.course_id, report_facts.c.registration)
            .where(report_facts.c.statement_id.in_(chunk))
        ).all()
        moved.update(tuple(row) for row in gone)
        connection.execute(report_facts.delete().where(report_facts.c.statement_id.in_(chunk)))
    # keys whose facts moved or vanished are rewritten whole
    recompute(connection, keys | moved, {key: modules for key, modules in touched.items() if key not in moved})


def rebuild(connection: Connection, group_extensions: Iterable[str] = DEFAULT_GROUP_EXTENSIONS, batch: int = 5000) -> int:
    """Recompute the whole model from the stored statements (after an upgrade, or when
    the group extensions change). Returns the number of statements read."""
    from lrs.tables import statements

    connection.execute(report_progress.delete())
    connection.execute(report_facts.delete())
    connection.execute(report_names.delete())
    last_seq = -1
    count = 0
    while True:
        page = connection.execute(
            sa.select(statements.c.seq, statements.c.body)
            .where(statements.c.seq > last_seq, statements.c.voided.is_(False))
            .order_by(statements.c.seq)
            .limit(batch)
        ).all()
        if not page:
            break
        last_seq = page[-1].seq
        count += len(page)
        facts = extract_facts(connection, [orjson.loads(row.body) for row in page], tuple(group_extensions))
        insert_ignoring_duplicates(connection, report_facts, [fact.row() for fact in facts])
        remember_names(connection, facts)
        _replace_cmi5_registrations(connection, facts)
    keys = connection.execute(
        sa.select(report_facts.c.learner_key, report_facts.c.course_id, report_facts.c.registration).distinct()
    ).all()
    recompute(connection, [tuple(key) for key in keys])
    return count
