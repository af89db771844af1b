"""Themes: the neutral default and the state-service theme, with the course's logo."""

from __future__ import annotations

import pytest

from packager.course import CourseError, load_course
from packager.formats import FORMATS
from packager.render import index_html, module_html
from tests.packager.conftest import MINIMAL_COURSE, MINIMAL_PAGE, CourseWriter

LOGO = "<svg xmlns='http://www.w3.org/2000/svg'/>"


def test_neutral_theme_by_default(write_course: CourseWriter) -> None:
    course = load_course(write_course({"course.yaml": MINIMAL_COURSE, "pages/intro.md": MINIMAL_PAGE}))
    html = module_html(course, course.modules[0], "scorm12").decode()
    assert course.theme == "neutre" and '<body class="pc-theme-neutre">' in html
    assert "theme-etat.css" not in html and "pc-brand" not in html
    assert "static/theme-etat.css" not in FORMATS["scorm12"].package(course).files


def test_state_theme_with_administration_and_logo(write_course: CourseWriter) -> None:
    text = MINIMAL_COURSE.replace("title: Cours de test", "title: Cours de test\ntheme: etat\n"
                                  "logo: {file: media/logo.svg, alt: Ministère de l'exemple}\n"
                                  "authors: [{name: Équipe, organisation: Ministère de l'exemple}]")
    course = load_course(write_course({"course.yaml": text, "pages/intro.md": MINIMAL_PAGE, "media/logo.svg": LOGO}))
    assert course.administration == "Ministère de l'exemple" and "media/logo.svg" in course.assets
    html = module_html(course, course.modules[0], "cmi5").decode()
    assert '<link rel="stylesheet" href="../../static/theme-etat.css">' in html
    assert '<img class="pc-logo" src="../../files/media/logo.svg" alt="Ministère de l&#39;exemple">' in html
    assert '<p class="pc-administration">Ministère de l&#39;exemple</p>' in html
    home = index_html(course, "web").decode()
    assert '<img class="pc-logo" src="files/media/logo.svg"' in home and 'href="static/theme-etat.css"' in home
    for name in FORMATS:
        assert "static/theme-etat.css" in FORMATS[name].package(course).files


def test_unknown_theme_is_refused(write_course: CourseWriter) -> None:
    text = MINIMAL_COURSE.replace("title: Cours de test", "title: Cours de test\ntheme: dsfr")
    with pytest.raises(CourseError) as caught:
        load_course(write_course({"course.yaml": text, "pages/intro.md": MINIMAL_PAGE}))
    assert caught.value.format() == "course.yaml:3: theme: valeur attendue parmi : neutre, etat"


def test_state_theme_colours_pass_the_contrast_check() -> None:
    from packager.accessibility import _CUSTOM_PROPERTY, THEME_PAIRS, _contrast, contrast_ratio
    from packager.layout import STATIC_DIR

    theme = dict(_CUSTOM_PROPERTY.findall((STATIC_DIR / "theme-etat.css").read_text(encoding="utf-8")))
    base = dict(_CUSTOM_PROPERTY.findall((STATIC_DIR / "parcours.css").read_text(encoding="utf-8")))
    colours = {**base, **theme}
    assert theme["--pc-text"] == "#161616"  # the theme's own colours are the ones judged
    assert all(contrast_ratio(colours[a], colours[b]) >= 4.5 for a, b in THEME_PAIRS)
    assert _contrast("etat")["failures"] == [] and _contrast("etat")["checked"] == len(THEME_PAIRS)
