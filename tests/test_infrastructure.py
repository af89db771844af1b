"""The parts the other suites stand on: the CLI entry point and the PostgreSQL server."""

import subprocess
import sys

import sqlalchemy


def test_cli_lists_its_subcommands():
    result = subprocess.run([sys.executable, "-m", "parcours", "--help"], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "parcours" in result.stdout


def test_postgres_server_answers(postgres_database):
    engine = sqlalchemy.create_engine(postgres_database)
    with engine.connect() as connection:
        version = connection.execute(sqlalchemy.text("select version()")).scalar_one()
    engine.dispose()
    assert version.startswith("PostgreSQL")
