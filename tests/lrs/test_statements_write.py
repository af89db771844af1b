"""Storing statements over HTTP: PUT, POST, batches, duplicates, what the LRS sets, errors."""

from __future__ import annotations

import json
import random
import string

import pytest

from lrs.statements import backlog
from tests.lrs.xapi_client import ACTIVITY, VERB, XAPIClient, agent, auth_header, make_client, new_id, statement


def count(xapi: XAPIClient) -> int:
    return len(xapi.query_ids({"limit": 0}))


def test_post_one_statement_returns_its_id_and_stores_it(xapi: XAPIClient) -> None:
    response = xapi.post(statement())
    assert response.status_code == 200
    [statement_id] = response.json
    stored = xapi.get({"statementId": statement_id}).json
    assert stored["id"] == statement_id
    assert stored["actor"]["mbox"] == "mailto:camille.martin@example.gouv.fr"
    assert stored["stored"].endswith("Z") and "." in stored["stored"]
    assert stored["timestamp"] == stored["stored"]  # none sent: the LRS uses stored
    assert stored["version"] == "1.0.0"
    assert stored["authority"] == {"objectType": "Agent", "name": "all",
                                   "account": {"homePage": "https://lrs.parcours.invalid", "name": "all"}}


def test_version_and_authority_follow_the_request(xapi: XAPIClient) -> None:
    sent = statement(authority=agent("impostor"), timestamp="2026-01-05T10:00:00+02:00")
    [statement_id] = xapi.post(sent, version="2.0.0", key="writer").json
    stored = xapi.get({"statementId": statement_id}, version="2.0.0").json
    assert stored["version"] == "2.0.0"
    assert stored["authority"]["account"]["name"] == "writer"  # the sender's claim is replaced
    assert stored["timestamp"] == "2026-01-05T08:00:00Z"  # 2.0: converted to UTC


def test_put_stores_under_the_given_id(xapi: XAPIClient) -> None:
    statement_id = new_id()
    assert xapi.put(statement(), statement_id).status_code == 204
    assert xapi.get({"statementId": statement_id}).json["id"] == statement_id


@pytest.mark.parametrize(
    "params, body_id, field",
    [({}, None, "statementId"), ({"statementId": "not-a-uuid"}, None, "statementId"),
     ({"statementId": "5d1a6b2e-35c4-4a0e-8b8f-9d6c2a7f1e01"}, "0b7e2c7c-91f8-4c47-9f0e-3b5a2d1c4e6f", "$.id")],
)
def test_put_refuses_a_missing_or_mismatched_id(xapi_sqlite: XAPIClient, params: dict, body_id: str | None,
                                                field: str) -> None:
    body = statement(id=body_id)
    response = xapi_sqlite.request("PUT", "statements", params, body)
    assert response.status_code == 400
    assert response.json["error"]["field"] == field
    assert count(xapi_sqlite) == 0


def test_a_batch_is_all_or_nothing(xapi: XAPIClient) -> None:
    good = statement(id=new_id())
    bad = statement(id=new_id(), actor={"objectType": "Agent", "name": "No identifier"})
    response = xapi.post([good, bad])
    assert response.status_code == 400
    assert response.json["error"]["field"].startswith("$[1].actor")
    assert count(xapi) == 0
    assert xapi.get({"statementId": good["id"]}).status_code == 404


def test_batch_returns_ids_in_order(xapi: XAPIClient) -> None:
    first, second = new_id(), new_id()
    ids = xapi.store(statement(id=first), statement(), statement(id=second))
    assert ids[0] == first and ids[2] == second and len(set(ids)) == 3


def test_same_id_same_content_is_accepted_different_content_is_409(xapi: XAPIClient) -> None:
    statement_id = new_id()
    assert xapi.put(statement(), statement_id).status_code == 204
    assert xapi.put(statement(), statement_id).status_code == 204
    assert xapi.post(statement(id=statement_id)).json == [statement_id]
    response = xapi.put(statement(verb={"id": "http://adlnet.gov/expapi/verbs/failed"}), statement_id)
    assert response.status_code == 409
    assert response.json["error"]["field"] == "$.id"
    assert count(xapi) == 1


def test_one_conflict_rejects_the_whole_batch(xapi: XAPIClient) -> None:
    statement_id = new_id()
    xapi.store(statement(id=statement_id))
    fresh = new_id()
    changed = statement(id=statement_id, verb={"id": "http://adlnet.gov/expapi/verbs/failed"})
    assert xapi.post([statement(id=fresh), changed]).status_code == 409
    assert xapi.get({"statementId": fresh}).status_code == 404


def test_the_same_id_twice_in_one_batch_is_refused(xapi_sqlite: XAPIClient) -> None:
    statement_id = new_id()
    response = xapi_sqlite.post([statement(id=statement_id), statement(id=statement_id)])
    assert response.status_code == 400
    assert response.json["error"]["field"] == "$[1].id"


@pytest.mark.parametrize(
    "body, content_type, field",
    [(b"{not json", "application/json", "body"), (b"", "application/json", "body"),
     (b"actor=1", "text/plain", "Content-Type"), (b"42", "application/json", "$")],
)
def test_bodies_that_are_not_statements_are_400(xapi_sqlite: XAPIClient, body: bytes, content_type: str,
                                                field: str) -> None:
    response = xapi_sqlite.request("POST", "statements", body=body, content_type=content_type)
    assert response.status_code == 400
    assert response.json["error"]["field"] == field
    assert response.headers["Content-Type"] == "application/json"


def test_post_takes_no_query_parameters(xapi_sqlite: XAPIClient) -> None:
    response = xapi_sqlite.request("POST", "statements", {"statementId": new_id()}, statement())
    assert response.status_code == 400
    assert response.json["error"]["field"] == "statementId"


def test_bodies_over_the_limit_get_413_and_nothing_is_stored(sqlite_database: str) -> None:
    client = make_client(sqlite_database, max_body_bytes=2000)
    big = [statement(id=new_id()) for _ in range(20)]
    response = client.post(big)
    assert response.status_code == 413
    assert "2000 octets au plus (PARCOURS_MAX_BODY_BYTES)" in response.json["error"]["message"]
    assert count(client) == 0


def test_a_body_that_is_not_utf8_is_named_so(xapi_sqlite: XAPIClient) -> None:
    response = xapi_sqlite.request("POST", "statements", None, b"\xff\xfe{}", content_type="application/json")
    assert response.status_code == 400
    assert "n'est pas en UTF-8" in response.json["error"]["message"]


def test_errors_are_french_by_default_and_english_on_request(xapi_sqlite: XAPIClient) -> None:
    bad = statement(verb={"id": "not an iri"})
    french = xapi_sqlite.post(bad)
    english = xapi_sqlite.post(bad, headers={"Accept-Language": "en"})
    assert french.status_code == english.status_code == 400
    assert french.json["error"]["field"] == english.json["error"]["field"] == "$.verb.id"
    assert french.json["error"]["message"] != english.json["error"]["message"]
    assert french.json["error"]["message"].startswith("$.verb.id : ")


def test_an_lrs_set_to_english_answers_in_english_unless_asked_otherwise(sqlite_database: str) -> None:
    from lrs.config import Config

    assert Config.from_env({"PARCOURS_LANG": "EN"}).lang == "en"
    client = make_client(sqlite_database, lang=Config.from_env({"PARCOURS_LANG": "en-GB"}).lang)
    bad = statement(verb={"id": "not an iri"})
    assert client.post(bad).json["error"]["message"].startswith("$.verb.id: ")
    french = client.post(bad, headers={"Accept-Language": "fr-FR, en;q=0.8"})
    assert french.json["error"]["message"].startswith("$.verb.id : ")


def test_missing_and_unsupported_versions_are_400_and_echoed(xapi_sqlite: XAPIClient) -> None:
    missing = xapi_sqlite.post(statement(), version=None)
    assert missing.status_code == 400
    assert missing.json["error"]["field"] == "X-Experience-API-Version"
    assert xapi_sqlite.post(statement(), version="1.1.0").status_code == 400
    assert xapi_sqlite.post(statement(), version="0.95").status_code == 400
    for sent, echoed in (("1.0", "1.0.3"), ("1.0.1", "1.0.3"), ("2.0", "2.0.0"), ("2.0.0", "2.0.0")):
        response = xapi_sqlite.post(statement(), version=sent)
        assert response.status_code == 200
        assert response.headers["X-Experience-API-Version"] == echoed
    assert count(xapi_sqlite) == 4


def test_the_version_answered_to_a_request_without_one_is_configurable(sqlite_database: str) -> None:
    client = make_client(sqlite_database, default_version="1.0.3")
    response = client.post(statement(), version=None)
    assert response.status_code == 400
    assert response.headers["X-Experience-API-Version"] == "1.0.3"


def _broken_hook(connection, stored, voided):  # type: ignore[no-untyped-def]
    raise RuntimeError("a bug")


def test_unexpected_errors_are_json_500_never_tracebacks(xapi_postgres: XAPIClient) -> None:
    xapi_postgres.app.extensions["parcours.ingest_hooks"].append(_broken_hook)
    response = xapi_postgres.post(statement())
    assert response.status_code == 500
    assert response.json["error"]["code"] == 500
    assert "Traceback" not in response.get_data(as_text=True)
    xapi_postgres.app.extensions["parcours.ingest_hooks"].remove(_broken_hook)
    assert count(xapi_postgres) == 0  # the hook failed inside the transaction: nothing stored


def test_a_failing_indexing_answers_a_json_500_and_loses_nothing(xapi_sqlite: XAPIClient) -> None:
    # On SQLite the hooks run when the queued statements are indexed for the reports:
    # at the latest before the next report, which then fails; the statement stays queued.
    engine = xapi_sqlite.app.extensions["parcours.engine"]
    xapi_sqlite.app.extensions["parcours.ingest_hooks"].append(_broken_hook)
    with backlog._indexers[engine].writes.during():  # no background indexing meanwhile
        stored_ids = xapi_sqlite.store(statement())
        assert xapi_sqlite.query_ids({"verb": VERB}) == stored_ids  # the filters need no hook
        response = xapi_sqlite.client.get("/reports/courses.json", headers={"Authorization": auth_header("all")})
        assert response.status_code == 500
        assert response.json["error"]["code"] == 500
        assert "Traceback" not in response.get_data(as_text=True)
        assert backlog.queue_state(engine)[0] == 1
    xapi_sqlite.app.extensions["parcours.ingest_hooks"].remove(_broken_hook)
    response = xapi_sqlite.client.get("/reports/courses.json", headers={"Authorization": auth_header("all")})
    assert response.status_code == 200 and backlog.queue_state(engine) == (0, None)
    assert xapi_sqlite.query_ids({"verb": VERB}) == stored_ids


def test_ingest_hooks_see_what_is_stored_and_voided(xapi: XAPIClient) -> None:
    calls: list[tuple[list[str], list[str]]] = []
    xapi.app.extensions["parcours.ingest_hooks"].append(
        lambda connection, stored, voided: calls.append(([s["id"] for s in stored], list(voided)))
    )
    engine = xapi.app.extensions["parcours.engine"]
    target = new_id()
    xapi.store(statement(id=target))
    backlog.ensure_indexed(engine)  # as a report reader does: on SQLite, queued statements are hooked first
    xapi.store(statement(id=target))  # a duplicate stores nothing: no call
    voiding = new_id()
    xapi.store(statement(id=voiding, verb={"id": "http://adlnet.gov/expapi/verbs/voided"},
                         object={"objectType": "StatementRef", "id": target}))
    backlog.ensure_indexed(engine)
    assert calls == [([target], []), ([voiding], [target])]


def test_unknown_routes_and_methods_are_json(xapi_sqlite: XAPIClient) -> None:
    missing = xapi_sqlite.request("GET", "nowhere")
    assert missing.status_code == 404 and missing.json["error"]["code"] == 404
    wrong = xapi_sqlite.request("DELETE", "statements")
    assert wrong.status_code == 405 and wrong.json["error"]["code"] == 405


def test_double_slashes_in_paths_are_tolerated(xapi_sqlite: XAPIClient) -> None:
    response = xapi_sqlite.request("POST", "/statements", body=statement())
    assert response.status_code == 200
    assert xapi_sqlite.request("GET", "/statements/").status_code == 200


def test_activity_definitions_need_the_define_scope(xapi: XAPIClient) -> None:
    other = "https://formation.example.gouv.fr/cours/accessibilite"
    sent = statement(object={"id": other, "definition": {"name": {"fr-FR": "Accessibilité"}}})
    xapi.store(sent, key="writer")
    activity = xapi.request("GET", "activities", {"activityId": other}).json
    assert activity == {"objectType": "Activity", "id": other}  # known, but not defined by a writer
    xapi.store(sent, key="definer")
    xapi.store(statement(object={"id": other, "definition": {"name": {"en-US": "Accessibility"}}}), key="definer")
    activity = xapi.request("GET", "activities", {"activityId": other}).json
    assert activity["definition"]["name"] == {"fr-FR": "Accessibilité", "en-US": "Accessibility"}


def test_stored_statement_keeps_the_sent_json(xapi: XAPIClient) -> None:
    sent = statement(id=new_id(), result={"score": {"scaled": 0.5, "raw": 10.0, "min": 0, "max": 20},
                                          "extensions": {"https://example.gouv.fr/x": {"nested": [1, 2.5, None]}}},
                     context={"contextActivities": {"parent": {"id": ACTIVITY}}})
    xapi.store(sent)
    stored = xapi.get({"statementId": sent["id"]}).json
    assert json.dumps(stored["result"], sort_keys=True) == json.dumps(sent["result"], sort_keys=True)
    assert stored["context"]["contextActivities"]["parent"] == [{"id": ACTIVITY}]  # always arrays


def test_nul_characters_are_stored_and_found_on_both_engines(xapi: XAPIClient) -> None:
    """xAPI strings may hold U+0000, which PostgreSQL text cannot: the statement comes back
    as sent, and the names and ids the LRS keeps beside it stay consistent (U+FFFD there
    on PostgreSQL)."""
    learner = {"account": {"homePage": "https://moodle.example.gouv.fr", "name": "id\u00007"}, "name": "Camille\u0000M"}
    sent = statement(
        actor=learner,
        verb={"id": VERB, "display": {"fr-FR": "a vu\u0000"}},
        object={"id": ACTIVITY, "definition": {"name": {"fr-FR": "Module\u00001"},
                                                "type": "http://adlnet.gov/expapi/activities/module"}},
        result={"response": "r\u0000", "extensions": {"https://parcours.example/x": "v\u0000"}},
    )
    response = xapi.post(sent)
    assert response.status_code == 200, response.get_data(as_text=True)
    [statement_id] = response.json
    stored = xapi.get({"statementId": statement_id}).json
    assert (stored["actor"], stored["verb"], stored["object"]["definition"], stored["result"]) == (
        learner, sent["verb"], sent["object"]["definition"], sent["result"])
    assert xapi.query_ids({"agent": learner}) == [statement_id]
    person = xapi.request("GET", "agents", {"agent": learner}).json
    assert person["account"] == [learner["account"]]
    assert person["name"] in (["Camille\u0000M"], ["Camille\ufffdM"])
    document = {"agent": learner, "activityId": ACTIVITY, "stateId": "page\u00002"}
    assert xapi.request("PUT", "activities/state", document, {"page": 2}).status_code == 204
    reread = xapi.request("GET", "activities/state", document)
    assert reread.status_code == 200 and reread.json == {"page": 2}


def test_values_too_long_for_a_postgresql_index_are_400_and_store_nothing(xapi_postgres: XAPIClient) -> None:
    """PostgreSQL indexes hold at most about 2,700 bytes per entry: a longer IRI or agent
    account is refused (not a 503 inviting the client to retry), and nothing is stored."""
    letters = random.Random(13)
    too_long = "".join(letters.choice(string.ascii_letters) for _ in range(6000))  # incompressible
    learner = {"account": {"homePage": "https://moodle.example.gouv.fr", "name": too_long}}
    for sent in (statement(object={"id": f"https://parcours.example/activites/{too_long}"}), statement(actor=learner)):
        response = xapi_postgres.post([statement(), sent])
        assert response.status_code == 400, response.get_data(as_text=True)
        assert "2 700" in response.json["error"]["message"]
        assert "Retry-After" not in response.headers
    assert count(xapi_postgres) == 0
    profile = xapi_postgres.request("PUT", "agents/profile", {"agent": learner, "profileId": "prefs"}, {"a": 1})
    assert profile.status_code == 400
