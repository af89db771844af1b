"""HTTP Basic authentication against credentials stored hashed, and scopes.

A credential is a key, a secret (stored as a salted scrypt hash), scopes and the
authority agent that the LRS writes into every statement it stores for it.
Checking scrypt costs tens of milliseconds by design, so a verified credential is
remembered in memory for `Config.credential_cache_seconds` (keyed by a fast digest of
the secret, never the secret itself); revoking clears this process's memory at once
and other workers' within that delay.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Hashable, Iterable

import orjson
import sqlalchemy
from flask import current_app, g, request
from sqlalchemy.engine import Connection, Engine

from lrs.db import current_engine
from lrs.errors import XAPIError
from lrs.tables import credentials
from validators.bilingual import BilingualError
from validators.xapi import is_iri

SCOPES = (
    "statements/write",
    "statements/read",
    "statements/read/mine",
    "all/read",
    "all",
    "state",
    "define",
    "profile",
    "reports/read",  # read-only analyst access to /reports (lrs.reports)
    "metrics/read",  # /metrics for a monitoring system (lrs.metrics)
    "courses/write",  # publish and unpublish course packages (lrs.courses)
    "catalogue/read",  # read the catalogue when it is not public (PARCOURS_CATALOGUE_PUBLIC=off)
)
DEFAULT_SCOPES = ("statements/write", "statements/read/mine")
# The scopes of a read-only request are also granted by `all/read`.
READ_SCOPES = {"statements/read", "statements/read/mine", "state", "profile"}

_SCRYPT = {"n": 2**14, "r": 8, "p": 1, "dklen": 32}
# The authority of statements written with a course-scoped key: the course's content
# itself said it, in a learner's browser (reports may show or filter them).
SELF_REPORTED_HOMEPAGE = "https://w3id.org/xapi/parcours/authority/self-reported"
# A course-scoped key's limits live in the scopes column, after its one scope.
_RESTRICTIONS = ("course", "homepage", "origin")
_SCOPES_COLUMN_LENGTH = 500


@dataclass(frozen=True)
class CourseScope:
    """A write-only key that ships inside packages (dual tracking): it may only POST or PUT
    statements about one course, for learners of the listed LMSs (lrs.course_keys)."""

    iri: str
    home_pages: tuple[str, ...]
    origins: tuple[str, ...]  # browser origins allowed (CORS); empty: the home pages' origins

    def covers(self, activity_id: Any) -> bool:
        prefix = self.iri.rstrip("/")
        return isinstance(activity_id, str) and (activity_id == self.iri or activity_id.startswith(prefix + "/"))

    def allowed_origins(self) -> tuple[str, ...]:
        return self.origins or tuple(dict.fromkeys(_origin_of(url) for url in self.home_pages))

    def tokens(self) -> list[str]:
        return ([f"course={self.iri}"] + [f"homepage={url}" for url in self.home_pages]
                + [f"origin={origin}" for origin in self.origins])


def _origin_of(url: str) -> str:
    scheme, _, rest = url.partition("://")
    return f"{scheme.lower()}://{rest.split('/', 1)[0].lower()}"


@dataclass(frozen=True)
class Credential:
    key: str
    scopes: frozenset[str]
    authority: dict[str, Any]
    name: str = ""
    created_at: str = ""
    revoked_at: str | None = None
    course: CourseScope | None = None

    def allows(self, *wanted: str, read_only: bool = False) -> bool:
        if "all" in self.scopes:
            return True
        if read_only and "all/read" in self.scopes:
            return True
        return any(scope in self.scopes for scope in wanted)

    @property
    def can_read_all_statements(self) -> bool:
        return bool(self.scopes & {"all", "all/read", "statements/read"})

    @property
    def can_define(self) -> bool:
        return bool(self.scopes & {"all", "define"})


class CredentialError(BilingualError, ValueError):
    """A credential that cannot be created: the message says why, in both languages."""


def hash_secret(secret: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(secret.encode(), salt=salt, **_SCRYPT)
    return "scrypt$%s$%s" % (base64.b64encode(salt).decode(), base64.b64encode(digest).decode())


def check_secret(secret: str, stored: str) -> bool:
    try:
        scheme, salt, digest = stored.split("$")
    except ValueError:
        return False
    if scheme != "scrypt":
        return False
    computed = hashlib.scrypt(secret.encode(), salt=base64.b64decode(salt), **_SCRYPT)
    return hmac.compare_digest(computed, base64.b64decode(digest))


def parse_scopes(value: str | Iterable[str]) -> frozenset[str]:
    items = value.replace(" ", ",").split(",") if isinstance(value, str) else list(value)
    scopes = frozenset(item.strip() for item in items if item.strip())
    unknown = sorted(scopes - set(SCOPES))
    if unknown:
        raise CredentialError(
            f"portée(s) inconnue(s) : {', '.join(unknown)} (portées connues : {', '.join(SCOPES)})",
            f"unknown scope(s): {', '.join(unknown)} (known: {', '.join(SCOPES)})",
        )
    if not scopes:
        raise CredentialError("au moins une portée est requise", "at least one scope is required")
    return scopes


def authority_agent(key: str, name: str, email: str | None, homepage: str) -> dict[str, Any]:
    agent: dict[str, Any] = {"objectType": "Agent", "name": name or key}
    if email:
        agent["mbox"] = email if email.startswith("mailto:") else "mailto:" + email
    else:
        agent["account"] = {"homePage": homepage, "name": key}
    return agent


def _row_to_credential(row: Any) -> Credential:
    tokens = row.scopes.split()
    limits: dict[str, list[str]] = {name: [] for name in _RESTRICTIONS}
    for token in tokens:
        name, equals, value = token.partition("=")
        if equals and name in limits:
            limits[name].append(value)
    course = None
    if limits["course"]:
        course = CourseScope(limits["course"][0], tuple(limits["homepage"]), tuple(limits["origin"]))
    return Credential(
        key=row.key,
        scopes=frozenset(token for token in tokens if "=" not in token),
        authority=orjson.loads(row.authority),
        name=row.name,
        created_at=row.created_at,
        revoked_at=row.revoked_at,
        course=course,
    )


def _check_course_scope(course: CourseScope) -> None:
    if not is_iri(course.iri) or any(c.isspace() for c in course.iri):
        raise CredentialError(f"--course : {course.iri!r} n'est pas un IRI", f"--course: {course.iri!r} is not an IRI")
    check_course_key_limits(course.home_pages, course.origins)


def check_course_key_limits(home_pages: tuple[str, ...], origins: tuple[str, ...]) -> None:
    """The LMS addresses and browser origins of a course key, checked before anything is stored."""
    if not home_pages:
        raise CredentialError("une clé de cours demande au moins un --home-page (le LMS des apprenants)",
                              "a course-scoped key needs at least one --home-page (the LMS of the learners)")
    for option, values in (("--home-page", home_pages), ("--origin", origins)):
        for value in values:
            if not value.lower().startswith(("http://", "https://")) or any(c.isspace() for c in value):
                raise CredentialError(f"{option} : {value!r} n'est pas une adresse http(s)",
                                      f"{option}: {value!r} is not an http(s) address")


def create_credential(
    connection: Connection,
    *,
    key: str | None = None,
    secret: str | None = None,
    scopes: str | Iterable[str] = DEFAULT_SCOPES,
    name: str = "",
    authority_email: str | None = None,
    authority_homepage: str = "https://lrs.parcours.invalid",
    secret_hash: str | None = None,
    course: CourseScope | None = None,
) -> tuple[Credential, str]:
    """Store a new credential; return it with its secret (generated when not given).

    `secret_hash` (from `hash_secret`) stores an already hashed secret, as when
    credentials move from another installation; the secret returned is then "".
    `course` makes the course-scoped write-only key of dual tracking: its only scope is
    statements/write, under the limits of lrs.course_keys, and its authority says
    "self-reported".
    """
    key = key or secrets.token_urlsafe(18)
    secret = secret or secrets.token_urlsafe(24)
    if ":" in key:
        raise CredentialError("la clé ne doit pas contenir « : »", "the key must not contain ':'")
    scope_set = parse_scopes(scopes)
    stored_scopes = " ".join(sorted(scope_set))
    if course is not None:
        _check_course_scope(course)
        scope_set = frozenset({"statements/write"})
        stored_scopes = " ".join(["statements/write"] + course.tokens())
        if len(stored_scopes) > _SCOPES_COLUMN_LENGTH:
            raise CredentialError("l'IRI du cours, les adresses des LMS et les origines sont trop longs ensemble",
                                  "the course IRI, home pages and origins are too long together")
        authority_homepage, authority_email = SELF_REPORTED_HOMEPAGE, None
    existing = connection.execute(sqlalchemy.select(credentials.c.key).where(credentials.c.key == key)).first()
    if existing:
        raise CredentialError(f"la clé {key!r} existe déjà", f"the key {key!r} already exists")
    credential = Credential(
        key=key,
        scopes=scope_set,
        authority=authority_agent(key, name, authority_email, authority_homepage),
        name=name,
        created_at=datetime.now(timezone.utc).isoformat(),
        course=course,
    )
    connection.execute(
        credentials.insert().values(
            key=key,
            secret_hash=secret_hash or hash_secret(secret),
            name=name,
            scopes=stored_scopes,
            authority=orjson.dumps(credential.authority).decode(),
            created_at=credential.created_at,
        )
    )
    return credential, "" if secret_hash else secret


def list_credentials(connection: Connection) -> list[Credential]:
    rows = connection.execute(sqlalchemy.select(credentials).order_by(credentials.c.created_at, credentials.c.key))
    return [_row_to_credential(row) for row in rows]


def revoke_credential(connection: Connection, key: str) -> bool:
    """Revoke a credential (kept for the record: its statements name it); False if unknown."""
    result = connection.execute(
        credentials.update()
        .where(credentials.c.key == key, credentials.c.revoked_at.is_(None))
        .values(revoked_at=datetime.now(timezone.utc).isoformat())
    )
    _cache.forget(key)
    return result.rowcount > 0


def ensure_bootstrap_credential(engine: Engine, spec: str, authority_homepage: str) -> bool:
    """Create the credential `key:secret[:scopes]` if its key is new; True if created."""
    parts = spec.split(":", 2)
    if len(parts) < 2 or not parts[0] or not parts[1]:
        raise CredentialError(
            "PARCOURS_BOOTSTRAP_CREDENTIAL doit être clé:secret[:portée,portée]",
            "PARCOURS_BOOTSTRAP_CREDENTIAL must be key:secret[:scope,scope]",
        )
    key, secret = parts[0], parts[1]
    scopes = parts[2] if len(parts) == 3 and parts[2] else "all"
    with engine.connect().execution_options(parcours_write=True) as connection, connection.begin():
        found = connection.execute(sqlalchemy.select(credentials.c.key).where(credentials.c.key == key)).first()
        if found:
            return False
        create_credential(
            connection, key=key, secret=secret, scopes=scopes, name=key, authority_homepage=authority_homepage
        )
        return True


@dataclass
class _CredentialCache:
    # keyed by (database, key): several apps in one process may serve different databases
    entries: dict[tuple[Hashable, str], tuple[bytes, float, Credential]] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def get(self, database: Hashable, key: str, secret: str) -> Credential | None:
        entry = self.entries.get((database, key))
        if entry is None:
            return None
        digest, expires, credential = entry
        if time.monotonic() > expires or not hmac.compare_digest(digest, _fast_digest(key, secret)):
            return None
        return credential

    def put(self, database: Hashable, key: str, secret: str, credential: Credential, seconds: float) -> None:
        with self.lock:
            self.entries[(database, key)] = (_fast_digest(key, secret), time.monotonic() + seconds, credential)

    def forget(self, key: str) -> None:
        with self.lock:
            for cached in [cached for cached in self.entries if cached[1] == key]:
                del self.entries[cached]

    def clear(self) -> None:
        with self.lock:
            self.entries.clear()


_PEPPER = secrets.token_bytes(16)  # per process: cached digests mean nothing elsewhere
_cache = _CredentialCache()


def _fast_digest(key: str, secret: str) -> bytes:
    return hashlib.sha256(_PEPPER + key.encode() + b"\0" + secret.encode()).digest()


def authenticate(engine: Engine, key: str, secret: str, cache_seconds: float = 30.0) -> Credential | None:
    """The credential for key/secret, or None when unknown, revoked or wrong."""
    database = engine.url  # hashable: no string rendering on every request
    cached = _cache.get(database, key, secret)
    if cached is not None:
        return cached
    with engine.connect() as connection:
        row = connection.execute(sqlalchemy.select(credentials).where(credentials.c.key == key)).first()
    if row is None or row.revoked_at is not None or not check_secret(secret, row.secret_hash):
        return None
    credential = _row_to_credential(row)
    _cache.put(database, key, secret, credential, cache_seconds)
    return credential


def _basic_auth() -> tuple[str, str] | None:
    header = request.headers.get("Authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "basic" or not value:
        return None
    try:
        decoded = base64.b64decode(value.strip(), validate=True).decode("utf-8")
    except (ValueError, UnicodeDecodeError):
        return None
    key, sep, secret = decoded.partition(":")
    if not sep:
        return None
    return key, secret


def current_credential() -> Credential:
    """The credential of this request; 401 when missing or wrong."""
    credential = g.get("credential")
    if credential is not None:
        return credential
    pair = _basic_auth()
    if pair is None:
        raise XAPIError(
            401,
            "Authentification requise : HTTP Basic avec une clé et un secret du LRS.",
            "Authentication required: HTTP Basic with an LRS key and secret.",
            "Authorization",
        )
    credential = authenticate(
        current_engine(), pair[0], pair[1], current_app.config.get("PARCOURS_CREDENTIAL_CACHE_SECONDS", 30.0)
    )
    if credential is None:
        raise XAPIError(
            401,
            "Clé inconnue ou révoquée, ou secret incorrect.",
            "Unknown or revoked key, or wrong secret.",
            "Authorization",
        )
    g.credential = credential
    request.environ["parcours.credential_key"] = credential.key  # for the request log
    return credential


def check_scope(*scopes: str) -> Credential:
    """Authenticate and check that the credential holds one of `scopes` (or `all`;
    `all/read` also grants read-only requests); 403 otherwise."""
    credential = current_credential()
    read_only = request.method in ("GET", "HEAD")
    if not credential.allows(*scopes, read_only=read_only):
        raise XAPIError(
            403,
            f"Cette clé n'a pas la portée nécessaire ici ({' ou '.join(scopes)}).",
            f"This credential lacks the scope needed here ({' or '.join(scopes)}).",
            "Authorization",
        )
    return credential
