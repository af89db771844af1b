"""The LMS side of the cmi5 and Tin Can launches: an LRS to send statements to, and
a launcher that does what a cmi5 LMS does before it opens an AU.

Two LRSs: the project's own (`lrs.app.create_app`, on a live werkzeug server with
a real SQLite file) and the recording endpoint of the test server; the tests run
against both, so that a failure says whether the runtime or the LRS is at fault."""

from __future__ import annotations

import base64
import json
import threading
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import urlencode

from lxml import etree

from tests.browser.server import LiveServer

CMI5_CATEGORY = "https://w3id.org/xapi/cmi5/context/categories/cmi5"
MOVEON_CATEGORY = "https://w3id.org/xapi/cmi5/context/categories/moveon"
SESSION_ID = "https://w3id.org/xapi/cmi5/context/extensions/sessionid"
MASTERY = "https://w3id.org/xapi/cmi5/context/extensions/masteryscore"
LAUNCH_MODE = "https://w3id.org/xapi/cmi5/context/extensions/launchmode"
LAUNCH_URL = "https://w3id.org/xapi/cmi5/context/extensions/launchurl"
MOVEON = "https://w3id.org/xapi/cmi5/context/extensions/moveon"
VERB = "http://adlnet.gov/expapi/verbs/"


class Lrs(Protocol):
    endpoint: str   # ends with "/"
    lms_auth: str   # "Basic …" with every scope

    def session_token(self) -> str: ...

    def statements(self, registration: str) -> list[dict[str, Any]]: ...


def _basic(key: str, secret: str) -> str:
    return base64.b64encode(f"{key}:{secret}".encode()).decode()


def http_json(method: str, url: str, auth: str, body: Any = None, **headers: str) -> tuple[int, Any]:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, method=method, headers={
        "Authorization": auth, "X-Experience-API-Version": "1.0.3", "Content-Type": "application/json", **headers,
    })
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            raw = response.read()
            return response.status, json.loads(raw) if raw else None
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8", "replace")


class ProjectLrs:
    """parcours' own LRS on a free port of 127.0.0.1."""

    def __init__(self, database_url: str) -> None:
        from werkzeug.serving import WSGIRequestHandler, make_server

        class QuietHandler(WSGIRequestHandler):
            def log_request(self, *args: Any, **kwargs: Any) -> None:  # quiet test output
                pass

        from lrs.app import create_app
        from lrs.auth import create_credential
        from lrs.config import Config
        from lrs.db import write_transaction

        self._create_credential = create_credential
        self._write = write_transaction
        self.app = create_app(Config(database_url=database_url, cors_origins=("*",)))
        self._engine = self.app.extensions["parcours.engine"]
        with write_transaction(self._engine) as connection:
            _, secret = create_credential(connection, key="lms", scopes=["all"], name="LMS de test")
        self.lms_auth = "Basic " + _basic("lms", secret)
        self._serve = lambda port: make_server("127.0.0.1", port, self.app, threaded=True,
                                               request_handler=QuietHandler)
        self._httpd = self._serve(0)
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)
        self._thread.start()
        self.endpoint = f"http://127.0.0.1:{self._httpd.server_port}/xapi/"

    def go_offline(self) -> None:
        """Stop answering (connections are refused) until come_back(); the database stays."""
        self._httpd.shutdown()
        self._thread.join(timeout=5)
        self._httpd.server_close()

    def come_back(self) -> None:
        """Serve the same database on the same port again."""
        self._httpd = self._serve(int(self.endpoint.split(":")[2].split("/")[0]))
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)
        self._thread.start()

    def session_token(self) -> str:
        """A credential for one AU session, with the scopes an AU needs."""
        key = "au-" + uuid.uuid4().hex[:12]
        with self._write(self._engine) as connection:
            _, secret = self._create_credential(
                connection, key=key, scopes=["statements/write", "statements/read/mine", "state", "profile"],
                name="session cmi5")
        return _basic(key, secret)

    def statements(self, registration: str) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = []
        url = self.endpoint + "statements?" + urlencode({"registration": registration, "limit": 500, "ascending": "true"})
        while url:
            status, body = http_json("GET", url, self.lms_auth)
            assert status == 200, f"GET statements: {status} {body}"
            found.extend(body["statements"])
            more = body.get("more")
            url = (self.endpoint.split("/xapi/")[0] + more) if more else ""
        return found

    def stop(self) -> None:
        self._httpd.shutdown()
        self._thread.join(timeout=5)
        self._engine.dispose()


class RecordingLrsClient:
    """The recording endpoint of the test server (tests/browser/server.py)."""

    def __init__(self, server: LiveServer) -> None:
        self._server = server
        self.endpoint = server.base + "/xapi/"
        self.lms_auth = "Basic " + _basic("lms", uuid.uuid4().hex)
        server.lrs.add_credential(self.lms_auth)

    def session_token(self) -> str:
        token = _basic("au", uuid.uuid4().hex)
        self._server.lrs.add_credential("Basic " + token)
        return token

    def statements(self, registration: str) -> list[dict[str, Any]]:
        with self._server.lrs.lock:
            return [s for s in self._server.lrs.statements
                    if s.get("context", {}).get("registration") == registration]

    def stop(self) -> None:
        pass


@dataclass
class AuInfo:
    id: str
    url: str
    move_on: str
    mastery: float | None


def cmi5_units(root: Path) -> list[AuInfo]:
    """The AUs of cmi5.xml, as an LMS imports them."""
    tree = etree.parse(str(root / "cmi5.xml"), etree.XMLParser(resolve_entities=False, no_network=True))
    units = []
    for au in tree.iter("{*}au"):
        mastery = au.get("masteryScore")
        units.append(AuInfo(au.get("id"), au.find("{*}url").text.strip(), au.get("moveOn", "NotApplicable"),
                            float(mastery) if mastery else None))
    return units


@dataclass
class Cmi5Session:
    registration: str
    session_id: str
    actor: dict[str, Any]
    au: AuInfo
    launch_url: str
    fetch_url: str
    launched_at: str


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def launch_cmi5(server: LiveServer, lrs: Lrs, au: AuInfo, registration: str | None = None,
                actor: dict[str, Any] | None = None, launch_mode: str = "Normal",
                return_url: str | None = None, extensions: dict[str, Any] | None = None) -> Cmi5Session:
    """What a cmi5 LMS does before opening an AU: LMS.LaunchData, launched, a one-time fetch URL.

    `extensions`: more context extensions the LMS puts in the context template and in launched
    (such as the learner's administration)."""
    registration = registration or str(uuid.uuid4())
    actor = actor or {"objectType": "Agent", "name": "Camille Martin",
                      "account": {"homePage": "https://lms.parcours.test", "name": "camille.martin"}}
    session_id = str(uuid.uuid4())
    template = {"contextActivities": {"grouping": [{"objectType": "Activity", "id": au.id}]},
                "extensions": {SESSION_ID: session_id, **(extensions or {})}}
    launch_data: dict[str, Any] = {"contextTemplate": template, "launchMode": launch_mode,
                                   "launchMethod": "AnyWindow", "moveOn": au.move_on}
    if au.mastery is not None:
        launch_data["masteryScore"] = au.mastery
    if return_url:
        launch_data["returnURL"] = return_url
    state = lrs.endpoint + "activities/state?" + urlencode({
        "stateId": "LMS.LaunchData", "activityId": au.id, "agent": json.dumps(actor), "registration": registration})
    status, body = http_json("PUT", state, lrs.lms_auth, launch_data)
    assert status == 204, f"PUT LMS.LaunchData: {status} {body}"

    au_url = f"{server.base}/pkg/{au.url}"
    launched_extensions = {SESSION_ID: session_id, LAUNCH_MODE: launch_mode, LAUNCH_URL: au_url,
                           MOVEON: au.move_on, **(extensions or {})}
    if au.mastery is not None:
        launched_extensions[MASTERY] = au.mastery
    launched_at = _now()
    launched = {
        "id": str(uuid.uuid4()), "timestamp": launched_at, "actor": actor,
        "verb": {"id": VERB + "launched", "display": {"en-US": "launched"}},
        "object": {"objectType": "Activity", "id": au.id},
        "context": {"registration": registration,
                    "contextActivities": {"grouping": [{"objectType": "Activity", "id": au.id}],
                                          "category": [{"objectType": "Activity", "id": CMI5_CATEGORY}]},
                    "extensions": launched_extensions},
    }
    status, body = http_json("POST", lrs.endpoint + "statements", lrs.lms_auth, launched)
    assert status == 200, f"POST launched: {status} {body}"

    fetch_url = server.lrs.new_fetch_url(server.base, lrs.session_token())
    query = urlencode({"endpoint": lrs.endpoint, "fetch": fetch_url, "actor": json.dumps(actor),
                       "registration": registration, "activityId": au.id})
    return Cmi5Session(registration, session_id, actor, au, f"{au_url}?{query}", fetch_url, launched_at)


def wait_for_verb(lrs: Lrs, registration: str, verb: str, count: int = 1, timeout: float = 15) -> list[dict[str, Any]]:
    """The registration's statements once `count` of them carry `verb` (a page sends its last ones as it goes)."""
    deadline = time.monotonic() + timeout
    while True:
        found = lrs.statements(registration)
        if sum(1 for s in found if s["verb"]["id"] == VERB + verb) >= count:
            return found
        if time.monotonic() > deadline:
            raise AssertionError(f"no {verb!r} statement within {timeout} s; got "
                                 f"{[s['verb']['id'].rsplit('/', 1)[1] for s in found]}")
        time.sleep(0.1)
