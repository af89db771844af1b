"""`parcours credentials`, `parcours serve`, the first credential of a container, migrations."""

from __future__ import annotations

import base64
import http.client
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import sqlalchemy
from click.testing import CliRunner

from lrs.app import create_app
from lrs.cli import credentials
from lrs.config import Config
from lrs.db import engine_for
from lrs.migrations import apply_migrations, available_migrations, schema_migrations

ROOT = Path(__file__).resolve().parents[2]


def test_credentials_create_help_names_every_scope() -> None:
    from lrs.auth import SCOPES

    shown = " ".join(CliRunner().invoke(credentials, ["create", "--help"]).output.split())
    for scope in SCOPES:
        assert f" {scope}," in shown or f" {scope}." in shown, scope
    assert "reports/read" in shown


def test_credentials_create_list_revoke(database_url: str) -> None:
    runner = CliRunner()
    created = runner.invoke(credentials, ["create", "--key", "moodle", "--secret", "s3cr3t", "--scopes",
                                          "statements/write,define", "--name", "Moodle Mentor",
                                          "--database", database_url])
    assert created.exit_code == 0, created.output
    assert "clé : moodle" in created.output and "secret : s3cr3t" in created.output
    listed = runner.invoke(credentials, ["list", "--database", database_url, "--lang", "en"])
    assert "moodle\tMoodle Mentor\tdefine statements/write\tactive" in listed.output
    app = create_app(Config(database_url=database_url))
    headers = {"X-Experience-API-Version": "1.0.3",
               "Authorization": "Basic " + base64.b64encode(b"moodle:s3cr3t").decode()}
    client = app.test_client()
    assert client.get("/xapi/statements", headers=headers).status_code == 403  # no read scope
    revoked = runner.invoke(credentials, ["revoke", "moodle", "--database", database_url, "--lang", "en"])
    assert revoked.exit_code == 0 and "credential revoked: moodle" in revoked.output
    assert runner.invoke(credentials, ["revoke", "moodle", "--database", database_url]).exit_code == 1
    fresh_app = create_app(Config(database_url=database_url))
    assert fresh_app.test_client().get("/xapi/statements", headers=headers).status_code == 401
    app.extensions["parcours.engine"].dispose()
    fresh_app.extensions["parcours.engine"].dispose()


def test_credential_errors_are_clear(sqlite_database: str) -> None:
    runner = CliRunner()
    bad_scope = runner.invoke(credentials, ["create", "--scopes", "everything", "--database", sqlite_database])
    assert bad_scope.exit_code == 1 and "portée(s) inconnue(s) : everything" in bad_scope.output
    runner.invoke(credentials, ["create", "--key", "k", "--database", sqlite_database])
    again = runner.invoke(credentials, ["create", "--key", "k", "--database", sqlite_database, "--lang", "en"])
    assert again.exit_code == 1 and "already exists" in again.output
    generated = runner.invoke(credentials, ["create", "--database", sqlite_database, "--lang", "en"])
    assert generated.exit_code == 0 and "secret: " in generated.output
    unusable = runner.invoke(credentials, ["list", "--database", "sqlite:////nonexistent/dir/x.db"])
    assert unusable.exit_code == 1 and "inutilisable" in unusable.output and "Traceback" not in unusable.output


def test_bootstrap_credential_from_the_environment(sqlite_database: str) -> None:
    config = Config.from_env({"PARCOURS_DATABASE_URL": sqlite_database,
                              "PARCOURS_BOOTSTRAP_CREDENTIAL": "container:le-secret:statements/write,statements/read"})
    app = create_app(config)
    create_app(config)  # a second start keeps the credential as it is
    headers = {"X-Experience-API-Version": "2.0.0",
               "Authorization": "Basic " + base64.b64encode(b"container:le-secret").decode()}
    assert app.test_client().get("/xapi/statements", headers=headers).status_code == 200


def test_bootstrap_credential_from_a_file(sqlite_database: str, tmp_path: Path) -> None:
    secret_file = tmp_path / "credential"
    secret_file.write_text("fichier:secret-du-fichier:all\n")
    app = create_app(Config.from_env({"PARCOURS_DATABASE_URL": sqlite_database,
                                      "PARCOURS_BOOTSTRAP_CREDENTIAL_FILE": str(secret_file)}))
    headers = {"X-Experience-API-Version": "1.0.3",
               "Authorization": "Basic " + base64.b64encode(b"fichier:secret-du-fichier").decode()}
    assert app.test_client().get("/xapi/statements", headers=headers).status_code == 200


def test_config_from_env_reads_every_kind_of_field() -> None:
    config = Config.from_env({"PARCOURS_MAX_BODY_BYTES": "1024", "PARCOURS_CORS_ORIGINS": "https://a.fr, https://b.fr",
                              "PARCOURS_LANG": "de", "PARCOURS_DEBUG": "true"})
    assert config.max_body_bytes == 1024
    assert config.cors_origins == ("https://a.fr", "https://b.fr")
    assert config.lang == "fr"  # unsupported languages fall back to French
    assert config.debug is True
    assert Config.from_env({}).database_url == "sqlite:///parcours.db"


def test_migrations_run_once_and_are_recorded(database_url: str) -> None:
    engine = engine_for(database_url)
    first = apply_migrations(engine)
    assert first == available_migrations() and "m0001_core" in first
    assert apply_migrations(engine) == []
    with engine.connect() as connection:
        names = connection.execute(sqlalchemy.select(schema_migrations.c.name)).scalars().all()
        tables = set(sqlalchemy.inspect(connection).get_table_names())
    assert sorted(names) == available_migrations()
    assert {"statements", "statement_keys", "credentials", "activities", "agent_names"} <= tables
    engine.dispose()


def test_a_learners_documents_and_statements_are_found_through_indexes(sqlite_database: str) -> None:
    engine = engine_for(sqlite_database)
    apply_migrations(engine)
    with engine.connect() as connection:
        plans = {
            sql: " ".join(row[-1] for row in connection.exec_driver_sql("EXPLAIN QUERY PLAN " + sql))
            for sql in ("SELECT id FROM documents WHERE agent_key = 'mbox:mailto:a@example.org'",
                        "SELECT seq FROM statement_keys WHERE key = 42")
        }
    assert all("SEARCH" in plan and "USING" in plan for plan in plans.values()), plans
    engine.dispose()


def test_sqlite_runs_in_wal_mode(sqlite_database: str) -> None:
    engine = engine_for(sqlite_database)
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    engine.dispose()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.slow
@pytest.mark.parametrize("workers", ["1", "2"])
def test_parcours_serve_answers_over_http(tmp_path: Path, workers: str) -> None:
    port = _free_port()
    env = {**os.environ, "PARCOURS_BOOTSTRAP_CREDENTIAL": "k:s:all"}
    process = subprocess.Popen(
        [sys.executable, "-m", "parcours.cli", "serve", "--database", f"sqlite:///{tmp_path / 'lrs.db'}",
         "--port", str(port), "--workers", workers], env=env, stderr=subprocess.PIPE, cwd=ROOT)
    try:
        status = None
        for _ in range(100):
            try:
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                connection.request("POST", "/xapi/statements", body=b'{"actor": {"mbox": "mailto:a@b.fr"}, '
                                   b'"verb": {"id": "http://adlnet.gov/expapi/verbs/completed"}, '
                                   b'"object": {"id": "https://example.gouv.fr/c"}}',
                                   headers={"X-Experience-API-Version": "1.0.3", "Content-Type": "application/json",
                                            "Authorization": "Basic " + base64.b64encode(b"k:s").decode()})
                status = connection.getresponse().status
                break
            except OSError:
                time.sleep(0.2)
        assert status == 200
    finally:
        process.terminate()
        process.wait(timeout=30)
