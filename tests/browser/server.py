"""The live HTTP server of the browser tests, on 127.0.0.1 and a free port.

It serves, from one origin:
  /pkg/…             the unpacked package under test
  /lms/scorm.html    the test LMS page (scorm-again's SCORM 1.2 or 2004 API, SCO in an iframe)
  /lms/scorm-again/… scorm-again's dist files
  /xapi/…            a recording xAPI endpoint (statements, state, agent profile)
  /fetch/<token>     the cmi5 fetch URL, one use only
"""

from __future__ import annotations

import json
import mimetypes
import threading
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

HERE = Path(__file__).resolve().parent
LMS_DIR = HERE / "fixtures" / "lms"


@dataclass
class RecordingLrs:
    """A minimal xAPI 1.0.3 endpoint that keeps what the runtime sends, for the tests to read."""

    credentials: set[str] = field(default_factory=set)
    statements: list[dict[str, Any]] = field(default_factory=list)
    documents: dict[tuple[str, str, str, str], bytes] = field(default_factory=dict)
    profiles: dict[tuple[str, str], bytes] = field(default_factory=dict)
    fetch_tokens: dict[str, str] = field(default_factory=dict)  # fetch id -> auth token
    used_fetch: set[str] = field(default_factory=set)
    requests: list[tuple[str, str]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add_credential(self, basic: str) -> None:
        self.credentials.add(basic)

    def new_fetch_url(self, base: str, token: str) -> str:
        """A one-time fetch URL that hands out `token`."""
        fetch_id = uuid.uuid4().hex
        self.fetch_tokens[fetch_id] = token
        return f"{base}/fetch/{fetch_id}"


def _agent_key(agent: dict[str, Any]) -> str:
    for ifi in ("mbox", "mbox_sha1sum", "openid"):
        if ifi in agent:
            return f"{ifi}:{agent[ifi]}"
    if "account" in agent:
        return f"account:{agent['account'].get('homePage')}|{agent['account'].get('name')}"
    return json.dumps(agent, sort_keys=True)


def _now() -> str:
    return datetime.now(timezone.utc).isoformat().replace("+00:00", "Z")


class _Handler(BaseHTTPRequestHandler):
    server: "_Server"

    def log_message(self, format: str, *args: Any) -> None:  # quiet test output
        pass

    # -- plumbing --------------------------------------------------------
    def _send(self, status: int, body: bytes = b"", content_type: str = "application/json") -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Experience-API-Version", "1.0.3")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _json(self, status: int, data: Any) -> None:
        self._send(status, json.dumps(data).encode())

    def _body(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _file(self, root: Path, relative: str) -> None:
        path = (root / unquote(relative)).resolve()
        if not path.is_relative_to(root.resolve()) or not path.is_file():
            self._send(404, b"not found", "text/plain")
            return
        kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        if kind.startswith("text/") or kind in ("application/javascript", "application/json"):
            kind += "; charset=utf-8"
        self._send(200, path.read_bytes(), kind)

    # -- routing ---------------------------------------------------------
    def do_GET(self) -> None:
        self._route()

    def do_HEAD(self) -> None:
        self._route()

    def do_POST(self) -> None:
        self._route()

    def do_PUT(self) -> None:
        self._route()

    def _route(self) -> None:
        url = urlsplit(self.path)
        path = url.path
        query = {k: v[0] for k, v in parse_qs(url.query, keep_blank_values=True).items()}
        lrs = self.server.lrs
        with lrs.lock:
            lrs.requests.append((self.command, path))
        if path.startswith("/pkg/") and self.command in ("GET", "HEAD"):
            self._file(self.server.package_root, path[len("/pkg/"):])
        elif path.startswith("/lms/scorm-again/"):
            self._file(self.server.scorm_again, path[len("/lms/scorm-again/"):])
        elif path.startswith("/lms/"):
            self._file(LMS_DIR, path[len("/lms/"):])
        elif path == "/favicon.ico":
            self._send(204, b"", "image/x-icon")  # as any site that has one would answer
        elif path.startswith("/fetch/"):
            self._fetch(path[len("/fetch/"):])
        elif path.startswith("/xapi/"):
            self._xapi(path[len("/xapi/"):], query)
        else:
            self._send(404, b"not found", "text/plain")

    def _fetch(self, fetch_id: str) -> None:
        lrs = self.server.lrs
        if self.command != "POST":
            self._send(405, b"POST only", "text/plain")
            return
        with lrs.lock:
            token = lrs.fetch_tokens.get(fetch_id)
            if token is None or fetch_id in lrs.used_fetch:
                # cmi5 8.2.3: errors are a 200 response with an error code.
                self._json(200, {"error-code": "1", "error-text": "fetch URL already used or unknown"})
                return
            lrs.used_fetch.add(fetch_id)
        self._json(200, {"auth-token": token})

    def _alternate(self, query: dict[str, str]) -> tuple[str, dict[str, str], dict[str, str], bytes]:
        """xAPI 1.0.3 alternate request syntax (what a beacon sends): the method in the
        query string, headers, parameters and `content` in a form body."""
        form = {k: v[0] for k, v in parse_qs(self._body().decode("utf-8"), keep_blank_values=True).items()}
        headers = {name: form.pop(name) for name in ("Authorization", "X-Experience-API-Version", "Content-Type")
                   if name in form}
        content = form.pop("content", "").encode("utf-8")
        return query["method"].upper(), headers, form, content

    def _xapi(self, resource: str, query: dict[str, str]) -> None:
        lrs = self.server.lrs
        if self.command == "POST" and "method" in query:
            self.command, headers, query, body = self._alternate(query)
        else:
            headers = {name: self.headers.get(name, "") for name in ("Authorization", "X-Experience-API-Version")}
            body = self._body()
        if headers.get("Authorization") not in lrs.credentials:
            self._json(401, {"error": "unknown credentials"})
            return
        if not headers.get("X-Experience-API-Version", "").startswith("1.0"):
            self._json(400, {"error": "X-Experience-API-Version header missing"})
            return
        if resource == "statements" and self.command == "POST":
            try:
                data = json.loads(body)
            except ValueError:
                self._json(400, {"error": "statements: not JSON"})
                return
            batch = data if isinstance(data, list) else [data]
            with lrs.lock:
                known = {s["id"] for s in lrs.statements}
                for statement in batch:
                    statement.setdefault("id", str(uuid.uuid4()))
                    if statement["id"] in known:
                        continue  # as an LRS does: one statement per id (the runtime may send one twice)
                    known.add(statement["id"])
                    statement["stored"] = _now()
                    lrs.statements.append(statement)
            self._json(200, [s["id"] for s in batch])
        elif resource == "activities/state":
            try:
                agent = json.loads(query["agent"])
                context = (query["activityId"], _agent_key(agent), query.get("registration", ""))
            except (KeyError, ValueError):
                self._json(400, {"error": "activities/state: activityId and agent are required"})
                return
            if "stateId" not in query:
                if self.command != "GET":
                    self._json(400, {"error": "activities/state: stateId is required"})
                    return
                with lrs.lock:
                    self._json(200, [key[3] for key in lrs.documents if key[:3] == context])
                return
            key = context + (query["stateId"],)
            with lrs.lock:
                if self.command == "GET":
                    doc = lrs.documents.get(key)
                    if doc is None:
                        self._json(404, {"error": "no such document"})
                    else:
                        self._send(200, doc)
                    return
                lrs.documents[key] = body
            self._send(204)
        elif resource == "agents/profile" and self.command == "PUT" and "profileId" in query:
            agent = json.loads(query.get("agent", "{}"))
            with lrs.lock:
                lrs.profiles[(_agent_key(agent), query["profileId"])] = body
            self._send(204)
        elif resource == "agents/profile" and self.command == "GET":
            agent = json.loads(query.get("agent", "{}"))
            if "profileId" not in query:
                self._json(200, [key[1] for key in lrs.profiles if key[0] == _agent_key(agent)])
                return
            doc = lrs.profiles.get((_agent_key(agent), query["profileId"]))
            if doc is None:
                self._json(404, {"error": "no such profile"})
            else:
                self._send(200, doc)
        else:
            self._json(405, {"error": f"{self.command} {resource} is not supported here"})


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    package_root: Path
    scorm_again: Path
    lrs: RecordingLrs


class LiveServer:
    """Starts on 127.0.0.1, port chosen by the system; stop() ends the thread it started."""

    def __init__(self, package_root: Path, scorm_again_dist: Path) -> None:
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.package_root = package_root
        self._server.scorm_again = scorm_again_dist
        self._server.lrs = RecordingLrs()
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    @property
    def base(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def lrs(self) -> RecordingLrs:
        return self._server.lrs

    def serve_package(self, root: Path) -> None:
        self._server.package_root = root

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)
