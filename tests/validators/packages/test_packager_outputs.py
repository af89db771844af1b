"""The packager's own packages validate clean, for the Moodle target and for the specifications alone."""

from __future__ import annotations

from pathlib import Path

import pytest

from packager.build import build_packages
from validators.packages import validate_package

FORMATS = ["scorm12", "scorm2004", "cmi5", "xapi"]
KINDS = {"scorm12": "scorm12", "scorm2004": "scorm2004-4th", "cmi5": "cmi5", "xapi": "xapi"}


@pytest.fixture(scope="module")
def built(root: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], Path]:
    packages = {}
    for course in sorted((root / "samples" / "courses").iterdir()):
        if (course / "course.yaml").is_file():
            out = tmp_path_factory.mktemp(course.name)
            for built_package in build_packages(course, FORMATS, out):
                packages[(course.name, built_package.format)] = built_package.path
    assert packages, "no sample course"
    return packages


@pytest.mark.parametrize("target", ["moodle", "strict"])
def test_sample_packages_validate_clean(built: dict[tuple[str, str], Path], target: str) -> None:
    for (course, package_format), path in built.items():
        report = validate_package(path, target)
        assert report.kind == KINDS[package_format], (course, package_format)
        problems = [(f.code, f.where(), f.message_en) for f in report.findings if f.severity != "info"]
        assert report.ok and not problems, (course, package_format, problems)
