"""Dual tracking options: `report_to:` in course.yaml and `parcours build --report-to`."""

from __future__ import annotations

import base64
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from packager.cli import build_command
from packager.course import CourseError, load_course
from packager.formats import FORMATS
from packager.render import module_config
from tests.packager.conftest import MINIMAL_COURSE, MINIMAL_PAGE, CourseWriter

REPORT_TO = """report_to:
  endpoint: https://lrs.example.gouv.fr/xapi/
  key: "cours-test:s3cret"
  home_page: https://mentor.gouv.fr
"""


@pytest.mark.parametrize("package_format", list(FORMATS))
def test_only_scorm_packages_carry_the_report_target(write_course: CourseWriter, package_format: str) -> None:
    course = load_course(write_course({"course.yaml": MINIMAL_COURSE + REPORT_TO, "pages/intro.md": MINIMAL_PAGE}))
    config = module_config(course, course.modules[0], package_format)
    if package_format in ("scorm12", "scorm2004"):
        assert config["reportTo"] == {"endpoint": "https://lrs.example.gouv.fr/xapi/",
                                      "auth": "Basic " + base64.b64encode(b"cours-test:s3cret").decode(),
                                      "homePage": "https://mentor.gouv.fr"}
    else:
        assert "reportTo" not in config


def test_without_report_to_nothing_is_added(write_course: CourseWriter) -> None:
    course = load_course(write_course({"course.yaml": MINIMAL_COURSE, "pages/intro.md": MINIMAL_PAGE}))
    assert "reportTo" not in module_config(course, course.modules[0], "scorm12")


@pytest.mark.parametrize("field, value, message", [
    ("endpoint", "ftp://lrs.example.gouv.fr/", "n'est pas une adresse http:// ou https://"),
    ("key", "sans-secret", "clé:secret"),
    ("home_page", "mentor", "n'est pas une adresse http:// ou https://"),
])
def test_a_bad_report_to_names_its_field_and_line(write_course: CourseWriter, field: str, value: str,
                                                  message: str) -> None:
    lines = REPORT_TO.splitlines()
    bad = "\n".join(f"  {field}: {value}" if line.strip().startswith(f"{field}:") else line for line in lines)
    folder = write_course({"course.yaml": MINIMAL_COURSE + bad + "\n", "pages/intro.md": MINIMAL_PAGE})
    with pytest.raises(CourseError) as raised:
        load_course(folder)
    text = raised.value.format("fr")
    assert f"report_to.{field}" in text and message in text and "course.yaml:" in text


def test_build_options(write_course: CourseWriter, tmp_path: Path) -> None:
    folder = write_course({"course.yaml": MINIMAL_COURSE, "pages/intro.md": MINIMAL_PAGE})
    runner = CliRunner()
    out = tmp_path / "dist"
    built = runner.invoke(build_command, [str(folder), "--format", "scorm12", "--out", str(out), "--report-to",
                                          "https://lrs.example.gouv.fr/xapi/", "--report-key", "k:s"])
    assert built.exit_code == 0, built.output
    with zipfile.ZipFile(out / "cours-scorm12.zip") as archive:
        page = archive.read("modules/m1/index.html").decode()
    assert '"reportTo":{"endpoint":"https://lrs.example.gouv.fr/xapi/","auth":"Basic azpz","homePage":null}' in page
    no_key = runner.invoke(build_command, [str(folder), "--out", str(out), "--report-to",
                                           "https://lrs.example.gouv.fr/xapi/", "--lang", "en"])
    assert no_key.exit_code == 2 and "--report-key" in no_key.output
    bad_url = runner.invoke(build_command, [str(folder), "--out", str(out), "--report-to", "lrs", "--report-key",
                                            "k:s", "--lang", "en"])
    assert bad_url.exit_code == 2 and "--report-to" in bad_url.output and "http://" in bad_url.output
    key_alone = runner.invoke(build_command, [str(folder), "--out", str(out), "--report-key", "k:s", "--lang", "en"])
    assert key_alone.exit_code == 2 and "--report-to" in key_alone.output  # not ignored silently
