"""What a course-scoped write-only key may do (dual tracking; threat model in docs/lrs.md).

Such a key ships inside SCORM packages, so anyone can read it. With it a client may
only POST or PUT statements whose object, parent and grouping activities lie under
the course's IRI and whose actor is an account of one of the allowed LMSs; it reads
nothing, writes no document, voids nothing (the object must be an activity), sends no
attachments; a browser may use it only from the allowed origins; and each client
address gets at most `Config.course_key_requests_per_minute` requests a minute (429
beyond, in this process). Every statement it writes carries the "self-reported"
authority (`lrs.auth.SELF_REPORTED_HOMEPAGE`).
"""

from __future__ import annotations

import threading
import time
from collections import deque
from typing import Any

import orjson
from flask import Flask, Response, current_app, g, request

from lrs.auth import CourseScope, Credential, current_credential
from lrs.config import app_config
from lrs.errors import XAPIError
from lrs.statements.intake import statements_sent

WINDOW_SECONDS = 60.0
LIMITER_KEY = "parcours.course_key_limiter"


class _RateLimiter:
    """Requests of the last minute per (key, client address), kept in memory."""

    def __init__(self) -> None:
        self._seen: dict[tuple[str, str], deque[float]] = {}
        self._lock = threading.Lock()

    def admit(self, key: str, address: str, limit: int) -> float | None:
        """None when admitted, else the seconds until the oldest request leaves the window."""
        now = time.monotonic()
        with self._lock:
            times = self._seen.setdefault((key, address), deque())
            while times and now - times[0] >= WINDOW_SECONDS:
                times.popleft()
            if len(times) >= limit:
                return WINDOW_SECONDS - (now - times[0])
            times.append(now)
            if len(self._seen) > 100_000:  # many addresses: forget the idle ones
                for idle in [k for k, v in self._seen.items() if not v or now - v[-1] >= WINDOW_SECONDS]:
                    del self._seen[idle]
            return None


def _refuse(message_fr: str, message_en: str, field: str) -> XAPIError:
    return XAPIError(403, message_fr, message_en, field)


def _ids(value: Any) -> list[Any]:
    """The ids of a contextActivities entry (an object or, as the spec prefers, a list)."""
    items = value if isinstance(value, list) else [value]
    return [item.get("id") if isinstance(item, dict) else None for item in items]


def _outside_course(course: CourseScope, statement: Any, path: str) -> XAPIError | None:
    """Why this statement may not be written with the course's key, or None."""
    if not isinstance(statement, dict):
        return None  # not a statement: the resource answers 400
    actor = statement.get("actor")
    account = actor.get("account") if isinstance(actor, dict) else None
    if (not isinstance(account, dict) or actor.get("objectType", "Agent") != "Agent"
            or account.get("homePage") not in course.home_pages):
        return _refuse(f"{path}.actor : cette clé n'envoie que des déclarations d'apprenants de "
                       f"{', '.join(course.home_pages)} (un compte ayant l'une de ces valeurs de homePage).",
                       f"{path}.actor: this key sends statements of learners of {', '.join(course.home_pages)} "
                       "only (an account with one of these homePage values).",
                       f"{path}.actor.account.homePage")
    target = statement.get("object")
    if (not isinstance(target, dict) or target.get("objectType", "Activity") != "Activity"
            or not course.covers(target.get("id"))):
        return _refuse(f"{path}.object : cette clé n'envoie que des déclarations sur des activités sous {course.iri}.",
                       f"{path}.object: this key sends statements about activities under {course.iri} only.",
                       f"{path}.object.id")
    context = statement.get("context")
    activities = context.get("contextActivities") if isinstance(context, dict) else None
    if isinstance(activities, dict):
        for relation in ("parent", "grouping"):
            if relation in activities and not all(course.covers(i) for i in _ids(activities[relation])):
                return _refuse(
                    f"{path}.context.contextActivities.{relation} : hors de {course.iri}, auquel cette clé est limitée.",
                    f"{path}.context.contextActivities.{relation}: outside {course.iri}, which this key is limited to.",
                    f"{path}.context.contextActivities.{relation}")
    return None


def _check_rate(credential: Credential) -> None:
    limit = app_config(current_app).course_key_requests_per_minute
    wait = current_app.extensions[LIMITER_KEY].admit(credential.key, request.remote_addr or "", limit)
    if wait is not None:
        g.retry_after = max(1, round(wait))
        raise XAPIError(429, f"Trop de requêtes avec cette clé depuis cette adresse (au plus {limit} par minute).",
                        f"Too many requests with this key from this address (at most {limit} a minute).",
                        "Authorization")


def enforce_course_scope() -> None:
    """Before every xAPI request made with a course-scoped key: its limits, or 403/429."""
    if request.method == "OPTIONS" or not request.path.startswith("/xapi") or "Authorization" not in request.headers:
        return
    try:
        credential = current_credential()
    except XAPIError:
        return  # unknown key: each resource answers (or serves the public ones) as usual
    course = credential.course
    if course is None:
        return
    _check_rate(credential)
    origin = request.headers.get("Origin")
    if origin is not None and origin not in course.allowed_origins():
        raise _refuse(f"Cette clé n'est pas utilisable depuis {origin} (origines permises : "
                      f"{', '.join(course.allowed_origins())}).",
                      f"This key is not usable from {origin} (allowed: {', '.join(course.allowed_origins())}).", "Origin")
    if request.path.rstrip("/") != "/xapi/statements" or request.method not in ("POST", "PUT"):
        raise _refuse("Cette clé ne peut qu'envoyer des déclarations sur son cours : elle ne lit rien et "
                      "n'écrit aucun document.",
                      "This key may only send statements about its course: it reads nothing and writes no document.", "Authorization")
    if request.mimetype != "application/json":
        raise _refuse("Cette clé n'envoie des déclarations qu'en application/json (sans pièce jointe).",
                      "This key sends statements as application/json only (no attachments).", "Content-Type")
    try:
        body = orjson.loads(request.get_data(cache=True))
    except orjson.JSONDecodeError:
        return  # the resource answers 400
    items, paths = statements_sent(body)
    for item, path in zip(items, paths):
        problem = _outside_course(course, item, path)
        if problem is not None:
            raise problem


def add_retry_after(response: Response) -> Response:
    if response.status_code == 429 and g.get("retry_after"):
        response.headers["Retry-After"] = str(g.retry_after)
    return response


def register_course_keys(app: Flask) -> None:
    app.extensions[LIMITER_KEY] = _RateLimiter()
    app.before_request(enforce_course_scope)
    app.after_request(add_retry_after)
