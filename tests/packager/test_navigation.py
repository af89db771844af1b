"""Course navigation in the built pages: new-window links, course home, cover, cross-module config."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from packager.course import CourseError, load_course
from packager.formats import FORMATS
from packager.render import index_html, module_config, module_html
from tests.packager.conftest import MINIMAL_COURSE, MINIMAL_PAGE, CourseWriter

MENTION = ('<span class="pc-new-window"><span class="pc-sr-only"> (nouvelle fenêtre)</span>'
           '<span aria-hidden="true"> ↗</span></span>')
TWO_MODULES = MINIMAL_COURSE + "  - key: m2\n    title: Module deux\n    pages: [pages/intro.md]\n"


def test_downloads_and_outside_pages_open_a_new_window_and_say_so(write_course: CourseWriter) -> None:
    page = ("# T\n\n[La fiche (PDF)](../media/fiche.pdf), [le site](https://www.example.gouv.fr/),"
            " [plus bas](#suite) et [écrire](mailto:a@example.fr).\n")
    folder = write_course({"course.yaml": MINIMAL_COURSE, "pages/intro.md": page, "media/fiche.pdf": b"%PDF-1.4\n"})
    html = load_course(folder).modules[0].pages[0].html
    assert (f'<a href="../../files/media/fiche.pdf" target="_blank" rel="noopener">La fiche (PDF){MENTION}</a>'
            in html)
    assert f'<a href="https://www.example.gouv.fr/" target="_blank" rel="noopener">le site{MENTION}</a>' in html
    assert '<a href="#suite">plus bas</a>' in html
    assert '<a href="mailto:a@example.fr">écrire</a>' in html


def test_mention_in_english(write_course: CourseWriter) -> None:
    course = MINIMAL_COURSE.replace("title: Cours de test", "title: Test\nlanguage: en")
    folder = write_course({"course.yaml": course, "pages/intro.md": "# T\n\n[Site](https://example.org/)\n"})
    assert '<span class="pc-sr-only"> (new window)</span>' in load_course(folder).modules[0].pages[0].html


@pytest.mark.parametrize("package_format", list(FORMATS))
def test_licence_link_opens_a_new_window_in_every_format(write_course: CourseWriter, package_format: str) -> None:
    course = load_course(write_course({"course.yaml": MINIMAL_COURSE, "pages/intro.md": MINIMAL_PAGE}))
    html = module_html(course, course.modules[0], package_format).decode()
    assert re.search(r'rel="license" target="_blank">Licence Ouverte / Etalab 2.0' + re.escape(MENTION), html)


def test_web_modules_know_their_neighbours(write_course: CourseWriter) -> None:
    course = load_course(write_course({"course.yaml": TWO_MODULES, "pages/intro.md": MINIMAL_PAGE}))
    first, second = course.modules
    assert module_config(course, first, "web")["navigation"] == {
        "home": "../../index.html", "previous": None, "next": {"url": "../m2/index.html", "title": "Module deux"}}
    assert module_config(course, second, "web")["navigation"]["previous"] == {
        "url": "../m1/index.html", "title": "Module un"}
    assert "navigation" not in module_config(course, first, "scorm12")
    assert "../../index.html" in module_html(course, first, "web").decode()
    assert "pc-home" not in module_html(course, first, "cmi5").decode()


def test_course_home_with_cover_facts_and_module_cards(write_course: CourseWriter) -> None:
    text = TWO_MODULES.replace("title: Cours de test", "title: Cours de test\nduration: PT1H30M\n"
                               "description: Pour bien accueillir.\ncover: {file: media/couverture.svg, alt: ''}")
    folder = write_course({"course.yaml": text, "pages/intro.md": MINIMAL_PAGE,
                           "media/couverture.svg": "<svg xmlns='http://www.w3.org/2000/svg'/>"})
    course = load_course(folder)
    assert "media/couverture.svg" in course.assets
    html = index_html(course, "web").decode()
    assert '<img class="pc-cover" src="files/media/couverture.svg" alt="">' in html
    assert "<dt>Durée estimée</dt><dd>1 h 30 min</dd>" in html
    assert html.count('class="pc-module-card"') == 2
    assert '<p class="pc-module-progress" data-module-progress="m2">Non commencé</p>' in html
    home = json.loads(re.search(r'<script type="application/json" id="pc-home">(.*?)</script>', html).group(1))
    assert home["modules"][1] == {"key": "m2", "id": "https://example.gouv.fr/cours/test/modules/m2",
                                  "pages": ["intro"], "completion": "pages", "masteryScore": None}
    assert 'id="pc-home"' not in index_html(course, "xapi").decode()


def test_cover_must_be_an_image_in_the_course(write_course: CourseWriter) -> None:
    text = MINIMAL_COURSE.replace("title: Cours de test", "title: Cours de test\ncover: media/notes.txt")
    folder = write_course({"course.yaml": text, "pages/intro.md": MINIMAL_PAGE, "media/notes.txt": "x"})
    with pytest.raises(CourseError) as caught:
        load_course(folder)
    assert caught.value.format() == "course.yaml:3: cover: media/notes.txt n'est pas une image (png, jpg, gif, svg, webp)"
    missing = write_course({"course.yaml": text.replace("notes.txt", "absente.png"), "pages/intro.md": MINIMAL_PAGE},
                           name="autre")
    with pytest.raises(CourseError) as caught:
        load_course(missing)
    assert caught.value.format() == "course.yaml:3: cover: fichier média media/absente.png introuvable"
