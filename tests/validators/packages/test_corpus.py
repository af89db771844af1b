"""Every package and manifest of the shared corpus gets the verdict its README expects."""

from __future__ import annotations

from pathlib import Path

import pytest

from validators.packages import validate_package

# file -> (kind, ok for the Moodle target, ok for the strict target, codes that must be reported)
EXPECTED = {
    "packages/singlesco_scorm12.zip": ("scorm12", True, True, set()),
    "packages/singlescobasic_missingorg.zip": ("scorm12", True, True, {"SCORM12-NO-ORGANIZATION"}),
    "packages/complexscorm.zip": ("scorm12", True, False, {"MOODLE-DEFAULT-ORG-MISSING", "ZIP-JUNK"}),
    # Passes Moodle's upload check (a root imsmanifest.xml) but the manifest is only an XML
    # declaration: Moodle's parser stops on it, so the import fails.
    "packages/validscorm.zip": ("unknown", False, False, {"XML-NOT-WELL-FORMED"}),
    "packages/badscorm.zip": ("zip", False, False, {"PACKAGE-MANIFEST-LOCATION"}),
    "packages/invalid.zip": ("zip", False, False, {"PACKAGE-NO-MANIFEST"}),
    "packages/validaicc.zip": ("aicc", True, True, {"PACKAGE-AICC-UNSUPPORTED"}),
    "packages/RuntimeBasicCalls_SCORM20043rdEdition.zip": ("scorm2004-3rd", True, True, set()),
    "packages/SequencingPostTestRollup4thEd_SCORM20044thEdition.zip": (
        "scorm2004-4th", True, True, {"MOODLE-SEQUENCING-IGNORED", "MOODLE-SHARED-DATA", "MOODLE-NAVIGATION-IGNORED"}),
    "packages/ContentPackagingMetadata_SCORM20043rdEdition.zip": ("scorm2004-3rd", True, True, set()),
    "packages/SingleAssetEx.zip": ("scorm12", True, True, set()),
    "packages/SingleExternalSCOEx.zip": ("scorm12", False, False, {"SCORM12-EXTERNAL-SCO", "METADATA-EXTERNAL"}),
    "packages/simple-cmi5.xml": ("cmi5", True, True, set()),
    "packages/complex-cmi5.xml": ("cmi5", True, True, set()),
    "packages/207-1-invalid-courseStructure.xml": ("cmi5", False, False, {"CMI5-SCHEMA"}),
    "packages/205-3-duplicated-au.xml": ("cmi5", False, False, {"CMI5-DUPLICATE-AU"}),
    "packages/202-1-relative-url-no-zip.xml": ("cmi5", False, False, {"CMI5-RELATIVE-URL-STANDALONE"}),
    "packages/209-1-not-a-zip.zip": ("unknown", False, False, {"ZIP-NOT-A-ZIP"}),
    "packages/tincan.xml": ("xapi", True, True, {"PACKAGE-FILES-NOT-CHECKED"}),
    "manifests/LMSTestPackage_API.imsmanifest.xml": ("scorm2004-4th", True, True, {"PACKAGE-FILES-NOT-CHECKED"}),
    "manifests/LMSTestPackage_OB-03c.imsmanifest.xml": ("scorm2004-4th", True, True, {"MOODLE-SEQUENCING-IGNORED"}),
    "manifests/LMSTestPackage_RU-16.imsmanifest.xml": ("scorm2004-4th", True, True, {"MOODLE-SEQUENCING-IGNORED"}),
    "manifests/LMSTestPackage_SX-05.imsmanifest.xml": ("scorm2004-4th", True, True, {"MOODLE-SEQUENCING-IGNORED"}),
}
# Codes that name the one reason a package is invalid for the strict target.
STRICT_CODES = {
    "packages/complexscorm.zip": {"SCORM12-DEFAULT-ORG-MISSING", "METADATA-MISSING"},
}


@pytest.fixture(scope="module")
def corpus(shared_dir: Path) -> Path:
    return shared_dir / "corpus"


def test_every_corpus_file_has_an_expectation(corpus: Path) -> None:
    files = {
        path.relative_to(corpus).as_posix()
        for folder in ("packages", "manifests")
        for path in (corpus / folder).iterdir()
        if path.name != "README.md"
    }
    assert files == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_moodle_verdict(corpus: Path, name: str) -> None:
    kind, ok, _strict_ok, codes = EXPECTED[name]
    report = validate_package(corpus / name)
    assert report.kind == kind
    assert report.ok is ok, [f.code for f in report.errors]
    assert codes <= report.codes()
    if not ok:
        assert {f.code for f in report.errors} & codes, "the error names the reason"


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_strict_verdict(corpus: Path, name: str) -> None:
    kind, _ok, strict_ok, codes = EXPECTED[name]
    report = validate_package(corpus / name, target="strict")
    assert report.kind == kind
    assert report.ok is strict_ok, [f.code for f in report.errors]
    assert not any(f.code.startswith("MOODLE-") for f in report.findings)
    assert STRICT_CODES.get(name, set()) <= {f.code for f in report.errors}


def test_findings_are_located_and_bilingual(corpus: Path) -> None:
    report = validate_package(corpus / "packages/complexscorm.zip", target="strict")
    default = next(f for f in report.findings if f.code == "SCORM12-DEFAULT-ORG-MISSING")
    assert (default.file, default.line) == ("imsmanifest.xml", 8)
    assert "SCORMDEbugger555f231e21b982c25d16" in default.message_fr
    assert default.message_fr != default.message_en
    assert default.spec and "SCORM 1.2" in default.spec


def test_cmi5_requirement_ids(corpus: Path) -> None:
    specs = {
        "205-3-duplicated-au.xml": "13.1.4.0-1",
        "202-1-relative-url-no-zip.xml": "14.2.0.0-1",
        "207-1-invalid-courseStructure.xml": "13.2.0.0-1",
        "209-1-not-a-zip.zip": "14.1.0.0-1",
    }
    for name, requirement in specs.items():
        report = validate_package(corpus / "packages" / name)
        assert any(requirement in (f.spec or "") for f in report.errors), name


def test_duplicate_au_points_at_the_second_one(corpus: Path) -> None:
    report = validate_package(corpus / "packages/205-3-duplicated-au.xml")
    duplicate = next(f for f in report.findings if f.code == "CMI5-DUPLICATE-AU")
    assert duplicate.line == 36
    assert "27" in duplicate.message_en
