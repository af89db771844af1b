"""`X-Experience-API-Version`: required on every xAPI request, echoed on every response.

1.0, 1.0.x are served with the 1.0.3 rules; 2.0, 2.0.x with the 2.0.0 rules; anything
else is a 400 that names the header.
"""

from __future__ import annotations

import re

from flask import Flask, Response, current_app, g, request

from lrs.errors import XAPIError

VERSION_HEADER = "X-Experience-API-Version"
SUPPORTED_VERSIONS = ("1.0.3", "2.0.0")
_VERSION = re.compile(r"^(1|2)\.0(\.\d+)?$")
# Resources a client may call before it knows which versions the LRS speaks.
VERSION_FREE_PATHS = ("/xapi/about", "/xapi/openapi.json")


def parse_version(value: str | None) -> str | None:
    """The rules a version header selects, or None when it is not supported."""
    if not value:
        return None
    match = _VERSION.match(value.strip())
    if not match:
        return None
    return "1.0.3" if match.group(1) == "1" else "2.0.0"


def request_version() -> str:
    """"1.0.3" or "2.0.0": the rules of the current request."""
    return g.get("xapi_version") or current_app.config.get("PARCOURS_DEFAULT_VERSION", SUPPORTED_VERSIONS[-1])


def is_v2() -> bool:
    return request_version() == "2.0.0"


def check_version() -> None:
    if request.method == "OPTIONS" or not request.path.startswith("/xapi"):
        return
    header = request.headers.get(VERSION_HEADER)
    version = parse_version(header)
    if version is not None:
        g.xapi_version = version
        return
    if request.path.rstrip("/") in VERSION_FREE_PATHS:
        g.xapi_version = current_app.config.get("PARCOURS_DEFAULT_VERSION", SUPPORTED_VERSIONS[-1])
        return
    if header is None:
        raise XAPIError(
            400,
            f"The {VERSION_HEADER} header is required.",
            f"L'en-tête {VERSION_HEADER} est obligatoire.",
            VERSION_HEADER,
        )
    raise XAPIError(
        400,
        f"{VERSION_HEADER}: version {header!r} is not supported (supported: 1.0.x, 2.0.x).",
        f"{VERSION_HEADER} : la version {header!r} n'est pas prise en charge (versions prises en charge : 1.0.x, 2.0.x).",
        VERSION_HEADER,
    )


def echo_version(response: Response) -> Response:
    if request.path.startswith("/xapi"):
        default = current_app.config.get("PARCOURS_DEFAULT_VERSION", SUPPORTED_VERSIONS[-1])
        response.headers[VERSION_HEADER] = g.get("xapi_version", default)
    return response


def register_versioning(app: Flask) -> None:
    app.before_request(check_version)
    app.after_request(echo_version)
