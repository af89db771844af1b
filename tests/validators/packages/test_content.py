"""Content checks on pages and style sheets: parsing, accessibility, references that break or leak."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.validators.packages.builders import PAGE, edit, scorm12, write_folder, write_zip
from validators.packages import validate_package

P = "index.html"

CASES = [
    ("lang-missing", lambda f: edit(f, P, '<html lang="fr">', "<html>"), "HTML-LANG-MISSING", "warning"),
    ("lang-invalid", lambda f: edit(f, P, '<html lang="fr">', '<html lang="français">'), "HTML-LANG-INVALID", "warning"),
    ("title-missing", lambda f: edit(f, P, "<title>Module 1</title>", ""), "HTML-TITLE-MISSING", "warning"),
    ("img-alt", lambda f: edit(f, P, ' alt="Schéma"', ""), "HTML-IMG-ALT", "warning"),
    ("iframe-title", lambda f: edit(f, P, "<p>Bonjour</p>", '<iframe src="image.png"></iframe>'),
     "HTML-IFRAME-TITLE", "warning"),
    ("video-captions", lambda f: edit(f, P, "<p>Bonjour</p>", '<video src="image.png" controls></video>'),
     "HTML-MEDIA-CAPTIONS", "warning"),
    ("audio-transcript", lambda f: edit(f, P, "<p>Bonjour</p>", '<audio controls><source src="image.png"></audio>'),
     "HTML-AUDIO-TRANSCRIPT", "info"),
    ("malformed", lambda f: edit(f, P, "</main>", "</div>"), "HTML-MALFORMED", "warning"),
    ("never-closed", lambda f: {**f, P: str(f[P])[:str(f[P]).index("</main>")]}, "HTML-MALFORMED", "warning"),
    ("video-at-end", lambda f: {**f, P: str(f[P])[:str(f[P]).index("</main>")] + '<video src="image.png">'},
     "HTML-MEDIA-CAPTIONS", "warning"),
    ("encoding", lambda f: {**f, P: PAGE.replace('<meta charset="utf-8">', "").encode("cp1252")}, "HTML-ENCODING",
     "warning"),
    ("external-script", lambda f: edit(f, P, 'src="api.js"', 'src="https://cdn.example.com/api.js"'),
     "CONTENT-EXTERNAL-RESOURCE", "warning"),
    ("external-css-import", lambda f: {**f, "style.css": "@import 'https://fonts.example.com/css';\n"},
     "CONTENT-EXTERNAL-RESOURCE", "warning"),
    ("insecure", lambda f: edit(f, P, 'src="api.js"', 'src="http://cdn.example.com/api.js"'),
     "CONTENT-INSECURE", "warning"),
    ("external-link", lambda f: edit(f, P, "<p>Bonjour</p>", '<p><a href="https://www.example.org/">Site</a></p>'),
     "CONTENT-EXTERNAL-LINK", "info"),
    ("ref-missing", lambda f: edit(f, P, 'src="image.png"', 'src="images/schema.png"'), "CONTENT-REF-MISSING", "error"),
    ("ref-missing-link", lambda f: edit(f, P, "<p>Bonjour</p>", '<p><a href="suite.html#haut">Suite</a></p>'),
     "CONTENT-REF-MISSING", "error"),
    ("ref-case", lambda f: edit(f, P, 'src="image.png"', 'src="Image.png"'), "CONTENT-REF-CASE", "error"),
    ("ref-outside", lambda f: edit(f, P, 'src="image.png"', 'src="../image.png"'), "CONTENT-REF-OUTSIDE", "error"),
    ("ref-root", lambda f: edit(f, P, 'href="style.css"', 'href="/style.css"'), "CONTENT-REF-OUTSIDE", "error"),
    ("css-missing", lambda f: {**f, "style.css": "body { background: url(fond.png); }\n"}, "CONTENT-REF-MISSING",
     "warning"),
    ("srcset-missing", lambda f: edit(f, P, 'src="image.png"', 'src="image.png" srcset="image@2x.png 2x"'),
     "CONTENT-REF-MISSING", "error"),
    ("inline-style-missing", lambda f: edit(f, P, "<main>", '<main style="background: url(\'fond.png\')">'),
     "CONTENT-REF-MISSING", "error"),
]


@pytest.fixture(scope="module")
def valid_codes(tmp_path_factory: pytest.TempPathFactory) -> set[str]:
    return validate_package(write_zip(tmp_path_factory.mktemp("valid") / "p.zip", scorm12())).codes()


@pytest.mark.parametrize("case", CASES, ids=[case[0] for case in CASES])
def test_content_rule(case, tmp_path: Path, valid_codes: set[str]) -> None:
    _id, mutate, code, severity = case
    assert code not in valid_codes
    report = validate_package(write_zip(tmp_path / "p.zip", mutate(scorm12())))
    matching = [f for f in report.findings if f.code == code]
    assert matching, sorted(report.codes())
    assert {f.severity for f in matching} == {severity}
    assert all(f.file and f.line for f in matching)


@pytest.mark.parametrize("markup", [
    '<video src="image.png" controls><track kind="captions" src="style.css" srclang="fr"></video>',
    '<audio controls src="image.png"><track kind="captions" src="style.css"></audio>',
    '<iframe src="image.png" title="Schéma"></iframe>',
    '<img src="image.png" alt="">',
    '<img src="image.png" role="presentation">',
    '<a href="#haut">Haut</a><a href="mailto:formation@example.fr">Écrire</a><a href="javascript:void(0)">x</a>',
    '<img src="data:image/png;base64,iVBORw0KGgo=" alt="point">',
    '<p>Paragraphe<p>Autre paragraphe<ul><li>un<li>deux</ul>',
    '<a href="index.html?page=2">Page 2</a>',
])
def test_content_passes(markup: str, tmp_path: Path) -> None:
    files = edit(scorm12(), P, "<p>Bonjour</p>", markup)
    report = validate_package(write_zip(tmp_path / "p.zip", files))
    assert not [f for f in report.findings if f.severity != "info" or f.code.startswith(("HTML", "CONTENT"))], \
        [(f.code, f.message_en) for f in report.findings]


def test_missing_reference_from_a_page_nothing_launches_is_a_warning(tmp_path: Path) -> None:
    files = {**scorm12(), "annexe/extra.html": PAGE.replace('src="image.png"', 'src="absente.png"')}
    report = validate_package(write_zip(tmp_path / "p.zip", files))
    finding = next(f for f in report.findings if f.code == "CONTENT-REF-MISSING")
    assert (finding.file, finding.severity) == ("annexe/extra.html", "warning")
    assert report.ok


def test_relative_references_resolve_from_the_page_folder(tmp_path: Path) -> None:
    page = PAGE.replace('href="style.css"', 'href="../style.css"').replace('src="api.js"', 'src="../api.js"')
    page = page.replace('src="image.png"', 'src="../image.png"')
    files = edit({**scorm12(), "pages/index.html": page}, "imsmanifest.xml", '<file href="index.html"/>',
                 '<file href="index.html"/><file href="pages/index.html"/>')
    report = validate_package(write_zip(tmp_path / "p.zip", files))
    assert report.ok and not report.findings, [(f.code, f.file, f.message_en) for f in report.findings]


def test_external_resource_names_the_host(tmp_path: Path) -> None:
    files = edit(scorm12(), P, 'src="api.js"', 'src="https://cdn.example.com/lib/api.js"')
    report = validate_package(write_zip(tmp_path / "p.zip", files))
    finding = next(f for f in report.findings if f.code == "CONTENT-EXTERNAL-RESOURCE")
    assert "cdn.example.com" in finding.message_fr and finding.line == 4


def test_licence_link_is_not_an_external_link(tmp_path: Path) -> None:
    markup = '<p><a href="https://www.etalab.gouv.fr/licence-ouverte-open-licence/" rel="license">Licence</a></p>'
    report = validate_package(write_zip(tmp_path / "p.zip", edit(scorm12(), P, "<p>Bonjour</p>", markup)))
    assert "CONTENT-EXTERNAL-LINK" not in report.codes()
    other = '<p><a href="https://www.etalab.gouv.fr/autre/">Autre</a></p>'
    report = validate_package(write_zip(tmp_path / "q.zip", edit(scorm12(), P, "<p>Bonjour</p>", other)))
    assert "CONTENT-EXTERNAL-LINK" in report.codes()


def test_folder_with_index_and_no_descriptor_is_a_web_site(tmp_path: Path) -> None:
    files = {name: data for name, data in scorm12().items() if name != "imsmanifest.xml"}
    report = validate_package(write_folder(tmp_path / "site", files))
    assert report.kind == "web" and report.ok and "PACKAGE-NO-MANIFEST" not in report.codes()
    broken = edit(files, P, 'src="image.png"', 'src="absente.png"')
    report = validate_package(write_folder(tmp_path / "broken", broken))
    assert [(f.code, f.file, f.severity) for f in report.findings if f.code == "CONTENT-REF-MISSING"] == [
        ("CONTENT-REF-MISSING", "index.html", "error")]
    zipped = validate_package(write_zip(tmp_path / "site.zip", files))
    assert "PACKAGE-NO-MANIFEST" in zipped.codes()  # an LMS still refuses such a zip
