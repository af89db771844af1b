"""`parcours preview`: a local web server that shows the course beside an inspector.

Routes (all on 127.0.0.1):
  /                      the preview page: the course in a frame, the inspector beside it
  /site/…                the files of the last good build
  /preview/static/…      the preview page's script and style sheet
  /preview/events        server-sent events: `build` after each rebuild, `statement` for each one stored
  /preview/state         the current build (generation, error, modules)
  /preview/statements    the statements stored so far, with the validator's verdicts
  /preview/launch        POST: prepare a cmi5 or Tin Can launch of a module, answer its URL
  /preview/reset         POST: forget every statement and document
  /xapi/…                the in-memory LRS the cmi5 and Tin Can launches talk to
"""

from __future__ import annotations

import base64
import json
import mimetypes
import queue
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Callable
from urllib.parse import parse_qsl, urlencode, urlsplit

from packager.preview.builder import BuildState, PreviewBuilder
from packager.preview.lrs import MemoryLrs, Recorded
from packager.preview.page import preview_page

STATIC = Path(__file__).resolve().parent / "static"
KEEPALIVE_SECONDS = 15
PREVIEW_ACTOR = {"objectType": "Agent", "name": "Apprenant de l'aperçu",
                 "account": {"homePage": "https://preview.parcours.invalid", "name": "apprenant"}}
CMI5 = "https://w3id.org/xapi/cmi5/context/"


class Preview:
    """The builder, the LRS and the event subscribers behind one server."""

    def __init__(self, course_dir: Path, package_format: str, lang: str = "fr", host: str = "127.0.0.1",
                 port: int = 0, on_build: Callable[[BuildState], None] | None = None) -> None:
        self.on_build = on_build  # the terminal's report of each build
        self.format = package_format
        self.lang = lang
        self.lrs = MemoryLrs(lang)
        self.subscribers: list[queue.Queue] = []
        self.subscribers_lock = threading.Lock()
        self.registrations: dict[str, str] = {}
        self.builder = PreviewBuilder(course_dir, package_format, lang, on_build=self._built)
        self.lrs.listeners.append(self._stored)
        self.httpd = ThreadingHTTPServer((host, port), _handler(self))
        self.httpd.daemon_threads = True
        self._thread: threading.Thread | None = None
        self.stopping = threading.Event()

    @property
    def url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}/"

    def start(self) -> None:
        self.builder.start()
        self._thread = threading.Thread(target=self.httpd.serve_forever, name="parcours-preview", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self.stopping.set()
        self.publish("stop", None)  # wakes the event streams so that they end
        self.builder.stop()
        self.httpd.shutdown()
        self.httpd.server_close()
        if self._thread:
            self._thread.join(timeout=5)

    # --- events ---

    def publish(self, event: str, data: Any) -> None:
        with self.subscribers_lock:
            subscribers = list(self.subscribers)
        for subscriber in subscribers:
            subscriber.put((event, data))

    def _built(self, state: BuildState) -> None:
        self.publish("build", {"generation": state.generation, "error": state.error})
        if self.on_build:
            self.on_build(state)

    def _stored(self, recorded: Recorded) -> None:
        self.publish("statement", recorded.as_json())

    # --- launches (cmi5 and Tin Can) ---

    def launch(self, module_key: str, settings: dict[str, Any], base: str) -> dict[str, str]:
        """What an LMS does before it opens a module; the answer is the URL to open."""
        state = self.builder.state
        module = next((m for m in state.modules if m["key"] == module_key), None)
        if module is None:
            raise KeyError(module_key)
        registration = self.registrations.setdefault(module_key, str(uuid.uuid4()))
        actor = json.dumps(PREVIEW_ACTOR)
        endpoint = base + "xapi/"
        if self.format == "xapi":
            auth = "Basic " + base64.b64encode(b"preview:preview").decode()
            query = urlencode({"endpoint": endpoint, "auth": auth, "actor": actor, "registration": registration,
                               "activity_id": module["id"]})
            return {"url": f"/site/{module['launch']}?{query}", "registration": registration}
        mastery = settings.get("masteryScore", module["masteryScore"])
        session = str(uuid.uuid4())
        launch_data: dict[str, Any] = {
            "contextTemplate": {"contextActivities": {"grouping": [{"objectType": "Activity", "id": module["id"]}]},
                                "extensions": {CMI5 + "extensions/sessionid": session}},
            "launchMode": settings.get("launchMode") or "Normal",
            "launchMethod": "AnyWindow",
            "moveOn": module["moveOn"],
        }
        if isinstance(mastery, (int, float)) and not isinstance(mastery, bool):
            launch_data["masteryScore"] = mastery
        if settings.get("launchParameters"):
            launch_data["launchParameters"] = str(settings["launchParameters"])
        self.lrs.put_document("activities/state", {"activityId": module["id"], "agent": actor,
                                                   "registration": registration, "stateId": "LMS.LaunchData"},
                              launch_data)
        extensions = {CMI5 + "extensions/sessionid": session, CMI5 + "extensions/launchmode": launch_data["launchMode"],
                      CMI5 + "extensions/launchurl": base + "site/" + module["launch"],
                      CMI5 + "extensions/moveon": module["moveOn"]}
        if "masteryScore" in launch_data:
            extensions[CMI5 + "extensions/masteryscore"] = launch_data["masteryScore"]
        self.lrs.record({
            "actor": PREVIEW_ACTOR,
            "verb": {"id": "http://adlnet.gov/expapi/verbs/launched", "display": {"en-US": "launched"}},
            "object": {"objectType": "Activity", "id": module["id"]},
            "context": {"registration": registration,
                        "contextActivities": {"grouping": [{"objectType": "Activity", "id": module["id"]}],
                                              "category": [{"objectType": "Activity",
                                                            "id": CMI5 + "categories/cmi5"}]},
                        "extensions": extensions},
        })
        query = urlencode({"endpoint": endpoint, "fetch": base + "xapi/fetch", "actor": actor,
                           "registration": registration, "activityId": module["id"]})
        return {"url": f"/site/{module['launch']}?{query}", "registration": registration}

    def reset(self) -> None:
        self.lrs.reset()
        self.registrations.clear()


def _handler(preview: Preview) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        server_version = "parcours-preview"

        def log_message(self, format: str, *args: Any) -> None:  # the terminal shows builds, not requests
            pass

        # --- plumbing ---

        def _send(self, status: int, body: bytes, content_type: str, headers: dict[str, str] | None = None) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)

        def _json(self, status: int, data: Any) -> None:
            body = b"" if data is None else json.dumps(data, ensure_ascii=False).encode()
            self._send(status, body, "application/json; charset=utf-8")

        def _body(self) -> bytes:
            length = int(self.headers.get("Content-Length") or 0)
            return self.rfile.read(length) if length else b""

        def _base(self) -> str:
            return f"http://{self.headers.get('Host') or preview.url.split('/')[2]}/"

        # --- verbs ---

        def do_GET(self) -> None:
            self._route("GET")

        def do_HEAD(self) -> None:
            self._route("GET")

        def do_POST(self) -> None:
            self._route("POST")

        def do_PUT(self) -> None:
            self._route("PUT")

        def do_DELETE(self) -> None:
            self._route("DELETE")

        def _route(self, method: str) -> None:
            parts = urlsplit(self.path)
            path = parts.path
            params = dict(parse_qsl(parts.query, keep_blank_values=True))
            if path == "/" and method == "GET":
                state = preview.builder.state
                self._send(200, preview_page(preview.format, preview.lang, state), "text/html; charset=utf-8")
            elif path.startswith("/site/") and method == "GET":
                self._site(path[len("/site/"):])
            elif path.startswith("/preview/static/") and method == "GET":
                self._static(path[len("/preview/static/"):])
            elif path == "/preview/events" and method == "GET":
                self._events()
            elif path == "/preview/state" and method == "GET":
                state = preview.builder.state
                self._json(200, {"generation": state.generation, "error": state.error, "modules": state.modules})
            elif path == "/preview/statements" and method == "GET":
                with preview.lrs.lock:
                    recorded = [r.as_json() for r in preview.lrs.statements]
                self._json(200, recorded)
            elif path == "/preview/launch" and method == "POST":
                self._launch(params)
            elif path == "/preview/reset" and method == "POST":
                preview.reset()
                self._json(200, {"reset": True})
            elif path == "/favicon.ico":
                self._send(204, b"", "image/x-icon")
            elif path == "/xapi/fetch" and method == "POST":
                token = base64.b64encode(f"session:{uuid.uuid4()}".encode()).decode()
                self._json(200, {"auth-token": token})
            elif path.startswith("/xapi/"):
                self._xapi(method, path[len("/xapi/"):], params)
            else:
                self._json(404, {"error": "not found"})

        def _site(self, relative: str) -> None:
            from urllib.parse import unquote

            name = unquote(relative) or "index.html"
            content = preview.builder.state.files.get(name)
            if content is None:
                self._json(404, {"error": f"{name}: not in the package"})
                return
            data = content.read_bytes() if isinstance(content, Path) else content
            kind = mimetypes.guess_type(name)[0] or "application/octet-stream"
            if kind.startswith("text/") or kind in ("application/javascript", "image/svg+xml"):
                kind += "; charset=utf-8"
            self._send(200, data, kind)

        def _static(self, name: str) -> None:
            path = STATIC / name
            if "/" in name or not path.is_file():
                self._json(404, {"error": "not found"})
                return
            kind = mimetypes.guess_type(name)[0] or "application/octet-stream"
            self._send(200, path.read_bytes(), kind + "; charset=utf-8")

        def _launch(self, params: dict[str, str]) -> None:
            try:
                settings = json.loads(self._body() or b"{}")
                if not isinstance(settings, dict):
                    raise ValueError("an object is expected")
                self._json(200, preview.launch(params.get("module", ""), settings, self._base()))
            except KeyError:
                self._json(404, {"error": f"no module {params.get('module')!r}"})
            except ValueError as error:
                self._json(400, {"error": str(error)})

        def _xapi(self, method: str, resource: str, params: dict[str, str]) -> None:
            answer = preview.lrs.handle(method, resource.strip("/"), params, self._body())
            if answer.body is None:
                self.send_response(answer.status)
                self.send_header("Content-Length", "0")
                self.send_header("X-Experience-API-Version", "1.0.3")
                self.end_headers()
                return
            body = json.dumps(answer.body, ensure_ascii=False).encode()
            self._send(answer.status, body, "application/json; charset=utf-8", {"X-Experience-API-Version": "1.0.3"})

        def _events(self) -> None:
            subscriber: queue.Queue = queue.Queue()
            with preview.subscribers_lock:
                preview.subscribers.append(subscriber)
            try:
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream; charset=utf-8")
                self.send_header("Cache-Control", "no-store")
                self.send_header("Connection", "close")
                self.end_headers()
                state = preview.builder.state
                self._event("build", {"generation": state.generation, "error": state.error})
                while not preview.stopping.is_set():
                    try:
                        event, data = subscriber.get(timeout=KEEPALIVE_SECONDS)
                    except queue.Empty:
                        self.wfile.write(b": keep-alive\n\n")
                        self.wfile.flush()
                        continue
                    if event == "stop":
                        break
                    self._event(event, data)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the page went away
            finally:
                with preview.subscribers_lock:
                    preview.subscribers.remove(subscriber)
                self.close_connection = True

        def _event(self, event: str, data: Any) -> None:
            self.wfile.write(f"event: {event}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n".encode())
            self.wfile.flush()

    return Handler
