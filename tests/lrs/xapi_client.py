"""An xAPI client over Flask's test client, with one credential per scope set."""

from __future__ import annotations

import base64
import json
import uuid
from typing import Any
from urllib.parse import urlencode

from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from lrs.app import create_app
from lrs.auth import create_credential, hash_secret
from lrs.config import Config
from lrs.db import write_transaction

SECRET = "secret-of-the-tests"
SECRET_HASH = hash_secret(SECRET)  # once per process: scrypt is slow by design
CREDENTIALS = {
    "all": "all",
    "writer": "statements/write",
    "reader": "statements/read",
    "allreader": "all/read",
    "mine": "statements/write,statements/read/mine",
    "other": "statements/write,statements/read/mine",
    "definer": "statements/write,define",
}
VERB = "http://adlnet.gov/expapi/verbs/completed"
ACTIVITY = "https://formation.example.gouv.fr/cours/rgpd"


def auth_header(key: str, secret: str = SECRET) -> str:
    return "Basic " + base64.b64encode(f"{key}:{secret}".encode()).decode()


def statement(**overrides: Any) -> dict:
    """A small valid statement; keyword arguments replace top-level properties."""
    base = {
        "actor": {"objectType": "Agent", "name": "Camille Martin", "mbox": "mailto:camille.martin@example.gouv.fr"},
        "verb": {"id": VERB, "display": {"fr-FR": "a terminé", "en-US": "completed"}},
        "object": {
            "objectType": "Activity",
            "id": ACTIVITY,
            "definition": {"name": {"fr-FR": "Le RGPD", "en-US": "GDPR"}, "type": "http://adlnet.gov/expapi/activities/course"},
        },
    }
    base.update(overrides)
    return {key: value for key, value in base.items() if value is not None}


def agent(name: str) -> dict:
    return {"objectType": "Agent", "name": name.title(), "mbox": f"mailto:{name}@example.gouv.fr"}


class XAPIClient:
    def __init__(self, app: Flask) -> None:
        self.app = app
        self.client: FlaskClient = app.test_client()

    def request(self, method: str, path: str = "statements", params: dict | None = None, body: Any = None, *,
                key: str | None = "all", version: str | None = "1.0.3", headers: dict | None = None,
                content_type: str | None = None) -> TestResponse:
        sent: dict[str, str] = {}
        if version:
            sent["X-Experience-API-Version"] = version
        if key:
            sent["Authorization"] = auth_header(key)
        if isinstance(body, (dict, list)):
            body = json.dumps(body).encode()
            content_type = content_type or "application/json"
        if content_type:
            sent["Content-Type"] = content_type
        sent.update(headers or {})
        query = {k: json.dumps(v) if isinstance(v, dict) else v for k, v in (params or {}).items()}
        url = f"/xapi/{path}" + (f"?{urlencode(query)}" if query else "")
        return self.client.open(url, method=method, data=body, headers=sent)

    def post(self, body: Any, **kwargs: Any) -> TestResponse:
        return self.request("POST", "statements", body=body, **kwargs)

    def put(self, body: Any, statement_id: str, **kwargs: Any) -> TestResponse:
        return self.request("PUT", "statements", {"statementId": statement_id}, body, **kwargs)

    def get(self, params: dict | None = None, **kwargs: Any) -> TestResponse:
        return self.request("GET", "statements", params, **kwargs)

    def store(self, *statements: dict, **kwargs: Any) -> list[str]:
        response = self.post(list(statements), **kwargs)
        assert response.status_code == 200, response.get_data(as_text=True)
        return response.json

    def query_ids(self, params: dict | None = None, **kwargs: Any) -> list[str]:
        response = self.get(params, **kwargs)
        assert response.status_code == 200, response.get_data(as_text=True)
        return [item["id"] for item in response.json["statements"]]

    def follow(self, more: str, **kwargs: Any) -> TestResponse:
        headers = {"X-Experience-API-Version": kwargs.get("version", "1.0.3"),
                   "Authorization": auth_header(kwargs.get("key", "all"))}
        return self.client.get(more, headers=headers)


def make_client(database_url: str, **config: Any) -> XAPIClient:
    app = create_app(Config(database_url=database_url, **config))
    with write_transaction(app.extensions["parcours.engine"]) as connection:
        for key, scopes in CREDENTIALS.items():
            create_credential(connection, key=key, scopes=scopes, name=key, secret_hash=SECRET_HASH)
    return XAPIClient(app)


def new_id() -> str:
    return str(uuid.uuid4())
