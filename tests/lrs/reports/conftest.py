"""An LRS on a real database for the report tests, and statements posted to it."""

from __future__ import annotations

import base64
from typing import Callable

import pytest
from flask import Flask

from lrs.app import create_app
from lrs.config import Config

KEY, SECRET = "analyste", "secret-de-test"


def basic(key: str, secret: str = SECRET) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(f"{key}:{secret}".encode()).decode()}


AUTH = basic(KEY)
XAPI = {**AUTH, "X-Experience-API-Version": "1.0.3"}
PSEUDONYM_SECRET = "sel-des-pseudonymes"


def post_statements(app: Flask, statements: list[dict], batch: int = 100) -> None:
    client = app.test_client()
    for start in range(0, len(statements), batch):
        response = client.post("/xapi/statements", json=statements[start : start + batch], headers=XAPI)
        assert response.status_code == 200, response.get_data(as_text=True)


@pytest.fixture
def make_app(tmp_path) -> Callable[..., Flask]:
    def factory(database_url: str, scopes: str = "all") -> Flask:
        config = Config.from_env(
            database_url=database_url,
            blob_dir=str(tmp_path / "blobs"),  # published packages stay in the test's folder
            # another key per scope set: verified credentials are cached per process
            bootstrap_credential=f"{KEY if scopes == 'all' else KEY + '-' + scopes.replace('/', '-')}:{SECRET}:{scopes}",
            extra={"pseudonym_secret": PSEUDONYM_SECRET},
        )
        return create_app(config)

    return factory
