"""The LRS application factory.

Resources are served under `/xapi/`: statements, agents, activities, about, and the
documents (State, Activity Profile, Agent Profile); the reports under `/reports/`.

Ingest hooks: `app.extensions["parcours.ingest_hooks"]` is a list of callables
`hook(connection, stored_statements: list[dict], voided_ids: list[str])`, called in
the transaction that indexes statements: the one that stores them, or on a SQLite
file a later one for many (`lrs.statements.backlog`); a hook that raises rolls that
transaction back, so a hook sees exactly what is committed.
"""

from __future__ import annotations

import logging

from flask import Blueprint, Flask

from lrs.about import bp as about_bp
from lrs.activities import bp as activities_bp
from lrs.agents import bp as agents_bp
from lrs.config import Config
from lrs.cors import register_cors
from lrs.db import ENGINE_KEY, engine_for
from lrs.documents.routes import bp as documents_bp
from lrs.errors import register_error_handlers
from lrs.middleware import LRSMiddleware, check_alternate_syntax
from lrs.migrations import apply_migrations
from lrs.reports import routes as reports
from lrs.statements import backlog
from lrs.statements.routes import bp as statements_bp
from lrs.versioning import register_versioning

log = logging.getLogger("parcours.lrs")

INGEST_HOOKS = "parcours.ingest_hooks"
CONFIG_KEY = "parcours.config"
# (blueprint, URL prefix): the xAPI resources, then the reports (whose routes carry their own prefix)
BLUEPRINTS: list[tuple[Blueprint, str | None]] = [
    (statements_bp, "/xapi"),
    (agents_bp, "/xapi"),
    (activities_bp, "/xapi"),
    (about_bp, "/xapi"),
    (documents_bp, "/xapi"),
    (reports.bp, None),
]


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

    for blueprint, prefix in BLUEPRINTS:
        app.register_blueprint(blueprint, url_prefix=prefix)
    reports.init_app(app)  # the reports follow every stored statement (an ingest hook)
    backlog.attach(engine, app.extensions[INGEST_HOOKS], config.index_backlog)

    app.wsgi_app = LRSMiddleware(app.wsgi_app, config.max_body_bytes)  # type: ignore[method-assign]
    return app
