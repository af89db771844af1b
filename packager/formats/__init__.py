"""The output formats, by name: each module has NAME and package(course) -> Package."""

from __future__ import annotations

from types import ModuleType

from packager.formats import cmi5, scorm12, scorm2004, web, xapi

FORMATS: dict[str, ModuleType] = {
    module.NAME: module for module in (scorm12, scorm2004, cmi5, xapi, web)
}
DEFAULT_FORMAT = "scorm12"  # what stock Moodle plays reliably
ZIP_FORMATS = ("scorm12", "scorm2004", "cmi5", "xapi")
