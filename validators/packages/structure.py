"""A package's course structure: the course, its modules in order, their pages and questions.

Packages built by parcours carry `parcours-course.json` (docs/course-format.md), which
says everything; a cmi5 package's cmi5.xml adds what the LMS will apply (AU ids as
statements name them, moveOn, masteryScore). Packages made by other tools register
with what their manifest says: cmi5.xml (AUs, blocks), imsmanifest.xml (SCORM 1.2 and
2004: the items of the default organization that launch a SCO), tincan.xml (its
activities). Read only: the package is validated separately (`validate_package`).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

LanguageMap = dict[str, str]

COURSE_DESCRIPTION = "parcours-course.json"
COURSE_DESCRIPTION_FORMAT = "parcours-course/1"


@dataclass(frozen=True)
class Page:
    iri: str
    title: LanguageMap
    key: str | None = None


@dataclass(frozen=True)
class Question:
    iri: str
    type: str  # xAPI interactionType
    text: LanguageMap
    key: str | None = None
    multiple: bool = False
    # {"choices"|"source"|"target": [{"id": str, "text": {lang: text}}]}, xAPI component names
    components: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    correct_responses: list[str] = field(default_factory=list)
    weight: float = 1.0


@dataclass(frozen=True)
class Module:
    iri: str  # the activity id statements name for this module
    title: LanguageMap
    key: str | None = None
    au_id: str | None = None
    sco_id: str | None = None
    description: LanguageMap | None = None
    completion: str | None = None  # "pages" | "quiz"
    move_on: str | None = None
    mastery_score: float | None = None
    launch: str | None = None
    block: LanguageMap | None = None
    quiz_iri: str | None = None
    quiz_title: LanguageMap | None = None
    pages: tuple[Page, ...] = ()
    questions: tuple[Question, ...] = ()


@dataclass(frozen=True)
class CourseStructure:
    iri: str
    version: str
    title: LanguageMap
    language: str = "fr"
    description: LanguageMap | None = None
    licence_name: str | None = None
    licence_url: str | None = None
    authors: tuple[dict[str, Any], ...] = ()
    keywords: tuple[str, ...] = ()
    duration: str | None = None
    mastery_score: float | None = None
    accessibility: dict[str, Any] | None = None
    # scorm12, scorm2004, cmi5, xapi, web, aicc, zip: the package's own format
    package_format: str = "zip"
    # where the structure was read: "parcours-course.json", "cmi5.xml", "imsmanifest.xml", "tincan.xml", "zip"
    source: str = "zip"
    launch: str | None = None  # the package's first launch page
    modules: tuple[Module, ...] = ()

    def with_modules(self, modules: tuple[Module, ...]) -> "CourseStructure":
        return replace(self, modules=modules)
