"""The OpenAPI description of `/xapi/`: it names exactly the routes the app serves, and
schemathesis, run against a live server with it, finds no 5xx and no response that
contradicts it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.lrs.xapi_client import SECRET, make_client
from tests.support.live_server import live_server

IGNORED_METHODS = {"HEAD", "OPTIONS"}  # HEAD comes with GET; OPTIONS is the CORS preflight
CHECKS = ("not_a_server_error", "status_code_conformance", "content_type_conformance",
          "response_headers_conformance", "response_schema_conformance", "negative_data_rejection")
EXAMPLES_PER_OPERATION = 5  # the coverage phase adds its boundary cases; about 15 s per engine on 2 cores


def test_the_description_names_every_xapi_route_and_method(sqlite_database: str) -> None:
    xapi = make_client(sqlite_database, request_log="off")
    response = xapi.client.get("/xapi/openapi.json")  # no credentials, no version header
    assert response.status_code == 200
    description = response.json
    assert description["openapi"] == "3.1.0"
    described = {(path, method.upper()) for path, item in description["paths"].items() for method in item}
    served = {
        (rule.rule, method)
        for rule in xapi.app.url_map.iter_rules()
        if rule.rule.startswith("/xapi/") and rule.rule != "/xapi/openapi.json"
        for method in rule.methods - IGNORED_METHODS
    }
    assert described == served


@pytest.mark.slow
def test_schemathesis_finds_no_server_error_and_no_contradiction(database_url: str, tmp_path: Path) -> None:
    """On both engines: PostgreSQL refuses some values SQLite takes (U+0000, long index entries)."""
    xapi = make_client(database_url, request_log="off")
    with live_server(xapi.app) as (host, port):
        result = subprocess.run(
            [sys.executable, "-m", "schemathesis.cli", "run", f"http://{host}:{port}/xapi/openapi.json",
             "--auth", f"all:{SECRET}", "--max-examples", str(EXAMPLES_PER_OPERATION),
             "--phases", "coverage,fuzzing", "--checks", ",".join(CHECKS), "--seed", "1",
             "--generation-database", "none", "--no-color", "--report-dir", str(tmp_path)],
            capture_output=True, text=True, timeout=600, cwd=tmp_path,
        )
    summary = result.stdout[-6000:]
    assert result.returncode == 0, summary
    assert "passed" in summary and "Tested: 18" in summary, summary
