"""Every error leaves the LRS as JSON naming the problem, in the client's language.

`{"error": {"code": 400, "message": "...", "field": "$.actor.mbox"}}`: never an HTML
page, never a traceback. An uncaught exception is logged and answered 500 (a bug).
"""

from __future__ import annotations

import logging

from flask import Flask, Response, current_app, request
from werkzeug.exceptions import HTTPException

import orjson
import sqlalchemy

from validators.bilingual import BilingualError, Text
from validators.language import resolve_language

log = logging.getLogger("parcours.lrs")


class XAPIError(BilingualError):
    """A request the LRS refuses: the status and why, in French and English."""

    def __init__(self, status: int, message_fr: str, message_en: str, field: str | None = None) -> None:
        super().__init__(message_fr, message_en)
        self.status = status
        self.field = field

    def __reduce__(self) -> tuple:
        return (XAPIError, (self.status, self.message_fr, self.message_en, self.field))


# Werkzeug's own errors (routing, body size), explained in both languages.
HTTP_MESSAGES: dict[int, Text] = {
    400: Text("Requête invalide.", "Bad request."),
    401: Text("Authentification requise.", "Authentication required."),
    403: Text("Accès refusé.", "Forbidden."),
    404: Text("Ressource introuvable.", "No such resource."),
    405: Text("Méthode non autorisée sur cette ressource.", "Method not allowed on this resource."),
    406: Text("Format de réponse non disponible.", "Not acceptable."),
    409: Text("Conflit.", "Conflict."),
    412: Text("Précondition non satisfaite.", "Precondition failed."),
    413: Text("Corps de la requête trop volumineux.", "Request body too large."),
    415: Text("Type de contenu non pris en charge.", "Unsupported media type."),
    500: Text("Erreur interne.", "Internal error."),
    503: Text("La base de données est indisponible ; réessayez dans un instant.",
              "The database is unavailable; try again shortly."),
}
BODY_TOO_LARGE = Text("Corps de la requête trop volumineux : {limit} octets au plus (PARCOURS_MAX_BODY_BYTES).",
                      "Request body too large: {limit} bytes at most (PARCOURS_MAX_BODY_BYTES).")
RETRY_AFTER_SECONDS = 5  # when a database outage is answered 503
# PostgreSQL indexes hold at most about 2,700 bytes per entry (SQLite has no such limit).
TOO_LONG_TO_INDEX = Text(
    "Une valeur est trop longue pour la base PostgreSQL : une valeur indexée (IRI ; compte, adresse ou nom "
    "d'un agent ; identifiant de document) dépasse environ 2 700 octets.",
    "A value is too long for the PostgreSQL database: an indexed value (IRI; an agent's account, address or "
    "name; document id) is over about 2,700 bytes.",
)
PROGRAM_LIMIT_EXCEEDED = "54000"  # PostgreSQL's SQLSTATE for it


def response_language(explicit: str | None = None) -> str:
    """The language of an answer: `explicit` (a page's `?lang=`) if it names one, else
    what the client accepts, else the LRS's own language (French by default)."""
    default = current_app.config.get("PARCOURS_LANG")
    if not request:
        return resolve_language(explicit, default=default)
    return resolve_language(explicit, request.headers.get("Accept-Language"), default)


def error_response(status: int, message: str, field: str | None = None, headers: dict[str, str] | None = None) -> Response:
    body = {"error": {"code": status, "message": message, "field": field}}
    response = Response(orjson.dumps(body), status=status, mimetype="application/json")
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(XAPIError)
    def on_xapi_error(error: XAPIError) -> Response:
        headers = {}
        if error.status == 401:
            headers["WWW-Authenticate"] = 'Basic realm="parcours LRS"'
        elif error.status == 503:
            headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return error_response(error.status, error.message(response_language()), error.field, headers)

    @app.errorhandler(HTTPException)
    def on_http_error(error: HTTPException) -> Response:
        status = error.code or 500
        text = HTTP_MESSAGES.get(status) or Text(error.description or "Erreur.", error.description or "Error.")
        limit = current_app.config.get("MAX_CONTENT_LENGTH")
        if status == 413 and limit:
            text = BODY_TOO_LARGE.fill(limit=limit)
        response = error_response(status, text.pick(response_language()))
        if status == 405 and error.get_response().headers.get("Allow"):
            response.headers["Allow"] = error.get_response().headers["Allow"]
        return response

    @app.errorhandler(sqlalchemy.exc.OperationalError)
    @app.errorhandler(sqlalchemy.exc.InterfaceError)
    @app.errorhandler(sqlalchemy.exc.TimeoutError)
    def on_database_unavailable(error: Exception) -> Response:
        # The server stopped, the file turned read-only, the disk is full: the
        # transaction is rolled back and the client may retry. One line in the log,
        # not a traceback.
        if getattr(getattr(error, "orig", None), "sqlstate", None) == PROGRAM_LIMIT_EXCEEDED:
            # Retrying would not help: the request itself is refused (and rolled back).
            return error_response(400, TOO_LONG_TO_INDEX.pick(response_language()))
        log.warning("database unavailable on %s %s: %s", request.method, request.path,
                    " ".join(str(getattr(error, "orig", None) or error).split())[:300])
        return error_response(503, HTTP_MESSAGES[503].pick(response_language()), None,
                              {"Retry-After": str(RETRY_AFTER_SECONDS)})

    @app.errorhandler(Exception)
    def on_unexpected(error: Exception) -> Response:
        log.exception("unexpected error on %s %s", request.method, request.path)
        return error_response(500, HTTP_MESSAGES[500].pick(response_language()))
