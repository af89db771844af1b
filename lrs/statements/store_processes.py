"""Statement batches stored by helper processes (`parcours serve` on a SQLite file).

A gunicorn worker runs Python one thread at a time, and storing a batch is mostly
Python: parsing, validation, index keys, rows, about 100 µs of CPU per statement. So
`parcours serve` gives each worker helper processes: the worker's threads keep HTTP
(keep-alive, slow clients, reads) and hand each POST of plain JSON statements, as the
bytes received, to a free helper, which stores it as the request thread would
(`lrs.statements.intake`) and answers the ids or the error. Unlike a connection held
by one of several gunicorn workers, each batch goes to whichever helper is free.

Helpers write through their own engine under the same write lock (`lrs.db`). They queue
the statements for indexing and leave the indexing to their worker. A helper that
dies is replaced, and its request answered 503 (statement ids make a retry safe); a
helper whose worker is gone exits.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import signal
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from sqlalchemy.engine import Engine

from lrs.auth import Credential
from lrs.config import Config
from lrs.db import engine_for
from lrs.errors import XAPIError
from lrs.garbage import tune_garbage_collector
from lrs.statements import backlog
from lrs.statements.intake import parse_json_body, statements_sent, store_sent

log = logging.getLogger("parcours.lrs")

STORE_PROCESSES_KEY = "parcours.store_processes"
# SQLite writes one transaction at a time: beyond a few helpers, more only wait for it.
MAX_HELPERS = 4


def helper_count(configured: int | None, engine: Engine, workers: int) -> int:
    """Helpers per gunicorn worker on a SQLite file: as configured, else the CPUs shared
    among the workers less the one each worker keeps for HTTP, queries and indexing
    (at least 1, at most MAX_HELPERS). More is slower: each process writing to the file
    re-reads the pages the others changed. None on PostgreSQL, whose writers run in
    parallel and index as they store (with the ingest hooks, which helpers do not run)."""
    if not backlog.deferred(engine):
        return 0
    if configured is not None:
        return max(0, configured)
    return max(1, min(MAX_HELPERS, (os.cpu_count() or 1) // max(1, workers) - 1))


class StoreProcesses:
    """The helpers of one gunicorn worker."""

    def __init__(self, config: Config, count: int) -> None:
        self.config = config
        self.count = count
        self.lock = threading.Lock()
        self.executor = self._start()

    def _start(self) -> ProcessPoolExecutor:
        executor = ProcessPoolExecutor(
            max_workers=self.count,
            # A fresh interpreter: forking a threaded server would copy locks other threads hold.
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_become_helper,
            initargs=(self.config, os.getpid()),
        )
        # All of them now rather than at the first requests: a helper takes a second to start.
        try:
            for started in [executor.submit(os.getpid) for _ in range(self.count)]:
                started.result()
        except BaseException:
            executor.shutdown(wait=False, cancel_futures=True)
            raise
        return executor

    def store(self, raw: bytes, credential: Credential, *, version: str, content_length: int | None) -> list[str]:
        """Store the statements of a plain JSON body; their ids (or the XAPIError)."""
        executor = self.executor
        try:
            return executor.submit(_store_batch, raw, credential, version, content_length).result()
        except BrokenProcessPool:
            log.warning("a statement-storing process stopped; starting new ones")
            self._replace(executor)
            raise XAPIError(503, "Le processus d'enregistrement s'est arrêté ; réessayez.",
                            "The storing process stopped; try again.")

    def _replace(self, broken: ProcessPoolExecutor) -> None:
        with self.lock:
            if self.executor is not broken:  # already replaced by another request
                return
            broken.shutdown(wait=False, cancel_futures=True)
            try:
                self.executor = self._start()
            except (OSError, BrokenProcessPool) as error:  # the next request tries again
                log.warning("statement-storing processes could not start again: %s", error)


# --- in a helper -------------------------------------------------------------------

_engine: Engine | None = None
_config: Config | None = None


def _become_helper(config: Config, worker_pid: int) -> None:
    global _engine, _config
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the whole group: the worker stops its helpers
    threading.Thread(target=_exit_without, args=(worker_pid,), name="parcours-helper-watch", daemon=True).start()
    _engine = engine_for(config.database_url)
    backlog.attach(_engine, [], config.index_backlog, indexing=False)
    _config = config
    tune_garbage_collector()


def _exit_without(worker_pid: int) -> None:
    """End this helper once its worker is gone (killed, it could not say so)."""
    while os.getppid() == worker_pid:
        time.sleep(1.0)
    os._exit(0)


def _store_batch(raw: bytes, credential: Credential, version: str, content_length: int | None) -> list[str]:
    assert _engine is not None and _config is not None, "called outside a helper"
    items, paths = statements_sent(parse_json_body(raw))
    # No ingest hooks: they run where the queue is indexed, in the worker.
    return store_sent(items, paths, None, credential, version=version, engine=_engine, hooks=[],
                      max_statement_bytes=_config.max_statement_bytes, content_length=content_length)
