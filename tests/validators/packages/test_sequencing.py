"""SCORM 2004 sequencing sanity and what Moodle makes of sequencing and navigation."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.validators.packages.builders import edit, scorm2004, write_zip
from validators.packages import validate_package

M = "imsmanifest.xml"

ORGANIZATION = """<organization identifier="org">
      <title>Cours</title>
      <item identifier="chapter" ><title>Chapitre</title>
        <item identifier="item1" identifierref="res1"><title>Module 1</title>
          <imsss:sequencing>
            <imsss:sequencingRules>
              <imsss:preConditionRule>
                <imsss:ruleConditions><imsss:ruleCondition referencedObjective="obj1" condition="satisfied"/></imsss:ruleConditions>
                <imsss:ruleAction action="skip"/>
              </imsss:preConditionRule>
            </imsss:sequencingRules>
            <imsss:objectives>
              <imsss:primaryObjective objectiveID="obj1"/>
              <imsss:objective objectiveID="obj2"/>
            </imsss:objectives>
          </imsss:sequencing>
        </item>
        <item identifier="item2" identifierref="res2"><title>Module 2</title>
          <imsss:sequencing IDRef="shared"/>
        </item>
        <imsss:sequencing>
          <imsss:controlMode choice="true" flow="true"/>
          <imsss:rollupRules>
            <imsss:rollupRule childActivitySet="atLeastCount" minimumCount="1">
              <imsss:rollupConditions><imsss:rollupCondition condition="satisfied"/></imsss:rollupConditions>
              <imsss:rollupAction action="satisfied"/>
            </imsss:rollupRule>
          </imsss:rollupRules>
        </imsss:sequencing>
      </item>
    </organization>"""
COLLECTION = """</resources>
  <imsss:sequencingCollection>
    <imsss:sequencing ID="shared"><imsss:deliveryControls tracked="true"/></imsss:sequencing>
  </imsss:sequencingCollection>"""


def sequenced() -> dict[str, str | bytes]:
    files = scorm2004()
    manifest = str(files[M])
    start, end = manifest.index('<organization identifier="org">'), manifest.index("</organization>") + len("</organization>")
    files[M] = manifest[:start] + ORGANIZATION + manifest[end:]
    return edit(files, M, "</resources>", COLLECTION)


CASES = [
    ("objective-unknown", lambda f: edit(f, M, 'referencedObjective="obj1"', 'referencedObjective="obj9"'),
     "SCORM2004-OBJECTIVE-UNKNOWN", "error"),
    ("objective-duplicate", lambda f: edit(f, M, 'objectiveID="obj2"', 'objectiveID="obj1"'),
     "SCORM2004-OBJECTIVE-DUPLICATE", "error"),
    ("sequencing-idref", lambda f: edit(f, M, 'IDRef="shared"', 'IDRef="partage"'),
     "SCORM2004-SEQUENCING-IDREF", "error"),
    ("rollup-count", lambda f: edit(f, M, ' minimumCount="1"', ""), "SCORM2004-ROLLUP-COUNT", "error"),
    ("rollup-percent", lambda f: edit(f, M, 'childActivitySet="atLeastCount" minimumCount="1"',
                                      'childActivitySet="atLeastPercent"'), "SCORM2004-ROLLUP-COUNT", "error"),
    ("no-navigation", lambda f: edit(f, M, 'choice="true" flow="true"', 'choice="false" flow="false"'),
     "SCORM2004-NO-NAVIGATION", "error"),
    ("rollup-on-leaf", lambda f: edit(f, M, "<imsss:objectives>", """<imsss:rollupRules><imsss:rollupRule>
        <imsss:rollupConditions><imsss:rollupCondition condition="satisfied"/></imsss:rollupConditions>
        <imsss:rollupAction action="satisfied"/></imsss:rollupRule></imsss:rollupRules><imsss:objectives>"""),
     "SCORM2004-ROLLUP-ON-LEAF", "warning"),
]


@pytest.fixture(scope="module")
def valid_codes(tmp_path_factory: pytest.TempPathFactory) -> set[str]:
    report = validate_package(write_zip(tmp_path_factory.mktemp("seq") / "p.zip", sequenced()), "strict")
    assert report.ok, [(f.code, f.message_en) for f in report.errors]
    return report.codes()


@pytest.mark.parametrize("case", CASES, ids=[case[0] for case in CASES])
def test_sequencing_rule(case, tmp_path: Path, valid_codes: set[str]) -> None:
    _id, mutate, code, severity = case
    assert code not in valid_codes
    report = validate_package(write_zip(tmp_path / "p.zip", mutate(sequenced())), "strict")
    matching = [f for f in report.findings if f.code == code]
    assert matching and {f.severity for f in matching} == {severity}, sorted(report.codes())
    assert all(f.line for f in matching)


def test_moodle_warns_that_sequencing_is_ignored(tmp_path: Path) -> None:
    report = validate_package(write_zip(tmp_path / "p.zip", sequenced()), "moodle")
    finding = next(f for f in report.findings if f.code == "MOODLE-SEQUENCING-IGNORED")
    assert "imsss:sequencingRules" in finding.message_en and "imsss:rollupRules" in finding.message_en
    assert report.ok


def test_plain_2004_package_has_no_sequencing_warning(tmp_path: Path) -> None:
    report = validate_package(write_zip(tmp_path / "p.zip", scorm2004()), "moodle")
    assert "MOODLE-SEQUENCING-IGNORED" not in report.codes()


def test_moodle_shared_data(tmp_path: Path) -> None:
    files = edit(scorm2004(), M, "<title>Module 1</title></item>", """<title>Module 1</title>
        <adlcp:data><adlcp:map targetID="notes" readSharedData="true" writeSharedData="true"/></adlcp:data>
        <adlnav:presentation><adlnav:navigationInterface><adlnav:hideLMSUI>continue</adlnav:hideLMSUI>
        </adlnav:navigationInterface></adlnav:presentation></item>""")
    report = validate_package(write_zip(tmp_path / "p.zip", files), "moodle")
    assert report.ok, [(f.code, f.message_en) for f in report.errors]
    finding = next(f for f in report.findings if f.code == "MOODLE-SHARED-DATA")
    assert finding.severity == "warning" and finding.line
    assert "MOODLE-SHARED-DATA" not in validate_package(write_zip(tmp_path / "q.zip", scorm2004())).codes()


def test_moodle_refuses_jump_navigation_requests(tmp_path: Path) -> None:
    jump = 'api.SetValue("adl.nav.request", "{target=item2}jump");\n'
    choice = 'api.SetValue("adl.nav.request", "{target=item2}choice");\n'
    files = scorm2004()
    passing = validate_package(write_zip(tmp_path / "p.zip", {**files, "api.js": str(files["api.js"]) + choice}))
    assert "MOODLE-NAVIGATION-IGNORED" not in passing.codes()
    report = validate_package(write_zip(tmp_path / "q.zip", {**files, "api.js": str(files["api.js"]) + jump}))
    finding = next(f for f in report.findings if f.code == "MOODLE-NAVIGATION-IGNORED")
    assert (finding.file, finding.line, finding.severity) == ("api.js", 2, "warning")
    assert "{target=item2}jump" in finding.message_fr
    strict = validate_package(write_zip(tmp_path / "r.zip", {**files, "api.js": str(files["api.js"]) + jump}), "strict")
    assert "MOODLE-NAVIGATION-IGNORED" not in strict.codes()
