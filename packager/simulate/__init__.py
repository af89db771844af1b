"""A realistic cohort for a course: the statements its packages' runtime (xapi, cmi5) and the
LMS's cmi5 launch would send, for demos, reports and benchmarks.

`simulate_course(course_dir, learners=300, weeks=8, seed=1)` returns them in time order;
`write_ndjson` writes them one a line, the form `parcours import` reads.
"""

from __future__ import annotations

import json
import random
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import IO, Any, Iterable

from packager.course import load_course
from packager.simulate.cohort import ADMINISTRATIONS, SIMULATED_FORMATS, cohort_statements, make_learners

DEFAULT_START = datetime(2026, 9, 7, tzinfo=timezone.utc)  # a Monday: a fixed date keeps the output reproducible

__all__ = ["ADMINISTRATIONS", "DEFAULT_START", "SIMULATED_FORMATS", "simulate_course", "write_ndjson"]


def simulate_course(course_dir: Path | str, learners: int = 300, weeks: int = 8, seed: int = 1,
                    start: datetime = DEFAULT_START,
                    formats: Iterable[str] = SIMULATED_FORMATS) -> list[dict[str, Any]]:
    """The cohort's statements, sorted by timestamp; the same arguments give the same statements."""
    formats = tuple(formats)
    unknown = [name for name in formats if name not in SIMULATED_FORMATS]
    if unknown or not formats:
        raise ValueError(f"formats: {', '.join(unknown) or '—'} (expected {', '.join(SIMULATED_FORMATS)})")
    if learners < 1 or weeks < 1:
        raise ValueError("learners and weeks must be at least 1")
    course = load_course(course_dir)
    start = start if start.tzinfo else start.replace(tzinfo=timezone.utc)
    start = start.astimezone(timezone.utc).replace(hour=0, minute=0, second=0, microsecond=0)
    # the course's id in the seed: two courses simulated with one seed get different ids
    rng = random.Random(f"{seed}:{course.id}")
    cohort = make_learners(rng, learners, formats, start, weeks)
    end = start + timedelta(weeks=weeks)
    statements = sorted(cohort_statements(course, cohort, rng, end), key=lambda s: s["_at"])
    for statement in statements:
        del statement["_at"]
    return statements


def write_ndjson(statements: Iterable[dict[str, Any]], sink: IO[str]) -> int:
    """One statement a line (UTF-8 JSON, compact); returns the count."""
    count = 0
    for statement in statements:
        sink.write(json.dumps(statement, ensure_ascii=False, separators=(",", ":")))
        sink.write("\n")
        count += 1
    return count
