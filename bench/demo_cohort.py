"""How long the demo takes to load its simulated cohort, and where the time goes.

Runs what `parcours demo` runs for the cohort (parcours/demo_cohort.py): simulates the
sample courses' learners (`parcours simulate`) and imports the NDJSON through the LRS's
import with the reports' ingest hooks, into a fresh SQLite file in a temporary folder.
Prints wall and CPU seconds for each step, and the machine's load average: on a shared
machine the wall time grows with the other processes, the CPU time does not. The
baseline, measured in the same run, is validating the same statements with `validators`
alone (what every import must at least do): the ratio says what storing and indexing add.

    .venv/bin/python bench/demo_cohort.py
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

import orjson

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _clock() -> tuple[float, float]:
    return time.perf_counter(), time.process_time()


def _since(start: tuple[float, float]) -> tuple[float, float]:
    wall, cpu = _clock()
    return wall - start[0], cpu - start[1]


def main() -> None:
    from lrs.app import create_app
    from lrs.config import Config
    from parcours import demo_cohort
    from validators.xapi import errors_only, validate_statement

    os.chdir(ROOT)
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        start = _clock()
        files = demo_cohort.write_cohorts(work / "dist", demo_cohort.cohort_start())
        simulate = _since(start)
        lines = [line for path in files for line in path.read_bytes().splitlines() if line.strip()]

        start = _clock()
        for line in lines:
            errors_only(validate_statement(orjson.loads(line), "1.0.3", "$"))
        baseline = _since(start)

        app = create_app(Config(database_url=f"sqlite:///{work / 'demo.db'}"))
        start = _clock()
        loaded = demo_cohort.import_cohorts(app, files)
        load = _since(start)

    learners = sum(demo_cohort.SAMPLE_COHORTS.values())
    print(f"cohort: {learners} learners, {len(lines)} statements ({loaded} imported)")
    print(f"simulate:                 {simulate[0]:6.1f} s wall  {simulate[1]:6.1f} s CPU")
    print(f"baseline (validate only): {baseline[0]:6.1f} s wall  {baseline[1]:6.1f} s CPU")
    print(f"import (store, index):    {load[0]:6.1f} s wall  {load[1]:6.1f} s CPU"
          f"  ratio to baseline {load[1] / baseline[1]:.1f}x CPU")
    print(f"demo cohort total:        {simulate[0] + load[0]:6.1f} s wall  {simulate[1] + load[1]:6.1f} s CPU"
          f"  ({len(lines) / (simulate[0] + load[0]):.0f} statements/s wall)")
    print(f"load average (1, 5, 15 min): {', '.join(f'{x:.1f}' for x in os.getloadavg())} on {os.cpu_count()} CPUs")


if __name__ == "__main__":
    main()
