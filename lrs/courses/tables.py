"""The published courses: one row per (course IRI, version), its downloads (one per
package format, the zip kept content-addressed in the blob store), its modules in
order, and each module's pages and questions in order.

Language maps, lists and objects are JSON text (`{"fr": "…", "en": "…"}`). Times are
microseconds since 1970, UTC. `courses.latest` is true on the most recently published
version of each course IRI (kept by `lrs.courses.publish`), so that the catalogue
reads one indexed range instead of grouping versions on every page view.

Modules are stored once per course version whatever the number of formats: the
formats of one course share their structure (cmi5 adds `move_on` and AU ids, SCORM
its item identifiers). `iri` is the activity id statements name for the module (the
module IRI of the course description, the AU id of cmi5.xml, the activity id of
tincan.xml; for a SCORM package made by another tool, its item identifier).
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Boolean, Column, Float, ForeignKey, Index, Integer, String, Table, Text

from lrs.db import metadata
from lrs.tables import Sequence

courses = Table(
    "courses",
    metadata,
    Column("id", Sequence, primary_key=True, autoincrement=True),
    Column("iri", Text, nullable=False),
    Column("version", String(200), nullable=False),  # "" when the package names none
    Column("language", String(35), nullable=False),  # BCP 47, the course's main language
    Column("title", Text, nullable=False),  # JSON language map
    Column("description", Text, nullable=True),  # JSON language map
    Column("licence_name", Text, nullable=True),
    Column("licence_url", Text, nullable=True),
    Column("authors", Text, nullable=False),  # JSON [{"name", "organisation", "email"}]
    Column("keywords", Text, nullable=False),  # JSON [str]
    Column("duration", String(64), nullable=True),  # ISO 8601 duration
    Column("mastery_score", Float, nullable=True),
    Column("accessibility", Text, nullable=True),  # JSON object, as the package states it
    Column("source", String(32), nullable=False),  # where the structure was read: see validators.packages.structure
    Column("module_count", Integer, nullable=False),
    Column("published_us", BigInteger, nullable=False),  # first publication of this version
    Column("updated_us", BigInteger, nullable=False),  # last package added to it
    Column("latest", Boolean, nullable=False),
)
Index("ux_courses_iri_version", courses.c.iri, courses.c.version, unique=True)
Index("ix_courses_latest", courses.c.latest, courses.c.updated_us)

course_downloads = Table(
    "course_downloads",
    metadata,
    Column("course_id", BigInteger, ForeignKey("courses.id", ondelete="CASCADE"), primary_key=True),
    Column("format", String(32), primary_key=True),  # scorm12, scorm2004, cmi5, xapi, web, aicc, zip
    Column("sha256", String(64), nullable=False),  # the blob's key in the blob store
    Column("size", BigInteger, nullable=False),
    Column("filename", Text, nullable=False),  # offered name of the download
    Column("launch", Text, nullable=True),  # relative path of the first launch page in the zip
    Column("published_us", BigInteger, nullable=False),
)
Index("ix_course_downloads_sha256", course_downloads.c.sha256)

course_modules = Table(
    "course_modules",
    metadata,
    Column("course_id", BigInteger, ForeignKey("courses.id", ondelete="CASCADE"), primary_key=True),
    Column("position", Integer, primary_key=True),  # 0-based order in the course
    Column("iri", Text, nullable=False),
    Column("key", Text, nullable=True),  # the course folder's module key
    Column("au_id", Text, nullable=True),  # cmi5 AU id, when the package is cmi5 or has cmi5.xml
    Column("sco_id", Text, nullable=True),  # SCORM item identifier
    Column("title", Text, nullable=False),  # JSON language map
    Column("description", Text, nullable=True),  # JSON language map
    Column("completion", String(16), nullable=True),  # "pages" | "quiz" (course description)
    Column("move_on", String(32), nullable=True),  # cmi5 moveOn
    Column("mastery_score", Float, nullable=True),
    Column("launch", Text, nullable=True),
    Column("block", Text, nullable=True),  # JSON language map: the cmi5 block title, if any
    Column("quiz_iri", Text, nullable=True),
    Column("quiz_title", Text, nullable=True),  # JSON language map
)
Index("ix_course_modules_iri", course_modules.c.iri)
Index("ix_course_modules_au_id", course_modules.c.au_id)

course_pages = Table(
    "course_pages",
    metadata,
    Column("course_id", BigInteger, ForeignKey("courses.id", ondelete="CASCADE"), primary_key=True),
    Column("module_position", Integer, primary_key=True),
    Column("position", Integer, primary_key=True),
    Column("key", Text, nullable=True),
    Column("iri", Text, nullable=False),
    Column("title", Text, nullable=False),  # JSON language map
)

course_questions = Table(
    "course_questions",
    metadata,
    Column("course_id", BigInteger, ForeignKey("courses.id", ondelete="CASCADE"), primary_key=True),
    Column("module_position", Integer, primary_key=True),
    Column("position", Integer, primary_key=True),
    Column("key", Text, nullable=True),
    Column("iri", Text, nullable=False),
    Column("type", String(32), nullable=False),  # xAPI interactionType
    Column("text", Text, nullable=False),  # JSON language map
    Column("multiple", Boolean, nullable=False),
    # JSON {"choices"|"source"|"target": [{"id": str, "text": {lang: text}}]}: the
    # interaction components of the xAPI definition, by their xAPI name.
    Column("components", Text, nullable=False),
    Column("correct_responses", Text, nullable=False),  # JSON [correctResponsesPattern string]
    Column("weight", Float, nullable=False),
)
Index("ix_course_questions_iri", course_questions.c.iri)

# An LMS's own activity that plays a course (Moodle's SCORM activity,
# `<wwwroot>/mod/scorm/view.php?id=42`): the reports count the LMS's statements about it
# under the course, so that both tracking paths of a learner meet in one row.
course_aliases = Table(
    "course_aliases",
    metadata,
    Column("alias_iri", Text, primary_key=True),
    Column("course_iri", Text, nullable=False),
    Column("created_us", BigInteger, nullable=False),
)

COURSE_TABLES = [courses, course_downloads, course_modules, course_pages, course_questions, course_aliases]
