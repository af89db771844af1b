"""The demo's cohort: simulated learners on the sample courses, loaded into the demo LRS.

`parcours simulate` writes each course's cohort as NDJSON under dist/, and the LRS's own
import (`parcours import`, through its library function) loads it, reports' ingest hooks
included: no HTTP round trip a batch. The cohort ends on the day the demo first runs; a
marker beside the database names a statement of it, so that a later run (another day, other
dates, other ids) does not load a second cohort into the same database.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

SAMPLE_COHORTS = {  # course folder -> learners: every sample course the demo publishes
    "samples/courses/numerique-responsable": 320,
    "samples/courses/accueil-handicap": 160,
    "samples/courses/minimal": 120,
}
COHORT_WEEKS = 8
COHORT_SEED = 1


@dataclass
class CohortLoad:
    learners: int
    statements: int  # imported now (0 when the database already had the cohort)
    seconds: float


def cohort_start(today: datetime | None = None) -> datetime:
    """The cohort ends today, so that the reports' recent periods show it."""
    today = (today or datetime.now(timezone.utc)).replace(hour=0, minute=0, second=0, microsecond=0)
    return today - timedelta(weeks=COHORT_WEEKS)


def write_cohorts(out: Path, start: datetime) -> list[Path]:
    from packager.simulate import simulate_course, write_ndjson

    out.mkdir(parents=True, exist_ok=True)
    files = []
    for folder, learners in SAMPLE_COHORTS.items():
        target = out / f"cohorte-{Path(folder).name}.ndjson"
        statements = simulate_course(folder, learners=learners, weeks=COHORT_WEEKS, seed=COHORT_SEED, start=start)
        with open(target, "w", encoding="utf-8") as sink:
            write_ndjson(statements, sink)
        files.append(target)
    return files


def _first_id(path: Path) -> str | None:
    import orjson

    with open(path, "rb") as handle:
        line = handle.readline()
    return orjson.loads(line)["id"] if line.strip() else None


def _stored(app, statement_id: str) -> bool:
    import sqlalchemy as sa

    from lrs.db import ENGINE_KEY
    from lrs.tables import statements

    with app.extensions[ENGINE_KEY].connect() as connection:
        return connection.execute(sa.select(statements.c.id).where(statements.c.id == statement_id)).first() is not None


def import_cohorts(app, files: list[Path]) -> int:
    """Import the NDJSON files into the app's database; a rejected line stops with its file and line."""
    from lrs.statements.index_writer import INGEST_HOOKS
    from lrs.config import app_config
    from lrs.db import ENGINE_KEY
    from lrs.reports.importer import import_credential, import_ndjson

    credential = import_credential(app_config(app).authority_homepage)
    loaded = 0
    for path in files:
        with open(path, "rb") as source:
            summary = import_ndjson(app.extensions[ENGINE_KEY], source, credential,
                                    hooks=app.extensions[INGEST_HOOKS], batch_size=2000)
        if summary.problems:
            problem = summary.problems[0]
            raise ValueError(f"{path}:{problem.line}: {problem.field}: {problem.message('en')}")
        loaded += summary.stored
    return loaded


def load_demo_cohort(app, marker: Path, out: Path = Path("dist"), today: datetime | None = None) -> CohortLoad:
    """Simulate the sample courses' cohorts (ending today) and import them, once a database.

    `marker` (beside the database) keeps the id of a statement of the loaded cohort."""
    began = time.perf_counter()
    learners = sum(SAMPLE_COHORTS.values())
    if marker.exists() and _stored(app, marker.read_text().strip()):
        return CohortLoad(learners, 0, time.perf_counter() - began)
    files = write_cohorts(out, cohort_start(today))
    loaded = import_cohorts(app, files)
    first = _first_id(files[0])
    if first:
        marker.write_text(first + "\n")
    return CohortLoad(learners, loaded, time.perf_counter() - began)


def pseudonym_secret(database: Path) -> str:
    """The demo's pseudonymisation secret, made once and kept beside the database."""
    keep = database.with_name(database.name + ".demo-pseudonym-secret")
    if keep.exists():
        return keep.read_text().strip()
    secret = secrets.token_urlsafe(32)
    keep.write_text(secret + "\n")
    keep.chmod(0o600)
    return secret
