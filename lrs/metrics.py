"""`/metrics` in the Prometheus text format (prometheus-client).

Requests by route, method and status with their latency, statements stored and the
size of their requests, the index queue (depth and age of its oldest statement, read
when scraped) and authentication failures. The figures are those of the process
that answers: run one `parcours serve` worker per scrape target, or set
`PROMETHEUS_MULTIPROC_DIR` for gunicorn's workers to be added up.

The endpoint answers anyone when `PARCOURS_METRICS=1`, otherwise only a credential
with the `metrics/read` scope (or `all`).
"""

from __future__ import annotations

import os
import time
from typing import Any, Iterator

import orjson
from flask import Blueprint, Flask, Response, current_app
from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.exposition import CONTENT_TYPE_LATEST
from prometheus_client.registry import Collector
from sqlalchemy.engine import Engine

from lrs.auth import check_scope
from lrs.config import app_config
from lrs.db import ENGINE_KEY
from lrs.request_log import observers
from lrs.statements.backlog import queue_state

bp = Blueprint("metrics", __name__)

METRICS_KEY = "parcours.metrics"
STATEMENT_ROUTE = "/xapi/statements"
LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
BATCH_BUCKETS = (1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500)


class IndexQueueCollector(Collector):
    """Statements stored but not yet in the filter index, read from the database at
    each scrape (every process and node shares the queue)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def collect(self) -> Iterator[GaugeMetricFamily]:
        depth, oldest_us = queue_state(self.engine)
        yield GaugeMetricFamily("parcours_index_queue_depth", "Statements waiting for their filter index or their report facts.", depth)
        lag = max(0.0, time.time() - oldest_us / 1e6) if oldest_us is not None else 0.0
        yield GaugeMetricFamily("parcours_index_queue_lag_seconds",
                                "Age of the oldest statement waiting for its filter index or its report facts.", lag)


class Metrics:
    """The metrics of one app, in a registry of its own (several apps may share a process)."""

    def __init__(self, engine: Engine) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter("parcours_http_requests", "HTTP requests answered.",
                                ("route", "method", "status"), registry=self.registry)
        self.latency = Histogram("parcours_http_request_duration_seconds", "Time to answer a request.",
                                 ("route", "method"), buckets=LATENCY_BUCKETS, registry=self.registry)
        self.stored = Counter("parcours_statements_stored", "Statements acknowledged (stored).",
                              registry=self.registry)
        self.batches = Histogram("parcours_statement_batch_size", "Statements per accepted write request.",
                                 buckets=BATCH_BUCKETS, registry=self.registry)
        self.auth_failures = Counter("parcours_auth_failures", "Requests refused for their credentials.",
                                     ("reason",), registry=self.registry)
        self.queue = IndexQueueCollector(engine)
        self.registry.register(self.queue)

    def observe(self, method: str, route: str, status: int, seconds: float, environ: dict[str, Any]) -> None:
        self.requests.labels(route, method, str(status)).inc()
        self.latency.labels(route, method).observe(seconds)
        if status == 401:
            self.auth_failures.labels("unauthenticated").inc()
        elif status == 403:
            self.auth_failures.labels("forbidden").inc()
        stored = environ.get(STORED_KEY)
        if stored:
            self.stored.inc(stored)
            self.batches.observe(stored)

    def exposition(self) -> bytes:
        if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
            from prometheus_client import multiprocess

            registry = CollectorRegistry()
            multiprocess.MultiProcessCollector(registry)
            registry.register(self.queue)
            return generate_latest(registry)
        return generate_latest(self.registry)


STORED_KEY = "parcours.statements_stored"


def _count_stored(response: Response) -> Response:
    """After an accepted statement write: how many statements it stored."""
    from flask import request

    if request.path.rstrip("/") != STATEMENT_ROUTE or response.status_code not in (200, 204):
        return response
    if request.method == "PUT":
        request.environ[STORED_KEY] = 1
    elif request.method == "POST":
        try:
            request.environ[STORED_KEY] = len(orjson.loads(response.get_data()))
        except (orjson.JSONDecodeError, TypeError):
            pass
    return response


def init_app(app: Flask) -> None:
    metrics = Metrics(app.extensions[ENGINE_KEY])
    app.extensions[METRICS_KEY] = metrics
    observers(app).append(metrics.observe)
    app.after_request(_count_stored)


@bp.route("/metrics", methods=["GET"])
def metrics_text() -> Response:
    if not app_config(current_app).metrics:
        check_scope("metrics/read")
    return Response(current_app.extensions[METRICS_KEY].exposition(), content_type=CONTENT_TYPE_LATEST)
