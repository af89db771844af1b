"""Health checks, Prometheus metrics and JSON request logs, through a live HTTP server."""

from __future__ import annotations

import http.client
import json
from pathlib import Path
from typing import Any

import pytest

from lrs.config import Config
from tests.lrs.xapi_client import auth_header, make_client, new_id, statement
from tests.support.live_server import live_server


def call(address: tuple[str, int], method: str, path: str, body: Any = None,
         headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    connection = http.client.HTTPConnection(*address, timeout=30)
    sent = dict(headers or {})
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        sent["Content-Type"] = "application/json"
    connection.request(method, path, body=data, headers=sent)
    response = connection.getresponse()
    result = response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    connection.close()
    return result


XAPI = {"X-Experience-API-Version": "1.0.3", "Authorization": auth_header("all")}


def test_health_and_ready_answer_json_without_credentials(database_url: str) -> None:
    with live_server(make_client(database_url).app) as address:
        status, headers, body = call(address, "GET", "/health")
        assert status == 200 and json.loads(body) == {"status": "ok"}
        status, headers, body = call(address, "GET", "/health/ready")
        report = json.loads(body)
        assert status == 200 and report["status"] == "ok", report
        assert report["checks"]["database"]["status"] == "ok"
        assert report["checks"]["migrations"] == {"status": "ok", "pending": []}
        assert report["checks"]["index_queue"]["depth"] == 0


def test_ready_reports_the_index_queue_and_turns_unready_when_it_lags(sqlite_database: str) -> None:
    xapi = make_client(sqlite_database, ready_max_index_lag=0.0)
    engine = xapi.app.extensions["parcours.engine"]
    from lrs.statements import backlog

    backlog._indexers.pop(engine)  # no background indexing: the queue stays as written
    backlog.attach(engine, [], bound=10**9)
    backlog._indexers[engine].wrote = lambda: None  # type: ignore[method-assign]
    xapi.store(*[statement(id=new_id()) for _ in range(3)])
    with live_server(xapi.app) as address:
        status, headers, body = call(address, "GET", "/health/ready")
        report = json.loads(body)
        assert status == 503 and headers["retry-after"].isdigit(), report
        assert report["checks"]["index_queue"]["depth"] == 3
        assert report["checks"]["index_queue"]["status"] == "late"


def test_ready_names_a_pending_migration(sqlite_database: str) -> None:
    xapi = make_client(sqlite_database)
    with xapi.app.extensions["parcours.engine"].begin() as connection:
        connection.exec_driver_sql("DELETE FROM schema_migrations WHERE name = 'm0003_index_queue'")
    with live_server(xapi.app) as address:
        status, headers, body = call(address, "GET", "/health/ready")
    report = json.loads(body)
    assert status == 503 and report["checks"]["migrations"]["pending"] == ["m0003_index_queue"]


def test_ready_is_503_when_the_database_is_gone(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'lrs.db'}"
    xapi = make_client(url)
    engine = xapi.app.extensions["parcours.engine"]
    engine.dispose()
    (tmp_path / "lrs.db").unlink()
    (tmp_path / "lrs.db").mkdir()  # the path now cannot be opened as a database
    with live_server(xapi.app) as address:
        status, headers, body = call(address, "GET", "/health/ready")
    report = json.loads(body)
    assert status == 503 and report["checks"]["database"]["status"] == "unreachable"
    assert "retry-after" in headers and b"Traceback" not in body


def metric(text: str, name: str, **labels: str) -> float:
    """The value of one sample of a Prometheus text exposition (0 when absent)."""
    for line in text.splitlines():
        if line.startswith("#") or not line.startswith(name):
            continue
        head, value = line.rsplit(" ", 1)
        sample, _, rest = head.partition("{")
        if sample != name:
            continue
        found = dict(part.split("=", 1) for part in rest.rstrip("}").split(",") if part) if rest else {}
        if all(found.get(key) == json.dumps(wanted) for key, wanted in labels.items()):
            return float(value)
    return 0.0


def test_metrics_count_requests_statements_batches_and_auth_failures(database_url: str) -> None:
    xapi = make_client(database_url, metrics=True)
    with live_server(xapi.app) as address:
        assert call(address, "POST", "/xapi/statements", [statement(id=new_id()) for _ in range(7)], XAPI)[0] == 200
        one = statement(id=new_id())
        assert call(address, "PUT", f"/xapi/statements?statementId={one['id']}", one, XAPI)[0] == 204
        assert call(address, "GET", "/xapi/statements", headers={**XAPI, "Authorization": auth_header("all", "bad")})[0] == 401
        assert call(address, "GET", "/xapi/statements", headers={**XAPI, "Authorization": auth_header("writer")})[0] == 403
        status, headers, body = call(address, "GET", "/metrics")
    assert status == 200 and headers["content-type"].startswith("text/plain")
    text = body.decode()
    assert metric(text, "parcours_http_requests_total", route="/xapi/statements", method="POST", status="200") == 1
    assert metric(text, "parcours_http_requests_total", route="/xapi/statements", method="GET", status="401") == 1
    assert metric(text, "parcours_statements_stored_total") == 8
    assert metric(text, "parcours_statement_batch_size_count") == 2
    assert metric(text, "parcours_statement_batch_size_sum") == 8
    assert metric(text, "parcours_statement_batch_size_bucket", le="5.0") == 1  # the PUT of one
    assert metric(text, "parcours_auth_failures_total", reason="unauthenticated") == 1
    assert metric(text, "parcours_auth_failures_total", reason="forbidden") == 1
    assert metric(text, "parcours_http_request_duration_seconds_count", route="/xapi/statements", method="PUT") == 1
    assert "parcours_index_queue_depth" in text and "parcours_index_queue_lag_seconds" in text


def test_metrics_need_the_scope_unless_opened(sqlite_database: str) -> None:
    from lrs.auth import create_credential, hash_secret
    from lrs.db import write_transaction

    xapi = make_client(sqlite_database)
    with write_transaction(xapi.app.extensions["parcours.engine"]) as connection:
        create_credential(connection, key="prometheus", scopes="metrics/read", name="p", secret_hash=hash_secret("s"))
    with live_server(xapi.app) as address:
        assert call(address, "GET", "/metrics")[0] == 401
        assert call(address, "GET", "/metrics", headers={"Authorization": auth_header("reader")})[0] == 403
        status, _, body = call(address, "GET", "/metrics", headers={"Authorization": auth_header("prometheus", "s")})
        assert status == 200 and b"parcours_http_requests_total" in body
        # the scope grants nothing else
        assert call(address, "GET", "/xapi/statements",
                    headers={**XAPI, "Authorization": auth_header("prometheus", "s")})[0] == 403
    assert Config.from_env({"PARCOURS_METRICS": "1"}).metrics is True


def test_request_log_lines_carry_the_request_id(tmp_path: Path) -> None:
    log = tmp_path / "requests.jsonl"
    xapi = make_client(f"sqlite:///{tmp_path / 'lrs.db'}", request_log=str(log))
    with live_server(xapi.app) as address:
        status, headers, _ = call(address, "GET", "/xapi/about", headers={"X-Request-Id": "lb-42.7"})
        assert status == 200 and headers["x-request-id"] == "lb-42.7"
        status, headers, _ = call(address, "POST", "/xapi/statements", [statement()], XAPI)
        generated = headers["x-request-id"]
        assert status == 200 and len(generated) == 32
        _, forged, _ = call(address, "GET", "/health", headers={"X-Request-Id": "x\" injected"})
        assert forged["x-request-id"] != "x\" injected"
    lines = [json.loads(line) for line in log.read_text().splitlines()]
    assert [line["request_id"] for line in lines] == ["lb-42.7", generated, forged["x-request-id"]]
    post = lines[1]
    assert post["method"] == "POST" and post["route"] == "/xapi/statements" and post["status"] == 200
    assert post["key"] == "all" and post["ms"] > 0 and post["bytes_in"] > 0


def test_request_log_off(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    xapi = make_client(f"sqlite:///{tmp_path / 'lrs.db'}", request_log="off")
    assert xapi.request("GET", "about").status_code == 200
    assert "request_id" not in capsys.readouterr().err
    on = make_client(f"sqlite:///{tmp_path / 'lrs2.db'}")
    assert on.request("GET", "about").status_code == 200
    assert json.loads(capsys.readouterr().err.strip().splitlines()[-1])["route"] == "/xapi/about"
