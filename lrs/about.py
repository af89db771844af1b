"""The About resource: the versions spoken and what this LRS is (no credentials needed)."""

from __future__ import annotations

import orjson
from flask import Blueprint, Response, current_app

from lrs.versioning import SUPPORTED_VERSIONS

bp = Blueprint("about", __name__)
ABOUT_EXTENSION = "https://parcours.invalid/xapi/extensions/lrs"


@bp.route("/about", methods=["GET"])
def get_about() -> Response:
    from parcours import __version__

    config = current_app.extensions["parcours.config"]
    body = {
        "version": list(SUPPORTED_VERSIONS),
        "extensions": {ABOUT_EXTENSION: {"name": config.lrs_name, "version": __version__}},
    }
    return Response(orjson.dumps(body), mimetype="application/json")
