"""The LRS configuration: a plain object, filled from `PARCOURS_*` environment variables."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields
from typing import TYPE_CHECKING, Any

from validators.language import DEFAULT_LANGUAGE, configured_language, language_of

if TYPE_CHECKING:
    from flask import Flask

CONFIG_KEY = "parcours.config"  # where `lrs.app.create_app` keeps the Config in `app.extensions`


def _split(value: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in value.split(",") if part.strip())


def _as_bool(value: str) -> bool:
    return value.strip().lower() in {"1", "true", "yes", "on", "oui"}


@dataclass
class Config:
    """Everything the LRS needs to run; every field has a sensible default.

    `cors_origins` lists the origins allowed to call the LRS from a browser
    (`("*",)` allows any origin, echoing it so that credentials still work).
    `bootstrap_credential` is `key:secret:scope,scope`, created on start if absent,
    for container deployments that cannot run a command first;
    `bootstrap_credential_file` names a file holding that line (a mounted secret).
    """

    database_url: str = "sqlite:///parcours.db"
    max_body_bytes: int = 32 * 1024 * 1024
    max_statement_bytes: int = 1024 * 1024  # one statement's JSON, attachments aside
    cors_origins: tuple[str, ...] = ("*",)
    lang: str = DEFAULT_LANGUAGE  # the language answered when a request names none
    # The version answered to a request that names none (which is refused with a 400):
    # deployments serving only 1.0.x content may set 1.0.3.
    default_version: str = "2.0.0"
    statement_page_size: int = 100  # default `limit` of a query
    statement_page_max: int = 1000  # the largest page a client may ask for
    authority_homepage: str = "https://lrs.parcours.invalid"
    bootstrap_credential: str | None = None
    bootstrap_credential_file: str | None = None  # the same, read from a file (container secrets)
    credential_cache_seconds: float = 30.0
    # Requests a minute per client address with a course-scoped key (lrs.course_keys).
    course_key_requests_per_minute: int = 120
    # SQLite: statements waiting for their index beyond which indexing runs alongside
    # writes (lower: shorter waits for the first reader after a burst; see lrs.statements.backlog).
    index_backlog: int = 100_000
    # `parcours serve` on a SQLite file: processes storing statement batches for each worker
    # (None: as many as `lrs.statements.store_processes.helper_count` finds useful; 0: none).
    store_processes: int | None = None
    # xAPI 1.0.3: refuse (400) a profile PUT without If-Match/If-None-Match even when it
    # creates the document, as the ADL 1.0.3 conformance suite expects (XAPI-00273); off by
    # default because clients such as TinCanPython create profiles that way.
    strict_profile_put: bool = False
    metrics: bool = False  # /metrics open to anyone (else only to the metrics/read scope)
    request_log: str = "-"  # JSON lines of requests: "-" standard error, a file path, or "off"
    ready_max_index_lag: float = 60.0  # /health/ready: oldest statement waiting for its index, seconds
    lrs_name: str = "parcours"
    # Published course zips (lrs.courses.blobs): None = `<db name>-blobs/` beside the
    # SQLite file; with several nodes, one directory shared by all of them.
    blob_dir: str | None = None
    max_package_bytes: int = 1024 * 1024 * 1024  # the largest zip `POST /courses` accepts
    catalogue_public: bool = True  # the catalogue readable without credentials
    debug: bool = False
    extra: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None, **overrides: Any) -> "Config":
        """Read `PARCOURS_DATABASE_URL`, `PARCOURS_MAX_BODY_BYTES`, `PARCOURS_CORS_ORIGINS`,
        `PARCOURS_LANG`, ... (the upper-cased field name after `PARCOURS_`)."""
        environ = dict(os.environ if environ is None else environ)
        values: dict[str, Any] = {"lang": configured_language(environ)}
        for item in fields(cls):
            if item.name in ("extra", "lang"):
                continue
            raw = environ.get("PARCOURS_" + item.name.upper())
            if raw is None:
                continue
            default = getattr(cls, item.name, None)
            if item.type == "int | None":
                values[item.name] = int(raw)
            elif isinstance(default, bool):
                values[item.name] = _as_bool(raw)
            elif isinstance(default, int):
                values[item.name] = int(raw)
            elif isinstance(default, float):
                values[item.name] = float(raw)
            elif isinstance(default, tuple):
                values[item.name] = _split(raw)
            else:
                values[item.name] = raw
        values.update({key: value for key, value in overrides.items() if value is not None})
        config = cls(**values)
        config.lang = language_of(config.lang) or DEFAULT_LANGUAGE
        return config

    def bootstrap_spec(self) -> str | None:
        """The first credential to create, from the variable or else the file."""
        if self.bootstrap_credential:
            return self.bootstrap_credential
        if self.bootstrap_credential_file:
            with open(self.bootstrap_credential_file, encoding="utf-8") as handle:
                return handle.read().strip() or None
        return None


def app_config(app: "Flask") -> Config:
    """The Config of a running app."""
    return app.extensions[CONFIG_KEY]
