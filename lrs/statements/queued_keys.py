"""Filtered queries over statements still waiting for their index (SQLite files).

During a burst the filter index lags behind the statements (`lrs.statements.backlog`
writes it in large chunks once writes pause). A filtered query does not wait for it:
each process keeps in memory the index keys of the queued statements (computed by the
requests that stored them, `index_queue.keys`), loaded as writes go on by the process's
indexing thread (`backlog.while_writing`) or by the first query that meets them, and a
query reads the queued statements they match beside those the index finds.
A statement is thus visible to every filter as soon as it is acknowledged, and writers
do not share the write lock with the indexing while the burst lasts.

A StatementRef changes what other statements match: a statement matches what its
target matches, including a target stored after it. Queued statements in such a
relation are indexed by the reader first (`backlog.ensure_indexed`), as the index
writer knows how to copy those rows.
"""

from __future__ import annotations

import itertools
import math
import os
import threading
import weakref
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Iterator

import sqlalchemy
from sqlalchemy.engine import Connection, Engine

from lrs.db import read_transaction
from lrs.statements import backlog
from lrs.statements.index_keys import index_key, pack_keys, queued_index_keys, unpack_keys
from lrs.memory import release_freed_memory
from lrs.tables import index_queue, statements

RELEASE_AFTER = 10_000  # queued statements let go at once: below, what they held is not worth a trim


@dataclass(frozen=True)
class QueuedView:
    """What one read transaction sees of the queue: the first queued `seq` (None when
    nothing waits) and the queued statements in a StatementRef relation."""

    keys: "QueuedKeys"
    first: int | None
    related: list[int]

    def matching(self, kinds_and_values: list[tuple[str, str]]) -> dict[int, str]:
        """seq -> id of the queued statements that have every one of these index keys."""
        if self.first is None or not kinds_and_values:
            return {}
        return self.keys.matching([index_key(kind, value) for kind, value in kinds_and_values], self.first)


class QueuedKeys:
    """The index keys of the statements queued for indexing, for one engine in this process."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.loading = threading.Lock()  # held by the reader loading statements (before `lock`)
        # Every statement stored with a seq in [low, high] is here (or was dropped once
        # indexed). Statements are queued in the order of their seq and indexed from the
        # oldest, so a snapshot's queue is every statement from its first queued seq on.
        self.covered = (1, 0)
        self.indexed_below = 0  # every statement below this seq is indexed, as a snapshot showed
        self.ids: dict[int, str] = {}  # seq -> statement id, in load order
        self.keys_of: dict[int, bytes] = {}  # packed as in `index_queue.keys`: a tuple of ints takes 4x the memory
        self.postings: dict[int, set[int]] = {}  # index key -> seqs
        self.related: set[int] = set()  # seqs in a StatementRef relation
        self.readers: dict[int, float] = {}  # reader -> the lowest seq it may still need
        self.tickets = itertools.count()

    @contextmanager
    def reading(self, connection: Connection) -> Iterator[QueuedView]:
        """The queue as `connection`'s read transaction sees it, what it holds loaded.
        Entries indexed since are dropped once no reader's snapshot can still need them."""
        ticket = next(self.tickets)
        with self.lock:
            self.readers[ticket] = 0  # everything, until its snapshot is known
        try:
            first, last = backlog.first_queued_and_last(connection)
            with self.lock:
                self.readers[ticket] = math.inf if first is None else first
                self.indexed_below = max(self.indexed_below, last + 1 if first is None else first)
            if first is not None:
                # One reader loads at a time: readers arriving together after a burst would
                # each load the same thousands of statements.
                with self.loading:
                    with self.lock:
                        low, high = self.covered
                    for start, end in _missing((first, last), (low, high)):
                        self._load(connection, start, end)
                    with self.lock:
                        self.covered = _joined(self.covered, (first, last))
            with self.lock:
                related = sorted(seq for seq in self.related if first is not None and seq >= first)
            yield QueuedView(self, first, related)
        finally:
            with self.lock:
                del self.readers[ticket]
                self._forget_indexed()

    def matching(self, keys: list[int], first: int) -> dict[int, str]:
        with self.lock:
            postings = sorted((self.postings.get(key, set()) for key in keys), key=len)
            found = set.intersection(*postings) if postings[0] else set()
            return {seq: self.ids[seq] for seq in found if seq >= first}

    def _load(self, connection: Connection, start: int, end: int) -> None:
        """The statements stored with a seq from `start` to `end` (all queued in this snapshot)."""
        span = {"start": start, "end": end}
        # The keys the storing request computed; a statement queued by an older release,
        # or stored by a process indexing as it stores, is parsed.
        entries = []
        for seq, statement_id, packed, body in connection.execute(_QUEUED_ROWS, span):
            keys = queued_index_keys(packed, body)
            entries.append((seq, statement_id, keys, packed if packed is not None else pack_keys(keys)))
        related = connection.execute(_RELATED, span).scalars().all()
        with self.lock:
            ids, keys_of, postings = self.ids, self.keys_of, self.postings
            for seq, statement_id, keys, packed in entries:
                if seq in ids:  # loaded meanwhile by another reader
                    continue
                ids[seq] = statement_id
                keys_of[seq] = packed
                for key in keys:
                    seqs = postings.get(key)
                    if seqs is None:
                        postings[key] = {seq}
                    else:
                        seqs.add(seq)
            self.related.update(related)

    def _forget_indexed(self) -> None:
        """Drop the entries below what is known indexed and below what every reader still
        reading may need (called with the lock held)."""
        below = min([self.indexed_below, *self.readers.values()])
        low, high = self.covered
        self.covered = (max(low, int(min(below, high + 1))), high)
        # In load order, which is seq order but for an older snapshot's late load: an entry
        # behind a newer one waits for the next call.
        dropped = list(itertools.takewhile(lambda seq: seq < below, self.ids))
        for seq in dropped:
            del self.ids[seq]
            self.related.discard(seq)
            for key in unpack_keys(self.keys_of.pop(seq)):
                seqs = self.postings[key]
                seqs.discard(seq)
                if not seqs:
                    del self.postings[key]
        if not self.ids and len(dropped) >= RELEASE_AFTER:
            release_freed_memory()  # the burst's keys, tens of MB, back to the system


# Built once, as readers load at every query during a burst.
_span = statements.c.seq.between(sqlalchemy.bindparam("start"), sqlalchemy.bindparam("end"))
_computed = index_queue.c["keys"]  # not .c.keys: that is the collection's keys()
_QUEUED_ROWS = (
    sqlalchemy.select(statements.c.seq, statements.c.id, _computed,
                      sqlalchemy.case((_computed.is_(None), statements.c.body)).label("body"))
    .select_from(statements.outerjoin(index_queue, index_queue.c.seq == statements.c.seq))
    .where(_span)
)
_referring = statements.alias("referring")
_RELATED = sqlalchemy.select(statements.c.seq).where(  # a StatementRef statement either way: itself, or one that targets it
    _span,
    statements.c.ref_target.is_not(None) | sqlalchemy.exists().where(
        _referring.c.ref_target.is_not(None), _referring.c.ref_target == statements.c.id),
)


def _missing(wanted: tuple[int, int], covered: tuple[int, int]) -> list[tuple[int, int]]:
    """The parts of the seq range `wanted` outside `covered` (ranges are inclusive)."""
    (start, end), (low, high) = wanted, covered
    if high < low or end < low or start > high:
        return [wanted] if start <= end else []
    return [part for part in ((start, low - 1), (high + 1, end)) if part[0] <= part[1]]


def _joined(covered: tuple[int, int], loaded: tuple[int, int]) -> tuple[int, int]:
    """What is covered after loading `loaded`: both as one range when they touch, else
    the newer one (older readers keep their entries: dropping waits for them)."""
    (low, high), (start, end) = covered, loaded
    if high < low or start > high + 1 or end < low - 1:
        return loaded if end >= high or high < low else covered
    return min(low, start), max(high, end)


_by_engine: "weakref.WeakKeyDictionary[Engine, tuple[int, QueuedKeys]]" = weakref.WeakKeyDictionary()
_by_engine_lock = threading.Lock()


def queued_keys(engine: Engine) -> QueuedKeys | None:
    """The queued statements' keys of `engine` in this process; None when its statements
    are indexed as they are stored (PostgreSQL, in-memory SQLite)."""
    if not backlog.deferred(engine):
        return None
    with _by_engine_lock:
        pid, keys = _by_engine.get(engine, (None, None))
        if keys is None or pid != os.getpid():  # none yet, or forked since: start afresh
            keys = QueuedKeys()
            _by_engine[engine] = (os.getpid(), keys)
        return keys


def _load_ahead(engine: Engine) -> None:
    """Load the keys queued since the last look, while the burst goes on: the first
    filtered query after a burst of 20,000 statements would otherwise load them all
    (150-250 ms) before it answers."""
    keys = queued_keys(engine)
    if keys is not None:
        with read_transaction(engine) as connection, keys.reading(connection):
            pass


backlog.while_writing(_load_ahead)


@contextmanager
def reading_with_queue(engine: Engine, filters: list[tuple[str, str]]) -> Iterator[tuple[Connection, dict[int, str]]]:
    """A read transaction for a statement query, and (seq -> id) the queued statements
    matching `filters` that it reads beside the index. Queued statements in a
    StatementRef relation are indexed first; those stored after this call are matched
    by their own keys (a reader never waits for writes that come after it)."""
    keys = queued_keys(engine) if filters else None
    if keys is None:
        with read_transaction(engine) as connection:
            yield connection, {}
        return
    with backlog.reading(engine):
        for attempt in (1, 2):
            with read_transaction(engine) as connection, keys.reading(connection) as view:
                if not view.related or attempt == 2:
                    yield connection, view.matching(filters)
                    return
            backlog.ensure_indexed(engine, reports=False)
