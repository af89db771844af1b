"""JSON parsing that notices repeated keys, which plain parsers silently drop.

xAPI forbids using a property twice in one object (1.0.3 Data 2.2: "A
Statement MUST use each property no more than one time"; 2.0 4.2.1: "An LRS
shall reject a Statement that uses a property more than once"), but `json` and
`orjson` keep the last value. These parsers keep the check cheap: a hook
compares lengths, and the tree is walked to locate repeats only when one was
seen.
"""

from __future__ import annotations

import json
from typing import Any

from validators.findings import Finding
from validators.xapi.messages import make_finding
from validators.xapi.rules import child_path


class _Repeated(dict):
    """A parsed object whose source repeated some keys (temporary, replaced by a plain dict)."""

    __slots__ = ("repeated",)


def _object_hook(seen: list[bool]):
    def build(pairs: list[tuple[str, Any]]) -> dict:
        obj = dict(pairs)
        if len(obj) == len(pairs):
            return obj
        names: set[str] = set()
        repeated = []
        for key, _ in pairs:
            if key in names and key not in repeated:
                repeated.append(key)
            names.add(key)
        marked = _Repeated(obj)
        marked.repeated = repeated
        seen[0] = True
        return marked

    return build


def _unmark(value: Any, path: str, out: list[Finding]) -> Any:
    """Plain dicts again, with a finding for each repeated key."""
    if isinstance(value, dict):
        if type(value) is _Repeated:
            for key in value.repeated:
                out.append(make_finding("property.repeated", child_path(path, key), {"key": key}))
        return {key: _unmark(item, child_path(path, key), out) for key, item in value.items()}
    if type(value) is list:
        return [_unmark(item, f"{path}[{index}]", out) for index, item in enumerate(value)]
    return value


class StrictDecoder:
    """`decode` and `raw_decode` like json.JSONDecoder, plus the repeated keys found."""

    def __init__(self) -> None:
        self._seen = [False]
        self._decoder = json.JSONDecoder(object_pairs_hook=_object_hook(self._seen))

    def raw_decode(self, text: str, start: int = 0, path: str = "$") -> tuple[Any, int, list[Finding]]:
        """One JSON value starting at `start`: the value, where it ends, and its repeated keys."""
        self._seen[0] = False
        value, end = self._decoder.raw_decode(text, start)
        value, findings = self._finish(value, path)
        return value, end, findings

    def _finish(self, value: Any, path: str) -> tuple[Any, list[Finding]]:
        findings: list[Finding] = []
        if self._seen[0]:
            value = _unmark(value, path, findings)
        return value, findings

    def decode(self, text: str | bytes, path: str = "$") -> tuple[Any, list[Finding]]:
        if isinstance(text, (bytes, bytearray)):
            text = text.decode("utf-8")
        self._seen[0] = False
        value, end = self._decoder.raw_decode(text, _skip_space(text, 0))
        if text[end:].strip():
            raise json.JSONDecodeError("Extra data", text, end)
        return self._finish(value, path)


def _skip_space(text: str, start: int) -> int:
    while start < len(text) and text[start] in " \t\r\n":
        start += 1
    return start


def loads_statements(data: str | bytes) -> tuple[Any, list[Finding]]:
    """Parse a request body or file; findings name each repeated key by its JSON path.

    Raises json.JSONDecodeError (a ValueError) for text that is not JSON.
    """
    return StrictDecoder().decode(data)
