"""parcours-course.json: the course description every format carries, in the agreed shape."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from packager.accessibility import accessibility_statement, contrast_ratio
from packager.build import build_packages
from packager.course import load_course
from packager.description import DESCRIPTION_FILE

from .conftest import MINIMAL_COURSE, MINIMAL_PAGE, CourseWriter

AGREED_KEYS = {
    "format", "id", "version", "language", "title", "description", "licence", "authors", "keywords",
    "duration", "mastery_score", "accessibility", "package_format", "modules",
}
MODULE_KEYS = {"key", "id", "title", "description", "completion", "mastery_score", "launch", "pages", "quiz", "questions"}


def _read(built: Path) -> tuple[bytes, dict]:
    if built.is_dir():
        data = (built / DESCRIPTION_FILE).read_bytes()
    else:
        with zipfile.ZipFile(built) as archive:
            data = archive.read(DESCRIPTION_FILE)
    return data, json.loads(data)


@pytest.mark.parametrize("package_format", ["scorm12", "scorm2004", "cmi5", "xapi", "web"])
def test_every_format_carries_the_description(built_sample: dict[str, Path], package_format: str) -> None:
    data, description = _read(built_sample[package_format])
    assert data.endswith(b"}\n")
    assert data == (json.dumps(description, ensure_ascii=False, sort_keys=True, indent=2) + "\n").encode()
    assert set(description) == AGREED_KEYS
    assert description["format"] == "parcours-course/1"
    assert description["package_format"] == package_format
    assert description["id"] == "https://parcours.example.gouv.fr/cours/numerique-responsable"
    assert description["title"] == {"fr": "Numérique responsable : les bons gestes au bureau"}
    assert description["licence"]["url"] == "https://www.etalab.gouv.fr/licence-ouverte-open-licence/"
    assert description["authors"][0]["organisation"] == "Campus numérique des agents publics"
    assert description["duration"] == "PT1H15M" and description["mastery_score"] == 0.7
    assert [m["key"] for m in description["modules"]] == ["equipements", "donnees", "usages", "documents"]
    for module in description["modules"]:
        assert set(module) == MODULE_KEYS


def test_modules_pages_and_questions_match_the_course(built_sample: dict[str, Path], sample_course: Path) -> None:
    course = load_course(sample_course)
    _, description = _read(built_sample["cmi5"])
    with zipfile.ZipFile(built_sample["cmi5"]) as archive:
        names = set(archive.namelist())
    for module, written in zip(course.modules, description["modules"]):
        assert written["id"] == module.id and written["title"] == {"fr": module.title}
        assert written["launch"] in names
        assert [p["key"] for p in written["pages"]] == [p.key for p in module.pages]
        assert [p["id"] for p in written["pages"]] == [f"{module.id}/pages/{p.key}" for p in module.pages]
        assert written["completion"] == module.completion
        if module.quiz is None:
            assert written["quiz"] is None and written["questions"] == []
            continue
        assert written["quiz"]["id"] == module.quiz.id
        assert written["quiz"]["page_id"] == f"{module.id}/pages/quiz"
        assert [q["id"] for q in written["questions"]] == [q.id for q in module.quiz.questions]
        for question, raw in zip(module.quiz.questions, written["questions"]):
            assert raw["type"] == question.type
            assert raw["correct_responses"] == list(question.correct_responses)
            assert raw["weight"] == question.weight
            assert raw["text"] == {"fr": question.text}
    questions = {q["key"]: q for m in description["modules"] for q in m["questions"]}
    kinds = {q["type"] for q in questions.values()}
    assert kinds == {"choice", "true-false", "fill-in", "numeric", "matching", "sequencing"}
    matching = next(q for q in questions.values() if q["type"] == "matching")
    assert matching["source"] and matching["target"] and "choices" not in matching
    choice = next(q for q in questions.values() if q["type"] == "choice")
    assert all(set(c) == {"id", "text"} and c["text"]["fr"] for c in choice["choices"])


def test_accessibility_statement_is_dated_by_the_course(built_sample: dict[str, Path]) -> None:
    _, description = _read(built_sample["xapi"])
    statement = description["accessibility"]
    assert statement["date"] == "2026-11-02"  # samples/courses/numerique-responsable/course.yaml
    assert statement["standard"] == "RGAA 4.1 / WCAG 2.1 AA"
    assert statement["result"] == "passed"
    checks = {check["id"]: check for check in statement["checks"]}
    assert set(checks) == {"language", "headings", "images-alt", "media-captions", "form-labels", "contrast"}
    assert checks["headings"]["checked"] == 14  # pages of the sample course
    assert checks["media-captions"]["checked"] == 1  # the one audio player
    assert checks["images-alt"]["checked"] >= 1
    assert all(check["result"] == "passed" and check["failures"] == [] for check in checks.values())


def test_undated_course_says_so(write_course: CourseWriter) -> None:
    folder = write_course({"course.yaml": MINIMAL_COURSE, "pages/intro.md": MINIMAL_PAGE})
    statement = accessibility_statement(load_course(folder))
    assert statement["date"] is None
    assert {check["id"]: check["checked"] for check in statement["checks"]}["images-alt"] == 0


def test_a_low_contrast_theme_fails_the_contrast_check(monkeypatch: pytest.MonkeyPatch, write_course: CourseWriter) -> None:
    import packager.accessibility as accessibility

    monkeypatch.setattr(accessibility, "THEME_PAIRS", (("--pc-border", "--pc-background"), ("--pc-note", "--pc-background")))
    folder = write_course({"course.yaml": MINIMAL_COURSE, "pages/intro.md": MINIMAL_PAGE})
    statement = accessibility.accessibility_statement(load_course(folder))
    contrast = next(check for check in statement["checks"] if check["id"] == "contrast")
    assert contrast["failures"] == ["--pc-note / --pc-background"]  # a pale background colour as text
    assert statement["result"] == "failed"


def test_contrast_ratio_follows_wcag() -> None:
    assert contrast_ratio("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast_ratio("#767676", "#ffffff") == pytest.approx(4.54, abs=0.01)  # the known AA threshold grey
    assert contrast_ratio("#ffffff", "#777777") < 4.5


def test_language_map_titles_keep_every_language(write_course: CourseWriter, tmp_path: Path) -> None:
    text = MINIMAL_COURSE.replace("title: Cours de test", "title: {fr: Cours de test, en: Test course}\naccessibility:\n  date: '2026-03-01'", 1)
    folder = write_course({"course.yaml": text, "pages/intro.md": MINIMAL_PAGE})
    built = build_packages(folder, ["web"], tmp_path / "out")
    _, description = _read(built[0].path)
    assert description["title"] == {"fr": "Cours de test", "en": "Test course"}
    assert description["accessibility"]["date"] == "2026-03-01"
    assert description["modules"][0]["quiz"] is None
