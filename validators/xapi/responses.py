"""The `correctResponsesPattern` formats of each interaction type (xAPI Data 2.4.4.1, interaction activities).

Each checker returns None when a pattern is well formed, else a message code
and its parameters. Unknown component ids and malformed characterstring
parameters (`{lang=…}`, `{case_matters=…}`) give warnings only: the
specification does not require ids to be listed, and says the LRS does not
validate characterstring parameters.
"""

from __future__ import annotations

import re
from typing import Callable

from validators.xapi.syntax import is_language_tag

Problem = tuple[str, dict[str, str]] | None

_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?\Z")
_FILL_IN_OPTION = re.compile(r"\{(case_matters|order_matters)=(true|false)\}")
_LANG_PREFIX = re.compile(r"\{lang=([^}]*)\}")


def _ids(pattern: str, known: set[str] | None, kind: str) -> Problem:
    items = pattern.split("[,]") if pattern else []
    for item in items:
        if item == "":
            return "pattern.empty_item", {"type": kind}
        if known is not None and item not in known:
            return "pattern.unknown_id", {"id": item}
    return None


def _true_false(pattern: str, components: dict[str, set[str]]) -> Problem:
    if pattern not in ("true", "false"):
        return "pattern.true_false", {}
    return None


def _choice(pattern: str, components: dict[str, set[str]]) -> Problem:
    return _ids(pattern, components.get("choices"), "choice")


def _sequencing(pattern: str, components: dict[str, set[str]]) -> Problem:
    if pattern == "":
        return "pattern.empty_item", {"type": "sequencing"}
    return _ids(pattern, components.get("choices"), "sequencing")


def _likert(pattern: str, components: dict[str, set[str]]) -> Problem:
    if pattern == "" or "[,]" in pattern:
        return "pattern.likert", {}
    scale = components.get("scale")
    if scale is not None and pattern not in scale:
        return "pattern.unknown_id", {"id": pattern}
    return None


def _options(pattern: str) -> tuple[str, Problem]:
    """The pattern without its leading `{case_matters=…}{order_matters=…}` parameters."""
    rest = pattern
    seen: set[str] = set()
    while True:
        match = _FILL_IN_OPTION.match(rest)
        if match is None:
            return rest, None
        if match.group(1) in seen:
            return rest, ("pattern.fill_in_option", {"option": match.group(1)})
        seen.add(match.group(1))
        rest = rest[match.end():]


def _fill_in(pattern: str, components: dict[str, set[str]]) -> Problem:
    rest, problem = _options(pattern)
    if problem is not None:
        return problem
    for item in rest.split("[,]"):
        lang = _LANG_PREFIX.match(item)
        if lang is not None and not is_language_tag(lang.group(1)):
            return "pattern.language", {"value": lang.group(1)}
    return None


def _pairs(pattern: str, left: set[str] | None, right: set[str] | None, kind: str) -> Problem:
    for item in pattern.split("[,]"):
        parts = item.split("[.]")
        if len(parts) != 2 or parts[0] == "":
            return "pattern.pair", {"type": kind, "item": item}
        if left is not None and parts[0] not in left:
            return "pattern.unknown_id", {"id": parts[0]}
        if right is not None and parts[1] not in right:
            return "pattern.unknown_id", {"id": parts[1]}
    return None


def _matching(pattern: str, components: dict[str, set[str]]) -> Problem:
    for item in pattern.split("[,]"):
        parts = item.split("[.]")
        if len(parts) != 2 or not parts[0] or not parts[1]:
            return "pattern.pair", {"type": "matching", "item": item}
    return _pairs(pattern, components.get("source"), components.get("target"), "matching")


def _range(text: str) -> bool:
    """`n`, `a[:]b`, `a[:]` or `[:]b` with decimal numbers, a <= b."""
    if "[:]" not in text:
        return _NUMBER.match(text) is not None
    low, sep, high = text.partition("[:]")
    if "[:]" in high or (low == "" and high == ""):
        return False
    for bound in (low, high):
        if bound and _NUMBER.match(bound) is None:
            return False
    return not (low and high and float(low) > float(high))


def _numeric(pattern: str, components: dict[str, set[str]]) -> Problem:
    if not _range(pattern):
        return "pattern.numeric", {"value": pattern}
    return None


def _performance(pattern: str, components: dict[str, set[str]]) -> Problem:
    steps = components.get("steps")
    rest, problem = _options(pattern)
    if problem is not None:
        return problem
    for item in rest.split("[,]"):
        step, sep, response = item.partition("[.]")
        if not sep or step == "" or "[.]" in response:
            return "pattern.pair", {"type": "performance", "item": item}
        if steps is not None and step not in steps:
            return "pattern.unknown_id", {"id": step}
        if "[:]" in response and not _range(response):
            return "pattern.numeric", {"value": response}
    return None


def _other(pattern: str, components: dict[str, set[str]]) -> Problem:
    return None


PATTERN_CHECKS: dict[str, Callable[[str, dict[str, set[str]]], Problem]] = {
    "true-false": _true_false,
    "choice": _choice,
    "fill-in": _fill_in,
    "long-fill-in": _fill_in,
    "matching": _matching,
    "performance": _performance,
    "sequencing": _sequencing,
    "likert": _likert,
    "numeric": _numeric,
    "other": _other,
}

# Which component lists each interaction type may carry.
COMPONENT_LISTS: dict[str, frozenset[str]] = {
    "true-false": frozenset(),
    "choice": frozenset({"choices"}),
    "fill-in": frozenset(),
    "long-fill-in": frozenset(),
    "matching": frozenset({"source", "target"}),
    "performance": frozenset({"steps"}),
    "sequencing": frozenset({"choices"}),
    "likert": frozenset({"scale"}),
    "numeric": frozenset(),
    "other": frozenset(),
}
