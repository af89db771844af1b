"""A learner at the keyboard: walks a module page by page and answers its quiz,
with Tab, Enter, Space and the arrow keys only (never a mouse click)."""

from __future__ import annotations

import math
from typing import Any

from playwright.sync_api import Frame, Page

MAX_TABS = 200

_ACTIVE = """() => {
  const e = document.activeElement;
  if (!e || !document.hasFocus()) return null;
  return {tag: e.tagName, name: e.name || "", value: e.value || "", type: e.type || "",
          action: e.getAttribute("data-action") || "", checked: !!e.checked,
          page: e.closest("section.pc-page") ? e.closest("section.pc-page").dataset.page : null};
}"""


def read_config(frame: Frame) -> dict[str, Any]:
    return frame.evaluate("() => JSON.parse(document.getElementById('pc-config').textContent)")


def active(frame: Frame) -> dict[str, Any] | None:
    return frame.evaluate(_ACTIVE)


def visible_page(frame: Frame) -> str | None:
    return frame.evaluate(
        "() => { const s = [...document.querySelectorAll('section.pc-page')].filter(s => !s.hidden);"
        " return s.length === 1 ? s[0].dataset.page : null; }"
    )


def progress_text(frame: Frame) -> str:
    return frame.evaluate("() => document.querySelector('.pc-progress').textContent")


def tab_to(page: Page, frame: Frame, **want: Any) -> dict[str, Any]:
    """Presses Tab until the focused element has every attribute in `want`."""
    seen = []
    for _ in range(MAX_TABS):
        now = active(frame)
        if now and all(now.get(k) == v for k, v in want.items()):
            return now
        seen.append(now)
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached {want}; last focused elements: {seen[-5:]}")


def wait_ready(frame: Frame) -> None:
    """Waits until the runtime has connected to whatever launched it."""
    frame.wait_for_function("() => window.parcours && window.parcours.module.connected", timeout=15000)


def press_next(page: Page, frame: Frame) -> None:
    tab_to(page, frame, tag="BUTTON", action="next")
    page.keyboard.press("Enter")


# -- answers -------------------------------------------------------------------

def _strip_prefixes(pattern: str) -> str:
    while pattern.startswith("{") and "}" in pattern:
        pattern = pattern[pattern.index("}") + 1:]
    return pattern


def _numeric_bounds(pattern: str) -> tuple[float, float]:
    if "[:]" in pattern:
        low, high = pattern.split("[:]")
        return (float(low) if low else -math.inf, float(high) if high else math.inf)
    return float(pattern), float(pattern)


def _decimal_comma(value: float) -> str:
    text = f"{value:g}"
    return text.replace(".", ",")


def right_answers(config: dict[str, Any]) -> dict[str, Any]:
    """The first correct response of every question, as a learner would enter it."""
    answers = {}
    for q in config["quiz"]["questions"]:
        pattern = q["correctResponsesPattern"][0]
        kind = q["type"]
        if kind == "choice":
            answers[q["key"]] = pattern.split("[,]")
        elif kind == "true-false":
            answers[q["key"]] = pattern
        elif kind == "fill-in":
            answers[q["key"]] = _strip_prefixes(pattern)
        elif kind == "numeric":
            low, high = _numeric_bounds(pattern)
            answers[q["key"]] = _decimal_comma(low if low != -math.inf else high)
        elif kind == "matching":
            answers[q["key"]] = dict(pair.split("[.]") for pair in pattern.split("[,]"))
        elif kind == "sequencing":
            answers[q["key"]] = {item: str(rank) for rank, item in enumerate(pattern.split("[,]"), start=1)}
    return answers


def wrong_answers(config: dict[str, Any]) -> dict[str, Any]:
    """An answer to every question that none of its patterns accepts."""
    answers = {}
    right = right_answers(config)
    for q in config["quiz"]["questions"]:
        key, kind = q["key"], q["type"]
        if kind == "choice":
            ids = [c["id"] for c in q["choices"]]
            wrong = [i for i in ids if i not in right[key]]
            answers[key] = wrong[:1] if not q.get("multiple") else (wrong or ids[:1])
        elif kind == "true-false":
            answers[key] = "false" if right[key] == "true" else "true"
        elif kind == "fill-in":
            answers[key] = "réponse sans rapport"
        elif kind == "numeric":
            low, high = _numeric_bounds(q["correctResponsesPattern"][0])
            answers[key] = _decimal_comma(high + 1000 if high != math.inf else low - 1000)
        elif kind == "matching":
            sources = list(right[key])
            targets = [right[key][s] for s in sources]
            rotated = targets[1:] + targets[:1]
            answers[key] = dict(zip(sources, rotated))
        elif kind == "sequencing":
            order = sorted(right[key], key=lambda item: int(right[key][item]))
            answers[key] = {item: str(rank) for rank, item in enumerate(reversed(order), start=1)}
    return answers


def _choose_in_select(page: Page, frame: Frame, name: str, value: str) -> None:
    tab_to(page, frame, tag="SELECT", name=name)
    for _ in range(30):
        if active(frame)["value"] == value:
            return
        page.keyboard.press("ArrowDown")
    raise AssertionError(f"the arrow keys never selected {value!r} in {name}")


def _choose_radio(page: Page, frame: Frame, name: str, value: str) -> None:
    now = tab_to(page, frame, tag="INPUT", name=name)
    for _ in range(30):
        if now["value"] == value:
            if not now["checked"]:
                page.keyboard.press("Space")
            return
        page.keyboard.press("ArrowDown")
        now = active(frame)
    raise AssertionError(f"the arrow keys never reached {value!r} in the radio group {name}")


def answer_quiz(page: Page, frame: Frame, config: dict[str, Any], answers: dict[str, Any]) -> None:
    """Answers every question in document order, then submits with Enter."""
    for q in config["quiz"]["questions"]:
        key, kind, answer = q["key"], q["type"], answers[q["key"]]
        if kind == "choice" and q.get("multiple"):
            boxes = frame.evaluate(f"() => [...document.getElementsByName({key!r})].map(e => e.value)")
            for value in boxes:
                if value in answer:
                    tab_to(page, frame, tag="INPUT", name=key, value=value)
                    page.keyboard.press("Space")
        elif kind in ("choice", "true-false"):
            _choose_radio(page, frame, key, answer[0] if isinstance(answer, list) else answer)
        elif kind in ("fill-in", "numeric"):
            tab_to(page, frame, tag="INPUT", name=key)
            page.keyboard.type(answer)
        else:
            for item, value in answer.items():
                _choose_in_select(page, frame, f"{key}:{item}", value)
    tab_to(page, frame, tag="BUTTON", type="submit")
    page.keyboard.press("Enter")
    frame.wait_for_function("() => document.querySelector('.pc-result').textContent.trim() !== ''")


def walk_module(page: Page, frame: Frame, answers: dict[str, Any] | None, stop_at: int | None = None) -> list[str]:
    """Reads every page (answering the quiz when given answers); checks focus and progress on the way.

    Returns the page keys in the order they were shown. `stop_at` leaves the
    learner on that page index."""
    config = read_config(frame)
    keys = [p["key"] for p in config["pages"]]
    quiz_key = config["quiz"]["key"] if config.get("quiz") else None
    shown = []
    last = len(keys) - 1 if stop_at is None else stop_at
    for index, key in enumerate(keys[: last + 1]):
        assert visible_page(frame) == key, f"page {index + 1} should be {key}, not {visible_page(frame)}"
        progress = progress_text(frame)
        assert f"{index + 1}" in progress and f"{len(keys)}" in progress, progress
        shown.append(key)
        if key == quiz_key and answers is not None:
            answer_quiz(page, frame, config, answers)
        if index < last:
            press_next(page, frame)
            frame.wait_for_function(
                "(key) => document.activeElement && document.activeElement.tagName === 'H1'"
                " && document.activeElement.closest('section').dataset.page === key",
                arg=keys[index + 1],
            )
    return shown
