"""Filtered queries read queued statements beside the index (`lrs.statements.queued_keys`):
an acknowledged statement is visible to every filter at once, with the same results,
order and pages as once it is indexed."""

from __future__ import annotations

import http.client
import json
import threading
import time
import uuid
from pathlib import Path
from urllib.parse import urlencode

import sqlalchemy

from lrs.statements import backlog
from lrs.statements.query import StatementQuery, run_query
from lrs.statements.queued_keys import queued_keys
from lrs.statements.index_keys import unpack_keys
from lrs.tables import index_queue, statement_keys, statements
from tests.lrs.xapi_client import ACTIVITY, VERB, XAPIClient, agent, auth_header, make_client, statement
from tests.support.live_server import live_server
from tests.support.served import Served

OTHER_VERB = "http://adlnet.gov/expapi/verbs/attempted"
COURSE = ACTIVITY + "/parcours"


def queued_count(xapi: XAPIClient) -> int:
    with xapi.app.extensions["parcours.engine"].connect() as connection:
        return connection.execute(sqlalchemy.select(sqlalchemy.func.count()).select_from(index_queue)).scalar_one()


def varied(group: str, count: int) -> list[dict]:
    """Statements spread over actors, verbs, activities, context activities, a team and registrations."""
    made = []
    for number in range(count):
        made.append(statement(
            actor=agent(f"learner-{number % 3}"),
            verb={"id": VERB if number % 2 else OTHER_VERB, "display": {"en-US": "did"}},
            object={"objectType": "Activity", "id": f"{ACTIVITY}/{group}-{number % 4}"},
            context={
                "registration": str(uuid.UUID(int=number % 5)),
                "contextActivities": {"parent": [{"id": COURSE}]},
                "team": {"objectType": "Group", "member": [agent(f"tutor-{number % 2}")]},
            },
        ))
    return made


QUERIES = [
    {"agent": agent("learner-1")},
    {"agent": agent("tutor-0"), "related_agents": "true"},
    {"verb": VERB},
    {"activity": f"{ACTIVITY}/late-2"},
    {"activity": COURSE, "related_activities": "true"},
    {"registration": str(uuid.UUID(int=3))},
    {"agent": agent("learner-2"), "verb": OTHER_VERB, "activity": COURSE, "related_activities": "true"},
    {"verb": VERB, "ascending": "true"},
    {"verb": VERB, "limit": 3},  # pages mixing indexed and queued statements
    {"verb": VERB, "limit": 2, "ascending": "true"},
]


def all_pages(xapi: XAPIClient, params: dict, key: str = "all") -> list[str]:
    response = xapi.get(params, key=key)
    assert response.status_code == 200, response.get_data(as_text=True)
    found = [item["id"] for item in response.json["statements"]]
    more = response.json["more"]
    while more:
        page = xapi.follow(more, key=key)
        assert page.status_code == 200
        found += [item["id"] for item in page.json["statements"]]
        more = page.json["more"]
    return found


def test_every_filter_finds_queued_statements_as_the_index_would(xapi_sqlite: XAPIClient) -> None:
    engine = xapi_sqlite.app.extensions["parcours.engine"]
    with backlog._indexers[engine].writes.during():  # no background indexing meanwhile
        early = xapi_sqlite.store(*varied("early", 12))
        backlog.ensure_indexed(engine)
        late = xapi_sqlite.store(*varied("late", 12))
        assert queued_count(xapi_sqlite) == 12
        before = {json.dumps(params): all_pages(xapi_sqlite, params) for params in QUERIES}
        assert queued_count(xapi_sqlite) == 12  # found without indexing them
        backlog.ensure_indexed(engine)
        after = {json.dumps(params): all_pages(xapi_sqlite, params) for params in QUERIES}
    assert before == after
    for params, found in before.items():
        assert set(found) & set(late), params  # each query finds queued statements...
    assert set(before[json.dumps({"verb": VERB})]) & set(early)  # ...and indexed ones in one list
    assert before[json.dumps({"verb": VERB, "ascending": "true"})] == before[json.dumps({"verb": VERB})][::-1]


def test_since_until_and_own_statements_apply_to_queued_statements(sqlite_database: str) -> None:
    xapi = make_client(sqlite_database)
    engine = xapi.app.extensions["parcours.engine"]
    with backlog._indexers[engine].writes.during():
        first = xapi.store(statement(actor=agent("window")), key="mine")
        middle = xapi.get({"statementId": first[0]}).json["stored"]
        second = xapi.store(statement(actor=agent("window")), key="other")
        assert queued_count(xapi) == 2
        assert xapi.query_ids({"agent": agent("window"), "since": middle}) == second
        assert xapi.query_ids({"agent": agent("window"), "until": middle}) == first
        assert xapi.query_ids({"agent": agent("window")}, key="mine") == first
        assert xapi.query_ids({"agent": agent("window")}, key="other") == second
    engine.dispose()


def test_a_queued_statement_referring_to_another_matches_its_target(xapi_sqlite: XAPIClient) -> None:
    engine = xapi_sqlite.app.extensions["parcours.engine"]
    with backlog._indexers[engine].writes.during():
        [target] = xapi_sqlite.store(statement(actor=agent("target")))
        backlog.ensure_indexed(engine)
        [referrer] = xapi_sqlite.store(statement(actor=agent("referrer"), object={"objectType": "StatementRef", "id": target}))
        assert sorted(xapi_sqlite.query_ids({"agent": agent("target")})) == sorted([target, referrer])
        assert queued_count(xapi_sqlite) == 0  # the reader indexed it first



def test_a_queued_statement_an_earlier_one_refers_to_is_indexed_before_it_is_read(xapi_sqlite: XAPIClient) -> None:
    engine = xapi_sqlite.app.extensions["parcours.engine"]
    target = str(uuid.uuid4())
    with backlog._indexers[engine].writes.during():
        [referrer] = xapi_sqlite.store(statement(actor=agent("early-referrer"), object={"objectType": "StatementRef", "id": target}))
        backlog.ensure_indexed(engine)
        xapi_sqlite.store({**statement(actor=agent("late-target")), "id": target})
        assert queued_count(xapi_sqlite) == 1
        assert sorted(xapi_sqlite.query_ids({"agent": agent("late-target")})) == sorted([target, referrer])
        assert queued_count(xapi_sqlite) == 0  # the reader indexed it first


def test_entries_leave_memory_once_indexed_and_an_older_snapshot_keeps_its_own(xapi_sqlite: XAPIClient) -> None:
    engine = xapi_sqlite.app.extensions["parcours.engine"]
    keys = queued_keys(engine)
    assert keys is not None
    filters = [("g", "mbox:mailto:snapshot@example.gouv.fr")]
    with backlog._indexers[engine].writes.during():
        [stored] = xapi_sqlite.store(statement(actor=agent("snapshot")))
        with engine.connect() as older, older.begin(), keys.reading(older) as view:
            queued = view.matching(filters)
            assert list(queued.values()) == [stored]
            backlog.ensure_indexed(engine)  # indexed meanwhile, and a newer reader comes and goes
            with engine.connect() as newer, newer.begin(), keys.reading(newer) as newer_view:
                assert newer_view.matching(filters) == {}
            assert keys.ids  # the older snapshot still needs its entry...
            rows, _more = run_query(older, StatementQuery(agent=filters[0][1]), None, 10, view.matching(filters))
            assert [row[0] for row in rows] == list(queued)  # ...and finds the statement through it
        with engine.connect() as later, later.begin(), keys.reading(later):
            pass
    assert keys.ids == {} and keys.postings == {}


def test_over_http_every_acknowledged_batch_is_visible_to_its_filter_at_once(sqlite_database: str) -> None:
    xapi = make_client(sqlite_database)
    failures: list[str] = []

    def client(number: int, port: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        headers = {"Authorization": auth_header("all"), "X-Experience-API-Version": "1.0.3",
                   "Content-Type": "application/json"}
        for batch in range(15):
            registration = str(uuid.uuid4())
            body = [statement(actor=agent(f"client-{number}"), context={"registration": registration})
                    for _ in range(20)]
            connection.request("POST", "/xapi/statements", body=json.dumps(body), headers=headers)
            response = connection.getresponse()
            ids = json.loads(response.read())
            connection.request("GET", "/xapi/statements?" + urlencode({"registration": registration}), headers=headers)
            found = [item["id"] for item in json.loads(connection.getresponse().read())["statements"]]
            if sorted(found) != sorted(ids):
                failures.append(f"client {number}, batch {batch}: {len(found)} of {len(ids)} visible")

    with live_server(xapi.app) as (_host, port):
        threads = [threading.Thread(target=client, args=(number, port)) for number in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert failures == []
    assert xapi.query_ids({"agent": agent("client-0"), "limit": 1000}) and len(
        xapi.query_ids({"agent": agent("client-3"), "limit": 1000})) == 300


def test_a_reader_on_an_older_snapshot_loads_what_newer_readers_saw_indexed(xapi_sqlite: XAPIClient) -> None:
    engine = xapi_sqlite.app.extensions["parcours.engine"]
    keys = queued_keys(engine)
    assert keys is not None
    early_agent = [("g", "mbox:mailto:early@example.gouv.fr")]
    with backlog._indexers[engine].writes.during():
        early = xapi_sqlite.store(statement(actor=agent("early")), statement(actor=agent("early")))
        with engine.connect() as older, older.begin():
            older.execute(sqlalchemy.select(sqlalchemy.func.count()).select_from(index_queue)).scalar()  # its snapshot
            backlog.ensure_indexed(engine)
            late = xapi_sqlite.store(statement(actor=agent("late")))
            assert xapi_sqlite.query_ids({"agent": agent("late")}) == late  # a newer reader loads only the late one
            with keys.reading(older) as view:  # the early ones are still queued in this snapshot
                rows, _more = run_query(older, StatementQuery(agent=early_agent[0][1]), None, 10, view.matching(early_agent))
                assert sorted(view.matching(early_agent).values()) == sorted(early)
                assert len(rows) == 2


def test_the_storing_request_queues_the_keys_the_index_gets_and_older_rows_without_them_are_parsed(
        xapi_sqlite: XAPIClient) -> None:
    engine = xapi_sqlite.app.extensions["parcours.engine"]
    with backlog._indexers[engine].writes.during():
        [with_keys, without_keys] = xapi_sqlite.store(statement(actor=agent("packed")), statement(actor=agent("parsed")))
        with engine.begin() as connection:
            seq_of = dict(connection.execute(sqlalchemy.select(statements.c.id, statements.c.seq)).all())
            packed = dict(connection.execute(sqlalchemy.select(index_queue.c.seq, index_queue.c["keys"])).all())
            connection.execute(index_queue.update().where(index_queue.c.seq == seq_of[without_keys]).values(keys=None))
        assert xapi_sqlite.query_ids({"agent": agent("packed")}) == [with_keys]
        assert xapi_sqlite.query_ids({"agent": agent("parsed")}) == [without_keys]  # as a queue row of an older release
        backlog.ensure_indexed(engine)
    with engine.connect() as connection:
        indexed = set(connection.execute(sqlalchemy.select(statement_keys.c.key)
                                         .where(statement_keys.c.seq == seq_of[with_keys])).scalars())
    assert set(unpack_keys(packed[seq_of[with_keys]])) == indexed


def test_two_workers_make_each_batch_visible_to_its_filter_whichever_serves_the_query(
        sqlite_database: str, tmp_path: Path) -> None:
    """`parcours serve --workers 2 --threads 1` (each worker with its storing helper): the
    worker answering a query loads the keys the other worker's helper queued."""
    served = Served(sqlite_database, tmp_path / "serve.log", workers=2, threads=1)
    failures: list[str] = []
    headers = {"Authorization": auth_header("all"), "X-Experience-API-Version": "1.0.3",
               "Content-Type": "application/json"}

    def client(number: int) -> None:
        for batch in range(10):
            registration = str(uuid.uuid4())
            body = [statement(actor=agent(f"worker-client-{number}"), context={"registration": registration})
                    for _ in range(20)]
            connection = http.client.HTTPConnection("127.0.0.1", served.port, timeout=30)
            connection.request("POST", "/xapi/statements", body=json.dumps(body), headers=headers)
            ids = json.loads(connection.getresponse().read())
            connection.close()  # the next request may go to the other worker
            connection = http.client.HTTPConnection("127.0.0.1", served.port, timeout=30)
            connection.request("GET", "/xapi/statements?" + urlencode({"registration": registration}), headers=headers)
            found = [item["id"] for item in json.loads(connection.getresponse().read())["statements"]]
            connection.close()
            if sorted(found) != sorted(ids):
                failures.append(f"client {number}, batch {batch}: {len(found)} of {len(ids)} visible")

    try:
        threads = [threading.Thread(target=client, args=(number,)) for number in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        served.kill()
    assert failures == []
    with sqlalchemy.create_engine(sqlite_database).connect() as connection:
        assert connection.execute(sqlalchemy.select(sqlalchemy.func.count()).select_from(statements)).scalar_one() == 800


def test_while_writes_go_on_the_indexer_loads_queued_keys_ahead_of_readers(sqlite_database: str) -> None:
    """The first filtered query after a burst then finds the keys loaded (it would load
    the whole burst's before answering); nothing is indexed meanwhile."""
    xapi = make_client(sqlite_database)
    engine = xapi.app.extensions["parcours.engine"]
    keys = queued_keys(engine)
    assert keys is not None
    with backlog._indexers[engine].writes.during():  # writes never pause
        stored = set(xapi.store(*varied("ahead", 12)))
        deadline = time.monotonic() + 10
        while set(keys.ids.values()) != stored and time.monotonic() < deadline:
            time.sleep(0.05)
        assert set(keys.ids.values()) == stored
        assert queued_count(xapi) == 12
    assert sorted(xapi.query_ids({"activity": COURSE, "related_activities": "true"})) == sorted(stored)
    engine.dispose()


def test_once_the_indexer_drains_the_queue_the_keys_leave_memory_without_a_reader(
        sqlite_database: str, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """A burst's keys (about 1.5 KB a statement) are let go, and handed back to the
    system, when the queue is indexed: not only at the next filtered query."""
    import lrs.statements.queued_keys as module

    releases: list[int] = []
    monkeypatch.setattr(module, "RELEASE_AFTER", 10)
    monkeypatch.setattr(module, "release_freed_memory", lambda: releases.append(len(keys.ids)))
    xapi = make_client(sqlite_database)
    engine = xapi.app.extensions["parcours.engine"]
    keys = queued_keys(engine)
    assert keys is not None
    with backlog._indexers[engine].writes.during():  # loaded ahead while writes go on
        stored = set(xapi.store(*varied("drain", 12)))
        deadline = time.monotonic() + 10
        while set(keys.ids.values()) != stored and time.monotonic() < deadline:
            time.sleep(0.05)
        assert set(keys.ids.values()) == stored
    deadline = time.monotonic() + 15  # writes pause: the indexer drains the queue, then lets go
    while (keys.ids or queued_count(xapi)) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert queued_count(xapi) == 0 and keys.ids == {} and keys.postings == {}
    assert releases and releases[-1] == 0  # (other tests' engines may let go too)
    engine.dispose()
