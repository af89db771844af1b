"""The LRS application factory.

Resources are served under `/xapi/`: statements, agents, activities, about, the
documents (State, Activity Profile, Agent Profile) and the OpenAPI description; the
reports, published courses, catalogue, health and metrics under their own paths
(the list is `_blueprints`).

Ingest hooks: `app.extensions[INGEST_HOOKS]` is a list of callables
`hook(connection, stored_statements: list[dict], voided_ids: list[str])`, called in
the transaction that indexes statements: the one that stores them, or on a SQLite
file a later one for many (`lrs.statements.backlog`); a hook that raises rolls that
transaction back, so a hook sees exactly what is committed.
"""

from __future__ import annotations

import logging
from typing import Callable

from flask import Blueprint, Flask

from lrs import about, activities, agents, health, metrics, openapi
from lrs.catalogue import routes as catalogue
from lrs.config import CONFIG_KEY, Config
from lrs.cors import register_cors
from lrs.courses import routes as courses
from lrs.db import ENGINE_KEY, engine_for
from lrs.documents import routes as documents
from lrs.errors import register_error_handlers
from lrs.middleware import LRSMiddleware, check_alternate_syntax
from lrs.migrations import apply_migrations
from lrs.reports import routes as reports
from lrs.request_log import install_request_log
from lrs.statements import backlog
from lrs.statements import routes as statements
from lrs.statements.index_writer import INGEST_HOOKS
from lrs.versioning import register_versioning

log = logging.getLogger("parcours.lrs")

def create_app(config: Config | None = None) -> Flask:
    """A ready LRS: database migrated, first credential created if configured."""
    config = config or Config.from_env()
    app = Flask("lrs")
    app.config.update(
        MAX_CONTENT_LENGTH=config.max_body_bytes,
        MAX_FORM_MEMORY_SIZE=config.max_body_bytes,
        PARCOURS_LANG=config.lang,
        PARCOURS_DEFAULT_VERSION=config.default_version if config.default_version in ("1.0.3", "2.0.0") else "2.0.0",
        PARCOURS_CORS_ORIGINS=tuple(config.cors_origins),
        PARCOURS_CREDENTIAL_CACHE_SECONDS=config.credential_cache_seconds,
        JSON_SORT_KEYS=False,
    )
    app.url_map.strict_slashes = False
    # Page templates are named `*.html.j2`: escape them like Flask's own `.html` templates.
    app.select_jinja_autoescape = _autoescaped  # type: ignore[method-assign]
    app.extensions[CONFIG_KEY] = config
    app.extensions[INGEST_HOOKS] = []

    engine = engine_for(config.database_url)
    app.extensions[ENGINE_KEY] = engine
    apply_migrations(engine)
    bootstrap = config.bootstrap_spec()
    if bootstrap:
        from lrs.auth import ensure_bootstrap_credential

        ensure_bootstrap_credential(engine, bootstrap, config.authority_homepage)

    register_error_handlers(app)
    register_cors(app)  # preflight first: it carries no credentials and no version
    register_versioning(app)
    app.before_request(check_alternate_syntax)  # needs the version: 2.0 has no alternate syntax
    from lrs.course_keys import register_course_keys

    register_course_keys(app)  # after the alternate syntax has become the request it stands for

    for blueprint, prefix, setup in _blueprints():
        app.register_blueprint(blueprint, url_prefix=prefix)
        if setup is not None:
            setup(app)
    backlog.attach(engine, app.extensions[INGEST_HOOKS], config.index_backlog)

    app.wsgi_app = LRSMiddleware(app.wsgi_app, config.max_body_bytes)  # type: ignore[method-assign]
    install_request_log(app, config.request_log)  # outermost: times and logs everything
    return app


def _blueprints() -> list[tuple[Blueprint, str | None, Callable[[Flask], None] | None]]:
    """Every part of the LRS: (blueprint, URL prefix, setup run once it is registered);
    a None prefix keeps the blueprint's own."""
    return [
        (statements.bp, "/xapi", None),
        (agents.bp, "/xapi", None),
        (activities.bp, "/xapi", None),
        (about.bp, "/xapi", None),
        (documents.bp, "/xapi", None),
        (reports.bp, None, reports.init_app),  # an ingest hook keeps the reports current
        (health.bp, None, None),
        (metrics.bp, None, metrics.init_app),
        (openapi.bp, "/xapi", None),
        (courses.bp, None, courses.init_app),
        (catalogue.bp, None, catalogue.init_app),  # the home page `/` and the catalogue
    ]


def _autoescaped(filename: str | None) -> bool:
    return filename is None or filename.endswith((".html", ".htm", ".xml", ".xhtml", ".svg", ".html.j2"))
