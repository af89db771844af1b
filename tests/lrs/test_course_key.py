"""The course-scoped write-only key of dual tracking (lrs.course_keys, docs/lrs.md):
statements about its course from learners of the allowed LMSs, and nothing else."""

from __future__ import annotations

import json
from typing import Any, Iterator
from urllib.parse import urlencode

import pytest

from lrs.auth import SELF_REPORTED_HOMEPAGE, CourseScope, create_credential
from lrs.db import write_transaction
from tests.lrs.xapi_client import SECRET_HASH, XAPIClient, auth_header, make_client, new_id

COURSE = "https://parcours.example.gouv.fr/cours/numerique-responsable"
MENTOR = "https://mentor.gouv.fr"
KEY = "cours-nr"
LIMIT = 12


@pytest.fixture
def lrs(database_url: str) -> Iterator[XAPIClient]:
    client = make_client(database_url, course_key_requests_per_minute=LIMIT)
    with write_transaction(client.app.extensions["parcours.engine"]) as connection:
        create_credential(connection, key=KEY, secret_hash=SECRET_HASH, name="Numérique responsable",
                          course=CourseScope(COURSE, (MENTOR,), ()))
    yield client
    client.app.extensions["parcours.engine"].dispose()


def learner_statement(**changes: Any) -> dict[str, Any]:
    """What a dual-tracked package sends: an answer under its module, in the course."""
    base: dict[str, Any] = {
        "id": new_id(),
        "actor": {"objectType": "Agent", "name": "Martin, Camille", "account": {"homePage": MENTOR, "name": "cmartin"}},
        "verb": {"id": "http://adlnet.gov/expapi/verbs/answered", "display": {"en-US": "answered"}},
        "object": {"objectType": "Activity", "id": f"{COURSE}/modules/equipements/quiz/q1"},
        "context": {"contextActivities": {"parent": [{"id": f"{COURSE}/modules/equipements"}],
                                          "grouping": [{"id": COURSE}]}},
    }
    base.update(changes)
    return base


def stored(lrs: XAPIClient, statement_id: str) -> bool:
    return lrs.get({"statementId": statement_id}).status_code == 200


def assert_refused(response: Any, field_part: str) -> None:
    assert response.status_code == 403, response.get_data(as_text=True)
    assert field_part in response.json["error"]["field"], response.json


def test_statements_about_the_course_are_stored_as_self_reported(lrs: XAPIClient) -> None:
    first, second = learner_statement(), learner_statement(object={"id": COURSE})
    response = lrs.post([first, second], key=KEY)
    assert response.status_code == 200, response.get_data(as_text=True)
    put = learner_statement()
    assert lrs.put(put, put["id"], key=KEY).status_code == 204
    for statement_id in (first["id"], second["id"], put["id"]):
        authority = lrs.get({"statementId": statement_id}).json["authority"]
        assert authority["account"] == {"homePage": SELF_REPORTED_HOMEPAGE, "name": KEY}


@pytest.mark.parametrize("change, field", [
    ({"object": {"id": "https://parcours.example.gouv.fr/cours/autre/modules/m1"}}, "object"),
    ({"object": {"id": COURSE + "-bis"}}, "object"),  # a prefix of the IRI is not "under" it
    ({"context": {"contextActivities": {"parent": [{"id": "https://ailleurs.example.org/x"}]}}}, "parent"),
    ({"context": {"contextActivities": {"grouping": {"id": "https://ailleurs.example.org/x"}}}}, "grouping"),
    ({"object": {"objectType": "StatementRef", "id": "0b4f1a2e-9d0c-4b7e-8f6a-1c2d3e4f5a6b"},
      "verb": {"id": "http://adlnet.gov/expapi/verbs/voided"}}, "object"),
    ({"actor": {"objectType": "Agent", "account": {"homePage": "https://autre-lms.example.org", "name": "x"}}},
     "actor"),
    ({"actor": {"objectType": "Agent", "mbox": "mailto:camille.martin@example.gouv.fr"}}, "actor"),
])
def test_other_statements_are_refused_and_nothing_is_stored(lrs: XAPIClient, change: dict, field: str) -> None:
    good, bad = learner_statement(), learner_statement(**change)
    assert_refused(lrs.post([good, bad], key=KEY), field)
    assert not stored(lrs, good["id"]) and not stored(lrs, bad["id"])


def test_the_key_reads_nothing_and_writes_no_document(lrs: XAPIClient) -> None:
    written = learner_statement()
    assert lrs.post(written, key=KEY).status_code == 200
    assert_refused(lrs.get({"statementId": written["id"]}, key=KEY), "Authorization")
    assert_refused(lrs.get(key=KEY), "Authorization")
    agent = json.dumps(written["actor"])
    state = {"activityId": COURSE, "agent": agent, "stateId": "https://w3id.org/xapi/parcours/state/bookmark"}
    assert_refused(lrs.request("GET", "activities/state", state, key=KEY), "Authorization")
    assert_refused(lrs.request("PUT", "activities/state", state, {"location": "p1"}, key=KEY), "Authorization")
    assert_refused(lrs.request("PUT", "agents/profile", {"agent": agent, "profileId": "p"}, {"a": 1}, key=KEY),
                   "Authorization")
    assert_refused(lrs.request("PUT", "activities/profile", {"activityId": COURSE, "profileId": "p"}, {"a": 1},
                               key=KEY), "Authorization")
    assert lrs.request("GET", "activities/state", state).status_code == 404  # nothing was written


def test_browsers_only_from_the_allowed_origins(lrs: XAPIClient) -> None:
    allowed, other = learner_statement(), learner_statement()
    assert lrs.post(allowed, key=KEY, headers={"Origin": MENTOR}).status_code == 200
    assert_refused(lrs.post(other, key=KEY, headers={"Origin": "https://pirate.example.org"}), "Origin")
    assert not stored(lrs, other["id"])


def test_a_beacon_in_the_alternate_syntax(lrs: XAPIClient) -> None:
    """What the runtime sends when the page goes away (xAPI 1.0.3 only: 2.0 has no alternate syntax)."""
    statement = learner_statement()
    form = {"Authorization": auth_header(KEY), "X-Experience-API-Version": "1.0.3",
            "Content-Type": "application/json", "content": json.dumps([statement])}
    response = lrs.client.post("/xapi/statements?method=POST", data=urlencode(form), headers={"Origin": MENTOR},
                               content_type="application/x-www-form-urlencoded;charset=UTF-8")
    assert response.status_code == 200, response.get_data(as_text=True)
    assert stored(lrs, statement["id"])
    v2 = lrs.client.post("/xapi/statements?method=POST", headers={"Origin": MENTOR},
                         data=urlencode({**form, "X-Experience-API-Version": "2.0.0"}),
                         content_type="application/x-www-form-urlencoded")
    assert v2.status_code == 400


def test_rate_limited_per_client_address(lrs: XAPIClient) -> None:
    here = {"REMOTE_ADDR": "192.0.2.10"}
    for _ in range(LIMIT):
        assert lrs.client.post("/xapi/statements", json=learner_statement(), environ_base=here,
                               headers={"Authorization": auth_header(KEY), "X-Experience-API-Version": "1.0.3"}
                               ).status_code == 200
    late = learner_statement()
    refused = lrs.client.post("/xapi/statements", json=late, environ_base=here,
                              headers={"Authorization": auth_header(KEY), "X-Experience-API-Version": "1.0.3"})
    assert refused.status_code == 429
    assert int(refused.headers["Retry-After"]) >= 1
    assert not stored(lrs, late["id"])
    elsewhere = lrs.client.post("/xapi/statements", json=late, environ_base={"REMOTE_ADDR": "192.0.2.11"},
                                headers={"Authorization": auth_header(KEY), "X-Experience-API-Version": "1.0.3"})
    assert elsewhere.status_code == 200
    for _ in range(LIMIT + 1):  # other keys are not limited
        assert lrs.client.post("/xapi/statements", json=learner_statement(), environ_base=here,
                               headers={"Authorization": auth_header("all"), "X-Experience-API-Version": "1.0.3"}
                               ).status_code == 200


def test_a_course_key_needs_a_home_page(lrs: XAPIClient) -> None:
    from lrs.auth import CredentialError

    with write_transaction(lrs.app.extensions["parcours.engine"]) as connection:
        with pytest.raises(CredentialError):
            create_credential(connection, key="sans-lms", course=CourseScope(COURSE, (), ()))


def test_credentials_create_course(sqlite_database: str) -> None:
    from click.testing import CliRunner

    from lrs.cli import credentials

    runner = CliRunner()
    created = runner.invoke(credentials, ["create", "--key", "nr", "--course", COURSE, "--home-page", MENTOR,
                                          "--database", sqlite_database, "--lang", "en"])
    assert created.exit_code == 0, created.output
    assert "scopes: statements/write" in created.output and "--report-key nr:" in created.output
    listed = runner.invoke(credentials, ["list", "--database", sqlite_database, "--lang", "en"])
    assert f"nr\t{COURSE}\tstatements/write\tactive\tcourse {COURSE}" in listed.output
    lonely = runner.invoke(credentials, ["create", "--home-page", MENTOR, "--database", sqlite_database])
    assert lonely.exit_code != 0 and "--course" in lonely.output
    no_lms = runner.invoke(credentials, ["create", "--course", COURSE, "--database", sqlite_database, "--lang", "en"])
    assert no_lms.exit_code == 1 and "--home-page" in no_lms.output
