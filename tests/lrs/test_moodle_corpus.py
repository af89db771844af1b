"""The 190 statements Moodle's logstore_xapi plugin emits: all accepted, all read back equal."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from tests.lrs.xapi_client import XAPIClient, new_id

ASSIGNED = ("id", "stored", "authority", "version")


def deep_merge(base: Any, override: Any) -> Any:
    """The plugin's tests merge the common fields under each statement: objects
    recursively, any other value replaced by the statement's."""
    if isinstance(base, dict) and isinstance(override, dict):
        merged = copy.deepcopy(base)
        for key, value in override.items():
            merged[key] = deep_merge(merged[key], value) if key in merged else copy.deepcopy(value)
        return merged
    return copy.deepcopy(override)


def moodle_statements(shared_dir: Path) -> list[tuple[str, dict]]:
    tests = shared_dir / "corpus/statements/moodle-logstore-xapi/tests"
    common = json.loads((tests / "common/statement.json").read_text())
    found = []
    for path in sorted(tests.rglob("statements.json")):
        for number, item in enumerate(json.loads(path.read_text())):
            found.append((f"{path.parent.relative_to(tests)}#{number}", deep_merge(common, item)))
    return found


def test_every_moodle_statement_is_stored_and_read_back_equal(xapi: XAPIClient, shared_dir: Path) -> None:
    corpus = moodle_statements(shared_dir)
    assert len(corpus) == 190
    sent = []
    for name, item in corpus:
        item = {**item, "id": new_id()}
        sent.append((name, item))
    # one batch, as the plugin sends them, then each read back by id
    response = xapi.post([item for _, item in sent])
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.json == [item["id"] for _, item in sent]
    for name, item in sent:
        stored = xapi.get({"statementId": item["id"]}).json
        assert {k: v for k, v in stored.items() if k not in ASSIGNED} == \
            {k: v for k, v in item.items() if k not in ASSIGNED}, name
        assert stored["id"] == item["id"]
    assert sorted(xapi.query_ids({"limit": 500})) == sorted(item["id"] for _, item in sent)


@pytest.mark.parametrize("version", ["1.0.3", "2.0.0"])
def test_moodle_statements_one_by_one_without_ids(xapi_sqlite: XAPIClient, shared_dir: Path, version: str) -> None:
    for name, item in moodle_statements(shared_dir)[:40]:
        response = xapi_sqlite.post(item, version=version)
        assert response.status_code == 200, (name, response.get_data(as_text=True))
        [statement_id] = response.json
        stored = xapi_sqlite.get({"statementId": statement_id}, version=version).json
        assert stored["actor"] == item["actor"] and stored["object"] == item["object"], name
        assert stored["result"] == item["result"] if "result" in item else "result" not in stored
