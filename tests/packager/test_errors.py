"""Author-facing errors: YAML mistakes explained, every error of every file at once,
French usage errors, and the small wordings authors met (exact French texts)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from packager.course import CourseError, load_course
from tests.packager.conftest import MINIMAL_COURSE, MINIMAL_PAGE, CourseWriter

QUIZ_COURSE = MINIMAL_COURSE + "    quiz: quiz/q.yaml\n"


def _errors(folder: Path, lang: str = "fr") -> list[str]:
    with pytest.raises(CourseError) as caught:
        load_course(folder)
    return caught.value.format(lang).splitlines()


YAML_MISTAKES = [
    ("title: Cours : les bases\n",
     "course.yaml:2: YAML invalide : deux-points en trop dans un texte ; mettez le texte entre guillemets "
     "(texte: \"Titre : suite\")"),
    ("title: Cours\nmodules:\n\t- key: m1\n",
     "course.yaml:4: YAML invalide : tabulation interdite ; indentez avec des espaces"),
    ("title: Cours\nmodules:\n  - key: m1\n    title: M\n   pages: []\n",
     "course.yaml:6: YAML invalide : indentation incohérente ; alignez les clés d'un même niveau avec le même "
     "nombre d'espaces"),
    ("title: 'Cours\nmodules: []\n", "course.yaml:2: YAML invalide : guillemet ouvert ici et jamais fermé"),
    ("title: Cours\nkeywords: [a, b\n",
     "course.yaml:3: YAML invalide : « ] » manquant pour fermer la liste ouverte ici"),
    ("title: Cours\nlicence: {name: Etalab ?, url: x\n",
     "course.yaml:3: YAML invalide : « } » manquant pour fermer le dictionnaire ouvert ici "
     "(ou un texte à mettre entre guillemets)"),
    ("title: \"Cours\" de test\n",
     "course.yaml:2: YAML invalide : du texte suit un texte entre guillemets ; mettez toute la valeur entre guillemets"),
    ("title: @cours\n",
     "course.yaml:2: YAML invalide : un texte ne peut pas commencer par « @ » ; mettez-le entre guillemets"),
]


@pytest.mark.parametrize(("text", "expected"), YAML_MISTAKES)
def test_yaml_mistakes_are_explained_with_their_fix(write_course: CourseWriter, text: str, expected: str) -> None:
    course = "id: https://example.gouv.fr/cours/test\n" + text
    assert _errors(write_course({"course.yaml": course})) == [expected]


def test_yaml_mistake_in_english(write_course: CourseWriter) -> None:
    course = "id: https://example.gouv.fr/cours/test\ntitle: Cours : les bases\n"
    assert _errors(write_course({"course.yaml": course}), "en") == [
        "course.yaml:2: invalid YAML: a colon too many in a text; put the text in quotes (text: \"Title: more\")"]


def test_yaml_mistake_in_a_quiz_is_reported_with_the_course_errors(write_course: CourseWriter) -> None:
    course = QUIZ_COURSE.replace("title: Cours de test", "title: Cours de test\nduration: 2h")
    quiz = "questions:\n  - type: true-false\n    text: Vrai : ou faux ?\n    answer: vrai\n"
    errors = _errors(write_course({"course.yaml": course, "pages/intro.md": MINIMAL_PAGE, "quiz/q.yaml": quiz}))
    assert errors == [
        "course.yaml:3: duration: « 2h » n'est pas une durée ISO 8601 (PT1H30M…)",
        "quiz/q.yaml:3: YAML invalide : deux-points en trop dans un texte ; mettez le texte entre guillemets "
        "(texte: \"Titre : suite\")",
    ]


def test_a_wrong_module_value_does_not_hide_its_quiz_errors(write_course: CourseWriter) -> None:
    course = QUIZ_COURSE + "    mastery_score: 80\n"
    quiz = """
    title: Quiz
    questions:
      - type: true-false
        text: Q1
        answer: peut-être
      - type: choice
        text: Q2
        choices: [{text: a}, {text: b}]
      - type: numeric
        text: Q3
        min: 5
        max: 3
      - type: sequencing
        text: Q4
        items: [{id: a, text: A}, {id: b, text: B}]
        answer: [a, z]
      - type: true-false
        text: Q5
        answer: true
        weight: 0
    """
    errors = _errors(write_course({"course.yaml": course, "pages/intro.md": "Sans titre\n", "quiz/q.yaml": quiz}))
    assert errors == [
        "course.yaml:9: modules[0].mastery_score: doit être compris entre 0 et 1",
        "pages/intro.md:1: la page doit commencer par un titre de niveau 1 (# Titre)",
        "quiz/q.yaml:5: questions[0].answer: vrai ou faux attendu (true ou false)",
        "quiz/q.yaml:8: questions[1].choices: aucune réponse marquée correct: true",
        "quiz/q.yaml:11: questions[2].min: min doit être inférieur ou égal à max",
        "quiz/q.yaml:16: questions[3].answer: answer ne cite pas b : chaque élément doit y figurer une fois, "
        "dans l'ordre correct",
        "quiz/q.yaml:16: questions[3].answer[1]: « z » n'est pas un élément de items ; éléments : a, b",
        "quiz/q.yaml:20: questions[4].weight: doit être strictement positif",
    ]


def test_wrong_quiz_title_does_not_hide_question_errors(write_course: CourseWriter) -> None:
    quiz = "title: [Quiz]\nquestions:\n  - {type: true-false, text: Q, answer: peut-être}\n"
    errors = _errors(write_course({"course.yaml": QUIZ_COURSE, "pages/intro.md": MINIMAL_PAGE, "quiz/q.yaml": quiz}))
    assert errors == ["quiz/q.yaml:1: title: texte attendu",
                      "quiz/q.yaml:3: questions[0].answer: vrai ou faux attendu (true ou false)"]


@pytest.mark.parametrize(("answer", "expected"), [("vrai", "true"), ("Faux", "false"), ("false", "false"),
                                                  ("true", "true")])
def test_true_false_accepts_vrai_and_faux(write_course: CourseWriter, answer: str, expected: str) -> None:
    quiz = f"questions:\n  - {{type: true-false, text: Q, answer: {answer}}}\n"
    course = load_course(write_course({"course.yaml": QUIZ_COURSE, "pages/intro.md": MINIMAL_PAGE, "quiz/q.yaml": quiz}))
    assert course.modules[0].quiz.questions[0].correct_responses == (expected,)


def test_sequencing_names_repeated_ids(write_course: CourseWriter) -> None:
    quiz = "questions:\n  - type: sequencing\n    text: Q\n    items: [{id: a, text: A}, {id: b, text: B}]\n    answer: [a, a]\n"
    errors = _errors(write_course({"course.yaml": QUIZ_COURSE, "pages/intro.md": MINIMAL_PAGE, "quiz/q.yaml": quiz}))
    assert errors == [
        "quiz/q.yaml:5: questions[0].answer: answer ne cite pas b : chaque élément doit y figurer une fois, "
        "dans l'ordre correct",
        "quiz/q.yaml:5: questions[0].answer[1]: « a » est cité plusieurs fois",
    ]


def _parcours(*args: str, lang: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if key != "PARCOURS_LANG"}
    if lang:
        env["PARCOURS_LANG"] = lang
    script = Path(sys.executable).with_name("parcours")  # the installed command, named as authors type it
    return subprocess.run([str(script), *args], capture_output=True, text=True, env=env,
                          timeout=120)


def test_usage_errors_in_french_by_default(tmp_path: Path) -> None:
    result = _parcours("build", str(tmp_path), "--zzz")
    assert result.returncode == 2
    assert result.stderr == (
        "Utilisation : parcours build [OPTIONS] COURSE_DIR\n"
        "Essayez « parcours build --help » pour l'aide.\n\n"
        "Erreur : option inconnue : --zzz.\n"
    )
    guess = _parcours("build", str(tmp_path), "--ot")
    assert guess.stderr.endswith("Erreur : option inconnue : --ot. (Vouliez-vous dire l'une de : '--format', '--out' ?)\n")
    close = _parcours("build", str(tmp_path), "--outt")
    assert close.stderr.endswith("Erreur : option inconnue : --outt. Vouliez-vous dire --out ?\n")
    missing = _parcours("build")
    assert missing.returncode == 2 and missing.stderr.endswith("Erreur : argument manquant : COURSE_DIR.\n")
    choice = _parcours("build", str(tmp_path), "--lang", "de")
    assert choice.stderr.endswith("Erreur : valeur invalide pour '--lang' : 'de' n'est pas parmi 'fr', 'en'.\n")
    value = _parcours("build", str(tmp_path), "--out")
    assert value.returncode == 2 and value.stderr.endswith("Erreur : l'option --out demande une valeur.\n")
    extra = _parcours("build", str(tmp_path), "autre")
    assert extra.stderr.endswith("Erreur : argument(s) en trop : autre\n")


def test_validate_usage_errors_in_french_too() -> None:
    result = _parcours("validate")
    assert result.returncode == 2 and result.stderr.endswith("Erreur : argument manquant : FILES....\n")


def test_usage_errors_in_english_on_request(tmp_path: Path) -> None:
    by_option = _parcours("build", str(tmp_path), "--lang", "en", "--bogus")
    assert by_option.returncode == 2 and "Error: No such option '--bogus'" in by_option.stderr
    by_environment = _parcours("build", lang="en")
    assert "Error: Missing argument 'COURSE_DIR'." in by_environment.stderr


def test_unknown_format_usage_error_in_french(samples: Path, tmp_path: Path) -> None:
    result = _parcours("build", str(samples / "minimal"), "--format", "aicc", "--out", str(tmp_path))
    assert result.returncode == 2
    assert result.stderr.endswith(
        "Erreur : valeur invalide pour --format : format inconnu « aicc » ; "
        "choix : scorm12, scorm2004, cmi5, xapi, web\n")


def test_an_unknown_subcommand_is_named_in_french_with_the_closest_one() -> None:
    result = _parcours("buil")
    assert result.returncode == 2
    assert result.stderr == (
        "Utilisation : parcours [OPTIONS] COMMAND [ARGS]...\n"
        "Essayez « parcours --help » pour l'aide.\n\n"
        "Erreur : commande inconnue : buil. Vouliez-vous dire build ?\n"
    )
    english = _parcours("buil", lang="en")
    assert english.returncode == 2 and english.stderr.endswith("Error: No such command 'buil'. Did you mean 'build'?\n")
    nested = _parcours("credentials", "lister")
    assert nested.returncode == 2 and nested.stderr.endswith("Erreur : commande inconnue : lister. Vouliez-vous dire list ?\n")
    by_option = _parcours("serve", "--lang", "en", "--bogus")
    assert by_option.returncode == 2 and "Error: No such option '--bogus'" in by_option.stderr
