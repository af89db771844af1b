"""Every request as one JSON line, with a request id, and timed for the metrics.

The id is the client's `X-Request-Id` when it sends a usable one (a proxy's, so that
its logs and ours match), else a new one; either way it is returned in the response
header and written in the line. Lines go to standard error (`PARCOURS_REQUEST_LOG=-`,
the default), to a file (a path), or nowhere (`off`).

Observers (`app.extensions["parcours.request_observers"]`) are called after each
request with `(method, route, status, seconds, environ)`: the metrics use them.
"""

from __future__ import annotations

import re
import sys
import threading
import time
import uuid
from datetime import datetime, timezone
from typing import Any, Callable, Iterable

import orjson
from flask import Flask, request

REQUEST_ID_HEADER = "X-Request-Id"
REQUEST_ID_KEY = "parcours.request_id"
ROUTE_KEY = "parcours.route"
OBSERVERS_KEY = "parcours.request_observers"
_USABLE_ID = re.compile(r"[A-Za-z0-9._:@/+=-]{1,128}\Z")  # nothing that could forge a log line

Observer = Callable[[str, str, int, float, dict[str, Any]], None]
WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


def observers(app: Flask) -> list[Observer]:
    """The list that request observers append themselves to."""
    return app.extensions.setdefault(OBSERVERS_KEY, [])


def request_id() -> str:
    """The id of the current request (for messages that should point to its log line)."""
    return request.environ.get(REQUEST_ID_KEY, "")


class _Sink:
    """Where the lines go: standard error (looked up at each write: tests capture it) or a file."""

    def __init__(self, destination: str) -> None:
        self.lock = threading.Lock()
        self.path = None if destination in ("-", "") else destination

    def write(self, line: bytes) -> None:
        with self.lock:
            if self.path is None:
                stream = sys.stderr
                stream.write(line.decode() + "\n")
                stream.flush()
            else:
                with open(self.path, "ab") as handle:
                    handle.write(line + b"\n")


class RequestLog:
    """WSGI middleware: request id in and out, one line per request, observers called."""

    def __init__(self, app: WSGIApp, sink: _Sink | None, observers: list[Observer]) -> None:
        self.app = app
        self.sink = sink
        self.observers = observers

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        sent = environ.get("HTTP_X_REQUEST_ID", "")
        rid = sent if _USABLE_ID.match(sent) else uuid.uuid4().hex
        environ[REQUEST_ID_KEY] = rid
        started = time.perf_counter()
        status_holder: list[int] = [0]

        def start(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            status_holder[0] = int(status.split(" ", 1)[0])
            headers = [(name, value) for name, value in headers if name.lower() != "x-request-id"]
            headers.append((REQUEST_ID_HEADER, rid))
            return start_response(status, headers, exc_info) if exc_info else start_response(status, headers)

        try:
            return self.app(environ, start)
        finally:
            self._done(environ, rid, status_holder[0] or 500, time.perf_counter() - started)

    def _done(self, environ: dict[str, Any], rid: str, status: int, seconds: float) -> None:
        method = environ.get("REQUEST_METHOD", "")
        route = environ.get(ROUTE_KEY) or "(none)"
        for observer in self.observers:
            observer(method, route, status, seconds, environ)
        if self.sink is None:
            return
        self.sink.write(orjson.dumps({
            "time": datetime.now(timezone.utc).isoformat(timespec="microseconds"),
            "request_id": rid,
            "method": method,
            "path": environ.get("PATH_INFO", ""),
            "route": route,
            "status": status,
            "ms": round(seconds * 1000, 3),
            "bytes_in": int(environ.get("CONTENT_LENGTH") or 0) if str(environ.get("CONTENT_LENGTH") or "0").isdigit() else 0,
            "client": environ.get("REMOTE_ADDR", ""),
            "key": environ.get("parcours.credential_key", ""),
        }))


def _remember_route() -> None:
    # The rule, not the path: a bounded set of labels for the metrics.
    if request.url_rule is not None:
        request.environ[ROUTE_KEY] = request.url_rule.rule


def install_request_log(app: Flask, destination: str) -> None:
    """Wrap the app: to be called once the app's other WSGI layers are in place."""
    app.before_request_funcs.setdefault(None, []).insert(0, _remember_route)
    sink = None if destination.lower() in ("off", "none", "0") else _Sink(destination)
    app.wsgi_app = RequestLog(app.wsgi_app, sink, observers(app))  # type: ignore[method-assign]
