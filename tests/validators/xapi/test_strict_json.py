"""Repeated keys, which ordinary JSON parsers drop without a word, are reported with their path."""

from __future__ import annotations

import json

import pytest

from validators.xapi.strict_json import StrictDecoder, loads_statements


def test_repeated_keys_are_found_at_any_depth() -> None:
    text = '{"actor": {"mbox": "mailto:a@b.fr", "mbox": "mailto:c@b.fr"}, "l": [{"x": 1, "x": 2, "x": 3}], "verb": {}, "verb": {}}'
    value, findings = loads_statements(text)
    assert sorted((f.path, f.code) for f in findings) == [("$.actor.mbox", "xapi.property.repeated"), ("$.l[0].x", "xapi.property.repeated"), ("$.verb", "xapi.property.repeated")]
    assert type(value["actor"]) is dict and value["l"] == [{"x": 3}]
    assert findings[1].message("fr") == "la propriété « mbox » apparaît plusieurs fois dans le même objet"


def test_clean_json_has_no_findings() -> None:
    assert loads_statements(b'[{"a": {"b": 1}}, 2]') == ([{"a": {"b": 1}}, 2], [])


def test_raw_decode_reports_where_the_value_ends() -> None:
    value, end, findings = StrictDecoder().raw_decode('  {"a": 1, "a": 2} {"b": 3}', 2, path="$[4]")
    assert (value, end) == ({"a": 2}, 18)
    assert [f.path for f in findings] == ["$[4].a"]


@pytest.mark.parametrize("text", ["", "{", '{"a": 1} x', "nul"])
def test_not_json_raises(text: str) -> None:
    with pytest.raises(json.JSONDecodeError):
        loads_statements(text)
