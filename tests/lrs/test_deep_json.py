"""JSON nested too deep to be stored or merged: a 400 naming the limit, never a 500.

orjson parses 1024 levels but serialises 254 at most; a statement in between used to
fail when it was written (500). Documents merged by POST used to exhaust Python's stack.
"""

from __future__ import annotations

import io
import json

import pytest

from lrs.reports.importer import import_credential, import_ndjson
from lrs.json_depth import MAX_JSON_DEPTH, nested_deeper_than
from tests.lrs.test_documents import ACTIVITY, AGENT
from tests.lrs.xapi_client import XAPIClient, new_id, statement

EXTENSION = "http://x.com/e"


def nested(levels: int) -> bytes:
    """`{"a":{"a":…1…}}`: `levels` objects, as text (it may be deeper than Python's stack allows)."""
    return b'{"a":' * levels + b"1" + b"}" * levels


def as_json(value: object) -> bytes:
    return json.dumps(value).encode()


def deep_statement(levels: int, statement_id: str | None = None) -> bytes:
    """A valid statement whose result extension nests `levels` objects (the statement,
    `result` and `extensions` add three)."""
    text = as_json(statement(id=statement_id or new_id(), result={"extensions": {EXTENSION: 0}}))
    return text.replace(f'"{EXTENSION}": 0'.encode(), f'"{EXTENSION}": '.encode() + nested(levels))


def test_the_depth_of_parsed_json() -> None:
    assert not nested_deeper_than({}, 1) and nested_deeper_than({"a": {}}, 1)
    assert not nested_deeper_than([[1], {"a": 2}], 2) and nested_deeper_than([[[]]], 2)
    assert not nested_deeper_than("text", 0) and nested_deeper_than([], 0)


@pytest.mark.parametrize("levels", [MAX_JSON_DEPTH - 3 + 1, 252, 300, 1020])  # one over the limit, ...
def test_a_statement_nested_too_deep_is_a_400_and_nothing_is_stored(xapi_sqlite: XAPIClient, levels: int) -> None:
    ordinary = statement(id=new_id())
    body = b"[" + as_json(ordinary) + b"," + deep_statement(levels) + b"]"
    response = xapi_sqlite.post(body, content_type="application/json", headers={"Accept-Language": "en"})
    assert response.status_code == 400, response.get_data(as_text=True)
    error = response.json["error"]
    assert error["field"] == "$[1]" and f"more than {MAX_JSON_DEPTH} levels deep" in error["message"]
    assert xapi_sqlite.query_ids() == []


def test_a_statement_at_the_limit_is_stored(xapi_sqlite: XAPIClient) -> None:
    statement_id = new_id()
    response = xapi_sqlite.post(deep_statement(MAX_JSON_DEPTH - 3, statement_id), content_type="application/json")
    assert response.status_code == 200, response.get_data(as_text=True)
    assert xapi_sqlite.get({"statementId": statement_id}).status_code == 200


@pytest.mark.parametrize("levels", [300, 1020])
def test_put_of_a_statement_nested_too_deep_is_a_400_in_french(xapi_sqlite: XAPIClient, levels: int) -> None:
    statement_id = new_id()
    response = xapi_sqlite.request("PUT", "statements", {"statementId": statement_id},
                                   deep_statement(levels, statement_id), content_type="application/json")
    assert response.status_code == 400, response.get_data(as_text=True)
    assert f"plus de {MAX_JSON_DEPTH} niveaux" in response.json["error"]["message"]
    assert xapi_sqlite.get({"statementId": statement_id}).status_code == 404


def test_an_import_rejects_the_deep_line_only(xapi_sqlite: XAPIClient) -> None:
    kept = statement(id=new_id())
    source = io.BytesIO(as_json(kept) + b"\n" + deep_statement(300) + b"\n")
    engine = xapi_sqlite.app.extensions["parcours.engine"]
    summary = import_ndjson(engine, source, import_credential("https://lrs.example.org"))
    assert (summary.stored, summary.rejected) == (1, 1)
    assert summary.problems[0].line == 2 and str(MAX_JSON_DEPTH) in summary.problems[0].message("en")


DOCUMENTS = [
    ("activities/state", {"activityId": ACTIVITY, "agent": AGENT, "stateId": "deep"}),
    ("activities/profile", {"activityId": ACTIVITY, "profileId": "deep"}),
    ("agents/profile", {"agent": AGENT, "profileId": "deep"}),
]
CREATE = {"If-None-Match": "*"}  # profiles need a precondition to be PUT


@pytest.mark.parametrize("resource,params", DOCUMENTS)
@pytest.mark.parametrize("levels", [MAX_JSON_DEPTH + 1, 100_000])
def test_post_of_a_document_nested_too_deep_is_a_400(xapi_sqlite: XAPIClient, resource: str, params: dict,
                                                      levels: int) -> None:
    response = xapi_sqlite.request("POST", resource, params, nested(levels), content_type="application/json",
                                   headers={"Accept-Language": "en"})
    assert response.status_code == 400, response.get_data(as_text=True)
    assert response.json["error"]["message"] == (
        f"The document nests JSON objects or arrays more than {MAX_JSON_DEPTH} levels deep: it cannot be merged.")
    assert xapi_sqlite.request("GET", resource, params).status_code == 404


@pytest.mark.parametrize("resource,params", DOCUMENTS)
def test_a_document_put_too_deep_is_kept_but_not_merged(xapi_sqlite: XAPIClient, resource: str, params: dict) -> None:
    content = nested(100_000)
    put = xapi_sqlite.request("PUT", resource, params, content, content_type="application/json", headers=CREATE)
    assert put.status_code == 204  # PUT stores any bytes
    merge = xapi_sqlite.request("POST", resource, params, {"b": 2}, headers={"If-Match": put.headers["ETag"]})
    assert merge.status_code == 400, merge.get_data(as_text=True)
    assert f"Le document enregistré imbrique des objets ou des tableaux JSON sur plus de {MAX_JSON_DEPTH} " \
           "niveaux" in merge.json["error"]["message"]
    assert xapi_sqlite.request("GET", resource, params).data == content


@pytest.mark.parametrize("resource,params", DOCUMENTS)
def test_documents_at_the_limit_still_merge(xapi_sqlite: XAPIClient, resource: str, params: dict) -> None:
    first = xapi_sqlite.request("POST", resource, params, b'{"b":' + nested(MAX_JSON_DEPTH - 1) + b"}",
                                content_type="application/json")
    assert first.status_code == 204, first.get_data(as_text=True)
    merge = xapi_sqlite.request("POST", resource, params, {"c": 3}, headers={"If-Match": first.headers["ETag"]})
    assert merge.status_code == 204, merge.get_data(as_text=True)
    assert xapi_sqlite.request("GET", resource, params).json["c"] == 3
