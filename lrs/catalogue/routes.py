"""The home page `/` and the catalogue `/catalogue/...`: HTML for people, `.json` and
`.csv` twins for tools, downloads of the exact published zips and the web build.

Readable without credentials while `PARCOURS_CATALOGUE_PUBLIC` is on (the default);
otherwise with the `catalogue/read` scope (or `all/read`, `all`). Pages speak French
unless `lang=en` or the browser prefers English, like the reports, whose look and
language choice they share.
"""

from __future__ import annotations

import functools
import urllib.parse
from typing import Any

from flask import Blueprint, Flask, Response, current_app, render_template, request, send_file, url_for
from markupsafe import Markup, escape

from lrs.config import app_config
from lrs.auth import check_scope, current_credential
from lrs.catalogue import data
from lrs.catalogue.cards import CourseCard, localized_tagged, minutes_text, size_text
from lrs.catalogue.listing import CatalogueInputError, parse_query, search
from lrs.catalogue.messages import format_name, known_or, language_name, text
from lrs.catalogue.snapshot import CatalogueCache, Snapshot
from lrs.catalogue.webbuild import SANDBOX_POLICY, BuildFile, EntryNotFound, start_page
from lrs.courses import registry
from lrs.courses.blobs import app_blob_store
from lrs.db import read_transaction
from lrs.errors import XAPIError, error_response
from lrs.reports.routes import page_lang

bp = Blueprint("catalogue", __name__, template_folder="templates", static_folder="static",
               static_url_path="/catalogue-static")

SCOPE = "catalogue/read"  # `all` and `all/read` are accepted too
CACHE_KEY = "parcours.catalogue_cache"
HOME_NEWEST = 6
DATA_FORMATS = ("json", "csv")
# Everything a catalogue page loads comes from the LRS itself.
PAGE_POLICY = (
    "default-src 'self'; img-src 'self' data:; frame-src 'self'; object-src 'none'; "
    "base-uri 'none'; form-action 'self'; frame-ancestors 'self'"
)


class CatalogueNotFound(Exception):
    def __init__(self, key: str, value: str) -> None:
        super().__init__(key)
        self.key = key
        self.value = value


# --- access and language -----------------------------------------------------------


def _public() -> bool:
    return app_config(current_app).catalogue_public


def _check_access() -> None:
    if not _public():
        check_scope(SCOPE)


def _can_read_catalogue() -> bool:
    if _public():
        return True
    return _credential_allows(SCOPE)


def _credential_allows(scope: str) -> bool:
    """Whether the request carries a valid credential with `scope` (no 401 when it has none)."""
    if "Authorization" not in request.headers:
        return False
    try:
        return current_credential().allows(scope, read_only=True)
    except XAPIError:
        return False


def _args_with(**changes: Any) -> str:
    args = {key: value for key, value in request.args.items() if value != ""}
    args.update(changes)
    args = {key: value for key, value in args.items() if value not in (None, "")}
    return ("?" + urllib.parse.urlencode(args)) if args else ""


def _render(template: str, lang: str, status: int = 200, **values: Any) -> Response:
    body = render_template(
        template,
        lang=lang,
        t=functools.partial(text, lang),
        # a message around markup (a course title marked with its own `lang`)
        t_markup=lambda key, **values: Markup(escape(text(lang, key))).format(**values),
        switch_url=request.path + _args_with(lang="en" if lang == "fr" else "fr"),
        reports_access=_credential_allows("reports/read"),
        minutes_text=minutes_text,
        language_name=functools.partial(language_name, lang),
        format_name=functools.partial(format_name, lang),
        import_text=lambda fmt: known_or(lang, "import." + fmt, text(lang, "import.other")),
        result_name=lambda result: known_or(lang, f"result.{result}", str(result)),
        localized=lambda language_map: localized_tagged(language_map, lang),
        size_text=functools.partial(size_text, lang=lang),
        **values,
    )
    response = Response(body, status=status, mimetype="text/html")
    response.headers["Content-Security-Policy"] = PAGE_POLICY
    return response


def _error(status: int, message: str, fmt: str, lang: str) -> Response:
    if fmt != "html":
        return error_response(status, message)
    return _render("catalogue/error.html.j2", lang, status=status, message=message)


# --- reading the registry ------------------------------------------------------------


def init_app(app: Flask) -> None:
    app.extensions[CACHE_KEY] = CatalogueCache()


def _snapshot(connection) -> Snapshot:  # type: ignore[no-untyped-def]
    return current_app.extensions[CACHE_KEY].current(connection)


def _course_card(connection, slug: str, version: str | None, lang: str) -> tuple[CourseCard, list[str]]:  # type: ignore[no-untyped-def]
    """The course a slug names (its latest version, or `version`) and its versions, newest first."""
    iri = _snapshot(connection).by_slug.get(slug)
    if iri is None:
        raise CatalogueNotFound("error.course", slug)
    course = registry.course_structure(connection, iri, version)
    if course is None:
        raise CatalogueNotFound("error.version", version or "")
    versions = [item.version for item in registry.course_versions(connection, iri)]
    return CourseCard(course, slug, lang), versions


def _links(version: str | None = None) -> data.Links:
    pinned = {"version": version} if version else {}
    return data.Links(
        page=lambda card: url_for("catalogue.course", name=card.slug, _external=True, **pinned),
        download=lambda card, fmt: url_for("catalogue.download", slug=card.slug, fmt=fmt, _external=True,
                                           **({"version": card.version} if version else {})),
        try_it=lambda card: url_for("catalogue.try_it", slug=card.slug, _external=True, **pinned),
    )


# --- pages ---------------------------------------------------------------------------


@bp.get("/")
def home() -> Response:
    lang = page_lang()
    newest: list[CourseCard] = []
    total = 0
    readable = _can_read_catalogue()
    if readable:
        with read_transaction() as connection:
            cards = _snapshot(connection).in_lang(lang)
        newest, total = cards[:HOME_NEWEST], len(cards)
    return _render("catalogue/home.html.j2", lang, newest=newest, total=total, readable=readable,
                   endpoint=request.host_url + "xapi/")


@bp.get("/catalogue/")
def catalogue() -> Response:
    return _catalogue_page("html")


@bp.get("/catalogue.<fmt>")
def catalogue_data(fmt: str) -> Response:
    return _catalogue_page(fmt)


def _catalogue_page(fmt: str) -> Response:
    lang = page_lang()
    _check_access()
    if fmt not in ("html", *DATA_FORMATS):
        return _error(404, text(lang, "error.extension", value=fmt), "json", lang)
    try:
        query = parse_query(request.args)
    except CatalogueInputError as error:
        return _error(400, text(lang, error.key, **error.values), fmt, lang)
    with read_transaction() as connection:
        snapshot = _snapshot(connection)
    result = search(snapshot.in_lang(lang), query, snapshot.facets[lang])
    links = _links()
    if fmt == "json":
        return Response(data.list_json(result, query, links, lang), mimetype="application/json")
    if fmt == "csv":
        return _csv_response(data.list_csv(result, links), "catalogue.csv")
    return _render("catalogue/list.html.j2", lang, result=result, query=query,
                   page_url=lambda page: url_for("catalogue.catalogue") + _args_with(page=page if page > 1 else None),
                   data_url=lambda ext: url_for("catalogue.catalogue_data", fmt=ext) + _args_with())


@bp.get("/catalogue/<name>")
def course(name: str) -> Response:
    """`/catalogue/<slug>`, and its twins `<slug>.json` and `<slug>.csv` (slugs have no dot)."""
    lang = page_lang()
    _check_access()
    slug, _, fmt = name.partition(".")
    fmt = fmt or "html"
    if fmt not in ("html", *DATA_FORMATS):
        return _error(404, text(lang, "error.extension", value=fmt), "json", lang)
    version = request.args.get("version") or None
    try:
        with read_transaction() as connection:
            card, versions = _course_card(connection, slug, version, lang)
    except CatalogueNotFound as missing:
        return _error(404, text(lang, missing.key, value=missing.value), fmt, lang)
    links = _links(version)
    if fmt == "json":
        return Response(data.course_json(card, links, versions), mimetype="application/json")
    if fmt == "csv":
        return _csv_response(data.course_csv(card), f"{card.slug}-modules.csv")
    return _render(
        "catalogue/course.html.j2", lang, card=card, versions=versions, version=version, links=links,
        jsonld=Markup(data.course_jsonld(card, links)),
        data_url=lambda ext: url_for("catalogue.course", name=f"{card.slug}.{ext}") + _args_with(),
    )


@bp.get("/catalogue/<slug>/download/<fmt>")
def download(slug: str, fmt: str) -> Response:
    """The exact zip that was published, byte for byte."""
    lang = page_lang()
    _check_access()
    try:
        with read_transaction() as connection:
            card, _versions = _course_card(connection, slug, request.args.get("version") or None, lang)
    except CatalogueNotFound as missing:
        return _error(404, text(lang, missing.key, value=missing.value), "json", lang)
    chosen = next((d for d in card.downloads if d.format == fmt), None)
    if chosen is None:
        return _error(404, text(lang, "error.format", value=fmt), "json", lang)
    path = app_blob_store().path_of(chosen.sha256)
    if not path.is_file():
        return _error(404, text(lang, "error.blob"), "json", lang)
    response = send_file(path, mimetype="application/zip", as_attachment=True, download_name=chosen.filename,
                         etag=chosen.sha256, conditional=True, max_age=0)
    response.headers["X-Content-SHA256"] = chosen.sha256
    return response


@bp.get("/catalogue/<slug>/try")
def try_it(slug: str) -> Response:
    """The web build in a titled frame, under the catalogue's header."""
    lang = page_lang()
    _check_access()
    version = request.args.get("version") or None
    try:
        with read_transaction() as connection:
            card, _versions = _course_card(connection, slug, version, lang)
    except CatalogueNotFound as missing:
        return _error(404, text(lang, missing.key, value=missing.value), "html", lang)
    build = card.web_build
    if build is None:
        return _error(404, text(lang, "course.try.none"), "html", lang)
    try:
        first = start_page(app_blob_store().open(build.sha256), build.launch)
    except FileNotFoundError:
        return _error(404, text(lang, "error.blob"), "html", lang)
    start = url_for("catalogue.web_file", slug=slug, sha256=build.sha256, path=first)
    return _render("catalogue/try.html.j2", lang, card=card, version=version, start=start)


@bp.get("/catalogue/<slug>/web/<sha256>/<path:path>")
@bp.get("/catalogue/<slug>/web/<sha256>/", defaults={"path": ""})
def web_file(slug: str, sha256: str, path: str) -> Response:
    """A file of a published web build, read from its zip (the digest pins the build:
    relative links inside it keep working, and its files never change)."""
    lang = page_lang()
    _check_access()
    with read_transaction() as connection:
        iri = _snapshot(connection).by_slug.get(slug)
        builds = set() if iri is None else {
            d.sha256 for course in registry.course_versions(connection, iri) for d in course.downloads if d.format == "web"
        }
    if iri is None:
        return _error(404, text(lang, "error.course", value=slug), "json", lang)
    if sha256 not in builds:
        return _error(404, text(lang, "course.try.none"), "json", lang)
    try:
        entry = BuildFile(app_blob_store().open(sha256), path)
    except (EntryNotFound, FileNotFoundError):
        return _error(404, text(lang, "error.file", value=path), "json", lang)
    response = Response(iter(entry), content_type=entry.mimetype, direct_passthrough=True)
    response.call_on_close(entry.close)  # a HEAD request never reads it
    response.headers["Content-Length"] = str(entry.size)
    response.headers["Content-Security-Policy"] = SANDBOX_POLICY
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = ("public" if _public() else "private") + ", max-age=31536000, immutable"
    return response


def _csv_response(body: str, filename: str) -> Response:
    response = Response(body, mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
