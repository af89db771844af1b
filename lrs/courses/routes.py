"""`POST /courses` (publish a zip) and `DELETE /courses?course=IRI[&version=V]` (unpublish).

Publishing needs the `courses/write` scope (or `all`). The body is the zip itself
(`Content-Type: application/zip`), streamed to the blob directory: the LRS body limit
(`PARCOURS_MAX_BODY_BYTES`) does not apply, the package limit
(`PARCOURS_MAX_PACKAGE_BYTES`) does. The zip's name may be given as `?filename=` or in
a `Content-Disposition` header; it becomes the download's name.
"""

from __future__ import annotations

from typing import Any, Callable

import orjson
from flask import Blueprint, Flask, Response, current_app, request
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.http import parse_options_header

from lrs.config import app_config
from lrs.auth import check_scope
from lrs.courses.blobs import PackageTooLarge, app_blob_store
from lrs.courses.publish import CourseNotFound, PackageRefused, publish_stream, too_large, unpublish
from lrs.db import current_engine
from lrs.errors import XAPIError, response_language
from validators.bilingual import choose

bp = Blueprint("courses", __name__)

SCOPE = "courses/write"
ZIP_TYPES = ("application/zip", "application/x-zip-compressed", "application/octet-stream")


def init_app(app: Flask) -> None:
    """Sweep the temporary files that an upload cut short by a crash left behind."""
    from lrs.courses.blobs import BlobStore, blob_directory

    BlobStore(blob_directory(app_config(app))).sweep_temporary()


@bp.post("/courses")
def publish_route() -> Response:
    check_scope(SCOPE)
    if request.mimetype not in ZIP_TYPES:
        raise XAPIError(415, "Content-Type : un paquet de cours s'envoie en application/zip.",
                        "Content-Type: a course package is sent as application/zip.", "Content-Type")
    config = app_config(current_app)
    filename = _filename()
    if request.content_length is not None and request.content_length > config.max_package_bytes:
        return _refused(PackageRefused([too_large(filename or "package.zip", config.max_package_bytes)]))
    try:
        publication = publish_stream(current_engine(), app_blob_store(), _body_reader(config.max_package_bytes),
                                     filename=filename, max_bytes=config.max_package_bytes)
    except PackageRefused as refused:
        return _refused(refused)
    status = 200 if publication.status == "unchanged" else 201
    return _json(publication.to_dict(), status)


@bp.delete("/courses")
def unpublish_route() -> Response:
    check_scope(SCOPE)
    iri = request.args.get("course", "").strip()
    if not iri:
        raise XAPIError(400, "Le paramètre course (l'IRI du cours) est obligatoire.",
                        "The course parameter (the course IRI) is required.", "course")
    version = request.args.get("version")
    try:
        removed = unpublish(current_engine(), app_blob_store(), iri, version)
    except CourseNotFound:
        raise XAPIError(404, "Aucun cours publié (ou version) de ce nom.",
                        "No such published course (or version).", "course")
    return _json({"removed": [item.to_dict() for item in removed]}, 200)


def _body_reader(limit: int) -> Callable[[int], bytes]:
    """The request body, read chunk by chunk under the package limit rather than the
    LRS body limit (`MAX_CONTENT_LENGTH`); a body without a length is capped the same way."""
    request.max_content_length = limit
    stream = request.stream

    def read(size: int) -> bytes:
        try:
            return stream.read(size)
        except RequestEntityTooLarge as error:
            raise PackageTooLarge(limit) from error

    return read


def _filename() -> str | None:
    """The name the client gave the zip, reduced to a plain file name."""
    name = request.args.get("filename") or ""
    if not name:
        disposition = request.headers.get("Content-Disposition", "")
        name = parse_options_header(disposition)[1].get("filename", "") if disposition else ""
    name = "".join(character for character in name if character.isprintable())
    name = name.replace("\\", "/").rsplit("/", 1)[-1].strip()
    return name[:200] or None


def _refused(refused: PackageRefused) -> Response:
    lang = response_language()
    count = len(refused.findings)
    message = choose(lang, f"Paquet refusé : {count} erreur(s) ; rien n'a été enregistré.",
                     f"Package refused: {count} error(s); nothing was stored.")
    body = {
        "error": {"code": 422, "message": message, "field": None},
        "findings": [item.to_dict(lang) for item in refused.findings],
    }
    return _json(body, 422)


def _json(body: dict[str, Any], status: int) -> Response:
    return Response(orjson.dumps(body), status=status, mimetype="application/json")
