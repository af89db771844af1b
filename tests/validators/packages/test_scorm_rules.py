"""Content packaging rules of SCORM 1.2 and SCORM 2004: each one fails on a broken package, passes on the valid one."""

from __future__ import annotations

from pathlib import Path
from typing import Callable

import pytest

from tests.validators.packages.builders import edit, scorm12, scorm2004, write_zip
from validators.packages import validate_package

M = "imsmanifest.xml"
Files = dict[str, str | bytes]


def _asset(files: Files) -> Files:
    return edit(files, M, 'adlcp:scormtype="sco"', 'adlcp:scormtype="asset"')


def _external_asset(files: Files) -> Files:
    return edit(_asset(files), M, 'href="index.html">', 'href="https://cours.example.org/index.html">')


def _second_organization(files: Files) -> Files:
    return edit(files, M, "</organizations>", """<organization identifier="org2"><title>Autre</title>
      <item identifier="item9" identifierref="res1"><title>Encore</title></item></organization></organizations>""")


# (id, builder, mutation, expected code, target, severity)
CASES: list[tuple[str, Callable[[], Files], Callable[[Files], Files], str, str, str]] = [
    ("default-org", scorm12, lambda f: edit(f, M, 'default="org"', 'default="nowhere"'),
     "SCORM12-DEFAULT-ORG-MISSING", "strict", "error"),
    ("default-org-moodle", scorm12, lambda f: edit(f, M, 'default="org"', 'default="nowhere"'),
     "MOODLE-DEFAULT-ORG-MISSING", "moodle", "warning"),
    ("no-default-12", scorm12, lambda f: edit(f, M, '<organizations default="org">', "<organizations>"),
     "SCORM12-NO-DEFAULT-ORG", "strict", "warning"),
    ("no-default-2004", scorm2004, lambda f: edit(f, M, '<organizations default="org">', "<organizations>"),
     "SCORM2004-NO-DEFAULT-ORG", "strict", "error"),
    ("identifierref", scorm12, lambda f: edit(f, M, 'identifierref="res1"', 'identifierref="res9"'),
     "SCORM12-IDENTIFIERREF-MISSING", "strict", "error"),
    ("identifierref-moodle", scorm12, lambda f: edit(f, M, 'identifierref="res1"', 'identifierref="res9"'),
     "MOODLE-IDENTIFIERREF-MISSING", "moodle", "warning"),
    ("dependency", scorm2004, lambda f: edit(f, M, '<dependency identifierref="common"/>',
                                              '<dependency identifierref="commun"/>'),
     "SCORM2004-DEPENDENCY-MISSING", "strict", "error"),
    ("file-missing", scorm12, lambda f: edit(f, M, '<file href="style.css"/>', '<file href="styles.css"/>'),
     "SCORM12-HREF-MISSING", "strict", "error"),
    ("file-missing-2004", scorm2004, lambda f: edit(f, M, '<file href="api.js"/>', '<file href="lib/api.js"/>'),
     "SCORM2004-HREF-MISSING", "moodle", "error"),
    ("href-case", scorm12, lambda f: edit(f, M, 'href="index.html">', 'href="Index.html">'),
     "SCORM12-HREF-CASE", "strict", "error"),
    ("href-root", scorm12, lambda f: edit(f, M, '<file href="api.js"/>', '<file href="/api.js"/>'),
     "SCORM12-HREF-ABSOLUTE-PATH", "strict", "error"),
    ("href-outside", scorm12, lambda f: edit(f, M, '<file href="api.js"/>', '<file href="../api.js"/>'),
     "SCORM12-HREF-OUTSIDE", "strict", "error"),
    ("href-backslash", scorm12, lambda f: edit(f, M, '<file href="api.js"/>', '<file href="js\\api.js"/>'),
     "SCORM12-HREF-INVALID", "strict", "error"),
    ("external-sco", scorm12, lambda f: edit(f, M, 'href="index.html">', 'href="https://cours.example.org/i.html">'),
     "SCORM12-EXTERNAL-SCO", "strict", "error"),
    ("external-asset-moodle", scorm12, _external_asset, "MOODLE-EXTERNAL-LAUNCH", "moodle", "warning"),
    ("item-no-href", scorm12, lambda f: edit(f, M, 'adlcp:scormtype="sco" href="index.html"', 'adlcp:scormtype="asset"'),
     "SCORM12-ITEM-NO-HREF", "strict", "error"),
    ("sco-no-href", scorm12, lambda f: edit(f, M, 'adlcp:scormtype="sco" href="index.html"', 'adlcp:scormtype="sco"'),
     "SCORM12-SCO-WITHOUT-HREF", "strict", "error"),
    ("sco-no-api", scorm12, lambda f: {**f, "api.js": "// nothing here\n"}, "SCORM12-SCO-NO-API", "strict", "warning"),
    ("sco-no-api-2004", scorm2004, lambda f: {**f, "api.js": "// nothing here\n"},
     "SCORM2004-SCO-NO-API", "strict", "warning"),
    ("asset-calls-api", scorm12, lambda f: {**_asset(f), "index.html": str(f["index.html"]).replace(
        "</body>", "<script>window.parent.API.LMSInitialize('');</script></body>")},
     "SCORM12-ASSET-CALLS-API", "strict", "warning"),
    ("asset-runtime-data", scorm12, lambda f: edit(_asset(f), M, "<title>Module 1</title></item>",
                                                   "<title>Module 1</title><adlcp:masteryscore>80</adlcp:masteryscore></item>"),
     "SCORM12-ASSET-RUNTIME-DATA", "strict", "warning"),
    ("masteryscore", scorm12, lambda f: edit(f, M, "<title>Module 1</title></item>",
                                             "<title>Module 1</title><adlcp:masteryscore>150</adlcp:masteryscore></item>"),
     "SCORM12-MASTERYSCORE", "strict", "error"),
    ("prerequisites", scorm12, lambda f: edit(f, M, "<title>Module 1</title></item>",
                                              '<title>Module 1</title><adlcp:prerequisites type="aicc_script">item9 &amp; item1</adlcp:prerequisites></item>'),
     "SCORM12-PREREQUISITE-UNKNOWN", "strict", "error"),
    ("schemaversion", scorm12, lambda f: edit(f, M, "<schemaversion>1.2</schemaversion>",
                                              "<schemaversion>1.1</schemaversion>"),
     "SCORM12-SCHEMAVERSION", "strict", "warning"),
    ("schemaversion-2004", scorm2004, lambda f: edit(f, M, "2004 4th Edition", "2004 5th Edition"),
     "SCORM2004-SCHEMAVERSION", "strict", "warning"),
    ("schemaversion-moodle", scorm2004, lambda f: edit(f, M, "2004 4th Edition", "2004 5th Edition"),
     "MOODLE-SCHEMAVERSION", "moodle", "error"),
    ("no-organization", scorm12, lambda f: edit(f, M, f[M][f[M].index("<organizations"):f[M].index("<resources>")],
                                                "<organizations/>\n  "),
     "SCORM12-NO-ORGANIZATION", "strict", "info"),
    ("empty-organization", scorm12, lambda f: edit(f, M, ' identifierref="res1"', ""),
     "SCORM12-EMPTY-ORGANIZATION", "strict", "error"),
    ("xsd", scorm12, lambda f: edit(f, M, "<title>Cours</title>", "<title>Cours</title><chapitre/>"),
     "XML-SCHEMA", "strict", "error"),
    ("xsd-2004", scorm2004, lambda f: edit(f, M, 'adlcp:scormType="asset"', 'adlcp:scormType="page"'),
     "XML-SCHEMA", "strict", "error"),
    ("not-well-formed", scorm12, lambda f: edit(f, M, "</manifest>", "</manifeste>"),
     "XML-NOT-WELL-FORMED", "strict", "error"),
    ("entities", scorm12, lambda f: edit(f, M, '<?xml version="1.0" encoding="UTF-8"?>',
                                         '<?xml version="1.0"?><!DOCTYPE manifest [<!ENTITY a "aaaaaaaaaa">]>'),
     "XML-DTD", "strict", "error"),
    ("metadata-missing", scorm12, lambda f: edit(f, M, "<schemaversion>1.2</schemaversion>",
                                                 "<schemaversion>1.2</schemaversion><adlcp:location>meta.xml</adlcp:location>"),
     "METADATA-MISSING", "strict", "error"),
    ("metadata-external", scorm12, lambda f: edit(f, M, "<schemaversion>1.2</schemaversion>",
                                                  "<schemaversion>1.2</schemaversion><adlcp:location>https://x.example/m.xml</adlcp:location>"),
     "METADATA-EXTERNAL", "strict", "error"),
    ("multiple-organizations", scorm12, _second_organization, "MOODLE-MULTIPLE-ORGANIZATIONS", "moodle", "warning"),
    ("prefix", scorm12, lambda f: edit(edit(f, M, "xmlns:adlcp=", "xmlns:adl="), M, "adlcp:scormtype", "adl:scormtype"),
     "MOODLE-PREFIX", "moodle", "warning"),
    ("xml-base", scorm12, lambda f: edit(f, M, "<resources>", '<resources xml:base="./">'),
     "MOODLE-XMLBASE-IGNORED", "moodle", "error"),
    ("suspend-data", scorm12, lambda f: {**f, "api.js": str(f["api.js"]) +
                                         'var SUSPEND_DATA_MAX = 64000;\napi.LMSSetValue("cmi.suspend_data", s.substr(0, 64000));\n'},
     "MOODLE-SUSPEND-DATA-LIMIT", "moodle", "warning"),
    # SCORM 2004: the same content packaging rules under the SCORM2004 prefix and references.
    ("default-org-2004", scorm2004, lambda f: edit(f, M, 'default="org"', 'default="nowhere"'),
     "SCORM2004-DEFAULT-ORG-MISSING", "strict", "error"),
    ("identifierref-2004", scorm2004, lambda f: edit(f, M, 'identifierref="res2"', 'identifierref="res9"'),
     "SCORM2004-IDENTIFIERREF-MISSING", "strict", "error"),
    ("dependency-12", scorm12, lambda f: edit(f, M, '<file href="image.png"/>',
                                              '<file href="image.png"/><dependency identifierref="nope"/>'),
     "SCORM12-DEPENDENCY-MISSING", "strict", "error"),
    ("href-case-2004", scorm2004, lambda f: edit(f, M, '<file href="style.css"/>', '<file href="Style.css"/>'),
     "SCORM2004-HREF-CASE", "strict", "error"),
    ("href-root-2004", scorm2004, lambda f: edit(f, M, '<file href="api.js"/>', '<file href="/api.js"/>'),
     "SCORM2004-HREF-ABSOLUTE-PATH", "strict", "error"),
    ("href-outside-2004", scorm2004, lambda f: edit(f, M, '<file href="api.js"/>', '<file href="a/../../api.js"/>'),
     "SCORM2004-HREF-OUTSIDE", "strict", "error"),
    ("href-backslash-2004", scorm2004, lambda f: edit(f, M, '<file href="api.js"/>', '<file href="js\\api.js"/>'),
     "SCORM2004-HREF-INVALID", "strict", "error"),
    ("external-sco-2004", scorm2004, lambda f: edit(f, M, 'href="index.html?page=2"', 'href="https://x.example/i.html"'),
     "SCORM2004-EXTERNAL-SCO", "strict", "error"),
    ("item-no-href-2004", scorm2004, lambda f: edit(f, M, 'identifierref="res2"', 'identifierref="common"'),
     "SCORM2004-ITEM-NO-HREF", "strict", "error"),
    ("sco-no-href-2004", scorm2004, lambda f: edit(f, M, 'adlcp:scormType="asset">', 'adlcp:scormType="sco">'),
     "SCORM2004-SCO-WITHOUT-HREF", "strict", "error"),
    ("asset-calls-api-2004", scorm2004, lambda f: {**edit(edit(f, M, 'adlcp:scormType="sco" href="index.html?page=2"',
                                                              'adlcp:scormType="asset" href="index.html?page=2"'),
                                                         M, 'adlcp:scormType="sco" href="index.html"',
                                                         'adlcp:scormType="asset" href="index.html"'),
                                                    "index.html": str(f["index.html"]).replace(
                                                        "</body>", "<script>API_1484_11.Initialize('');</script></body>")},
     "SCORM2004-ASSET-CALLS-API", "strict", "warning"),
    ("asset-runtime-data-2004", scorm2004,
     lambda f: edit(edit(f, M, 'adlcp:scormType="sco" href="index.html?page=2"',
                         'adlcp:scormType="asset" href="index.html?page=2"'),
                    M, "<title>Module 2</title></item>",
                    '<title>Module 2</title><adlcp:completionThreshold minProgressMeasure="0.5"/></item>'),
     "SCORM2004-ASSET-RUNTIME-DATA", "strict", "warning"),
    ("no-organization-2004", scorm2004,
     lambda f: edit(f, M, f[M][f[M].index("<organizations"):f[M].index("<resources>")], "<organizations/>\n  "),
     "SCORM2004-NO-ORGANIZATION", "strict", "info"),
    ("empty-organization-2004", scorm2004,
     lambda f: edit(edit(f, M, ' identifierref="res1"', ""), M, ' identifierref="res2"', ""),
     "SCORM2004-EMPTY-ORGANIZATION", "strict", "error"),
    ("lesson-location", scorm12, lambda f: {**f, "api.js": str(f["api.js"]) +
                                            'api.LMSSetValue("cmi.core.lesson_location", "' + "p" * 300 + '");\n'},
     "MOODLE-LESSON-LOCATION-LIMIT", "moodle", "warning"),
]


@pytest.fixture(scope="module")
def valid_reports(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], set[str]]:
    folder = tmp_path_factory.mktemp("valid")
    reports = {}
    for builder in (scorm12, scorm2004):
        for target in ("moodle", "strict"):
            path = write_zip(folder / f"{builder.__name__}-{target}.zip", builder())
            reports[(builder.__name__, target)] = validate_package(path, target).codes()
    return reports


@pytest.mark.parametrize("case", CASES, ids=[case[0] for case in CASES])
def test_rule(case, tmp_path: Path, valid_reports) -> None:
    _id, builder, mutate, code, target, severity = case
    assert code not in valid_reports[(builder.__name__, target)], "passing case"
    report = validate_package(write_zip(tmp_path / "p.zip", mutate(builder())), target)
    matching = [f for f in report.findings if f.code == code]
    assert matching, sorted(report.codes())
    assert {f.severity for f in matching} == {severity}
    for found in matching:
        assert found.file and found.message_fr and found.message_en and found.spec
        assert found.message_fr != found.message_en


def test_moodle_only_codes_are_absent_from_strict(tmp_path: Path) -> None:
    files = _second_organization(edit(scorm12(), M, 'default="org"', 'default="nowhere"'))
    report = validate_package(write_zip(tmp_path / "p.zip", files), "strict")
    assert not any(f.code.startswith("MOODLE-") for f in report.findings)
    assert "SCORM12-DEFAULT-ORG-MISSING" in report.codes()


def test_missing_file_is_located_on_its_line(tmp_path: Path) -> None:
    files = edit(scorm12(), M, '<file href="style.css"/>', '<file href="styles.css"/>')
    report = validate_package(write_zip(tmp_path / "p.zip", files))
    finding = next(f for f in report.findings if f.code == "SCORM12-HREF-MISSING")
    line = next(n for n, text in enumerate(str(files[M]).splitlines(), 1) if "styles.css" in text)
    assert (finding.file, finding.line) == (M, line)


def test_href_case_names_the_actual_file(tmp_path: Path) -> None:
    files = edit(scorm12(), M, 'href="index.html">', 'href="Index.html">')
    finding = next(f for f in validate_package(write_zip(tmp_path / "p.zip", files)).findings
                   if f.code == "SCORM12-HREF-CASE")
    assert "'index.html'" in finding.message_en


def test_xml_base_is_applied_to_hrefs(tmp_path: Path) -> None:
    files = {("contenu/" + name if name != M else name): content for name, content in scorm12().items()}
    files = edit(files, M, '<resource identifier="res1"', '<resource xml:base="contenu/" identifier="res1"')
    report = validate_package(write_zip(tmp_path / "p.zip", files))
    assert report.ok, [f.code for f in report.errors]
    assert not {"SCORM12-HREF-MISSING", "MOODLE-XMLBASE-IGNORED"} & report.codes()


def test_schema_error_has_a_line_and_french(tmp_path: Path) -> None:
    files = edit(scorm12(), M, "<title>Cours</title>", "<title>Cours</title><chapitre/>")
    finding = next(f for f in validate_package(write_zip(tmp_path / "p.zip", files)).findings if f.code == "XML-SCHEMA")
    assert finding.line == 8
    assert "chapitre" in finding.message_en and "n'est pas attendu" in finding.message_fr
