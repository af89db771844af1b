"""A plain static site for previewing a course: the index page and the module documents."""

from __future__ import annotations

from packager.course.model import Course
from packager.formats.base import Package, module_files, shared_files
from packager.render import index_html

NAME = "web"


def package(course: Course) -> Package:
    files = {**shared_files(course, NAME), **module_files(course, NAME)}
    files["index.html"] = index_html(course, NAME)
    return Package(NAME, files)
