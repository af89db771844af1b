"""Reading statements: single GET, every query filter, formats, paging, voiding, HEAD, headers."""

from __future__ import annotations

import time
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime

import pytest

from tests.lrs.xapi_client import ACTIVITY, VERB, XAPIClient, agent, new_id, statement

VOIDED = "http://adlnet.gov/expapi/verbs/voided"
FAILED = "http://adlnet.gov/expapi/verbs/failed"
COURSE = "https://formation.example.gouv.fr/cours"
OTHER_ACTIVITY = "https://formation.example.gouv.fr/cours/accessibilite"


def voiding(target: str, **overrides) -> dict:  # type: ignore[no-untyped-def]
    return statement(verb={"id": VOIDED}, object={"objectType": "StatementRef", "id": target}, **overrides)


def test_get_single_and_404(xapi: XAPIClient) -> None:
    [statement_id] = xapi.store(statement())
    response = xapi.get({"statementId": statement_id})
    assert response.status_code == 200
    assert response.json["id"] == statement_id
    missing = xapi.get({"statementId": new_id()})
    assert missing.status_code == 404 and missing.json["error"]["field"] == "statementId"


def test_single_get_refuses_other_filters(xapi_sqlite: XAPIClient) -> None:
    response = xapi_sqlite.get({"statementId": new_id(), "verb": VERB})
    assert response.status_code == 400 and response.json["error"]["field"] == "verb"
    both = xapi_sqlite.get({"statementId": new_id(), "voidedStatementId": new_id()})
    assert both.status_code == 400


@pytest.mark.parametrize(
    "params, field",
    [({"unknown": "1"}, "unknown"), ({"agent": "{not json"}, "agent"), ({"agent": '{"name": "x"}'}, "agent"),
     ({"verb": "no scheme"}, "verb"), ({"registration": "123"}, "registration"), ({"since": "yesterday"}, "since"),
     ({"limit": "-1"}, "limit"), ({"format": "full"}, "format"), ({"ascending": "yes please"}, "ascending"),
     ({"more": "%%%"}, "more")],
)
def test_bad_query_parameters_are_named(xapi_sqlite: XAPIClient, params: dict, field: str) -> None:
    response = xapi_sqlite.get(params)
    assert response.status_code == 400
    assert response.json["error"]["field"] == field


def test_agent_filter_and_related_agents(xapi: XAPIClient) -> None:
    alice, bob, trainer = agent("alice"), agent("bob"), agent("trainer")
    [as_actor] = xapi.store(statement(actor=alice))
    [as_object] = xapi.store(statement(actor=bob, object=alice))
    [as_instructor] = xapi.store(statement(actor=bob, context={"instructor": alice}))
    [in_team] = xapi.store(statement(actor=trainer, context={"team": {"objectType": "Group", "member": [alice]}}))
    [in_sub] = xapi.store(statement(actor=bob, object={"objectType": "SubStatement", "actor": alice,
                                                       "verb": {"id": VERB}, "object": {"id": ACTIVITY}}))
    xapi.store(statement(actor=bob))
    assert set(xapi.query_ids({"agent": alice})) == {as_actor, as_object}
    related = xapi.query_ids({"agent": alice, "related_agents": "true"})
    assert set(related) == {as_actor, as_object, as_instructor, in_team, in_sub}
    # the authority is a related agent too
    authority = xapi.get({"statementId": as_actor}).json["authority"]
    assert len(xapi.query_ids({"agent": authority, "related_agents": "true"})) == 6
    assert xapi.query_ids({"agent": authority}) == []


def test_anonymous_groups_cannot_be_searched_for(xapi_sqlite: XAPIClient) -> None:
    group = {"objectType": "Group", "member": [agent("alice")]}
    response = xapi_sqlite.get({"agent": group})
    assert response.status_code == 400 and response.json["error"]["field"] == "agent"


def test_agents_match_by_identifier_not_by_name(xapi: XAPIClient) -> None:
    [first] = xapi.store(statement(actor={"mbox": "mailto:Camille@example.gouv.fr", "name": "C."}))
    assert xapi.query_ids({"agent": {"mbox": "mailto:Camille@example.gouv.fr"}}) == [first]
    account = {"objectType": "Agent", "account": {"homePage": "https://mentor.gouv.fr", "name": "4242"}}
    [second] = xapi.store(statement(actor=account))
    assert xapi.query_ids({"agent": {"account": {"homePage": "https://mentor.gouv.fr", "name": "4242"}}}) == [second]


def test_verb_activity_and_related_activities(xapi: XAPIClient) -> None:
    [direct] = xapi.store(statement())
    [failed] = xapi.store(statement(verb={"id": FAILED}))
    [in_context] = xapi.store(statement(object={"id": OTHER_ACTIVITY},
                                        context={"contextActivities": {"parent": [{"id": ACTIVITY}],
                                                                       "grouping": {"id": COURSE}}}))
    assert set(xapi.query_ids({"verb": VERB})) == {direct, in_context}
    assert xapi.query_ids({"verb": FAILED}) == [failed]
    assert set(xapi.query_ids({"activity": ACTIVITY})) == {direct, failed}
    assert set(xapi.query_ids({"activity": ACTIVITY, "related_activities": "true"})) == {direct, failed, in_context}
    assert xapi.query_ids({"activity": COURSE}) == []
    assert xapi.query_ids({"activity": COURSE, "related_activities": "true"}) == [in_context]
    assert xapi.query_ids({"activity": ACTIVITY, "verb": FAILED}) == [failed]


def test_registration_filter(xapi: XAPIClient) -> None:
    registration = new_id()
    [inside] = xapi.store(statement(context={"registration": registration}))
    xapi.store(statement(context={"registration": new_id()}), statement())
    assert xapi.query_ids({"registration": registration}) == [inside]
    assert xapi.query_ids({"registration": registration.upper()}) == [inside]


def test_since_until_ascending_and_order(xapi: XAPIClient) -> None:
    ids = [xapi.store(statement())[0] for _ in range(3)]
    assert xapi.query_ids() == ids[::-1]  # newest first
    assert xapi.query_ids({"ascending": "true"}) == ids
    middle = xapi.get({"statementId": ids[1]}).json["stored"]
    assert xapi.query_ids({"since": middle}) == [ids[2]]  # since is exclusive
    assert xapi.query_ids({"until": middle}) == [ids[1], ids[0]]  # until is inclusive
    assert xapi.query_ids({"since": "2100-01-01T00:00:00Z"}) == []
    # RFC 3339's space for the `T`, and an offset whose `+` arrived unencoded (a space)
    assert xapi.query_ids({"since": "2100-01-01 00:00:00+00:00"}) == []
    assert xapi.query_ids({"until": "2100-01-01T02:00:00 02:00"}) == ids[::-1]


def test_limit_and_more_pages_through_everything_once(xapi: XAPIClient) -> None:
    ids = xapi.store(*[statement() for _ in range(7)])
    seen: list[str] = []
    response = xapi.get({"limit": 3})
    pages = 0
    while True:
        assert response.status_code == 200
        body = response.json
        assert len(body["statements"]) <= 3
        seen.extend(item["id"] for item in body["statements"])
        pages += 1
        if not body["more"]:
            break
        assert body["more"].startswith("/xapi/statements?more=")
        response = xapi.follow(body["more"])
    assert pages == 3
    assert sorted(seen) == sorted(ids) and len(seen) == 7


def test_more_stays_exact_while_statements_arrive(xapi: XAPIClient) -> None:
    old = [xapi.store(statement())[0] for _ in range(4)]
    first = xapi.get({"limit": 2, "verb": VERB}).json
    xapi.store(*[statement() for _ in range(3)])  # newer: must not shift the next page
    second = xapi.follow(first["more"]).json
    assert [s["id"] for s in first["statements"]] == old[:1:-1]
    assert [s["id"] for s in second["statements"]] == [old[1], old[0]]
    assert second["more"] == ""


def test_voided_statements_leave_queries_but_can_be_fetched(xapi: XAPIClient) -> None:
    [target] = xapi.store(statement())
    [voider] = xapi.store(voiding(target))
    assert xapi.get({"statementId": target}).status_code == 404
    voided = xapi.get({"voidedStatementId": target})
    assert voided.status_code == 200 and voided.json["id"] == target
    assert xapi.get({"voidedStatementId": voider}).status_code == 404
    assert xapi.query_ids() == [voider]
    # the voiding statement matches the filters its target matches
    assert xapi.query_ids({"activity": ACTIVITY}) == [voider]


def test_a_voiding_statement_cannot_be_voided(xapi: XAPIClient) -> None:
    [target] = xapi.store(statement())
    [voider] = xapi.store(voiding(target))
    response = xapi.post(voiding(voider))
    assert response.status_code == 400
    assert response.json["error"]["field"] == "$.object.id"
    assert xapi.get({"statementId": voider}).status_code == 200


def test_voiding_a_statement_that_arrives_later(xapi: XAPIClient) -> None:
    target = new_id()
    xapi.store(voiding(target))
    xapi.store(statement(id=target))
    assert xapi.get({"voidedStatementId": target}).status_code == 200
    assert xapi.get({"statementId": target}).status_code == 404


def test_statement_refs_match_the_filters_of_their_target(xapi: XAPIClient) -> None:
    alice = agent("alice")
    [target] = xapi.store(statement(actor=alice, verb={"id": FAILED}))
    [referrer] = xapi.store(statement(actor=agent("bob"), verb={"id": "http://adlnet.gov/expapi/verbs/commented"},
                                      object={"objectType": "StatementRef", "id": target}))
    assert set(xapi.query_ids({"verb": FAILED})) == {target, referrer}
    assert set(xapi.query_ids({"agent": alice})) == {target, referrer}
    # and a reference stored before its target catches up when the target arrives
    late = new_id()
    [early] = xapi.store(statement(actor=agent("carol"), object={"objectType": "StatementRef", "id": late}))
    xapi.store(statement(id=late, actor=agent("dave")))
    assert set(xapi.query_ids({"agent": agent("dave")})) == {late, early}


def test_formats_ids_and_canonical(xapi: XAPIClient) -> None:
    [statement_id] = xapi.store(statement(context={"contextActivities": {"parent": {"id": COURSE}}}), key="definer")
    ids = xapi.get({"statementId": statement_id, "format": "ids"}).json
    assert ids["actor"] == {"objectType": "Agent", "mbox": "mailto:camille.martin@example.gouv.fr"}
    assert ids["verb"] == {"id": VERB}
    assert ids["object"] == {"id": ACTIVITY}
    assert ids["context"]["contextActivities"]["parent"] == [{"id": COURSE}]
    french = xapi.get({"statementId": statement_id, "format": "canonical"}, headers={"Accept-Language": "fr-FR"}).json
    assert french["object"]["definition"]["name"] == {"fr-FR": "Le RGPD"}
    assert french["verb"]["display"] == {"fr-FR": "a terminé"}
    english = xapi.query_ids({"format": "canonical"}, headers={"Accept-Language": "en-US"})
    assert english == [statement_id]
    body = xapi.get({"format": "canonical"}, headers={"Accept-Language": "en"}).json["statements"][0]
    assert body["object"]["definition"]["name"] == {"en-US": "GDPR"}
    exact = xapi.get({"statementId": statement_id, "format": "exact"}).json
    assert exact["object"]["definition"]["name"] == {"fr-FR": "Le RGPD", "en-US": "GDPR"}


def test_canonical_uses_the_lrs_definition(xapi: XAPIClient) -> None:
    xapi.store(statement(object={"id": ACTIVITY, "definition": {"name": {"fr-FR": "RGPD : les bases"}}}),
               key="definer")
    [bare] = xapi.store(statement(object={"id": ACTIVITY}), key="writer")
    canonical = xapi.get({"statementId": bare, "format": "canonical"}, headers={"Accept-Language": "fr-FR"}).json
    assert canonical["object"]["definition"]["name"] == {"fr-FR": "RGPD : les bases"}


def test_read_mine_sees_only_its_own_statements(xapi: XAPIClient) -> None:
    [mine] = xapi.store(statement(), key="mine")
    [theirs] = xapi.store(statement(), key="other")
    assert xapi.query_ids(key="mine") == [mine]
    assert xapi.get({"statementId": theirs}, key="mine").status_code == 404
    assert set(xapi.query_ids(key="reader")) == {mine, theirs}
    assert set(xapi.query_ids(key="allreader")) == {mine, theirs}


def test_head_and_headers(xapi: XAPIClient) -> None:
    [statement_id] = xapi.store(statement())
    get = xapi.get({"statementId": statement_id})
    head = xapi.request("HEAD", "statements", {"statementId": statement_id})
    assert head.status_code == 200 and head.data == b""
    assert head.headers["Content-Length"] == get.headers["Content-Length"]
    stored = datetime.fromisoformat(get.json["stored"].replace("Z", "+00:00"))
    assert parsedate_to_datetime(get.headers["Last-Modified"]) == stored.replace(microsecond=0)
    through = datetime.fromisoformat(get.headers["X-Experience-API-Consistent-Through"].replace("Z", "+00:00"))
    assert through >= stored
    assert xapi.request("HEAD", "statements", {"statementId": new_id()}).status_code == 404
    query = xapi.get()
    assert "Last-Modified" in query.headers and "X-Experience-API-Consistent-Through" in query.headers


def test_queries_need_read_scopes(xapi_sqlite: XAPIClient) -> None:
    assert xapi_sqlite.get(key="writer").status_code == 403
    assert xapi_sqlite.post(statement(), key="reader").status_code == 403
    assert xapi_sqlite.post(statement(), key="allreader").status_code == 403
    unauthenticated = xapi_sqlite.get(key=None)
    assert unauthenticated.status_code == 401
    assert unauthenticated.headers["WWW-Authenticate"].startswith("Basic")
    wrong = xapi_sqlite.client.get("/xapi/statements", headers={
        "X-Experience-API-Version": "1.0.3", "Authorization": "Basic " + "YWxsOm5vcGU="})  # all:nope
    assert wrong.status_code == 401


def test_a_revoked_credential_is_refused(xapi_sqlite: XAPIClient) -> None:
    from lrs.auth import revoke_credential
    from lrs.db import write_transaction

    assert xapi_sqlite.get(key="reader").status_code == 200
    with write_transaction(xapi_sqlite.app.extensions["parcours.engine"]) as connection:
        assert revoke_credential(connection, "reader")
    assert xapi_sqlite.get(key="reader").status_code == 401


def test_statements_arrive_in_stored_order_across_batches(xapi: XAPIClient) -> None:
    batch = xapi.store(*[statement() for _ in range(3)])
    time.sleep(0.002)
    [later] = xapi.store(statement())
    assert xapi.query_ids() == [later, *batch[::-1]]
    assert xapi.query_ids({"ascending": "true"}) == [*batch, later]
    assert datetime.now(timezone.utc) > datetime.fromisoformat(
        xapi.get({"statementId": later}).json["stored"].replace("Z", "+00:00"))
