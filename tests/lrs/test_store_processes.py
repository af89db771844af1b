"""Statement batches stored by helper processes under `parcours serve` on a SQLite file:
the same answers as the request thread, a helper that dies replaced, none outliving
its worker."""

from __future__ import annotations

import http.client
import json
import os
import signal
import time
import uuid
from pathlib import Path

import logging
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

import pytest
import sqlalchemy

from lrs import server
from lrs.config import Config
from lrs.db import engine_for
from lrs.statements import backlog, store_processes
from lrs.statements.store_processes import MAX_HELPERS, STORE_PROCESSES_KEY, StoreProcesses, helper_count
from tests.lrs.xapi_client import auth_header, statement
from tests.support.served import Served

HEADERS = {"X-Experience-API-Version": "2.0.0", "Authorization": auth_header("all"), "Content-Type": "application/json"}
FIXED = ["7f1e0d6c-0c43-4a55-9b8e-1d2f3a4b5c6d", "7f1e0d6c-0c43-4a55-9b8e-1d2f3a4b5c6e"]


def _proc_stats() -> dict[int, list[str]]:
    stats = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stats[int(entry.name)] = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
    return stats


def _children(pid: int) -> list[int]:
    """Live (not zombie) children of `pid`."""
    return [child for child, fields in _proc_stats().items() if int(fields[1]) == pid and fields[0] != "Z"]


def _is_helper(pid: int) -> bool:
    try:
        return b"spawn_main" in Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False


def _alive(pid: int) -> bool:
    fields = _proc_stats().get(pid)
    return fields is not None and fields[0] != "Z"


def workers_and_helpers(served: Served) -> dict[int, list[int]]:
    return {worker: [pid for pid in _children(worker) if _is_helper(pid)] for worker in _children(served.process.pid)}


def request(served: Served, method: str, body: bytes, content_type: str = "application/json",
            path: str = "/xapi/statements") -> tuple[int, dict[str, str], object]:
    connection = http.client.HTTPConnection("127.0.0.1", served.port, timeout=30)
    connection.request(method, path, body=body, headers={**HEADERS, "Content-Type": content_type})
    response = connection.getresponse()
    data = response.read()
    headers = {name.lower(): value for name, value in response.getheaders()}
    return response.status, headers, json.loads(data) if data else None


def _requests() -> list[tuple[str, bytes, str]]:
    """(what, body, content type): accepted and refused batches, in an order that makes
    the later ones conflict with the first."""
    good = [statement(id=FIXED[0]), statement(id=FIXED[1], verb={"id": "http://adlnet.gov/expapi/verbs/attempted"})]
    return [
        ("a batch", json.dumps(good).encode(), "application/json"),
        ("the same batch again", json.dumps(good).encode(), "application/json"),
        ("one object", json.dumps(statement()).encode(), "application/json"),
        ("an id stored with other content", json.dumps([statement(id=FIXED[0], actor={"mbox": "mailto:autre@exemple.fr"})]).encode(),
         "application/json"),
        ("an invalid statement", json.dumps([statement(), statement(actor={"mbox": "sans-mailto@exemple.fr"})]).encode(),
         "application/json"),
        ("an id twice", json.dumps([statement(id=FIXED[1]), statement(id=FIXED[1])]).encode(), "application/json"),
        ("a statement over the size limit", json.dumps([statement(result={"response": "x" * 3000})]).encode(),
         "application/json"),
        ("an attachment without its part", json.dumps([statement(attachments=[{
            "usageType": "http://adlnet.gov/expapi/attachments/signature", "display": {"fr": "pièce"},
            "contentType": "application/octet-stream", "length": 3,
            "sha2": "a" * 64}])]).encode(), "application/json"),
        ("no body", b"", "application/json"),
        ("not JSON", b"[{", "application/json"),
        ("not JSON at all", b"<xml/>", "text/xml"),
    ]


def test_helpers_answer_every_request_as_the_request_thread_does(tmp_path: Path) -> None:
    limits = {"PARCOURS_MAX_STATEMENT_BYTES": "2000"}
    helped = Served(f"sqlite:///{tmp_path / 'helped.db'}", tmp_path / "helped.log", args=("--store-processes", "2"),
                    env=limits)
    alone = Served(f"sqlite:///{tmp_path / 'alone.db'}", tmp_path / "alone.log", args=("--store-processes", "0"),
                   env=limits)
    try:
        [helpers] = workers_and_helpers(helped).values()
        assert len(helpers) == 2
        assert list(workers_and_helpers(alone).values()) == [[]]
        statuses = []
        for what, body, content_type in _requests():
            status, headers, answer = request(helped, "POST", body, content_type)
            expected_status, _headers, expected = request(alone, "POST", body, content_type)
            assert (status, answer if status != 200 or what != "one object" else len(answer)) == (
                expected_status, expected if status != 200 or what != "one object" else len(expected)), what
            statuses.append(status)
        assert statuses == [200, 200, 200, 409, 400, 400, 413, 400, 400, 400, 400]
        for statement_id in FIXED:  # stored by a helper, read by the worker
            status, _headers, stored = request(helped, "GET", b"", path=f"/xapi/statements?statementId={statement_id}")
            assert status == 200 and stored["id"] == statement_id
        status, _headers, found = request(helped, "GET", b"", path="/xapi/statements?verb=http%3A%2F%2Fadlnet.gov%2Fexpapi%2Fverbs%2Fattempted")
        assert [item["id"] for item in found["statements"]] == [FIXED[1]]
    finally:
        helped.kill()
        alone.kill()


def test_a_helper_that_dies_is_replaced_and_its_request_answered_503(tmp_path: Path) -> None:
    served = Served(f"sqlite:///{tmp_path / 'lrs.db'}", tmp_path / "serve.log", args=("--store-processes", "1"))
    try:
        [(worker, [helper])] = workers_and_helpers(served).items()
        os.kill(helper, signal.SIGKILL)
        while _alive(helper):
            time.sleep(0.05)
        status, headers, answer = request(served, "POST", json.dumps([statement(id=str(uuid.uuid4()))]).encode())
        assert status == 503 and headers["retry-after"].isdigit(), answer
        status, _headers, ids = request(served, "POST", json.dumps([statement(id=FIXED[0])]).encode())
        assert (status, ids) == (200, [FIXED[0]])
        [(same_worker, [replacement])] = workers_and_helpers(served).items()
        assert same_worker == worker and replacement != helper
        assert "storing process stopped" in (tmp_path / "serve.log").read_text()
    finally:
        served.kill()


def test_helpers_end_with_their_worker(tmp_path: Path) -> None:
    served = Served(f"sqlite:///{tmp_path / 'lrs.db'}", tmp_path / "serve.log", args=("--store-processes", "2"))
    try:
        [(worker, helpers)] = workers_and_helpers(served).items()
        assert len(helpers) == 2
        os.kill(worker, signal.SIGKILL)  # it cannot tell them
        deadline = time.monotonic() + 15
        while any(_alive(pid) for pid in helpers) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not any(_alive(pid) for pid in helpers)
        deadline = time.monotonic() + 30  # gunicorn starts another worker, with its own helpers
        while time.monotonic() < deadline:
            replaced = workers_and_helpers(served)
            if replaced and all(len(pids) == 2 for pids in replaced.values()) and worker not in replaced:
                break
            time.sleep(0.2)
        status, _headers, ids = request(served, "POST", json.dumps([statement(id=FIXED[1])]).encode())
        assert (status, ids) == (200, [FIXED[1]])
    finally:
        served.kill()


def test_how_many_helpers(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    sqlite_file = engine_for(f"sqlite:///{tmp_path / 'lrs.db'}")
    backlog.attach(sqlite_file, [])
    in_memory = sqlalchemy.create_engine("sqlite://")  # indexes as it stores, like PostgreSQL
    # (CPUs, workers) -> helpers of each worker: one CPU stays with each worker
    for cpus, workers, helpers in ((1, 1, 1), (2, 1, 1), (4, 1, 3), (4, 2, 1), (8, 2, 3), (16, 1, MAX_HELPERS), (2, 4, 1)):
        monkeypatch.setattr(os, "cpu_count", lambda cpus=cpus: cpus)
        assert helper_count(None, sqlite_file, workers) == helpers, (cpus, workers)
    monkeypatch.undo()
    assert helper_count(None, in_memory, 1) == helper_count(2, in_memory, 1) == 0
    assert helper_count(3, sqlite_file, 1) == 3
    assert helper_count(0, sqlite_file, 1) == 0
    assert Config.from_env({"PARCOURS_STORE_PROCESSES": "2"}).store_processes == 2
    assert Config.from_env({}).store_processes is None
    sqlite_file.dispose()


def test_helpers_that_cannot_start_say_so_and_leave_nothing_running(tmp_path: Path) -> None:
    # The write-lock file cannot be opened in a folder that does not exist: the helper's start fails.
    config = Config(database_url=f"sqlite:///{tmp_path / 'absent' / 'lrs.db'}")
    with pytest.raises(BrokenProcessPool):
        StoreProcesses(config, 1)
    deadline = time.monotonic() + 10
    while [pid for pid in _children(os.getpid()) if _is_helper(pid)] and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not [pid for pid in _children(os.getpid()) if _is_helper(pid)]


def test_a_worker_whose_helpers_cannot_start_stores_in_its_threads(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    def no_shared_memory(config: Config, count: int) -> StoreProcesses:
        raise OSError("[Errno 38] Function not implemented")

    monkeypatch.setattr(store_processes, "StoreProcesses", no_shared_memory)
    monkeypatch.setattr(server, "tune_garbage_collector", lambda: None)  # not in the test process
    application = server._LRSApplication(Config(database_url=f"sqlite:///{tmp_path / 'lrs.db'}",
                                                bootstrap_credential="all:secret-of-the-tests:all"), {"workers": 1})
    with caplog.at_level(logging.WARNING, logger="parcours.lrs"):
        app = application.load()
    assert STORE_PROCESSES_KEY not in app.extensions
    assert "request threads store statements" in caplog.text
    response = app.test_client().post("/xapi/statements", json=[statement(id=FIXED[0])], headers=HEADERS)
    assert (response.status_code, response.json) == (200, [FIXED[0]])
    app.extensions["parcours.engine"].dispose()


def test_helpers_that_cannot_start_again_are_tried_again_at_the_next_request(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from lrs.auth import Credential, authority_agent
    from lrs.errors import XAPIError
    from lrs.migrations import apply_migrations

    url = f"sqlite:///{tmp_path / 'lrs.db'}"
    engine = engine_for(url)
    apply_migrations(engine)
    engine.dispose()
    credential = Credential(key="all", scopes=frozenset({"all"}),
                            authority=authority_agent("all", "all", None, "https://lrs.parcours.invalid"))
    helpers = StoreProcesses(Config(database_url=url), 1)
    body = json.dumps([statement(id=FIXED[0])]).encode()

    def store() -> int | list[str]:
        try:
            return helpers.store(body, credential, version="2.0.0", content_length=len(body))
        except XAPIError as error:
            return error.status

    [helper] = [pid for pid in _children(os.getpid()) if _is_helper(pid)]
    os.kill(helper, signal.SIGKILL)
    while _alive(helper):
        time.sleep(0.05)
    def refuse_to_start(self: StoreProcesses) -> ProcessPoolExecutor:
        raise OSError("no shared memory")

    real_start = StoreProcesses._start
    with monkeypatch.context() as patched:
        patched.setattr(StoreProcesses, "_start", refuse_to_start)
        assert store() == 503  # the helper died; starting another fails
        assert store() == 503  # tried again, fails again
    assert StoreProcesses._start is real_start
    assert store() == 503  # tried again: this time it starts
    assert store() == [FIXED[0]]
    helpers.executor.shutdown(wait=True)
