"""Real statements: the specification's own examples, Moodle's, and the project's samples.

`spec_examples.json` holds the complete statements, statement objects and
interaction definitions printed in the xAPI 1.0.3 specification (xAPI-Data.md,
adlnet/xAPI-Spec, Apache License 2.0).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from validators.xapi import errors_only, validate_activity, validate_statement
from validators.xapi.rules import check_statement

HERE = Path(__file__).parent
SPEC = json.loads((HERE / "spec_examples.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("version", ["1.0.3", "2.0.0"])
@pytest.mark.parametrize("index", range(len(SPEC["statements"])))
def test_spec_example_statements_are_valid(index: int, version: str) -> None:
    assert validate_statement(SPEC["statements"][index], version) == []


@pytest.mark.parametrize("index", range(len(SPEC["objects"])))
def test_spec_example_objects_are_valid_statement_objects(index: int) -> None:
    statement = {"actor": {"mbox": "mailto:a@exemple.fr"}, "verb": {"id": "http://exemple.fr/v"}, "object": SPEC["objects"][index]}
    assert validate_statement(statement) == []


@pytest.mark.parametrize("definition", SPEC["interaction_definitions"], ids=lambda d: d["interactionType"])
def test_spec_interaction_definitions_are_valid(definition: dict) -> None:
    assert validate_activity({"id": "http://exemple.fr/q", "definition": definition}) == []


def test_spec_examples_cover_every_interaction_type() -> None:
    kinds = {d["interactionType"] for d in SPEC["interaction_definitions"]}
    assert kinds == {"true-false", "choice", "fill-in", "long-fill-in", "likert", "matching", "performance", "sequencing", "numeric", "other"}


def _deep_merge(base: Any, override: Any) -> Any:
    """The Moodle plugin's merge: objects merged recursively, anything else replaced."""
    if isinstance(base, dict) and isinstance(override, dict):
        merged = dict(base)
        for key, value in override.items():
            merged[key] = _deep_merge(base[key], value) if key in base else value
        return merged
    return override


def moodle_statements(shared_dir: Path) -> list[tuple[str, dict]]:
    folder = shared_dir / "corpus/statements/moodle-logstore-xapi/tests"
    common = json.loads((folder / "common/statement.json").read_text(encoding="utf-8"))
    found = []
    for path in sorted(folder.rglob("statements.json")):
        for statement in json.loads(path.read_text(encoding="utf-8")):
            found.append((str(path.relative_to(folder)), _deep_merge(common, statement)))
    return found


def test_all_190_moodle_statements_are_valid(shared_dir: Path) -> None:
    statements = moodle_statements(shared_dir)
    assert len(statements) == 190
    problems = [(name, f.path, f.code) for name, statement in statements for f in validate_statement(statement)]
    assert problems == []


def test_samples_valid(root: Path) -> None:
    files = sorted((root / "samples/statements/valid").glob("*.json"))
    assert len(files) >= 4
    count = 0
    for path in files:
        data = json.loads(path.read_text(encoding="utf-8"))
        for statement in data if isinstance(data, list) else [data]:
            count += 1
            assert validate_statement(statement) == [], path.name
    kinds = set()
    for path in files:
        data = json.loads(path.read_text(encoding="utf-8"))
        for statement in data if isinstance(data, list) else [data]:
            kinds.add(statement["object"].get("definition", {}).get("interactionType"))
    assert {"true-false", "choice", "fill-in", "long-fill-in", "likert", "matching", "performance", "sequencing", "numeric", "other"} <= kinds


def test_samples_invalid_give_their_expected_errors(root: Path) -> None:
    folder = root / "samples/statements/invalid"
    expected = json.loads((folder.parent / "expected-invalid.json").read_text(encoding="utf-8"))
    assert set(expected) == {p.name for p in folder.glob("*.json")}
    for name, wanted in expected.items():
        findings = errors_only(validate_statement(json.loads((folder / name).read_text(encoding="utf-8"))))
        got = {(f.path, f.code) for f in findings}
        assert {(w["path"], w["code"]) for w in wanted} <= got, name


def test_a_statement_validates_without_building_findings() -> None:
    out: list = []
    check_statement(SPEC["statements"][0], "$", out, False)
    assert out == []
