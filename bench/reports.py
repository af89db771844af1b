"""Reports at scale: the report pages and `parcours export statements` with
1,000,000 statements stored, each printed beside a baseline measured in the same run.

    .venv/bin/python bench/reports.py [--statements 1000000] [--database URL] [--keep]

Data: learners going through 20 published courses of 5 modules the way the packaged
runtime reports it (initialized, pages, answers, completed, passed/failed, terminated,
and the course's completion), bulk-inserted into the `statements` table with the
report model filled by the same `ingest` function as the LRS's ingest hook (the query
index rows are left out: no measured page reads them). Each course is published first
(a cmi5 package with its parcours-course.json: modules, pages, questions), so the
pages read the course structure as they do in production.

Figures:
* course page (`GET /reports/course?course=…`, HTML, through the Flask app): p50/p95
  over 60 requests; baseline: the same key figures computed by reading and parsing
  the course's stored statements (what a report without the model would do);
* overview of every course, completions over time, question analysis and drop-off
  pages: p50/p95 over 20 requests each (target < 1 s p95);
* ingest through `POST /xapi/statements` (validation, storage, indexing) of the same
  statements into two fresh databases, with the report model's hook and without:
  statements/s of each and their ratio (target >= 50 %).
* export: statements/s and peak memory (max RSS of the `parcours` process) for
  NDJSON and CSV; baseline: a bare Python loop reading every body from the database
  and writing it to a file.
"""

from __future__ import annotations

import argparse
import base64
import io
import itertools
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
import zipfile
from pathlib import Path
from typing import Iterator

import orjson
import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from lrs.app import create_app  # noqa: E402
from lrs.config import Config  # noqa: E402
from lrs.db import ENGINE_KEY, write_transaction  # noqa: E402
from lrs.reports.store import ingest  # noqa: E402
from lrs.statements.backlog import ensure_indexed  # noqa: E402
from lrs.statements.index_writer import INGEST_HOOKS  # noqa: E402
from lrs.tables import statements as statements_table  # noqa: E402

ADL = "http://adlnet.gov/expapi/verbs/"
COURSES = [f"https://formation.example.org/bench/cours-{index:02d}" for index in range(20)]
MODULES = 5
START_US = 1_767_225_600_000_000  # 2026-01-01
BATCH = 2000


def iso(us: int) -> str:
    seconds, micros = divmod(us, 1_000_000)
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(seconds)) + f".{micros:06d}Z"


def learner_history(rng: random.Random, index: int) -> list[dict]:
    course = COURSES[index % len(COURSES)]
    actor = {"objectType": "Agent", "name": f"Agent {index}", "mbox": f"mailto:agent{index}@bench.example.org"}
    registration = str(uuid.UUID(int=rng.getrandbits(128), version=4))
    now = START_US + rng.randrange(0, 90 * 86_400) * 1_000_000
    out: list[dict] = []

    def emit(verb: str, obj: dict, parent: str, grouping: str | None = None, result: dict | None = None) -> None:
        context: dict = {"registration": registration, "contextActivities": {"parent": [{"id": parent}]}}
        if grouping:
            context["contextActivities"]["grouping"] = [{"id": grouping}]
        statement = {"id": str(uuid.UUID(int=rng.getrandbits(128), version=4)), "actor": actor,
                     "verb": {"id": ADL + verb, "display": {"en-US": verb}}, "object": obj,
                     "timestamp": iso(now), "context": context}
        if result:
            statement["result"] = result
        out.append(statement)

    scores = []
    for number in range(1, MODULES + 1):
        module_id = f"{course}/modules/m{number}"
        module = {"id": module_id, "definition": {"type": "http://adlnet.gov/expapi/activities/module",
                                                  "name": {"fr": f"Module {number}"}}}
        began = now
        emit("initialized", module, course)
        for page in range(3):
            now += rng.randrange(30, 300) * 1_000_000
            emit("experienced", {"id": f"{module_id}/pages/p{page}"}, module_id, course)
        for question in range(2):
            now += rng.randrange(10, 60) * 1_000_000
            correct = rng.random() < 0.7
            emit("answered", {"id": f"{module_id}/quiz/q{question}", "definition": {
                "type": "http://adlnet.gov/expapi/activities/cmi.interaction", "interactionType": "true-false",
                "correctResponsesPattern": ["true"]}}, module_id, course,
                {"response": "true" if correct else "false", "success": correct,
                 "duration": f"PT{rng.randrange(5, 90)}S"})
        scaled = round(rng.random(), 2)
        now += 5_000_000
        emit("completed", module, course, result={"completion": True})
        emit("passed" if scaled >= 0.5 else "failed", module, course,
             result={"success": scaled >= 0.5, "score": {"scaled": scaled}})
        emit("terminated", module, course, result={"duration": f"PT{(now - began) // 1_000_000}S"})
        scores.append(scaled)
        now += rng.randrange(1, 48) * 3_600_000_000
    course_object = {"id": course, "definition": {"type": "http://adlnet.gov/expapi/activities/course",
                                                  "name": {"fr": "Cours " + course[-2:]}}}
    context = {"registration": registration}
    for verb, result in (("completed", {"completion": True}),
                         ("passed", {"success": True, "score": {"scaled": round(statistics.fmean(scores), 4)}})):
        out.append({"id": str(uuid.UUID(int=rng.getrandbits(128), version=4)), "actor": actor,
                    "verb": {"id": ADL + verb}, "object": course_object, "timestamp": iso(now), "context": context,
                    "result": result})
    return out


def generate_statements(total: int, seed: int = 2026) -> Iterator[dict]:
    """The bench's first `total` statements, learner after learner (the last one may
    stop mid-way): the same for a given seed, so tests can load the bench's data."""
    rng = random.Random(seed)
    produced = 0
    learner = 0
    while produced < total:
        for statement in learner_history(rng, learner)[: total - produced]:
            produced += 1
            yield statement
        learner += 1


def fill(engine: sa.Engine, total: int) -> float:
    stored = 0
    started = time.perf_counter()
    stream = generate_statements(total)
    authority = {"objectType": "Agent", "account": {"homePage": "https://lrs.example.org", "name": "bench"}}
    while stored < total:
        batch = list(itertools.islice(stream, BATCH))
        stored_us = START_US + 100 * 86_400_000_000 + stored
        rows = []
        for statement in batch:
            statement["stored"] = iso(stored_us)
            statement["authority"] = authority
            statement["version"] = "1.0.0"
            rows.append({"id": statement["id"], "stored_us": stored_us, "voided": False, "voids": None,
                         "ref_target": None, "credential_key": "bench", "body": orjson.dumps(statement).decode()})
        with write_transaction(engine) as connection:
            connection.execute(statements_table.insert(), rows)
            ingest(connection, batch)
        stored += len(batch)
        if stored % 100_000 < BATCH:
            rate = stored / (time.perf_counter() - started)
            print(f"  {stored:>9,} statements stored ({rate:,.0f}/s)", file=sys.stderr, flush=True)
    return time.perf_counter() - started


def course_package(course: str) -> bytes:
    """A cmi5 package of one bench course with its course description (modules, pages
    and questions named as the statements name them)."""
    modules = []
    for number in range(1, MODULES + 1):
        module_id = f"{course}/modules/m{number}"
        modules.append({
            "key": f"m{number}", "id": module_id, "title": {"fr": f"Module {number}"}, "description": None,
            "completion": "quiz", "mastery_score": 0.5, "launch": f"m{number}.html",
            "pages": [{"key": f"p{page}", "id": f"{module_id}/pages/p{page}", "title": {"fr": f"Page {page + 1}"}}
                      for page in range(3)],
            "quiz": {"key": "quiz", "id": f"{module_id}/quiz", "title": {"fr": "Quiz"}},
            "questions": [{"key": f"q{q}", "id": f"{module_id}/quiz/q{q}", "type": "true-false",
                           "text": {"fr": f"Question {q + 1} du module {number}"}, "multiple": False,
                           "correct_responses": ["true"], "weight": 1} for q in range(2)],
        })
    description = {
        "format": "parcours-course/1", "id": course, "version": "1", "language": "fr",
        "title": {"fr": "Cours " + course[-2:]}, "description": {"fr": "Cours de mesure."},
        "licence": {"name": "Licence Ouverte / Etalab 2.0", "url": None}, "authors": [], "keywords": [],
        "duration": None, "mastery_score": 0.5, "accessibility": None, "package_format": "cmi5",
        "modules": modules,
    }
    aus = "".join(
        f'<au id="{m["id"]}" moveOn="CompletedOrPassed" launchMethod="AnyWindow"><title><langstring lang="fr">'
        f'{m["title"]["fr"]}</langstring></title><description><langstring lang="fr">{m["title"]["fr"]}</langstring>'
        f'</description><url>{m["launch"]}</url></au>' for m in modules)
    xml = ('<?xml version="1.0" encoding="UTF-8"?><courseStructure '
           'xmlns="https://w3id.org/xapi/profiles/cmi5/v1/CourseStructure.xsd">'
           f'<course id="{course}"><title><langstring lang="fr">Cours</langstring></title><description>'
           f'<langstring lang="fr">Cours</langstring></description></course>{aus}</courseStructure>')
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("cmi5.xml", xml)
        archive.writestr("parcours-course.json", orjson.dumps(description).decode())
        for module in modules:
            archive.writestr(module["launch"], '<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8">'
                                               "<title>Module</title></head><body><main><h1>Module</h1></main></body></html>")
    return buffer.getvalue()


def publish_courses(app) -> None:  # type: ignore[no-untyped-def]
    client = app.test_client()
    for course in COURSES:
        response = client.post("/courses", data=course_package(course),
                               headers={**HEADERS, "Content-Type": "application/zip"})
        assert response.status_code in (200, 201), response.get_data(as_text=True)


HEADERS = {"Authorization": "Basic " + base64.b64encode(b"bench:bench-secret").decode()}


def page_latencies(app, path: str, args: list[dict], requests: int = 20) -> list[float]:  # type: ignore[no-untyped-def]
    client = app.test_client()
    client.get(path, query_string=args[0], headers=HEADERS)  # warm the caches
    timings = []
    for index in range(requests):
        began = time.perf_counter()
        response = client.get(path, query_string=args[index % len(args)], headers=HEADERS)
        timings.append((time.perf_counter() - began) * 1000)
        assert response.status_code == 200, (path, response.status_code)
    return timings


def ingest_seconds(statements: list[dict], model: bool, work: Path, name: str) -> float:
    """Seconds to store `statements` through `POST /xapi/statements` into a fresh
    database, indexing included, with or without the report model's ingest hook."""
    app = create_app(Config.from_env(database_url=f"sqlite:///{work / f'ingest-{name}.db'}",
                                     bootstrap_credential="bench:bench-secret:all"))
    if not model:
        app.extensions[INGEST_HOOKS].clear()
    client = app.test_client()
    headers = {**HEADERS, "X-Experience-API-Version": "1.0.3"}
    began = time.perf_counter()
    for start in range(0, len(statements), 100):
        response = client.post("/xapi/statements", json=statements[start : start + 100], headers=headers)
        assert response.status_code == 200, response.get_data(as_text=True)
    ensure_indexed(app.extensions[ENGINE_KEY])
    return time.perf_counter() - began


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def overview_latencies(app, requests: int = 60) -> list[float]:  # type: ignore[no-untyped-def]
    client = app.test_client()
    headers = HEADERS
    client.get("/reports/course", query_string={"course": COURSES[0]}, headers=headers)  # warm the caches
    timings = []
    for index in range(requests):
        began = time.perf_counter()
        response = client.get("/reports/course", query_string={"course": COURSES[index % len(COURSES)]}, headers=headers)
        timings.append((time.perf_counter() - began) * 1000)
        assert response.status_code == 200, response.status_code
    return timings


def overview_from_statements(engine: sa.Engine, course: str) -> tuple[float, int]:
    """The baseline: learners and completions of one course by parsing its statements."""
    began = time.perf_counter()
    learners: set[str] = set()
    completed: set[str] = set()
    needle = f"%{course}%"
    with engine.connect() as connection:
        for (body,) in connection.execute(sa.select(statements_table.c.body).where(statements_table.c.body.like(needle))):
            statement = orjson.loads(body)
            learners.add(statement["actor"]["mbox"])
            if statement["object"]["id"] == course and statement["verb"]["id"] == ADL + "completed":
                completed.add(statement["actor"]["mbox"])
    return (time.perf_counter() - began) * 1000, len(learners)


def run_measured(command: list[str], env: dict[str, str]) -> tuple[float, float]:
    """(seconds, peak resident memory in MB) of a child process. GNU time measures the
    command alone: a child forked from this (large) process would count its pages."""
    gnu_time = shutil.which("time") or ("/usr/bin/time" if Path("/usr/bin/time").exists() else None)
    wrapped = [gnu_time, "-f", "%M"] + command if gnu_time else command
    began = time.perf_counter()
    process = subprocess.run(wrapped, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    elapsed = time.perf_counter() - began
    if process.returncode != 0:
        raise SystemExit(f"{command} failed: {process.stderr.decode()}")
    if gnu_time:
        peak_kb = int(process.stderr.decode().strip().splitlines()[-1])
    else:
        peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return elapsed, peak_kb / 1024


BARE_EXPORT = """
import sys, sqlalchemy as sa
from lrs.db import engine_for
engine = engine_for(sys.argv[1])
with engine.connect() as connection, open(sys.argv[2], "wb") as out:
    result = connection.execution_options(stream_results=True, yield_per=5000).execute(
        sa.text("SELECT body FROM statements ORDER BY seq"))
    for (body,) in result:
        out.write(body.encode() + b"\\n")
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--statements", type=int, default=1_000_000)
    parser.add_argument("--database", default=None, help="SQLAlchemy URL (default: a new SQLite file)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    parser.add_argument("--ingest", type=int, default=50_000, help="statements posted for the ingest figures")
    parser.add_argument("--no-fill", action="store_true", help="measure a --database filled by an earlier run")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="parcours-bench-reports-"))
    url = args.database or f"sqlite:///{work / 'bench.db'}"
    try:
        app = create_app(Config.from_env(database_url=url, bootstrap_credential="bench:bench-secret:all"))
        engine = app.extensions[ENGINE_KEY]
        print(f"database: {url}")
        if args.no_fill:
            with engine.connect() as connection:
                args.statements = connection.execute(sa.select(sa.func.count()).select_from(statements_table)).scalar_one()
            print(f"{args.statements:,} statements already stored")
        else:
            publish_courses(app)
            seconds = fill(engine, args.statements)
            print(f"filled {args.statements:,} statements (with the report model) in {seconds:.0f} s "
                  f"({args.statements / seconds:,.0f}/s)")

        timings = overview_latencies(app)
        baseline_ms, learners = overview_from_statements(engine, COURSES[0])
        p50, p95 = statistics.median(timings), percentile(timings, 0.95)
        print(f"course overview page: p50 {p50:.1f} ms, p95 {p95:.1f} ms (target < 300 ms); "
              f"{learners:,} learners in the course")
        print(f"  baseline, from the statements without the model: {baseline_ms:,.0f} ms "
              f"(the model is {baseline_ms / p95:,.0f}x faster at p95)")

        courses = [{"course": course} for course in COURSES]
        for label, path, query in (("overview of every course", "/reports/courses", [{}]),
                                   ("completions over time", "/reports/completions", [{"interval": "week"}]),
                                   ("question analysis", "/reports/course/items", courses),
                                   ("drop-off", "/reports/course/dropoff", courses)):
            timings = page_latencies(app, path, query)
            print(f"{label} page ({path}): p50 {statistics.median(timings):.1f} ms, "
                  f"p95 {percentile(timings, 0.95):.1f} ms (target < 1000 ms)")

        sample = list(generate_statements(min(args.statements, args.ingest), seed=7))
        # off, on, on, off: a machine whose load drifts weighs on both alike
        seconds = {False: 0.0, True: 0.0}
        for index, model in enumerate((False, True, True, False)):
            seconds[model] += ingest_seconds(sample, model, work, f"{index}-{'on' if model else 'off'}")
        rate_off, rate_on = 2 * len(sample) / seconds[False], 2 * len(sample) / seconds[True]
        print(f"ingest through POST /xapi/statements, {len(sample):,} statements in batches of 100: "
              f"{rate_on:,.0f}/s with the report model, {rate_off:,.0f}/s without "
              f"({rate_on / rate_off:.0%} of the speed without; target >= 50 %; two runs each)")

        env = dict(os.environ, PYTHONPATH=str(ROOT))
        parcours = [sys.executable, "-m", "parcours.cli"]
        bare_seconds, bare_mb = run_measured([sys.executable, "-c", BARE_EXPORT, url, str(work / "bare.ndjson")], env)
        for fmt in ("ndjson", "csv"):
            out = work / f"export.{fmt}"
            elapsed, peak = run_measured(parcours + ["export", "statements", "--format", fmt, "--output", str(out),
                                                     "--database", url], env)
            lines = sum(1 for _ in open(out, "rb")) - (1 if fmt == "csv" else 0)
            assert lines == args.statements, (fmt, lines)
            print(f"export {fmt}: {args.statements / elapsed:,.0f} statements/s, peak memory {peak:,.0f} MB "
                  f"(target >= 50,000/s, < 200 MB); {elapsed:.1f} s")
            print(f"  {elapsed / bare_seconds:.2f}x the time of the baseline")
        print(f"  baseline, bare read-and-write loop: {args.statements / bare_seconds:,.0f} statements/s, "
              f"peak memory {bare_mb:,.0f} MB")
    finally:
        if args.keep:
            print(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
