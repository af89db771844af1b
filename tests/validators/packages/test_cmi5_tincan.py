"""cmi5 course structures and tincan.xml descriptors: each rule fails on a broken package and passes on the valid one."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.validators.packages.builders import CMI5_XML, TINCAN_XML, cmi5, edit, write_zip, xapi
from validators.packages import validate_package

C, T = "cmi5.xml", "tincan.xml"
AU = 'id="https://formation.example.fr/cours/securite/au/1"'
OBJECTIVE = 'objective id="https://formation.example.fr/cours/securite/objectifs/1"'


def _duplicate_au(files):
    text = str(files[C])
    au = text[text.index("<au "):text.index("</au>") + len("</au>")]
    return edit(files, C, "</courseStructure>", au + "\n</courseStructure>")


def _duplicate_block(files):
    text = str(files[C])
    au = text[text.index("<au "):text.index("</au>") + len("</au>")]
    second = au.replace("/au/1", "/au/2")
    block = """<block id="https://formation.example.fr/cours/securite/blocs/1">
    <title><langstring lang="fr">Bloc</langstring></title><description><langstring lang="fr">Bloc.</langstring></description>
    {au}</block>"""
    return edit(files, C, au, block.format(au=au) + block.format(au=second))


def _duplicate_objective(files):
    text = str(files[C])
    objective = text[text.index("<objective id="):text.index("</objective>") + len("</objective>")]
    return edit(files, C, "</objectives>", objective + "</objectives>")


CMI5_CASES = [
    ("iri", lambda f: edit(f, C, AU, 'id="module-1"'), "CMI5-IRI", "error", "3.0.0.0-1"),
    ("duplicate-au", _duplicate_au, "CMI5-DUPLICATE-AU", "error", "13.1.4.0-1"),
    ("duplicate-block", _duplicate_block, "CMI5-DUPLICATE-BLOCK", "error", "13.1.2.0-1"),
    ("duplicate-objective", _duplicate_objective, "CMI5-DUPLICATE-OBJECTIVE", "error", "13.1.3.0-1"),
    ("objective-unknown", lambda f: edit(f, C, 'idref="https://formation.example.fr/cours/securite/objectifs/1"',
                                         'idref="https://formation.example.fr/cours/securite/objectifs/9"'),
     "CMI5-OBJECTIVE-UNKNOWN", "error", "13.1.3"),
    ("url-invalid", lambda f: edit(f, C, "<url>index.html?mode=complet</url>", "<url>http://[::1/index.html</url>"),
     "CMI5-URL-INVALID", "error", "13.1.4.0-2"),
    ("reserved-parameter", lambda f: edit(f, C, "?mode=complet", "?endpoint=https://lrs.example.fr"),
     "CMI5-RESERVED-PARAMETER", "error", "8.1.0.0-6"),
    ("url-missing", lambda f: edit(f, C, "<url>index.html", "<url>launch.html"), "CMI5-URL-MISSING", "error",
     "14.1.0.0-4"),
    ("mastery-ignored", lambda f: edit(f, C, 'moveOn="Passed"', 'moveOn="Completed"'), "CMI5-MASTERY-IGNORED",
     "warning", "13.1.4"),
    ("external-url", lambda f: edit(f, C, "<url>index.html", "<url>https://cdn.example.com/index.html"),
     "CMI5-EXTERNAL-URL", "warning", "13.1.4"),
    ("not-applicable", lambda f: edit(f, C, ' moveOn="Passed" masteryScore="0.8"', ""),
     "CMI5-MOVEON-NOT-APPLICABLE", "info", "13.1.4"),
    ("schema", lambda f: edit(f, C, '<description><langstring lang="fr">Module 1.</langstring></description>', ""),
     "CMI5-SCHEMA", "error", "13.2.0.0-1"),
]

TINCAN_CASES = [
    ("not-tincan", lambda f: edit(f, T, "http://projecttincan.com/tincan.xsd", "http://example.com/autre"),
     "XAPI-NOT-TINCAN", "error"),
    ("no-activity", lambda f: {**f, T: TINCAN_XML[:TINCAN_XML.index("<activity ")] + "</activities></tincan>"},
     "XAPI-NO-ACTIVITY", "error"),
    ("activity-id", lambda f: edit(f, T, 'id="https://formation.example.fr/cours/securite"', 'id="securite"'),
     "XAPI-ACTIVITY-ID", "error"),
    ("duplicate", lambda f: edit(f, T, "</activities>", TINCAN_XML[TINCAN_XML.index("<activity "):
                                                                    TINCAN_XML.index("</activity>") + 11] + "</activities>"),
     "XAPI-DUPLICATE-ACTIVITY", "error"),
    ("type", lambda f: edit(f, T, 'type="http://adlnet.gov/expapi/activities/course"', 'type="course"'),
     "XAPI-ACTIVITY-TYPE", "warning"),
    ("no-name", lambda f: edit(f, T, '<name lang="fr">Sécurité</name>', ""), "XAPI-NO-NAME", "warning"),
    ("no-launch", lambda f: edit(f, T, '<launch lang="fr">index.html</launch>', ""), "XAPI-NO-LAUNCH", "error"),
    ("launch-missing", lambda f: edit(f, T, ">index.html<", ">demarrer.html<"), "XAPI-LAUNCH-MISSING", "error"),
    ("launch-invalid", lambda f: edit(f, T, ">index.html<", ">/index.html<"), "XAPI-LAUNCH-INVALID", "error"),
    ("lang", lambda f: edit(f, T, '<name lang="fr">', '<name lang="français">'), "XAPI-LANG", "warning"),
]


@pytest.fixture(scope="module")
def valid_codes(tmp_path_factory: pytest.TempPathFactory) -> dict[str, set[str]]:
    folder = tmp_path_factory.mktemp("valid")
    codes = {}
    for builder in (cmi5, xapi):
        report = validate_package(write_zip(folder / f"{builder.__name__}.zip", builder()))
        assert report.ok and not report.findings, report.findings
        codes[builder.__name__] = report.codes()
    return codes


@pytest.mark.parametrize("case", CMI5_CASES, ids=[case[0] for case in CMI5_CASES])
def test_cmi5_rule(case, tmp_path: Path, valid_codes) -> None:
    _id, mutate, code, severity, requirement = case
    assert code not in valid_codes["cmi5"]
    report = validate_package(write_zip(tmp_path / "p.zip", mutate(cmi5())))
    assert report.kind == "cmi5"
    matching = [f for f in report.findings if f.code == code]
    assert matching, sorted(report.codes())
    assert {f.severity for f in matching} == {severity}
    assert all(requirement in f.spec and f.file == C and f.line for f in matching)


@pytest.mark.parametrize("case", TINCAN_CASES, ids=[case[0] for case in TINCAN_CASES])
def test_tincan_rule(case, tmp_path: Path, valid_codes) -> None:
    _id, mutate, code, severity = case
    assert code not in valid_codes["xapi"]
    report = validate_package(write_zip(tmp_path / "p.zip", mutate(xapi())))
    assert report.kind == "xapi"
    matching = [f for f in report.findings if f.code == code]
    assert matching and {f.severity for f in matching} == {severity}, sorted(report.codes())


def test_standalone_cmi5_needs_absolute_urls(tmp_path: Path) -> None:
    relative = tmp_path / "cmi5.xml"
    relative.write_text(CMI5_XML, encoding="utf-8")
    report = validate_package(relative)
    assert [f.code for f in report.errors] == ["CMI5-RELATIVE-URL-STANDALONE"]
    assert "14.2.0.0-1" in report.errors[0].spec
    absolute = tmp_path / "absolute.xml"
    absolute.write_text(CMI5_XML.replace("<url>index.html", "<url>https://formation.example.fr/index.html"),
                        encoding="utf-8")
    assert validate_package(absolute).ok


def test_cmi5_relative_url_in_a_zip_is_fine(tmp_path: Path) -> None:
    report = validate_package(write_zip(tmp_path / "p.zip", cmi5()))
    assert "CMI5-RELATIVE-URL-STANDALONE" not in report.codes()


def test_standalone_tincan_cannot_check_files(tmp_path: Path) -> None:
    path = tmp_path / "tincan.xml"
    path.write_text(TINCAN_XML, encoding="utf-8")
    report = validate_package(path)
    assert report.kind == "xapi" and report.ok
    assert report.codes() == {"PACKAGE-FILES-NOT-CHECKED"}
