"""The preview's own LRS, in memory: enough of the xAPI Statement, State and Agent
Profile resources for a cmi5 or Tin Can launch, and each statement's verdict from
the project's validator, so that authors see what an LRS would record.

It lives as long as the preview and forgets everything when it stops.
"""

from __future__ import annotations

import json
import threading
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from validators.xapi import validate_statement

XAPI_VERSION = "1.0.3"


def _agent_key(agent: str) -> str:
    """The same agent however its JSON was spelt (spacing, key order)."""
    try:
        return json.dumps(json.loads(agent), sort_keys=True, separators=(",", ":"))
    except ValueError:
        return agent


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="microseconds").replace("+00:00", "Z")


@dataclass
class Recorded:
    """A stored statement and what the validator says about it."""

    number: int
    statement: dict[str, Any]
    findings: list[dict[str, Any]]

    def as_json(self) -> dict[str, Any]:
        return {"number": self.number, "statement": self.statement, "findings": self.findings}


@dataclass
class Answer:
    status: int
    body: Any = None  # JSON-able, or None for an empty body
    headers: dict[str, str] = field(default_factory=dict)


class MemoryLrs:
    """Statements, documents and one-use-per-launch session tokens, guarded by one lock."""

    def __init__(self, lang: str = "fr") -> None:
        self.lang = lang
        self.lock = threading.Lock()
        self.statements: list[Recorded] = []
        self.documents: dict[tuple[str, ...], Any] = {}
        self.listeners: list[Any] = []  # called with each Recorded, outside the lock

    # --- the LMS side (the preview itself) ---

    def put_document(self, resource: str, params: dict[str, str], body: Any) -> None:
        with self.lock:
            self.documents[self._document_key(resource, params)] = body

    def record(self, statement: dict[str, Any]) -> Recorded:
        """Store one statement (the LMS's own `launched`, or one an AU posted)."""
        statement = dict(statement)
        statement.setdefault("id", str(uuid.uuid4()))
        statement.setdefault("timestamp", _now())
        statement["stored"] = _now()
        statement.setdefault("authority", {"objectType": "Agent", "name": "parcours preview",
                                           "mbox": "mailto:preview@parcours.invalid"})
        statement.setdefault("version", XAPI_VERSION)
        findings = [f.to_dict(self.lang) for f in validate_statement(statement, XAPI_VERSION)]
        with self.lock:
            recorded = Recorded(len(self.statements) + 1, statement, findings)
            self.statements.append(recorded)
            listeners = list(self.listeners)
        for listener in listeners:
            listener(recorded)
        return recorded

    def reset(self) -> None:
        with self.lock:
            self.statements.clear()
            self.documents.clear()

    # --- the AU side: HTTP requests routed here by the preview server ---

    def handle(self, method: str, resource: str, params: dict[str, str], body: bytes) -> Answer:
        if resource == "about":
            return Answer(200, {"version": [XAPI_VERSION]})
        if resource == "statements":
            return self._statements(method, params, body)
        if resource in ("activities/state", "agents/profile", "activities/profile"):
            return self._documents(method, resource, params, body)
        return Answer(404, {"error": f"unknown resource {resource}"})

    def _statements(self, method: str, params: dict[str, str], body: bytes) -> Answer:
        if method == "GET":
            with self.lock:
                found = [r.statement for r in self.statements]
            return Answer(200, {"statements": found, "more": ""})
        if method not in ("POST", "PUT"):
            return Answer(405, {"error": method})
        try:
            data = json.loads(body or b"null")
        except ValueError as error:
            return Answer(400, {"error": f"JSON: {error}"})
        batch = data if isinstance(data, list) else [data]
        if not all(isinstance(item, dict) for item in batch):
            return Answer(400, {"error": "statement objects expected"})
        if method == "PUT" and params.get("statementId"):
            batch[0].setdefault("id", params["statementId"])
        ids = [self.record(item).statement["id"] for item in batch]
        return Answer(204) if method == "PUT" else Answer(200, ids)

    def _document_key(self, resource: str, params: dict[str, str]) -> tuple[str, ...]:
        id_name = {"activities/state": "stateId", "agents/profile": "profileId"}.get(resource, "profileId")
        scope = (params.get("activityId", ""), _agent_key(params.get("agent", "")), params.get("registration", ""))
        return (resource, *scope, params.get(id_name, ""))

    def _documents(self, method: str, resource: str, params: dict[str, str], body: bytes) -> Answer:
        id_name = "stateId" if resource == "activities/state" else "profileId"
        key = self._document_key(resource, params)
        with self.lock:
            if method == "GET" and not params.get(id_name):
                listed = [k[-1] for k in self.documents if k[:-1] == key[:-1]]
                return Answer(200, listed)
            if method == "GET":
                if key not in self.documents:
                    return Answer(404, {"error": "no such document"})
                return Answer(200, self.documents[key])
            if method == "DELETE":
                self.documents.pop(key, None)
                return Answer(204)
            try:
                value = json.loads(body or b"null")
            except ValueError:
                value = body.decode("utf-8", "replace")
            if method == "POST" and isinstance(value, dict) and isinstance(self.documents.get(key), dict):
                value = {**self.documents[key], **value}  # JSON documents merge (xAPI 2.2.4.3.1)
            self.documents[key] = value
            return Answer(204)
