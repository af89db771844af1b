"""Reading the published courses: what the catalogue lists and the reports rely on.

Every function takes an open connection (`lrs.db.read_transaction()`), so a caller
reads several of them from one snapshot. Structures are the dataclasses of
`validators.packages.structure`, the same the publisher stores.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import orjson
import sqlalchemy
from sqlalchemy.engine import Connection

from lrs.courses.tables import course_downloads, course_modules, course_pages, course_questions, courses
from validators.packages.structure import CourseStructure, Module, Page, Question


@dataclass(frozen=True)
class Download:
    format: str
    sha256: str
    size: int
    filename: str
    launch: str | None
    published_us: int


@dataclass(frozen=True)
class PublishedCourse:
    """One version of a course as stored: `structure.modules` is empty in listings
    (`published_courses`) and complete from `course_structure`."""

    id: int
    structure: CourseStructure
    module_count: int
    published_us: int
    updated_us: int
    latest: bool
    downloads: tuple[Download, ...]

    @property
    def iri(self) -> str:
        return self.structure.iri

    @property
    def version(self) -> str:
        return self.structure.version

    @property
    def formats(self) -> tuple[str, ...]:
        return tuple(download.format for download in self.downloads)


def published_courses(connection: Connection, *, all_versions: bool = False) -> list[PublishedCourse]:
    """The courses of the catalogue, newest first: the latest version of each course
    IRI, or every version with `all_versions`. Modules are not read (see `course_structure`)."""
    query = sqlalchemy.select(courses)
    if not all_versions:
        query = query.where(courses.c.latest.is_(True))
    rows = connection.execute(query.order_by(courses.c.updated_us.desc(), courses.c.id.desc())).all()
    downloads = _downloads(connection, [row.id for row in rows])
    return [_course(row, (), downloads.get(row.id, ())) for row in rows]


def course_versions(connection: Connection, iri: str) -> list[PublishedCourse]:
    """Every published version of one course, newest first (modules not read)."""
    rows = connection.execute(
        sqlalchemy.select(courses).where(courses.c.iri == iri).order_by(courses.c.updated_us.desc(), courses.c.id.desc())
    ).all()
    downloads = _downloads(connection, [row.id for row in rows])
    return [_course(row, (), downloads.get(row.id, ())) for row in rows]


def course_structure(connection: Connection, iri: str, version: str | None = None) -> PublishedCourse | None:
    """One version of a course with its modules, pages and questions in order: the
    latest version when `version` is None; None when it is not published."""
    query = sqlalchemy.select(courses).where(courses.c.iri == iri)
    query = query.where(courses.c.latest.is_(True) if version is None else courses.c.version == version)
    row = connection.execute(query).first()
    if row is None:
        return None
    return _course(row, _modules(connection, row.id), _downloads(connection, [row.id]).get(row.id, ()))


def module_owner(connection: Connection, activity_iri: str) -> str | None:
    """The IRI of the course that has a module named `activity_iri` (its module IRI or
    cmi5 AU id): cmi5 statements name only the AU. The latest version's owner first."""
    row = connection.execute(
        sqlalchemy.select(courses.c.iri)
        .select_from(course_modules.join(courses, courses.c.id == course_modules.c.course_id))
        .where(sqlalchemy.or_(course_modules.c.iri == activity_iri, course_modules.c.au_id == activity_iri))
        .order_by(courses.c.latest.desc(), courses.c.updated_us.desc())
        .limit(1)
    ).first()
    return None if row is None else row.iri


def _json(value: str | None) -> Any:
    return None if value is None else orjson.loads(value)


def _course(row: Any, modules: tuple[Module, ...], downloads: tuple[Download, ...]) -> PublishedCourse:
    structure = CourseStructure(
        iri=row.iri,
        version=row.version,
        title=_json(row.title),
        language=row.language,
        description=_json(row.description),
        licence_name=row.licence_name,
        licence_url=row.licence_url,
        authors=tuple(_json(row.authors)),
        keywords=tuple(_json(row.keywords)),
        duration=row.duration,
        mastery_score=row.mastery_score,
        accessibility=_json(row.accessibility),
        package_format=downloads[0].format if downloads else "zip",
        source=row.source,
        launch=downloads[0].launch if downloads else None,
        modules=modules,
    )
    return PublishedCourse(
        id=row.id,
        structure=structure,
        module_count=row.module_count,
        published_us=row.published_us,
        updated_us=row.updated_us,
        latest=bool(row.latest),
        downloads=downloads,
    )


def _downloads(connection: Connection, course_ids: list[int]) -> dict[int, tuple[Download, ...]]:
    if not course_ids:
        return {}
    found: dict[int, list[Download]] = {}
    for row in connection.execute(
        sqlalchemy.select(course_downloads)
        .where(course_downloads.c.course_id.in_(course_ids))
        .order_by(course_downloads.c.course_id, course_downloads.c.format)
    ):
        found.setdefault(row.course_id, []).append(
            Download(row.format, row.sha256, row.size, row.filename, row.launch, row.published_us)
        )
    return {course_id: tuple(items) for course_id, items in found.items()}


def _modules(connection: Connection, course_id: int) -> tuple[Module, ...]:
    pages: dict[int, list[Page]] = {}
    for row in connection.execute(
        sqlalchemy.select(course_pages)
        .where(course_pages.c.course_id == course_id)
        .order_by(course_pages.c.module_position, course_pages.c.position)
    ):
        pages.setdefault(row.module_position, []).append(Page(iri=row.iri, title=_json(row.title), key=row.key))
    questions: dict[int, list[Question]] = {}
    for row in connection.execute(
        sqlalchemy.select(course_questions)
        .where(course_questions.c.course_id == course_id)
        .order_by(course_questions.c.module_position, course_questions.c.position)
    ):
        questions.setdefault(row.module_position, []).append(
            Question(
                iri=row.iri,
                type=row.type,
                text=_json(row.text),
                key=row.key,
                multiple=bool(row.multiple),
                components=_json(row.components),
                correct_responses=_json(row.correct_responses),
                weight=row.weight,
            )
        )
    modules = []
    for row in connection.execute(
        sqlalchemy.select(course_modules)
        .where(course_modules.c.course_id == course_id)
        .order_by(course_modules.c.position)
    ):
        modules.append(
            Module(
                iri=row.iri,
                title=_json(row.title),
                key=row.key,
                au_id=row.au_id,
                sco_id=row.sco_id,
                description=_json(row.description),
                completion=row.completion,
                move_on=row.move_on,
                mastery_score=row.mastery_score,
                launch=row.launch,
                block=_json(row.block),
                quiz_iri=row.quiz_iri,
                quiz_title=_json(row.quiz_title),
                pages=tuple(pages.get(row.position, ())),
                questions=tuple(questions.get(row.position, ())),
            )
        )
    return tuple(modules)
