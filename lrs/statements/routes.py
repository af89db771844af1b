"""The Statement resource: PUT, POST, GET (single or query), HEAD."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import orjson
import sqlalchemy
from flask import Blueprint, Response, current_app, request, url_for
from marshmallow import fields

from lrs.auth import Credential, check_scope
from lrs.config import app_config
from lrs.db import current_engine, read_transaction
from lrs.errors import XAPIError
from lrs.params import (
    AgentParam,
    BoolParam,
    ChoiceParam,
    IRIParam,
    NonNegativeIntParam,
    ParamsSchema,
    TimestampParam,
    UUIDParam,
    load_params,
    require_json_object,
)
from lrs.statements.backlog import notify, storing
from lrs.statements.formats import FORMATS, canonical, ids_format
from lrs.statements.index_writer import INGEST_HOOKS
from lrs.statements.intake import parse_json_body, statements_sent, store_sent
from lrs.statements.multipart import Part, build_multipart, parse_multipart
from lrs.statements.queued_keys import reading_with_queue
from lrs.statements.query import (
    StatementQuery,
    attachment_contents,
    decode_cursor,
    encode_cursor,
    find_statement,
    run_query,
)
from lrs.statements.activity_definitions import activity_definition
from lrs.statements.store_processes import STORE_PROCESSES_KEY
from lrs.timeutil import from_micros, http_date, now_utc, rfc3339, to_micros
from lrs.versioning import request_version
from validators.xapi.vocabulary import agent_key_or_none

bp = Blueprint("statements", __name__)

CONSISTENT_THROUGH = "X-Experience-API-Consistent-Through"


class StatementGetParams(ParamsSchema):
    statementId = UUIDParam()
    voidedStatementId = UUIDParam()
    agent = AgentParam()
    verb = IRIParam()
    activity = IRIParam()
    registration = UUIDParam()
    related_activities = BoolParam()
    related_agents = BoolParam()
    since = TimestampParam()
    until = TimestampParam()
    limit = NonNegativeIntParam()
    format = ChoiceParam(FORMATS)
    attachments = BoolParam()
    ascending = BoolParam()
    more = fields.String()


class StatementPutParams(ParamsSchema):
    statementId = UUIDParam(required=True)


class NoParams(ParamsSchema):
    pass


SINGLE_ALLOWED = {"statementId", "voidedStatementId", "format", "attachments"}
# Schemas are built once: loading is reentrant, building one per request is not free.
GET_PARAMS, PUT_PARAMS, POST_PARAMS = StatementGetParams(), StatementPutParams(), NoParams()


@bp.after_request
def consistent_through(response: Response) -> Response:
    response.headers[CONSISTENT_THROUGH] = rfc3339(now_utc())
    return response


# --- writing ---------------------------------------------------------------------


def _check_content_type() -> None:
    """400 unless the body is JSON (`application/json`, `…+json`) or multipart/mixed."""
    mimetype = request.mimetype
    if mimetype not in ("application/json", "", "multipart/mixed") and not mimetype.endswith("+json"):
        raise XAPIError(400, f"Content-Type {mimetype!r} : envoyez du application/json ou du multipart/mixed.",
                        f"Content-Type {mimetype!r}: send application/json or multipart/mixed.",
                        "Content-Type")


def _read_statements_body(raw: bytes) -> tuple[Any, list[Part] | None]:
    """The JSON sent, and the attachment parts (None when the body is plain JSON)."""
    if request.mimetype == "multipart/mixed":
        parts = parse_multipart(raw, request.headers.get("Content-Type", ""))
        if parts[0].content_type.split(";")[0].strip().lower() != "application/json":
            raise XAPIError(400, "corps multipart/mixed : la première partie doit être en application/json.",
                            "multipart/mixed body: the first part must be application/json.", "Content-Type")
        return require_json_object(parts[0].content), parts[1:]
    return parse_json_body(raw), None


def _store(items: list[Any], paths: list[str], parts: list[Part] | None, credential: Credential) -> list[str]:
    return store_sent(
        items, paths, parts, credential,
        version=request_version(),
        engine=current_engine(),
        hooks=current_app.extensions[INGEST_HOOKS],
        max_statement_bytes=app_config(current_app).max_statement_bytes,
        content_length=request.content_length,
    )


@bp.route("/statements", methods=["PUT"])
def put_statement() -> Response:
    credential = check_scope("statements/write")
    params = load_params(PUT_PARAMS, request.args)
    _check_content_type()
    body, parts = _read_statements_body(request.get_data(cache=False))
    if not isinstance(body, dict):
        raise XAPIError(400, "PUT attend une seule déclaration (un objet JSON).",
                        "PUT takes one statement (a JSON object).", "body")
    statement_id = params["statementId"]
    if "id" in body and str(body["id"]).lower() != statement_id:
        raise XAPIError(400, "$.id : diffère du paramètre statementId.",
                        "$.id: differs from the statementId parameter.", "$.id")
    _store([{**body, "id": statement_id}], ["$"], parts, credential)
    return Response(status=204)


@bp.route("/statements", methods=["POST"])
def post_statements() -> Response:
    credential = check_scope("statements/write")
    load_params(POST_PARAMS, request.args)
    _check_content_type()
    raw = request.get_data(cache=False)
    helpers = current_app.extensions.get(STORE_PROCESSES_KEY)
    if helpers is None or request.mimetype == "multipart/mixed":
        body, parts = _read_statements_body(raw)
        items, paths = statements_sent(body)
        ids = _store(items, paths, parts, credential)
        return Response(orjson.dumps(ids), status=200, mimetype="application/json")
    engine = current_engine()
    with storing(engine):  # this process's indexing waits for it...
        ids = helpers.store(raw, credential, version=request_version(), content_length=request.content_length)
    notify(engine)  # ...and indexes what its helpers queued
    return Response(orjson.dumps(ids), status=200, mimetype="application/json")


# --- reading ---------------------------------------------------------------------


def _languages() -> list[str]:
    return [value for value, _ in request.accept_languages] or []


def _render(bodies: list[str], fmt: str, connection: sqlalchemy.Connection) -> list[bytes]:
    if fmt == "exact":
        return [body.encode() for body in bodies]
    if fmt == "ids":
        return [orjson.dumps(ids_format(orjson.loads(body))) for body in bodies]
    definitions: dict[str, dict | None] = {}

    def definition_of(activity_id: str) -> dict | None:
        if activity_id not in definitions:
            definitions[activity_id] = activity_definition(connection, activity_id)
        return definitions[activity_id]

    languages = _languages()
    return [orjson.dumps(canonical(orjson.loads(body), languages, definition_of)) for body in bodies]


def _attachment_parts(connection: sqlalchemy.Connection, bodies: list[str]) -> list[tuple[str, str, bytes]]:
    wanted: list[str] = []
    for body in bodies:
        for attachment in orjson.loads(body).get("attachments") or []:
            sha2 = str(attachment.get("sha2", "")).lower()
            if sha2 and sha2 not in wanted:
                wanted.append(sha2)
    return attachment_contents(connection, wanted)


def _respond(payload: bytes, parts: list[tuple[str, str, bytes]] | None, last_modified_us: int | None) -> Response:
    if parts is None:
        response = Response(payload, status=200, mimetype="application/json")
    else:
        body, content_type = build_multipart(payload, parts)
        response = Response(body, status=200, content_type=content_type)
    if last_modified_us is not None:
        response.headers["Last-Modified"] = http_date(from_micros(last_modified_us))
    return response


def _mine_only(credential: Credential) -> str | None:
    return None if credential.can_read_all_statements else credential.key


def _get_single(params: dict, credential: Credential) -> Response:
    extra = set(params) - SINGLE_ALLOWED
    if "statementId" in params and "voidedStatementId" in params:
        extra.add("voidedStatementId")
    if extra:
        name = sorted(extra)[0]
        raise XAPIError(400, f"{name} : interdit avec statementId ou voidedStatementId.",
                        f"{name}: not allowed with statementId or voidedStatementId.", name)
    voided = "voidedStatementId" in params
    statement_id = params["voidedStatementId"] if voided else params["statementId"]
    with read_transaction() as connection:
        row = find_statement(connection, statement_id)
        mine = _mine_only(credential)
        if row is None or bool(row.voided) != voided or (mine is not None and row.credential_key != mine):
            raise XAPIError(404, f"Aucune déclaration {'annulée ' if voided else ''}d'identifiant {statement_id}.",
                            f"No {'voided ' if voided else ''}statement with id {statement_id}.",
                            "voidedStatementId" if voided else "statementId")
        payload = _render([row.body], params.get("format", "exact"), connection)[0]
        parts = _attachment_parts(connection, [row.body]) if params.get("attachments") else None
    return _respond(payload, parts, row.stored_us)


def _query_from_params(params: dict, default_limit: int) -> StatementQuery:
    agent_key = agent_key_or_none(params["agent"]) if "agent" in params else None
    if "agent" in params and agent_key is None:
        raise XAPIError(400, "agent : un groupe anonyme ne peut pas être recherché ; donnez un agent ou un groupe identifié.",
                        "agent: an anonymous group cannot be searched for; give an agent or an identified group.",
                        "agent")
    return StatementQuery(
        agent=agent_key,
        related_agents=params.get("related_agents", False),
        verb=params.get("verb"),
        activity=params.get("activity"),
        related_activities=params.get("related_activities", False),
        registration=params.get("registration"),
        since_us=to_micros(params["since"]) if "since" in params else None,
        until_us=to_micros(params["until"]) if "until" in params else None,
        limit=params.get("limit", default_limit),
        ascending=params.get("ascending", False),
        format=params.get("format", "exact"),
        attachments=params.get("attachments", False),
    )


def _page_size(limit: int, largest: int) -> int:
    """0 asks for the largest page the LRS allows (xAPI 1.0.3, Communication 2.1.3); a
    larger limit gets it too, as the LRS may return fewer statements than asked."""
    return largest if limit == 0 else min(limit, largest)


def _more_url(next_query: StatementQuery) -> str:
    return url_for("statements.get_statements") + "?more=" + encode_cursor(next_query)


@bp.route("/statements", methods=["GET"])
def get_statements() -> Response:
    credential = check_scope("statements/read", "statements/read/mine")
    params = load_params(GET_PARAMS, request.args)
    if "statementId" in params or "voidedStatementId" in params:
        return _get_single(params, credential)
    config = app_config(current_app)
    query = decode_cursor(params["more"]) if "more" in params else _query_from_params(params, config.statement_page_size)
    size = _page_size(query.limit, config.statement_page_max)
    query = replace(query, limit=size)  # what the next page's cursor carries: a size the LRS allows
    with reading_with_queue(current_engine(), query.filters()) as (connection, queued):
        rows, next_query = run_query(connection, query, _mine_only(credential), size, queued)
        bodies = [row[2] for row in rows]
        rendered = _render(bodies, query.format, connection)
        parts = _attachment_parts(connection, bodies) if query.attachments else None
    more = _more_url(next_query) if next_query is not None else ""
    payload = b'{"statements":[' + b",".join(rendered) + b'],"more":' + orjson.dumps(more) + b"}"
    last_modified = max((row[1] for row in rows), default=None)
    return _respond(payload, parts, last_modified)
