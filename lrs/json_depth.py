"""How deep parsed JSON may nest before the LRS refuses it (statements, and documents
merged by POST).

orjson serialises 254 nested levels at most ("Recursion limit reached" beyond, after
parsing up to 1024): deeper JSON is refused before it is stored, with a few levels to
spare for whatever wraps it.
"""

from __future__ import annotations

from typing import Any

from validators.bilingual import Text

MAX_JSON_DEPTH = 250
NESTED_TOO_DEEP = Text(
    f"imbrique des objets ou des tableaux JSON sur plus de {MAX_JSON_DEPTH} niveaux",
    f"nests JSON objects or arrays more than {MAX_JSON_DEPTH} levels deep",
)


def nested_deeper_than(value: Any, limit: int = MAX_JSON_DEPTH) -> bool:
    """Whether parsed JSON nests objects and arrays more than `limit` levels (`{}` is
    one). Level by level, not recursively: it may be deeper than Python's stack. About
    2 µs for a usual statement (exact types: parsed JSON holds no subclasses)."""
    layer = [value]  # the values inside as many containers as levels walked
    for _ in range(limit):
        below: list[Any] = []
        for node in layer:
            if type(node) is dict:
                below.extend(node.values())
            elif type(node) is list:
                below.extend(node)
        if not below:
            return False
        layer = below
    return any(type(node) is dict or type(node) is list for node in layer)
