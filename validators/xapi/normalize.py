"""What the LRS stores and returns: normalised statements and the canonical format.

These functions expect statements that passed validation. They never mutate
their input: changed objects are copied, unchanged nested parts are shared.
"""

from __future__ import annotations

import re
from typing import Any

from validators.xapi.syntax import parse_timestamp
from validators.xapi.vocabulary import COMPONENT_KEYS, replace_parts

_FRACTION = re.compile(r"\.(\d+)")


def _context_with_arrays(context: dict) -> dict:
    activities = context.get("contextActivities")
    if type(activities) is not dict or all(type(v) is list for v in activities.values()):
        return context
    arrays = {key: value if type(value) is list else [value] for key, value in activities.items()}
    return {**context, "contextActivities": arrays}


def _utc(value: str) -> str:
    """The same instant in UTC, keeping the sender's sub-second digits (at most microseconds)."""
    if value.endswith("Z"):
        return value
    if value.endswith("z"):
        return value[:-1] + "Z"
    moment = parse_timestamp(value)
    digits = _FRACTION.search(value)
    fraction = "." + f"{moment.microsecond:06d}"[: min(len(digits.group(1)), 6)] if digits else ""
    return moment.strftime("%Y-%m-%dT%H:%M:%S") + fraction + "Z"


def _normalize(statement: dict, v2: bool) -> dict:
    result = dict(statement)
    context = result.get("context")
    if type(context) is dict:
        result["context"] = _context_with_arrays(context)
    obj = result.get("object")
    if type(obj) is dict and obj.get("objectType") == "SubStatement":
        result["object"] = _normalize(obj, v2)
    if v2 and type(result.get("timestamp")) is str:
        result["timestamp"] = _utc(result["timestamp"])
    return result


def normalize_statement(statement: dict, version: str) -> dict:
    """The statement as the LRS stores it.

    contextActivities values become arrays (the spec lets senders use a single
    object); for xAPI 2.0 the timestamp is converted to UTC.
    """
    return _normalize(statement, version.startswith("2"))


# --- the `format=canonical` language filtering ---------------------------------


def pick_language(language_map: dict[str, str], languages: list[str]) -> dict[str, str]:
    """One entry of a language map, the best for the reader's preferred languages.

    Preference order: an exact tag, then the same primary language (`fr` for
    `fr-CA` and back), then the first entry of the map.
    """
    if len(language_map) <= 1:
        return dict(language_map)
    lowered = {tag.lower(): tag for tag in language_map}
    for wanted in languages:
        tag = lowered.get(wanted.lower())
        if tag is not None:
            return {tag: language_map[tag]}
    for wanted in languages:
        primary = wanted.lower().split("-")[0]
        if primary == "*":
            break
        for low, tag in lowered.items():
            if low.split("-")[0] == primary:
                return {tag: language_map[tag]}
    tag = next(iter(language_map))
    return {tag: language_map[tag]}


def _definition(definition: dict, languages: list[str]) -> dict:
    result = dict(definition)
    for key in ("name", "description"):
        if type(result.get(key)) is dict:
            result[key] = pick_language(result[key], languages)
    for key in COMPONENT_KEYS:
        if type(result.get(key)) is list:
            result[key] = [_described(component, languages) for component in result[key]]
    return result


def _described(item: Any, languages: list[str]) -> Any:
    if type(item) is not dict:
        return item
    result = dict(item)
    for key in ("display", "description"):
        if type(result.get(key)) is dict:
            result[key] = pick_language(result[key], languages)
    return result


def canonical_format(statement: dict, languages: list[str]) -> dict:
    """The statement with every language map reduced to the reader's best language."""

    def activity(item: dict) -> dict:
        if type(item.get("definition")) is dict:
            return {**item, "definition": _definition(item["definition"], languages)}
        return item

    def described(item: dict) -> dict:
        return _described(item, languages)

    return replace_parts(statement, activity=activity, verb=described, attachment=described)
