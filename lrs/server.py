"""Running the LRS under gunicorn from `parcours serve`, without a separate config file."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from gunicorn.app.base import BaseApplication

from lrs.config import Config


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

        return create_app(Config(**asdict(self.lrs_config)))


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
