"""CORS for course content that calls the LRS from the learner's browser.

Preflight requests are answered before authentication (browsers never send
credentials with them); allowed origins come from `Config.cors_origins` (`*` echoes
the caller's origin so that credentialed requests work).
"""

from __future__ import annotations

from flask import Flask, Response, current_app, request

ALLOWED_METHODS = "GET, HEAD, POST, PUT, DELETE, OPTIONS"
ALLOWED_HEADERS = (
    "Authorization, Content-Type, X-Experience-API-Version, If-Match, If-None-Match, "
    "Accept-Language, X-Requested-With"
)
EXPOSED_HEADERS = (
    "ETag, Last-Modified, Content-Type, Content-Length, X-Experience-API-Version, "
    "X-Experience-API-Consistent-Through"
)


def allowed_origin(origin: str | None) -> str | None:
    if not origin:
        return None
    origins = current_app.config.get("PARCOURS_CORS_ORIGINS", ())
    if "*" in origins or origin in origins:
        return origin
    return None


def answer_preflight() -> Response | None:
    if request.method != "OPTIONS" or not request.path.startswith("/xapi"):
        return None
    response = Response(status=200)
    origin = allowed_origin(request.headers.get("Origin"))
    if origin:
        requested = request.headers.get("Access-Control-Request-Headers")
        response.headers["Access-Control-Allow-Headers"] = requested or ALLOWED_HEADERS
        response.headers["Access-Control-Max-Age"] = "86400"
    response.headers["Allow"] = ALLOWED_METHODS
    return response


def add_cors_headers(response: Response) -> Response:
    origin = allowed_origin(request.headers.get("Origin"))
    if origin and request.path.startswith("/xapi"):
        response.headers["Access-Control-Allow-Origin"] = origin
        response.headers["Access-Control-Allow-Credentials"] = "true"
        response.headers["Access-Control-Allow-Methods"] = ALLOWED_METHODS
        response.headers["Access-Control-Expose-Headers"] = EXPOSED_HEADERS
        response.vary.add("Origin")
    return response


def register_cors(app: Flask) -> None:
    app.before_request(answer_preflight)
    app.after_request(add_cors_headers)
