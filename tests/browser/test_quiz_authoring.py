"""Quiz authoring in chromium: a pool drawn per attempt (kept on resume), feedback per
choice, and an attempt limit that makes the result final."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest
from playwright.sync_api import Page

from packager.build import build_packages
from tests.browser.conftest import ConsoleWatch
from tests.browser.learner import wait_ready
from tests.browser.server import LiveServer

pytestmark = pytest.mark.browser

COURSE = """
id: https://example.gouv.fr/cours/pool
title: Cours à tirage
modules:
  - key: m1
    title: Module
    pages: [pages/intro.md]
    quiz: quiz/q.yaml
    mastery_score: 1
    attempts: 2
"""
QUIZ = """
draw: 2
questions:
  - key: a
    type: choice
    text: Choisissez Oui.
    choices:
      - {id: oui, text: Oui, correct: true, feedback: Oui était attendu.}
      - {id: non, text: Non, feedback: Non n'est pas la bonne réponse.}
  - {key: b, type: choice, text: Choisissez Oui., choices: [{id: oui, text: Oui, correct: true, feedback: Bien.}, {id: non, text: Non, feedback: Non n'est pas la bonne réponse.}]}
  - {key: c, type: choice, text: Choisissez Oui., choices: [{id: oui, text: Oui, correct: true, feedback: Bien.}, {id: non, text: Non, feedback: Non n'est pas la bonne réponse.}]}
  - {key: d, type: choice, text: Choisissez Oui., choices: [{id: oui, text: Oui, correct: true, feedback: Bien.}, {id: non, text: Non, feedback: Non n'est pas la bonne réponse.}]}
"""


@pytest.fixture
def site(tmp_path: Path, server: LiveServer) -> str:
    course = tmp_path / "pool"
    for name, text in {"course.yaml": COURSE, "pages/intro.md": "# Intro\n\nTexte.\n", "quiz/q.yaml": QUIZ}.items():
        (course / name).parent.mkdir(parents=True, exist_ok=True)
        (course / name).write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    (built,) = build_packages(course, ["web"], tmp_path / "dist")
    server.serve_package(built.path)
    return f"{server.base}/pkg/modules/m1/index.html"


def _drawn(page: Page) -> list[str]:
    return page.eval_on_selector_all("fieldset.pc-question:not([hidden])", "fs => fs.map(f => f.dataset.question)")


def _answer_no(page: Page) -> None:
    for key in _drawn(page):
        page.check(f"fieldset[data-question='{key}'] input[value='non']")
    page.click("button[type=submit]")


def test_pool_feedback_and_attempt_limit(page: Page, site: str, console: ConsoleWatch) -> None:
    page.goto(site)
    wait_ready(page.main_frame)
    page.evaluate("() => window.parcours.module.show('quiz', true)")
    first = _drawn(page)
    assert len(first) == 2 and set(first) <= {"a", "b", "c", "d"}
    numbers = page.eval_on_selector_all("fieldset.pc-question:not([hidden]) .pc-question-number",
                                        "ns => ns.map(n => n.textContent)")
    assert numbers == ["1.", "2."]
    draw = page.evaluate("() => window.parcours.module.progress.draw")
    assert draw["keys"] == first and isinstance(draw["seed"], int)

    # the draw of the attempt survives a reload (it travels with the bookmark)
    page.reload()
    wait_ready(page.main_frame)
    assert _drawn(page) == first
    assert page.evaluate("() => window.parcours.module.progress.draw.seed") == draw["seed"]

    _answer_no(page)
    feedback = page.locator(f"[data-feedback='{first[0]}']").inner_text()
    assert feedback.startswith("Réponse incorrecte. Non n'est pas la bonne réponse.")
    assert page.locator(".pc-result").inner_text() == (
        "Score : 0 % Score insuffisant (seuil de réussite : 100 %) : relisez le module et réessayez. Tentative(s) restante(s) : 1.")
    page.click("button[data-action=retry]")
    second = page.evaluate("() => window.parcours.module.progress.draw")
    assert second["seed"] != draw["seed"] and len(_drawn(page)) == 2

    _answer_no(page)
    assert page.locator(".pc-result").inner_text().endswith(
        "Vous avez utilisé vos 2 tentative(s) : le résultat est définitif.")
    assert page.locator("button[data-action=retry]").is_hidden()
    saved = page.evaluate("() => JSON.parse(JSON.parse(localStorage.getItem('parcours:' +"
                          " window.parcours.module.config.module.id)).suspend)")
    assert saved["n"] == 2 and saved["d"]["keys"] == _drawn(page)
