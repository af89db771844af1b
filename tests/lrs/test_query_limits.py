"""Statement query pages: `limit` beyond the server's maximum or 0, and `more` cursors
that were not given by this LRS (tampered with, or made up)."""

from __future__ import annotations

import base64
import json
from typing import Any, Iterator

import pytest

from tests.lrs.xapi_client import XAPIClient, make_client, statement

PAGE_SIZE, PAGE_MAX = 2, 3
NOT_OUR_CURSOR = "more : ce n'est pas un curseur donné par ce LRS."


@pytest.fixture
def small_pages(database_url: str) -> Iterator[XAPIClient]:
    """An LRS whose pages hold 2 statements by default and 3 at most, with 5 stored."""
    client = make_client(database_url, statement_page_size=PAGE_SIZE, statement_page_max=PAGE_MAX)
    client.store(*(statement() for _ in range(5)))
    yield client
    client.app.extensions["parcours.engine"].dispose()


def _cursor(data: Any) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")


def _pages(client: XAPIClient, params: dict) -> list[int]:
    """The number of statements of each page, following `more` to the end."""
    response = client.get(params)
    sizes = []
    while True:
        assert response.status_code == 200, response.get_data(as_text=True)
        sizes.append(len(response.json["statements"]))
        if not response.json["more"]:
            return sizes
        response = client.follow(response.json["more"])


@pytest.mark.parametrize("limit", [str(2**64), str(2**63), str(2**63 - 1), "9" * 5000, "0" * 5000 + "4", "1000"])
def test_a_limit_beyond_the_maximum_gets_the_largest_pages(small_pages: XAPIClient, limit: str) -> None:
    assert _pages(small_pages, {"limit": limit}) == [PAGE_MAX, 5 - PAGE_MAX]


def test_limit_zero_gets_the_largest_pages(small_pages: XAPIClient) -> None:
    assert _pages(small_pages, {"limit": "0"}) == [PAGE_MAX, 5 - PAGE_MAX]


def test_without_limit_pages_have_the_default_size(small_pages: XAPIClient) -> None:
    assert _pages(small_pages, {}) == [PAGE_SIZE, PAGE_SIZE, 1]
    assert _pages(small_pages, {"limit": "1"}) == [1] * 5


@pytest.mark.parametrize("limit", ["-1", "1.5", "abc", "", " 3", "+3", "1_000", "\u0663", "0x10"])
def test_a_limit_that_is_not_a_number_is_named(xapi_sqlite: XAPIClient, limit: str) -> None:
    response = xapi_sqlite.get({"limit": limit})
    assert response.status_code == 400 and response.json["error"]["field"] == "limit"


def test_a_cursor_of_this_lrs_still_pages(small_pages: XAPIClient) -> None:
    first = small_pages.get({"limit": "2", "ascending": "true", "format": "ids"}).json
    cursor = first["more"].split("more=", 1)[1]
    data = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    assert data["limit"] == 2 and data["format"] == "ids" and data["ascending"] is True
    second = small_pages.follow(first["more"])
    assert second.status_code == 200 and len(second.json["statements"]) == 2


TAMPERED = [
    {"limit": "abc", "format": "exact", "after": [1, 2]},
    {"after": [99999999999999999999, 1]},
    {"after": [2**64 - 1, 1]},
    {"after": [2**63, 1]},
    {"after": [1, -(2**63) - 1]},
    {"after": [1]},
    {"after": [1, 2, 3]},
    {"after": "12"},
    {"after": None},
    {"after": [1.5, 2]},
    {"after": [True, 2]},
    {"after": ["1", "2"]},
    {"limit": 3},  # no position: not a cursor this LRS gives
    {"after": [1, 2], "limit": -1},
    {"after": [1, 2], "limit": 2**63},
    {"after": [1, 2], "limit": True},
    {"after": [1, 2], "limit": 2.0},
    {"after": [1, 2], "format": "full"},
    {"after": [1, 2], "format": ["exact"]},
    {"after": [1, 2], "since_us": 2**64 - 1},
    {"after": [1, 2], "until_us": "yesterday"},
    {"after": [1, 2], "ascending": "yes"},
    {"after": [1, 2], "attachments": 1},
    {"after": [1, 2], "related_agents": None},
    {"after": [1, 2], "verb": "no scheme"},
    {"after": [1, 2], "verb": 5},
    {"after": [1, 2], "activity": ["https://example.org/a"]},
    {"after": [1, 2], "registration": "123"},
    {"after": [1, 2], "agent": {"mbox": "mailto:a@example.org"}},
    {"after": [1, 2], "agent": "nobody@example.org"},
    {"after": [1, 2], "agent": ""},
    {"after": [1, 2], "unknown": 1},
    [1, 2],
    "more",
    None,
]


@pytest.mark.parametrize("data", TAMPERED, ids=[json.dumps(data)[:60] for data in TAMPERED])
def test_a_tampered_cursor_is_refused(small_pages: XAPIClient, data: Any) -> None:
    response = small_pages.get({"more": _cursor(data)})
    assert response.status_code == 400, response.get_data(as_text=True)
    assert response.json["error"] == {"code": 400, "message": NOT_OUR_CURSOR, "field": "more"}


@pytest.mark.parametrize("raw", [b"\xff\xfe", b"{", b'{"after": [1, 2]', b'{"agent": "\\ud800", "after": [1, 2]}'])
def test_a_cursor_that_is_not_json_is_refused(xapi_sqlite: XAPIClient, raw: bytes) -> None:
    response = xapi_sqlite.get({"more": base64.urlsafe_b64encode(raw).decode()})
    assert response.status_code == 400 and response.json["error"]["message"] == NOT_OUR_CURSOR


@pytest.mark.parametrize("token", ["é", "a", "%%%", ""])
def test_a_cursor_that_is_not_base64_is_refused(xapi_sqlite: XAPIClient, token: str) -> None:
    response = xapi_sqlite.get({"more": token})
    assert response.status_code == 400 and response.json["error"]["message"] == NOT_OUR_CURSOR


def test_a_made_up_cursor_with_every_field_valid_is_read(small_pages: XAPIClient) -> None:
    data = {"agent": "mbox:mailto:camille.martin@example.gouv.fr", "related_agents": True,
            "verb": "http://adlnet.gov/expapi/verbs/completed", "activity": "https://formation.example.gouv.fr/cours/rgpd",
            "related_activities": True, "since_us": 0, "until_us": 2**63 - 1, "limit": 2**63 - 1,
            "ascending": True, "format": "canonical", "after": [-(2**63), -(2**63)]}
    response = small_pages.get({"more": _cursor(data)})
    assert response.status_code == 200, response.get_data(as_text=True)
    assert len(response.json["statements"]) == PAGE_MAX


def test_every_field_of_a_query_is_checked_in_a_cursor() -> None:
    from dataclasses import fields

    from lrs.statements.query import _CURSOR_FIELDS, StatementQuery

    assert set(_CURSOR_FIELDS) == {field.name for field in fields(StatementQuery)}
