"""On a SQLite file, statements are indexed after the request, thousands at a time.

SQLite has one writer at a time, and the filter-index and report rows of a statement
land on pages spread all over their B-trees: written with their statements, a batch of
100 statements rewrites some 2,000 pages at its commit, most of them for a single row
each. So there a request stores its statements and queues their `seq` in
`index_queue`; a background thread of the process indexes the queue in chunks of
`CHUNK` once the process has stored nothing (and answered no filtered query) for
`IDLE_SECONDS`, and alongside the writes while more statements than the configured
bound wait (`index_backlog`) or the oldest has waited `MAX_WAIT_SECONDS`: then writers
slow down to the pace of the index. A burst is thus stored at the pace of the
statements alone, and indexed in large chunks, whose rows share pages, once it is over.

Filtered statement queries do not wait for the index: they read the queued statements
they match beside it (`lrs.statements.queued_keys`), so a statement is visible to every
filter as soon as it is acknowledged. Readers of the reports (and a statement query
meeting a queued StatementRef) call `ensure_indexed` first, which indexes what was
queued before the read (not what writers add meanwhile: a reader never chases a
burst), going before the writers waiting for the lock: nobody ever sees a report
without the facts of a statement stored before. A statement query indexes only the
filter rows: the statements it indexes move to `report_queue`, whose report facts the
background indexer or the next report reader writes. The queues are tables, so a
stopped server loses nothing: the next reader or writer takes over. PostgreSQL runs
writers in parallel, and indexes in the storing transaction (see
`lrs.statements.store.write_batch`).
"""

from __future__ import annotations

import logging
import os
import threading
import time
import weakref
from contextlib import contextmanager, nullcontext
from typing import Any, Callable, ContextManager, Iterator

import orjson
import sqlalchemy
from sqlalchemy.engine import Connection, Engine

from lrs.db import bulk_insert, write_transaction, writer_queue
from lrs.statements.index_writer import IndexEntry, IngestHook, index_statements, run_hooks
from lrs.statements.index_keys import queued_index_keys
from lrs.tables import index_queue, report_queue, statements
from validators.xapi.vocabulary import is_voiding, statement_ref_target

log = logging.getLogger("parcours.lrs")

CHUNK = 5_000  # statements indexed per transaction (fewer: more pages rewritten per statement)
IDLE_SECONDS = 0.5  # no statement written by this process for this long: index the queue
# Index even while writes go on once the oldest waiting statement is this old: a write
# load that never pauses gets its index and report facts this late at most, and writers
# slow down to the pace of the index instead of running ahead for ever. (Filtered
# statement queries see queued statements at once; report readers index first.)
MAX_WAIT_SECONDS = 30.0
POLL_SECONDS = 0.05  # how often the indexer looks at the queue while writes go on


class _Requests:
    """Requests of one kind in this process (stores, or filtered queries): how many are
    going on, and when the last one ended. Guarded by the indexer's lock."""

    def __init__(self, lock: threading.Lock) -> None:
        self.lock = lock
        self.going = 0  # a store waiting for the write lock included
        self.ended = 0.0

    @contextmanager
    def during(self) -> Iterator[None]:
        with self.lock:
            self.going += 1
        try:
            yield
        finally:
            with self.lock:
                self.going -= 1
                self.ended = time.monotonic()

    def quiet(self, now: float) -> bool:
        """None going on, and none ended within IDLE_SECONDS (called with the lock held)."""
        return not self.going and now - self.ended >= IDLE_SECONDS


class _Indexer:
    """The background indexing of one engine in this process."""

    def __init__(self, engine: Engine, hooks: list[IngestHook], bound: int, indexing: bool) -> None:
        self.engine = weakref.ref(engine)  # the app owns the engine; this must not keep it
        self.hooks = hooks
        self.bound = bound
        self.indexing = indexing
        self.lock = threading.Lock()
        self.writes = _Requests(self.lock)
        self.reads = _Requests(self.lock)
        self.thread: threading.Thread | None = None
        self.pid = os.getpid()

    def idle(self) -> bool:
        """Nothing stored for IDLE_SECONDS, by this process or any other (gunicorn's other
        workers, whose requests this one's indexing would otherwise slow down), and no
        filtered query of this process either (they read queued statements without the
        index, and would share the process with the indexing)."""
        with self.lock:
            now = time.monotonic()
            if not (self.writes.quiet(now) and self.reads.quiet(now)):
                return False
        engine = self.engine()
        return engine is None or not _stored_lately(engine)

    def wrote(self) -> None:
        if not self.indexing:
            return
        with self.lock:
            self.writes.ended = time.monotonic()
            if self.thread is None or self.pid != os.getpid():  # none yet, or forked since
                self.pid = os.getpid()
                self.thread = threading.Thread(target=self._run, name="parcours-indexer", daemon=True)
                self.thread.start()

    def _run(self) -> None:
        try:
            while self._step():
                pass
        except sqlalchemy.exc.OperationalError as error:  # read-only file, full disk: the queue stays for later
            log.warning("background indexing stopped, the database refuses writes: %s",
                        " ".join(str(error.orig or error).split())[:300])
            with self.lock:
                self.thread = None
        except Exception:  # a bug: the queue stays, and the next reader indexes it (or reports it)
            log.exception("background indexing failed; the next read will index the queue")
            with self.lock:
                self.thread = None

    def _step(self) -> bool:
        """While this process writes: a chunk of a queue once it is over its bound or its
        oldest statement has waited MAX_WAIT_SECONDS. Once it writes nothing: the whole
        of both queues (stopping as soon as it writes again). False when both are empty
        and nothing was written meanwhile."""
        engine = self.engine()
        if engine is None:
            return False
        if not self.idle():
            now_us = time.time() * 1e6
            for queue in (report_queue, index_queue):
                span, oldest_us = _queue_span(engine, queue)
                if span > self.bound or (oldest_us is not None and now_us - oldest_us > MAX_WAIT_SECONDS * 1e6):
                    index_backlog(engine, self.hooks, limit=CHUNK)
                    return True
            for look_ahead in _while_writing:
                look_ahead(engine)
            time.sleep(POLL_SECONDS)
            return True
        started = time.monotonic()
        index_backlog(engine, self.hooks, until=lambda: not self.idle())
        with self.lock:
            done = self.writes.ended < started and not self.writes.going
            if done:
                self.thread = None
        if done:
            for look_ahead in _while_writing:  # once more, the queue drained: what it kept is let go
                look_ahead(engine)
        return not done


def _stored_lately(engine: Engine) -> bool:
    """Whether the newest statement was stored less than IDLE_SECONDS ago."""
    with engine.connect() as connection:
        newest_us = connection.execute(
            sqlalchemy.select(statements.c.stored_us).order_by(statements.c.seq.desc()).limit(1)).scalar()
    return newest_us is not None and time.time() * 1e6 - newest_us < IDLE_SECONDS * 1e6


_while_writing: list[Callable[[Engine], None]] = []


def while_writing(look_ahead: Callable[[Engine], None]) -> None:
    """Call `look_ahead(engine)` each time the indexer looks at the queue while writes go
    on (every POLL_SECONDS), and once when it has drained it: `lrs.statements.queued_keys`
    loads what was queued since there, ahead of the readers, and drops what is indexed."""
    _while_writing.append(look_ahead)


_indexers: "weakref.WeakKeyDictionary[Engine, _Indexer]" = weakref.WeakKeyDictionary()
_indexers_lock = threading.Lock()


def attach(engine: Engine, hooks: list[IngestHook], bound: int = 100_000, *, indexing: bool = True) -> None:
    """Index this engine's statements after the request (SQLite files only), running
    `hooks` (the list is read at each run: hooks added later count); beyond `bound`
    queued statements, indexing runs alongside writes. Without `indexing` (a process
    storing for another, `lrs.statements.store_processes`), statements are only queued."""
    if writer_queue(engine) is None:
        return
    with _indexers_lock:
        _indexers[engine] = _Indexer(engine, hooks, bound, indexing)


def deferred(engine: Engine) -> bool:
    """Whether statements written through `engine` are queued for indexing."""
    return engine in _indexers


def enqueue(connection: Connection, queued: list[tuple[int, bytes]]) -> None:
    """Queue statements for indexing: (seq, their packed index keys)."""
    bulk_insert(connection, index_queue, ("seq", "keys"), queued)


# Built once: a filtered query asks at every call.
_QUEUE_AND_LAST = sqlalchemy.select(
    sqlalchemy.select(sqlalchemy.func.min(index_queue.c.seq)).scalar_subquery(),
    sqlalchemy.select(sqlalchemy.func.max(statements.c.seq)).scalar_subquery(),
)


def first_queued_and_last(connection: Connection) -> tuple[int | None, int]:
    """The oldest seq waiting for its filter rows (every statement below it is indexed;
    None when none waits), and the newest seq stored (0 when none is)."""
    first, last = connection.execute(_QUEUE_AND_LAST).one()
    return first, last or 0


def storing(engine: Engine) -> ContextManager[None]:
    """Around a request that stores statements: background indexing waits for it."""
    indexer = _indexers.get(engine)
    return indexer.writes.during() if indexer is not None else nullcontext()


def reading(engine: Engine) -> ContextManager[None]:
    """Around a filtered statement query: background indexing waits for it."""
    indexer = _indexers.get(engine)
    return indexer.reads.during() if indexer is not None else nullcontext()


def notify(engine: Engine) -> None:
    """After the commit of queued statements: start the background indexing."""
    indexer = _indexers.get(engine)
    if indexer is not None:
        indexer.wrote()


def queue_state(engine: Engine) -> tuple[int, int | None]:
    """(statements waiting for their index or their report facts, `stored_us` of the
    oldest of them or None)."""
    states = [_queue_state(engine, queue) for queue in (index_queue, report_queue)]
    oldest = [oldest_us for _depth, oldest_us in states if oldest_us is not None]
    return sum(depth for depth, _oldest_us in states), min(oldest) if oldest else None


def _queue_state(engine: Engine, queue: sqlalchemy.Table) -> tuple[int, int | None]:
    """(statements in `queue`, `stored_us` of the oldest or None): the exact count, for
    /health/ready and /metrics."""
    with engine.connect() as connection:
        ends = _queue_ends(connection, queue)
        if ends is None:
            return 0, None
        depth = connection.execute(sqlalchemy.select(sqlalchemy.func.count()).select_from(queue)).scalar_one()
    return int(depth), ends[2]


def _queue_span(engine: Engine, queue: sqlalchemy.Table) -> tuple[int, int | None]:
    """(newest - oldest + 1 queued seqs, `stored_us` of the oldest or None): seeks only,
    where counting the rows would read the whole queue every POLL_SECONDS. Statements
    are queued and indexed in seq order, so the span is the depth, gaps aside."""
    with engine.connect() as connection:
        ends = _queue_ends(connection, queue)
    if ends is None:
        return 0, None
    oldest, newest, stored_us = ends
    return newest - oldest + 1, stored_us


def _queue_ends(connection: Connection, queue: sqlalchemy.Table) -> tuple[int, int, int | None] | None:
    """(oldest seq, newest seq, `stored_us` of the oldest) of `queue`; None when empty."""
    oldest, newest = connection.execute(sqlalchemy.select(  # one aggregate per query: a seek each, not a scan
        sqlalchemy.select(sqlalchemy.func.min(queue.c.seq)).scalar_subquery(),
        sqlalchemy.select(sqlalchemy.func.max(queue.c.seq)).scalar_subquery())).one()
    if oldest is None:
        return None
    stored_us = connection.execute(sqlalchemy.select(statements.c.stored_us).where(statements.c.seq == oldest)).scalar()
    return oldest, newest, stored_us


def ensure_indexed(engine: Engine, *, reports: bool = True) -> None:
    """Index every statement queued before this call (a no-op, one short read, when none
    is): its filter rows, and its report facts unless `reports` is False (a statement
    query needs only the filters). Statements queued meanwhile are left to the indexer:
    a reader never waits for writes that come after it."""
    indexer = _indexers.get(engine)
    if indexer is None:
        return
    with engine.connect() as connection:
        lasts = [connection.execute(sqlalchemy.select(sqlalchemy.func.max(queue.c.seq))).scalar()
                 for queue in ((index_queue, report_queue) if reports else (index_queue,))]
    if all(last is None for last in lasts):
        return
    index_backlog(engine, indexer.hooks, through=max(last for last in lasts if last is not None), reports=reports)


def index_backlog(
    engine: Engine, hooks: list[IngestHook], limit: int | None = None, until: Callable[[], bool] = lambda: False,
    through: int | None = None, filters: bool = True, reports: bool = True,
) -> int:
    """Index queued statements in order, CHUNK per transaction, up to about `limit`,
    until `until()` says to stop between chunks, or (`through`) until none up to that
    `seq` is left; return how many left their queue. `filters`: the filter rows of
    `index_queue`; `reports`: the report facts of `report_queue`, and of `index_queue`
    with its filter rows (without, its statements move to `report_queue`)."""
    done = 0
    while (limit is None or done < limit) and not until():
        # The background indexer's chunks are large: their WAL is checkpointed after the
        # lock is released. A reader indexes a few hundred statements at most, as a POST
        # writes: a checkpoint after each would cost more than the indexing.
        with write_transaction(engine, checkpoint_after=through is None, urgent=through is not None) as connection:
            # The reports' queue first: its statements are older.
            taken = _report_chunk(connection, hooks, through) if reports else 0
            if not taken and filters:
                taken = _index_chunk(connection, hooks, through, reports)
        if not taken:
            break
        done += taken
    return done


def _queued(connection: Connection, queue: sqlalchemy.Table, through: int | None) -> tuple[int, list[Any]]:
    """How many of the next CHUNK entries of `queue` (up to `through`) were taken out of
    it, and their statements' (seq, stored_us, voided, body, keys: packed by the storing
    request, None when the queue has none)."""
    wanted = sqlalchemy.select(queue.c.seq).order_by(queue.c.seq).limit(CHUNK)
    if through is not None:
        wanted = wanted.where(queue.c.seq <= through)
    queued = connection.execute(wanted).scalars().all()
    if not queued:
        return 0, []
    last = queued[-1]
    rows = connection.execute(
        sqlalchemy.select(statements.c.seq, statements.c.stored_us, statements.c.voided, statements.c.body,
                          queue.c["keys"] if "keys" in queue.c else sqlalchemy.null().label("keys"))
        .select_from(queue.join(statements, statements.c.seq == queue.c.seq))
        .where(queue.c.seq <= last)
        .order_by(queue.c.seq)
    ).all()
    # Out of the queue first: the index writer copies StatementRef rows between indexed statements only.
    connection.execute(queue.delete().where(queue.c.seq <= last))
    return len(queued), rows


def _voided_ids(parsed: list[tuple[Any, dict]]) -> list[str]:
    """The statements voided since their storage, and those the voiding ones target."""
    voided_ids: list[str] = []
    for row, statement in parsed:
        if row.voided:
            voided_ids.append(statement["id"])
        if is_voiding(statement):
            voided_ids.append(statement_ref_target(statement))
    return list(dict.fromkeys(voided_ids))


def _index_chunk(connection: Connection, hooks: list[IngestHook], through: int | None = None,
                 reports: bool = True) -> int:
    taken, rows = _queued(connection, index_queue, through)
    if not rows:
        return taken
    parsed = [(row, orjson.loads(row.body)) for row in rows]
    entries: list[IndexEntry] = [
        (row.seq, row.stored_us, statement, queued_index_keys(row.keys, statement)) for row, statement in parsed
    ]
    index_statements(connection, entries, _voided_ids(parsed), hooks if reports else [])
    if not reports:
        bulk_insert(connection, report_queue, ("seq",), [(row.seq,) for row, _statement in parsed])
    return taken


def _report_chunk(connection: Connection, hooks: list[IngestHook], through: int | None = None) -> int:
    """Report facts of statements already indexed for filters."""
    taken, rows = _queued(connection, report_queue, through)
    parsed = [(row, orjson.loads(row.body)) for row in rows]
    if parsed:
        run_hooks(connection, [statement for _row, statement in parsed], _voided_ids(parsed), hooks)
    return taken
