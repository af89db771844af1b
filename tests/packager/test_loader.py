"""The course loader: a checked model from the samples, and every mistake located by file and line."""

from __future__ import annotations

from pathlib import Path

import pytest

from packager.course import CourseError, load_course
from packager.course.model import ETALAB_NAME, ETALAB_URL
from tests.packager.conftest import MINIMAL_COURSE, MINIMAL_PAGE, CourseWriter

VTT = "WEBVTT\n\n00:00.000 --> 00:01.000\nBonjour.\n"


def test_sample_course_loads_with_every_question_type(sample_course: Path) -> None:
    course = load_course(sample_course)
    assert course.language == "fr"
    assert len(course.modules) >= 3
    assert sum(len(module.pages) for module in course.modules) >= 12
    types = {q.type for m in course.modules if m.quiz for q in m.quiz.questions}
    assert types == {"choice", "true-false", "fill-in", "numeric", "matching", "sequencing"}
    assert any(q.multiple for m in course.modules if m.quiz for q in m.quiz.questions)
    assert course.licence.name == ETALAB_NAME
    assert any(asset.endswith(".vtt") for asset in course.assets)
    assert any(asset.endswith(".svg") for asset in course.assets)


def test_minimal_course_gets_defaults(write_course: CourseWriter) -> None:
    course = load_course(write_course({"course.yaml": MINIMAL_COURSE, "pages/intro.md": MINIMAL_PAGE}))
    assert course.language == "fr"
    assert course.licence.name == ETALAB_NAME and course.licence.url == ETALAB_URL
    module = course.modules[0]
    assert module.id == "https://example.gouv.fr/cours/test/modules/m1"
    assert module.completion == "pages" and module.mastery_score is None
    assert [(p.key, p.title) for p in module.pages] == [("intro", "Introduction")]
    assert "<h1" not in module.pages[0].html  # the template writes the heading


def test_language_map_title(write_course: CourseWriter) -> None:
    text = MINIMAL_COURSE.replace("title: Cours de test", "title: {fr: Cours de test, en: Test course}")
    course = load_course(write_course({"course.yaml": text, "pages/intro.md": MINIMAL_PAGE}))
    assert course.title.get("en") == "Test course" and course.title_text() == "Cours de test"


def test_answers_become_xapi_patterns(sample_course: Path) -> None:
    course = load_course(sample_course)
    questions = {q.key: q for m in course.modules if m.quiz for q in m.quiz.questions}
    assert questions["bonnes-pratiques"].correct_responses == ("lien[,]tri",)
    assert questions["economiseur"].correct_responses == ("false",)
    assert questions["part-electricite"].correct_responses == ("8[:]12",)
    assert questions["calcul"].correct_responses == ("100",)
    assert questions["lien"].correct_responses == ("lien", "un lien")
    assert questions["outils"].correct_responses == ("versions[.]historique[,]hors-ligne[.]dossier[,]diffusion[.]partage",)
    assert questions["cycle"].correct_responses == ("extraction[,]fabrication[,]utilisation[,]recyclage",)
    assert questions["camera"].choices[1].id == "b"  # ids default to letters


def _errors(folder: Path) -> list[str]:
    with pytest.raises(CourseError) as caught:
        load_course(folder)
    return caught.value.format("fr").splitlines()


COURSE_MISTAKES = [
    ("id: https://example.gouv.fr/cours/test", "id: pas un iri", "course.yaml:1: id: « pas un iri » : les IRI des modules"),
    ("id: https://example.gouv.fr/cours/test", "id: https://example.gouv.fr/cours#test", "course.yaml:1: id: « https://example.gouv.fr/cours#test » : les IRI"),
    ("id: https://example.gouv.fr/cours/test", "id: 'http://'", "course.yaml:1: id: « http:// » : les IRI"),
    ("title: Cours de test", "title: Cours de test\ntitle: Autre", "course.yaml:3: « title » est écrit deux fois au même niveau"),
    ("title: Cours de test", "title: " + "T" * 201, "course.yaml:2: title: titre trop long : 200 caractères au plus"),
    ("title: Cours de test", "title: {en: Test, de: Test}", "course.yaml:2: title: le texte manque dans la langue du cours (fr) ; langues données : en, de"),
    ("title: Cours de test", "title: Cours\nlanguage: fr_FR", "course.yaml:3: language: « fr_FR »"),
    ("title: Cours de test", "title: Cours\nduration: 2h", "course.yaml:3: duration: « 2h » n'est pas une durée"),
    ("title: Cours de test", "title: Cours\nmastery_score: 1.5", "course.yaml:3: mastery_score: doit être compris entre 0 et 1"),
    ("title: Cours de test", "title: Cours\nversion: 1.0", "course.yaml:3: version: version attendue"),
    ("title: Cours de test", "title: Cours\ncolor: red", "course.yaml:3: color: champ inconnu"),
    ("title: Cours de test", "title: Cours\naccessibility:\n  date: 2026-02-30", "course.yaml:4: accessibility.date: « 2026-02-30 » n'est pas une date"),
    ("title: Cours de test", "title: Cours\naccessibility: {}", "course.yaml:3: accessibility.date: champ obligatoire manquant"),
    ("title: Cours de test\n", "", "course.yaml:1: title: champ obligatoire manquant"),
    ("      - pages/intro.md", "      - pages/absente.md", "course.yaml:7: modules[0].pages[0]: fichier de page pages/absente.md introuvable"),
    ("      - pages/intro.md", "      - ../dehors.md", "course.yaml:7: modules[0].pages[0]: le chemin ../dehors.md sort du dossier du cours"),
    ("  - key: m1", "  - key: M 1", "course.yaml:4: modules[0].key: « M 1 » n'est pas une clé valide"),
    ("    title: Module un", "    title: Module un\n    completion: quiz", "course.yaml:6: modules[0].completion: la règle d'achèvement « quiz » demande un quiz"),
    ("    title: Module un", "    title: Module un\n    quiz: quiz/absent.yaml", "course.yaml:6: modules[0].quiz: fichier de quiz quiz/absent.yaml introuvable"),
]


@pytest.mark.parametrize(("old", "new", "expected"), COURSE_MISTAKES)
def test_course_yaml_mistakes_name_file_and_line(write_course: CourseWriter, old: str, new: str, expected: str) -> None:
    text = MINIMAL_COURSE.lstrip("\n").replace(old, new, 1)
    errors = _errors(write_course({"course.yaml": text, "pages/intro.md": MINIMAL_PAGE}))
    assert any(line.startswith(expected) for line in errors), errors


def test_duplicate_module_key(write_course: CourseWriter) -> None:
    text = MINIMAL_COURSE + "  - key: m1\n    title: Bis\n    pages: [pages/intro.md]\n"
    errors = _errors(write_course({"course.yaml": text, "pages/intro.md": MINIMAL_PAGE}))
    assert errors == ["course.yaml:8: modules[1].key: clé « m1 » déjà utilisée"]


def test_yaml_syntax_error_has_its_line(write_course: CourseWriter) -> None:
    errors = _errors(write_course({"course.yaml": "id: a\ntitle: [oops\n", "pages/intro.md": MINIMAL_PAGE}))
    assert errors == ["course.yaml:2: YAML invalide : « ] » manquant pour fermer la liste ouverte ici"]


def test_all_errors_at_once_across_files(write_course: CourseWriter) -> None:
    text = MINIMAL_COURSE.replace("title: Cours de test", "title: Cours\nduration: deux heures")
    folder = write_course({"course.yaml": text, "pages/intro.md": "# Titre\n\n![](image.png)\n"})
    errors = _errors(folder)
    assert any(e.startswith("course.yaml:3: duration") for e in errors)
    assert any(e.startswith("pages/intro.md:3: image image.png sans texte alternatif") for e in errors)


def test_messages_in_english(write_course: CourseWriter) -> None:
    folder = write_course({"course.yaml": MINIMAL_COURSE.replace("pages/intro.md", "pages/x.md"),
                           "pages/intro.md": MINIMAL_PAGE})
    with pytest.raises(CourseError) as caught:
        load_course(folder)
    assert caught.value.format("en") == "course.yaml:7: modules[0].pages[0]: page file pages/x.md not found"


PAGE_MISTAKES = [
    ("# T\n\nTexte\n\n![](../media/a.svg)\n", "pages/intro.md:5: image ../media/a.svg sans texte alternatif"),
    ("# T\n\n![Un schéma](https://cdn.example.com/a.png)\n", "pages/intro.md:3: l'image https://cdn.example.com/a.png doit être dans le dossier du cours"),
    ("# T\n\nLigne\n![Un schéma](../media/absent.svg)\n", "pages/intro.md:4: fichier média ../media/absent.svg introuvable"),
    ("# T\n\n![Un schéma](<../media/schéma absent.svg>)\n", "pages/intro.md:3: fichier média ../media/schéma absent.svg introuvable"),
    ("Pas de titre\n", "pages/intro.md:1: la page doit commencer par un titre de niveau 1"),
    ("# T\n\n### Trop bas\n", "pages/intro.md:3: titre de niveau 3 après un niveau 1"),
    ("# T\n\n# Encore\n", "pages/intro.md:3: un seul titre de niveau 1 par page"),
    ("#\n\nTexte\n", "pages/intro.md:1: titre vide"),
    ("# T\n\n## \n", "pages/intro.md:3: titre vide"),
    ("# T\n\n::: danger\nx\n:::\n", "pages/intro.md:3: encadré « danger » inconnu"),
    ("# T\n\n::: tip\nx\n\nSuite de la page\n", "pages/intro.md:3: encadré « tip » jamais fermé"),
    ("# T\n\n```medias\nsrc: ../media/son.ogg\n```\n", "pages/intro.md:3: bloc « medias » : un lecteur audio ou vidéo s'écrit ```media"),
    ("# T\n\n![Le guide](../media/fiche.pdf)\n", "pages/intro.md:3: ../media/fiche.pdf n'est pas une image"),
    ("# T\n\n```media\nsrc: ../media/son.ogg\n```\n", "pages/intro.md:3: le média ../media/son.ogg doit avoir un fichier de sous-titres WebVTT"),
    ("# T\n\n```media\nsrc: ../media/son.ogg\ncaptions: ../media/faux.vtt\n```\n", "pages/intro.md:3: ../media/faux.vtt n'est pas un fichier WebVTT"),
    ("# T\n\n```media\nsrc: ../media/a.svg\ncaptions: ../media/son.vtt\n```\n", "pages/intro.md:3: type de média non pris en charge"),
    ("# T\n\n```media\nsrc: ../media/son.ogg\ncaptions: ../media/son.vtt\nautoplay: true\n```\n", "pages/intro.md:3: bloc media : clé inconnue autoplay ; clés possibles : src, captions"),
    ("# T\n\n```media\nsrc: ../media/son.ogg\ncaptions: ../media/son.vtt\nlanguage: fr_FR\n```\n", "pages/intro.md:3: « fr_FR » n'est pas"),
    ("# T\n\n```media\nsrc: ../media/son.ogg\ncaptions: ../media/son.vtt\ntitle: Vidéo : partie 1\n```\n", "pages/intro.md:6: YAML invalide : deux-points en trop"),
    ("# T\n\n[La suite](autre.md)\n", "pages/intro.md:3: lien vers autre.md : une page Markdown ou un fichier YAML est une source du cours"),
    ("# T\n\n[La fiche](../media/fiche.pdf)\n", "pages/intro.md:3: lien vers ../media/fiche.pdf : fichier introuvable"),
]


@pytest.mark.parametrize(("page", "expected"), PAGE_MISTAKES)
def test_page_mistakes_name_file_and_line(write_course: CourseWriter, page: str, expected: str) -> None:
    folder = write_course({
        "course.yaml": MINIMAL_COURSE, "pages/intro.md": page, "media/a.svg": "<svg xmlns='http://www.w3.org/2000/svg'/>",
        "media/son.ogg": b"OggS", "media/son.vtt": VTT, "media/faux.vtt": "pas du vtt\n",
    })
    errors = _errors(folder)
    assert any(line.startswith(expected) for line in errors), errors


def test_page_not_utf8(write_course: CourseWriter) -> None:
    errors = _errors(write_course({"course.yaml": MINIMAL_COURSE, "pages/intro.md": "# Été\n".encode("latin-1")}))
    assert errors == ["pages/intro.md:1: le fichier n'est pas en UTF-8"]


def test_media_block_renders_player_captions_and_transcript(write_course: CourseWriter) -> None:
    page = "# T\n\n```media\nsrc: ../media/son.ogg\ncaptions: ../media/son.vtt\ntitle: Le son\n```\n\n[Fiche](../media/fiche.pdf)\n"
    folder = write_course({"course.yaml": MINIMAL_COURSE, "pages/intro.md": page, "media/son.ogg": b"OggS",
                           "media/son.vtt": VTT, "media/fiche.pdf": b"%PDF-1.4\n"})
    module = load_course(folder).modules[0]
    html = module.pages[0].html
    assert '<audio controls' in html and 'src="../../files/media/son.ogg"' in html
    assert '<track kind="captions" src="../../files/media/son.vtt" srclang="fr"' in html
    assert "<summary>Transcription</summary><p>Bonjour.</p>" in html
    assert 'href="../../files/media/fiche.pdf"' in html
    assert module.assets == ("media/fiche.pdf", "media/son.ogg", "media/son.vtt")


QUIZ_COURSE = MINIMAL_COURSE + "    quiz: quiz/q.yaml\n"

QUIZ_MISTAKES = [
    ("questions: []\n", "quiz/q.yaml:1: questions: la liste ne peut pas être vide"),
    ("questions:\n  - type: essay\n    text: Q\n", "quiz/q.yaml:2: questions[0].type: valeur attendue parmi"),
    ("questions:\n  - type: choice\n    text: Q\n    choices:\n      - text: a\n      - text: b\n",
     "quiz/q.yaml:4: questions[0].choices: aucune réponse marquée correct: true"),
    ("questions:\n  - type: choice\n    text: Q\n    choices:\n      - {text: a, correct: true}\n      - {text: b, correct: true}\n",
     "quiz/q.yaml:4: questions[0].choices: question à réponse unique avec plusieurs réponses correctes"),
    ("questions:\n  - type: numeric\n    text: Q\n    min: 3\n", "quiz/q.yaml:2: questions[0].max: indiquez answer"),
    ("questions:\n  - type: numeric\n    text: Q\n    min: 5\n    max: 3\n", "quiz/q.yaml:4: questions[0].min: min doit être inférieur"),
    ("questions:\n  - type: true-false\n    text: Q\n    answer: peut-être\n", "quiz/q.yaml:4: questions[0].answer: vrai ou faux attendu (true ou false)"),
    ("questions:\n  - type: numeric\n    text: Q\n    answer: .nan\n", "quiz/q.yaml:4: questions[0].answer: nombre attendu"),
    ("questions:\n  - type: choice\n    text: Q\n    choices: [" + ", ".join(f"{{text: c{n}}}" for n in range(37)) + "]\n",
     "quiz/q.yaml:4: questions[0].choices: 36 propositions au plus par question"),
    ("questions:\n  - type: numeric\n    text: Q\n    answer: '64,5'\n", "quiz/q.yaml:4: questions[0].answer: nombre attendu, sans guillemets, avec un point"),
    ("questions:\n  - type: fill-in\n    text: Q\n", "quiz/q.yaml:2: questions[0].answers: champ obligatoire manquant"),
    ("questions:\n  - type: matching\n    text: Q\n    source: [{id: a, text: A}]\n    target: [{id: x, text: X}]\n    answer: {a: y}\n",
     "quiz/q.yaml:6: questions[0].answer.a: identifiant « y » inconnu"),
    ("questions:\n  - type: sequencing\n    text: Q\n    items: [{id: a, text: A}, {id: b, text: B}]\n    answer: [a, c]\n",
     "quiz/q.yaml:5: questions[0].answer[1]: « c » n'est pas un élément de items ; éléments : a, b"),
    ("questions:\n  - {type: true-false, text: Q, answer: true, key: q}\n  - {type: true-false, text: R, answer: true, key: q}\n",
     "quiz/q.yaml:3: questions[1].key: clé « q » déjà utilisée"),
    ("questions:\n  - type: true-false\n    text: Q\n    answer: true\n    weight: 0\n", "quiz/q.yaml:5: questions[0].weight: doit être strictement positif"),
    ("questions: [oops\n", "quiz/q.yaml:1: YAML invalide : « ] » manquant pour fermer la liste ouverte ici"),
]


@pytest.mark.parametrize(("quiz", "expected"), QUIZ_MISTAKES)
def test_quiz_mistakes_name_file_and_line(write_course: CourseWriter, quiz: str, expected: str) -> None:
    errors = _errors(write_course({"course.yaml": QUIZ_COURSE, "pages/intro.md": MINIMAL_PAGE, "quiz/q.yaml": quiz}))
    assert any(line.startswith(expected) for line in errors), errors


def test_quiz_module_defaults_to_quiz_completion_and_course_mastery(write_course: CourseWriter) -> None:
    quiz = "title: Le quiz\nquestions:\n  - {type: true-false, text: Vrai, answer: true}\n"
    text = QUIZ_COURSE.replace("title: Cours de test", "title: Cours de test\nmastery_score: 0.75")
    module = load_course(write_course({"course.yaml": text, "pages/intro.md": MINIMAL_PAGE, "quiz/q.yaml": quiz})).modules[0]
    assert module.completion == "quiz" and module.mastery_score == 0.75
    assert module.quiz.id == "https://example.gouv.fr/cours/test/modules/m1/quiz"
    assert module.quiz.questions[0].id == module.quiz.id + "/q1"
