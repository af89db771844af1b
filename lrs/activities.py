"""The Activities resource: an activity with the canonical definition the LRS holds."""

from __future__ import annotations

import orjson
from flask import Blueprint, Response, request

from lrs.auth import current_credential
from lrs.db import read_transaction
from lrs.params import IRIParam, ParamsSchema, load_params
from lrs.statements.activity_definitions import activity_definition

bp = Blueprint("activities", __name__)


class ActivitiesParams(ParamsSchema):
    activityId = IRIParam(required=True)


@bp.route("/activities", methods=["GET"])
def get_activities() -> Response:
    current_credential()
    params = load_params(ActivitiesParams(), request.args)
    activity_id = params["activityId"]
    with read_transaction() as connection:
        definition = activity_definition(connection, activity_id)
    activity: dict = {"objectType": "Activity", "id": activity_id}
    if definition:
        activity["definition"] = definition
    return Response(orjson.dumps(activity), mimetype="application/json")
