"""Keeping the learner-activity model up to date: on ingest, on voiding, on erasure.

Each batch adds its facts, forgets the facts of the statements it voids, then
recomputes the rows of every (learner, course, registration) it touched, in the
transaction that stores the batch (PostgreSQL) or writes its queued facts (SQLite,
`lrs.statements.backlog`): a report, which writes what waits first, never sees the
model behind the statements.
"""

from __future__ import annotations

import operator
import weakref
from collections import defaultdict
from typing import Any, Iterable

import orjson
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from lrs.courses import registry
from lrs.courses.aliases import aliased_courses
from lrs.db import bulk_insert, driver_marker, upsert_clause, write_transaction
from lrs.reports.facts import (ALIAS_PREFIX, FACT_FIELDS, ITEM_FIELDS, REGISTRATION_PREFIX, Fact, extract_fact,
                               extract_item)
from lrs.reports.progress import rows_for
from lrs.reports.settings import DEFAULT_GROUP_EXTENSIONS
from lrs.reports.db_tables import report_facts, report_items, report_names, report_progress, report_structures
from lrs.reports.structure import published_course, published_owners, registry_mark

Key = tuple[str, str, str]  # learner, course, registration
CHUNK = 400  # keys per IN list: well under SQLite's parameter limit


def _chunks(items: list, size: int = CHUNK) -> Iterable[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


PROGRESS_KEY = ("course_id", "module_id", "learner_key", "registration")
PROGRESS_COLUMNS = tuple(column.name for column in report_progress.c)
# Rows rewritten in place; a `whole` key's rows are deleted first, so this is an insert for them.
PROGRESS_UPSERT = upsert_clause(PROGRESS_KEY, PROGRESS_COLUMNS)
_progress_values = operator.itemgetter(*PROGRESS_COLUMNS)
_progress_key = operator.itemgetter(*(PROGRESS_COLUMNS.index(name) for name in PROGRESS_KEY))


def _stored_facts(connection: Connection, keys: list[Key]) -> dict[Key, list[Fact]]:
    """The facts of these (learner, course, registration): one lookup of the learner
    index per key (a VALUES list joined to the table, the same SQL on both databases)."""
    marker = driver_marker(connection)
    sql = (
        "WITH wanted (k_learner, k_course, k_registration) AS (VALUES {}) SELECT {} FROM wanted"
        " JOIN report_facts f ON f.learner_key = wanted.k_learner AND f.course_id = wanted.k_course"
        " AND f.registration = wanted.k_registration"
    ).format(", ".join([f"({marker}, {marker}, {marker})"] * len(keys)),
             ", ".join("f." + name for name in FACT_FIELDS))
    grouped: dict[Key, list[Fact]] = defaultdict(list)
    for values in connection.exec_driver_sql(sql, tuple(part for key in keys for part in key)):
        fact = Fact.from_values(values)
        grouped[(fact.learner_key, fact.course_id, fact.registration)].append(fact)
    return grouped


def recompute(connection: Connection, keys: Iterable[Key], touched: dict[Key, set[str]] | None = None) -> None:
    """Replace the rows of these (learner, course, registration) with fresh ones.

    With `touched` (key -> modules that got new statements), only the course row and
    those modules' rows are rewritten: the others cannot have changed."""
    touched = touched or {}
    marker = driver_marker(connection)
    rows = []
    for chunk in _chunks(sorted(set(keys))):
        grouped = _stored_facts(connection, chunk)
        whole = [key for key in chunk if key not in touched]
        if whole:  # one key at a time, through the learner index (a row-value IN is a table scan)
            connection.exec_driver_sql(
                f"DELETE FROM report_progress WHERE learner_key = {marker} AND course_id = {marker}"
                f" AND registration = {marker}",
                whole,
            )
        for key in chunk:
            published = published_course(connection, key[1])
            rows += map(_progress_values, rows_for(grouped.get(key, []), touched.get(key), published))
    # In primary key order: rows of a course land on the same pages one after another.
    rows.sort(key=_progress_key)
    bulk_insert(connection, report_progress, PROGRESS_COLUMNS, rows, PROGRESS_UPSERT)


Placed = list[tuple[dict[str, Any], Fact]]  # each statement that gives a fact, with it


def extract_facts(connection: Connection, statements: Iterable[dict[str, Any]], groups: tuple[str, ...]) -> Placed:
    """The facts of a batch, placing statements that name only a module (as the parent
    of an answer, or a cmi5 AU's publisher id alone) in the course that module was seen
    in or is published in, cmi5 AU statements that name no course in the course of
    their registration, and statements about an LMS activity playing a course in that
    course."""
    pairs = [(statement, extract_fact(statement, groups)) for statement in statements]
    placed = [(statement, fact) for statement, fact in pairs if fact is not None]
    facts = [fact for _statement, fact in placed]
    known = {fact.module_id: fact.course_id for fact in facts if fact.module_id}
    unknown = sorted({fact.course_id for fact in facts} - known.keys())
    for chunk in _chunks(unknown):
        rows = connection.execute(
            sa.select(report_facts.c.module_id, report_facts.c.course_id)
            .where(report_facts.c.module_id.in_(chunk))
            .distinct()
        )
        known.update({module: course for module, course in rows})
    known.update(published_owners(connection, {fact.course_id for fact in facts if not fact.course_typed} - known.keys()))
    registrations = _cmi5_registrations(connection, facts)
    known.update({REGISTRATION_PREFIX + registration: course for registration, course in registrations.items()})
    aliases = aliased_courses(connection, {fact.module_id for fact in facts if fact.module_id}
                              | {fact.course_id for fact in facts})
    known.update({ALIAS_PREFIX + alias: course for alias, course in aliases.items()})

    def misplaced(fact: Fact) -> bool:
        if fact.course_id in known or fact.course_id in aliases or fact.module_id in aliases:
            return True
        course = registrations.get(fact.registration) if fact.cmi5 else None
        return course is not None and course != fact.course_id and not fact.course_typed

    if not any(misplaced(fact) for fact in facts):
        return placed
    return [
        (statement, extract_fact(statement, groups, known) if misplaced(fact) else fact)  # type: ignore[misc]
        for statement, fact in placed
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
    typed = [fact for fact in facts if fact.cmi5 and fact.course_typed and fact.registration]
    if not typed:
        return set()
    # (learner, course) of each registration's stored cmi5 facts, one query for the batch
    placed: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for chunk in _chunks(sorted({fact.registration for fact in typed})):
        rows = connection.execute(
            sa.select(report_facts.c.registration, report_facts.c.learner_key, report_facts.c.course_id)
            .where(report_facts.c.registration.in_(chunk), report_facts.c.cmi5.is_(True))
            .distinct()
        )
        for registration, learner, course in rows:
            placed[registration].add((learner, course))
    keys: set[Key] = set()
    for fact in typed:
        moved = {(learner, course) for learner, course in placed[fact.registration] if course != fact.course_id}
        if not moved:
            continue
        connection.execute(
            report_facts.update()
            .where(report_facts.c.registration == fact.registration, report_facts.c.cmi5.is_(True),
                   report_facts.c.course_id != fact.course_id)
            .values(module_id=report_facts.c.course_id, course_id=fact.course_id)
        )
        placed[fact.registration] = (placed[fact.registration] - moved) | {(learner, fact.course_id) for learner, _ in moved}
        for learner, course in moved:
            keys.update({(learner, course, fact.registration), (learner, fact.course_id, fact.registration)})
    return keys


NAME_COLUMNS = ("kind", "activity_id", "name")
# An empty name never replaces a known one; an unchanged name is not rewritten.
NAMES_UPSERT = upsert_clause(("kind", "activity_id"), NAME_COLUMNS,
                             where="excluded.name != '{}' AND report_names.name != excluded.name")


def store_facts(connection: Connection, placed: Placed) -> list[Fact]:
    """Insert the facts and the answers and pages among them (a statement already stored
    keeps its fact); return the facts. Their names are the caller's (`remember_names`)."""
    facts = [fact for _statement, fact in placed]
    bulk_insert(connection, report_facts, FACT_FIELDS, [fact.values() for fact in facts], "ON CONFLICT DO NOTHING")
    items = [item for item in (extract_item(statement, fact) for statement, fact in placed) if item is not None]
    if items:
        values = operator.attrgetter(*ITEM_FIELDS)
        bulk_insert(connection, report_items, ITEM_FIELDS, [values(item) for item in items], "ON CONFLICT DO NOTHING")
    return facts


def remember_names(connection: Connection, facts: list[Fact]) -> None:
    """Keep each course's and module's latest known name (a name never becomes empty)."""
    names: dict[tuple[str, str], str] = {}
    for fact in facts:
        for kind, identifier, name in (("course", fact.course_id, fact.course_name),
                                       ("module", fact.module_id, fact.module_name)):
            if identifier and (name != "{}" or (kind, identifier) not in names):
                names[(kind, identifier)] = name
    for chunk in _chunks(sorted({identifier for _kind, identifier in names})):
        # Names already known are read, not upserted: on PostgreSQL an upsert locks the
        # row until the commit, and every batch of a course names the course.
        for kind, identifier, stored in connection.execute(
            sa.select(report_names).where(report_names.c.activity_id.in_(chunk))
        ):
            if names.get((kind, identifier)) in (stored, "{}"):
                del names[(kind, identifier)]
    if not names:
        return
    rows = [(kind, identifier, name) for (kind, identifier), name in sorted(names.items())]
    bulk_insert(connection, report_names, NAME_COLUMNS, rows, NAMES_UPSERT)


def ingest(
    connection: Connection,
    statements: list[dict[str, Any]],
    voided_ids: Iterable[str] = (),
    group_extensions: Iterable[str] = DEFAULT_GROUP_EXTENSIONS,
) -> None:
    """Add these stored statements to the model and take the voided ones out."""
    facts = store_facts(connection, extract_facts(connection, statements, tuple(group_extensions)))
    touched: dict[Key, set[str]] = defaultdict(set)
    for fact in facts:
        touched[(fact.learner_key, fact.course_id, fact.registration)].add(fact.module_id)
    keys: set[Key] = set(touched)
    moved = _replace_cmi5_registrations(connection, facts)
    voided = sorted(set(voided_ids))
    for chunk in _chunks(voided):
        gone = connection.execute(
            sa.select(report_facts.c.learner_key, report_facts.c.course_id, report_facts.c.registration)
            .where(report_facts.c.statement_id.in_(chunk))
        ).all()
        moved.update(tuple(row) for row in gone)
        connection.execute(report_facts.delete().where(report_facts.c.statement_id.in_(chunk)))
        connection.execute(report_items.delete().where(report_items.c.statement_id.in_(chunk)))
    # keys whose facts moved or vanished are rewritten whole
    recompute(connection, keys | moved, {key: modules for key, modules in touched.items() if key not in moved})
    # Last: a name written stays locked (PostgreSQL) until the commit.
    remember_names(connection, facts)


def rebuild(connection: Connection, group_extensions: Iterable[str] = DEFAULT_GROUP_EXTENSIONS, batch: int = 5000) -> int:
    """Recompute the whole model from the stored statements (after an upgrade, or when
    the group extensions change). Returns the number of statements read."""
    from lrs.tables import statements

    connection.execute(report_progress.delete())
    connection.execute(report_facts.delete())
    connection.execute(report_names.delete())
    connection.execute(report_items.delete())
    connection.execute(report_structures.delete())
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
        placed = extract_facts(connection, [orjson.loads(row.body) for row in page], tuple(group_extensions))
        facts = store_facts(connection, placed)
        _replace_cmi5_registrations(connection, facts)
        remember_names(connection, facts)
    keys = connection.execute(
        sa.select(report_facts.c.learner_key, report_facts.c.course_id, report_facts.c.registration).distinct()
    ).all()
    recompute(connection, [tuple(key) for key in keys])
    _remember_structures(connection, _published_versions(connection))
    return count


def settle_published(connection: Connection, group_extensions: Iterable[str] = DEFAULT_GROUP_EXTENSIONS) -> int:
    """Statements that named only a cmi5 AU, stored before the course publishing that
    AU was, sit under the AU as their course: move them into that course (once: they
    are placed right on ingest afterwards). Returns the number of statements moved."""
    from lrs.tables import statements

    lone = connection.execute(sa.select(report_progress.c.course_id).where(report_progress.c.module_id == "").distinct())
    owners = published_owners(connection, [course for (course,) in lone])
    if not owners:
        return 0
    keys = [
        tuple(row) for row in connection.execute(
            sa.select(report_progress.c.learner_key, report_progress.c.course_id, report_progress.c.registration)
            .where(report_progress.c.course_id.in_(sorted(owners)), report_progress.c.module_id == "")
        )
    ]
    ids = sorted(fact.statement_id for chunk in _chunks(keys) for facts in _stored_facts(connection, chunk).values()
                 for fact in facts)
    moved: set[Key] = set(keys)  # type: ignore[arg-type]
    for chunk in _chunks(ids):
        bodies = connection.execute(sa.select(statements.c.body).where(statements.c.id.in_(chunk))).scalars().all()
        connection.execute(report_facts.delete().where(report_facts.c.statement_id.in_(chunk)))
        connection.execute(report_items.delete().where(report_items.c.statement_id.in_(chunk)))
        facts = store_facts(connection, extract_facts(connection, [orjson.loads(body) for body in bodies],
                                                      tuple(group_extensions)))
        remember_names(connection, facts)
        moved.update((fact.learner_key, fact.course_id, fact.registration) for fact in facts)
    recompute(connection, moved)
    return len(ids)


def _published_versions(connection: Connection) -> dict[str, int]:
    """course -> `updated_us` of its latest published version."""
    return {course.iri: course.updated_us for course in registry.published_courses(connection)}


def _remember_structures(connection: Connection, versions: dict[str, int]) -> None:
    connection.execute(report_structures.delete())
    if versions:
        bulk_insert(connection, report_structures, ("course_id", "updated_us"), sorted(versions.items()))


def follow_structures(connection: Connection) -> int:
    """Recompute the rows of the courses published, extended or unpublished since their
    rows were computed; returns how many courses."""
    versions = _published_versions(connection)
    followed = dict(connection.execute(sa.select(report_structures.c.course_id, report_structures.c.updated_us)).all())
    changed = sorted({course for course, updated in versions.items() if followed.get(course) != updated}
                     | (followed.keys() - versions.keys()))
    for course in changed:
        keys = connection.execute(
            sa.select(report_progress.c.learner_key, report_progress.c.course_id, report_progress.c.registration)
            .where(report_progress.c.course_id == course, report_progress.c.module_id == "")
        ).all()
        recompute(connection, [tuple(key) for key in keys])
    if changed:
        _remember_structures(connection, versions)
    return len(changed)


# engine -> (number, last update) of the published course versions already settled
_settled: "weakref.WeakKeyDictionary[Engine, tuple[int, int]]" = weakref.WeakKeyDictionary()


def ready_for_reading(engine: Engine, group_extensions: Iterable[str] = DEFAULT_GROUP_EXTENSIONS) -> None:
    """Before a report: every queued statement indexed, and, when courses were published
    since the last look, their lone AU statements moved in (`settle_published`) and
    their rows recomputed with their structure (`follow_structures`)."""
    from lrs.statements.backlog import ensure_indexed

    ensure_indexed(engine)
    with engine.connect() as connection:
        mark = registry_mark(connection)
    if _settled.get(engine) == mark:
        return
    with write_transaction(engine) as connection:
        settle_published(connection, group_extensions)
        follow_structures(connection)
    _settled[engine] = mark
