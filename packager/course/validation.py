"""Turns marshmallow's nested error dictionaries into located, bilingual SourceErrors."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, ValidationError

from packager.course.errors import SourceError
from packager.course.marked_yaml import line_of
from packager.messages import Bilingual, msg

# marshmallow's built-in English messages, by meaning
_BUILTIN = {
    "Missing data for required field.": "required",
    "Field may not be null.": "null",
    "Unknown field.": "unknown",
    "Not a valid string.": "not_string",
    "Not a valid number.": "not_number",
    "Not a valid integer.": "not_integer",
    "Not a valid boolean.": "not_boolean",
    "Not a valid list.": "not_list",
    "Invalid input type.": "not_mapping",
    "Not a valid mapping type.": "not_mapping",
    "Invalid value.": "invalid",
}


def bilingual(message: Any) -> Bilingual:
    if isinstance(message, Bilingual):
        return message
    code = _BUILTIN.get(str(message))
    if code:
        return msg(code)
    return Bilingual(f"valeur invalide ({message})", str(message))


def _flatten(errors: Any, prefix: list[str | int]) -> list[tuple[list[str | int], Any]]:
    if isinstance(errors, dict):
        found = []
        for key, value in errors.items():
            step = prefix if key == "_schema" else prefix + [key]
            found.extend(_flatten(value, step))
        return found
    if isinstance(errors, list):
        found = []
        for item in errors:
            found.extend(_flatten(item, prefix) if isinstance(item, (dict, list)) else [(prefix, item)])
        return found
    return [(prefix, errors)]


def format_path(path: list[str | int]) -> str:
    """`modules[1].pages[0]`, the way authors point at a spot in YAML."""
    text = ""
    for step in path:
        text += f"[{step}]" if isinstance(step, int) else (f".{step}" if text else str(step))
    return text


def located_errors(errors: dict, data: Any, file: str, base: list[str | int] | None = None) -> list[SourceError]:
    """One SourceError per marshmallow message, with the line of the offending key."""
    base = base or []
    result = []
    for path, message in _flatten(errors, []):
        text = bilingual(message)
        result.append(
            SourceError(file, line_of(data, path), format_path(base + path), text.fr, text.en)
        )
    return result


def error_at(file: str, data: Any, path: list[str | int], message: Bilingual,
             base: list[str | int] | None = None) -> SourceError:
    return SourceError(file, line_of(data, path), format_path((base or []) + path), message.fr, message.en)


def load_lenient(schema: Schema, data: Any) -> tuple[dict[str, Any] | None, dict]:
    """Load `data`, then again without its wrong keys, so that one wrong value (say
    `mastery_score: 80`) does not hide the checks of everything else.

    Returns the fields (None when a required one is wrong) and the error messages.
    """
    try:
        return schema.load(data), {}
    except ValidationError as error:
        messages = error.messages if isinstance(error.messages, dict) else {"_schema": error.messages}
    if not isinstance(data, dict):
        return None, messages
    wrong = set(messages) - {"_schema"}
    try:
        return schema.load({key: value for key, value in data.items() if key not in wrong}), messages
    except ValidationError:
        return None, messages
