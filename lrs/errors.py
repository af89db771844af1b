"""Every error leaves the LRS as JSON naming the problem, in the client's language.

`{"error": {"code": 400, "message": "...", "field": "$.actor.mbox"}}`: never an HTML
page, never a traceback. An uncaught exception is logged and answered 500 (a bug).
"""

from __future__ import annotations

import logging

from flask import Flask, Response, request
from werkzeug.exceptions import HTTPException

import orjson
import sqlalchemy

log = logging.getLogger("parcours.lrs")


class BilingualError(Exception):
    """A refusal outside HTTP (a CLI or library call), said in English and French."""

    def __init__(self, message_en: str, message_fr: str) -> None:
        super().__init__(message_en)
        self.message_en = message_en
        self.message_fr = message_fr

    def message(self, lang: str) -> str:
        return self.message_en if lang == "en" else self.message_fr


class XAPIError(Exception):
    """A request the LRS refuses: the status and why, in English and French."""

    def __init__(self, status: int, message_en: str, message_fr: str, field: str | None = None) -> None:
        super().__init__(message_en)
        self.status = status
        self.message_en = message_en
        self.message_fr = message_fr
        self.field = field

    def message(self, lang: str) -> str:
        return self.message_en if lang == "en" else self.message_fr


# Werkzeug's own errors (routing, body size), explained in both languages.
HTTP_MESSAGES: dict[int, tuple[str, str]] = {
    400: ("Bad request.", "Requête invalide."),
    401: ("Authentication required.", "Authentification requise."),
    403: ("Forbidden.", "Accès refusé."),
    404: ("No such resource.", "Ressource introuvable."),
    405: ("Method not allowed on this resource.", "Méthode non autorisée sur cette ressource."),
    406: ("Not acceptable.", "Format de réponse non disponible."),
    409: ("Conflict.", "Conflit."),
    412: ("Precondition failed.", "Précondition non satisfaite."),
    413: ("Request body too large.", "Corps de la requête trop volumineux."),
    415: ("Unsupported media type.", "Type de contenu non pris en charge."),
    500: ("Internal error.", "Erreur interne."),
    503: ("The database is unavailable; try again shortly.",
          "La base de données est indisponible ; réessayez dans un instant."),
}
RETRY_AFTER_SECONDS = 5  # when a database outage is answered 503


def response_language() -> str:
    """French unless the client prefers English (Accept-Language) or the LRS runs in English."""
    from flask import current_app

    default = current_app.config.get("PARCOURS_LANG", "fr")
    if not request:
        return default
    best = request.accept_languages.best_match(["fr", "en"])
    return best or default


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
        return error_response(error.status, error.message(response_language()), error.field, headers)

    @app.errorhandler(HTTPException)
    def on_http_error(error: HTTPException) -> Response:
        status = error.code or 500
        en, fr = HTTP_MESSAGES.get(status, (error.description or "Error.", error.description or "Erreur."))
        response = error_response(status, en if response_language() == "en" else fr)
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
        log.warning("database unavailable on %s %s: %s", request.method, request.path,
                    " ".join(str(getattr(error, "orig", None) or error).split())[:300])
        en, fr = HTTP_MESSAGES[503]
        return error_response(503, en if response_language() == "en" else fr, None,
                              {"Retry-After": str(RETRY_AFTER_SECONDS)})

    @app.errorhandler(Exception)
    def on_unexpected(error: Exception) -> Response:
        log.exception("unexpected error on %s %s", request.method, request.path)
        en, fr = HTTP_MESSAGES[500]
        return error_response(500, en if response_language() == "en" else fr)
