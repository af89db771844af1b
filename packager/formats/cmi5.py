"""cmi5: a course structure (cmi5.xml) with one AU a module, launched relative to the package."""

from __future__ import annotations

from lxml import etree

from packager.course.model import Course, Module, Text
from packager.formats.base import (
    Package, lang_strings, module_files, qualified, schema_files, shared_files, sub, xml_bytes,
)
from packager.layout import module_document
from validators.schemas import CMI5_DIR

NAME = "cmi5"
CMI5 = "https://w3id.org/xapi/profiles/cmi5/v1/CourseStructure.xsd"
_c = qualified(CMI5)


def _langstrings(parent: etree._Element, tag: str, text: Text) -> None:
    lang_strings(parent, _c(tag), _c("langstring"), text, "lang")


def move_on(module: Module) -> str:
    """Pages only: Completed; quiz rule: Passed; pages rule with a quiz: either will do."""
    if module.quiz is None:
        return "Completed"
    return "Passed" if module.completion == "quiz" else "CompletedOrPassed"


def course_structure(course: Course) -> bytes:
    root = etree.Element(_c("courseStructure"), nsmap={None: CMI5})
    element = sub(root, _c("course"), id=course.id)
    _langstrings(element, "title", course.title)
    # cmi5 requires a description: the title stands in when the author gave none
    _langstrings(element, "description", course.description or course.title)
    for module in course.modules:
        attributes = {"id": module.id, "moveOn": move_on(module)}
        if module.quiz is not None and module.mastery_score is not None:
            attributes["masteryScore"] = repr(float(module.mastery_score))
        attributes["launchMethod"] = "AnyWindow"
        au = sub(root, _c("au"), **attributes)
        _langstrings(au, "title", Text({course.language: module.title}))
        _langstrings(au, "description", Text({course.language: module.description or module.title}))
        sub(au, _c("url"), module_document(module.key))
    return xml_bytes(root)


def package(course: Course) -> Package:
    schemas = schema_files(CMI5_DIR)
    files = {**schemas, **shared_files(course, NAME), **module_files(course, NAME)}
    files["cmi5.xml"] = course_structure(course)
    return Package(NAME, files, "cmi5.xml", "cmi5", tuple(sorted(schemas)))
