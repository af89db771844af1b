"""`parcours backup` while clients write, then `parcours restore` into an empty
database: every statement acknowledged before the backup began is in the copy, each
batch is there whole or not at all, and `parcours export` gives the same lines."""

from __future__ import annotations

import http.client
import json
import threading
import time
import uuid
from pathlib import Path
from typing import Iterator

import pytest
import sqlalchemy
from click.testing import CliRunner

from lrs.cli import backup, restore
from lrs.reports.cli import export
from tests.lrs.xapi_client import auth_header, make_client, statement
from tests.support.live_server import live_server

BATCH = 50
WRITERS = 2


@pytest.fixture
def empty_target(database_url: str, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[str]:
    """A second, empty database on the same engine as `database_url`."""
    if database_url.startswith("sqlite"):
        yield f"sqlite:///{tmp_path / 'restored.db'}"
        return
    admin = sqlalchemy.create_engine(request.getfixturevalue("postgres_url"), isolation_level="AUTOCOMMIT")
    name = "r_" + uuid.uuid4().hex[:12]
    with admin.connect() as connection:
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        yield sqlalchemy.engine.make_url(database_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


class Ingest:
    """Clients posting batches until told to stop, remembering when each was acknowledged."""

    def __init__(self, address: tuple[str, int]) -> None:
        self.address = address
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.acknowledged: list[tuple[float, list[str]]] = []
        self.threads = [threading.Thread(target=self.run) for _ in range(WRITERS)]

    def run(self) -> None:
        connection = http.client.HTTPConnection(*self.address, timeout=60)
        headers = {"X-Experience-API-Version": "1.0.3", "Authorization": auth_header("all"),
                   "Content-Type": "application/json"}
        while not self.stop.is_set():
            batch = [statement(id=str(uuid.uuid4())) for _ in range(BATCH)]
            connection.request("POST", "/xapi/statements", body=json.dumps(batch), headers=headers)
            response = connection.getresponse()
            body = response.read()
            assert response.status == 200, body
            with self.lock:
                self.acknowledged.append((time.monotonic(), json.loads(body)))
        connection.close()

    def count(self) -> int:
        with self.lock:
            return len(self.acknowledged) * BATCH


def exported(database_url: str, output: Path) -> dict[str, str]:
    result = CliRunner().invoke(export, ["statements", "--output", str(output), "--database", database_url])
    assert result.exit_code == 0, result.output
    return {json.loads(line)["id"]: line for line in output.read_text().splitlines()}


def test_backup_taken_during_ingest_restores_every_acknowledged_statement(
        database_url: str, empty_target: str, tmp_path: Path) -> None:
    copy = tmp_path / "parcours.backup"
    xapi = make_client(database_url, request_log="off")
    with live_server(xapi.app) as address:
        ingest = Ingest(address)
        for thread in ingest.threads:
            thread.start()
        try:
            while ingest.count() < 1_000:
                time.sleep(0.05)
            began = time.monotonic()
            made = CliRunner().invoke(backup, [str(copy), "--database", database_url, "--lang", "en"])
            ended = time.monotonic()
            while ingest.count() < 1_000 + 500 and time.monotonic() - ended < 30:
                time.sleep(0.05)  # writes go on after the copy
        finally:
            ingest.stop.set()
            for thread in ingest.threads:
                thread.join()
    assert made.exit_code == 0, made.output
    restored = CliRunner().invoke(restore, [str(copy), "--database", empty_target, "--lang", "en"])
    assert restored.exit_code == 0, restored.output

    copied = exported(empty_target, tmp_path / "restored.ndjson")
    original = exported(database_url, tmp_path / "original.ndjson")
    before = [ids for acked, ids in ingest.acknowledged if acked < began]
    after = [ids for acked, ids in ingest.acknowledged if acked > ended]
    assert before and after
    for ids in before:
        assert all(i in copied for i in ids)  # acknowledged before the copy began: in it
    for _, ids in ingest.acknowledged:
        present = [i in copied for i in ids]
        assert all(present) or not any(present)  # a batch whole or not at all
    assert set(copied) <= set(original)
    assert len(copied) < len(original)  # the copy is a snapshot: later batches are not in it
    assert all(copied[i] == original[i] for i in copied)  # the same export, line for line
    assert f"restored: {len(copied)} statements" in restored.output


def test_restore_refuses_a_database_that_is_not_empty(sqlite_database: str, tmp_path: Path) -> None:
    make_client(sqlite_database)
    copy = tmp_path / "copy.db"
    assert CliRunner().invoke(backup, [str(copy), "--database", sqlite_database]).exit_code == 0
    again = CliRunner().invoke(backup, [str(copy), "--database", sqlite_database, "--lang", "en"])
    assert again.exit_code != 0 and "already exists" in again.output
    refused = CliRunner().invoke(restore, [str(copy), "--database", sqlite_database, "--lang", "en"])
    assert refused.exit_code != 0 and "not empty" in refused.output and "Traceback" not in refused.output
    wrong = CliRunner().invoke(restore, [str(tmp_path / "missing.db"), "--database", sqlite_database])
    assert wrong.exit_code != 0 and "introuvable" in wrong.output


def test_postgres_backup_without_client_tools_says_what_to_install(
        postgres_database: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # no pg_dump on this PATH
    result = CliRunner().invoke(backup, [str(tmp_path / "x.dump"), "--database", postgres_database, "--lang", "en"])
    assert result.exit_code != 0 and "pg_dump is not installed" in result.output and "postgresql-client" in result.output
