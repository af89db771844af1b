"""The accessibility statement a package carries: what the packager checked, when, and the result.

The checks are the packager's own, made on what it is about to ship: the pages as rendered,
the course's language and the theme's colours. They do not replace a full RGAA audit, and
the statement says so.
"""

from __future__ import annotations

import re
from typing import Any

from packager.course.model import Course
from packager.layout import STATIC_DIR, STYLESHEET
from packager.render import module_html
from validators.xapi import is_language_tag

STANDARD = "RGAA 4.1 / WCAG 2.1 AA"
MIN_CONTRAST = 4.5  # WCAG 2.1 AA, text of normal size
# (text colour, background colour) custom properties of the theme that the stylesheet pairs
THEME_PAIRS = (
    ("--pc-text", "--pc-background"),
    ("--pc-muted", "--pc-background"),
    ("--pc-accent", "--pc-background"),
    ("--pc-accent-text", "--pc-accent"),
    ("--pc-correct", "--pc-background"),
    ("--pc-incorrect", "--pc-background"),
    ("--pc-text", "--pc-note"),
    ("--pc-text", "--pc-tip"),
    ("--pc-text", "--pc-warning"),
    ("--pc-text", "--pc-important"),
)
SCOPE = {
    "fr": "Contrôles automatiques faits par parcours à la construction du paquet ; "
          "ils ne remplacent pas un audit RGAA complet.",
    "en": "Automatic checks made by parcours when building the package; "
          "they do not replace a full RGAA audit.",
}
LABELS = {
    "language": ("Langue du contenu déclarée (BCP 47)", "Content language declared (BCP 47)"),
    "headings": ("Un titre de niveau 1 par page, niveaux de titres sans saut",
                 "One level-1 heading a page, heading levels without gaps"),
    "images-alt": ("Texte alternatif de chaque image", "Alternative text on every image"),
    "media-captions": ("Sous-titres WebVTT et transcription de chaque audio et vidéo",
                       "WebVTT captions and a transcript for every audio and video"),
    "form-labels": ("Champs de quiz étiquetés, questions groupées avec leur intitulé (label, fieldset, legend)",
                    "Quiz fields labelled, questions grouped with their text (label, fieldset, legend)"),
    "contrast": ("Contraste des couleurs du thème d'au moins 4,5:1",
                 "Theme colour contrast of at least 4.5:1"),
}

_IMG = re.compile(r"<img\b[^>]*>")
_ALT = re.compile(r'\balt="([^"]*)"')
_HEADING = re.compile(r"<h([1-6])\b")
_MEDIA = re.compile(r"<(audio|video)\b.*?</\1>", re.S)
_LABEL_FOR = re.compile(r'<label for="([^"]+)"')
_CONTROL_ID = re.compile(r'<(?:input|select|textarea)\b[^>]*\bid="([^"]+)"')
_CUSTOM_PROPERTY = re.compile(r"(--pc-[a-z-]+)\s*:\s*(#[0-9a-fA-F]{6})\b")


def _check(check_id: str, checked: int, failures: list[str]) -> dict[str, Any]:
    fr, en = LABELS[check_id]
    return {
        "id": check_id,
        "label": {"fr": fr, "en": en},
        "checked": checked,
        "failures": failures,
        "result": "failed" if failures else "passed",
    }


def _pages(course: Course):
    for module in course.modules:
        for page in module.pages:
            yield module, page


def _language(course: Course) -> dict[str, Any]:
    failures = [] if is_language_tag(course.language) else [course.language]
    return _check("language", 1, failures)


def _headings(course: Course) -> dict[str, Any]:
    # a page's <h1> is its title, outside the rendered body: the body continues from level 1
    failures = []
    for module, page in _pages(course):
        previous = 1
        for level in (int(value) for value in _HEADING.findall(page.html)):
            if level == 1 or level > previous + 1:
                failures.append(page.source)
                break
            previous = level
    return _check("headings", sum(1 for _ in _pages(course)), failures)


def _images(course: Course) -> dict[str, Any]:
    checked, failures = 0, []
    for module, page in _pages(course):
        for tag in _IMG.findall(page.html):
            checked += 1
            alt = _ALT.search(tag)
            if alt is None or not alt.group(1).strip():
                failures.append(page.source)
    return _check("images-alt", checked, sorted(set(failures)))


def _media(course: Course) -> dict[str, Any]:
    checked, failures = 0, []
    for module, page in _pages(course):
        for match in _MEDIA.finditer(page.html):
            checked += 1
            if 'kind="captions"' not in match.group(0):
                failures.append(page.source)
    return _check("media-captions", checked, sorted(set(failures)))


def _forms(course: Course) -> dict[str, Any]:
    """Every quiz control of the rendered module has a label; every question a legend."""
    checked, failures = 0, []
    for module in course.modules:
        if module.quiz is None:
            continue
        html = module_html(course, module, "web").decode("utf-8")
        labelled = set(_LABEL_FOR.findall(html))
        controls = _CONTROL_ID.findall(html)
        checked += len(controls)
        if any(control not in labelled for control in controls):
            failures.append(module.key)
        elif html.count('<fieldset class="pc-question"') != html.count("<legend"):
            failures.append(module.key)
    return _check("form-labels", checked, failures)


def relative_luminance(colour: str) -> float:
    """WCAG 2.1 relative luminance of `#rrggbb`."""
    channels = []
    for index in (1, 3, 5):
        value = int(colour[index:index + 2], 16) / 255
        channels.append(value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4)
    red, green, blue = channels
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast_ratio(foreground: str, background: str) -> float:
    lighter, darker = sorted((relative_luminance(foreground), relative_luminance(background)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def _contrast() -> dict[str, Any]:
    css = (STATIC_DIR / STYLESHEET.rsplit("/", 1)[-1]).read_text(encoding="utf-8")
    colours = dict(_CUSTOM_PROPERTY.findall(css))
    failures = []
    for text, background in THEME_PAIRS:
        if text not in colours or background not in colours:
            failures.append(f"{text} / {background}")
        elif contrast_ratio(colours[text], colours[background]) < MIN_CONTRAST:
            failures.append(f"{text} / {background}")
    return _check("contrast", len(THEME_PAIRS), failures)


def accessibility_statement(course: Course) -> dict[str, Any]:
    """The statement of parcours-course.json (docs/course-format.md)."""
    checks = [_language(course), _headings(course), _images(course), _media(course), _forms(course), _contrast()]
    return {
        "standard": STANDARD,
        "date": course.accessibility_date,
        "scope": SCOPE,
        "checks": checks,
        "result": "failed" if any(check["failures"] for check in checks) else "passed",
    }

