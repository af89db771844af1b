"""The State, Activity Profile and Agent Profile resources.

One document is PUT (replaced), POSTed (merged, JSON objects only), read (GET/HEAD)
or deleted; without its id, GET lists the ids of a context and DELETE (State only)
clears it. Documents of any content type are kept byte for byte with their type.

Concurrency: every document answers with a strong ETag (SHA-1 of its bytes) and
`Last-Modified`; `If-Match` and `If-None-Match` are honoured on PUT, POST and
DELETE. A PUT that would overwrite an existing document without either header is a
409 where the version requires them (profiles in 1.0.3, every document in 2.0); without
either header, a PUT that creates the document is stored.
"""

from __future__ import annotations

from flask import Blueprint, Response, current_app, request
import orjson

from lrs.auth import check_scope
from lrs.config import app_config
from lrs.db import current_engine
from lrs.documents import store
from lrs.documents.merge import NotAJSONObject, TooDeep, is_json, merged, parse_object
from lrs.documents.params import (
    ACTIVITY_PROFILE_RESOURCE,
    AGENT_PROFILE_RESOURCE,
    STATE_RESOURCE,
    Resource,
    Target,
    parse_target,
)
from lrs.documents.preconditions import Preconditions, quoted
from lrs.documents.table import STATE
from lrs.errors import XAPIError
from lrs.json_depth import NESTED_TOO_DEEP
from lrs.timeutil import http_date
from lrs.versioning import is_v2

bp = Blueprint("documents", __name__)

METHODS = ["GET", "PUT", "POST", "DELETE"]  # HEAD comes with GET
DEFAULT_CONTENT_TYPE = "application/octet-stream"


@bp.route("/activities/state", methods=METHODS)
def state() -> Response:
    return serve(STATE_RESOURCE)


@bp.route("/activities/profile", methods=METHODS)
def activity_profile() -> Response:
    return serve(ACTIVITY_PROFILE_RESOURCE)


@bp.route("/agents/profile", methods=METHODS)
def agent_profile() -> Response:
    return serve(AGENT_PROFILE_RESOURCE)


def serve(resource: Resource) -> Response:
    check_scope(resource.scope)
    target = parse_target(resource, request.method, request.args)
    preconditions = Preconditions.from_headers(request.headers.get("If-Match"), request.headers.get("If-None-Match"))
    if request.method in ("GET", "HEAD"):
        return read_one(target, preconditions) if target.single else read_ids(target)
    if request.method == "PUT":
        return put(resource, target, preconditions)
    if request.method == "POST":
        return post(target, preconditions)
    return delete(target, preconditions)


def read_one(target: Target, preconditions: Preconditions) -> Response:
    document = store.fetch(current_engine(), target.address)
    if document is None:
        raise XAPIError(404, "Document introuvable.", "No such document.", target_field(target))
    if preconditions.not_modified(document):
        return with_validators(Response(status=304), document)
    return with_validators(Response(document.content, status=200, content_type=document.content_type), document)


def read_ids(target: Target) -> Response:
    ids, latest = store.list_ids(current_engine(), target.address, target.registration, target.since)
    response = Response(orjson.dumps(ids), status=200, content_type="application/json")
    if latest is not None:
        response.headers["Last-Modified"] = http_date(latest)
    return response


def put(resource: Resource, target: Target, preconditions: Preconditions) -> Response:
    content = request.get_data()
    content_type = request.content_type or DEFAULT_CONTENT_TYPE
    # 1.0.3 lets State documents be overwritten blindly (content written before ETags
    # existed does so); profiles always, and every document in 2.0, need a precondition.
    required = not preconditions.present and (is_v2() or resource.kind != STATE)
    # Without either header a PUT creates a document that does not exist yet: xAPI 1.0.3
    # (Communication 3.1) asks for the 409 only when it exists, and clients such as
    # TinCanPython create profiles that way. The ADL 1.0.3 suite wants a 400 even then
    # (PARCOURS_STRICT_PROFILE_PUT).
    refused_when_new = (not preconditions.present and resource.kind != STATE and not is_v2()
                        and app_config(current_app).strict_profile_put)

    def decide(current: store.Document | None) -> store.Store:
        check(preconditions, current)
        if refused_when_new and current is None:
            raise XAPIError(
                400,
                "Un PUT de profil exige If-None-Match: * pour créer le document, ou If-Match avec son ETag "
                "pour le remplacer (PARCOURS_STRICT_PROFILE_PUT).",
                "A profile PUT needs If-None-Match: * to create the document, or If-Match with its ETag "
                "to replace it (PARCOURS_STRICT_PROFILE_PUT).",
                "If-None-Match",
            )
        if required and current is not None:
            raise XAPIError(
                409,
                "Ce document existe déjà : envoyez If-Match avec son ETag pour le remplacer "
                "(ou If-None-Match: * pour ne le créer que s'il n'existe pas).",
                "This document already exists: send If-Match with its ETag to replace it "
                "(or If-None-Match: * to create it only if absent).",
                "If-Match",
            )
        return store.Store(content, content_type)

    return written(store.write(current_engine(), target.address, decide))


def post(target: Target, preconditions: Preconditions) -> Response:
    content = request.get_data()
    content_type = request.content_type or ""
    if not is_json(content_type):
        raise XAPIError(
            400,
            f"POST fusionne des documents JSON : le Content-Type doit être application/json, et non "
            f"{content_type or 'absent'} (utilisez PUT pour enregistrer un autre contenu).",
            f"POST merges JSON documents: the Content-Type must be application/json, not {content_type or 'absent'} "
            "(use PUT to store other content).",
            "Content-Type",
        )
    try:
        posted = parse_object(content)
    except TooDeep as error:
        raise XAPIError(400, f"Le document {NESTED_TOO_DEEP.fr} : il ne peut pas être fusionné.",
                        f"The document {NESTED_TOO_DEEP.en}: it cannot be merged.", "content") from error
    except NotAJSONObject as error:
        raise XAPIError(400, f"Le document n'est pas un objet JSON ({error}).",
                        f"The document is not a JSON object ({error}).", "content") from error

    def decide(current: store.Document | None) -> store.Store:
        check(preconditions, current)
        if current is None:
            return store.Store(content, content_type)  # a POST that creates is a PUT
        if not is_json(current.content_type):
            raise XAPIError(
                400,
                f"Le document enregistré est en {current.content_type}, et non en application/json : "
                "il ne peut pas être fusionné.",
                f"The stored document is {current.content_type}, not application/json: it cannot be merged.",
                "content",
            )
        try:
            stored = parse_object(current.content)
        except TooDeep as error:  # stored by a PUT, which keeps any bytes
            raise XAPIError(400, f"Le document enregistré {NESTED_TOO_DEEP.fr} : il ne peut pas être fusionné.",
                            f"The stored document {NESTED_TOO_DEEP.en}: it cannot be merged.", "content") from error
        except NotAJSONObject as error:
            raise XAPIError(400, f"Le document enregistré n'est pas un objet JSON ({error}) : il ne peut pas être "
                            "fusionné.",
                            f"The stored document is not a JSON object ({error}): it cannot be merged.", "content") from error
        return store.Store(merged(stored, posted), "application/json")

    return written(store.write(current_engine(), target.address, decide))


def delete(target: Target, preconditions: Preconditions) -> Response:
    if not target.single:
        store.delete_all(current_engine(), target.address, target.registration)
        return Response(status=204)

    def decide(current: store.Document | None) -> store.Delete:
        check(preconditions, current)
        return store.DELETE

    store.write(current_engine(), target.address, decide)
    return Response(status=204)


def check(preconditions: Preconditions, current: store.Document | None) -> None:
    failed = preconditions.failure(current)
    if failed == "If-Match":
        raise XAPIError(
            412,
            "If-Match : le document a changé (ou n'existe pas) ; relisez-le pour obtenir son ETag actuel.",
            "If-Match: the document has changed (or does not exist); fetch it again for its current ETag.",
            "If-Match",
        )
    if failed == "If-None-Match":
        raise XAPIError(
            412,
            "If-None-Match : le document existe déjà.",
            "If-None-Match: the document already exists.",
            "If-None-Match",
        )


def written(document: store.Document | None) -> Response:
    response = Response(status=204)
    return with_validators(response, document) if document is not None else response


def with_validators(response: Response, document: store.Document) -> Response:
    response.headers["ETag"] = quoted(document.etag)
    response.headers["Last-Modified"] = http_date(document.updated)
    return response


def target_field(target: Target) -> str:
    return "stateId" if target.address.kind == STATE else "profileId"
