"""The course as the packager sees it once loaded and checked: plain immutable data."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

QuestionType = Literal["choice", "true-false", "fill-in", "numeric", "matching", "sequencing"]
Completion = Literal["pages", "quiz"]

ETALAB_NAME = "Licence Ouverte / Etalab 2.0"
ETALAB_URL = "https://www.etalab.gouv.fr/licence-ouverte-open-licence/"


@dataclass(frozen=True)
class Text:
    """A text in one or more languages; `get` falls back on the course language."""

    values: dict[str, str]

    def get(self, language: str) -> str:
        if language in self.values:
            return self.values[language]
        base = language.split("-")[0]
        for key, value in self.values.items():
            if key.split("-")[0] == base:
                return value
        return next(iter(self.values.values()))


@dataclass(frozen=True)
class Licence:
    name: str
    url: str | None


@dataclass(frozen=True)
class Author:
    name: str
    organisation: str | None = None
    email: str | None = None


@dataclass(frozen=True)
class Item:
    """A choice, a matching source or target, or a sequencing item."""

    id: str
    text: str


@dataclass(frozen=True)
class Question:
    key: str
    id: str  # interaction activity IRI
    type: QuestionType
    text: str
    weight: float
    correct_responses: tuple[str, ...]  # xAPI correctResponsesPattern
    multiple: bool = False
    choices: tuple[Item, ...] = ()
    source: tuple[Item, ...] = ()
    target: tuple[Item, ...] = ()
    case_sensitive: bool = False
    feedback_correct: str | None = None
    feedback_incorrect: str | None = None


@dataclass(frozen=True)
class Quiz:
    key: str  # page key of the quiz section
    id: str
    title: str
    introduction: str | None
    questions: tuple[Question, ...]
    source: str  # relative path of the quiz file


@dataclass(frozen=True)
class Page:
    key: str
    title: str
    html: str  # rendered body, the <h1> excluded
    source: str  # relative path of the Markdown file


@dataclass(frozen=True)
class Module:
    key: str
    id: str
    title: str
    description: str | None
    pages: tuple[Page, ...]
    quiz: Quiz | None
    completion: Completion
    mastery_score: float | None
    assets: tuple[str, ...]  # course-relative paths of media the module uses


@dataclass(frozen=True)
class Image:
    """A course-level image (cover, logo): its course-relative path and its text alternative."""

    file: str
    alt: str = ""  # empty: decorative, the title next to it says it all


@dataclass(frozen=True)
class Course:
    root: Path
    id: str
    version: str
    language: str
    title: Text
    description: Text | None
    licence: Licence
    authors: tuple[Author, ...]
    duration: str | None
    mastery_score: float | None
    modules: tuple[Module, ...]
    keywords: tuple[str, ...] = field(default=())
    accessibility_date: str | None = None  # YYYY-MM-DD the author gives: builds stay byte-identical
    cover: Image | None = None
    course_assets: tuple[str, ...] = field(default=())  # files the course itself uses (cover, logo, files:)

    @property
    def assets(self) -> tuple[str, ...]:
        """Every media file of the course, sorted, once."""
        used = {asset for module in self.modules for asset in module.assets}
        return tuple(sorted(used | set(self.course_assets)))

    def title_text(self) -> str:
        return self.title.get(self.language)

    def description_text(self) -> str | None:
        return self.description.get(self.language) if self.description else None
