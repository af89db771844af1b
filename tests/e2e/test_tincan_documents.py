"""The reference Python client (TinCanPython's RemoteLRS) keeps state and profiles in a live LRS."""

from __future__ import annotations

import json
import time
from datetime import datetime, timezone
from typing import Iterator

import pytest
from tincan import Activity, Agent, RemoteLRS
from tincan.documents import ActivityProfileDocument, AgentProfileDocument, StateDocument
from tests.support.live_server import live_server

from tests.lrs.xapi_client import SECRET, make_client

ACTIVITY = Activity(id="http://example.org/course/tincan-documents")
AGENT = Agent(name="Ada", mbox="mailto:ada@example.org")
REGISTRATION = "6b3f8a1e-2c4d-4e5f-8a9b-0c1d2e3f4a5b"


@pytest.fixture
def lrs(database_url: str) -> Iterator[RemoteLRS]:
    with live_server(make_client(database_url).app) as (host, port):
        yield RemoteLRS(endpoint=f"http://{host}:{port}/xapi/", username="all", password=SECRET)


def etag_of(response) -> str:  # type: ignore[no-untyped-def]
    """RemoteLRS reads no response header: take the ETag from the raw response."""
    return response.response.getheader("ETag")


def test_state_round_trip(lrs: RemoteLRS) -> None:
    bookmark = StateDocument(id="bookmark", activity=ACTIVITY, agent=AGENT, content="page-7",
                             content_type="text/plain")
    assert lrs.save_state(bookmark).success
    retrieved = lrs.retrieve_state(ACTIVITY, AGENT, "bookmark")
    assert retrieved.success
    assert bytes(retrieved.content.content) == b"page-7"
    assert retrieved.response.getheader("Content-Type") == "text/plain"

    bookmark.content = "page-8"  # RemoteLRS sends state without a precondition: 1.0.3 allows it
    assert lrs.save_state(bookmark).success
    assert bytes(lrs.retrieve_state(ACTIVITY, AGENT, "bookmark").content.content) == b"page-8"

    missing = lrs.retrieve_state(ACTIVITY, AGENT, "never-saved")
    assert missing.success and missing.response.status == 404  # RemoteLRS treats a 404 here as an answer


def test_state_ids_since_delete_and_clear(lrs: RemoteLRS) -> None:
    for state_id in ("suspend_data", "location"):
        document = StateDocument(id=state_id, activity=ACTIVITY, agent=AGENT,
                                 content=json.dumps({"id": state_id}), content_type="application/json")
        assert lrs.save_state(document).success
    time.sleep(0.01)
    middle = datetime.now(timezone.utc).isoformat()
    time.sleep(0.01)
    later = StateDocument(id="score", activity=ACTIVITY, agent=AGENT, content="{}", content_type="application/json")
    assert lrs.save_state(later).success

    ids = lrs.retrieve_state_ids(ACTIVITY, AGENT)
    assert ids.success and sorted(ids.content) == ["location", "score", "suspend_data"]
    assert lrs.retrieve_state_ids(ACTIVITY, AGENT, since=middle).content == ["score"]

    current = lrs.retrieve_state(ACTIVITY, AGENT, "location").content
    current.etag = etag_of(lrs.retrieve_state(ACTIVITY, AGENT, "location"))
    assert lrs.delete_state(current).success
    assert sorted(lrs.retrieve_state_ids(ACTIVITY, AGENT).content) == ["score", "suspend_data"]

    assert lrs.clear_state(ACTIVITY, AGENT).success
    assert lrs.retrieve_state_ids(ACTIVITY, AGENT).content == []


def test_state_with_registration(lrs: RemoteLRS) -> None:
    attempt = StateDocument(id="attempt", activity=ACTIVITY, agent=AGENT, content="{}",
                            content_type="application/json")
    assert lrs.save_state(attempt).success
    assert lrs.retrieve_state_ids(ACTIVITY, AGENT, registration=REGISTRATION).content == []
    assert lrs.clear_state(ACTIVITY, AGENT, registration=REGISTRATION).success
    assert lrs.retrieve_state_ids(ACTIVITY, AGENT).content == ["attempt"]  # other registration untouched


def test_activity_profile_round_trip(lrs: RemoteLRS) -> None:
    profile = ActivityProfileDocument(id="glossary", activity=ACTIVITY, content=json.dumps({"fr": "glossaire"}),
                                      content_type="application/json")
    assert lrs.save_activity_profile(profile).success  # created without a precondition, as RemoteLRS does
    retrieved = lrs.retrieve_activity_profile(ACTIVITY, "glossary")
    assert json.loads(bytes(retrieved.content.content)) == {"fr": "glossaire"}

    profile.content = json.dumps({"fr": "lexique"})
    conflict = lrs.save_activity_profile(profile)  # no ETag: the LRS refuses to overwrite blindly
    assert not conflict.success and conflict.response.status == 409
    profile.etag = etag_of(retrieved)
    assert lrs.save_activity_profile(profile).success
    assert json.loads(bytes(lrs.retrieve_activity_profile(ACTIVITY, "glossary").content.content)) == {"fr": "lexique"}

    assert lrs.retrieve_activity_profile_ids(ACTIVITY).content == ["glossary"]
    stale = lrs.delete_activity_profile(profile)  # still holds the ETag of the old content
    assert not stale.success and stale.response.status == 412
    profile.etag = None
    assert lrs.delete_activity_profile(profile).success
    assert lrs.retrieve_activity_profile_ids(ACTIVITY).content == []


def test_agent_profile_round_trip(lrs: RemoteLRS) -> None:
    first = AgentProfileDocument(id="preferences", agent=AGENT, content=json.dumps({"lang": "fr"}),
                                 content_type="application/json")
    assert lrs.save_agent_profile(first).success  # RemoteLRS sends neither If-Match nor If-None-Match
    retrieved = lrs.retrieve_agent_profile(AGENT, "preferences")
    assert retrieved.success and json.loads(bytes(retrieved.content.content)) == {"lang": "fr"}
    before = datetime.now(timezone.utc).isoformat()

    profile = AgentProfileDocument(id="preferences", agent=AGENT, content=json.dumps({"lang": "en"}),
                                   content_type="application/json", etag=etag_of(retrieved))
    assert lrs.save_agent_profile(profile).success
    assert json.loads(bytes(lrs.retrieve_agent_profile(AGENT, "preferences").content.content)) == {"lang": "en"}
    assert lrs.retrieve_agent_profile_ids(AGENT).content == ["preferences"]
    assert lrs.retrieve_agent_profile_ids(AGENT, since=before).content == ["preferences"]
    assert lrs.retrieve_agent_profile_ids(Agent(mbox="mailto:someone-else@example.org")).content == []

    profile.etag = etag_of(lrs.retrieve_agent_profile(AGENT, "preferences"))
    assert lrs.delete_agent_profile(profile).success
    assert lrs.retrieve_agent_profile_ids(AGENT).content == []


def test_about_lists_2_0_0_which_tincan_1_0_0_cannot_read(lrs: RemoteLRS) -> None:
    """docs/lrs.md: RemoteLRS.about() raises on "2.0.0"; the documented workaround reads it."""
    from tincan.http_request import HTTPRequest

    with pytest.raises(ValueError, match="2.0.0"):
        lrs.about()  # the 1.0.0 client knows versions up to 1.0.3 only, in a list of its own
    response = lrs._send_request(HTTPRequest(method="GET", resource="about"))  # the workaround
    assert response.success and set(json.loads(response.data)["version"]) >= {"1.0.3", "2.0.0"}
