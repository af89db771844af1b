"""An LMS's own activities that play a published course (`course_aliases`): Moodle's
logstore_xapi names the SCORM activity (`<wwwroot>/mod/scorm/view.php?id=42`), a
dual-tracked package names the course IRI; the reports count both under the course."""

from __future__ import annotations

import time
from typing import Iterable

import sqlalchemy
from sqlalchemy.engine import Connection

from lrs.courses.tables import course_aliases
from validators.bilingual import BilingualError
from validators.xapi import is_iri

_CHUNK = 500  # ids per IN (...) list


class AliasRefused(BilingualError, ValueError):
    """An LMS activity that cannot stand for a course."""


def check_alias(alias_iri: str, course_iri: str | None = None) -> None:
    """An absolute http(s) IRI, other than the course itself."""
    if (not is_iri(alias_iri) or any(c.isspace() for c in alias_iri)
            or not alias_iri.lower().startswith(("http://", "https://"))):
        raise AliasRefused(f"--lms-activity : {alias_iri!r} n'est pas une adresse http(s)",
                           f"--lms-activity: {alias_iri!r} is not an http(s) address")
    if alias_iri == course_iri:
        raise AliasRefused(f"--lms-activity : {alias_iri!r} est le cours lui-même",
                           f"--lms-activity: {alias_iri!r} is the course itself")


def record_aliases(connection: Connection, course_iri: str, alias_iris: Iterable[str]) -> None:
    """`alias_iris` play `course_iri` from now on (an alias moves to the latest course given)."""
    wanted = sorted(set(alias_iris))
    for alias in wanted:
        check_alias(alias, course_iri)
    if not wanted:
        return
    connection.execute(course_aliases.delete().where(course_aliases.c.alias_iri.in_(wanted)))
    now = time.time_ns() // 1000
    connection.execute(course_aliases.insert(),
                       [{"alias_iri": alias, "course_iri": course_iri, "created_us": now} for alias in wanted])


def aliased_courses(connection: Connection, activity_ids: Iterable[str]) -> dict[str, str]:
    """Activity id -> the course it plays, for those of `activity_ids` that are aliases."""
    ids = sorted(set(activity_ids))
    found: dict[str, str] = {}
    for start in range(0, len(ids), _CHUNK):
        rows = connection.execute(sqlalchemy.select(course_aliases.c.alias_iri, course_aliases.c.course_iri)
                                  .where(course_aliases.c.alias_iri.in_(ids[start:start + _CHUNK])))
        found.update({alias: course for alias, course in rows})
    return found


def forget_aliases(connection: Connection, course_iri: str, alias_iris: Iterable[str]) -> list[str]:
    """`alias_iris` no longer play `course_iri`; return those that did not (nothing is
    removed then). Statements already placed in the course stay there."""
    wanted = sorted(set(alias_iris))
    found = {alias for alias, course in aliased_courses(connection, wanted).items() if course == course_iri}
    missing = [alias for alias in wanted if alias not in found]
    if not missing:
        connection.execute(course_aliases.delete().where(course_aliases.c.alias_iri.in_(wanted)))
    return missing
