"""The migrations build exactly the live tables, and a database made by the first
released schema, with data, upgrades to the current one (SQLite and PostgreSQL).

The first release (the commit that introduced `lrs/migrations/`) applied m0001_core,
m0002_documents and m0090_reports, whose DDL is frozen in those modules as it was
then: `statement_index` held the filter index as (kind, value) text.
"""

from __future__ import annotations

import importlib
import uuid
from typing import Any

import sqlalchemy
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from lrs.app import create_app
from lrs.auth import create_credential
from lrs.config import Config
from lrs.db import engine_for, metadata
from lrs.documents import store
from lrs.documents.store import Address
from lrs.documents.table import STATE
from lrs.migrations import available_migrations, schema_migrations
from lrs.statements.index_keys import index_keys
from tests.lrs.xapi_client import ACTIVITY, SECRET_HASH, XAPIClient, agent, statement
from validators.xapi import agent_key

FIRST_RELEASE = ("m0001_core", "m0002_documents", "m0090_reports")
REGISTRATION = "6b3f8a1e-2c4d-4e5f-8a9b-0c1d2e3f4a5b"


def schema_differences(engine: sqlalchemy.Engine, target: sqlalchemy.MetaData = metadata) -> list[Any]:
    """What alembic's autogenerate would change to make the database match `target`
    (the bookkeeping table of the migrations aside)."""

    def include(obj: Any, name: str | None, kind: str, reflected: bool, compare_to: Any) -> bool:
        return not (kind == "table" and name == schema_migrations.name)

    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"include_object": include, "compare_type": True})
        return compare_metadata(context, target)


def test_the_migrated_schema_is_the_live_tables(database_url: str) -> None:
    app = create_app(Config(database_url=database_url, request_log="off"))  # imports every module with tables
    engine = app.extensions["parcours.engine"]
    assert schema_differences(engine) == []
    engine.dispose()


def test_the_comparison_sees_a_column_the_migrations_lack(sqlite_database: str) -> None:
    app = create_app(Config(database_url=sqlite_database, request_log="off"))
    engine = app.extensions["parcours.engine"]
    changed = sqlalchemy.MetaData()
    for table in metadata.sorted_tables:
        table.to_metadata(changed)
    sqlalchemy.Table("statements", changed, sqlalchemy.Column("extra", sqlalchemy.Text), extend_existing=True)
    differences = schema_differences(engine, changed)
    assert [(d[0], d[3].name) for d in differences if d[0] == "add_column"] == [("add_column", "extra")]
    engine.dispose()


def stored(seq: int, **overrides: Any) -> dict:
    body = statement(id=str(uuid.uuid4()), **overrides)
    body.update(stored=f"2026-11-28T15:5{seq}:00.000000+00:00", timestamp=f"2026-11-28T15:5{seq}:00.000000+00:00",
                version="1.0.0", authority={"objectType": "Agent", "account": {"homePage": "https://lrs.parcours.invalid",
                                                                                   "name": "all"}})
    return body


def first_release_database(url: str) -> tuple[list[dict], sqlalchemy.Engine]:
    """A database as the first release left it, with credentials, statements (and their
    text index), and a State document."""
    import orjson

    engine = engine_for(url)
    bodies = [
        stored(1, actor=agent("camille")),
        stored(2, actor=agent("dominique"), verb={"id": "http://adlnet.gov/expapi/verbs/attempted"},
               context={"registration": REGISTRATION}),
        stored(3, actor=agent("camille"), object={"objectType": "Activity", "id": ACTIVITY + "/module-2"}),
    ]
    with engine.begin() as connection:
        schema_migrations.create(connection)
        for name in FIRST_RELEASE:
            importlib.import_module(f"lrs.migrations.{name}").upgrade(connection)
            connection.execute(schema_migrations.insert().values(name=name, applied_at="2026-11-28T15:46:07+00:00"))
        create_credential(connection, key="all", scopes="all", name="all", secret_hash=SECRET_HASH)
        for seq, body in enumerate(bodies, start=1):
            stored_us = 1_796_000_000_000_000 + seq
            connection.execute(sqlalchemy.text(
                "INSERT INTO statements (seq, id, stored_us, voided, voids, ref_target, credential_key, body) "
                "VALUES (:seq, :id, :stored_us, :voided, NULL, NULL, 'all', :body)"),
                {"seq": seq, "id": body["id"], "stored_us": stored_us, "voided": False, "body": orjson.dumps(body).decode()})
            connection.execute(sqlalchemy.text(
                "INSERT INTO statement_index (seq, kind, value, stored_us) VALUES (:seq, :kind, :value, :stored_us)"),
                [{"seq": seq, "kind": kind, "value": value, "stored_us": stored_us} for kind, value in set(index_keys(body))])
        if engine.dialect.name == "postgresql":  # rows inserted with explicit seq: move the sequence on
            connection.exec_driver_sql("SELECT setval(pg_get_serial_sequence('statements', 'seq'), 3)")
    address = Address(STATE, ACTIVITY, agent_key(agent("camille")), "", "bookmark")
    store.write(engine, address, lambda current: store.Store(b'{"page": 7}', "application/json"))
    return bodies, engine


def test_a_first_release_database_with_data_upgrades_to_the_current_schema(database_url: str) -> None:
    bodies, old = first_release_database(database_url)
    with old.connect() as connection:
        assert sqlalchemy.inspect(connection).has_table("statement_index")
    old.dispose()

    xapi = XAPIClient(create_app(Config(database_url=database_url, request_log="off")))
    engine = xapi.app.extensions["parcours.engine"]
    with engine.connect() as connection:
        applied = set(connection.execute(sqlalchemy.select(schema_migrations.c.name)).scalars())
        assert not sqlalchemy.inspect(connection).has_table("statement_index")
    assert applied == set(available_migrations())
    assert schema_differences(engine) == []

    ids = [body["id"] for body in bodies]
    assert xapi.query_ids() == ids[::-1]
    assert xapi.query_ids({"agent": agent("camille")}) == [ids[2], ids[0]]
    assert xapi.query_ids({"verb": "http://adlnet.gov/expapi/verbs/attempted"}) == [ids[1]]
    assert xapi.query_ids({"registration": REGISTRATION}) == [ids[1]]
    assert xapi.query_ids({"activity": ACTIVITY + "/module-2"}) == [ids[2]]
    assert xapi.get({"statementId": ids[0]}).json == bodies[0]
    state = {"activityId": ACTIVITY, "agent": agent("camille"), "stateId": "bookmark"}
    assert xapi.request("GET", "activities/state", state).json == {"page": 7}

    new = xapi.store(statement(actor=agent("camille")))  # writes go on after the old rows
    assert xapi.query_ids({"agent": agent("camille")}) == new + [ids[2], ids[0]]
    engine.dispose()
