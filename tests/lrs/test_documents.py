"""State, Activity Profile and Agent Profile resources over HTTP, on SQLite and PostgreSQL."""

from __future__ import annotations

import hashlib
import json
import time
import uuid
from datetime import datetime, timedelta, timezone
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urlencode

import pytest
import sqlalchemy

from lrs.auth import create_credential
from lrs.db import write_transaction
from tests.lrs.xapi_client import SECRET_HASH, XAPIClient, auth_header, make_client

ACTIVITY = "http://example.org/course/module-1"
AGENT = {"objectType": "Agent", "mbox": "mailto:ada@example.org", "name": "Ada"}
REGISTRATION = "0f7d5a4e-8b1c-4c3b-9a55-3c1d2e3f4a5b"


def add_credentials(app: Any, scopes: dict[str, str]) -> None:
    """More credentials (key -> scopes) than the suite's own, with the same secret."""
    with write_transaction(app.extensions["parcours.engine"]) as connection:
        for key, scope in scopes.items():
            create_credential(connection, key=key, scopes=scope, secret_hash=SECRET_HASH)


def state(**extra: Any) -> dict[str, Any]:
    return {"activityId": ACTIVITY, "agent": AGENT, "stateId": "bookmark", **extra}


def sha1(content: bytes) -> str:
    return '"' + hashlib.sha1(content).hexdigest() + '"'


# --- State: storage byte for byte ---------------------------------------------------------------

def test_put_then_get_returns_the_bytes_and_content_type(xapi: XAPIClient) -> None:
    content = bytes(range(256)) * 3
    put = xapi.request("PUT", "activities/state", state(), content, content_type="application/octet-stream")
    assert put.status_code == 204
    assert put.headers["ETag"] == sha1(content)
    got = xapi.request("GET", "activities/state", state())
    assert got.status_code == 200
    assert got.data == content
    assert got.headers["Content-Type"] == "application/octet-stream"
    assert got.headers["ETag"] == sha1(content)
    assert abs(parsedate_to_datetime(got.headers["Last-Modified"]) - datetime.now(timezone.utc)) < timedelta(minutes=1)


def test_text_content_keeps_its_exact_content_type(xapi: XAPIClient) -> None:
    content = "page=3;score=12 — été".encode("utf-8")
    xapi.request("PUT", "activities/state", state(), content, content_type="text/plain; charset=utf-8")
    got = xapi.request("GET", "activities/state", state())
    assert got.data == content
    assert got.headers["Content-Type"] == "text/plain; charset=utf-8"


@pytest.mark.parametrize("content_type", ["application/x-www-form-urlencoded", "multipart/form-data; boundary=x"])
def test_form_looking_content_is_stored_as_sent(xapi: XAPIClient, content_type: str) -> None:
    content = b"page=3&score=12" if "urlencoded" in content_type else b"--x\r\n\r\nraw\r\n--x--\r\n"
    assert xapi.request("PUT", "activities/state", state(), content, content_type=content_type).status_code == 204
    got = xapi.request("GET", "activities/state", state())
    assert (got.data, got.headers["Content-Type"]) == (content, content_type)


def test_head_answers_the_headers_of_get_without_a_body(xapi: XAPIClient) -> None:
    xapi.request("PUT", "activities/state", state(), {"page": 3})
    head = xapi.request("HEAD", "activities/state", state())
    get = xapi.request("GET", "activities/state", state())
    assert head.status_code == 200 and head.data == b""
    for name in ("ETag", "Last-Modified", "Content-Type", "Content-Length"):
        assert head.headers[name] == get.headers[name]
    listing = xapi.request("HEAD", "activities/state", {"activityId": ACTIVITY, "agent": AGENT})
    assert listing.status_code == 200 and listing.data == b""


def test_unknown_document_is_404(xapi: XAPIClient) -> None:
    response = xapi.request("GET", "activities/state", state(stateId="never-written"))
    assert response.status_code == 404
    assert response.json["error"]["field"] == "stateId"


def test_the_same_agent_written_differently_reaches_the_same_document(xapi: XAPIClient) -> None:
    xapi.request("PUT", "activities/state", state(), {"page": 1})
    other_spelling = {"mbox": "mailto:ada@example.org"}  # no name, no objectType
    got = xapi.request("GET", "activities/state", state(agent=other_spelling))
    assert got.status_code == 200 and got.json == {"page": 1}


def test_registration_separates_documents(xapi: XAPIClient) -> None:
    xapi.request("PUT", "activities/state", state(), {"attempt": "none"})
    xapi.request("PUT", "activities/state", state(registration=REGISTRATION), {"attempt": "first"})
    assert xapi.request("GET", "activities/state", state()).json == {"attempt": "none"}
    assert xapi.request("GET", "activities/state", state(registration=REGISTRATION)).json == {"attempt": "first"}
    upper = REGISTRATION.upper()  # the same UUID
    assert xapi.request("GET", "activities/state", state(registration=upper)).json == {"attempt": "first"}


# --- State: POST merges JSON objects --------------------------------------------------------------

def test_post_merges_top_level_keys(xapi: XAPIClient) -> None:
    assert xapi.request("POST", "activities/state", state(), {"a": 1, "b": {"x": 1}, "n": None}).status_code == 204
    assert xapi.request("POST", "activities/state", state(), {"b": {"y": 2}, "c": 3}).status_code == 204
    got = xapi.request("GET", "activities/state", state())
    assert got.json == {"a": 1, "b": {"y": 2}, "n": None, "c": 3}
    assert got.headers["Content-Type"] == "application/json"
    assert got.headers["ETag"] == sha1(got.data)


def test_post_keeps_big_integers_and_decimals_exactly(xapi: XAPIClient) -> None:
    xapi.request("PUT", "activities/state", state(), b'{"big": 123456789012345678901234567890}',
         content_type="application/json")
    xapi.request("POST", "activities/state", state(), b'{"ratio": 0.10}', content_type="application/json")
    got = xapi.request("GET", "activities/state", state()).data
    assert b"123456789012345678901234567890" in got and b"0.1" in got


@pytest.mark.parametrize(
    ("stored", "stored_type", "posted", "posted_type"),
    [
        ({"a": 1}, "application/json", b"plain text", "text/plain"),  # posted is not JSON
        (b"binary", "application/octet-stream", b'{"a": 2}', "application/json"),  # stored is not JSON
        ({"a": 1}, "application/json", b'{"a": 2', "application/json"),  # posted is broken JSON
        ({"a": 1}, "application/json", b"[1, 2]", "application/json"),  # posted is not an object
        (b"[1]", "application/json", b'{"a": 2}', "application/json"),  # stored is not an object
    ],
)
def test_post_refuses_what_cannot_be_merged_and_changes_nothing(
        xapi: XAPIClient, stored: Any, stored_type: str, posted: bytes, posted_type: str) -> None:
    if isinstance(stored, dict):
        stored = json.dumps(stored).encode()
    xapi.request("PUT", "activities/state", state(), stored, content_type=stored_type)
    before = xapi.request("GET", "activities/state", state())
    response = xapi.request("POST", "activities/state", state(), posted, content_type=posted_type)
    assert response.status_code == 400
    assert response.json["error"]["message"]
    after = xapi.request("GET", "activities/state", state())
    assert (after.data, after.headers["ETag"]) == (before.data, before.headers["ETag"])


def test_post_of_non_json_to_a_new_document_is_refused_and_stores_nothing(xapi: XAPIClient) -> None:
    response = xapi.request("POST", "activities/state", state(), b"abc", content_type="text/plain")
    assert response.status_code == 400 and response.json["error"]["field"] == "Content-Type"
    assert xapi.request("GET", "activities/state", state()).status_code == 404


def test_post_creates_a_missing_document_as_put_does(xapi: XAPIClient) -> None:
    body = b'{ "spaced" : true }'
    xapi.request("POST", "activities/state", state(), body, content_type="application/json; charset=utf-8")
    got = xapi.request("GET", "activities/state", state())
    assert got.data == body


# --- State: lists and deletion ------------------------------------------------------------------

def test_get_without_state_id_lists_ids_and_honours_since(xapi: XAPIClient) -> None:
    context = {"activityId": ACTIVITY, "agent": AGENT}
    xapi.request("PUT", "activities/state", state(stateId="first"), {"n": 1})
    time.sleep(0.01)
    middle = datetime.now(timezone.utc)
    time.sleep(0.01)
    xapi.request("PUT", "activities/state", state(stateId="second"), {"n": 2})
    xapi.request("PUT", "activities/state", state(stateId="third", registration=REGISTRATION), {"n": 3})
    everything = xapi.request("GET", "activities/state", context)
    assert everything.status_code == 200
    assert sorted(everything.json) == ["first", "second", "third"]
    assert "Last-Modified" in everything.headers
    since = xapi.request("GET", "activities/state", {**context, "since": middle.isoformat()})
    assert sorted(since.json) == ["second", "third"]
    one_registration = xapi.request("GET", "activities/state", {**context, "registration": REGISTRATION})
    assert one_registration.json == ["third"]
    other_agent = xapi.request("GET", "activities/state", {**context, "agent": {"mbox": "mailto:bob@example.org"}})
    assert other_agent.json == []


def test_delete_one_document(xapi: XAPIClient) -> None:
    xapi.request("PUT", "activities/state", state(), {"n": 1})
    xapi.request("PUT", "activities/state", state(stateId="kept"), {"n": 2})
    assert xapi.request("DELETE", "activities/state", state()).status_code == 204
    assert xapi.request("GET", "activities/state", state()).status_code == 404
    assert xapi.request("GET", "activities/state", state(stateId="kept")).status_code == 200
    assert xapi.request("DELETE", "activities/state", state()).status_code == 204  # already gone: still done


def test_delete_without_state_id_clears_the_context(xapi: XAPIClient) -> None:
    context = {"activityId": ACTIVITY, "agent": AGENT}
    xapi.request("PUT", "activities/state", state(stateId="a"), {"n": 1})
    xapi.request("PUT", "activities/state", state(stateId="b", registration=REGISTRATION), {"n": 2})
    xapi.request("PUT", "activities/state", state(stateId="c", activityId=ACTIVITY + "/other"), {"n": 3})
    xapi.request("DELETE", "activities/state", {**context, "registration": REGISTRATION})
    assert xapi.request("GET", "activities/state", context).json == ["a"]
    assert xapi.request("DELETE", "activities/state", context).status_code == 204
    assert xapi.request("GET", "activities/state", context).json == []
    assert xapi.request("GET", "activities/state", {**context, "activityId": ACTIVITY + "/other"}).json == ["c"]


# --- Parameters -----------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("method", "params", "field"),
    [
        ("PUT", {"agent": AGENT, "stateId": "s"}, "activityId"),
        ("GET", {"activityId": "not an iri", "agent": AGENT}, "activityId"),
        ("PUT", {"activityId": ACTIVITY, "stateId": "s"}, "agent"),
        ("GET", {"activityId": ACTIVITY, "agent": "{not json"}, "agent"),
        ("GET", {"activityId": ACTIVITY, "agent": {"name": "no identifier"}}, "agent"),
        ("PUT", {**state(), "agent": {"objectType": "Group", "member": [AGENT]}}, "agent"),  # anonymous
        ("PUT", {"activityId": ACTIVITY, "agent": AGENT}, "stateId"),
        ("POST", {"activityId": ACTIVITY, "agent": AGENT}, "stateId"),
        ("PUT", {**state(), "registration": "not-a-uuid"}, "registration"),
        ("GET", {"activityId": ACTIVITY, "agent": AGENT, "since": "yesterday"}, "since"),
        ("DELETE", {"activityId": ACTIVITY, "agent": AGENT, "since": "2024-01-01T00:00:00Z"}, "since"),
        ("PUT", {**state(), "colour": "blue"}, "colour"),
    ],
)
def test_bad_parameters_are_400_naming_the_parameter(
        xapi: XAPIClient, method: str, params: dict[str, Any], field: str) -> None:
    response = xapi.request(method, "activities/state", params, {"n": 1})
    assert response.status_code == 400
    assert response.json["error"]["field"] == field
    assert field in response.json["error"]["message"]


def test_errors_speak_french_by_default_and_english_on_request(xapi: XAPIClient) -> None:
    params = state(registration="nope")
    french = xapi.request("PUT", "activities/state", params, {"n": 1})
    english = xapi.request("PUT", "activities/state", params, {"n": 1}, headers={"Accept-Language": "en"})
    assert "UUID" in french.json["error"]["message"] and "n'est pas" in french.json["error"]["message"]
    assert "not a UUID" in english.json["error"]["message"]


def test_alternate_request_syntax_reaches_the_state_resource(xapi: XAPIClient) -> None:
    form = {
        "X-Experience-API-Version": "1.0.3",
        "Authorization": auth_header("all"),
        "Content-Type": "application/json",
        "activityId": ACTIVITY, "agent": json.dumps(AGENT), "stateId": "alt",
        "content": json.dumps({"via": "form"}),
    }
    response = xapi.client.post("/xapi/activities/state?method=PUT", data=form,
                           content_type="application/x-www-form-urlencoded")
    assert response.status_code == 204
    assert xapi.request("GET", "activities/state", state(stateId="alt")).json == {"via": "form"}


# --- Scopes ---------------------------------------------------------------------------------------

def test_scopes_guard_each_resource(xapi: XAPIClient) -> None:
    add_credentials(xapi.app, {"state": "state", "profile": "profile"})
    profile = {"activityId": ACTIVITY, "profileId": "p"}
    assert xapi.request("PUT", "activities/state", state(), {"n": 1}, key="state").status_code == 204
    create = {"If-None-Match": "*"}
    assert xapi.request("PUT", "activities/profile", profile, {"n": 1}, key="state", headers=create).status_code == 403
    created = xapi.request("PUT", "activities/profile", profile, {"n": 1}, key="profile", headers=create)
    assert created.status_code == 204
    assert xapi.request("GET", "activities/state", state(), key="profile").status_code == 403
    assert xapi.request("GET", "activities/state", state(), key="writer").status_code == 403
    assert xapi.request("GET", "activities/state", state(), key="allreader").status_code == 200
    assert xapi.request("HEAD", "activities/profile", profile, key="allreader").status_code == 200
    assert xapi.request("PUT", "activities/state", state(), {"n": 2}, key="allreader").status_code == 403
    assert xapi.request("DELETE", "activities/profile", profile, key="allreader").status_code == 403
    anonymous = xapi.client.get(f"/xapi/activities/state?{urlencode({'activityId': ACTIVITY})}",
                           headers={"X-Experience-API-Version": "1.0.3"})
    assert anonymous.status_code == 401
    assert xapi.request("GET", "activities/state", state()).json == {"n": 1}  # nothing else was written


# --- Concurrency: ETags and preconditions -----------------------------------------------------------

def test_if_match_guards_put_post_and_delete(xapi: XAPIClient) -> None:
    xapi.request("PUT", "activities/state", state(), {"v": 1})
    etag = xapi.request("GET", "activities/state", state()).headers["ETag"]
    stale = sha1(b"something else")
    for method in ("PUT", "POST", "DELETE"):
        response = xapi.request(method, "activities/state", state(), {"v": 2}, headers={"If-Match": stale})
        assert response.status_code == 412, method
    assert xapi.request("GET", "activities/state", state()).json == {"v": 1}
    assert xapi.request("PUT", "activities/state", state(), {"v": 2}, headers={"If-Match": etag}).status_code == 204
    new_etag = xapi.request("GET", "activities/state", state()).headers["ETag"]
    merged = xapi.request("POST", "activities/state", state(), {"w": 3}, headers={"If-Match": new_etag})
    assert merged.status_code == 204
    merged_etag = xapi.request("GET", "activities/state", state()).headers["ETag"]
    assert xapi.request("DELETE", "activities/state", state(), headers={"If-Match": merged_etag}).status_code == 204
    assert xapi.request("GET", "activities/state", state()).status_code == 404


def test_etags_are_strong_stable_and_tolerate_missing_quotes(xapi: XAPIClient) -> None:
    xapi.request("PUT", "activities/state", state(), b'{"v":1}', content_type="application/json")
    etag = xapi.request("GET", "activities/state", state()).headers["ETag"]
    assert etag == sha1(b'{"v":1}')
    weak = "W/" + etag
    assert xapi.request("PUT", "activities/state", state(), {"v": 2}, headers={"If-Match": weak}).status_code == 412
    bare = etag.strip('"')
    assert xapi.request("PUT", "activities/state", state(), b'{"v":1}', content_type="application/json",
                headers={"If-Match": bare}).status_code == 204
    assert xapi.request("GET", "activities/state", state()).headers["ETag"] == etag  # same bytes, same tag
    listed = f'"{"0" * 40}", {etag}'
    assert xapi.request("PUT", "activities/state", state(), {"v": 3}, headers={"If-Match": listed}).status_code == 204


def test_if_none_match_star_creates_only_once(xapi: XAPIClient) -> None:
    first = xapi.request("PUT", "activities/state", state(), {"v": 1}, headers={"If-None-Match": "*"})
    second = xapi.request("PUT", "activities/state", state(), {"v": 2}, headers={"If-None-Match": "*"})
    assert (first.status_code, second.status_code) == (204, 412)
    assert xapi.request("GET", "activities/state", state()).json == {"v": 1}


def test_if_match_on_a_missing_document_fails(xapi: XAPIClient) -> None:
    response = xapi.request("PUT", "activities/state", state(), {"v": 1}, headers={"If-Match": "*"})
    assert response.status_code == 412
    assert xapi.request("GET", "activities/state", state()).status_code == 404


def test_get_with_a_current_etag_is_not_modified(xapi: XAPIClient) -> None:
    xapi.request("PUT", "activities/state", state(), {"v": 1})
    etag = xapi.request("GET", "activities/state", state()).headers["ETag"]
    response = xapi.request("GET", "activities/state", state(), headers={"If-None-Match": etag})
    assert response.status_code == 304 and response.headers["ETag"] == etag
    assert xapi.request("GET", "activities/state", state(), headers={"If-None-Match": sha1(b"x")}).status_code == 200


PROFILES = [
    ("activities/profile", {"activityId": ACTIVITY, "profileId": "p"}),
    ("agents/profile", {"agent": AGENT, "profileId": "p"}),
]


@pytest.mark.parametrize(("version", "expected"), [("1.0.3", 204), ("2.0.0", 409)])
def test_state_put_over_an_existing_document_without_precondition(
        xapi: XAPIClient, version: str, expected: int) -> None:
    assert xapi.request("PUT", "activities/state", state(), {"v": 1}, version=version).status_code == 204
    response = xapi.request("PUT", "activities/state", state(), {"v": 2}, version=version)
    assert response.status_code == expected  # 1.0.3 lets state be overwritten blindly, 2.0 does not
    kept = {"v": 2} if expected == 204 else {"v": 1}
    assert xapi.request("GET", "activities/state", state(), version=version).json == kept


@pytest.mark.parametrize("version", ["1.0.3", "2.0.0"])
@pytest.mark.parametrize(("path", "params"), PROFILES)
def test_profile_put_over_an_existing_document_without_precondition_is_409(
        xapi: XAPIClient, version: str, path: str, params: dict[str, Any]) -> None:
    created = xapi.request("PUT", path, params, {"v": 1}, headers={"If-None-Match": "*"}, version=version)
    assert created.status_code == 204
    response = xapi.request("PUT", path, params, {"v": 2}, version=version)
    assert response.status_code == 409 and response.json["error"]["field"] == "If-Match"
    assert xapi.request("GET", path, params, version=version).json == {"v": 1}


@pytest.mark.parametrize("version", ["1.0.3", "2.0.0"])
@pytest.mark.parametrize(("path", "params"), PROFILES)
def test_profile_put_creating_without_precondition_is_stored_then_409(
        xapi: XAPIClient, version: str, path: str, params: dict[str, Any]) -> None:
    # TinCanPython's save_agent_profile creates a profile without either header.
    response = xapi.request("PUT", path, params, {"v": 1}, version=version)
    assert response.status_code == 204
    assert xapi.request("GET", path, params, version=version).json == {"v": 1}
    again = xapi.request("PUT", path, params, {"v": 2}, version=version)
    assert again.status_code == 409 and again.json["error"]["field"] == "If-Match"
    assert xapi.request("GET", path, params, version=version).json == {"v": 1}


@pytest.mark.parametrize(("path", "params"), PROFILES)
def test_strict_profile_put_refuses_a_creation_without_precondition_in_1_0_3(
        sqlite_database: str, path: str, params: dict[str, Any]) -> None:
    strict = make_client(sqlite_database, strict_profile_put=True)
    refused = strict.request("PUT", path, params, {"v": 1})  # what the ADL 1.0.3 suite expects (XAPI-00273)
    assert refused.status_code == 400 and refused.json["error"]["field"] == "If-None-Match"
    assert strict.request("GET", path, params).status_code == 404
    assert strict.request("PUT", path, params, {"v": 1}, version="2.0.0").status_code == 204  # 2.0 dropped the rule
    strict.app.extensions["parcours.engine"].dispose()


# --- Activity Profile and Agent Profile ------------------------------------------------------------

@pytest.mark.parametrize(
    ("path", "context"),
    [("activities/profile", {"activityId": ACTIVITY}), ("agents/profile", {"agent": AGENT})],
)
def test_profiles_store_merge_list_and_delete(xapi: XAPIClient, path: str, context: dict[str, Any]) -> None:
    first = {**context, "profileId": "prefs"}
    second = {**context, "profileId": "avatar"}
    assert xapi.request("PUT", path, first, {"lang": "fr"}, headers={"If-None-Match": "*"}).status_code == 204
    etag = xapi.request("GET", path, first).headers["ETag"]
    assert xapi.request("POST", path, first, {"theme": "dark"}, headers={"If-Match": etag}).status_code == 204
    assert xapi.request("GET", path, first).json == {"lang": "fr", "theme": "dark"}
    time.sleep(0.01)
    middle = datetime.now(timezone.utc)
    time.sleep(0.01)
    image = b"\x89PNG\r\n\x1a\n" + uuid.uuid4().bytes
    assert xapi.request("PUT", path, second, image, content_type="image/png",
                headers={"If-None-Match": "*"}).status_code == 204
    got = xapi.request("GET", path, second)
    assert (got.data, got.headers["Content-Type"]) == (image, "image/png")
    assert sorted(xapi.request("GET", path, context).json) == ["avatar", "prefs"]
    assert xapi.request("GET", path, {**context, "since": middle.isoformat()}).json == ["avatar"]
    without_id = xapi.request("DELETE", path, context)
    assert without_id.status_code == 400 and without_id.json["error"]["field"] == "profileId"
    assert xapi.request("DELETE", path, first).status_code == 204
    assert xapi.request("GET", path, context).json == ["avatar"]


def test_profiles_take_no_registration(xapi: XAPIClient) -> None:
    params = {"activityId": ACTIVITY, "profileId": "p", "registration": REGISTRATION}
    response = xapi.request("PUT", "activities/profile", params, {"v": 1}, headers={"If-None-Match": "*"})
    assert response.status_code == 400 and response.json["error"]["field"] == "registration"


def test_the_three_resources_keep_separate_documents(xapi: XAPIClient) -> None:
    xapi.request("PUT", "activities/state", state(stateId="same"), {"from": "state"})
    xapi.request("POST", "activities/profile", {"activityId": ACTIVITY, "profileId": "same"}, {"from": "activity"})
    xapi.request("POST", "agents/profile", {"agent": AGENT, "profileId": "same"}, {"from": "agent"})
    assert xapi.request("GET", "activities/state", state(stateId="same")).json == {"from": "state"}
    assert xapi.request("GET", "activities/profile", {"activityId": ACTIVITY, "profileId": "same"}).json == {
        "from": "activity"}
    assert xapi.request("GET", "agents/profile", {"agent": AGENT, "profileId": "same"}).json == {"from": "agent"}


# --- Storage: every lookup is an index search -------------------------------------------------------

def test_every_document_query_uses_an_index(xapi_sqlite: XAPIClient) -> None:
    """At a million documents a full scan would take seconds: no query may need one."""
    xapi = xapi_sqlite
    engine = xapi.app.extensions["parcours.engine"]
    issued: list[tuple[str, Any]] = []

    @sqlalchemy.event.listens_for(engine, "before_cursor_execute")
    def record(connection, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        if "documents" in statement and not statement.lstrip().upper().startswith(("INSERT", "CREATE", "PRAGMA")):
            issued.append((statement, parameters))

    context = {"activityId": ACTIVITY, "agent": AGENT}
    xapi.request("PUT", "activities/state", state(), {"n": 1})
    xapi.request("POST", "activities/state", state(), {"m": 2})
    xapi.request("GET", "activities/state", state())
    xapi.request("GET", "activities/state", {**context, "since": "2020-01-01T00:00:00Z"})
    xapi.request("GET", "activities/state", {**context, "registration": REGISTRATION})
    xapi.request("DELETE", "activities/state", state())
    xapi.request("DELETE", "activities/state", {**context, "registration": REGISTRATION})
    xapi.request("DELETE", "activities/state", context)
    xapi.request("GET", "agents/profile", {"agent": AGENT})
    sqlalchemy.event.remove(engine, "before_cursor_execute", record)
    assert len(issued) >= 9
    with engine.connect() as connection:
        for statement, parameters in issued:
            plan = connection.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters).all()
            details = [row[-1] for row in plan if "documents" in row[-1]]
            assert details and all("USING" in detail for detail in details), (statement, details)
