"""The gunicorn worker's garbage collector settings (`lrs.garbage.tune_garbage_collector`)."""

from __future__ import annotations

import subprocess
import sys

from lrs.garbage import GC_YOUNG_THRESHOLD


def test_a_loaded_worker_freezes_its_objects_and_collects_young_ones_less_often() -> None:
    # In a child process: freezing is for the life of the process.
    script = (
        "import gc\n"
        "from lrs.app import create_app\n"
        "from lrs.config import Config\n"
        "from lrs.garbage import tune_garbage_collector\n"
        "create_app(Config(database_url='sqlite://'))\n"
        "before = gc.get_threshold()\n"
        "tune_garbage_collector()\n"
        "print(before[0], gc.get_threshold()[0], gc.get_threshold()[1:] == before[1:], gc.get_freeze_count())\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=True)
    default_young, young, same_older, frozen = result.stdout.split()
    assert int(default_young) == 700 and int(young) == GC_YOUNG_THRESHOLD
    assert same_older == "True"
    assert int(frozen) > 10_000  # the app's modules, routes and schemas
