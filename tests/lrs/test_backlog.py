"""On a SQLite file, statements are indexed after the request (`lrs.statements.backlog`):
queued, indexed in the background or by the next reader, never visible half-indexed."""

from __future__ import annotations

import time

import pytest
import sqlalchemy

from lrs.app import create_app
from lrs.config import Config
from lrs.migrations import apply_migrations, available_migrations, schema_migrations
from lrs.statements import backlog
from lrs.statements.index_keys import index_key
from lrs.tables import index_queue, report_queue, statement_keys, statements
from tests.lrs.xapi_client import ACTIVITY, VERB, XAPIClient, agent, make_client, new_id, statement

VOIDED = {"id": "http://adlnet.gov/expapi/verbs/voided", "display": {"en-US": "voided"}}


def queued(xapi: XAPIClient) -> int:
    with xapi.app.extensions["parcours.engine"].connect() as connection:
        return connection.execute(sqlalchemy.select(sqlalchemy.func.count()).select_from(index_queue)).scalar_one()


def keys_of(xapi: XAPIClient, statement_id: str) -> set[int]:
    with xapi.app.extensions["parcours.engine"].connect() as connection:
        return set(connection.execute(
            sqlalchemy.select(statement_keys.c.key)
            .join(statements, statements.c.seq == statement_keys.c.seq)
            .where(statements.c.id == statement_id)
        ).scalars())


def test_stored_statements_wait_in_the_queue_and_a_filtered_query_finds_them_there(xapi_sqlite: XAPIClient) -> None:
    engine = xapi_sqlite.app.extensions["parcours.engine"]
    with backlog._indexers[engine].writes.during():  # a write in progress: the background indexing waits
        ids = xapi_sqlite.store(*[statement(actor=agent(f"queue-{n}")) for n in range(3)])
        assert queued(xapi_sqlite) == 3
        assert keys_of(xapi_sqlite, ids[0]) == set()
        assert set(xapi_sqlite.query_ids()) == set(ids)  # no filter: read from the statements alone
        assert xapi_sqlite.query_ids({"agent": agent("queue-1")}) == [ids[1]]
        assert queued(xapi_sqlite) == 3 and keys_of(xapi_sqlite, ids[1]) == set()  # found without its index
        backlog.ensure_indexed(engine)  # as a report reader does
        assert queued(xapi_sqlite) == 0
    assert index_key("g", "mbox:mailto:queue-1@example.gouv.fr") in keys_of(xapi_sqlite, ids[1])


def test_the_background_indexing_empties_the_queue_once_writes_pause(xapi_sqlite: XAPIClient) -> None:
    xapi_sqlite.store(statement(), statement())
    deadline = time.monotonic() + 30
    while queued(xapi_sqlite) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert queued(xapi_sqlite) == 0


@pytest.mark.parametrize("bound", [2, 100_000])  # beyond the bound, or once the oldest has waited a while
def test_indexing_runs_alongside_writes(sqlite_database: str, bound: int, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(backlog, "MAX_WAIT_SECONDS", 0.2)
    xapi = make_client(sqlite_database, index_backlog=bound)
    with backlog._indexers[xapi.app.extensions["parcours.engine"]].writes.during():  # writes never pause
        xapi.store(statement(), statement(), statement())
        deadline = time.monotonic() + 30
        while queued(xapi) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert queued(xapi) == 0
    xapi.app.extensions["parcours.engine"].dispose()


def test_the_indexer_waits_while_another_worker_stores(sqlite_database: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """gunicorn's workers share the file: one that stores nothing itself is not idle
    while another stores, or its indexing would slow the other's writes."""
    monkeypatch.setattr(backlog, "IDLE_SECONDS", 0.3)
    quiet = make_client(sqlite_database)
    busy = XAPIClient(create_app(Config(database_url=sqlite_database)))  # another worker on the same file
    indexer = backlog._indexers[quiet.app.extensions["parcours.engine"]]
    assert indexer.idle()  # nothing stored yet
    busy.store(statement())
    assert not indexer.idle()
    time.sleep(0.4)
    assert indexer.idle()
    for client in (quiet, busy):
        client.app.extensions["parcours.engine"].dispose()



def test_the_indexer_waits_while_filtered_queries_go_on(sqlite_database: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Filtered queries read queued statements without the index: the indexing, which
    would share the process with them, waits until they pause (a query of the queue
    size alone does not)."""
    monkeypatch.setattr(backlog, "IDLE_SECONDS", 0.3)
    xapi = make_client(sqlite_database)
    indexer = backlog._indexers[xapi.app.extensions["parcours.engine"]]
    with indexer.writes.during():
        xapi.store(statement())
    time.sleep(0.4)
    assert indexer.idle()
    assert xapi.query_ids({"verb": VERB})
    assert not indexer.idle()
    xapi.get({"statementId": new_id()})  # not a filtered query
    time.sleep(0.4)
    assert indexer.idle()
    xapi.app.extensions["parcours.engine"].dispose()

def test_a_reader_indexes_what_was_queued_before_it_and_not_what_comes_after(sqlite_database: str) -> None:
    xapi = make_client(sqlite_database)
    engine = xapi.app.extensions["parcours.engine"]
    with backlog._indexers[engine].writes.during():
        first = xapi.store(statement(), statement())
        with engine.connect() as connection:
            through = connection.execute(sqlalchemy.select(sqlalchemy.func.max(index_queue.c.seq))).scalar_one()
        later = xapi.store(statement())
        assert backlog.index_backlog(engine, [], through=through) == 2
        assert queued(xapi) == 1 and keys_of(xapi, first[1]) and not keys_of(xapi, later[0])
    engine.dispose()


def test_postgresql_indexes_in_the_storing_transaction(xapi_postgres: XAPIClient) -> None:
    assert not backlog.deferred(xapi_postgres.app.extensions["parcours.engine"])
    [stored] = xapi_postgres.store(statement())
    assert index_key("v", VERB) in keys_of(xapi_postgres, stored)


def test_statement_refs_get_their_target_rows_whatever_is_queued_when(xapi_sqlite: XAPIClient) -> None:
    engine = xapi_sqlite.app.extensions["parcours.engine"]
    target, early_ref, late_ref = new_id(), new_id(), new_id()
    ref = {"objectType": "StatementRef", "id": target}
    with backlog._indexers[engine].writes.during():
        # a reference indexed before its target is even stored...
        xapi_sqlite.store(statement(id=early_ref, actor=agent("ref-early"), object=ref))
        xapi_sqlite.query_ids({"limit": 1, "verb": VERB})
        # ...the target and a second reference queued together
        xapi_sqlite.store(statement(id=target, actor=agent("ref-target")))
        xapi_sqlite.store(statement(id=late_ref, actor=agent("ref-late"), object=ref))
        found = xapi_sqlite.query_ids({"agent": agent("ref-target")})
    assert sorted(found) == sorted([target, early_ref, late_ref])


def test_voiding_reaches_the_reports_whichever_side_was_indexed_first(xapi_sqlite: XAPIClient) -> None:
    engine = xapi_sqlite.app.extensions["parcours.engine"]
    calls: list[tuple[list[str], list[str]]] = []
    xapi_sqlite.app.extensions["parcours.ingest_hooks"].append(
        lambda connection, stored, voided: calls.append((sorted(s["id"] for s in stored), sorted(voided)))
    )
    indexed_target, queued_target, voiding_1, voiding_2 = new_id(), new_id(), new_id(), new_id()
    with backlog._indexers[engine].writes.during():
        xapi_sqlite.store(statement(id=indexed_target))
        xapi_sqlite.query_ids({"verb": VERB})
        assert calls == []  # a statement query writes the filter rows only
        backlog.ensure_indexed(engine)  # as a report reader does
        xapi_sqlite.store(statement(id=queued_target))
        xapi_sqlite.store(
            statement(id=voiding_1, verb=VOIDED, object={"objectType": "StatementRef", "id": indexed_target}),
            statement(id=voiding_2, verb=VOIDED, object={"objectType": "StatementRef", "id": queued_target}),
        )
        # the targets leave the results; their voiding statements match through them
        assert sorted(xapi_sqlite.query_ids({"verb": VERB})) == sorted([voiding_1, voiding_2])
        backlog.ensure_indexed(engine)
    assert calls[0] == ([indexed_target], [])
    assert calls[1] == (sorted([queued_target, voiding_1, voiding_2]), sorted([indexed_target, queued_target]))


def test_a_statement_query_leaves_the_report_facts_to_the_next_report_reader(xapi_sqlite: XAPIClient) -> None:
    engine = xapi_sqlite.app.extensions["parcours.engine"]
    calls: list[list[str]] = []
    xapi_sqlite.app.extensions["parcours.ingest_hooks"].append(
        lambda connection, stored, voided: calls.append(sorted(s["id"] for s in stored)))
    first, second, ref = new_id(), new_id(), new_id()
    with backlog._indexers[engine].writes.during():  # no background indexing meanwhile
        xapi_sqlite.store(statement(id=first), statement(id=second))
        # a query meeting a queued StatementRef indexes the filters of what was queued before it
        xapi_sqlite.store(statement(id=ref, object={"objectType": "StatementRef", "id": first}, actor=agent("referrer")))
        assert xapi_sqlite.query_ids({"agent": agent("referrer")}) == [ref]
        with engine.connect() as connection:
            assert connection.execute(sqlalchemy.select(sqlalchemy.func.count()).select_from(index_queue)).scalar() == 0
            assert sorted(connection.execute(sqlalchemy.select(report_queue.c.seq)).scalars()) == sorted(
                connection.execute(sqlalchemy.select(statements.c.seq)
                                   .where(statements.c.id.in_([first, second, ref]))).scalars())
        assert backlog.queue_state(engine)[0] == 3  # /health/ready and /metrics still count them
        assert calls == []
        backlog.ensure_indexed(engine, reports=False)  # nothing left for the filters
        assert calls == []
        backlog.ensure_indexed(engine)
    assert calls == [sorted([first, second, ref])]
    assert backlog.queue_state(engine) == (0, None)


def test_a_restarted_server_indexes_what_an_earlier_one_left_queued(sqlite_database: str) -> None:
    first = make_client(sqlite_database)
    with backlog._indexers[first.app.extensions["parcours.engine"]].writes.during():
        [stored] = first.store(statement(object={"objectType": "Activity", "id": ACTIVITY + "/restart"}))
        assert queued(first) == 1
    first.app.extensions["parcours.engine"].dispose()
    second = XAPIClient(create_app(Config(database_url=sqlite_database)))  # credentials are in the file
    assert second.query_ids({"activity": ACTIVITY + "/restart"}) == [stored]
    second.app.extensions["parcours.engine"].dispose()


def test_the_key_migration_converts_the_text_index(sqlite_database: str) -> None:
    engine = sqlalchemy.create_engine(sqlite_database)
    before = [name for name in available_migrations() if name != "m0004_statement_keys"]
    with engine.begin() as connection:
        schema_migrations.create(connection)
        connection.execute(schema_migrations.insert(), [{"name": name, "applied_at": "2026-01-01"} for name in before])
        connection.exec_driver_sql(
            "CREATE TABLE statements (seq INTEGER PRIMARY KEY, id VARCHAR(36) NOT NULL UNIQUE, stored_us BIGINT NOT NULL,"
            " voided BOOLEAN NOT NULL, voids VARCHAR(36), ref_target VARCHAR(36), credential_key VARCHAR(200) NOT NULL,"
            " body TEXT NOT NULL)"
        )
        connection.exec_driver_sql(
            "CREATE TABLE statement_index (seq INTEGER NOT NULL, kind VARCHAR(1) NOT NULL, value TEXT NOT NULL,"
            " stored_us BIGINT NOT NULL)"
        )
        connection.exec_driver_sql("INSERT INTO statements VALUES (7, 'x', 1000, 0, NULL, NULL, 'k', '{}')")
        connection.exec_driver_sql(
            "INSERT INTO statement_index VALUES (7, 'v', 'http://adlnet.gov/expapi/verbs/completed', 1000),"
            " (7, 'g', 'mbox:mailto:a@example.org', 1000)"
        )
    assert apply_migrations(engine) == ["m0004_statement_keys"]
    with engine.connect() as connection:
        rows = set(connection.execute(sqlalchemy.select(statement_keys)).all())
        assert not sqlalchemy.inspect(connection).has_table("statement_index")
    assert rows == {
        (index_key("v", "http://adlnet.gov/expapi/verbs/completed"), 1000, 7),
        (index_key("g", "mbox:mailto:a@example.org"), 1000, 7),
    }
    engine.dispose()
