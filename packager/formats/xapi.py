"""xAPI (Tin Can) package: tincan.xml names the course, its modules (launchable) and quizzes."""

from __future__ import annotations

from lxml import etree

from packager.course.model import Course, Text
from packager.formats.base import Package, module_files, shared_files, sub, xml_bytes
from packager.layout import module_document
from packager.render import index_html

NAME = "xapi"
TINCAN = "http://projecttincan.com/tincan.xsd"
COURSE_TYPE = "http://adlnet.gov/expapi/activities/course"
MODULE_TYPE = "http://adlnet.gov/expapi/activities/module"
ASSESSMENT_TYPE = "http://adlnet.gov/expapi/activities/assessment"


def _t(tag: str) -> str:
    return f"{{{TINCAN}}}{tag}"


def _texts(parent: etree._Element, tag: str, text: Text) -> None:
    for language, value in text.values.items():
        sub(parent, _t(tag), value, lang=language)


def tincan(course: Course) -> bytes:
    root = etree.Element(_t("tincan"), nsmap={None: TINCAN})
    activities = sub(root, _t("activities"))
    element = sub(activities, _t("activity"), id=course.id, type=COURSE_TYPE)
    _texts(element, "name", course.title)
    _texts(element, "description", course.description or course.title)
    sub(element, _t("launch"), "index.html", lang=course.language)
    for module in course.modules:
        element = sub(activities, _t("activity"), id=module.id, type=MODULE_TYPE)
        _texts(element, "name", Text({course.language: module.title}))
        _texts(element, "description", Text({course.language: module.description or module.title}))
        sub(element, _t("launch"), module_document(module.key), lang=course.language)
        if module.quiz:
            quiz = sub(activities, _t("activity"), id=module.quiz.id, type=ASSESSMENT_TYPE)
            _texts(quiz, "name", Text({course.language: module.quiz.title or module.title}))
            _texts(quiz, "description", Text({course.language: module.title}))
    return xml_bytes(root)


def package(course: Course) -> Package:
    files = {**shared_files(course, NAME), **module_files(course, NAME)}
    files["index.html"] = index_html(course, NAME)
    files["tincan.xml"] = tincan(course)
    return Package(NAME, files, "tincan.xml", None)
