"""The Agents resource: the Person object of everything the LRS has seen for an agent."""

from __future__ import annotations

import orjson
import sqlalchemy
from flask import Blueprint, Response, request

from lrs.auth import current_credential
from lrs.db import read_transaction
from lrs.params import AgentParam, ParamsSchema, load_params
from lrs.statements.index_keys import safe_agent_key
from lrs.tables import agent_names

bp = Blueprint("agents", __name__)
IFIS = ("mbox", "mbox_sha1sum", "openid", "account")


class AgentsParams(ParamsSchema):
    agent = AgentParam(required=True)


def person_for(connection: sqlalchemy.Connection, agent: dict) -> dict:
    """A Person: every name and identifier stored for the agent's IFI (at least the
    agent as asked, when the LRS has never seen it)."""
    person: dict[str, list] = {}
    key = safe_agent_key(agent)
    rows = connection.execute(
        sqlalchemy.select(agent_names.c.name, agent_names.c.agent)
        .where(agent_names.c.agent_key == key)
        .order_by(agent_names.c.name)
    ).all() if key else []
    identities = [orjson.loads(row.agent) for row in rows] or [{k: agent[k] for k in IFIS if k in agent}]
    names = [row.name for row in rows if row.name]
    if not rows and isinstance(agent.get("name"), str):
        names = [agent["name"]]
    if names:
        person["name"] = names
    for identity in identities:
        for ifi in IFIS:
            if ifi in identity and identity[ifi] not in person.setdefault(ifi, []):
                person[ifi].append(identity[ifi])
    return {"objectType": "Person", **{k: v for k, v in person.items() if v}}


@bp.route("/agents", methods=["GET"])
def get_agents() -> Response:
    current_credential()
    params = load_params(AgentsParams(), request.args)
    with read_transaction() as connection:
        person = person_for(connection, params["agent"])
    return Response(orjson.dumps(person), mimetype="application/json")
