"""The query parameters of the document resources, per resource and method
(xAPI 1.0.3 Communication 2.3, 2.6, 2.7; 2.0 §4.1.6.2, 4.1.6.5, 4.1.6.6)."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Mapping

from marshmallow import fields

from lrs.documents.store import Address
from lrs.documents.table import ACTIVITY_PROFILE, AGENT_PROFILE, STATE
from lrs.errors import XAPIError
from lrs.params import AgentParam, IRIParam, ParamsSchema, TimestampParam, UUIDParam, load_params


@dataclass(frozen=True)
class Resource:
    """One document resource: which parameters address its documents, which scope it needs."""

    kind: str
    id_param: str  # "stateId" or "profileId"
    scope: str
    with_activity: bool
    with_agent: bool

    @property
    def with_registration(self) -> bool:
        return self.kind == STATE

    @property
    def deletes_many(self) -> bool:
        """Only the State resource deletes every document of a context at once."""
        return self.kind == STATE

    def schema(self, method: str) -> ParamsSchema:
        """The parameters `method` accepts; any other is refused."""
        return _schema(self, "GET" if method == "HEAD" else method)


@functools.cache
def _schema(resource: Resource, method: str) -> ParamsSchema:
    declared: dict[str, fields.Field] = {}
    if resource.with_activity:
        declared["activityId"] = IRIParam(required=True)
    if resource.with_agent:
        declared["agent"] = AgentParam(required=True)
    if resource.with_registration:
        declared["registration"] = UUIDParam()
    single = method in ("PUT", "POST") or (method == "DELETE" and not resource.deletes_many)
    declared[resource.id_param] = fields.String(required=single)
    if method == "GET":
        declared["since"] = TimestampParam()
    return ParamsSchema.from_dict(declared, name=f"{resource.kind}_{method}")()


STATE_RESOURCE = Resource(STATE, "stateId", "state", with_activity=True, with_agent=True)
ACTIVITY_PROFILE_RESOURCE = Resource(ACTIVITY_PROFILE, "profileId", "profile", with_activity=True, with_agent=False)
AGENT_PROFILE_RESOURCE = Resource(AGENT_PROFILE, "profileId", "profile", with_activity=False, with_agent=True)


@dataclass(frozen=True)
class Target:
    """What a request names: one document (`address.document_id` set) or a context."""

    address: Address
    single: bool
    registration: str | None  # as given; None means "every registration" for a context
    since: datetime | None


def parse_target(resource: Resource, method: str, args: Mapping[str, Any]) -> Target:
    """Check the parameters of a request (400 naming the first bad one) and say what it targets."""
    from validators.xapi import agent_key

    values = load_params(resource.schema(method), args)
    document_id = values.get(resource.id_param)
    if document_id is not None and not document_id:
        raise XAPIError(400, f"{resource.id_param} : ne doit pas être vide",
                        f"{resource.id_param}: must not be empty", resource.id_param)
    registration = values.get("registration")
    owner = ""
    if "agent" in values:
        try:
            owner = agent_key(values["agent"])
        except ValueError as error:  # an anonymous group: no one to keep documents for
            raise XAPIError(400, "agent : un agent ou un groupe identifié est requis (un groupe anonyme n'a pas "
                            "d'identifiant)",
                            f"agent: an identified agent or group is required ({error})", "agent") from error
    address = Address(
        kind=resource.kind,
        activity_id=values.get("activityId", ""),
        agent_key=owner,
        registration=registration or "",
        document_id=document_id or "",
    )
    return Target(address, document_id is not None, registration, values.get("since"))
