"""Existing material in a course: `files:`, HTML pages and mini-sites with their own files,
PDF pages with a text summary, and raw HTML in Markdown (a safe subset, or refused)."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from packager.build import build_packages
from packager.course import CourseError, load_course
from tests.packager.conftest import MINIMAL_COURSE, MINIMAL_PAGE, CourseWriter

OLD_PAGE = """<!DOCTYPE html>
<html lang="fr"><head><meta charset="utf-8"><title>Ancienne fiche</title>
<link rel="stylesheet" href="ancien.css"></head>
<body><h1>Ancienne fiche</h1><img src="img/plan.png" alt="Plan">
<p><a href="suite.html">Suite</a> <a href="https://www.example.gouv.fr/">Site</a> <a href="#haut">Haut</a></p>
</body></html>
"""
SITE = {
    "pages/fiche/index.html": OLD_PAGE,
    "pages/fiche/ancien.css": "body { background: url('img/fond.png'); }\n",
    "pages/fiche/img/plan.png": b"\x89PNG\r\n\x1a\n",
    "pages/fiche/img/fond.png": b"\x89PNG\r\n\x1a\n",
    "pages/fiche/suite.html": '<html lang="fr"><title>Suite</title><img src="img/plan.png" alt="Plan"></html>',
}


def _course(pages: str, extra: str = "") -> str:
    return MINIMAL_COURSE.replace("      - pages/intro.md\n", pages) + extra


def _errors(folder: Path) -> list[str]:
    with pytest.raises(CourseError) as caught:
        load_course(folder)
    return caught.value.format().splitlines()


def test_an_html_page_brings_its_own_files(write_course: CourseWriter) -> None:
    course = _course("      - pages/intro.md\n      - {file: pages/fiche/index.html, key: fiche}\n")
    module = load_course(write_course({"course.yaml": course, "pages/intro.md": MINIMAL_PAGE, **SITE})).modules[0]
    page = module.pages[1]
    assert (page.key, page.title) == ("fiche", "Ancienne fiche")
    assert page.html.startswith('<iframe class="pc-embedded" src="../../files/pages/fiche/index.html"'
                                ' title="Ancienne fiche" loading="lazy"></iframe>')
    assert "Ouvrir « Ancienne fiche » en pleine page" in page.html
    assert set(module.assets) == {"pages/fiche/index.html", "pages/fiche/ancien.css", "pages/fiche/img/plan.png",
                                  "pages/fiche/img/fond.png", "pages/fiche/suite.html"}


def test_missing_files_of_an_html_page_are_named_in_the_course_folder(write_course: CourseWriter) -> None:
    course = _course("      - pages/fiche/index.html\n")
    site = {**SITE, "pages/fiche/ancien.css": "body { background: url(absent.png); }\n"}
    del site["pages/fiche/suite.html"]
    errors = _errors(write_course({"course.yaml": course, **site}))
    assert errors == [
        "pages/fiche/ancien.css:1: « absent.png » introuvable (cherché en pages/fiche/absent.png dans le dossier du cours)",
        "pages/fiche/index.html:5: « suite.html » introuvable (cherché en pages/fiche/suite.html dans le dossier du cours)",
    ]


def test_markdown_link_to_an_old_page_packages_its_files(write_course: CourseWriter, tmp_path: Path) -> None:
    page = "# Intro\n\nVoir [l'ancienne fiche](fiche/index.html).\n"
    folder = write_course({"course.yaml": MINIMAL_COURSE, "pages/intro.md": page, **SITE})
    (built,) = build_packages(folder, ["scorm12"], tmp_path / "out")
    with zipfile.ZipFile(built.path) as archive:
        names = set(archive.namelist())
    assert {"files/pages/fiche/ancien.css", "files/pages/fiche/img/fond.png", "files/pages/fiche/suite.html"} <= names


def test_a_pdf_page_needs_a_title_and_a_summary(write_course: CourseWriter) -> None:
    course = _course("      - media/guide.pdf\n")
    errors = _errors(write_course({"course.yaml": course, "media/guide.pdf": b"%PDF-1.4\n"}))
    assert errors == [
        "course.yaml:7: modules[0].pages[0]: donnez un titre à cette page (title: …) : media/guide.pdf n'en a pas",
        "course.yaml:7: modules[0].pages[0]: un PDF utilisé comme page demande un résumé en texte (summary: …) "
        "pour qui ne peut pas lire le PDF",
    ]


def test_a_pdf_page_is_embedded_after_its_summary_with_a_download_link(write_course: CourseWriter) -> None:
    course = _course("      - {file: media/guide.pdf, title: Le guide, summary: \"Six gestes.\\n\\nEt la licence.\"}\n")
    folder = write_course({"course.yaml": course, "media/guide.pdf": b"%PDF-1.4\n" + b"x" * 3000})
    page = load_course(folder).modules[0].pages[0]
    assert page.key == "guide" and page.title == "Le guide"
    assert page.html.startswith('<div class="pc-summary">\n<p>Six gestes.</p>\n<p>Et la licence.</p>\n</div>\n'
                                '<iframe class="pc-embedded pc-pdf" src="../../files/media/guide.pdf"'
                                ' title="Le guide (PDF)" loading="lazy"></iframe>')
    assert "Télécharger « Le guide » (PDF, 3 Ko)" in page.html and 'target="_blank"' in page.html


def test_unknown_page_type_is_refused(write_course: CourseWriter) -> None:
    errors = _errors(write_course({"course.yaml": _course("      - pages/notes.docx\n"), "pages/notes.docx": b"PK"}))
    assert errors == ["course.yaml:7: modules[0].pages[0]: type de page non pris en charge : pages/notes.docx "
                      "(Markdown .md, HTML .html, PDF .pdf)"]


def test_files_are_packaged_as_they_are(write_course: CourseWriter, tmp_path: Path) -> None:
    course = MINIMAL_COURSE.replace("modules:", "files:\n  - annexes\n  - media/affiche.pdf\nmodules:")
    folder = write_course({"course.yaml": course, "pages/intro.md": MINIMAL_PAGE, "annexes/a.txt": "a",
                           "annexes/sous/b.csv": "b", "annexes/.cache": "x", "media/affiche.pdf": b"%PDF-1.4\n"})
    assert set(load_course(folder).assets) == {"annexes/a.txt", "annexes/sous/b.csv", "media/affiche.pdf"}
    missing = MINIMAL_COURSE.replace("modules:", "files:\n  - ok.txt\n  - absent\n  - ../dehors\nmodules:")
    errors = _errors(write_course({"course.yaml": missing, "pages/intro.md": MINIMAL_PAGE, "ok.txt": "ok"},
                                  name="autre"))
    assert errors == ["course.yaml:5: files[1]: fichier ou dossier absent introuvable",
                      "course.yaml:6: files[2]: le chemin ../dehors sort du dossier du cours"]


def test_safe_raw_html_is_rendered(write_course: CourseWriter) -> None:
    page = ('# T\n\nLe <abbr title="Référentiel général">RGAA</abbr> et <kbd>Ctrl</kbd>.\n\n'
            '<details><summary>Plus</summary>\n\nDétail.\n\n</details>\n')
    html = load_course(write_course({"course.yaml": MINIMAL_COURSE, "pages/intro.md": page})).modules[0].pages[0].html
    assert '<abbr title="Référentiel général">RGAA</abbr>' in html and "<kbd>Ctrl</kbd>" in html
    assert "<details><summary>Plus</summary>" in html


@pytest.mark.parametrize(("snippet", "expected"), [
    ("<script>alert(1)</script>", "pages/intro.md:3: HTML non autorisé : <script>"),
    ('Texte <span style="color: red">rouge</span>.', "pages/intro.md:3: HTML non autorisé : <span style=…>"),
    ('Ligne\n<img src="x.png" onerror="f()">', "pages/intro.md:4: HTML non autorisé : <img>"),
    ('<iframe src="https://example.org/"></iframe>', "pages/intro.md:3: HTML non autorisé : <iframe>"),
])
def test_unsafe_raw_html_is_refused_with_file_and_line(write_course: CourseWriter, snippet: str, expected: str) -> None:
    errors = _errors(write_course({"course.yaml": MINIMAL_COURSE, "pages/intro.md": f"# T\n\n{snippet}\n"}))
    assert len(errors) == 1 and errors[0].startswith(expected + " ; permis : abbr, b, br,"), errors
    assert errors[0].endswith("(sans attributs style ni on…)")


def test_reuse_sample_builds_in_every_format_and_validates(samples: Path, tmp_path: Path) -> None:
    from validators.packages import validate_package

    results = build_packages(samples / "accueil-handicap", ["scorm12", "scorm2004", "cmi5", "xapi", "web"], tmp_path)
    for result in results:
        report = validate_package(result.path)
        assert report.findings == [], (result.format, [(f.code, f.file, f.message_fr) for f in report.findings])
    course = load_course(samples / "accueil-handicap")
    kinds = {q.type for m in course.modules if m.quiz for q in m.quiz.questions}
    assert kinds >= {"choice", "true-false", "fill-in", "numeric", "matching", "sequencing"}
    assert "pages/orienter/ancienne-fiche/ancien.css" in course.assets and "media/guide-accueil.pdf" in course.assets
