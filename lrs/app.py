"""The LRS application factory.

Resources are served under `/xapi/`: statements, agents, activities and about here;
State, Activity Profile and Agent Profile by `lrs.documents.routes:bp` (registered
under `/xapi` when present); reports by `lrs.reports.routes:bp` (registered with its
own prefix when present).

Ingest hooks: `app.extensions["parcours.ingest_hooks"]` is a list of callables
`hook(connection, stored_statements: list[dict], voided_ids: list[str])`, called in
the transaction that indexes statements: the one that stores them, or on a SQLite
file a later one for many (`lrs.statements.backlog`); a hook that raises rolls that
transaction back, so a hook sees exactly what is committed.
"""

from __future__ import annotations

import importlib
import logging

from flask import Flask

from lrs.config import Config
from lrs.cors import register_cors
from lrs.db import ENGINE_KEY, engine_for
from lrs.errors import register_error_handlers
from lrs.middleware import LRSMiddleware, check_alternate_syntax
from lrs.migrations import apply_migrations
from lrs.request_log import install_request_log
from lrs.statements import backlog
from lrs.versioning import register_versioning

log = logging.getLogger("parcours.lrs")

INGEST_HOOKS = "parcours.ingest_hooks"
CONFIG_KEY = "parcours.config"
OPTIONAL_BLUEPRINTS = (
    ("lrs.documents.routes", "/xapi"),
    ("lrs.reports.routes", None),
    ("lrs.health", None),
    ("lrs.metrics", None),
    ("lrs.openapi", "/xapi"),
    ("lrs.courses.routes", None),
    ("lrs.catalogue.routes", None),  # the home page `/` and the catalogue
)


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

    from lrs.about import bp as about_bp
    from lrs.activities import bp as activities_bp
    from lrs.agents import bp as agents_bp
    from lrs.statements.routes import bp as statements_bp

    for blueprint in (statements_bp, agents_bp, activities_bp, about_bp):
        app.register_blueprint(blueprint, url_prefix="/xapi")
    for module_name, prefix in OPTIONAL_BLUEPRINTS:
        _register_optional(app, module_name, prefix)
    backlog.attach(engine, app.extensions[INGEST_HOOKS], config.index_backlog)

    app.wsgi_app = LRSMiddleware(app.wsgi_app, config.max_body_bytes)  # type: ignore[method-assign]
    install_request_log(app, config.request_log)  # outermost: times and logs everything
    return app


def _register_optional(app: Flask, module_name: str, prefix: str | None) -> None:
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as error:
        if error.name and module_name.startswith(error.name):
            return  # not part of this checkout yet
        raise
    blueprint = getattr(module, "bp", None)
    if blueprint is None:
        return
    if prefix is None:
        app.register_blueprint(blueprint)
    else:
        app.register_blueprint(blueprint, url_prefix=prefix)
    setup = getattr(module, "init_app", None)
    if callable(setup):
        setup(app)


def _autoescaped(filename: str | None) -> bool:
    return filename is None or filename.endswith((".html", ".htm", ".xml", ".xhtml", ".svg", ".html.j2"))


def app_config(app: Flask) -> Config:
    return app.extensions[CONFIG_KEY]
