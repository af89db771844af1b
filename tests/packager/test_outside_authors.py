"""Courses as authors outside the project write them: file names with accents or URL
characters, YAML habits (yes/no, keys written twice), WebVTT entities, several formats
of which one fails."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from packager.build import PackageError, build_packages
from packager.course import CourseError, load_course
from tests.packager.conftest import MINIMAL_COURSE, MINIMAL_PAGE, CourseWriter

SVG = "<svg xmlns='http://www.w3.org/2000/svg'/>"


def test_default_page_keys_keep_accented_letters(write_course: CourseWriter) -> None:
    course_yaml = MINIMAL_COURSE.replace("- pages/intro.md", "- pages/Écoute active.md\n      - pages/œuvre.md\n"
                                         "      - pages/日本.md")
    course = load_course(write_course({"course.yaml": course_yaml, "pages/Écoute active.md": MINIMAL_PAGE,
                                       "pages/œuvre.md": MINIMAL_PAGE, "pages/日本.md": MINIMAL_PAGE}))
    keys = [page.key for page in course.modules[0].pages]
    assert keys[:2] == ["ecoute-active", "oeuvre"]
    assert keys[2].startswith("page-") and len(keys[2]) == len("page-") + 8


def test_yaml_yes_and_no_stay_text_where_text_is_meant(write_course: CourseWriter) -> None:
    quiz = """
    shuffle: oui
    questions:
      - type: choice
        text: No
        choices:
          - {id: no, text: Non, correct: yes}
          - {id: yes, text: Oui}
      - type: fill-in
        text: Année ?
        answers: [1990]
    """
    course_yaml = MINIMAL_COURSE + "    quiz: quiz/q.yaml\n"
    course = load_course(write_course({"course.yaml": course_yaml, "pages/intro.md": MINIMAL_PAGE, "quiz/q.yaml": quiz}))
    quiz_model = course.modules[0].quiz
    choice, fill_in = quiz_model.questions
    assert quiz_model.shuffle is True
    assert choice.text == "No" and [item.id for item in choice.choices] == ["no", "yes"]
    assert choice.correct_responses == ("no",)
    assert fill_in.correct_responses == ("1990",)


def test_course_and_module_ids_are_distinct(write_course: CourseWriter) -> None:
    course_yaml = MINIMAL_COURSE + ("  - key: m2\n    id: https://example.gouv.fr/cours/test/modules/m1\n"
                                    "    title: Module deux\n    pages: [pages/intro.md]\n")
    with pytest.raises(CourseError) as caught:
        load_course(write_course({"course.yaml": course_yaml, "pages/intro.md": MINIMAL_PAGE}))
    assert caught.value.format("en").splitlines() == [
        "course.yaml:9: modules[1].id: id 'https://example.gouv.fr/cours/test/modules/m1' is already the course's"
        " or another module's: each activity has its own IRI"]


def test_webvtt_entities_and_foreign_captions(write_course: CourseWriter) -> None:
    page = "# T\n\n```media\nsrc: ../media/clip.mp4\ncaptions: ../media/clip.vtt\nlanguage: de\n```\n"
    vtt = "WEBVTT\n\n00:00.000 --> 00:01.000\nBonjour &amp; bienvenue\n"
    course = load_course(write_course({"course.yaml": MINIMAL_COURSE, "pages/intro.md": page,
                                       "media/clip.mp4": b"\0", "media/clip.vtt": vtt}))
    html = course.modules[0].pages[0].html
    assert '<p lang="de">Bonjour &amp; bienvenue</p>' in html
    assert 'srclang="de" label="de"' in html


@pytest.mark.parametrize(("vtt", "expected"), [
    ("WEBVTT\n".encode(), "pages/intro.md:3: ../media/clip.vtt ne contient aucun sous-titre"),
    ("WEBVTT\n\n00:00.000 --> 00:01.000\nDéjà\n".encode("latin-1"), "media/clip.vtt:1: le fichier n'est pas en UTF-8"),
])
def test_caption_file_mistakes_name_the_caption_file(write_course: CourseWriter, vtt: bytes, expected: str) -> None:
    page = "# T\n\n```media\nsrc: ../media/clip.mp4\ncaptions: ../media/clip.vtt\n```\n"
    with pytest.raises(CourseError) as caught:
        load_course(write_course({"course.yaml": MINIMAL_COURSE, "pages/intro.md": page,
                                  "media/clip.mp4": b"\0", "media/clip.vtt": vtt}))
    assert [line for line in caught.value.format("fr").splitlines() if line.startswith(expected)]


def test_markdown_page_with_byte_order_mark(write_course: CourseWriter) -> None:
    course = load_course(write_course({"course.yaml": MINIMAL_COURSE, "pages/intro.md": "\ufeff# Introduction\n\nTexte\n"}))
    assert course.modules[0].pages[0].title == "Introduction"


def test_logo_and_cover_with_url_characters_are_escaped(write_course: CourseWriter, tmp_path: Path) -> None:
    course_yaml = MINIMAL_COURSE + "logo: {file: 'media/logo#2.svg', alt: Logo}\ncover: {file: 'media/100% sûr.svg', alt: Couverture}\n"
    folder = write_course({"course.yaml": course_yaml, "pages/intro.md": MINIMAL_PAGE,
                           "media/logo#2.svg": SVG, "media/100% sûr.svg": SVG})
    (built,) = build_packages(folder, ["xapi"], tmp_path / "out")  # the format with a course home page
    with zipfile.ZipFile(built.path) as archive:
        index = archive.read("index.html").decode()
        module = archive.read("modules/m1/index.html").decode()
    assert 'src="files/media/100%25%20s%C3%BBr.svg"' in index
    assert 'src="../../files/media/logo%232.svg"' in module


def test_a_failing_format_leaves_every_format_unwritten(write_course: CourseWriter, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    import packager.build
    from validators.findings import Finding

    def refuse_cmi5(path: Path) -> list[Finding]:
        return [Finding("TEST", "refusé", "refused", file="cmi5.xml", line=1)] if "cmi5" in path.name else []

    monkeypatch.setattr(packager.build, "package_findings", refuse_cmi5)
    folder = write_course({"course.yaml": MINIMAL_COURSE, "pages/intro.md": MINIMAL_PAGE})
    out = tmp_path / "out"
    with pytest.raises(PackageError) as caught:
        build_packages(folder, ["scorm12", "cmi5", "web"], out)
    assert caught.value.format == "cmi5"
    assert sorted(path.name for path in out.iterdir()) == []


def test_files_folders_leave_out_what_file_managers_add(write_course: CourseWriter) -> None:
    course_yaml = MINIMAL_COURSE + "files: [annexes]\n"
    course = load_course(write_course({"course.yaml": course_yaml, "pages/intro.md": MINIMAL_PAGE,
                                       "annexes/fiche.txt": "fiche", "annexes/Thumbs.db": b"\0",
                                       "annexes/desktop.ini": "[.ShellClassInfo]"}))
    assert [asset for asset in course.assets if asset.startswith("annexes/")] == ["annexes/fiche.txt"]
