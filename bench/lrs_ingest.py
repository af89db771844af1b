"""Statement ingest rate and query latency of `parcours serve` (SQLite, gunicorn).

Posts realistic Moodle-like statements in batches of 1, 10 and 100 with 4 concurrent
clients (separate processes) against `parcours serve --workers 2` on a temporary
SQLite file, and prints statements/s beside a bare SQLite insert of the same JSON
(one row per statement with a few indexed columns, transactions of 100) measured in
the same run. Then times the query mix (agent, verb, activity, registration,
related_activities, and following `more` pages) with the statements stored.

On SQLite the LRS answers once statements are stored and indexes them in the
background, in chunks, once writes pause (`lrs.statements.backlog`); a filtered query
reads the queued statements beside the index (`lrs.statements.queued_keys`), a report
first writes the facts left. So two rates are printed per batch size: "answered", the
statements/s the clients see, and "visible", the statements posted divided by the time
until a filtered query answers with every one of them. The burst also prints when the
index and report facts are all written and the server's CPU time per statement, those
included.

    .venv/bin/python bench/lrs_ingest.py                    # 100,000 statements
    .venv/bin/python bench/lrs_ingest.py --count 20000      # quicker
    .venv/bin/python bench/lrs_ingest.py --million          # also fill to 1,000,000 and query again
    .venv/bin/python bench/lrs_ingest.py --burst            # 20,000 in one burst: answered, sustained, lag, p99
    BENCH_THREADS=1 .venv/bin/python bench/lrs_ingest.py --burst --workers 2   # the same, 2 workers without threads
    BENCH_THREADS=8 .venv/bin/python bench/lrs_ingest.py    # gthread workers (default: sync workers)

With --million the extra statements are written by the LRS's own storage code
(`lrs.statements.store`, the code behind POST, minus HTTP and validation) from this
process, which is how a 1,000,000-statement store is reached in minutes; the
queries are then timed over HTTP as before.
"""

from __future__ import annotations

import argparse
import base64
import http.client
import multiprocessing
import os
import random
import sqlite3
import statistics
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from urllib.parse import urlencode

import orjson

from lrs.config import Config
from lrs_server import server_cpu_seconds, start_server, stop_server

KEY, SECRET = "bench", "bench-secret"
AUTH = "Basic " + base64.b64encode(f"{KEY}:{SECRET}".encode()).decode()
HEADERS = {"X-Experience-API-Version": "1.0.3", "Authorization": AUTH, "Content-Type": "application/json"}
CLIENTS = 4
# Threads per gunicorn worker. Sync workers (1) answer writes about twice as fast as 8
# threads on SQLite: a thread holding the single write lock waits for the GIL while
# its neighbours parse and validate JSON.
THREADS = int(os.environ.get("BENCH_THREADS", "1"))
HOME = "https://moodle.example.gouv.fr"
VERBS = [
    ("http://id.tincanapi.com/verb/viewed", "viewed"),
    ("http://adlnet.gov/expapi/verbs/completed", "completed"),
    ("http://adlnet.gov/expapi/verbs/attempted", "attempted"),
    ("http://adlnet.gov/expapi/verbs/answered", "answered"),
    ("http://adlnet.gov/expapi/verbs/passed", "passed"),
    ("http://adlnet.gov/expapi/verbs/failed", "failed"),
    ("http://adlnet.gov/expapi/verbs/launched", "launched"),
    ("http://activitystrea.ms/schema/1.0/create", "created"),
]
LEARNERS = 5_000
COURSES = 200
MODULES_PER_COURSE = 20


def learner(number: int) -> dict:
    return {"objectType": "Agent", "name": f"Apprenant {number}",
            "account": {"homePage": HOME, "name": str(1000 + number)}}


def course_id(course: int) -> str:
    return f"{HOME}/course/view.php?id={course}"


def module_id(course: int, module: int) -> str:
    return f"{HOME}/mod/quiz/view.php?id={course * 100 + module}"


def registration(learner_number: int, course: int) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"{learner_number}/{course}"))


def make_statement(rng: random.Random) -> dict:
    """A statement like Moodle's logstore_xapi sends: account actor, module object with a
    definition, course/site context activities, registration, often a result."""
    who = rng.randrange(LEARNERS)
    course = rng.randrange(COURSES)
    module = rng.randrange(MODULES_PER_COURSE)
    verb_id, verb_name = VERBS[rng.randrange(len(VERBS))]
    statement = {
        "id": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
        "actor": learner(who),
        "verb": {"id": verb_id, "display": {"en": verb_name}},
        "object": {
            "id": module_id(course, module),
            "objectType": "Activity",
            "definition": {
                "type": "http://adlnet.gov/expapi/activities/assessment",
                "name": {"fr": f"Quiz {module} du cours {course}", "en": f"Quiz {module} of course {course}"},
                "extensions": {"https://w3id.org/learning-analytics/learning-management-system/external-id": str(course * 100 + module)},
            },
        },
        "timestamp": "2026-03-%02dT%02d:%02d:%02d.000Z" % (rng.randint(1, 28), rng.randrange(24), rng.randrange(60), rng.randrange(60)),
        "context": {
            "registration": registration(who, course),
            "platform": "Moodle",
            "language": "fr",
            "extensions": {"http://lrs.learninglocker.net/define/extensions/info": {"https://moodle.org/": "4.3", "event_name": "\\mod_quiz\\event\\attempt_submitted"}},
            "contextActivities": {
                "grouping": [
                    {"id": HOME, "objectType": "Activity", "definition": {"type": "http://id.tincanapi.com/activitytype/lms", "name": {"fr": "Mentor"}}},
                    {"id": course_id(course), "objectType": "Activity", "definition": {"type": "http://id.tincanapi.com/activitytype/lms/course", "name": {"fr": f"Cours {course}"}}},
                ],
                "category": [{"id": "http://moodle.org", "objectType": "Activity", "definition": {"type": "http://id.tincanapi.com/activitytype/source", "name": {"en": "Moodle"}}}],
            },
        },
    }
    if verb_id.endswith(("completed", "passed", "failed", "answered")):
        scaled = round(rng.random(), 2)
        statement["result"] = {"score": {"raw": int(scaled * 20), "min": 0, "max": 20, "scaled": scaled},
                               "completion": True, "success": scaled >= 0.5, "duration": f"PT{rng.randint(1, 3600)}S"}
    return statement


# --- posting -------------------------------------------------------------------------


def _post_bodies(args: tuple[int, list[bytes]]) -> int:
    port, bodies = args
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    for body in bodies:
        connection.request("POST", "/xapi/statements", body=body, headers=HEADERS)
        response = connection.getresponse()
        response.read()
        if response.status != 200:
            raise RuntimeError(f"POST answered {response.status}")
    return len(bodies)


def post_all(port: int, statements: list[dict], batch: int) -> float:
    """Statements/s for posting `statements` in batches with CLIENTS processes."""
    bodies = [orjson.dumps(statements[i:i + batch] if batch > 1 else statements[i])
              for i in range(0, len(statements), batch)]
    shares = [(port, bodies[i::CLIENTS]) for i in range(CLIENTS)]
    with multiprocessing.get_context("fork").Pool(CLIENTS) as pool:
        started = time.perf_counter()
        pool.map(_post_bodies, shares)
        elapsed = time.perf_counter() - started
    return len(statements) / elapsed


def wait_until_visible(port: int) -> float:
    """Seconds until a filtered query answers, every statement stored visible to it."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    started = time.perf_counter()
    _get(connection, "/xapi/statements?" + urlencode({"verb": VERBS[0][0], "limit": 1}))
    return time.perf_counter() - started


def wait_until_reports_written(port: int) -> float:
    """Seconds until nothing waits for its index or its report facts (`/health/ready`),
    without reading a report (which would write them at once)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    started = time.perf_counter()
    while True:
        connection.request("GET", "/health/ready")
        response = connection.getresponse()
        depth = orjson.loads(response.read())["checks"]["index_queue"]["depth"]
        if depth == 0:
            return time.perf_counter() - started
        time.sleep(0.05)


def bare_sqlite_rate(statements: list[dict], directory: Path) -> float:
    """The floor of any SQLite LRS: the same JSON plus a few indexed columns, 100 per transaction."""
    path = directory / f"bare-{uuid.uuid4().hex[:8]}.db"
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=NORMAL")
    db.execute("CREATE TABLE s (seq INTEGER PRIMARY KEY, id TEXT UNIQUE, stored INTEGER, actor TEXT, verb TEXT, activity TEXT, registration TEXT, body TEXT)")
    for column in ("actor", "verb", "activity", "registration"):
        db.execute(f"CREATE INDEX s_{column} ON s ({column}, stored)")
    started = time.perf_counter()
    for start in range(0, len(statements), 100):
        rows = []
        for statement in statements[start:start + 100]:
            rows.append((statement["id"], time.time_ns() // 1000, statement["actor"]["account"]["name"],
                         statement["verb"]["id"], statement["object"]["id"], statement["context"]["registration"],
                         orjson.dumps(statement).decode()))
        db.execute("BEGIN")
        db.executemany("INSERT INTO s (id, stored, actor, verb, activity, registration, body) VALUES (?,?,?,?,?,?,?)", rows)
        db.execute("COMMIT")
    elapsed = time.perf_counter() - started
    db.close()
    for leftover in directory.glob(path.name + "*"):
        leftover.unlink()
    return len(statements) / elapsed


# --- querying -----------------------------------------------------------------------


def _get(connection: http.client.HTTPConnection, path: str) -> tuple[float, dict]:
    started = time.perf_counter()
    connection.request("GET", path, headers=HEADERS)
    response = connection.getresponse()
    body = response.read()
    elapsed = time.perf_counter() - started
    if response.status != 200:
        raise RuntimeError(f"GET {path} answered {response.status}: {body[:300]!r}")
    return elapsed, orjson.loads(body)


def query_mix(port: int, rng: random.Random, rounds: int) -> dict[str, list[float]]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    timings: dict[str, list[float]] = {}

    def run(name: str, params: dict) -> dict:
        elapsed, body = _get(connection, "/xapi/statements?" + urlencode(params))
        timings.setdefault(name, []).append(elapsed)
        return body

    for _ in range(rounds):
        who = rng.randrange(LEARNERS)
        course = rng.randrange(COURSES)
        run("agent", {"agent": orjson.dumps(learner(who)).decode(), "limit": 25})
        run("verb", {"verb": VERBS[rng.randrange(len(VERBS))][0], "limit": 25})
        run("activity", {"activity": module_id(course, rng.randrange(MODULES_PER_COURSE)), "limit": 25})
        run("registration", {"registration": registration(who, course)})
        run("related_activities", {"activity": course_id(course), "related_activities": "true", "limit": 25})
        run("agent+verb", {"agent": orjson.dumps(learner(who)).decode(), "verb": VERBS[1][0]})
        page = run("first page", {"limit": 50})
        if page["more"]:
            elapsed, _ = _get(connection, page["more"])
            timings.setdefault("more page", []).append(elapsed)
    return timings


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def print_queries(stored: int, timings: dict[str, list[float]]) -> float:
    everything = [value for values in timings.values() for value in values]
    print(f"\nquery mix with {stored:,} statements stored (ms)")
    print(f"  {'query':<20}{'p50':>8}{'p95':>8}")
    for name, values in timings.items():
        print(f"  {name:<20}{statistics.median(values) * 1000:8.1f}{percentile(values, 0.95) * 1000:8.1f}")
    p95 = percentile(everything, 0.95) * 1000
    print(f"  {'all':<20}{statistics.median(everything) * 1000:8.1f}{p95:8.1f}   (target p95 < 50 ms)")
    return p95


def fill(database: Path, rng: random.Random, total: int, have: int) -> None:
    """Write statements through the LRS storage layer until `total` are stored."""
    from lrs.auth import Credential, authority_agent
    from lrs.db import engine_for, write_transaction
    from lrs.statements.store import prepare_batch, write_batch

    engine = engine_for(f"sqlite:///{database}")
    credential = Credential(key=KEY, scopes=frozenset({"all"}),
                            authority=authority_agent(KEY, KEY, None, "https://lrs.parcours.invalid"))
    started = time.perf_counter()
    while have < total:
        batch = prepare_batch([make_statement(rng) for _ in range(min(1000, total - have))],
                              version="1.0.3", credential=credential)
        with write_transaction(engine) as connection:
            write_batch(connection, batch)
        have += len(batch.statements)
        if have % 100_000 == 0:
            print(f"  stored {have:,} ({(time.perf_counter() - started):.0f} s)", flush=True)
    engine.dispose()


# --- a burst with a dashboard reading: answered, sustained, lag, query latency -------------


_ACKS = None  # the queue of (marker, time answered) from the posting processes, set before they fork


def _post_marked(args: tuple[int, list[tuple[str, bytes]]]) -> int:
    """Post batches (their JSON bodies); after each one's answer, hand its marker (a
    registration only its first statement has) and the time of the answer to the dashboard."""
    port, batches = args
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
    for marker, body in batches:
        connection.request("POST", "/xapi/statements", body=body, headers=HEADERS)
        response = connection.getresponse()
        response.read()
        if response.status != 200:
            raise RuntimeError(f"POST answered {response.status}")
        _ACKS.put((marker, time.time()))  # type: ignore[union-attr]
    return len(batches)


def _dashboard(port: int, acks: "multiprocessing.Queue[tuple[str, float]]", expected: int,
               done: "multiprocessing.Queue[tuple[list[float], list[float], float]]", every: float) -> None:
    """A filtered query every `every` seconds: the registration of the batch answered
    last, again until it is visible (its lag: from its answer to then), then the
    newest again. Once every batch is answered, each one is checked until visible,
    from as many connections as there are clients: the sustained rate ends there."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
    answered: dict[str, float] = {}
    latencies: list[float] = []
    lags: list[float] = []
    probing: str | None = None

    def visible(marker: str, through: http.client.HTTPConnection = connection) -> bool:
        elapsed, body = _get(through, "/xapi/statements?" + urlencode({"registration": marker}))
        latencies.append(elapsed)
        return bool(body["statements"])

    def check_all(markers: list[str]) -> None:
        checker = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
        for marker in markers:
            while not visible(marker, checker):
                time.sleep(every)

    newest = ""
    while len(answered) < expected or probing is not None:
        tick = time.perf_counter()
        while not acks.empty():
            marker, at = acks.get()
            answered[marker] = at
            newest = marker
        probing = probing or newest or None
        if probing is not None and visible(probing):
            lags.append(time.time() - answered[probing])
            probing = None
            newest = ""
        time.sleep(max(0.0, every - (time.perf_counter() - tick)))
    markers = list(answered)  # every batch, now that all are answered
    checkers = [threading.Thread(target=check_all, args=(markers[i::CLIENTS],)) for i in range(CLIENTS)]
    for checker in checkers:
        checker.start()
    for checker in checkers:
        checker.join()
    done.put((latencies, lags, time.time()))


def burst(port: int, statements: list[dict], *, dashboard: bool, every: float = 0.02) -> dict[str, float]:
    """Post `statements` in batches of 100 from CLIENTS processes, with or without a
    dashboard reading; the rates and, with the dashboard, lag and query percentiles."""
    global _ACKS
    batches = [statements[i:i + 100] for i in range(0, len(statements), 100)]
    for batch in batches:
        batch[0]["context"]["registration"] = str(uuid.uuid4())
    # Serialized before the clock starts, as `post_all` does: the clients hand the pool
    # bytes, not 20,000 dictionaries to pickle and unpickle while the server works.
    payloads = [(batch[0]["context"]["registration"], orjson.dumps(batch)) for batch in batches]
    context = multiprocessing.get_context("fork")
    _ACKS = acks = context.Queue()
    done = context.Queue()
    reader = None
    if dashboard:
        reader = context.Process(target=_dashboard, args=(port, acks, len(batches), done, every))
        reader.start()
    with context.Pool(CLIENTS) as pool:
        started = time.time()
        pool.map(_post_marked, [(port, payloads[i::CLIENTS]) for i in range(CLIENTS)])
        answered_at = time.time()
        pool.close()
        pool.join()  # let the posting processes hand over their last answers before they end
    figures = {"answered": len(statements) / (answered_at - started)}
    if reader is None:
        figures["sustained"] = len(statements) / (answered_at - started + wait_until_visible(port))
        return figures
    latencies, lags, last_visible = done.get()
    reader.join()
    figures["sustained"] = len(statements) / (last_visible - started)
    figures["lag p50"] = statistics.median(lags)
    figures["lag p99"] = percentile(lags, 0.99)
    figures["lag samples"] = len(lags)
    for fraction in (0.50, 0.95, 0.99):
        figures[f"query p{int(fraction * 100)}"] = percentile(latencies, fraction) * 1000
    figures["query max"] = max(latencies) * 1000  # with few queries, p99 hides the one that waited
    figures["queries"] = len(latencies)
    return figures


def run_bursts(directory: Path, rng: random.Random, count: int, workers: int, threads: int) -> None:
    print(f"burst: {count:,} statements in batches of 100 from {CLIENTS} clients, parcours serve --workers {workers}"
          f" --threads {threads}, SQLite (WAL); load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    server, port = start_server(directory / "burst.db", workers=workers, threads=threads,
                                env={"PARCOURS_BOOTSTRAP_CREDENTIAL": f"{KEY}:{SECRET}:all"})
    try:
        for dashboard in (False, True):
            bare = bare_sqlite_rate([make_statement(rng) for _ in range(count)], directory)
            cpu_before = server_cpu_seconds(server)
            figures = burst(port, [make_statement(rng) for _ in range(count)], dashboard=dashboard)
            reports_after = wait_until_reports_written(port)
            cpu_us = (server_cpu_seconds(server) - cpu_before) / count * 1e6
            label = "with a dashboard (a filtered query every 20 ms)" if dashboard else "no reader"
            print(f"  {label}: answered {figures['answered']:7,.0f}/s (ratio {figures['answered'] / bare:4.2f}),"
                  f" sustained {figures['sustained']:7,.0f}/s (ratio {figures['sustained'] / bare:4.2f});"
                  f"   bare insert {bare:7,.0f}/s", flush=True)
            print(f"    index and report facts all written {reports_after:.1f} s later; server CPU {cpu_us:,.0f} us per statement,"
                  " report facts included", flush=True)
            if dashboard:
                print(f"    visible to filtered queries after the answer ({figures['lag samples']:,.0f} batches probed):"
                      f" p50 {figures['lag p50'] * 1000:,.0f} ms, p99 {figures['lag p99'] * 1000:,.0f} ms"
                      " (target p99 < 1,000 ms)")
                print(f"    filtered queries during and right after the burst ({figures['queries']:,.0f}):"
                      f" p50 {figures['query p50']:.1f} ms, p95 {figures['query p95']:.1f} ms,"
                      f" p99 {figures['query p99']:.1f} ms, max {figures['query max']:,.1f} ms (target p99 < 100 ms)",
                      flush=True)
    finally:
        stop_server(server)
    print("  targets: sustained >= 0.5 x bare insert (report model on), lag p99 < 1 s, query p99 < 100 ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=100_000, help="statements posted per batch size")
    parser.add_argument("--million", action="store_true", help="also fill to 1,000,000 statements and query")
    parser.add_argument("--rounds", type=int, default=60, help="rounds of the query mix")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--burst", action="store_true",
                        help="only the burst: --count statements (default 20,000), 1 worker of 8 threads, "
                             "with and without a dashboard reading")
    args = parser.parse_args()
    rng = random.Random(20260301)
    with tempfile.TemporaryDirectory(prefix="parcours-bench-") as tmp:
        directory = Path(tmp)
        if args.burst:
            count = args.count if "--count" in sys.argv else 20_000
            run_bursts(directory, rng, count, 1 if "--workers" not in sys.argv else args.workers,
                       int(os.environ.get("BENCH_THREADS", "8")))
            return
        print(f"{args.count:,} Moodle-like statements, {CLIENTS} clients, gunicorn --workers {args.workers}, SQLite (WAL)")
        print("  each LRS rate is printed beside a bare SQLite insert of the same kind of JSON")
        print("  (4 indexed columns, 100 per transaction) measured just before it, on the same machine")
        print(f"  load average at start: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
        baseline_size = min(args.count, 20_000)
        server, port = start_server(directory / "lrs.db", workers=args.workers, threads=THREADS,
                                    env={"PARCOURS_BOOTSTRAP_CREDENTIAL": f"{KEY}:{SECRET}:all"})
        try:
            stored = 0
            for batch in (1, 10, 100):
                bare = bare_sqlite_rate([make_statement(rng) for _ in range(baseline_size)], directory)
                count = args.count if batch > 1 else max(1000, args.count // 10)
                rate = post_all(port, [make_statement(rng) for _ in range(count)], batch)
                visible = count / (count / rate + wait_until_visible(port))
                stored += count
                note = " (1/10 of the statements: one request each)" if batch == 1 and count != args.count else ""
                print(f"  LRS, batches of {batch:>3}: answered {rate:8,.0f}/s (ratio {rate / bare:4.2f}),"
                      f" visible {visible:8,.0f}/s (ratio {visible / bare:4.2f});   bare insert {bare:8,.0f}/s{note}",
                      flush=True)
            p95 = print_queries(stored, query_mix(port, rng, args.rounds))
            if args.million:
                print("\nfilling to 1,000,000 statements (storage layer, transactions of 1,000)")
                fill(directory / "lrs.db", rng, 1_000_000, stored)
                p95 = print_queries(1_000_000, query_mix(port, rng, args.rounds))
        finally:
            stop_server(server)
        print(f"\nload average at the end: {os.getloadavg()[0]:.1f}")
        print(f"summary: batches of 100 target >= 5,000/s and >= 0.5 x bare; query p95 {p95:.1f} ms (target < 50)")
        print(f"  ({THREADS} thread(s) per worker; indexing runs alongside writes beyond"
              f" {Config.from_env().index_backlog:,} statements waiting, PARCOURS_INDEX_BACKLOG)")


if __name__ == "__main__":
    sys.exit(main())
