"""The library's entry points: inputs of every shape, detection, the report, the catalogue, the schemas."""

from __future__ import annotations

import hashlib
import string
from pathlib import Path

import pytest

from tests.validators.packages.builders import (CMI5_XML, SCORM12_MANIFEST, SCORM2004_MANIFEST, TINCAN_XML, edit,
                                                scorm12, scorm2004, write_folder, write_zip)
from validators.packages import PackageReport, UnreadablePackage, validate_manifest_xml, validate_package
from validators.packages.catalog import RULES
from validators.schemas import SCHEMA_DIR, SCHEMA_KINDS, load_schema


def test_missing_path_is_unreadable(tmp_path: Path) -> None:
    with pytest.raises(UnreadablePackage) as raised:
        validate_package(tmp_path / "absent.zip")
    assert "introuvable" in raised.value.message("fr")
    assert "no such file" in raised.value.message("en")
    assert raised.value.path.endswith("absent.zip")


def test_unknown_target_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="target"):
        validate_package(write_zip(tmp_path / "p.zip", scorm12()), target="totara")


def test_folder_gives_the_same_findings_as_the_zip(tmp_path: Path) -> None:
    files = edit(scorm12(), "imsmanifest.xml", '<file href="style.css"/>', '<file href="styles.css"/>')
    from_zip = validate_package(write_zip(tmp_path / "p.zip", files))
    folder = write_folder(tmp_path / "cours", files)
    from_folder = validate_package(folder)
    assert from_folder.kind == from_zip.kind == "scorm12"
    assert [(f.code, f.file, f.line) for f in from_folder.findings] == \
        [(f.code, f.file, f.line) for f in from_zip.findings]


def test_symlink_in_a_folder(tmp_path: Path) -> None:
    folder = write_folder(tmp_path / "cours", scorm12())
    (folder / "secret.txt").symlink_to("/etc/hostname")
    report = validate_package(folder)
    assert "PACKAGE-SYMLINK" in {f.code for f in report.errors}


@pytest.mark.parametrize("version, kind", [
    ("2004 4th Edition", "scorm2004-4th"), ("2004 3rd Edition", "scorm2004-3rd"), ("CAM 1.3", "scorm2004-2nd"),
])
def test_scorm2004_edition_from_schemaversion(tmp_path: Path, version: str, kind: str) -> None:
    files = edit(scorm2004(), "imsmanifest.xml", "2004 4th Edition", version)
    assert validate_package(write_zip(tmp_path / "p.zip", files)).kind == kind


@pytest.mark.parametrize("files, code, kind", [
    ({"index.html": "<p>x</p>"}, "PACKAGE-NO-MANIFEST", "zip"),
    ({"cours/imsmanifest.xml": SCORM12_MANIFEST, "cours/index.html": "<p>x</p>"}, "PACKAGE-MANIFEST-LOCATION", "zip"),
    ({"module/cmi5.xml": CMI5_XML}, "PACKAGE-MANIFEST-LOCATION", "zip"),
    ({"IMSManifest.xml": SCORM12_MANIFEST}, "PACKAGE-MANIFEST-CASE", "scorm12"),
])
def test_descriptor_detection_errors(tmp_path: Path, files, code: str, kind: str) -> None:
    report = validate_package(write_zip(tmp_path / "p.zip", files))
    assert report.kind == kind
    assert code in {f.code for f in report.errors}


def test_aicc_is_recognised_as_unsupported(tmp_path: Path) -> None:
    report = validate_package(write_zip(tmp_path / "p.zip", {"cours.crs": "[Course]", "cours.au": "x",
                                                              "cours.des": "x"}))
    assert report.kind == "aicc" and report.ok
    assert report.codes() == {"PACKAGE-AICC-UNSUPPORTED"}


def test_standalone_manifest(tmp_path: Path) -> None:
    path = tmp_path / "imsmanifest.xml"
    path.write_text(SCORM2004_MANIFEST, encoding="utf-8")
    report = validate_package(path)
    assert (report.kind, report.ok) == ("scorm2004-4th", True)
    assert "PACKAGE-FILES-NOT-CHECKED" in report.codes()


def test_standalone_unrelated_xml(tmp_path: Path) -> None:
    path = tmp_path / "notes.xml"
    path.write_text("<notes><note/></notes>", encoding="utf-8")
    assert [f.code for f in validate_package(path).findings] == ["PACKAGE-NOT-RECOGNISED"]


def test_standalone_text_is_not_well_formed(tmp_path: Path) -> None:
    path = tmp_path / "cmi5.xml"
    path.write_text("# Pas du XML\n", encoding="utf-8")
    report = validate_package(path)
    assert [f.code for f in report.findings] == ["XML-NOT-WELL-FORMED"]
    assert report.findings[0].line == 1


@pytest.mark.parametrize("data, kind", [
    (SCORM12_MANIFEST, "scorm12"), (SCORM2004_MANIFEST, "scorm2004"), (SCORM2004_MANIFEST, "scorm2004-4th"),
    (CMI5_XML, "cmi5"), (TINCAN_XML, "xapi"),
])
def test_validate_manifest_xml_accepts_valid_descriptors(data: str, kind: str) -> None:
    assert validate_manifest_xml(data.encode(), kind) == []


def test_validate_manifest_xml_reports_rules_without_files() -> None:
    broken = SCORM12_MANIFEST.replace('default="org"', 'default="ailleurs"').replace("<title>Cours</title>",
                                                                                  "<titre/>")
    codes = {f.code for f in validate_manifest_xml(broken.encode(), "scorm12")}
    assert codes == {"SCORM12-DEFAULT-ORG-MISSING", "XML-SCHEMA"}
    duplicate = CMI5_XML.replace("</courseStructure>", CMI5_XML[CMI5_XML.index("<au "):CMI5_XML.index("</au>") + 5]
                                 + "</courseStructure>")
    assert [f.code for f in validate_manifest_xml(duplicate.encode(), "cmi5")] == ["CMI5-DUPLICATE-AU"]
    assert [f.code for f in validate_manifest_xml(b"<manifest", "scorm12")] == ["XML-NOT-WELL-FORMED"]
    with pytest.raises(ValueError):
        validate_manifest_xml(SCORM12_MANIFEST.encode(), "aicc")


def test_report_serialises_in_both_languages(tmp_path: Path) -> None:
    files = edit(scorm12(), "imsmanifest.xml", '<file href="style.css"/>', '<file href="styles.css"/>')
    report = validate_package(write_zip(tmp_path / "p.zip", files))
    assert isinstance(report, PackageReport) and not report.ok
    french, english = report.to_dict("fr"), report.to_dict("en")
    assert french["kind"] == "scorm12" and french["ok"] is False and french["target"] == "moodle"
    assert french["findings"][0]["code"] == english["findings"][0]["code"] == "SCORM12-HREF-MISSING"
    assert french["findings"][0]["message"] != english["findings"][0]["message"]
    assert french["findings"][0]["line"] > 1


@pytest.mark.parametrize("code", sorted(RULES))
def test_catalogue_entry(code: str) -> None:
    rule = RULES[code]
    fields = lambda text: {name for _, name, _, _ in string.Formatter().parse(text) if name}  # noqa: E731
    assert fields(rule.fr) == fields(rule.en)
    assert rule.severity in ("error", "warning", "info")
    assert rule.spec and rule.fr != rule.en


def test_schemas_are_byte_exact_copies(shared_dir: Path) -> None:
    sums = (SCHEMA_DIR / "SHA256SUMS").read_text().split("\n")
    checked = 0
    for line in filter(None, sums):
        digest, name = line.split(maxsplit=1)
        name = name.lstrip("*")
        data = (SCHEMA_DIR / name).read_bytes()
        assert hashlib.sha256(data).hexdigest() == digest, name
        assert data == (shared_dir / "schemas" / name).read_bytes(), name
        checked += 1
    assert checked >= 40
    assert (SCHEMA_DIR / "README.md").read_bytes() == (shared_dir / "schemas" / "README.md").read_bytes()


def test_schemas_compile_once() -> None:
    for kind in SCHEMA_KINDS:
        assert load_schema(kind) is load_schema(kind)
    with pytest.raises(ValueError):
        load_schema("aicc")


def test_scorm12_manifest_in_the_ims_cp_114_namespace_is_accepted() -> None:
    manifest = SCORM12_MANIFEST.replace("http://www.imsproject.org/xsd/imscp_rootv1p1p2",
                                        "http://www.imsglobal.org/xsd/imscp_v1p1")
    assert validate_manifest_xml(manifest.encode(), "scorm12") == []


def test_manifest_without_namespace_is_a_schema_error(tmp_path: Path) -> None:
    files = edit(scorm12(), "imsmanifest.xml", ' xmlns="http://www.imsproject.org/xsd/imscp_rootv1p1p2"', "")
    report = validate_package(write_zip(tmp_path / "p.zip", files))
    assert report.kind == "scorm12"
    assert "validation root" in next(f for f in report.errors if f.code == "XML-SCHEMA").message_en
