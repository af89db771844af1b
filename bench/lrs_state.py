"""State resource round trips (PUT then GET) with a million documents stored.

Fills a temporary SQLite LRS with `--documents` state documents written directly in
SQL (the keys computed exactly as the LRS does), then times `--requests` PUT/GET
round trips of random existing documents against `parcours serve` (gunicorn, as in
production), beside two baselines measured in the same run: the bare SQLite work on
the same file (a primary-key lookup and an update of one row), and the HTTP floor
(an authenticated GET of the About resource, which touches no document).

    .venv/bin/python bench/lrs_state.py                 # 1,000,000 documents
    .venv/bin/python bench/lrs_state.py --documents 100000 --requests 500
"""

from __future__ import annotations

import argparse
import base64
import http.client
import json
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

from lrs.app import create_app
from lrs.auth import create_credential
from lrs.config import Config
from lrs.db import write_transaction
from lrs.documents.store import Address, etag_of
from lrs.documents.table import STATE
from lrs.timeutil import now_utc, to_micros
from lrs_server import start_server, stop_server
from validators.xapi import agent_key

KEY, SECRET = "bench", "bench-secret"
ACTIVITIES = 50  # a catalogue of courses...
STATE_IDS = ("bookmark", "suspend_data", "progress", "preferences")  # ...and what each keeps per learner
BATCH = 50_000


def address(number: int) -> tuple[Address, dict]:
    """The number-th document: learner, course and state id spread like a real platform."""
    learner = number // (ACTIVITIES * len(STATE_IDS))
    rest = number % (ACTIVITIES * len(STATE_IDS))
    agent = {"objectType": "Agent", "account": {"homePage": "https://mentor.example.gouv.fr", "name": f"u{learner}"}}
    activity = f"https://mentor.example.gouv.fr/course/{rest // len(STATE_IDS)}"
    return Address(STATE, activity, agent_key(agent), "", STATE_IDS[rest % len(STATE_IDS)]), agent


def fill(database: Path, count: int) -> float:
    """Insert `count` documents in bulk; seconds taken."""
    started = time.perf_counter()
    connection = sqlite3.connect(database)
    connection.execute("PRAGMA synchronous=OFF")
    now = to_micros(now_utc())
    for first in range(0, count, BATCH):
        rows = []
        for number in range(first, min(first + BATCH, count)):
            place, _ = address(number)
            content = json.dumps({"page": number % 40, "score": number % 100, "seen": [1, 2, 3]}).encode()
            rows.append((place.document_key, place.context_key, place.kind, place.activity_id, place.agent_key,
                         "", place.document_id, content, "application/json", etag_of(content), now))
        with connection:
            connection.executemany(
                "INSERT INTO documents (document_key, context_key, kind, activity_id, agent_key, registration,"
                " document_id, content, content_type, etag, updated_us) VALUES (?,?,?,?,?,?,?,?,?,?,?)", rows)
        print(f"\r  {min(first + BATCH, count):>9,} documents", end="", file=sys.stderr, flush=True)
    print(file=sys.stderr)
    connection.execute("ANALYZE")
    connection.close()
    return time.perf_counter() - started


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[int(len(ordered) * 0.95) - 1]


HEADERS = {
    "X-Experience-API-Version": "1.0.3",
    "Authorization": "Basic " + base64.b64encode(f"{KEY}:{SECRET}".encode()).decode(),
}


def time_about(port: int, requests: int) -> list[float]:
    connection = http.client.HTTPConnection("127.0.0.1", port)
    timings = []
    for round_number in range(requests + 20):
        started = time.perf_counter()
        connection.request("GET", "/xapi/about", headers=HEADERS)
        response = connection.getresponse()
        response.read()
        if round_number >= 20:
            timings.append(time.perf_counter() - started)
    connection.close()
    return timings


def time_http(port: int, count: int, requests: int) -> dict[str, list[float]]:
    connection = http.client.HTTPConnection("127.0.0.1", port)
    headers = HEADERS
    timings: dict[str, list[float]] = {"PUT": [], "GET": [], "PUT+GET": []}
    rng = random.Random(7)
    for round_number in range(requests + 20):  # the first 20 warm the connection and caches
        place, agent = address(rng.randrange(count))
        query = urlencode({"activityId": place.activity_id, "agent": json.dumps(agent), "stateId": place.document_id})
        body = json.dumps({"page": round_number, "score": 50, "seen": [1, 2, 3, 4]}).encode()
        started = time.perf_counter()
        connection.request("PUT", "/xapi/activities/state?" + query, body=body,
                           headers={**headers, "Content-Type": "application/json"})
        put = connection.getresponse()
        put.read()
        middle = time.perf_counter()
        connection.request("GET", "/xapi/activities/state?" + query, headers=headers)
        got = connection.getresponse()
        content = got.read()
        ended = time.perf_counter()
        if put.status != 204 or got.status != 200 or content != body:
            raise SystemExit(f"unexpected answer: PUT {put.status}, GET {got.status}")
        if round_number >= 20:
            timings["PUT"].append(middle - started)
            timings["GET"].append(ended - middle)
            timings["PUT+GET"].append(ended - started)
    connection.close()
    return timings


def time_bare_sqlite(database: Path, count: int, requests: int) -> dict[str, list[float]]:
    connection = sqlite3.connect(database, isolation_level=None)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA synchronous=NORMAL")
    timings: dict[str, list[float]] = {"lookup": [], "update": []}
    rng = random.Random(11)
    for _ in range(requests):
        key = address(rng.randrange(count))[0].document_key
        started = time.perf_counter()
        connection.execute("SELECT content, content_type, etag, updated_us FROM documents WHERE document_key = ?",
                           (key,)).fetchone()
        middle = time.perf_counter()
        connection.execute("BEGIN IMMEDIATE")
        connection.execute("UPDATE documents SET content = ?, etag = ?, updated_us = ? WHERE document_key = ?",
                           (b'{"page":1}', etag_of(b'{"page":1}'), to_micros(now_utc()), key))
        connection.execute("COMMIT")
        ended = time.perf_counter()
        timings["lookup"].append(middle - started)
        timings["update"].append(ended - middle)
    connection.close()
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--documents", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=2_000)
    options = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="parcours-bench-") as folder:
        database = Path(folder) / "lrs.db"
        app = create_app(Config(database_url=f"sqlite:///{database}"))
        with write_transaction(app.extensions["parcours.engine"]) as connection:
            create_credential(connection, key=KEY, secret=SECRET, scopes="state")
        print(f"filling {options.documents:,} state documents ...", file=sys.stderr)
        seconds = fill(database, options.documents)
        print(f"bulk insert: {options.documents / seconds:,.0f} documents/s ({seconds:.1f} s)")

        app.extensions["parcours.engine"].dispose()
        process, port = start_server(database, workers=1, threads=4)
        try:
            lrs = time_http(port, options.documents, options.requests)
            about = time_about(port, options.requests)
        finally:
            stop_server(process)
        bare = time_bare_sqlite(database, options.documents, options.requests)

    print(f"\n{options.requests:,} round trips, {options.documents:,} state documents stored "
          "(SQLite WAL, parcours serve: gunicorn, 1 worker, 4 threads)")
    print(f"{'':<36}{'p50 ms':>10}{'p95 ms':>10}")
    rows = [(f"LRS {name} over HTTP", values) for name, values in lrs.items()]
    rows.append(("HTTP floor: GET /about (baseline)", about))
    rows += [(f"bare SQLite {name} (baseline)", values) for name, values in bare.items()]
    for label, values in rows:
        p50, p95 = percentiles(values)
        print(f"{label:<36}{p50 * 1000:>10.2f}{p95 * 1000:>10.2f}")
    baseline = [a + b for a, b in zip(bare["lookup"], bare["update"])]
    lrs_p95, base_p95 = percentiles(lrs["PUT+GET"])[1], percentiles(baseline)[1]
    floor_p95 = 2 * percentiles(about)[1]
    print(f"\nround trip p95: {lrs_p95 * 1000:.2f} ms (target < 10 ms); "
          f"{lrs_p95 / floor_p95:.2f}x two bare HTTP requests ({floor_p95 * 1000:.2f} ms), "
          f"{lrs_p95 / base_p95:.0f}x the bare SQLite lookup+update ({base_p95 * 1000:.2f} ms)")


if __name__ == "__main__":
    main()
