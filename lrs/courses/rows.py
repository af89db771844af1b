"""Writing a course version's rows: the course, its modules, pages and questions, its
downloads, and which version of an IRI is the latest. Inside the caller's transaction."""

from __future__ import annotations

import time
from typing import Any

import orjson
import sqlalchemy
from sqlalchemy.engine import Connection

from lrs.courses.tables import course_downloads, course_modules, course_pages, course_questions, courses
from validators.packages.structure import CourseStructure

STRUCTURE_TABLES = (course_questions, course_pages, course_modules)


def now_us() -> int:
    return time.time_ns() // 1000


def _json(value: Any) -> str | None:
    return None if value is None else orjson.dumps(value, option=orjson.OPT_SORT_KEYS).decode()


def _course_values(structure: CourseStructure) -> dict[str, Any]:
    return {
        "language": structure.language,
        "title": _json(structure.title),
        "description": _json(structure.description),
        "licence_name": structure.licence_name,
        "licence_url": structure.licence_url,
        "authors": _json(list(structure.authors)),
        "keywords": _json(list(structure.keywords)),
        "duration": structure.duration,
        "mastery_score": structure.mastery_score,
        "accessibility": _json(structure.accessibility),
        "source": structure.source,
        "module_count": len(structure.modules),
    }


def insert_course(connection: Connection, structure: CourseStructure, now: int) -> int:
    result = connection.execute(courses.insert().values(
        iri=structure.iri, version=structure.version, published_us=now, updated_us=now, latest=False,
        **_course_values(structure),
    ))
    return int(result.inserted_primary_key[0])


def replace_course(connection: Connection, course_id: int, structure: CourseStructure, now: int) -> None:
    connection.execute(courses.update().where(courses.c.id == course_id).values(updated_us=now, **_course_values(structure)))
    for table in STRUCTURE_TABLES:
        connection.execute(table.delete().where(table.c.course_id == course_id))
    insert_modules(connection, course_id, structure)


def insert_modules(connection: Connection, course_id: int, structure: CourseStructure) -> None:
    modules, pages, questions = [], [], []
    for position, module in enumerate(structure.modules):
        modules.append({
            "course_id": course_id, "position": position, "iri": module.iri, "key": module.key,
            "au_id": module.au_id, "sco_id": module.sco_id, "title": _json(module.title),
            "description": _json(module.description), "completion": module.completion, "move_on": module.move_on,
            "mastery_score": module.mastery_score, "launch": module.launch, "block": _json(module.block),
            "quiz_iri": module.quiz_iri, "quiz_title": _json(module.quiz_title),
        })
        for index, page in enumerate(module.pages):
            pages.append({"course_id": course_id, "module_position": position, "position": index, "key": page.key,
                          "iri": page.iri, "title": _json(page.title)})
        for index, question in enumerate(module.questions):
            questions.append({
                "course_id": course_id, "module_position": position, "position": index, "key": question.key,
                "iri": question.iri, "type": question.type, "text": _json(question.text),
                "multiple": question.multiple, "components": _json(question.components),
                "correct_responses": _json(list(question.correct_responses)), "weight": question.weight,
            })
    for table, rows in ((course_modules, modules), (course_pages, pages), (course_questions, questions)):
        if rows:
            connection.execute(table.insert(), rows)


def mark_latest(connection: Connection, iri: str) -> None:
    """`latest` on the version of `iri` first published most recently, off on the others."""
    newest = connection.execute(
        sqlalchemy.select(courses.c.id).where(courses.c.iri == iri)
        .order_by(courses.c.published_us.desc(), courses.c.id.desc()).limit(1)
    ).scalar()
    connection.execute(courses.update().where(courses.c.iri == iri).values(latest=courses.c.id == newest))


def put_download(connection: Connection, course_id: int, fmt: str, *, sha256: str, size: int, filename: str,
                 launch: str | None, now: int) -> None:
    """The course's download of `fmt`, replacing the one it had."""
    connection.execute(
        course_downloads.delete().where(course_downloads.c.course_id == course_id, course_downloads.c.format == fmt)
    )
    connection.execute(course_downloads.insert().values(
        course_id=course_id, format=fmt, sha256=sha256, size=size, filename=filename, launch=launch, published_us=now,
    ))


def delete_courses(connection: Connection, course_ids: list[int]) -> None:
    for table in (*STRUCTURE_TABLES, course_downloads):
        connection.execute(table.delete().where(table.c.course_id.in_(course_ids)))
    connection.execute(courses.delete().where(courses.c.id.in_(course_ids)))


def formats_of(connection: Connection, course_id: int) -> tuple[str, ...]:
    return tuple(connection.execute(
        sqlalchemy.select(course_downloads.c.format).where(course_downloads.c.course_id == course_id)
        .order_by(course_downloads.c.format)
    ).scalars())
