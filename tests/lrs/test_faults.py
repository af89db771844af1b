"""Faults an operator meets: the server killed mid-stream, PostgreSQL stopped and
restarted under load, a SQLite file that turns read-only or a full disk, and many
clients merging one document at once."""

from __future__ import annotations

import http.client
import json
import logging
import os
import shutil
import subprocess
import tempfile
import threading
import time
import uuid
from pathlib import Path
from typing import Any, Iterator
from urllib.parse import urlencode

import pytest
import sqlalchemy
from sqlalchemy import event

from lrs.statements import backlog
from tests.lrs.xapi_client import auth_header, make_client, statement
from tests.support.live_server import live_server
from tests.support.postgres import _as_server_user, _binaries
from tests.support.served import Served, free_port

HEADERS = {"X-Experience-API-Version": "1.0.3", "Authorization": auth_header("all"), "Content-Type": "application/json"}
BATCH = 20


def post(connection: http.client.HTTPConnection, batch: list[dict]) -> tuple[int, dict[str, str], bytes]:
    connection.request("POST", "/xapi/statements", body=json.dumps(batch), headers=HEADERS)
    response = connection.getresponse()
    return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()


def new_batch() -> list[dict]:
    return [statement(id=str(uuid.uuid4())) for _ in range(BATCH)]


# --- kill -9 in the middle of a stream of batches ---------------------------------------


def test_kill_9_mid_stream_loses_no_acknowledged_statement_and_no_batch_is_partial(
        database_url: str, tmp_path: Path) -> None:
    served = Served(database_url, tmp_path / "serve.log")
    acknowledged: list[list[str]] = []
    sent: list[list[str]] = []
    lock = threading.Lock()

    def client() -> None:
        connection = http.client.HTTPConnection("127.0.0.1", served.port, timeout=30)
        while True:
            batch = new_batch()
            with lock:
                sent.append([item["id"] for item in batch])
            try:
                status, _, body = post(connection, batch)
            except (OSError, http.client.HTTPException):
                return  # the server died under this request
            assert status == 200, body
            with lock:
                acknowledged.append(json.loads(body))

    threads = [threading.Thread(target=client) for _ in range(3)]
    for thread in threads:
        thread.start()
    while True:
        with lock:
            if len(acknowledged) >= 30:
                break
        time.sleep(0.01)
    served.kill()  # while batches are in flight
    for thread in threads:
        thread.join(timeout=60)

    restarted = Served(database_url, tmp_path / "serve.log")
    try:
        connection = http.client.HTTPConnection("127.0.0.1", restarted.port, timeout=30)
        found: set[str] = set()
        url = "/xapi/statements?" + urlencode({"verb": "http://adlnet.gov/expapi/verbs/completed", "limit": 1000})
        while url:  # a filtered query: the index queue left by the killed server is indexed too
            connection.request("GET", url, headers=HEADERS)
            page = json.loads(connection.getresponse().read())
            found.update(item["id"] for item in page["statements"])
            url = page["more"]
    finally:
        restarted.kill()
    assert all(i in found for ids in acknowledged for i in ids)
    for ids in sent:
        present = [i in found for i in ids]
        assert all(present) or not any(present), "a batch was stored in part"
    assert len(sent) > len(acknowledged)  # some batches were in flight when the server died


# --- PostgreSQL stopped, then restarted, under load ---------------------------------------


class Cluster:
    """A PostgreSQL server of this test's own, to stop and start again."""

    def __init__(self) -> None:
        self.bin = _binaries()
        self.dir = Path(tempfile.mkdtemp(prefix="parcours-pg-fault-"))
        if os.geteuid() == 0:
            shutil.chown(self.dir, "postgres", "postgres")
        self.port = free_port()
        subprocess.run(_as_server_user([str(self.bin / "initdb"), "-D", str(self.dir / "data"), "-U", "parcours",
                                        "--auth=trust", "--no-sync"]), check=True, capture_output=True)
        self.start()

    def pg_ctl(self, *arguments: str) -> None:
        options = f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off"
        subprocess.run(_as_server_user([str(self.bin / "pg_ctl"), "-D", str(self.dir / "data"), "-o", options,
                                        "-l", str(self.dir / "log"), "-w", *arguments]), check=True, capture_output=True)

    def start(self) -> None:
        self.pg_ctl("start")

    def stop(self) -> None:
        self.pg_ctl("-m", "fast", "stop")

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://parcours@127.0.0.1:{self.port}/postgres"

    def remove(self) -> None:
        subprocess.run(_as_server_user([str(self.bin / "pg_ctl"), "-D", str(self.dir / "data"), "-m", "immediate",
                                        "stop"]), capture_output=True)
        shutil.rmtree(self.dir, ignore_errors=True)


@pytest.fixture
def cluster() -> Iterator[Cluster]:
    server = Cluster()
    try:
        yield server
    finally:
        server.remove()


@pytest.mark.postgres
def test_postgresql_outage_is_503_with_retry_after_and_parcours_recovers_alone(
        cluster: Cluster, caplog: pytest.LogCaptureFixture) -> None:
    xapi = make_client(cluster.url, request_log="off")
    statuses: list[int] = []
    refusals: list[tuple[dict[str, str], bytes]] = []
    acknowledged: list[str] = []
    stop = threading.Event()
    lock = threading.Lock()

    def client() -> None:
        connection = http.client.HTTPConnection(*address, timeout=60)
        while not stop.is_set():
            status, headers, body = post(connection, new_batch())
            with lock:
                statuses.append(status)
                if status == 200:
                    acknowledged.extend(json.loads(body))
                else:
                    refusals.append((headers, body))
            if status != 200:
                time.sleep(0.05)

    with caplog.at_level(logging.WARNING, logger="parcours.lrs"), live_server(xapi.app) as address:
        threads = [threading.Thread(target=client) for _ in range(3)]
        for thread in threads:
            thread.start()
        try:
            time.sleep(0.5)
            cluster.stop()
            time.sleep(1.0)
            with lock:
                during = len(refusals)
            with lock:
                acknowledged_before = len(acknowledged)
            cluster.start()
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:  # until batches are acknowledged again
                with lock:
                    if len(acknowledged) >= acknowledged_before + 5 * BATCH:
                        break
                time.sleep(0.05)
        finally:
            stop.set()
            for thread in threads:
                thread.join()
        with lock:
            recovered = len(acknowledged) >= acknowledged_before + 5 * BATCH
        reader = http.client.HTTPConnection(*address, timeout=30)
        reader.request("GET", "/xapi/statements?limit=0", headers=HEADERS)
        stored_ids: set[str] = set()
        page = json.loads(reader.getresponse().read())
        while True:
            stored_ids.update(item["id"] for item in page["statements"])
            if not page["more"]:
                break
            reader.request("GET", page["more"], headers=HEADERS)
            page = json.loads(reader.getresponse().read())

    assert during > 0, "no request met the outage"
    assert set(statuses) <= {200, 503}, statuses
    for headers, body in refusals:
        assert headers["retry-after"].isdigit()
        error = json.loads(body)["error"]
        assert error["code"] == 503 and "Traceback" not in body.decode()
    assert recovered  # the same parcours, without a restart
    assert set(acknowledged) <= stored_ids
    assert not [record for record in caplog.records if record.levelno >= logging.ERROR or record.exc_info]
    xapi.app.extensions["parcours.engine"].dispose()


# --- a SQLite file that turns read-only, a full disk ---------------------------------------


def count_statements(engine: sqlalchemy.Engine) -> int:
    with engine.connect() as connection:
        return connection.exec_driver_sql("SELECT count(*) FROM statements").scalar_one()


@pytest.mark.parametrize("fault", ["read-only", "full"])
def test_sqlite_read_only_or_full_is_503_and_stores_nothing(
        sqlite_database: str, fault: str, caplog: pytest.LogCaptureFixture) -> None:
    xapi = make_client(sqlite_database, request_log="off")
    engine = xapi.app.extensions["parcours.engine"]
    assert xapi.post(new_batch()).status_code == 200
    before = count_statements(engine)
    with engine.connect() as connection:
        pages = connection.exec_driver_sql("PRAGMA page_count").scalar_one()

    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        if fault == "read-only":
            # What SQLite answers when the file or its folder cannot be written (SQLITE_READONLY).
            dbapi_connection.execute("PRAGMA query_only=1")
        else:
            # No page beyond those in use: SQLITE_FULL, as on a full disk.
            dbapi_connection.execute(f"PRAGMA max_page_count={pages}")

    # The first POST started the background indexer; SQLAlchemy's listener list may not
    # change while another thread opens a connection, so let it finish first.
    indexer = backlog._indexers[engine]
    deadline = time.monotonic() + 30
    while indexer.thread is not None and time.monotonic() < deadline:
        time.sleep(0.02)
    assert indexer.thread is None
    event.listen(engine, "connect", on_connect)
    engine.dispose()  # new connections meet the fault
    big = [statement(id=str(uuid.uuid4()), result={"response": "x" * 5000}) for _ in range(50)]
    with caplog.at_level(logging.WARNING, logger="parcours.lrs"):
        response = xapi.post(big)
    assert response.status_code == 503, response.get_data(as_text=True)
    assert response.headers["Retry-After"].isdigit() and response.json["error"]["code"] == 503
    state = {"activityId": "http://example.org/a", "agent": {"mbox": "mailto:a@example.org"}, "stateId": "s"}
    assert xapi.request("PUT", "activities/state", state, {"x": "y" * 50_000}).status_code == 503
    assert not [record for record in caplog.records if record.levelno >= logging.ERROR or record.exc_info]

    event.remove(engine, "connect", on_connect)
    engine.dispose()
    assert count_statements(engine) == before  # nothing of the refused batch
    assert xapi.request("GET", "activities/state", state).status_code == 404
    assert xapi.post(big).status_code == 200  # the fault gone, the same app writes again
    engine.dispose()


# --- a hundred clients merging one State document at once -----------------------------------


def test_a_hundred_concurrent_merges_of_one_document_lose_no_key(database_url: str) -> None:
    clients = 100
    xapi = make_client(database_url, request_log="off")
    params = urlencode({"activityId": "http://example.org/course/crowd", "stateId": "shared",
                        "agent": json.dumps({"mbox": "mailto:crowd@example.org"})})
    start = threading.Barrier(clients)
    statuses: list[int] = []
    errors: list[BaseException] = []

    def merge(index: int) -> None:
        try:
            connection = http.client.HTTPConnection(*address, timeout=120)
            start.wait()
            connection.request("POST", "/xapi/activities/state?" + params,
                               body=json.dumps({f"key{index}": index, "last": index}), headers=HEADERS)
            statuses.append(connection.getresponse().status)
            connection.close()
        except BaseException as error:  # reported below, not lost in the thread
            errors.append(error)

    with live_server(xapi.app) as address:
        threads = [threading.Thread(target=merge, args=(index,)) for index in range(clients)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        reader = http.client.HTTPConnection(*address, timeout=30)
        reader.request("GET", "/xapi/activities/state?" + params, headers=HEADERS)
        document = json.loads(reader.getresponse().read())
    assert errors == [] and statuses == [204] * clients
    assert set(document) - {"last"} == {f"key{index}" for index in range(clients)}
    assert all(document[f"key{index}"] == index for index in range(clients))
