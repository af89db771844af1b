"""WSGI-level request rewriting, done before Flask builds its request object.

- `//` in a path (clients joining an endpoint ending in `/` with `/statements`) is
  collapsed, so `/xapi//statements` is `/xapi/statements`.
- The 1.0.x alternate request syntax: a form POST with `?method=PUT|POST|GET|DELETE`
  whose fields carry the headers, the body (`content`) and the resource's parameters.
  It becomes the request it stands for, once, for every resource. Misuse (other
  query parameters, a 2.0 request, a body that is not a form) is recorded in the
  environ and answered 400 by `check_alternate_syntax`.
"""

from __future__ import annotations

import io
import re
from typing import Any, Callable, Iterable
from urllib.parse import parse_qsl, urlencode

from flask import request

from lrs.errors import XAPIError

_SLASHES = re.compile(r"/{2,}")
# Not HEAD: its answer, to what the client sent as a POST, would announce a body it does not send.
ALTERNATE_METHODS = {"PUT", "POST", "GET", "DELETE"}
# Form fields of the alternate syntax that are request headers.
HEADER_FIELDS = {
    "authorization": "HTTP_AUTHORIZATION",
    "x-experience-api-version": "HTTP_X_EXPERIENCE_API_VERSION",
    "content-type": "CONTENT_TYPE",
    "content-length": None,  # recomputed from `content`
    "if-match": "HTTP_IF_MATCH",
    "if-none-match": "HTTP_IF_NONE_MATCH",
    "accept-language": "HTTP_ACCEPT_LANGUAGE",
}
ERROR_KEY = "parcours.alternate_error"
ALTERNATE_KEY = "parcours.alternate"

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


class LRSMiddleware:
    def __init__(self, app: WSGIApp, max_body_bytes: int) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        if "//" in path:
            environ["PATH_INFO"] = _SLASHES.sub("/", path)
        if environ.get("REQUEST_METHOD") == "POST" and "method=" in environ.get("QUERY_STRING", ""):
            self._rewrite_alternate(environ)
        return self.app(environ, start_response)

    def _rewrite_alternate(self, environ: dict[str, Any]) -> None:
        query = parse_qsl(environ.get("QUERY_STRING", ""), keep_blank_values=True)
        methods = [value for name, value in query if name == "method"]
        if not methods:
            return
        environ[ALTERNATE_KEY] = True
        content_type = environ.get("CONTENT_TYPE", "").split(";")[0].strip().lower()
        if content_type != "application/x-www-form-urlencoded":
            environ[ERROR_KEY] = "content_type"
            return
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > self.max_body_bytes:
            return  # Flask answers 413
        raw = environ["wsgi.input"].read(length) if length else b""
        try:
            fields = parse_qsl(raw.decode("utf-8"), keep_blank_values=True)
        except UnicodeDecodeError:
            environ[ERROR_KEY] = "encoding"
            return
        # Headers first, so that a misuse is reported with the client's version and language.
        params: list[tuple[str, str]] = []
        content = b""
        environ["CONTENT_TYPE"] = ""
        for name, value in fields:
            lowered = name.lower()
            if lowered == "content":
                content = value.encode("utf-8")
            elif lowered in HEADER_FIELDS:
                key = HEADER_FIELDS[lowered]
                if key:
                    environ[key] = value
            else:
                params.append((name, value))
        if content and not environ["CONTENT_TYPE"]:
            environ["CONTENT_TYPE"] = "application/json"
        environ["CONTENT_LENGTH"] = str(len(content))
        environ["wsgi.input"] = io.BytesIO(content)
        method = methods[0].upper()
        if len(query) != 1:
            environ[ERROR_KEY] = "query"
        elif method not in ALTERNATE_METHODS:
            environ[ERROR_KEY] = "method"
        else:
            environ["REQUEST_METHOD"] = method
            environ["QUERY_STRING"] = urlencode(params)


def check_alternate_syntax() -> None:
    """Answer 400 to a misused alternate request, and refuse it under 2.0."""
    if not request.environ.get(ALTERNATE_KEY):
        return
    problem = request.environ.get(ERROR_KEY)
    if problem == "query":
        raise XAPIError(
            400,
            "Syntaxe de requête alternative : la chaîne de requête ne peut contenir que « method » ; "
            "les autres paramètres vont dans le formulaire.",
            "Alternate request syntax: the query string may hold only 'method'; put the other parameters in the form.",
            "method",
        )
    if problem == "method":
        raise XAPIError(
            400,
            "Syntaxe de requête alternative : method doit valoir PUT, POST, GET ou DELETE.",
            "Alternate request syntax: method must be PUT, POST, GET or DELETE.",
            "method",
        )
    if problem == "content_type":
        raise XAPIError(
            400,
            "Syntaxe de requête alternative : le corps doit être en application/x-www-form-urlencoded.",
            "Alternate request syntax: the body must be application/x-www-form-urlencoded.",
            "Content-Type",
        )
    if problem == "encoding":
        raise XAPIError(400, "Syntaxe de requête alternative : le formulaire n'est pas en UTF-8.",
                        "Alternate request syntax: the form is not UTF-8.", "content")
    from lrs.versioning import request_version

    if request_version() != "1.0.3":
        raise XAPIError(
            400,
            "La syntaxe de requête alternative (method=) n'existe qu'en xAPI 1.0.x.",
            "The alternate request syntax (method=) exists only in xAPI 1.0.x.",
            "method",
        )
