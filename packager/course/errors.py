"""Errors in a course source, located by file and line, worded in French and English."""

from __future__ import annotations

from dataclasses import dataclass

from validators.bilingual import choose


@dataclass(frozen=True, slots=True)
class SourceError:
    """One mistake in a course folder: where it is and what is wrong, in both languages."""

    file: str
    line: int | None
    path: str
    message_fr: str
    message_en: str

    def message(self, lang: str = "fr") -> str:
        return choose(lang, self.message_fr, self.message_en)

    def format(self, lang: str = "fr") -> str:
        """`course.yaml:12: modules[1].pages[0]: message` — the shape editors and CI logs link."""
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.path}: {self.message(lang)}" if self.path else f"{where}: {self.message(lang)}"


class CourseError(Exception):
    """Every mistake found in a course folder, reported at once."""

    def __init__(self, errors: list[SourceError]):
        self.errors = sorted(errors, key=lambda e: (e.file, e.line or 0, e.path))
        super().__init__("\n".join(error.format("en") for error in self.errors))

    def format(self, lang: str = "fr") -> str:
        return "\n".join(error.format(lang) for error in self.errors)
