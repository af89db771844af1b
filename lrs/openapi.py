"""An OpenAPI 3.1 description of the xAPI resources, served at `/xapi/openapi.json`.

It says what a client may send and what it gets back (statuses, content types and
the JSON error body), not every rule of the xAPI specification: a statement is an
object with `actor`, `verb` and `object`, and the LRS checks the rest, answering 400
naming the field. `tests/lrs/test_openapi.py` checks it against the routes and runs
schemathesis against a live server with it.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, current_app
import orjson

from lrs.documents.params import ACTIVITY_PROFILE_RESOURCE, AGENT_PROFILE_RESOURCE, STATE_RESOURCE, Resource
from lrs.versioning import SUPPORTED_VERSIONS

bp = Blueprint("openapi", __name__)

JSON = "application/json"
ERROR_REF = {"$ref": "#/components/responses/Error"}
UNAVAILABLE_REF = {"$ref": "#/components/responses/Unavailable"}


def _query(name: str, schema: dict[str, Any], required: bool = False, description: str = "") -> dict[str, Any]:
    parameter: dict[str, Any] = {"name": name, "in": "query", "required": required}
    if schema is AGENT:  # sent as JSON in the query string
        parameter["content"] = {JSON: {"schema": {"$ref": "#/components/schemas/Agent"}}}
    else:
        parameter["schema"] = schema
    if description:
        parameter["description"] = description
    return parameter


STRING = {"type": "string"}
IRI = {"type": "string", "format": "iri"}
UUID = {"type": "string", "format": "uuid"}
TIMESTAMP = {"type": "string", "format": "date-time"}
BOOLEAN = {"type": "string", "pattern": "^\\s*([Tt][Rr][Uu][Ee]|[Ff][Aa][Ll][Ss][Ee]|0|1)\\s*$",
           "description": "true or false (1 and 0 are read the same way)."}
AGENT = {"type": "object", "description": "An Agent, identified by one IFI (here its mbox or account).",
         "oneOf": [
             {"required": ["mbox"], "properties": {"objectType": {"const": "Agent"}, "name": {"type": "string"},
                                                    "mbox": {"type": "string", "pattern": "^mailto:[a-z0-9.]+@[a-z0-9.]+$"}},
              "additionalProperties": False},
             {"required": ["account"], "properties": {"objectType": {"const": "Agent"}, "account": {
                 "type": "object", "required": ["homePage", "name"], "additionalProperties": False,
                 "properties": {"homePage": {"type": "string", "format": "uri"}, "name": {"type": "string"}}}},
              "additionalProperties": False}]}
VERSION_HEADER = {"$ref": "#/components/parameters/Version"}


def _responses(success: dict[str, Any], *, not_modified: bool = False) -> dict[str, Any]:
    responses = {**success, "400": ERROR_REF, "401": ERROR_REF, "403": ERROR_REF, "404": ERROR_REF,
                 "405": ERROR_REF, "409": ERROR_REF, "412": ERROR_REF, "413": ERROR_REF, "503": UNAVAILABLE_REF}
    if not_modified:
        responses["304"] = {"description": "The client's copy is current."}
    return responses


def _operation(summary: str, parameters: list[dict[str, Any]], success: dict[str, Any], *,
               body: dict[str, Any] | None = None, secured: bool = True, not_modified: bool = False) -> dict[str, Any]:
    operation: dict[str, Any] = {"summary": summary, "parameters": [VERSION_HEADER, *parameters],
                                 "responses": _responses(success, not_modified=not_modified)}
    if body is not None:
        operation["requestBody"] = body
    if not secured:
        operation["security"] = []
    return operation


NO_CONTENT = {"204": {"description": "Done."}}
PRECONDITIONS = [
    {"name": "If-Match", "in": "header", "required": False, "schema": STRING},
    {"name": "If-None-Match", "in": "header", "required": False, "schema": STRING},
]


def _statements() -> dict[str, Any]:
    query = [
        _query("statementId", UUID), _query("voidedStatementId", UUID), _query("agent", AGENT),
        _query("verb", IRI), _query("activity", IRI), _query("registration", UUID),
        _query("related_activities", BOOLEAN), _query("related_agents", BOOLEAN),
        _query("since", TIMESTAMP), _query("until", TIMESTAMP), _query("limit", {"type": "integer", "minimum": 0}),
        _query("format", {"type": "string", "enum": ["exact", "ids", "canonical"]}),
        _query("attachments", BOOLEAN), _query("ascending", BOOLEAN),
        _query("more", STRING, description="The cursor of the next page, from a StatementResult."),
    ]
    statement_or_list = {"oneOf": [{"$ref": "#/components/schemas/Statement"},
                                   {"type": "array", "items": {"$ref": "#/components/schemas/Statement"}}]}
    read = {"200": {"description": "A statement, or a StatementResult.", "content": {
        JSON: {"schema": {"oneOf": [{"$ref": "#/components/schemas/Statement"},
                                    {"$ref": "#/components/schemas/StatementResult"}]}},
        "multipart/mixed": {"schema": STRING}}}}
    return {
        "get": _operation("Read one statement or query statements.", query, read),
        "put": _operation("Store one statement under the given id.", [_query("statementId", UUID, required=True)],
                          NO_CONTENT, body={"required": True, "content": {
                              JSON: {"schema": {"$ref": "#/components/schemas/Statement"}},
                              "multipart/mixed": {"schema": STRING}}}),
        "post": _operation("Store a statement or a batch of them (all or nothing).", [], {"200": {
            "description": "The ids of the statements, in order.",
            "content": {JSON: {"schema": {"type": "array", "items": UUID}}}}},
            body={"required": True, "content": {JSON: {"schema": statement_or_list},
                                                 "multipart/mixed": {"schema": STRING}}}),
    }


def _documents(resource: Resource, summary: str) -> dict[str, Any]:
    def parameters(method: str) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = []
        for name, field in resource.schema(method).fields.items():
            schema = {"activityId": IRI, "agent": AGENT, "registration": UUID, "since": TIMESTAMP}.get(name, STRING)
            found.append(_query(name, schema, required=field.required))
        return found

    document = {"200": {"description": "The document (with ETag and Last-Modified), or the ids of the "
                                       "documents when no id is given.",
                        "content": {JSON: {}, "*/*": {"schema": STRING}}}}
    any_body = {"required": False, "content": {JSON: {"schema": {}}, "*/*": {"schema": {}}}}  # stored as sent
    json_body = {"required": True, "content": {JSON: {"schema": {"type": "object"}}}}
    return {
        "get": _operation(f"Read a {summary}, or list the ids.", parameters("GET") + PRECONDITIONS[1:], document,
                          not_modified=True),
        "put": _operation(f"Store a {summary}.", parameters("PUT") + PRECONDITIONS, NO_CONTENT, body=any_body),
        "post": _operation(f"Merge a JSON {summary}.", parameters("POST") + PRECONDITIONS, NO_CONTENT, body=json_body),
        "delete": _operation(f"Delete a {summary}" + (" or every one of a context." if resource.deletes_many else "."),
                             parameters("DELETE") + PRECONDITIONS, NO_CONTENT),
    }


def description() -> dict[str, Any]:
    """The OpenAPI 3.1 document."""
    from parcours import __version__

    loose_object = {"type": "object"}
    return {
        "openapi": "3.1.0",
        "info": {"title": "parcours xAPI LRS", "version": __version__,
                 "description": "xAPI 1.0.3 and 2.0.0 resources; see docs/lrs.md."},
        "paths": {
            "/xapi/statements": _statements(),
            "/xapi/activities/state": _documents(STATE_RESOURCE, "State document"),
            "/xapi/activities/profile": _documents(ACTIVITY_PROFILE_RESOURCE, "Activity Profile document"),
            "/xapi/agents/profile": _documents(AGENT_PROFILE_RESOURCE, "Agent Profile document"),
            "/xapi/agents": {"get": _operation("The Person object of an agent.", [
                _query("agent", AGENT, required=True)], {"200": {
                    "description": "A Person object.", "content": {JSON: {"schema": loose_object}}}})},
            "/xapi/activities": {"get": _operation("The canonical definition of an activity.", [
                _query("activityId", IRI, required=True)], {"200": {
                    "description": "An Activity object.", "content": {JSON: {"schema": loose_object}}}})},
            "/xapi/about": {"get": {
                "summary": "The versions this LRS speaks (no credentials, version header optional).",
                "security": [],
                "parameters": [{**VERSION_REF_INLINE, "required": False, "schema": STRING}],  # not checked here
                "responses": {"200": {"description": "The About object.", "content": {JSON: {"schema": {
                    "type": "object", "required": ["version"],
                    "properties": {"version": {"type": "array", "items": STRING},
                                   "extensions": loose_object}}}}},
                    "400": ERROR_REF},
            }},
        },
        "components": {
            "securitySchemes": {"basic": {"type": "http", "scheme": "basic"}},
            "parameters": {"Version": VERSION_REF_INLINE},
            "schemas": {
                "Agent": AGENT,
                "Statement": {"type": "object", "required": ["actor", "verb", "object"],
                              "properties": {"id": UUID, "actor": loose_object, "verb": loose_object,
                                             "object": loose_object, "result": loose_object,
                                             "context": loose_object, "timestamp": TIMESTAMP,
                                             "attachments": {"type": "array", "items": loose_object}}},
                "StatementResult": {"type": "object", "required": ["statements", "more"], "properties": {
                    "statements": {"type": "array", "items": {"$ref": "#/components/schemas/Statement"}},
                    "more": STRING}},
                "Error": {"type": "object", "required": ["error"], "properties": {"error": {
                    "type": "object", "required": ["code", "message"],
                    "properties": {"code": {"type": "integer"}, "message": STRING,
                                   "field": {"type": ["string", "null"]}}}}},
            },
            "responses": {
                "Error": {"description": "Refused; the message names the field, in French or English "
                                         "(Accept-Language).",
                          "content": {JSON: {"schema": {"$ref": "#/components/schemas/Error"}}}},
                "Unavailable": {"description": "The database is unavailable; retry after the given delay.",
                                "headers": {"Retry-After": {"required": True, "schema": {"type": "integer"}}},
                                "content": {JSON: {"schema": {"$ref": "#/components/schemas/Error"}}}},
            },
        },
        "security": [{"basic": []}],
    }


VERSION_REF_INLINE: dict[str, Any] = {
    "name": "X-Experience-API-Version", "in": "header", "required": True,
    "schema": {"type": "string", "enum": list(SUPPORTED_VERSIONS)},
}


@bp.route("/openapi.json", methods=["GET"])
def openapi_json() -> Response:
    cached = current_app.extensions.get("parcours.openapi")
    if cached is None:
        cached = current_app.extensions["parcours.openapi"] = orjson.dumps(description())
    return Response(cached, mimetype=JSON)
