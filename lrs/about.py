"""The About resource: the versions spoken and what this LRS is (no credentials needed)."""

from __future__ import annotations

from importlib.metadata import version

import orjson
from flask import Blueprint, Response, current_app

from lrs.config import app_config
from lrs.versioning import SUPPORTED_VERSIONS

bp = Blueprint("about", __name__)
ABOUT_EXTENSION = "https://parcours.invalid/xapi/extensions/lrs"
PARCOURS_VERSION = version("parcours")  # as installed, from pyproject.toml


@bp.route("/about", methods=["GET"])
def get_about() -> Response:
    config = app_config(current_app)
    body = {
        "version": list(SUPPORTED_VERSIONS),
        "extensions": {ABOUT_EXTENSION: {"name": config.lrs_name, "version": PARCOURS_VERSION}},
    }
    return Response(orjson.dumps(body), mimetype="application/json")
