"""Alternate request syntax, CORS, the Agents, Activities and About resources."""

from __future__ import annotations

import json
from urllib.parse import urlencode

from tests.lrs.xapi_client import ACTIVITY, SECRET, XAPIClient, agent, auth_header, make_client, new_id, statement


def alternate(xapi: XAPIClient, method: str, fields: dict, query: str = "") -> object:
    body = urlencode(fields)
    return xapi.client.post(f"/xapi/statements?method={method}{query}", data=body,
                            content_type="application/x-www-form-urlencoded")


def test_alternate_syntax_put_and_get(xapi: XAPIClient) -> None:
    statement_id = new_id()
    headers = {"X-Experience-API-Version": "1.0.3", "Authorization": auth_header("all")}
    put = alternate(xapi, "PUT", {**headers, "statementId": statement_id, "content": json.dumps(statement()),
                                  "Content-Type": "application/json"})
    assert put.status_code == 204
    got = alternate(xapi, "GET", {**headers, "statementId": statement_id})
    assert got.status_code == 200 and got.json["id"] == statement_id
    query = alternate(xapi, "GET", {**headers, "verb": "http://adlnet.gov/expapi/verbs/completed"})
    assert [s["id"] for s in query.json["statements"]] == [statement_id]


def test_alternate_syntax_mistakes(xapi_sqlite: XAPIClient) -> None:
    headers = {"X-Experience-API-Version": "1.0.3", "Authorization": auth_header("all")}
    extra_query = alternate(xapi_sqlite, "GET", headers, query="&statementId=" + new_id())
    assert extra_query.status_code == 400 and extra_query.json["error"]["field"] == "method"
    v2 = alternate(xapi_sqlite, "GET", {**headers, "X-Experience-API-Version": "2.0.0"})
    assert v2.status_code == 400 and v2.json["error"]["field"] == "method"
    unauthenticated = alternate(xapi_sqlite, "GET", {"X-Experience-API-Version": "1.0.3"})
    assert unauthenticated.status_code == 401
    not_a_form = xapi_sqlite.client.post("/xapi/statements?method=GET", data="{}", content_type="application/json",
                                         headers=headers)
    assert not_a_form.status_code == 400


def test_cors_preflight_and_headers(xapi_sqlite: XAPIClient) -> None:
    preflight = xapi_sqlite.client.options("/xapi/statements", headers={
        "Origin": "https://mentor.gouv.fr", "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "authorization,content-type,x-experience-api-version"})
    assert preflight.status_code == 200
    assert preflight.headers["Access-Control-Allow-Origin"] == "https://mentor.gouv.fr"
    assert preflight.headers["Access-Control-Allow-Credentials"] == "true"
    assert "x-experience-api-version" in preflight.headers["Access-Control-Allow-Headers"]
    assert "POST" in preflight.headers["Access-Control-Allow-Methods"]
    response = xapi_sqlite.get(headers={"Origin": "https://mentor.gouv.fr"})
    assert response.headers["Access-Control-Allow-Origin"] == "https://mentor.gouv.fr"
    assert "X-Experience-API-Consistent-Through" in response.headers["Access-Control-Expose-Headers"]


def test_cors_origins_are_configurable(sqlite_database: str) -> None:
    client = make_client(sqlite_database, cors_origins=("https://mentor.gouv.fr",))
    allowed = client.get(headers={"Origin": "https://mentor.gouv.fr"})
    refused = client.get(headers={"Origin": "https://elsewhere.example"})
    assert allowed.headers["Access-Control-Allow-Origin"] == "https://mentor.gouv.fr"
    assert "Access-Control-Allow-Origin" not in refused.headers
    assert refused.status_code == 200  # CORS is the browser's business: the answer itself is unchanged


def test_agents_resource_combines_what_was_seen(xapi: XAPIClient) -> None:
    alice = agent("alice")
    xapi.store(statement(actor=alice), statement(actor={**alice, "name": "Alice M."}),
               statement(actor=agent("bob"), context={"instructor": alice}))
    response = xapi.request("GET", "agents", {"agent": {"mbox": alice["mbox"]}})
    assert response.status_code == 200
    assert response.json == {"objectType": "Person", "name": ["Alice", "Alice M."], "mbox": [alice["mbox"]]}
    unknown = xapi.request("GET", "agents", {"agent": agent("zoe")}).json
    assert unknown == {"objectType": "Person", "name": ["Zoe"], "mbox": ["mailto:zoe@example.gouv.fr"]}
    assert xapi.request("GET", "agents").status_code == 400
    assert xapi.request("GET", "agents", {"agent": '{"name": "no ifi"}'}).json["error"]["field"] == "agent"
    assert xapi.request("GET", "agents", {"agent": alice}, key=None).status_code == 401


def test_activities_resource(xapi: XAPIClient) -> None:
    xapi.store(statement(), key="definer")
    activity = xapi.request("GET", "activities", {"activityId": ACTIVITY})
    assert activity.status_code == 200
    assert activity.json["id"] == ACTIVITY and activity.json["objectType"] == "Activity"
    assert activity.json["definition"]["name"] == {"fr-FR": "Le RGPD", "en-US": "GDPR"}
    unknown = xapi.request("GET", "activities", {"activityId": "https://example.gouv.fr/unknown"}).json
    assert unknown == {"objectType": "Activity", "id": "https://example.gouv.fr/unknown"}
    assert xapi.request("GET", "activities").json["error"]["field"] == "activityId"
    head = xapi.request("HEAD", "activities", {"activityId": ACTIVITY})
    assert head.status_code == 200 and head.data == b""


def test_about_needs_no_credentials_nor_version(xapi_sqlite: XAPIClient) -> None:
    response = xapi_sqlite.request("GET", "about", key=None, version=None)
    assert response.status_code == 200
    assert response.json["version"] == ["1.0.3", "2.0.0"]
    [extension] = response.json["extensions"].values()
    assert extension["name"] == "parcours"
    assert xapi_sqlite.request("GET", "about", key=None, version="1.0.3").headers[
        "X-Experience-API-Version"] == "1.0.3"


def test_secret_is_never_stored_in_clear(xapi_sqlite: XAPIClient) -> None:
    import sqlalchemy

    from lrs.tables import credentials

    with xapi_sqlite.app.extensions["parcours.engine"].connect() as connection:
        hashes = connection.execute(sqlalchemy.select(credentials.c.secret_hash)).scalars().all()
    assert hashes and all(SECRET not in value and value.startswith("scrypt$") for value in hashes)
