"""A simulated learner's answer to a question, right or wrong, in the runtime's response format.

Responses are what the runtime reads from the form (docs/runtime-contract.md): choice ids
joined by `[,]`, `true`/`false`, the typed text, a number, `source[.]target` pairs, the
items in the learner's order.
"""

from __future__ import annotations

import hashlib
import math
import random
from typing import Any

from packager.course.quiz import format_number

LIST = "[,]"
PAIR = "[.]"
# how hard each interaction type is, before the question's own variation (logits)
TYPE_DIFFICULTY = {"true-false": -1.0, "choice": -0.3, "numeric": 0.3, "fill-in": 0.5, "matching": 0.4,
                   "sequencing": 0.6}
WRONG_FILL_INS = ("je ne sais pas", "aucune idée", "?")


def stable_unit(text: str) -> float:
    """A number in [0, 1) fixed by `text`: the same question always gets the same variation."""
    return int.from_bytes(hashlib.sha256(text.encode("utf-8")).digest()[:8], "big") / 2**64


TRAP_DIFFICULTY = 3.5  # a question most learners get wrong the first time (a misleading distractor)


def difficulty(question: dict[str, Any], trap: bool = False) -> float:
    base = TYPE_DIFFICULTY.get(question["type"], 0.0)
    if question["type"] == "choice" and question.get("multiple"):
        base += 0.6
    return base + (stable_unit(question["id"]) - 0.5) * 2.0 + (TRAP_DIFFICULTY if trap else 0.0)


def trap_question(questions: list[dict[str, Any]]) -> str | None:
    """The course's one trap: the question its IRI ranks first, so that reports have one to flag."""
    return max((q["id"] for q in questions), key=stable_unit, default=None)


def chance_correct(ability: float, question: dict[str, Any], attempt: int, trap: bool = False) -> float:
    """Logistic model: able learners and later attempts do better; hard questions less so."""
    return 1 / (1 + math.exp(-(1.3 * ability + 0.8 * attempt + 1.5 - difficulty(question, trap))))


def _number(text: str) -> float:
    return float(text) if text else math.nan


def _format_number(value: float) -> str:
    """A number as the runtime reports a typed one: its shortest digits, never an exponent."""
    return format_number(round(value, 6))


def right_response(question: dict[str, Any], rng: random.Random) -> str:
    pattern = question["correctResponsesPattern"][0]
    kind = question["type"]
    if kind == "fill-in":
        answers = question["correctResponsesPattern"]
        if question.get("caseSensitive") or rng.random() < 0.7:
            return answers[0]
        return rng.choice(answers).lower()
    if kind == "numeric" and "[:]" in pattern:
        low, high = (_number(part) for part in pattern.split("[:]"))
        low = high - 10 if math.isnan(low) else low
        high = low + 10 if math.isnan(high) else high
        return _format_number(rng.randint(math.ceil(low), math.floor(high)) if math.floor(high) >= math.ceil(low)
                              else (low + high) / 2)
    return pattern


def wrong_response(question: dict[str, Any], rng: random.Random) -> str:
    kind = question["type"]
    pattern = question["correctResponsesPattern"][0]
    if kind == "true-false":
        return "false" if pattern == "true" else "true"
    if kind == "choice":
        ids = [choice["id"] for choice in question.get("choices", [])]
        correct = pattern.split(LIST)
        wrong = [i for i in ids if i not in correct]
        # the first distractor is the most tempting: learners fall for the same mistakes
        picked = wrong[0] if rng.random() < 0.6 or len(wrong) == 1 else rng.choice(wrong)
        if not question.get("multiple"):
            return picked
        chosen = set(correct[:-1]) | ({picked} if rng.random() < 0.7 else set())
        if chosen == set(correct) or not chosen:
            chosen = {picked}
        return LIST.join(i for i in ids if i in chosen)
    if kind == "fill-in":
        answer = question["correctResponsesPattern"][0]
        mistyped = answer[:-1] if len(answer) > 3 else ""
        accepted = {a.lower() for a in question["correctResponsesPattern"]}
        if mistyped and mistyped.lower() not in accepted and rng.random() < 0.5:
            return mistyped
        return rng.choice(WRONG_FILL_INS)
    if kind == "numeric":
        if "[:]" in pattern:
            low, high = (_number(part) for part in pattern.split("[:]"))
            bound = high if not math.isnan(high) else low
            return _format_number(bound + max(1, abs(bound) * 0.5))
        value = _number(pattern)
        return _format_number(value * 2 if value else 1)
    items = pattern.split(LIST)
    if kind == "matching" and len(items) > 1:
        pairs = [item.split(PAIR) for item in items]
        i = rng.randrange(len(pairs) - 1)
        pairs[i][1], pairs[i + 1][1] = pairs[i + 1][1], pairs[i][1]
        return LIST.join(PAIR.join(pair) for pair in pairs)
    if kind == "sequencing" and len(items) > 1:
        i = rng.randrange(len(items) - 1)
        items[i], items[i + 1] = items[i + 1], items[i]
        return LIST.join(items)
    return pattern
