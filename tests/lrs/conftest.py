"""Fixtures of the LRS suites: an LRS on each database, reached through the test client."""

from __future__ import annotations

from typing import Iterator

import pytest

from tests.lrs.xapi_client import XAPIClient, make_client


@pytest.fixture
def xapi(database_url: str) -> Iterator[XAPIClient]:
    """An LRS on a SQLite file, then on PostgreSQL, with the credentials of CREDENTIALS."""
    client = make_client(database_url)
    yield client
    client.app.extensions["parcours.engine"].dispose()


@pytest.fixture
def xapi_sqlite(sqlite_database: str) -> Iterator[XAPIClient]:
    """The same on SQLite only, for behaviour that does not depend on the database."""
    client = make_client(sqlite_database)
    yield client
    client.app.extensions["parcours.engine"].dispose()


@pytest.fixture
def xapi_postgres(postgres_database: str) -> Iterator[XAPIClient]:
    """The same on PostgreSQL only, where statements are indexed in the storing transaction."""
    client = make_client(postgres_database)
    yield client
    client.app.extensions["parcours.engine"].dispose()
