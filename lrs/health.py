"""`GET /health` (the process answers) and `GET /health/ready` (it can serve: database
reachable, migrations current, index queue drained in time), in JSON, without
credentials, for load balancers and orchestrators.

Ready answers 503 with `Retry-After` when the database cannot be reached or a
migration is pending; the index queue is reported (depth, age of the oldest
statement waiting) and makes the node unready only when its oldest statement has
waited longer than `PARCOURS_READY_MAX_INDEX_LAG` seconds.
"""

from __future__ import annotations

import time
from typing import Any

import orjson
import sqlalchemy
from flask import Blueprint, Response, current_app

from lrs.config import app_config
from lrs.db import ENGINE_KEY
from lrs.errors import RETRY_AFTER_SECONDS
from lrs.migrations import applied_migrations_read_only, available_migrations
from lrs.statements.backlog import queue_state

bp = Blueprint("health", __name__)



def _json(body: dict[str, Any], status: int) -> Response:
    response = Response(orjson.dumps(body), status=status, mimetype="application/json")
    response.headers["Cache-Control"] = "no-store"
    if status == 503:
        response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


@bp.route("/health", methods=["GET"])
def live() -> Response:
    return _json({"status": "ok"}, 200)


@bp.route("/health/ready", methods=["GET"])
def ready() -> Response:
    engine = current_app.extensions[ENGINE_KEY]
    max_lag = app_config(current_app).ready_max_index_lag
    checks: dict[str, Any] = {}
    ok = True
    started = time.perf_counter()
    try:
        with engine.connect() as connection:
            connection.execute(sqlalchemy.text("SELECT 1"))
            applied = applied_migrations_read_only(connection)
        checks["database"] = {"status": "ok", "ms": round((time.perf_counter() - started) * 1000, 3)}
    except sqlalchemy.exc.SQLAlchemyError as error:
        checks["database"] = {"status": "unreachable", "error": type(error.orig or error).__name__
                              if isinstance(error, sqlalchemy.exc.DBAPIError) else type(error).__name__}
        return _json({"status": "unavailable", "checks": checks}, 503)
    pending = [name for name in available_migrations() if name not in applied]
    checks["migrations"] = {"status": "ok" if not pending else "pending", "pending": pending}
    ok = ok and not pending
    depth, oldest_us = queue_state(engine)
    age = round(max(0.0, time.time() - oldest_us / 1e6), 3) if oldest_us is not None else 0.0
    late = age > max_lag
    checks["index_queue"] = {"status": "late" if late else "ok", "depth": depth, "oldest_age_seconds": age,
                             "max_age_seconds": max_lag}
    ok = ok and not late
    return _json({"status": "ok" if ok else "unavailable", "checks": checks}, 200 if ok else 503)
