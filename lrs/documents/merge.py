"""The xAPI document merge: top-level keys of the posted JSON object replace the stored
ones, every other stored key stays (xAPI 1.0.3 Communication 2.2, 2.0 §4.1.6)."""

from __future__ import annotations

import json
from typing import Any

from lrs.json_depth import nested_deeper_than


class NotAJSONObject(ValueError):
    """The bytes are not a JSON object (bad JSON, or JSON of another type)."""


class TooDeep(ValueError):
    """A JSON object nested deeper than `lrs.json_depth.MAX_JSON_DEPTH`: parsing or
    writing it again could exhaust Python's stack, so it is not merged (PUT still stores
    it as bytes)."""


def is_json(content_type: str | None) -> bool:
    """`application/json`, with or without parameters such as `charset`."""
    if not content_type:
        return False
    return content_type.split(";", 1)[0].strip().lower() == "application/json"


def _refuse_constant(name: str) -> Any:
    raise NotAJSONObject(f"{name} is not JSON")


def parse_object(content: bytes) -> dict[str, Any]:
    """The JSON object in `content`; raises NotAJSONObject otherwise, TooDeep when it
    nests more than MAX_JSON_DEPTH levels.

    The standard library keeps big integers and decimals exactly as written."""
    try:
        value = json.loads(content, parse_constant=_refuse_constant)
    except RecursionError as error:
        raise TooDeep() from error
    except (ValueError, UnicodeDecodeError) as error:
        raise NotAJSONObject(str(error)) from error
    if not isinstance(value, dict):
        raise NotAJSONObject(f"a JSON {type(value).__name__} is not an object")
    if nested_deeper_than(value):
        raise TooDeep()
    return value


def merged(stored: dict[str, Any], posted: dict[str, Any]) -> bytes:
    """The merged document, serialised as compact ASCII JSON."""
    return json.dumps({**stored, **posted}, separators=(",", ":")).encode("ascii")
