"""`parcours-course.json`: the machine-readable course description every package carries.

The format is documented in docs/course-format.md; the LRS reads it to publish a course
(catalogue, module titles and order, question analysis), never by importing the packager.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

from packager.accessibility import accessibility_statement
from packager.course.model import Course, Item, Module, Question, Text
from packager.layout import module_document
from packager.strings import interface_strings

DESCRIPTION_FILE = "parcours-course.json"
DESCRIPTION_FORMAT = "parcours-course/1"


def page_activity_id(module: Module, page_key: str) -> str:
    """The activity IRI of a page, as the runtime reports it (`experienced`)."""
    return f"{module.id}/pages/{quote(page_key, safe='')}"


def _text(course: Course, value: str) -> dict[str, str]:
    return {course.language: value}


def _items(course: Course, items: tuple[Item, ...]) -> list[dict[str, Any]]:
    return [{"id": item.id, "text": _text(course, item.text)} for item in items]


def _question(course: Course, question: Question) -> dict[str, Any]:
    data: dict[str, Any] = {
        "key": question.key,
        "id": question.id,
        "type": question.type,
        "text": _text(course, question.text),
        "multiple": question.multiple,
        "correct_responses": list(question.correct_responses),
        "weight": question.weight,
    }
    if question.type in ("choice", "sequencing"):
        data["choices"] = _items(course, question.choices)
    if question.type == "matching":
        data["source"] = _items(course, question.source)
        data["target"] = _items(course, question.target)
    return data


def _module(course: Course, module: Module) -> dict[str, Any]:
    quiz = module.quiz
    quiz_title = (quiz.title or interface_strings(course.language)["quiz"]) if quiz else None
    return {
        "key": module.key,
        "id": module.id,
        "title": _text(course, module.title),
        "description": _text(course, module.description) if module.description else None,
        "completion": module.completion,
        "mastery_score": module.mastery_score,
        "launch": module_document(module.key),
        "pages": [
            {"key": page.key, "id": page_activity_id(module, page.key), "title": _text(course, page.title)}
            for page in module.pages
        ],
        "quiz": {
            "key": quiz.key, "id": quiz.id, "title": _text(course, quiz_title),
            "page_id": page_activity_id(module, quiz.key),  # the quiz is also the module's last page
        } if quiz else None,
        "questions": [_question(course, question) for question in quiz.questions] if quiz else [],
    }


def _texts(text: Text | None) -> dict[str, str] | None:
    return dict(text.values) if text is not None else None


def course_description(course: Course, package_format: str) -> dict[str, Any]:
    """The description as data (docs/course-format.md, "parcours-course.json")."""
    return {
        "format": DESCRIPTION_FORMAT,
        "id": course.id,
        "version": course.version,
        "language": course.language,
        "title": _texts(course.title),
        "description": _texts(course.description),
        "licence": {"name": course.licence.name, "url": course.licence.url},
        "authors": [
            {"name": author.name, "organisation": author.organisation, "email": author.email}
            for author in course.authors
        ],
        "keywords": list(course.keywords),
        "duration": course.duration,
        "mastery_score": course.mastery_score,
        "accessibility": accessibility_statement(course),
        "package_format": package_format,
        "modules": [_module(course, module) for module in course.modules],
    }


def description_bytes(course: Course, package_format: str) -> bytes:
    """Keys sorted, UTF-8, two-space indent, newline at the end: the same course gives the same bytes."""
    text = json.dumps(course_description(course, package_format), ensure_ascii=False, sort_keys=True, indent=2)
    return (text + "\n").encode("utf-8")
