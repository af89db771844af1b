"""TinCanPython's RemoteLRS, a real xAPI client, against a live LRS server (SQLite and PostgreSQL)."""

from __future__ import annotations

import threading
import uuid
from typing import Iterator

import pytest
from tincan import (
    Activity,
    ActivityDefinition,
    Agent,
    Context,
    LanguageMap,
    RemoteLRS,
    Result,
    Score,
    Statement,
    StatementRef,
    Verb,
)
from werkzeug.serving import make_server

from tests.lrs.xapi_client import SECRET, make_client

COURSE = "https://formation.example.gouv.fr/cours/tincan"
COMPLETED = Verb(id="http://adlnet.gov/expapi/verbs/completed", display=LanguageMap({"fr-FR": "a terminé"}))
VOIDED = Verb(id="http://adlnet.gov/expapi/verbs/voided", display=LanguageMap({"en-US": "voided"}))


@pytest.fixture
def lrs(database_url: str) -> Iterator[RemoteLRS]:
    app = make_client(database_url).app
    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield RemoteLRS(endpoint=f"http://127.0.0.1:{httpd.server_port}/xapi/", username="all", password=SECRET)
    httpd.shutdown()
    thread.join()
    app.extensions["parcours.engine"].dispose()


def learner_statement(number: int, registration: str | None = None) -> Statement:
    return Statement(
        actor=Agent(name=f"Apprenant {number}", mbox=f"mailto:apprenant{number}@example.gouv.fr"),
        verb=COMPLETED,
        object=Activity(id=f"{COURSE}/module-{number % 3}",
                        definition=ActivityDefinition(name=LanguageMap({"fr-FR": f"Module {number % 3}"}))),
        result=Result(score=Score(scaled=0.8, raw=16, min=0, max=20), success=True, completion=True),
        context=Context(registration=registration) if registration else None,
    )


def test_save_and_retrieve_one_statement(lrs: RemoteLRS) -> None:
    response = lrs.save_statement(learner_statement(1))
    assert response.success, response.data
    saved = response.content
    assert saved.id is not None
    retrieved = lrs.retrieve_statement(saved.id)
    assert retrieved.success, retrieved.data
    assert str(retrieved.content.id) == str(saved.id)
    assert retrieved.content.actor.mbox == "mailto:apprenant1@example.gouv.fr"
    assert retrieved.content.result.score.raw == 16
    assert retrieved.content.stored is not None and retrieved.content.authority is not None


def test_save_statements_query_and_follow_more(lrs: RemoteLRS) -> None:
    registration = str(uuid.uuid4())
    batch = [learner_statement(number, registration) for number in range(7)]
    response = lrs.save_statements(batch)
    assert response.success, response.data
    sent_ids = {str(statement.id) for statement in response.content}
    assert len(sent_ids) == 7

    query = lrs.query_statements({"registration": registration, "limit": 3})
    assert query.success, query.data
    seen = [str(statement.id) for statement in query.content.statements]
    more = query.content.more
    while more:
        page = lrs.more_statements(more)
        assert page.success, page.data
        seen.extend(str(statement.id) for statement in page.content.statements)
        more = page.content.more
    assert sorted(seen) == sorted(sent_ids)

    by_activity = lrs.query_statements({"activity": Activity(id=f"{COURSE}/module-1"), "verb": COMPLETED})
    assert by_activity.success, by_activity.data
    assert len(by_activity.content.statements) == 2  # numbers 1 and 4
    by_agent = lrs.query_statements({"agent": Agent(mbox="mailto:apprenant5@example.gouv.fr")})
    assert [s.actor.name for s in by_agent.content.statements] == ["Apprenant 5"]


def test_voided_statements(lrs: RemoteLRS) -> None:
    target = lrs.save_statement(learner_statement(9)).content
    voiding = Statement(actor=Agent(name="Formateur", mbox="mailto:formateur@example.gouv.fr"), verb=VOIDED,
                        object=StatementRef(id=target.id))
    assert lrs.save_statement(voiding).success
    assert not lrs.retrieve_statement(target.id).success
    voided = lrs.retrieve_voided_statement(target.id)
    assert voided.success, voided.data
    assert str(voided.content.id) == str(target.id)


def test_wrong_secret_fails_cleanly(lrs: RemoteLRS) -> None:
    intruder = RemoteLRS(endpoint=lrs.endpoint, username="all", password="wrong")
    response = intruder.save_statement(learner_statement(3))
    assert not response.success
    assert response.response.status == 401


def test_query_since_and_until_as_the_client_sends_datetimes(lrs: RemoteLRS) -> None:
    """TinCanPython puts a datetime in the URL as str() writes it: a space for the `T`."""
    import datetime

    registration = str(uuid.uuid4())
    before = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(seconds=1)
    assert lrs.save_statements([learner_statement(number, registration) for number in range(2)]).success
    after = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=1)
    found = lrs.query_statements({"registration": registration, "since": before, "until": after})
    assert found.success, found.data
    assert len(found.content.statements) == 2
    none = lrs.query_statements({"registration": registration, "since": after})
    assert none.success and none.content.statements == []
