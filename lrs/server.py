"""Running the LRS under gunicorn from `parcours serve`, without a separate config file."""

from __future__ import annotations

import logging
from concurrent.futures.process import BrokenProcessPool
from dataclasses import asdict
from typing import Any

from gunicorn.app.base import BaseApplication

from lrs.config import Config
from lrs.garbage import tune_garbage_collector
from lrs.memory import limit_malloc_arenas

log = logging.getLogger("parcours.lrs")


class _LRSApplication(BaseApplication):
    def __init__(self, config: Config, options: dict[str, Any]) -> None:
        self.lrs_config = config
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self):  # type: ignore[no-untyped-def]
        from lrs.app import create_app
        from lrs.db import ENGINE_KEY
        from lrs.statements.store_processes import STORE_PROCESSES_KEY, StoreProcesses, helper_count

        limit_malloc_arenas()  # in the worker, before its request threads start
        config = Config(**asdict(self.lrs_config))
        app = create_app(config)
        helpers = helper_count(config.store_processes, app.extensions[ENGINE_KEY], self.options["workers"])
        if helpers:
            try:
                app.extensions[STORE_PROCESSES_KEY] = StoreProcesses(config, helpers)
            except (OSError, BrokenProcessPool) as error:  # no /dev/shm, a helper that cannot start...
                log.warning("statement-storing processes unavailable (%s): request threads store statements", error)
        tune_garbage_collector()
        return app


def run_gunicorn(config: Config, host: str, port: int, workers: int, threads: int) -> None:
    options = {
        "bind": f"{host}:{port}",
        "workers": workers,
        "threads": threads,
        "worker_class": "gthread" if threads > 1 else "sync",
        "timeout": 120,
        "accesslog": None,
        "errorlog": "-",
        "loglevel": "warning",
    }
    _LRSApplication(config, options).run()
